"""Records built without validation are exactly what validation would build."""

from __future__ import annotations

import pytest

from ladders.models import Dataset, Holding, HoldingSource
from seed.generate.trusted import trusted, trusted_from_values
from seed.synthetic import synthetic_chunks

_PEOPLE = ("employees", "holdings", "mentorships", "plans", "plan_activities", "conversations")


def test_the_generators_records_come_out_of_validation_unchanged() -> None:
    chunks = list(synthetic_chunks(employees=400, seed=9, batch_size=400))
    records = [r for c in chunks for name in _PEOPLE for r in getattr(c, name)]

    assert {type(r).__name__ for r in records} >= {"Holding", "Conversation", "PlanActivity"}
    for record in records:
        again = type(record).model_validate(record.__dict__)
        assert again == record
        # Equal is not enough: a plain "self" equals HoldingSource.SELF.
        assert [type(v) for v in again.__dict__.values()] == [
            type(v) for v in record.__dict__.values()
        ]
        assert again.model_fields_set == record.model_fields_set


def test_a_trusted_record_is_a_frozen_model_with_every_field_set() -> None:
    values = {
        "employee_id": "e1",
        "competence_id": "hlr",
        "level": 3,
        "assessed_on": None,
        "expires_on": None,
        "source": HoldingSource.MANAGER,
    }
    made = trusted(Holding, **values)

    assert made == Holding(**values)
    assert made == trusted_from_values(Holding, list(values.values()))
    assert made.model_fields_set == set(values)
    assert made.model_copy(update={"level": 4}).level == 4
    assert made.level == 3
    with pytest.raises(ValueError, match="frozen"):
        made.level = 2  # type: ignore[misc]
    assert Dataset(holdings=(made,)).holdings == (made,)


def test_trusted_wants_every_field_in_order() -> None:
    with pytest.raises(TypeError, match="all its fields"):
        trusted(Holding, employee_id="e1", competence_id="hlr", level=3)
    with pytest.raises(TypeError, match="all its fields"):
        trusted(
            Holding,
            competence_id="hlr",
            employee_id="e1",
            level=3,
            assessed_on=None,
            expires_on=None,
            source=HoldingSource.SELF,
        )
    with pytest.raises(ValueError, match="shorter|longer"):
        trusted_from_values(Holding, ["e1", "hlr", 3])
