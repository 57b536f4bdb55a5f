"""The root query fields of DESIGN §6: ask the policy, call the use case, translate."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from api.context import Info
from api.schema.analytics import (
    CareerPath,
    DevelopmentSuggestion,
    GapReport,
    MentorCandidate,
    MentorProposal,
    PlanCoverage,
    SupplyRow,
    TransferRisk,
)
from api.schema.enums import ActivityKind, Horizon, to_domain
from api.schema.inputs import opt_id
from api.schema.org import Unit
from api.schema.people import Employee, EmployeeConnection, employee_page
from api.schema.privacy import AuditEntry, PersonalData, audit_entries, personal_data
from api.schema.reference import Competence, Ladder, LearningActivity, Profession
from ladders import coverage, gap, mentors, paths, proposals, risk, suggestions, supply
from ladders import models as m
from ladders.errors import NotFoundError
from ladders.orgtree import load_tree


def _ids(values: list[strawberry.ID] | None) -> list[str] | None:
    return None if values is None else [str(v) for v in values]


@strawberry.type
class Query:
    @strawberry.field(description="The caller (null when they are not in the register).")
    async def me(self, info: Info) -> Employee | None:
        me = await info.context.policy.me()
        return Employee.from_domain(me, await info.context.policy.access(me)) if me else None

    @strawberry.field
    async def employee(self, info: Info, id: strawberry.ID) -> Employee | None:
        employee, access = await info.context.policy.viewable(str(id))
        return Employee.from_domain(employee, access)

    @strawberry.field(
        description="People in a unit's subtree (or everyone the caller may see), by id."
    )
    async def employees(
        self,
        info: Info,
        unit_id: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> EmployeeConnection:
        unit_ids = await info.context.policy.people_units(opt_id(unit_id))
        return await employee_page(info, unit_ids=unit_ids, first=first, after=after)

    @strawberry.field(description="By id; search matches id, name and English name.")
    async def competences(
        self, info: Info, category: str | None = None, search: str | None = None
    ) -> list[Competence]:
        catalog = await info.context.catalog()
        needle = (search or "").casefold()
        return [
            Competence.from_domain(c)
            for c in catalog.competences.values()
            if (category is None or c.category.value == category.casefold())
            and needle in f"{c.id} {c.name} {c.name_en or ''}".casefold()
        ]

    @strawberry.field
    async def professions(self, info: Info) -> list[Profession]:
        catalog = await info.context.catalog()
        return [Profession.from_domain(p) for p in catalog.professions.values()]

    @strawberry.field
    async def ladders(self, info: Info) -> list[Ladder]:
        catalog = await info.context.catalog()
        return [Ladder.from_domain(lad) for lad in catalog.ladders.values()]

    @strawberry.field(description="Learning activities, by id; those developing a competence.")
    async def learning_activities(
        self,
        info: Info,
        competence_id: strawberry.ID | None = None,
        kind: ActivityKind | None = None,
    ) -> list[LearningActivity]:
        catalog = await info.context.catalog()
        return [
            LearningActivity.from_domain(a)
            for a in catalog.activities.values()
            if (kind is None or a.kind.value == kind.value)
            and (competence_id is None or any(d.competence_id == competence_id for d in a.develops))
        ]

    @strawberry.field
    async def ladder(self, info: Info, id: strawberry.ID) -> Ladder | None:
        found = (await info.context.catalog()).ladders.get(str(id))
        if found is None:
            raise NotFoundError("ladder", str(id))
        return Ladder.from_domain(found)

    @strawberry.field
    async def unit(self, info: Info, id: strawberry.ID) -> Unit | None:
        return Unit.from_domain(await info.context.policy.unit(str(id)))

    @strawberry.field(description="What the employee lacks for a step (default: the next).")
    async def gap(
        self,
        info: Info,
        employee_id: strawberry.ID,
        target_step_id: strawberry.ID | None = None,
        as_of: date | None = None,
    ) -> GapReport:
        ctx = info.context
        employee = await ctx.policy.person(str(employee_id), reading="gap")
        report = await gap.gap_of(
            store=ctx.store,
            catalog=await ctx.catalog(),
            rules=ctx.rules,
            employee=employee,
            target_step_id=opt_id(target_step_id),
            as_of=ctx.as_of(as_of),
        )
        return GapReport.from_domain(report, info.context.reference)

    @strawberry.field
    async def career_paths(
        self,
        info: Info,
        employee_id: strawberry.ID,
        target_step_id: strawberry.ID | None = None,
        target_profession_id: strawberry.ID | None = None,
        k: int = 3,
        as_of: date | None = None,
    ) -> list[CareerPath]:
        ctx = info.context
        employee = await ctx.policy.person(str(employee_id), reading="careerPaths")
        found = await paths.career_paths_of(
            store=ctx.store,
            catalog=await ctx.catalog(),
            rules=ctx.rules,
            employee=employee,
            target_step_id=opt_id(target_step_id),
            target_profession_id=opt_id(target_profession_id),
            k=k,
            as_of=ctx.as_of(as_of),
        )
        return [CareerPath.from_domain(p) for p in found]

    @strawberry.field
    async def next_steps(
        self,
        info: Info,
        employee_id: strawberry.ID,
        target_step_id: strawberry.ID | None = None,
        limit: int = 5,
        as_of: date | None = None,
    ) -> list[DevelopmentSuggestion]:
        ctx = info.context
        employee = await ctx.policy.person(str(employee_id), reading="nextSteps")
        found = await suggestions.next_steps_of(
            store=ctx.store,
            catalog=await ctx.catalog(),
            rules=ctx.rules,
            employee=employee,
            target_step_id=opt_id(target_step_id),
            limit=limit,
            as_of=ctx.as_of(as_of),
        )
        return [DevelopmentSuggestion.from_domain(s) for s in found]

    @strawberry.field
    async def mentor_candidates(
        self,
        info: Info,
        adept_id: strawberry.ID,
        competence_ids: list[strawberry.ID] | None = None,
        limit: int = 10,
        as_of: date | None = None,
    ) -> list[MentorCandidate]:
        ctx = info.context
        adept = await ctx.policy.person(str(adept_id), reading="mentorCandidates")
        found = await mentors.mentor_candidates_of(
            store=ctx.store,
            catalog=await ctx.catalog(),
            rules=ctx.rules,
            adept=adept,
            competence_ids=_ids(competence_ids),
            limit=limit,
            as_of=ctx.as_of(as_of),
        )
        return [MentorCandidate.from_domain(c) for c in found]

    @strawberry.field(description="Mentors for the unit's designated adepts (managers).")
    async def mentor_proposals(
        self, info: Info, unit_id: strawberry.ID, as_of: date | None = None
    ) -> list[MentorProposal]:
        ctx = info.context
        await ctx.policy.people_aggregates(str(unit_id))
        found = await proposals.mentor_proposals(
            store=ctx.store,
            catalog=await ctx.catalog(),
            rules=ctx.rules,
            unit_id=str(unit_id),
            as_of=ctx.as_of(as_of),
        )
        return [MentorProposal.from_domain(p) for p in found]

    @strawberry.field
    async def competence_supply(
        self,
        info: Info,
        unit_id: strawberry.ID,
        horizon: Horizon = Horizon.NOW,
        include_descendants: bool = False,
        as_of: date | None = None,
    ) -> list[SupplyRow]:
        ctx = info.context
        view = await ctx.policy.aggregate_view(str(unit_id))
        rows = await supply.competence_supply(
            store=ctx.store,
            catalog=await ctx.catalog(),
            rules=ctx.rules,
            unit_id=str(unit_id),
            horizon=to_domain(horizon, m.Horizon),
            include_descendants=include_descendants,
            as_of=ctx.as_of(as_of),
        )
        # Built whole here, not by a resolver per row: a subtree's rows run to
        # hundreds, and each field resolver costs more than the row itself.
        # The rows' units as the tree the use case folded by has them
        # (`load_tree`: kept until a unit write, and units are never deleted),
        # not read again (a 5,000-person subtree's are ~260), and each built
        # once, not once per row. The loader reads any the tree lacks.
        ids = sorted({r.unit_id for r in rows})
        tree = await load_tree(ctx.store)
        ctx.loaders.unit.prime_many({u: tree.units[u] for u in ids if u in tree})
        shown = {u.id: Unit.from_domain(u) for u in await ctx.loaders.unit.load_many(ids) if u}
        catalog = ctx.reference
        return [
            SupplyRow.from_domain(r, view, unit=shown[r.unit_id], catalog=catalog) for r in rows
        ]

    @strawberry.field
    async def knowledge_transfer_risks(
        self, info: Info, unit_id: strawberry.ID, as_of: date | None = None
    ) -> list[TransferRisk]:
        ctx = info.context
        view = await ctx.policy.aggregate_view(str(unit_id))
        rows = await risk.knowledge_transfer_risks(
            store=ctx.store,
            catalog=await ctx.catalog(),
            rules=ctx.rules,
            unit_id=str(unit_id),
            as_of=ctx.as_of(as_of),
        )
        return [TransferRisk.from_domain(r, view) for r in rows]

    @strawberry.field
    async def plan_coverage(
        self, info: Info, unit_id: strawberry.ID, as_of: date | None = None
    ) -> PlanCoverage:
        ctx = info.context
        await ctx.policy.aggregate_view(str(unit_id))
        found = await coverage.plan_coverage(
            store=ctx.store, unit_id=str(unit_id), as_of=ctx.as_of(as_of)
        )
        return PlanCoverage.from_domain(found)

    # --- admins: the audit trail and personal-data rights ---------------------

    @strawberry.field(
        description="Reads of other people's data, newest first (admins): by reader, "
        "by the person read about, since a time."
    )
    async def audit_log(
        self,
        info: Info,
        who: strawberry.ID | None = None,
        whom: strawberry.ID | None = None,
        since: datetime | None = None,
        first: int = 100,
    ) -> list[AuditEntry]:
        return await audit_entries(
            info,
            who=opt_id(who),
            whom=opt_id(whom),
            since=since,
            first=first,
        )

    @strawberry.field(description="Everything held about a person, GDPR art. 15 (admins).")
    async def export_personal_data(self, info: Info, employee_id: strawberry.ID) -> PersonalData:
        return await personal_data(info, str(employee_id))
