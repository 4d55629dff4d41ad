"""Synthetic images and DICOM files for the image tests (fictional PHI only)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
from click.testing import CliRunner, Result
from PIL import Image, ImageDraw, ImageFont
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence as DicomSequence
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, generate_uid

from phimask.cli import main

BANNER = "Name: GARCIA, MARIA   MRN: 55120873"
SECOND = "DOB: 02/19/1961   PORTABLE"
PHI_TEXTS = {"GARCIA,", "MARIA", "55120873", "02/19/1961"}
KEPT_TEXTS = {"PORTABLE"}
Box = tuple[int, int, int, int]


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def draw_lines(lines: Sequence[str], *, size: tuple[int, int] = (520, 110), font_size: int = 20,
               ink: Any = 0, paper: Any = 255, mode: str = "L", origin: tuple[int, int] = (10, 10)
               ) -> tuple[Image.Image, dict[str, Box]]:
    """An image with ``lines`` of text and the ink box of every word drawn."""
    image = Image.new(mode, size, paper)
    draw = ImageDraw.Draw(image)
    face = font(font_size)
    boxes: dict[str, Box] = {}
    x0, y = origin
    for line in lines:
        x = x0
        for word in line.split(" "):
            if word:
                draw.text((x, y), word, fill=ink, font=face)
                left, top, right, bottom = draw.textbbox((x, y), word, font=face)
                boxes[word] = (int(left), int(top), int(right), int(bottom))
            x += int(draw.textlength(word + " ", font=face))
        y += int(font_size * 1.5)
    return image, boxes


def banner_image(mode: str = "L") -> tuple[Image.Image, dict[str, Box]]:
    """Dark-on-light banner with PHI and a label to keep."""
    ink = (0, 0, 0) if mode == "RGB" else (0, 0, 0, 255) if mode == "RGBA" else 0
    paper = (255, 255, 255) if mode == "RGB" else (255, 255, 255, 255) if mode == "RGBA" else 255
    return draw_lines([BANNER, SECOND], ink=ink, paper=paper, mode=mode)


def region(pixels: np.ndarray, box: Box) -> np.ndarray:
    x0, y0, x1, y1 = box
    return pixels[..., y0:y1, x0:x1] if pixels.ndim == 2 else pixels[y0:y1, x0:x1]


def encode(image: Image.Image, fmt: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def dicom_bytes(pixels: np.ndarray, *, photometric: str = "MONOCHROME2", bits_stored: int | None = None,
                syntax: str = ExplicitVRLittleEndian, extra: dict[str, Any] | None = None,
                study_uid: str | None = None) -> bytes:
    """A DICOM file (Secondary Capture) around ``pixels`` shaped (frames, rows, cols[, 3])
    with a header full of fictional PHI, private tags and a nested sequence."""
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.StudyInstanceUID = study_uid or generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.PatientName = "GARCIA^MARIA"
    ds.PatientID = "55120873"
    ds.PatientBirthDate = "19610219"
    ds.PatientSex = "F"
    ds.StudyDate = "20240407"
    ds.StudyTime = "101500"
    ds.AccessionNumber = "ACC99887"
    ds.InstitutionName = "Lakeside Fictional Hospital"
    ds.ReferringPhysicianName = "KLEIN^HOWARD"
    ds.StudyDescription = "XR CHEST for Maria Garcia"
    ds.Modality = "OT"
    ds.Manufacturer = "Fictional Imaging"
    item = Dataset()
    item.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    item.ReferencedSOPInstanceUID = generate_uid()
    ds.ReferencedImageSequence = DicomSequence([item])
    block = ds.private_block(0x0009, "FICTIONAL VENDOR", create=True)
    block.add_new(0x01, "LO", "GARCIA MARIA")
    for key, value in (extra or {}).items():
        setattr(ds, key, value)
    frames = pixels.shape[0]
    samples = pixels.shape[3] if pixels.ndim == 4 else 1
    ds.Rows, ds.Columns = pixels.shape[1], pixels.shape[2]
    ds.SamplesPerPixel = samples
    ds.PhotometricInterpretation = photometric
    if samples > 1:
        ds.PlanarConfiguration = 0
    if frames > 1:
        ds.NumberOfFrames = frames
    ds.BitsAllocated = pixels.dtype.itemsize * 8
    ds.BitsStored = bits_stored or ds.BitsAllocated
    ds.HighBit = ds.BitsStored - 1
    ds.PixelRepresentation = 1 if pixels.dtype.kind == "i" else 0
    ds.PixelData = (pixels if frames > 1 else pixels[0]).tobytes()
    if syntax not in (ExplicitVRLittleEndian, ImplicitVRLittleEndian):
        ds.compress(syntax, pixels if frames > 1 else pixels[0], generate_instance_uid=False)
    if syntax == ImplicitVRLittleEndian:
        ds.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def banner_pixels(dtype: str = "uint8", low: int = 0, high: int = 255, frames: int = 1,
                  invert: bool = False) -> tuple[np.ndarray, dict[str, Box]]:
    """The banner image as DICOM-style pixels: text at ``high`` on ``low`` (``invert``:
    the stored values are flipped, as MONOCHROME1 stores them)."""
    image, boxes = draw_lines([BANNER, SECOND], ink=255, paper=0)
    grey = np.asarray(image, dtype=np.float64) / 255.0
    if invert:
        grey = 1.0 - grey
    values = (low + grey * (high - low)).round().astype(dtype)
    return np.repeat(values[None, ...], frames, axis=0), boxes


def jpeg_dicom_bytes(image: Image.Image) -> bytes:
    """An RGB image as JPEG Baseline DICOM (YBR_FULL_422), encoded by Pillow."""
    from pydicom.encaps import encapsulate
    from pydicom.uid import JPEGBaseline8Bit

    pixels = np.asarray(image.convert("RGB"))[None, ...]
    data = dicom_bytes(pixels, photometric="RGB")
    import pydicom

    ds = pydicom.dcmread(io.BytesIO(data))
    ds.file_meta.TransferSyntaxUID = JPEGBaseline8Bit
    ds.PhotometricInterpretation = "YBR_FULL_422"
    ds.PixelData = encapsulate([encode(image.convert("RGB"), "JPEG", quality=95, subsampling=1)])
    ds["PixelData"].VR = "OB"
    ds.LossyImageCompression = "01"
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def run(*args: str) -> Result:
    """``phimask ARGS`` in process, stderr kept apart from stdout."""
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg, unused-ignore]  # click < 8.2
    except TypeError:  # click >= 8.2 always keeps stderr apart
        runner = CliRunner()
    return runner.invoke(main, list(args), catch_exceptions=False)
