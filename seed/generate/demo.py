"""Building the demo region's people files (seed/demo/*.csv) from its YAML.

The YAML in seed/demo is written by hand; the CSVs are generated from it with
a fixed seed and written by the dataset writer, so they are exactly what an
export of the demo would write (`python tools/build_demo.py`).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from seed import layout
from seed.generate.people import generate_dataset
from seed.generate.profile import DEMO_AS_OF, DEMO_EMPLOYEES, DEMO_SEED
from seed.loader import load_dataset
from seed.writer import write_dataset

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"

REFERENCE_FILES = (layout.COMPETENCES, layout.PROFESSIONS, layout.ACTIVITIES, layout.UNITS)


def build_demo_csvs(
    folder: Path = DEMO_DIR,
    *,
    n: int = DEMO_EMPLOYEES,
    seed: int = DEMO_SEED,
) -> dict[str, bytes]:
    """The CSV files (name -> content) generated from the YAML files in `folder`.

    Only the YAML is read, so stale CSVs in `folder` play no part.
    """
    with tempfile.TemporaryDirectory(prefix="stege-demo-") as tmp:
        reference = Path(tmp, "reference")
        reference.mkdir()
        for name in REFERENCE_FILES:
            shutil.copyfile(folder / name, reference / name)
        shutil.copytree(folder / layout.LADDERS_DIR, reference / layout.LADDERS_DIR)
        base, _ = load_dataset(reference)
        dataset = generate_dataset(base, n=n, seed=seed, as_of=DEMO_AS_OF)
        out = Path(tmp, "out")
        write_dataset(dataset, out)
        return {name: (out / name).read_bytes() for name in layout.CSV_COLUMNS}


def write_demo_csvs(folder: Path = DEMO_DIR) -> list[str]:
    """Regenerate the CSVs in `folder`; returns the names of files that changed."""
    changed = []
    for name, content in build_demo_csvs(folder).items():
        target = folder / name
        if not target.exists() or target.read_bytes() != content:
            target.write_bytes(content)
            changed.append(name)
    return changed
