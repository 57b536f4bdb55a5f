"""The import rules of DESIGN §2: api -> ladders, graph, seed; seed -> ladders,
graph; graph -> ladders; ladders imports none of them, nor a driver or web
framework. Checked on the source, so a new module cannot slip past."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

ALLOWED = {
    "ladders": {"ladders"},
    "graph": {"graph", "ladders"},
    "seed": {"seed", "ladders", "graph"},
    "api": {"api", "ladders", "graph", "seed"},
}
OURS = set(ALLOWED)
FORBIDDEN_IN_DOMAIN = {"neo4j", "strawberry", "fastapi", "starlette", "sqlite3", "apsw", "uvicorn"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def modules_of(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_its_layer_allows(package: str) -> None:
    assert modules_of(package), f"{package}/ has no modules"
    broken = []
    for path in modules_of(package):
        ours = imported_roots(path) & OURS
        for bad in sorted(ours - ALLOWED[package]):
            broken.append(f"{path.relative_to(ROOT)} imports {bad}")
    assert not broken, "layer rule broken:\n" + "\n".join(broken)


def test_domain_imports_no_driver_or_framework() -> None:
    broken = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules_of("ladders")
        for name in sorted(imported_roots(path) & FORBIDDEN_IN_DOMAIN)
    ]
    assert not broken, "\n".join(broken)


def test_checker_sees_a_violation(tmp_path: Path) -> None:
    # Guards the checker itself: a module importing the API must be caught.
    module = tmp_path / "bad.py"
    module.write_text("from api.app import create_app\nimport neo4j\n", encoding="utf-8")
    assert imported_roots(module) == {"api", "neo4j"}
