"""Mutations reject ids and names the dataset format could not read back, so
what the API writes always survives export -> import (DESIGN §7)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from seed import export_dir, load_dataset
from tests.api.conftest import Api
from tests.api.test_mutations import PERSON, PLAN, fields, run, unchanged


@pytest.mark.parametrize(
    ("input", "expected"),
    [
        ({"id": "", "name": "X", "birthYear": 1990}, ["id"]),
        ({"id": " e12", "name": "X", "birthYear": 1990}, ["id"]),
        ({"id": "e12 ", "name": "X", "birthYear": 1990}, ["id"]),
        ({"id": "e12", "name": "", "birthYear": 1990}, ["name"]),
        ({"id": "e12", "name": "  ", "birthYear": 1990}, ["name"]),
        ({"id": "e03", "name": "\t"}, ["name"]),
    ],
)
async def test_upsert_employee_rejects_what_a_dataset_cannot_hold(
    api: Api, input: dict[str, Any], expected: list[str]
) -> None:
    async with unchanged(api):
        result = await run(api, "upsertEmployee", PERSON, input, user="e01", roles="admin")
    assert fields(result) == expected


@pytest.mark.parametrize("plan_id", ["", " p9", "p9\n"])
async def test_create_plan_rejects_an_id_a_dataset_cannot_hold(api: Api, plan_id: str) -> None:
    input = {
        "employeeId": "e03",
        "id": plan_id,
        "periodStart": "2025-03-01",
        "periodEnd": "2026-01-01",
        "items": [{"competenceId": "evb", "targetLevel": 2}],
    }
    async with unchanged(api):
        result = await run(api, "createPlan", PLAN, input, user="e03")
    assert fields(result) == ["id"]


async def test_what_the_api_accepts_exports_as_a_valid_dataset(api: Api, tmp_path: Path) -> None:
    # Names keep the spaces around them: the format reads names verbatim.
    created = await run(
        api, "upsertEmployee", PERSON, {"id": "e12", "name": " Ny Person ", "birthYear": 1990},
        user="e01", roles="admin",
    )  # fmt: skip
    assert created["employee"]["name"] == " Ny Person "
    plan = await run(
        api, "createPlan", PLAN,
        {"employeeId": "e03", "id": "p-ny", "periodStart": "2025-03-01",
         "periodEnd": "2026-01-01", "items": [{"competenceId": "evb", "targetLevel": 2}]},
        user="e03",
    )  # fmt: skip
    assert plan["__typename"] == "PlanPayload", plan

    exported = await export_dir(store=api.store, path=tmp_path / "out")
    dataset, _ = load_dataset(tmp_path / "out")

    assert dataset == exported
