"""The benchmarked questions: each as a GraphQL request, a bare use-case call
and (on Neo4j) a hand-written Cypher query, over the same subjects."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bench import cypher
from ladders.catalog import CatalogCache
from ladders.coverage import plan_coverage
from ladders.gap import gap_report
from ladders.mentors import mentor_candidates
from ladders.models import Horizon
from ladders.paths import career_paths
from ladders.ports import Store
from ladders.proposals import mentor_proposals
from ladders.risk import knowledge_transfer_risks
from ladders.rules import Rules
from ladders.suggestions import next_steps
from ladders.supply import competence_supply

BareCall = Callable[[Store, CatalogCache, Rules, str, date], Awaitable[object]]


@dataclass(frozen=True)
class Workload:
    name: str
    subject: str
    """Which subjects it runs over: "person", "adept", "unit", "unit200", "unit5000", "region"."""
    query: str
    variable: str
    bare: BareCall
    cypher: str
    single_person: bool = False
    cypher_note: str = ""
    caller: str = "admin"
    """Who asks over HTTP: "admin" (audited reads of others) or "self"."""


async def _gap(store: Store, cache: CatalogCache, rules: Rules, id: str, as_of: date) -> object:
    catalog = await cache.get(store)
    return await gap_report(store=store, catalog=catalog, rules=rules, employee_id=id, as_of=as_of)


async def _paths(store: Store, cache: CatalogCache, rules: Rules, id: str, as_of: date) -> object:
    catalog = await cache.get(store)
    return await career_paths(
        store=store, catalog=catalog, rules=rules, employee_id=id, k=3, as_of=as_of
    )


async def _next(store: Store, cache: CatalogCache, rules: Rules, id: str, as_of: date) -> object:
    catalog = await cache.get(store)
    return await next_steps(store=store, catalog=catalog, rules=rules, employee_id=id, as_of=as_of)


async def _mentors(store: Store, cache: CatalogCache, rules: Rules, id: str, as_of: date) -> object:
    catalog = await cache.get(store)
    return await mentor_candidates(
        store=store, catalog=catalog, rules=rules, adept_id=id, as_of=as_of
    )


async def _proposals(
    store: Store, cache: CatalogCache, rules: Rules, id: str, as_of: date
) -> object:
    catalog = await cache.get(store)
    return await mentor_proposals(
        store=store, catalog=catalog, rules=rules, unit_id=id, as_of=as_of
    )


async def _supply(store: Store, cache: CatalogCache, rules: Rules, id: str, as_of: date) -> object:
    catalog = await cache.get(store)
    return await competence_supply(
        store=store,
        catalog=catalog,
        rules=rules,
        unit_id=id,
        horizon=Horizon.LONG,
        include_descendants=True,
        as_of=as_of,
    )


async def _risks(store: Store, cache: CatalogCache, rules: Rules, id: str, as_of: date) -> object:
    catalog = await cache.get(store)
    return await knowledge_transfer_risks(
        store=store, catalog=catalog, rules=rules, unit_id=id, as_of=as_of
    )


async def _coverage(
    store: Store, cache: CatalogCache, rules: Rules, id: str, as_of: date
) -> object:
    return await plan_coverage(store=store, unit_id=id, as_of=as_of)


_SUPPLY_QUERY = """query($id: ID!, $asOf: Date) {
  competenceSupply(unitId: $id, horizon: LONG, includeDescendants: true, asOf: $asOf) {
    unit { id } competence { id } level required supplyNow retiring inDevelopment
    projected shortfall suppressed
  }
}"""

GAP_QUERY = """query($id: ID!, $asOf: Date) {
  gap(employeeId: $id, asOf: $asOf) {
    ready readiness totalHours targetStep { id }
    items { competence { id } requiredLevel heldLevel missing mandatory expired hours }
  }
}"""

GAP = Workload(
    name="gap",
    subject="person",
    query=GAP_QUERY,
    variable="id",
    bare=_gap,
    cypher=cypher.GAP,
    single_person=True,
    cypher_note="without effort hours",
)

WORKLOADS: tuple[Workload, ...] = (
    GAP,
    replace(GAP, name="gap(self)", caller="self"),
    Workload(
        name="careerPaths",
        subject="person",
        query="""query($id: ID!, $asOf: Date) {
  careerPaths(employeeId: $id, k: 3, asOf: $asOf) { totalHours totalMonths steps { id } }
}""",
        variable="id",
        bare=_paths,
        cypher=cypher.CAREER_PATHS,
        single_person=True,
        cypher_note="paths of <= 4 moves weighed in levels, not hours",
    ),
    Workload(
        name="nextSteps",
        subject="person",
        query="""query($id: ID!, $asOf: Date) {
  nextSteps(employeeId: $id, asOf: $asOf) {
    competence { id } activity { id } mentor { id } fromLevel toLevel hours unitNeed reason
  }
}""",
        variable="id",
        bare=_next,
        cypher=cypher.NEXT_STEPS,
        single_person=True,
        cypher_note="one-step activity options, no chains, no mentor, no unit needs",
    ),
    Workload(
        name="mentorCandidates",
        subject="adept",
        query="""query($id: ID!, $asOf: Date) {
  mentorCandidates(adeptId: $id, asOf: $asOf) {
    mentor { id } score competences { id } activeAdepts capacity
  }
}""",
        variable="id",
        bare=_mentors,
        cypher=cypher.MENTOR_CANDIDATES,
        single_person=True,
    ),
    Workload(
        name="mentorProposals",
        subject="unit200",
        query="""query($id: ID!, $asOf: Date) {
  mentorProposals(unitId: $id, asOf: $asOf) { mentor { id } adept { id } score }
}""",
        variable="id",
        bare=_proposals,
        cypher=cypher.MENTOR_PROPOSALS,
        cypher_note="candidate pairs only: no proximity, capacity or assignment",
    ),
    Workload(
        name="competenceSupply(200)",
        subject="unit200",
        query=_SUPPLY_QUERY,
        variable="id",
        bare=_supply,
        cypher=cypher.COMPETENCE_SUPPLY,
    ),
    Workload(
        name="competenceSupply(5000)",
        subject="unit5000",
        query=_SUPPLY_QUERY,
        variable="id",
        bare=_supply,
        cypher=cypher.COMPETENCE_SUPPLY,
    ),
    Workload(
        name="planCoverage(region)",
        subject="region",
        query="""query($id: ID!, $asOf: Date) {
  planCoverage(unitId: $id, asOf: $asOf) {
    employees withCurrentPlan share conversations { kind count }
  }
}""",
        variable="id",
        bare=_coverage,
        cypher=cypher.PLAN_COVERAGE,
    ),
    Workload(
        name="knowledgeTransferRisks(region)",
        subject="region",
        query="""query($id: ID!, $asOf: Date) {
  knowledgeTransferRisks(unitId: $id, asOf: $asOf) {
    competence { id } holders seniorHolders seniorShare mentorshipsActive suppressed
  }
}""",
        variable="id",
        bare=_risks,
        cypher=cypher.TRANSFER_RISKS,
    ),
)


def cypher_params(workload: Workload, subject: str, base: dict[str, Any]) -> dict[str, Any]:
    key = "unit" if workload.subject.startswith(("unit", "region")) else "id"
    return {**base, key: subject}
