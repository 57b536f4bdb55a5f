"""The root query fields of DESIGN §6: ask the policy, call the use case, translate."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry.types.arguments import StrawberryArgumentAnnotation

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
from api.schema.org import NULL_DEFAULT, PAGE_AFTER, PAGE_FIRST, PAGE_SIZE, Unit
from api.schema.people import Employee, EmployeeConnection, employee_page
from api.schema.privacy import AuditEntry, PersonalData, audit_entries, personal_data
from api.schema.reference import Competence, Ladder, LearningActivity, Profession
from ladders import coverage, gap, mentors, paths, proposals, risk, suggestions, supply
from ladders import models as m
from ladders.errors import NotFoundError
from ladders.orgtree import load_tree


def _ids(values: list[strawberry.ID] | None) -> list[str] | None:
    return None if values is None else [str(v) for v in values]


def _folded(text: str) -> str:
    """`text` to compare in any case: NFC before and after casefolding, so
    that a decomposed `ä` (macOS clients send them) is the composed one."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


def _as_of(what: str, more: str = "") -> StrawberryArgumentAnnotation:
    return strawberry.argument(
        description=f"The day to answer for: {what}. Default: today (Europe/Stockholm); "
        "1900-01-01 to 2200-12-31." + more
    )


# The descriptions of the arguments several root fields share.
TARGET_STEP = strawberry.argument(
    description="The step to measure against. Default: the next step of the employee's "
    "ladder (BAD_USER_INPUT when they have none)."
)
PERSON = strawberry.argument(
    description="The employee: the caller, or someone they have rights over (as a manager "
    "of their unit or one above it, or an admin); else FORBIDDEN."
)
AGGREGATE_UNIT = strawberry.argument(
    description="The unit, counted over its subtree: for its managers (of it or a unit "
    "above), admins and planners; else FORBIDDEN."
)
# The defaults of the counting arguments: DESIGN §6's, and what an explicit
# null means too (the contract declares them nullable).
PATHS = 3
SUGGESTIONS = 5
CANDIDATES = 10
AUDIT_ENTRIES = 100

AS_OF_UNIT = _as_of("holdings, ages and mentorships are taken as on it")
THIS_YEAR_ONLY = (
    " Except for admins, only a day in this year (else BAD_USER_INPUT): mentors judged "
    "on other years' ages would tell their birth year."
)


@strawberry.type
class Query:
    @strawberry.field(description="The caller (null when they are not in the register).")
    async def me(self, info: Info) -> Employee | None:
        me = await info.context.policy.me()
        return Employee.from_domain(me, await info.context.policy.access(me)) if me else None

    @strawberry.field(
        description="A person by id: in full with rights over them, with the basic fields "
        "only when they are the caller's mentor or adept; else null and FORBIDDEN, also "
        "for an unknown id (NOT_FOUND for admins)."
    )
    async def employee(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The employee id (HR number).")
        ],
    ) -> Employee | None:
        employee, access = await info.context.policy.viewable(str(id))
        return Employee.from_domain(employee, access)

    @strawberry.field(
        description="People in a unit's subtree (or everyone the caller may see), by id."
    )
    async def employees(
        self,
        info: Info,
        unit_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="List this unit's subtree: a unit the caller manages or one "
                "below it (any unit for admins), else FORBIDDEN. Default: every unit the "
                "caller manages (FORBIDDEN when none); for admins, everyone, also those "
                "in no unit."
            ),
        ] = None,
        first: Annotated[int | None, PAGE_FIRST] = PAGE_SIZE,
        after: Annotated[str | None, PAGE_AFTER] = None,
    ) -> EmployeeConnection:
        unit_ids = await info.context.policy.people_units(opt_id(unit_id))
        return await employee_page(info, unit_ids=unit_ids, first=first, after=after)

    @strawberry.field(description="By id; search matches id, name and English name.")
    async def competences(
        self,
        info: Info,
        category: Annotated[
            str | None,
            strawberry.argument(
                description="Only this category, by its value in any case (`core`, "
                "`clinical`... as CompetenceCategory names them); an unknown one matches none."
            ),
        ] = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Only those whose id, name or English name contains this text, "
                "in any case; composed and decomposed letters (`ä`, `a` + `¨`) match alike."
            ),
        ] = None,
    ) -> list[Competence]:
        catalog = await info.context.catalog()
        needle = _folded(search or "")
        return [
            Competence.from_domain(c)
            for c in catalog.competences.values()
            if (category is None or c.category.value == category.casefold())
            # Each field on its own: joined, a text spanning two ("vård
            # evidence", a space) matched what no field contains.
            and any(needle in _folded(text) for text in (c.id, c.name, c.name_en or ""))
        ]

    @strawberry.field(description="Every profession, by id.")
    async def professions(self, info: Info) -> list[Profession]:
        catalog = await info.context.catalog()
        return [Profession.from_domain(p) for p in catalog.professions.values()]

    @strawberry.field(description="Every career ladder, by id.")
    async def ladders(self, info: Info) -> list[Ladder]:
        catalog = await info.context.catalog()
        return [Ladder.from_domain(lad) for lad in catalog.ladders.values()]

    @strawberry.field(description="Learning activities, by id; those developing a competence.")
    async def learning_activities(
        self,
        info: Info,
        competence_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only those that develop this competence."),
        ] = None,
        kind: Annotated[
            ActivityKind | None, strawberry.argument(description="Only those of this kind.")
        ] = None,
    ) -> list[LearningActivity]:
        catalog = await info.context.catalog()
        return [
            LearningActivity.from_domain(a)
            for a in catalog.activities.values()
            if (kind is None or a.kind.value == kind.value)
            and (competence_id is None or any(d.competence_id == competence_id for d in a.develops))
        ]

    @strawberry.field(description="A career ladder by id; null and NOT_FOUND when there is none.")
    async def ladder(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The ladder id.")],
    ) -> Ladder | None:
        found = (await info.context.catalog()).ladders.get(str(id))
        if found is None:
            raise NotFoundError("ladder", str(id))
        return Ladder.from_domain(found)

    @strawberry.field(
        description="A unit of the organisation tree (open to everyone signed in); null and "
        "NOT_FOUND when there is none."
    )
    async def unit(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The unit id.")],
    ) -> Unit | None:
        return Unit.from_domain(await info.context.policy.unit(str(id)))

    @strawberry.field(description="What the employee lacks for a step (default: the next).")
    async def gap(
        self,
        info: Info,
        employee_id: Annotated[strawberry.ID, PERSON],
        target_step_id: Annotated[strawberry.ID | None, TARGET_STEP] = None,
        as_of: Annotated[
            date | None,
            _as_of("holdings count with expiry applied on it, time at the step up to it"),
        ] = None,
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

    @strawberry.field(
        description="The k best simple paths through the step graph (NEXT and TRANSITION "
        "edges, at most 10 edges) from the employee's current step to the target: least "
        "totalHours, then totalMonths, then fewest steps, then step ids. Fewer when fewer "
        "exist."
    )
    async def career_paths(
        self,
        info: Info,
        employee_id: Annotated[strawberry.ID, PERSON],
        target_step_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The step to reach; not with targetProfessionId. Default (with "
                "neither): the next step of the employee's ladder."
            ),
        ] = None,
        target_profession_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Reach any step of any ladder of this profession instead."
            ),
        ] = None,
        k: Annotated[
            int | None, strawberry.argument(description="How many paths, 1-50." + NULL_DEFAULT)
        ] = PATHS,
        as_of: Annotated[
            date | None,
            _as_of("holdings count with expiry applied on it, months served up to it"),
        ] = None,
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
            k=PATHS if k is None else k,
            as_of=ctx.as_of(as_of),
        )
        return [CareerPath.from_domain(p) for p in found]

    @strawberry.field(
        description="What closes the gap to the target step: per missing item, one "
        "suggestion per activity of its cheapest chain, in chain order, then one for its "
        "best mentor candidate if there is one (none for an asOf outside this year, except "
        "for admins). Items with a unitNeed first, then mandatory ones, then by hours, then "
        "by competence id."
    )
    async def next_steps(
        self,
        info: Info,
        employee_id: Annotated[strawberry.ID, PERSON],
        target_step_id: Annotated[strawberry.ID | None, TARGET_STEP] = None,
        limit: Annotated[
            int | None,
            strawberry.argument(description="The most suggestions given, 1-50." + NULL_DEFAULT),
        ] = SUGGESTIONS,
        as_of: Annotated[
            date | None,
            _as_of(
                "holdings count with expiry applied on it",
                " Except for admins, a day outside this year gives no mentor suggestions (the "
                "activities stay): mentors judged on other years' ages would tell their birth "
                "year.",
            ),
        ] = None,
    ) -> list[DevelopmentSuggestion]:
        ctx = info.context
        employee = await ctx.policy.person(str(employee_id), reading="nextSteps")
        found = await suggestions.next_steps_of(
            store=ctx.store,
            catalog=await ctx.catalog(),
            rules=ctx.rules,
            employee=employee,
            target_step_id=opt_id(target_step_id),
            limit=SUGGESTIONS if limit is None else limit,
            as_of=ctx.as_of(as_of),
            with_mentors=ctx.policy.judges_ages_on(as_of),
        )
        return [DevelopmentSuggestion.from_domain(s) for s in found]

    @strawberry.field(
        description="Who may mentor the adept in the competencies in question: not the "
        "adept, aged >= 55 on asOf, fewer active adepts than capacity, not mentoring the "
        "adept already, holding at least one of them at >= max(target, 4); any profession. "
        "By score (highest first), then mentor id. Except for admins, asOf must be in this "
        "year."
    )
    async def mentor_candidates(
        self,
        info: Info,
        adept_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The adept: the caller, or someone they have rights over (as a "
                "manager of their unit or one above it, or an admin); else FORBIDDEN. Need "
                "not be designated as an adept."
            ),
        ],
        competence_ids: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(
                description="The competencies in question, each with a target: the required "
                "level where it is missing in the adept's gap to the next step, else held + 1 "
                "(at most 5). Default: the missing items of that gap (BAD_USER_INPUT when "
                "there is no next step)."
            ),
        ] = None,
        limit: Annotated[
            int | None,
            strawberry.argument(description="The most candidates given, 1-100." + NULL_DEFAULT),
        ] = CANDIDATES,
        as_of: Annotated[
            date | None,
            _as_of("holdings, ages and mentorships as on it", THIS_YEAR_ONLY),
        ] = None,
    ) -> list[MentorCandidate]:
        ctx = info.context
        adept = await ctx.policy.person(str(adept_id), reading="mentorCandidates")
        ctx.policy.check_ages_judged_on(as_of, what="mentorCandidates")
        found = await mentors.mentor_candidates_of(
            store=ctx.store,
            catalog=await ctx.catalog(),
            rules=ctx.rules,
            adept=adept,
            competence_ids=_ids(competence_ids),
            limit=CANDIDATES if limit is None else limit,
            as_of=ctx.as_of(as_of),
        )
        return [MentorCandidate.from_domain(c) for c in found]

    @strawberry.field(
        description="Mentors for the unit subtree's designated adepts with no active "
        "mentorship (managers of the unit, admins): candidates from anywhere in the region, "
        "paired for the greatest total score within each mentor's remaining capacity (an "
        "adept may stay unpaired). By score (highest first), then adept id. Except for "
        "admins, asOf must be in this year."
    )
    async def mentor_proposals(
        self,
        info: Info,
        unit_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The unit whose subtree's adepts to pair: for its managers (of it "
                "or a unit above) and admins; else FORBIDDEN."
            ),
        ],
        as_of: Annotated[
            date | None,
            _as_of("holdings, ages and mentorships are taken as on it", THIS_YEAR_ONLY),
        ] = None,
    ) -> list[MentorProposal]:
        ctx = info.context
        await ctx.policy.people_aggregates(str(unit_id))
        ctx.policy.check_ages_judged_on(as_of, what="mentorProposals")
        found = await proposals.mentor_proposals(
            store=ctx.store,
            catalog=await ctx.catalog(),
            rules=ctx.rules,
            unit_id=str(unit_id),
            as_of=ctx.as_of(as_of),
        )
        return [MentorProposal.from_domain(p) for p in found]

    @strawberry.field(
        description="Supply against each need in effect on the unit (a row per competence and "
        "level), counted over its subtree. By unit, competence, level."
    )
    async def competence_supply(
        self,
        info: Info,
        unit_id: Annotated[strawberry.ID, AGGREGATE_UNIT],
        horizon: Annotated[
            Horizon | None,
            strawberry.argument(
                description="NOW (0 years), SHORT (setting, 3) or LONG (setting, 10): which "
                "need is in effect (the one with the largest horizon up to this), and who "
                "retires and which development is due within it." + NULL_DEFAULT
            ),
        ] = Horizon.NOW,
        include_descendants: Annotated[
            bool | None,
            strawberry.argument(
                description="Also the rows of the needs declared on every unit below, each "
                "counted over that unit's own subtree." + NULL_DEFAULT
            ),
        ] = False,
        as_of: Annotated[
            date | None,
            _as_of("holdings and ages as on it, the horizon's years counted from it"),
        ] = None,
    ) -> list[SupplyRow]:
        ctx = info.context
        view = await ctx.policy.aggregate_view(str(unit_id))
        rows = await supply.competence_supply(
            store=ctx.store,
            catalog=await ctx.catalog(),
            rules=ctx.rules,
            unit_id=str(unit_id),
            horizon=to_domain(Horizon.NOW if horizon is None else horizon, m.Horizon),
            include_descendants=include_descendants is True,
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

    @strawberry.field(
        description="Competencies held at >= 4 in the unit's subtree whose holders are at "
        "least half seniors (aged >= 60): highest seniorShare first, then those with no "
        "active mentorship before the others, then by competence id. Suppressed rows "
        "(a planner's small cells) come last, uncovered first, then by competence id: "
        "their place would tell the share they hide."
    )
    async def knowledge_transfer_risks(
        self,
        info: Info,
        unit_id: Annotated[strawberry.ID, AGGREGATE_UNIT],
        as_of: Annotated[date | None, AS_OF_UNIT] = None,
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
        shown = [TransferRisk.from_domain(r, view) for r in rows]
        # Rows come by share, so a suppressed row's place would tell its hidden
        # share (before a visible 1.0: 1.0 too). Those rows go last, by what
        # the caller sees: uncovered first, then competence id.
        hidden = [t for t in shown if t.suppressed]
        hidden.sort(key=lambda t: (t.mentorships_active > 0, t.competence_id))
        return [t for t in shown if not t.suppressed] + hidden

    @strawberry.field(
        description="How many of the unit subtree's employees have a current development "
        "plan, and how many had each yearly talk."
    )
    async def plan_coverage(
        self,
        info: Info,
        unit_id: Annotated[strawberry.ID, AGGREGATE_UNIT],
        as_of: Annotated[
            date | None, _as_of("the plans current on it, the 12 months before it")
        ] = None,
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
        who: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only reads by this employee id."),
        ] = None,
        whom: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only reads about this employee id (this look is itself recorded "
                "as a read about them)."
            ),
        ] = None,
        since: Annotated[
            datetime | None,
            strawberry.argument(description="Only reads recorded at or after this time."),
        ] = None,
        first: Annotated[
            int | None,
            strawberry.argument(description="The most entries, 0-1000." + NULL_DEFAULT),
        ] = AUDIT_ENTRIES,
    ) -> list[AuditEntry]:
        return await audit_entries(
            info,
            who=opt_id(who),
            whom=opt_id(whom),
            since=since,
            first=AUDIT_ENTRIES if first is None else first,
        )

    @strawberry.field(description="Everything held about a person, GDPR art. 15 (admins).")
    async def export_personal_data(
        self,
        info: Info,
        employee_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The person: admins only (FORBIDDEN for anyone else, whether or "
                "not the id exists); NOT_FOUND when there is none."
            ),
        ],
    ) -> PersonalData:
        return await personal_data(info, str(employee_id))
