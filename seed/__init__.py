"""The dataset format (DESIGN §7): load and validate, write, import and export."""

from seed.canonical import canonical, record_counts
from seed.issues import DatasetError, Severity, ValidationIssue
from seed.loader import load_dataset
from seed.services import ImportResult, export_dir, import_dir
from seed.writer import write_dataset

__all__ = [
    "DatasetError",
    "ImportResult",
    "Severity",
    "ValidationIssue",
    "canonical",
    "export_dir",
    "import_dir",
    "load_dataset",
    "record_counts",
    "write_dataset",
]
