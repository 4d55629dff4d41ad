"""DICOM pixel data: decode (pydicom + pylibjpeg plugins), OCR views, redacted write-back.

- Decoding: 8- and 16-bit MONOCHROME1/2, RGB and YBR (converted to RGB), single and
  multi-frame, native or compressed (RLE, JPEG, JPEG-LS with the installed plugins).
  The size is checked from the header before any pixel is decoded.
- OCR view: each frame stretched to 8 bits over its own value range (MONOCHROME1
  inverted), so text burned in at the extreme value stands out whatever the window;
  stored values are never changed for OCR.
- Write-back (only when a box was filled; otherwise Pixel Data stays byte for byte):
  native data keeps its transfer syntax and layout; RLE Lossless is re-encoded as RLE
  Lossless; any other compressed syntax (JPEG, JPEG-LS, JPEG 2000...) is written
  uncompressed as Explicit VR Little Endian with the Transfer Syntax UID and Photometric
  Interpretation updated (YBR -> RGB), Lossy Image Compression kept as it was.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from phimask.image.errors import CorruptImage, ImageUnsupported
from phimask.image.raster import MAX_BYTES, check_pixels

if TYPE_CHECKING:
    import numpy as np
    from PIL.Image import Image
    from pydicom.dataset import Dataset

GRAY = ("MONOCHROME1", "MONOCHROME2")
COLOUR = ("RGB", "YBR_FULL", "YBR_FULL_422", "YBR_ICT", "YBR_RCT", "YBR_PARTIAL_420")


@dataclass(frozen=True, slots=True)
class PixelInfo:
    """What the redactor needs to know about a dataset's pixels."""

    frames: int
    rows: int
    columns: int
    samples: int
    bits: int
    photometric: str
    transfer_syntax: str


def read_dicom(data: bytes, *, stop_before_pixels: bool = False, lazy: bool = False) -> Dataset:
    """Parse a DICOM file (corrupt or truncated files raise :class:`CorruptImage`). Unless
    ``lazy``, every element is decoded now, so a corrupt header fails here; a lazy dataset
    keeps untouched elements as raw bytes (written back byte for byte)."""
    import pydicom
    from pydicom.errors import InvalidDicomError

    if len(data) > MAX_BYTES:
        raise CorruptImage(f"the DICOM file is larger than {MAX_BYTES} bytes")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dataset = pydicom.dcmread(io.BytesIO(data), stop_before_pixels=stop_before_pixels)
            if not stop_before_pixels:
                _check_complete(dataset, len(data))
            if not lazy:
                for _ in dataset.iterall():
                    pass
    except CorruptImage:
        raise
    except (InvalidDicomError, EOFError, ValueError, KeyError, TypeError, OverflowError, OSError,
            IndexError, AttributeError, NotImplementedError) as exc:
        reason = "truncated" if isinstance(exc, EOFError) or "end of file" in str(exc).lower() else "corrupt"
        raise CorruptImage(f"the DICOM file is {reason}: it cannot be parsed") from None
    if "TransferSyntaxUID" not in getattr(dataset, "file_meta", {}):
        raise CorruptImage("the DICOM file has no transfer syntax in its file meta information")
    return dataset


def _check_complete(dataset: Dataset, size: int) -> None:
    """pydicom stops quietly at the end of a truncated file: the last element must end
    where the file ends (when its length is defined)."""
    from pydicom.dataelem import RawDataElement

    if not len(dataset):
        raise CorruptImage("the DICOM file is truncated: it has no data elements")
    last = dataset.get_item(max(dataset.keys()))
    if isinstance(last, RawDataElement) and last.length != 0xFFFFFFFF \
            and last.value_tell + last.length != size:
        raise CorruptImage("the DICOM file is truncated: its last element ends past the end of the file")


def pixel_info(dataset: Dataset) -> PixelInfo | None:
    """The pixel layout, checked for size and support; ``None`` when there is no Pixel Data."""
    if "PixelData" not in dataset:
        if "FloatPixelData" in dataset or "DoubleFloatPixelData" in dataset:
            raise ImageUnsupported("float DICOM pixel data is not supported")
        return None
    try:
        info = PixelInfo(int(dataset.get("NumberOfFrames") or 1), int(dataset.Rows), int(dataset.Columns),
                         int(dataset.get("SamplesPerPixel") or 1), int(dataset.BitsAllocated),
                         str(dataset.get("PhotometricInterpretation", "")).strip().upper(),
                         str(dataset.file_meta.TransferSyntaxUID))
    except (AttributeError, TypeError, ValueError):
        raise CorruptImage("the DICOM image pixel module is incomplete "
                           "(Rows, Columns, BitsAllocated)") from None
    check_pixels(info.columns, info.rows, info.frames)
    if info.bits not in (8, 16):
        raise ImageUnsupported(f"DICOM pixel data with {info.bits} bits allocated is not supported (8 or 16)")
    if info.photometric not in GRAY + COLOUR:
        raise ImageUnsupported(f"DICOM photometric interpretation {info.photometric or '(none)'} "
                               "is not supported")
    return info


def decode_frames(dataset: Dataset, info: PixelInfo) -> np.ndarray:
    """All frames as (frames, rows, columns[, 3]); YBR is converted to RGB."""
    from pydicom.uid import UID

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pixels = dataset.pixel_array
    except (NotImplementedError, RuntimeError, ImportError):
        name = UID(info.transfer_syntax).name
        raise ImageUnsupported(f"no decoder is installed for DICOM transfer syntax {name}") from None
    except (ValueError, EOFError, TypeError, IndexError, AttributeError, KeyError):
        raise CorruptImage("the DICOM pixel data is corrupt or truncated") from None
    shape = (info.frames, info.rows, info.columns) + ((info.samples,) if info.samples > 1 else ())
    if pixels.size != _size(shape):
        raise CorruptImage("the DICOM pixel data does not match Rows, Columns and Number of Frames")
    return pixels.reshape(shape)


def _size(shape: tuple[int, ...]) -> int:
    total = 1
    for n in shape:
        total *= n
    return total


def ocr_view(frame: np.ndarray, photometric: str) -> Image:
    """An 8-bit view of one frame for OCR: stretched to its range, MONOCHROME1 inverted."""
    import numpy as np
    from PIL import Image as PILImage

    values = frame.astype(np.float64)
    low, high = float(values.min()), float(values.max())
    scaled = (values - low) * (255.0 / (high - low)) if high > low else np.zeros_like(values)
    if photometric == "MONOCHROME1":
        scaled = 255.0 - scaled
    return PILImage.fromarray(np.clip(scaled + 0.5, 0, 255).astype(np.uint8))


def fill_value(pixels: np.ndarray, photometric: str) -> Any:
    """The stored value that displays black: the minimum (the maximum for MONOCHROME1)."""
    if pixels.ndim == 4:
        return 0
    return pixels.max() if photometric == "MONOCHROME1" else pixels.min()


def store_pixels(dataset: Dataset, info: PixelInfo, pixels: np.ndarray) -> str:
    """Write redacted ``pixels`` into ``dataset``; returns the transfer syntax now used."""
    from pydicom.uid import UID, ExplicitVRLittleEndian, RLELossless

    syntax = UID(info.transfer_syntax)
    frames = pixels if info.frames > 1 else pixels[0]
    photometric = "RGB" if info.samples == 3 else info.photometric
    bits_stored = int(dataset.get("BitsStored") or info.bits)
    if syntax.is_compressed or photometric != info.photometric:  # YBR data was decoded to RGB
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dataset.set_pixel_data(frames, photometric, bits_stored, generate_instance_uid=False)
            if syntax == RLELossless:
                dataset.compress(RLELossless, frames, generate_instance_uid=False)
        return str(dataset.file_meta.TransferSyntaxUID)
    if not syntax.is_little_endian:
        dataset.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    planar = int(dataset.get("PlanarConfiguration") or 0) if info.samples == 3 else 0
    data = frames
    if planar == 1:
        data = pixels.transpose(0, 3, 1, 2)
    raw = data.astype(data.dtype.newbyteorder("<"), copy=False).tobytes()
    dataset.PixelData = raw + (b"\0" if len(raw) % 2 else b"")
    return str(dataset.file_meta.TransferSyntaxUID)
