"""Any free text survives write -> load: quotes, separators, newlines, Swedish letters."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ladders.models import Dataset
from seed import load_dataset, write_dataset
from tests.builders import changed, tiny_region

# Text people type: letters of any script, punctuation that means something to
# CSV or YAML, and line breaks (\n, and \r and NEL, which a pasted text brings
# and the writer once lost). Other control characters are left out (they are
# not names).
free_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"))
    | st.sampled_from('",;:#-\n\r\x85\'"'),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() != "")

REGION = tiny_region()


def with_text(employee_name: str, competence_name: str, note: str) -> Dataset:
    employees = (changed(REGION.employees[0], name=employee_name), *REGION.employees[1:])
    competences = (
        changed(REGION.competences[0], name=competence_name, description=note),
        *REGION.competences[1:],
    )
    return REGION.model_copy(update={"employees": employees, "competences": competences})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(employee_name=free_text, competence_name=free_text, note=free_text)
def test_free_text_round_trips(employee_name: str, competence_name: str, note: str) -> None:
    data = with_text(employee_name, competence_name, note)
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp) / "a", Path(tmp) / "b"

        write_dataset(data, first)
        loaded, _ = load_dataset(first)
        write_dataset(loaded, second)

        employee = next(e for e in loaded.employees if e.id == data.employees[0].id)
        competence = next(c for c in loaded.competences if c.id == data.competences[0].id)
        assert employee.name == employee_name
        assert (competence.name, competence.description) == (competence_name, note)
        for path in first.rglob("*.*"):
            assert path.read_bytes() == (second / path.relative_to(first)).read_bytes()
