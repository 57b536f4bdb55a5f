"""The organisation: units and their needs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from api.context import Info
from api.schema.enums import Horizon, UnitKind, from_domain, to_domain
from api.schema.reference import Competence, competence
from ladders import models as m

if TYPE_CHECKING:
    from api.schema.people import EmployeeConnection


# Arguments with a default are nullable, as DESIGN §6 declares them: an
# explicit null (a client passing on an unset variable) means the default.
NULL_DEFAULT = " Null: the default."

# The page arguments of the lists of people (Query.employees, Unit.employees).
PAGE_SIZE = 50
PAGE_FIRST = strawberry.argument(description="The page size, 0-200." + NULL_DEFAULT)
PAGE_AFTER = strawberry.argument(
    description="A cursor of this list (an edge's, or pageInfo.endCursor): the page starts "
    "after it. Default: from the start."
)


@strawberry.type(
    description="A unit of the organisation tree (region down to unit); open to everyone "
    "signed in, its people only to its managers and admins."
)
class Unit:
    id: strawberry.ID = strawberry.field(description="The unit id.")
    name: str = strawberry.field(description="The name.")
    kind: UnitKind = strawberry.field(
        description="Its level in the tree: region, administration, area, department or unit."
    )
    parent_id: strawberry.Private[str | None]

    @classmethod
    def from_domain(cls, u: m.Unit) -> Unit:
        return cls(
            id=strawberry.ID(u.id),
            name=u.name,
            kind=from_domain(u.kind, UnitKind),
            parent_id=u.parent_id,
        )

    @strawberry.field(description="The unit directly above (PART_OF); null at the root.")
    async def parent(self, info: Info) -> Unit | None:
        if self.parent_id is None:
            return None
        parent = await info.context.loaders.unit.load(self.parent_id)
        return Unit.from_domain(parent) if parent else None

    @strawberry.field(description="The units directly below, by id.")
    async def children(self, info: Info) -> list[Unit]:
        units = await info.context.loaders.all_units()
        return [Unit.from_domain(u) for u in units if u.parent_id == self.id]

    @strawberry.field(
        description="People working in this unit and below it, by id: for its managers "
        "(of it or a unit above) and admins; else null and FORBIDDEN."
    )
    async def employees(
        self,
        info: Info,
        first: Annotated[int | None, PAGE_FIRST] = PAGE_SIZE,
        after: Annotated[str | None, PAGE_AFTER] = None,
    ) -> Annotated[EmployeeConnection, strawberry.lazy("api.schema.people")] | None:
        from api.schema.people import employee_page

        unit_ids = await info.context.policy.people_units(self.id)
        return await employee_page(info, unit_ids=unit_ids, first=first, after=after)

    @strawberry.field(
        description="The needs declared on this unit itself (not those below), by "
        "competence id and level."
    )
    async def needs(
        self,
        info: Info,
        horizon: Annotated[
            Horizon | None,
            strawberry.argument(
                description="Only the needs declared for this horizon. Default: every horizon."
            ),
        ] = None,
    ) -> list[UnitNeed]:
        needs = await info.context.loaders.needs.load(self.id)
        if horizon is not None:
            needs = [n for n in needs if n.horizon is to_domain(horizon, m.Horizon)]
        return [UnitNeed.from_domain(n) for n in needs]


@strawberry.type(
    description="How many people a unit needs at a least level of a competence (NEEDS), "
    "counted over its subtree."
)
class UnitNeed:
    level: int = strawberry.field(description="The least level (1-5) that counts.")
    count: int = strawberry.field(description="How many people it needs at >= level (0 or more).")
    horizon: Horizon = strawberry.field(
        description="The horizon it is declared for; competenceSupply at a horizon uses, "
        "per competence and level, the need with the largest horizon up to it."
    )
    unit_id: strawberry.Private[str]
    competence_id: strawberry.Private[str]

    @classmethod
    def from_domain(cls, n: m.UnitNeed) -> UnitNeed:
        return cls(
            level=n.level,
            count=n.count,
            horizon=from_domain(n.horizon, Horizon),
            unit_id=n.unit_id,
            competence_id=n.competence_id,
        )

    @strawberry.field(description="The unit that declares the need.")
    async def unit(self, info: Info) -> Unit:
        return await unit_of(info, self.unit_id)

    @strawberry.field(description="The competence needed.")
    def competence(self, info: Info) -> Competence:
        return competence(info, self.competence_id)


async def unit_of(info: Info, unit_id: str) -> Unit:
    """A unit the domain named (it exists: the store keeps references whole)."""
    unit = await info.context.loaders.unit.load(unit_id)
    if unit is None:
        raise LookupError(f"unit {unit_id!r} vanished")
    return Unit.from_domain(unit)
