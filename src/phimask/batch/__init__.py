"""Batch runs: ``phimask batch IN OUT --operation mask|deidentify|surrogate`` over text
(.txt), FHIR JSON (.json), images and DICOM, from a directory or an S3 prefix.

- :mod:`~phimask.batch.storage`: local and S3 trees, atomic writes
- :mod:`~phimask.batch.work`: one file in a worker process
- :mod:`~phimask.batch.runner`: parallel run, progress, resume, report
"""

from __future__ import annotations

from phimask.batch.runner import Report, run
from phimask.batch.storage import REPORT_NAME, LocalTree, S3Tree, open_tree
from phimask.batch.work import OPERATIONS, Options

__all__ = ["OPERATIONS", "REPORT_NAME", "LocalTree", "Options", "Report", "S3Tree", "open_tree", "run"]
