"""Broken variants of the sample dataset: one edit each, with the issue it must cause.

Shared by the loader tests and the CLI tests, so each rejection is checked
both where it is found and where a user sees it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class Case:
    file: str
    old: str
    new: str
    message: str
    column: str | None = None


CASES = {
    "unknown competence (YAML)": Case(
        "ladders/ssk.yaml",
        "competence: handledning",
        "competence: handledningg",
        "unknown competence 'handledningg'",
    ),
    "unknown competence (CSV)": Case(
        "holdings.csv", "e1,handledning,4", "e1,okänd,4", "unknown competence 'okänd'", "competence"
    ),
    "level 7 (YAML)": Case(
        "ladders/usk.yaml",
        "{competence: hlr, level: 2}",
        "{competence: hlr, level: 7}",
        "level 7 is outside 1-5",
    ),
    "level 7 (CSV)": Case(
        "holdings.csv", "e1,handledning,4,", "e1,handledning,7,", "level 7 is outside 1-5", "level"
    ),
    "duplicate id (YAML)": Case(
        "competences.yaml", "- id: handledning", "- id: hlr", "duplicate competence id 'hlr'"
    ),
    "duplicate id (CSV)": Case(
        "employees.csv", "e3,Maria", "e1,Maria", "duplicate employee id 'e1'", "id"
    ),
    "id with spaces around it (YAML)": Case(
        "competences.yaml",
        "- id: hlr",
        '- id: " hlr"',
        "id: Value error, must not start or end with whitespace",
    ),
    "duplicate key (CSV)": Case(
        "conversations.csv",
        "e2,lonesamtal,2024-04-10",
        "e2,medarbetarsamtal,2024-02-01",
        "duplicate conversation for employee 'e2'",
    ),
    "bad date": Case(
        "holdings.csv",
        "2024-01-15",
        "2024-13-45",
        "assessed_on '2024-13-45' is not a date",
        "assessed_on",
    ),
    "date after the range (assessed_on)": Case(
        "holdings.csv",
        "e2,hlr,2,2024-01-15",
        "e2,hlr,2,9999-12-31",
        "assessed_on 9999-12-31 is not a date from 1900-01-01 to 2200-12-31",
        "assessed_on",
    ),
    "date after the range (expires_on)": Case(
        "holdings.csv",
        "2024-02-01,2025-02-01",
        "2024-02-01,2201-01-01",
        "expires_on 2201-01-01 is not a date from 1900-01-01 to 2200-12-31",
        "expires_on",
    ),
    "date before the range (employed_since)": Case(
        "employees.csv",
        "2012-01-01,2005-01-01",
        "2012-01-01,0001-01-01",
        "employed_since 0001-01-01 is not a date from 1900-01-01 to 2200-12-31",
        "employed_since",
    ),
    "date before the range (step_since)": Case(
        "employees.csv",
        "usk-2,2012-01-01",
        "usk-2,1899-12-31",
        "step_since 1899-12-31 is not a date from 1900-01-01 to 2200-12-31",
        "step_since",
    ),
    "id too long": Case(
        "plans.csv",
        "p2,e3,2023-01-01",
        "p" + "2" * 200 + ",e3,2023-01-01",
        "must be at most 200 characters long",
    ),
    "step_since without a step": Case(
        "employees.csv",
        "usk,usk-2,2012-01-01",
        "usk,,2012-01-01",
        "step_since needs a step",
        "step_since",
    ),
    "date after the range (started_on)": Case(
        "mentorships.csv",
        "2024-01-01,",
        "9999-01-01,",
        "started_on 9999-01-01 is not a date from 1900-01-01 to 2200-12-31",
        "started_on",
    ),
    "date after the range (period_end)": Case(
        "plans.csv",
        "2023-01-01,2023-12-31",
        "2023-01-01,9999-12-31",
        "period_end 9999-12-31 is not a date from 1900-01-01 to 2200-12-31",
        "period_end",
    ),
    "date after the range (due_on)": Case(
        "plan_activities.csv",
        "2024-09-30,planned",
        "9999-09-30,planned",
        "due_on 9999-09-30 is not a date from 1900-01-01 to 2200-12-31",
        "due_on",
    ),
    "date after the range (completed_on)": Case(
        "plan_activities.csv",
        "done,2024-06-20",
        "done,9999-06-20",
        "completed_on 9999-06-20 is not a date from 1900-01-01 to 2200-12-31",
        "completed_on",
    ),
    "date before the range (held_on)": Case(
        "conversations.csv",
        "e3,prestationssamtal,2023-09-05",
        "e3,prestationssamtal,0001-09-05",
        "held_on 0001-09-05 is not a date from 1900-01-01 to 2200-12-31",
        "held_on",
    ),
    "valid_months above 1200": Case(
        "competences.yaml",
        "valid_months: 12",
        "valid_months: 1201",
        "valid_months 1201 is outside 1-1200",
    ),
    "min_months above 1200": Case(
        "ladders/usk.yaml",
        "min_months: 6",
        "min_months: 99999",
        "min_months 99999 is outside 0-1200",
    ),
    "transition months above 1200": Case(
        "ladders/usk.yaml", "months: 36", "months: 1201", "months 1201 is outside 0-1200"
    ),
    # Past these bounds (ladders.models) the import crashed: SQLite keeps
    # 64-bit integers.
    "need count above the most": Case(
        "units.yaml",
        "count: 2",
        "count: 100000000000000000000",
        "count 100000000000000000000 is outside 0-1000000",
    ),
    "negative need count": Case("units.yaml", "count: 2", "count: -1", "count -1 is outside 0-"),
    "mentor_capacity above the most": Case(
        "employees.csv",
        "1990-08-15,,3,false",
        "1990-08-15,,99999999999999999999,false",
        "mentor_capacity 99999999999999999999 is outside 0-100",
        "mentor_capacity",
    ),
    "hours above the most": Case(
        "activities.yaml", "hours: 12.5", "hours: 1.0e+20", "hours 1.0e+20 is outside 0-100000"
    ),
    "cost_sek above the most": Case(
        "activities.yaml",
        "cost_sek: 1500",
        "cost_sek: 1500000000",
        "cost_sek 1500000000 is outside 0-1000000000",
    ),
    # A ";" in an id is read back as two ids from a list cell (manages, focus).
    "id with the list separator (YAML)": Case(
        "units.yaml",
        "- id: avd-5",
        '- id: "avd;5"',
        "id: Value error, must not contain ';'",
    ),
    "id with the list separator (CSV)": Case(
        "plans.csv", "p2,e3", "p;2,e3", "id: Value error, must not contain ';'"
    ),
    # Only ASCII decimal digits: int() and float() took all of these.
    "underscore in a whole number": Case(
        "employees.csv",
        "Maria Lind,1980",
        "Maria Lind,1_980",
        "birth_year '1_980' is not a whole number",
        "birth_year",
    ),
    "other digits than ASCII": Case(
        "employees.csv",
        "Maria Lind,1980",
        "Maria Lind,١٩٨٠",
        "birth_year '١٩٨٠' is not a whole number",
        "birth_year",
    ),
    "plus sign": Case(
        "holdings.csv",
        "e1,handledning,4,",
        "e1,handledning,+4,",
        "level '+4' is not a whole number",
        "level",
    ),
    "underscore in a whole number (YAML)": Case(
        "ladders/usk.yaml",
        "{competence: hlr, level: 2}",
        "{competence: hlr, level: 0_2}",
        "level '0_2' is not a whole number",
    ),
    "underscore in a number": Case(
        "activities.yaml", "hours: 12.5", "hours: 1_2.5", "hours '1_2.5' is not a number"
    ),
    "plus sign in a number": Case(
        "activities.yaml", "hours: 12.5", "hours: +12.5", "hours '+12.5' is not a number"
    ),
    "expires before assessed": Case(
        "holdings.csv",
        "2024-02-01,2025-02-01",
        "2024-02-01,2024-01-31",
        "expires_on 2024-01-31 is before assessed_on 2024-02-01",
        "expires_on",
    ),
    "unit cycle": Case(
        "units.yaml",
        "parent: region",
        "parent: avd-5",
        "unit tree has a cycle: 'med' -> 'avd-5' -> 'med'",
    ),
    "bad boolean": Case(
        "employees.csv",
        "1990-08-15,,3,false",
        "1990-08-15,,3,nej",
        "adept 'nej' is not true or false",
        "adept",
    ),
    "bad boolean (YAML)": Case(
        "professions.yaml", "licensed: true", "licensed: ja", "licensed 'ja' is not true or false"
    ),
    "YAML 1.1 boolean": Case(
        "professions.yaml", "licensed: true", "licensed: yes", "licensed 'yes' is not true or false"
    ),
    "missing column": Case(
        "holdings.csv", "competence,level,", "competence,", "missing column 'level'", "level"
    ),
    "unknown enum (YAML)": Case(
        "competences.yaml",
        "category: supervision",
        "category: handledning",
        "unknown category 'handledning'",
    ),
    "unknown enum (CSV)": Case(
        "conversations.csv", "lonesamtal", "lönesamtal", "unknown kind 'lönesamtal'", "kind"
    ),
    "bad number": Case(
        "activities.yaml", "hours: 12.5", "hours: tolv", "hours 'tolv' is not a number"
    ),
    "bad whole number": Case(
        "employees.csv",
        "Maria Lind,1980",
        "Maria Lind,19x0",
        "birth_year '19x0' is not a whole number",
        "birth_year",
    ),
    "unknown key": Case(
        "professions.yaml", "name: Undersköterska", "nam: Undersköterska", "unknown key 'nam'"
    ),
    "duplicate key (YAML)": Case(
        "competences.yaml",
        "name_en: Evidence-based care",
        "name: Evidence-based care",
        "duplicate key 'name' in competence",
    ),
    "unknown column": Case(
        "conversations.csv",
        "employee,kind,held_on",
        "employee,kind,held_on,note",
        "unknown column 'note'",
        "note",
    ),
    "row longer than header": Case(
        "conversations.csv",
        "e3,prestationssamtal,2023-09-05",
        "e3,prestationssamtal,2023-09-05,x",
        "row has 4 cells but the header has 3",
    ),
    "row shorter than header": Case(
        "conversations.csv",
        "e3,prestationssamtal,2023-09-05",
        "e3,prestationssamtal",
        "row has 2 cells but the header has 3",
    ),
    "short employee row": Case(
        "employees.csv",
        "1990-08-15,,3,false",
        "1990-08-15,,3",
        "row has 10 cells but the header has 11",
    ),
    "unknown step": Case(
        "employees.csv", "ssk-1,2022", "ssk-9,2022", "unknown step 'ssk-9'", "step"
    ),
    "unknown transition target": Case(
        "ladders/usk.yaml", "to: ssk-1", "to: ssk-9", "unknown step 'ssk-9'"
    ),
    "unknown profession": Case(
        "ladders/usk.yaml", "profession: usk", "profession: usx", "unknown profession 'usx'"
    ),
    "unknown unit": Case(
        "employees.csv", "med;avd-5", "med;avd-6", "unknown unit 'avd-6'", "manages"
    ),
    "repeated list item": Case(
        "mentorships.csv",
        "handledning;evidens",
        "handledning;evidens;handledning",
        "focus lists 'handledning' more than once",
        "focus",
    ),
    "unknown employee": Case("plans.csv", "p2,e3", "p2,e9", "unknown employee 'e9'", "employee"),
    "unknown plan": Case(
        "plan_activities.csv",
        "p2,,personcentrerad",
        "p9,,personcentrerad",
        "unknown plan 'p9'",
        "plan",
    ),
    "unknown activity": Case(
        "plan_activities.csv",
        "p1,hlr-kurs",
        "p1,hlr-kurser",
        "unknown activity 'hlr-kurser'",
        "activity",
    ),
    "YAML syntax": Case(
        "units.yaml", "  kind: department", "\tkind: department", "YAML syntax error: found"
    ),
}

CASE_PARAMS = [pytest.param(case, id=name) for name, case in CASES.items()]
