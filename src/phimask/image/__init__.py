"""Images and DICOM: OCR, PHI word boxes, pixel redaction and DICOM header de-identification.

Modules (each imports Pillow, numpy or pydicom lazily or only when used):

- :mod:`~phimask.image.ocr`: the OCR port (``Word``, ``OcrEngine``) and the engine factory
- :mod:`~phimask.image.tesseract`, :mod:`~phimask.image.rekognition`: OCR adapters
- :mod:`~phimask.image.boxes`: OCR words -> page text -> detector -> PHI words
- :mod:`~phimask.image.context`: burned-in annotation rules (DICOM header values, sex markers)
- :mod:`~phimask.image.raster`, :mod:`~phimask.image.dicom_pixels`: decoding and encoding
- :mod:`~phimask.image.redact`: filled boxes
- :mod:`~phimask.image.annex_e`, :mod:`~phimask.image.dicom_header`: PS3.15 Annex E profile
- :mod:`~phimask.image.dicom_vault`: reversible header de-identification through the vault
- :mod:`~phimask.image.service`: the operations the CLI, server and Lambdas call
"""
