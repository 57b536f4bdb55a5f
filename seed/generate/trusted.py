"""Records the generator makes, built without pydantic validating them.

Validation is a third of the cost of generating a region, and the generator's
values are already of the fields' types (tests check that validating them
again changes nothing). A trusted record is what pydantic itself makes when it
unpickles one: every field set, no extras, no private attributes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

_NAMES: dict[type[BaseModel], tuple[str, ...]] = {}
_EVERY: dict[type[BaseModel], set[str]] = {}
_new, _put = object.__new__, object.__setattr__


def field_names(model: type[BaseModel]) -> tuple[str, ...]:
    names = _NAMES.get(model)
    if names is None:
        names = _NAMES[model] = tuple(model.model_fields)
        # One set serves every record of the model: all fields are set, so
        # adding one changes nothing, and pydantic copies it before a change.
        _EVERY[model] = set(names)
    return names


def trusted(model: type[M], **values: Any) -> M:
    """`model(**values)` without validation; `values` name every field, in order."""
    if tuple(values) != field_names(model):
        raise TypeError(f"{model.__name__} needs all its fields, in order: {field_names(model)}")
    return _record(model, values)


def trusted_from_values(model: type[M], values: Sequence[Any]) -> M:
    """`model` with its fields, in order, set to `values`, without validation."""
    return _record(model, dict(zip(field_names(model), values, strict=True)))


def _record(model: type[M], fields: dict[str, Any]) -> M:
    record = _new(model)
    _put(record, "__dict__", fields)
    _put(record, "__pydantic_fields_set__", _EVERY[model])
    _put(record, "__pydantic_extra__", None)
    _put(record, "__pydantic_private__", None)
    return record
