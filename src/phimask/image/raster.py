"""PNG, JPEG and TIFF in and out (Pillow), with the format sniffed from the bytes.

Decoding refuses decompression bombs (more than ``MAX_PIXELS`` pixels a frame, or more
than ``MAX_FRAMES`` pages) before any pixel is decoded, and reports corrupt or truncated
files as :class:`CorruptImage`. Encoding keeps the format, mode, size, ICC profile and
resolution; JPEG reuses the original quantization tables and subsampling (no extra loss
beyond one re-encode); TIFF keeps every page. Other metadata (EXIF, PNG text chunks) is
not copied: it may hold PHI.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from phimask.image.errors import CorruptImage, ImageTooLarge, ImageUnsupported

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_PIXELS = 80_000_000  # per frame, about 9000 x 9000
MAX_FRAMES = 1000
MAX_BYTES = 512 * 1024 * 1024
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"),
)
_OTHER = ((b"GIF8", "GIF"), (b"BM", "BMP"), (b"RIFF", "WEBP"), (b"II+\x00", "BigTIFF"),
          (b"MM\x00+", "BigTIFF"))
PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "tiff": "TIFF"}
_TIFF_COMPRESSIONS = {"raw", "tiff_lzw", "tiff_deflate", "tiff_adobe_deflate", "packbits"}


def sniff_format(head: bytes) -> str:
    """``png``, ``jpeg``, ``tiff`` or ``dicom`` from the first 132 bytes; clear errors otherwise."""
    for signature, name in _SIGNATURES:
        if head.startswith(signature):
            return name
    if head[128:132] == b"DICM":
        return "dicom"
    if head.startswith(b"%PDF"):
        raise ImageUnsupported("PDF is not supported: render its pages to PNG first")
    if not head:
        raise ImageUnsupported("the image is empty")
    other = next((name for signature, name in _OTHER if head.startswith(signature)), None)
    if other:
        raise ImageUnsupported(f"{other} is not supported: expected PNG, JPEG, TIFF or DICOM")
    raise ImageUnsupported("unsupported image format: expected PNG, JPEG, TIFF or DICOM "
                           "(DICOM needs its 128-byte preamble and DICM prefix)")


@dataclass
class Raster:
    """The decoded frames (pages) of a PNG, JPEG or TIFF and what is needed to write it back."""

    format: str
    frames: list[Image]
    save_options: dict[str, Any] = field(default_factory=dict)


def check_pixels(width: int, height: int, frames: int = 1) -> None:
    """Refuse images too large to process safely."""
    if width <= 0 or height <= 0:
        raise CorruptImage("the image has no pixels")
    if width * height > MAX_PIXELS:
        raise ImageTooLarge(f"the image has {width * height} pixels a frame; the limit is {MAX_PIXELS}")
    if frames > MAX_FRAMES:
        raise ImageTooLarge(f"the image has {frames} frames; the limit is {MAX_FRAMES}")


def decode_raster(data: bytes, image_format: str) -> Raster:
    """Decode every frame of a PNG, JPEG or TIFF (bomb-checked before decoding)."""
    from PIL import Image as PILImage
    from PIL import ImageSequence, UnidentifiedImageError

    if len(data) > MAX_BYTES:
        raise ImageTooLarge(f"the image is larger than {MAX_BYTES} bytes")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            image = PILImage.open(io.BytesIO(data), formats=[PIL_FORMATS[image_format]])
            check_pixels(image.width, image.height, getattr(image, "n_frames", 1))
            frames = []
            for frame in ImageSequence.Iterator(image):
                check_pixels(frame.width, frame.height)
                frame.load()
                frames.append(frame.copy())
    except (ImageTooLarge, CorruptImage):
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ImageTooLarge(f"the image has more than {MAX_PIXELS} pixels a frame: too large to decode "
                            "safely (decompression bomb)") from None
    except UnidentifiedImageError:
        raise CorruptImage(f"the {image_format.upper()} file is corrupt: it cannot be decoded") from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        reason = "truncated" if "truncated" in str(exc) else "corrupt"
        raise CorruptImage(f"the {image_format.upper()} file is {reason}: it cannot be decoded") from None
    return Raster(image_format, frames, _save_options(image, image_format))


def _save_options(image: Image, image_format: str) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for key in ("icc_profile", "dpi"):
        if key in image.info:
            options[key] = image.info[key]
    if image_format == "jpeg":
        from PIL import JpegImagePlugin

        options["qtables"] = getattr(image, "quantization", None) or "web_high"
        sampling = JpegImagePlugin.get_sampling(image)
        if sampling >= 0:
            options["subsampling"] = sampling
    elif image_format == "tiff":
        compression = image.info.get("compression", "raw")
        options["compression"] = compression if compression in _TIFF_COMPRESSIONS else "tiff_deflate"
    return options


def encode_raster(raster: Raster) -> bytes:
    """The frames written back in the original format."""
    buffer = io.BytesIO()
    first, rest = raster.frames[0], raster.frames[1:]
    options = dict(raster.save_options)
    if rest:
        options.update(save_all=True, append_images=rest)
    first.save(buffer, PIL_FORMATS[raster.format], **options)
    return buffer.getvalue()


def ocr_view(frame: Image) -> Image:
    """An 8-bit L or RGB view of a frame for OCR (16-bit data stretched to its range)."""
    if frame.mode in ("L", "RGB"):
        return frame
    if frame.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        import numpy as np
        from PIL import Image as PILImage

        values = np.asarray(frame, dtype=np.float64)
        low, high = float(values.min()), float(values.max())
        scaled = (values - low) * (255.0 / (high - low)) if high > low else values * 0
        return PILImage.fromarray(scaled.astype(np.uint8))
    return frame.convert("RGB")
