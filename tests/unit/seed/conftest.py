from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.seed.sample import write_sample


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A fresh copy of the hand-written sample dataset."""
    return write_sample(tmp_path / "sample")
