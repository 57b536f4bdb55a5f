"""One order for everything in a dataset, so a dataset is written the same way
whichever order it was read or exported in.

The order is the one the store port gives its lists in (sorted by keys). The
orders that carry meaning are kept: the steps of a ladder (`ordinal`) and the
items of a plan (`seq`) are what they are sorted on, and a mentorship's focus
keeps the order it was given in. Managed units (a set) are sorted.
"""

from __future__ import annotations

from ladders.models import Dataset


def canonical(dataset: Dataset) -> Dataset:
    """The same dataset with every collection (and nested list) in key order."""
    return Dataset(
        competences=tuple(sorted(dataset.competences, key=lambda c: c.id)),
        professions=tuple(sorted(dataset.professions, key=lambda p: p.id)),
        ladders=tuple(sorted(dataset.ladders, key=lambda ladder: ladder.id)),
        steps=tuple(
            step.model_copy(
                update={"requires": tuple(sorted(step.requires, key=lambda r: r.competence_id))}
            )
            for step in sorted(dataset.steps, key=lambda s: (s.ladder_id, s.ordinal, s.id))
        ),
        transitions=tuple(
            sorted(dataset.transitions, key=lambda t: (t.from_step_id, t.to_step_id))
        ),
        activities=tuple(
            activity.model_copy(
                update={"develops": tuple(sorted(activity.develops, key=lambda d: d.competence_id))}
            )
            for activity in sorted(dataset.activities, key=lambda a: a.id)
        ),
        units=tuple(sorted(dataset.units, key=lambda u: u.id)),
        needs=tuple(
            sorted(
                dataset.needs,
                key=lambda n: (n.unit_id, n.competence_id, n.level, n.horizon.value),
            )
        ),
        employees=tuple(
            employee.model_copy(update={"manages": tuple(sorted(employee.manages))})
            for employee in sorted(dataset.employees, key=lambda e: e.id)
        ),
        holdings=tuple(sorted(dataset.holdings, key=lambda h: (h.employee_id, h.competence_id))),
        mentorships=tuple(
            sorted(dataset.mentorships, key=lambda m: (m.mentor_id, m.adept_id, m.started_on))
        ),
        plans=tuple(sorted(dataset.plans, key=lambda p: (p.employee_id, p.id))),
        plan_activities=tuple(sorted(dataset.plan_activities, key=lambda a: (a.plan_id, a.seq))),
        conversations=tuple(
            sorted(dataset.conversations, key=lambda c: (c.employee_id, c.held_on, c.kind.value))
        ),
    )


def record_counts(dataset: Dataset) -> dict[str, int]:
    """How many records of each kind, in the order of `Dataset`'s fields."""
    return {name: len(getattr(dataset, name)) for name in Dataset.model_fields}


def record_total(dataset: Dataset) -> int:
    return sum(record_counts(dataset).values())
