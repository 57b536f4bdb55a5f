"""A small, valid dataset folder written by hand, the way people write one.

It has comments, keys in their own order, Swedish letters and multi-line text,
so tests see the reader handle more than what the writer produces.
"""

from __future__ import annotations

from pathlib import Path

FILES: dict[str, str] = {
    "competences.yaml": """\
# Kompetenser
- id: evidens
  name: Evidensbaserad vård
  name_en: Evidence-based care
  category: core
- id: personcentrerad
  category: core
  name: Personcentrerad vård
  description: |
    Vård som utgår från patientens berättelse.
    Två rader.
- id: hlr
  name: Hjärt-lungräddning
  category: mandatory
  valid_months: 12
- id: handledning
  name: Handledning av studenter
  category: supervision
  esco_uri: http://data.europa.eu/esco/skill/abc
""",
    "professions.yaml": """\
- id: ssk
  name: Sjuksköterska
  ssyk: "2221"
  licensed: true
- id: usk
  name: Undersköterska
  ssyk: 5321
""",
    "ladders/ssk.yaml": """\
id: ssk
profession: ssk
name: Kompetensstege sjuksköterska
steps:
  - id: ssk-1
    name: Nyutexaminerad
    min_months: 12
    requires:
      - competence: evidens
        level: 2
      - competence: hlr
        level: 2
  - id: ssk-2
    name: Erfaren
    min_months: 24
    requires:
      - competence: hlr
        level: 3
      - competence: evidens
        level: 3
      - competence: personcentrerad
        level: 3
        mandatory: false
  - id: ssk-3
    name: Specialist
    description: Leder förbättringsarbete.
    requires:
      - competence: evidens
        level: 4
      - competence: handledning
        level: 3
""",
    "ladders/usk.yaml": """\
id: usk
profession: usk
name: Kompetensstege undersköterska
steps:
  - id: usk-1
    name: Undersköterska
    min_months: 6
    requires:
      - {competence: hlr, level: 2}
  - id: usk-2
    name: Erfaren undersköterska
    requires:
      - {competence: hlr, level: 3}
      - {competence: personcentrerad, level: 3}
transitions:
  - from: usk-2
    to: ssk-1
    kind: education
    months: 36
    note: Sjuksköterskeprogrammet, 180 hp
""",
    "activities.yaml": """\
- id: hlr-kurs
  name: HLR-utbildning
  kind: course
  hours: 4
  cost_sek: 1500
  provider: Regionens utbildningscenter
  develops:
    - competence: hlr
      to_level: 3
- id: ebm-seminarium
  name: Seminarieserie evidensbaserad vård
  kind: seminar
  hours: 12.5
  develops:
    - competence: evidens
      from_level: 2
      to_level: 4
- id: handledarutbildning
  name: Handledarutbildning
  kind: handledning
  hours: 40.0
  develops:
    - competence: handledning
      to_level: 3
""",
    "units.yaml": """\
- id: region
  name: Region Norrland
  kind: region
- id: med
  name: Medicinkliniken
  kind: department
  parent: region
  needs:
    - competence: evidens
      level: 3
      count: 2
    - competence: hlr
      level: 3
      count: 3
      horizon: short
- id: avd-5
  name: Avdelning 5 – kardiologi
  kind: unit
  parent: med
""",
    "employees.csv": """\
id,name,birth_year,unit,profession,step,step_since,employed_since,manages,mentor_capacity,adept
e1,Åsa Öberg,1962,avd-5,ssk,ssk-3,2015-03-01,1990-08-15,,3,false
e2,"Ärlig, Erik",1995,avd-5,ssk,ssk-1,2022-06-01,2022-06-01,,,true
e3,Maria Lind,1980,med,usk,usk-2,2012-01-01,2005-01-01,med;avd-5,,
""",
    "holdings.csv": """\
employee,competence,level,assessed_on,expires_on,source
e1,evidens,5,2023-01-10,,manager
e1,handledning,4,2022-05-01,,certificate
e1,hlr,3,2024-02-01,2025-02-01,certificate
e2,evidens,2,2023-09-01,,self
e2,hlr,2,2024-01-15,,activity
e3,hlr,3,2023-11-11,,
""",
    "mentorships.csv": """\
mentor,adept,focus,started_on,ended_on
e1,e2,handledning;evidens,2024-01-01,
""",
    "plans.csv": """\
id,employee,period_start,period_end,status,created_on,last_followup_on,target_step
p1,e2,2024-01-01,2024-12-31,active,2023-12-15,2024-06-01,ssk-2
p2,e3,2023-01-01,2023-12-31,closed,2022-12-01,,
""",
    "plan_activities.csv": """\
plan,activity,competence,target_level,due_on,status,completed_on
p1,ebm-seminarium,evidens,3,2024-06-30,done,2024-06-20
p2,,personcentrerad,3,2023-10-01,cancelled,
p1,hlr-kurs,hlr,3,2024-09-30,planned,
""",
    "conversations.csv": """\
employee,kind,held_on
e2,medarbetarsamtal,2024-02-01
e2,lonesamtal,2024-04-10
e3,prestationssamtal,2023-09-05
""",
}


def write_sample(root: Path) -> Path:
    """Write the sample dataset into `root` (created) and return it."""
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def edit(root: Path, name: str, old: str, new: str) -> int:
    """Replace the one line of `name` containing `old` with that line edited;
    returns the (1-based) line number, so a test can expect it in a message."""
    path = root / name
    lines = path.read_text(encoding="utf-8").split("\n")
    hits = [i for i, line in enumerate(lines) if old in line]
    assert len(hits) == 1, f"{old!r} is on lines {[i + 1 for i in hits]} of {name}"
    lines[hits[0]] = lines[hits[0]].replace(old, new)
    path.write_text("\n".join(lines), encoding="utf-8")
    return hits[0] + 1
