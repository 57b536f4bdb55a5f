"""The ids a dataset defines and the references it makes, checked once all is read.

A dataset is self-contained (DESIGN §7): every reference must name an id
defined in the same dataset, whatever file defines it and in whatever order.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import NamedTuple, Protocol

from seed.issues import Issues, Loc


class Located(Protocol):
    def loc_of(self, key: str) -> Loc: ...


class _Ref(NamedTuple):
    kind: str
    id: str
    record: Located
    key: str


class Registry:
    def __init__(self, issues: Issues) -> None:
        self.issues = issues
        self._ids: dict[str, dict[str, Loc]] = {}
        self._keys: dict[str, dict[Hashable, Loc]] = {}
        self._refs: list[_Ref] = []
        self._closed: set[str] = set()
        self._unknowable: set[str] = set()

    def define(self, kind: str, id: str | None, loc: Loc) -> bool:
        """Record a new id of this kind; False (and an error) when it repeats."""
        if id is None:
            return False
        known = self._ids.setdefault(kind, {})
        first = known.get(id)
        if first is not None:
            self.issues.error(loc, f"duplicate {kind} id {id!r} (first defined at {first})")
            return False
        known[id] = loc
        return True

    def unique(self, kind: str, key: Hashable, loc: Loc, described: str) -> bool:
        """Record a row's key (keyed rows like holdings); False when it repeats."""
        known = self._keys.setdefault(kind, {})
        first = known.get(key)
        if first is not None:
            self.issues.error(loc, f"duplicate {kind} for {described} (first at {first})")
            return False
        known[key] = loc
        return True

    def close(self, *kinds: str, whole: bool = True) -> None:
        """Every id of these kinds has been read: check references to them at
        once. Not `whole` (the reading of a file defining them stopped at an
        error): references to them are not checked, as every one to an id
        past the error would be reported unknown, burying the one error that
        matters (a YAML syntax error in competences.yaml gave 25,000)."""
        self._closed.update(kinds)
        if not whole:
            self._unknowable.update(kinds)

    def ref(self, kind: str, id: str | None, record: Located, key: str) -> None:
        """Check a reference, the value of `key` in `record`: now when every id
        of its kind is known, else once every file has been read. Its place is
        only worked out for an error (people files make millions of these)."""
        if id is None or kind in self._unknowable:
            return
        if kind in self._closed:
            if id not in self._ids.get(kind, ()):
                self.issues.error(record.loc_of(key), f"unknown {kind} {id!r}")
        else:
            self._refs.append(_Ref(kind, id, record, key))

    def known(self, kind: str, id: str) -> bool:
        return id in self._ids.get(kind, {})

    def check_refs(self) -> None:
        for ref in self._refs:
            if ref.kind not in self._unknowable and not self.known(ref.kind, ref.id):
                self.issues.error(ref.record.loc_of(ref.key), f"unknown {ref.kind} {ref.id!r}")
