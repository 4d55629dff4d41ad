"""Rebuild src/phimask/detect/data/prefilter.json.gz: the checks the prefilter reads off the
detector's and the allow-list's regexes, so that a process does not parse them at start-up.
Run it after changing a regex (a test says when the table is stale): python scripts/build_prefilter.py
"""

from __future__ import annotations

from pathlib import Path

from phimask.detect.prefilter import TABLE
from phimask.detect.prefilter_table import write

if __name__ == "__main__":
    out = Path(__file__).resolve().parents[1] / "src" / "phimask" / "detect" / "data" / TABLE
    count = write(out)
    print(f"{out}: checks of {count} regexes, {out.stat().st_size:,} bytes")
