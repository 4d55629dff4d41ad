"""Generate the sample scan used by ``make run`` (``src/phimask/samples/sample_scan.png``).

A synthetic ultrasound-like frame: a dark field with a bright fan, a banner with fictional
PHI (name, MRN, birth date, study date and time, referring physician) and labels that are
not PHI and must survive ("PORTABLE", "AP", "L", "5 cm"). Every name and number is made up.
Run from the repository root: ``.venv/bin/python scripts/make_sample_image.py``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parents[1] / "src" / "phimask" / "samples" / "sample_scan.png"
BANNER = ("Name: MARTINEZ, ELENA   MRN: 48213377   DOB: 03/14/1958",
          "Study: 04/07/2024 10:15   Ref: Dr. Howard Klein")
LABELS = (("PORTABLE", (560, 70)), ("AP", (40, 420)), ("L", (700, 420)), ("5 cm", (690, 300)))


def draw_sample(width: int = 760, height: int = 480) -> Image.Image:
    """The sample frame (grey, 8-bit)."""
    image = Image.new("L", (width, height), 12)
    draw = ImageDraw.Draw(image)
    draw.pieslice((130, -250, 630, 450), 55, 125, fill=70)
    for radius in range(60, 380, 40):
        draw.arc((380 - radius, 100 - radius, 380 + radius, 100 + radius), 60, 120, fill=110)
    font = ImageFont.load_default(size=18)
    draw.rectangle((0, 0, width, 56), fill=200)
    for row, line in enumerate(BANNER):
        draw.text((12, 6 + 24 * row), line, fill=10, font=font)
    for text, position in LABELS:
        draw.text(position, text, fill=235, font=font)
    return image


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    draw_sample().save(OUT, optimize=True)
    print(f"wrote {OUT}")
