"""Promotion eligibility: is this person eligible, what is missing, and when will time fix it?

Everything here is pure: functions take typed records and an explicit `as_of` date and return
report objects with `to_dict()`. Nothing reads files, prints or looks at the clock.

Semantics (the contract the tests pin down):

- Each criterion of the requirement tree gets one row, pre-order, with a status:
  `met`, `not-met`, `met-on` (time-based, becomes true on `met_on` with nothing else
  changing), `needs-evidence` (attestation not on file) or `waived`.
- A waiver counts when it is dated on or before `as_of` and `expires` is absent or after
  `as_of`; a waiver of a combinator covers its whole subtree.
- Experience: the union of prior-employment periods (`from`..`to`, both days included) and
  employment from `hireDate` through `endDate` (included), each day counted once. Experience
  on a date D counts the days *before* D. Years are whole calendar months (years x 12,
  rounded): N years are reached on D when the days counted are at least the length of the N
  calendar years ending on D (D minus N years, clamped to month end, up to D). For continuous
  employment this is exactly the anniversary; a person hired 2024-02-29 reaches one year on
  2025-03-01. "N within the last M years" only counts days on or after D minus M years.
- Time in level: the latest level-history entry for the current ladder and level, plus the
  months (calendar months, clamped to month end).
- Credentials, assessments, attestations and waivers have a `lapses_on` day: the first day they
  no longer count (a certification expiring 2026-08-31 is expired on 2026-08-31).
"""

from __future__ import annotations

import gc
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import attrgetter
from typing import Any, Literal, TypeAlias, cast

from ladderctl.catalog import Catalog
from ladderctl.department import Department, DepartmentError, Target
from ladderctl.ladder import (
    ActivityCriterion,
    AssessmentCriterion,
    AttestationCriterion,
    Combinator,
    CredentialCriterion,
    Criterion,
    ExperienceCriterion,
    RatingCriterion,
    TimeInLevelCriterion,
)
from ladderctl.loading import Location
from ladderctl.staff import (
    Accomplishment,
    AssessmentResult,
    Attestation,
    Certification,
    LevelHistoryEntry,
    Review,
    Source,
    StaffRecord,
    Waiver,
    add_months,
    fast_constructor,
    rating_rank,
)

__all__ = [
    "STATUSES",
    "VERDICTS",
    "ChangeKind",
    "CriterionChange",
    "CriterionResult",
    "EligibilityReport",
    "EligibilitySummary",
    "Evidence",
    "ImpactEntry",
    "ImpactReport",
    "Status",
    "TeamReport",
    "TeamSummary",
    "Verdict",
    "check_eligibility",
    "check_team",
    "compare_departments",
    "summarize_team",
]

Status = Literal["met", "not-met", "met-on", "needs-evidence", "waived"]
Verdict = Literal["eligible-now", "eligible-on", "not-eligible", "top-of-ladder"]
ChangeKind = Literal["gains", "loses", "date-moved", "changed", "error", "unchanged"]

STATUSES: tuple[Status, ...] = ("met", "not-met", "met-on", "needs-evidence", "waived")
VERDICTS: tuple[Verdict, ...] = ("eligible-now", "eligible-on", "not-eligible", "top-of-ladder")
_CHANGE_ORDER: tuple[ChangeKind, ...] = (
    "gains",
    "loses",
    "date-moved",
    "changed",
    "error",
    "unchanged",
)

#: A counted credential expiring this close to `as_of` is flagged.
EXPIRY_WARNING_DAYS = 90
# The length of "m calendar months ending on D" varies with D by at most 8 days (3 from month
# lengths in the span, 2 from leap days, 3 from clamping to month end; 4 is the most observed).
# 10 keeps a margin. Used to jump safely while searching for a met-on date.
_SPAN_SLACK = 10
_FAR_FUTURE = date.max.toordinal() - 40_000
_OK: frozenset[str] = frozenset(("met", "waived"))
# A combinator's note "2 of 3 met, 3 needed", by (met, children, needed): the same few repeat.
_COUNT_NOTES: dict[tuple[int, int, int], tuple[str]] = {}
_DATE = attrgetter("date")


# --- report objects ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Evidence:
    """One item a row relied on, e.g. "CPhT earned 2021-05-10, expires 2027-05-31".

    `source` is where the item was read; its `location` is only worked out when shown.
    """

    text: str
    source: Source | None = None

    @property
    def location(self) -> Location | None:
        return None if self.source is None else self.source.location

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "location": _loc(self.location)}


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """The outcome of one criterion (a leaf, or a combinator summarising its children).

    `id`, `type`, `description`, `advice` and `location` come from the criterion itself.
    """

    criterion: Criterion
    status: Status
    depth: int  # 0 for the root
    parent: str | None
    required: bool  # every ancestor is all-of (or at-least over all children), none waived
    evidence: tuple[Evidence, ...] = ()
    needed: str | None = None  # when not met/waived: what would satisfy it
    met_on: date | None = None  # status met-on: the day it becomes met
    lapses_on: date | None = None  # the first day the counted evidence stops counting
    notes: tuple[str, ...] = ()
    waiver: Waiver | None = None

    @property
    def id(self) -> str:
        return self.criterion.id

    @property
    def type(self) -> str:
        return self.criterion.type

    @property
    def description(self) -> str:
        return self.criterion.description

    @property
    def advice(self) -> str | None:
        return self.criterion.advice

    @property
    def location(self) -> Location:
        return self.criterion.location

    @property
    def is_leaf(self) -> bool:
        return not isinstance(self.criterion, Combinator)

    @property
    def ok(self) -> bool:
        """Met or waived."""
        return self.status in _OK

    def to_dict(self) -> dict[str, object]:
        waiver = self.waiver
        return {
            "id": self.id,
            "type": self.type,
            "description": self.description,
            "status": self.status,
            "metOn": _iso(self.met_on),
            "lapsesOn": _iso(self.lapses_on),
            "needed": self.needed,
            "advice": self.advice,
            "notes": list(self.notes),
            "evidence": [e.to_dict() for e in self.evidence],
            "waiver": None
            if waiver is None
            else {
                "criterion": waiver.criterion,
                "approver": waiver.approver,
                "reason": waiver.reason,
                "date": waiver.date.isoformat(),
                "expires": _iso(waiver.expires),
                "location": str(waiver.location),
            },
            "depth": self.depth,
            "parent": self.parent,
            "required": self.required,
            "location": str(self.location),
        }


@dataclass(frozen=True, slots=True)
class EligibilityReport:
    """Whether one person is eligible for their target, row by row."""

    person: str
    name: str
    ladder: str
    level: str
    as_of: date
    verdict: Verdict
    target: Target | None
    criteria: tuple[CriterionResult, ...] = ()
    gaps: tuple[CriterionResult, ...] = ()  # unmet leaves blocking the verdict, in tree order
    eligible_on: date | None = None
    warnings: tuple[str, ...] = ()

    @property
    def eligible(self) -> bool:
        return self.verdict == "eligible-now"

    @property
    def pending(self) -> tuple[CriterionResult, ...]:
        """Leaves that only need time (status met-on)."""
        return tuple(r for r in self.criteria if r.is_leaf and r.status == "met-on")

    def row(self, criterion_id: str) -> CriterionResult:
        """The row of `criterion_id`; raises KeyError."""
        for r in self.criteria:
            if r.id == criterion_id:
                return r
        raise KeyError(criterion_id)

    def summary(self) -> EligibilitySummary:
        """The outcome without the rows: what a team listing shows."""
        return _new_summary(
            self.person,
            self.name,
            self.ladder,
            self.level,
            self.verdict,
            self.target,
            self.eligible_on,
            tuple([g.id for g in self.gaps]),
            tuple([(p.id, p.met_on) for p in self.pending]),
            self.warnings,
        )

    def summary_dict(self) -> dict[str, object]:
        """The one-line view used by team reports."""
        return self.summary().summary_dict()

    def to_dict(self) -> dict[str, object]:
        return {
            "person": self.person,
            "name": self.name,
            "ladder": self.ladder,
            "level": self.level,
            "asOf": self.as_of.isoformat(),
            "target": None if self.target is None else self.target.to_dict(),
            "verdict": self.verdict,
            "eligibleOn": _iso(self.eligible_on),
            "gaps": [{"id": g.id, "needed": g.needed} for g in self.gaps],
            "pending": [{"id": p.id, "metOn": _iso(p.met_on)} for p in self.pending],
            "warnings": list(self.warnings),
            "criteria": [r.to_dict() for r in self.criteria],
        }


@dataclass(frozen=True, slots=True)
class EligibilitySummary:
    """One person's outcome without the criterion rows: what a team listing shows.

    `gaps` are the ids of the report's gaps; `pending` the (id, met-on day) of its leaves that
    only need time.
    """

    person: str
    name: str
    ladder: str
    level: str
    verdict: Verdict
    target: Target | None
    eligible_on: date | None = None
    gaps: tuple[str, ...] = ()
    pending: tuple[tuple[str, date | None], ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def eligible(self) -> bool:
        return self.verdict == "eligible-now"

    def summary_dict(self) -> dict[str, object]:
        """The one-line view used by team reports."""
        target = self.target
        return {
            "person": self.person,
            "name": self.name,
            "ladder": self.ladder,
            "level": self.level,
            "target": None if target is None else f"{target.ladder}/{target.level}",
            "verdict": self.verdict,
            "eligibleOn": _iso(self.eligible_on),
            "gaps": list(self.gaps),
            "warnings": list(self.warnings),
        }


# A team check builds ~50,000 rows and as many pieces of evidence: build them without the
# per-field cost of a frozen dataclass's __init__ (see `fast_constructor`).
_new_row = fast_constructor(CriterionResult)
_new_evidence = fast_constructor(Evidence)
_new_report = fast_constructor(EligibilityReport)
_new_summary = fast_constructor(EligibilitySummary)


@dataclass(frozen=True, slots=True)
class TeamReport:
    """Eligibility of many people: eligible now first, then by date, then by fewest gaps."""

    as_of: date
    reports: tuple[EligibilityReport, ...]
    counts: Mapping[Verdict, int]

    def to_dict(self, *, detail: bool = False) -> dict[str, object]:
        return {
            "asOf": self.as_of.isoformat(),
            "counts": {v: self.counts.get(v, 0) for v in VERDICTS},
            "people": [r.to_dict() if detail else r.summary_dict() for r in self.reports],
        }


@dataclass(frozen=True, slots=True)
class TeamSummary:
    """`TeamReport` without the criterion rows: the summaries, in the same order."""

    as_of: date
    people: tuple[EligibilitySummary, ...]
    counts: Mapping[Verdict, int]

    def to_dict(self) -> dict[str, object]:
        """The same as `TeamReport.to_dict()`."""
        return {
            "asOf": self.as_of.isoformat(),
            "counts": {v: self.counts.get(v, 0) for v in VERDICTS},
            "people": [p.summary_dict() for p in self.people],
        }


@dataclass(frozen=True, slots=True)
class CriterionChange:
    """A criterion whose outcome differs between two department versions."""

    id: str
    description: str
    kind: Literal["added", "removed", "changed"]
    old_status: Status | None
    new_status: Status | None
    old_met_on: date | None = None
    new_met_on: date | None = None
    location: Location | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "description": self.description,
            "kind": self.kind,
            "oldStatus": self.old_status,
            "newStatus": self.new_status,
            "oldMetOn": _iso(self.old_met_on),
            "newMetOn": _iso(self.new_met_on),
            "location": _loc(self.location),
        }


@dataclass(frozen=True, slots=True)
class ImpactEntry:
    """One person under the old and the new ladders/catalog."""

    person: str
    name: str
    change: ChangeKind
    old: EligibilityReport | None
    new: EligibilityReport | None
    responsible: tuple[CriterionChange, ...] = ()
    old_error: str | None = None
    new_error: str | None = None

    def to_dict(self) -> dict[str, object]:
        def side(report: EligibilityReport | None, error: str | None) -> dict[str, object]:
            if report is None:
                return {"error": error}
            target = report.target
            return {
                "verdict": report.verdict,
                "eligibleOn": _iso(report.eligible_on),
                "target": None if target is None else f"{target.ladder}/{target.level}",
                "gaps": [g.id for g in report.gaps],
            }

        return {
            "person": self.person,
            "name": self.name,
            "change": self.change,
            "old": side(self.old, self.old_error),
            "new": side(self.new, self.new_error),
            "responsible": [c.to_dict() for c in self.responsible],
        }


@dataclass(frozen=True, slots=True)
class ImpactReport:
    """Who gains or loses eligibility, or whose date moves, when ladders/catalog change."""

    as_of: date
    entries: tuple[ImpactEntry, ...]  # every person whose outcome changed (or errored)
    unchanged: tuple[str, ...]  # ids of people whose outcome is the same
    counts: Mapping[ChangeKind, int]

    def to_dict(self) -> dict[str, object]:
        return {
            "asOf": self.as_of.isoformat(),
            "counts": {k: self.counts.get(k, 0) for k in _CHANGE_ORDER},
            "changes": [e.to_dict() for e in self.entries],
            "unchanged": list(self.unchanged),
        }


# --- public functions --------------------------------------------------------------------------


def check_eligibility(
    person: StaffRecord | str,
    department: Department,
    *,
    as_of: date,
    target: str | None = None,
) -> EligibilityReport:
    """Evaluate `person` against the next level, or against `target` (a `--to` value).

    Raises `DepartmentError` subclasses for unknown people, ladders, levels or targets.
    A person at the top of their ladder gets a `top-of-ladder` report when no target is given.
    """
    record = department.person(person) if isinstance(person, str) else person
    resolved = department.resolve_target(record, target)
    return _evaluate(record, None, department.catalog, resolved, as_of)


def check_team(
    people: Iterable[StaffRecord | str] | None,
    department: Department,
    *,
    as_of: date,
) -> TeamReport:
    """Evaluate everyone in `people` (None: every staff record) against their next level.

    Rows: eligible-now, then eligible-on by date, then not-eligible by number of gaps, then
    top-of-ladder; ties by person id.
    """
    records = _team_records(people, department)
    with _gc_paused():
        reports = list(_evaluate_each(records, department, as_of))
    reports.sort(key=_team_order)
    return TeamReport(as_of=as_of, reports=tuple(reports), counts=_counts(reports))


#: Teams at least this big are split between two processes by `summarize_team`: below it, a
#: second process costs more than it saves.
PARALLEL_THRESHOLD = 1_000


def summarize_team(
    people: Iterable[StaffRecord | str] | None,
    department: Department,
    *,
    as_of: date,
) -> TeamSummary:
    """`check_team(...)`, keeping only each person's summary; same order, same counts.

    A big team is split where the platform allows (see `repository.Aside`): a forked child
    process evaluates the second part on another core and sends back only the summaries, while
    this one evaluates the first. An error is raised as `check_team` would raise it: the first
    part is evaluated here, and a failed child's part is evaluated again here.
    """
    records = _team_records(people, department)
    cut = len(records) // 2 if len(records) >= PARALLEL_THRESHOLD else len(records)
    with _gc_paused():
        if cut == len(records):
            summaries = [report.summary() for report in _evaluate_each(records, department, as_of)]
        else:
            from ladderctl.repository import Aside

            with Aside(_outcomes, records[cut:], department, as_of) as other_part:
                summaries = [
                    report.summary() for report in _evaluate_each(records[:cut], department, as_of)
                ]
                outcomes = other_part.result()
            targets: dict[tuple[str, str], Target | None] = {}
            for record, outcome in zip(records[cut:], outcomes, strict=True):
                key = (record.ladder, record.level)
                if key not in targets:
                    targets[key] = department.resolve_target(record)
                summaries.append(_summary_of(record, targets[key], outcome))
    summaries.sort(key=_team_order)
    return TeamSummary(as_of=as_of, people=tuple(summaries), counts=_counts(summaries))


def _team_records(
    people: Iterable[StaffRecord | str] | None, department: Department
) -> list[StaffRecord]:
    if people is None:
        return [department.staff[k] for k in sorted(department.staff)]
    return [department.person(p) if isinstance(p, str) else p for p in people]


def _evaluate_each(
    records: Iterable[StaffRecord], department: Department, as_of: date
) -> Iterator[EligibilityReport]:
    """Each person against their next level (the target of a ladder and level is found once)."""
    targets: dict[tuple[str, str], Target | None] = {}
    catalog = department.catalog
    for record in records:
        key = (record.ladder, record.level)
        if key not in targets:
            targets[key] = department.resolve_target(record)
        yield _evaluate(record, None, catalog, targets[key], as_of)


# What a summary adds to its person's record and target, as it travels between processes:
# (verdict, eligible on, gap ids, pending (id, met on), warnings).
_Outcome: TypeAlias = tuple[
    Verdict, date | None, tuple[str, ...], tuple[tuple[str, date | None], ...], tuple[str, ...]
]


def _outcomes(
    records: Sequence[StaffRecord], department: Department, as_of: date
) -> list[_Outcome]:
    """The summaries of `records`, without what the receiving process already knows."""
    found: list[_Outcome] = []
    for report in _evaluate_each(records, department, as_of):
        summary = report.summary()
        found.append(
            (
                summary.verdict,
                summary.eligible_on,
                summary.gaps,
                summary.pending,
                summary.warnings,
            )
        )
    return found


def _summary_of(
    record: StaffRecord, target: Target | None, outcome: _Outcome
) -> EligibilitySummary:
    verdict, eligible_on, gaps, pending, warnings = outcome
    return _new_summary(
        record.id,
        record.name,
        record.ladder,
        record.level,
        verdict,
        target,
        eligible_on,
        gaps,
        pending,
        warnings,
    )


def _counts(reports: Iterable[EligibilityReport | EligibilitySummary]) -> dict[Verdict, int]:
    counts: dict[Verdict, int] = dict.fromkeys(VERDICTS, 0)
    for report in reports:
        counts[report.verdict] += 1
    return counts


def compare_departments(
    old: Department,
    new: Department,
    people_ids: Iterable[str] | None,
    *,
    as_of: date,
) -> ImpactReport:
    """Evaluate the same staff records under two versions of the ladders and catalog.

    Each person's record is taken from `new` (from `old` if the person exists only there) and
    evaluated against their next level in each version. `responsible` lists the criteria whose
    outcome changed, deepest first: a combinator is listed only when none of its descendants
    changed (e.g. an `at-least` count was raised).
    """
    ids = sorted(set(old.staff) | set(new.staff)) if people_ids is None else list(people_ids)
    for person_id in ids:
        if person_id not in new.staff and person_id not in old.staff:
            new.person(person_id)  # raises UnknownPerson, listing who exists
    entries: list[ImpactEntry] = []
    unchanged: list[str] = []
    counts: dict[ChangeKind, int] = dict.fromkeys(_CHANGE_ORDER, 0)

    def compare(person_id: str) -> None:
        record = new.staff.get(person_id) or old.staff[person_id]
        facts = _Facts(record, as_of)
        old_report, old_error = _try_evaluate(record, facts, old, as_of)
        new_report, new_error = _try_evaluate(record, facts, new, as_of)
        change, responsible = _classify(old_report, new_report)
        counts[change] += 1
        if change == "unchanged":
            unchanged.append(person_id)
            return
        entries.append(
            ImpactEntry(
                person=person_id,
                name=record.name,
                change=change,
                old=old_report,
                new=new_report,
                responsible=responsible,
                old_error=old_error,
                new_error=new_error,
            )
        )

    # A big team is split as in summarize_team: a forked child tells which people of the second
    # part changed (most do not), and only those are compared again here, in full.
    cut = len(ids) // 2 if len(ids) >= PARALLEL_THRESHOLD else len(ids)
    with _gc_paused():
        if cut == len(ids):
            for person_id in ids:
                compare(person_id)
        else:
            from ladderctl.repository import Aside

            with Aside(_changed_people, old, new, ids[cut:], as_of) as other_part:
                for person_id in ids[:cut]:
                    compare(person_id)
                changed = other_part.result()
            for person_id in ids[cut:]:
                if person_id in changed:
                    compare(person_id)
                else:
                    counts["unchanged"] += 1
                    unchanged.append(person_id)
    entries.sort(key=lambda e: (_CHANGE_ORDER.index(e.change), e.person))
    return ImpactReport(
        as_of=as_of, entries=tuple(entries), unchanged=tuple(sorted(unchanged)), counts=counts
    )


def _changed_people(
    old: Department, new: Department, ids: Sequence[str], as_of: date
) -> frozenset[str]:
    """Those of `ids` evaluated differently under the two versions (see compare_departments)."""
    changed = set()
    with _gc_paused():
        for person_id in ids:
            record = new.staff.get(person_id) or old.staff[person_id]
            facts = _Facts(record, as_of)
            old_report, _ = _try_evaluate(record, facts, old, as_of)
            new_report, _ = _try_evaluate(record, facts, new, as_of)
            if _classify(old_report, new_report)[0] != "unchanged":
                changed.add(person_id)
    return frozenset(changed)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause CPython's cycle collector (not reference counting) while building many reports.

    Reports hold no reference cycles, yet the collector keeps rescanning the growing heap (the
    whole department included) looking for some: 30-50% of a 10,000-person team check. The
    previous state is restored afterwards, also on errors.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- per-person facts, computed once -----------------------------------------------------------


class _Facts:
    """Indexes over one record as of one day, each built on first use and then reused by
    every criterion (and by both sides of `compare_departments`)."""

    __slots__ = (
        "_acc_by_tag",
        "_accomplishments",
        "_attempts",
        "_attestations",
        "_certs",
        "_experience",
        "_level_entry",
        "_passes",
        "_reviews",
        "as_of",
        "person",
        "waivers",
    )

    def __init__(self, person: StaffRecord, as_of: date) -> None:
        self.person = person
        self.as_of = as_of
        waivers: dict[str, Waiver] = {}
        for w in person.waivers:
            if w.active_on(as_of):
                best = waivers.get(w.criterion)
                if best is None or _waiver_end(w) > _waiver_end(best):
                    waivers[w.criterion] = w
        self.waivers = waivers
        self._certs: dict[str, list[Certification]] | None = None
        self._passes: dict[str, list[AssessmentResult]] | None = None
        self._attempts: dict[str, AssessmentResult] = {}
        self._accomplishments: list[Accomplishment] = []
        self._acc_by_tag: dict[str, list[int]] | None = None
        self._reviews: list[Review] | None = None
        self._attestations: dict[str, Attestation] | None = None
        self._level_entry: tuple[LevelHistoryEntry | None] | None = None
        self._experience: _Experience | None = None

    def certs(self) -> dict[str, list[Certification]]:
        """Certifications earned on or before as-of, by credential id."""
        certs = self._certs
        if certs is None:
            certs = self._certs = {}
            as_of = self.as_of
            for c in self.person.certifications:
                if c.earned <= as_of:
                    certs.setdefault(c.id, []).append(c)
        return certs

    def passes(self) -> dict[str, list[AssessmentResult]]:
        """Passes on or before as-of by assessment id, oldest first (see also `attempts`)."""
        passes = self._passes
        if passes is None:
            passes = self._passes = {}
            attempts = self._attempts
            as_of = self.as_of
            for a in sorted(self.person.assessments, key=_DATE):
                if a.date <= as_of:
                    attempts[a.id] = a
                    if a.passed:
                        passes.setdefault(a.id, []).append(a)
        return passes

    def attempts(self) -> dict[str, AssessmentResult]:
        """The latest attempt on or before as-of, by assessment id."""
        self.passes()
        return self._attempts

    def accomplishments(self) -> tuple[list[Accomplishment], dict[str, list[int]]]:
        """Accomplishments on or before as-of, and their indexes by tag."""
        by_tag = self._acc_by_tag
        if by_tag is None:
            as_of = self.as_of
            kept = self._accomplishments = [
                a for a in self.person.accomplishments if a.date <= as_of
            ]
            by_tag = self._acc_by_tag = {}
            for i, acc in enumerate(kept):
                for tag in acc.tags:
                    by_tag.setdefault(tag, []).append(i)
        return self._accomplishments, by_tag

    def reviews(self) -> list[Review]:
        """Reviews signed on or before as-of, oldest first."""
        reviews = self._reviews
        if reviews is None:
            as_of = self.as_of
            reviews = self._reviews = sorted(
                [r for r in self.person.reviews if r.date <= as_of], key=_DATE
            )
        return reviews

    def attestations(self) -> dict[str, Attestation]:
        """The latest attestation on or before as-of, by criterion id."""
        found = self._attestations
        if found is None:
            found = self._attestations = {}
            as_of = self.as_of
            for att in sorted(self.person.attestations, key=_DATE):
                if att.date <= as_of:
                    found[att.criterion] = att
        return found

    def level_entry(self) -> LevelHistoryEntry | None:
        """The latest level-history entry for the person's current ladder and level."""
        cached = self._level_entry
        if cached is None:
            person = self.person
            entry: LevelHistoryEntry | None = None
            for h in person.level_history:
                if (
                    h.ladder == person.ladder
                    and h.level == person.level
                    and (entry is None or h.effective >= entry.effective)
                ):
                    entry = h
            cached = self._level_entry = (entry,)
        return cached[0]

    def experience(self) -> _Experience:
        found = self._experience
        if found is None:
            found = self._experience = _Experience(self.person, self.as_of)
        return found


class _Experience:
    """Experience periods merged into disjoint day ranges, with prefix sums for O(log n) counts."""

    __slots__ = ("ends", "future", "horizon", "prefix", "starts")

    def __init__(self, person: StaffRecord, as_of: date) -> None:
        today = as_of.toordinal()
        spans = [
            (p.start.toordinal(), p.end.toordinal() + 1)
            for p in person.prior_experience
            if p.end >= p.start
        ]
        hired = person.hire_date.toordinal()
        if person.end_date is not None:
            employed_until = person.end_date.toordinal() + 1
        elif person.status in ("terminated", "retired"):
            employed_until = today  # no end date on file: count up to the as-of date
        else:
            employed_until = _FAR_FUTURE
        if employed_until > hired:
            spans.append((hired, employed_until))
        spans.sort()
        starts: list[int] = []
        ends: list[int] = []
        for s, e in spans:
            if ends and s <= ends[-1]:
                ends[-1] = max(ends[-1], e)
            else:
                starts.append(s)
                ends.append(e)
        prefix = [0]
        for s, e in zip(starts, ends, strict=True):
            prefix.append(prefix[-1] + e - s)
        self.starts = starts
        self.ends = ends
        self.prefix = prefix
        # Projection assumes employment simply continues (until a recorded end date).
        self.future = person.status in ("active", "leave") and employed_until > today
        self.horizon = (
            employed_until + 400 if self.future and employed_until < _FAR_FUTURE else None
        )

    def days_before(self, day: int) -> int:
        """Experience days strictly before ordinal `day`."""
        k = bisect_left(self.starts, day)
        if k == 0:
            return 0
        return self.prefix[k - 1] + min(day, self.ends[k - 1]) - self.starts[k - 1]


def _waiver_end(w: Waiver) -> date:
    return date.max if w.expires is None else w.expires


# --- evaluation --------------------------------------------------------------------------------

# (status, met_on, evidence, needed, lapses_on, notes, what lapses: for "eligible on X, but ...")
_LeafOutcome: TypeAlias = tuple[
    Status,
    date | None,
    tuple[Evidence, ...],
    str | None,
    date | None,
    tuple[str, ...],
    str | None,
]


class _Run:
    """Walks one requirement tree for one person, collecting rows and warnings."""

    __slots__ = ("as_of", "catalog", "facts", "lapses", "rows", "warnings")

    def __init__(self, facts: _Facts, catalog: Catalog, as_of: date) -> None:
        self.facts = facts
        self.catalog = catalog
        self.as_of = as_of
        self.rows: list[CriterionResult | None] = []
        self.warnings: list[str] = []
        self.lapses: list[tuple[date, str]] = []

    def node(
        self,
        c: Criterion,
        depth: int,
        parent: str | None,
        required: bool,
        cover: tuple[Waiver, str] | None,
        gaps: list[CriterionResult],
    ) -> tuple[Status, date | None]:
        """Evaluate `c`; returns its status and met-on date, and adds its gap leaves to `gaps`."""
        waivers = self.facts.waivers
        if cover is None and waivers:
            own_waiver = waivers.get(c.id)
            if own_waiver is not None:
                cover = (own_waiver, c.id)
                self._waiver_lapse(own_waiver, c.id)
        if cover is not None:
            waiver, owner = cover
            if owner == c.id:
                own: tuple[Evidence, ...] = (_waiver_evidence(waiver),)
                notes: tuple[str, ...] = ()
            else:
                own, notes = (), (f"covered by the waiver of '{owner}'",)
            self.rows.append(
                _new_row(
                    criterion=c,
                    status="waived",
                    depth=depth,
                    parent=parent,
                    required=False,
                    evidence=own,
                    lapses_on=waiver.expires,
                    notes=notes,
                    waiver=waiver,
                )
            )
            if isinstance(c, Combinator):
                for child in c.criteria:
                    self.node(child, depth + 1, c.id, False, cover, gaps)
            return "waived", None
        if isinstance(c, Combinator):
            return self.combinator(c, depth, parent, required, gaps)
        leaf = _LEAF_HANDLERS[type(c)]  # one dict lookup instead of an isinstance chain
        status, met_on, evidence, needed, lapses_on, notes, lapse = leaf(self, c)
        if lapse is not None and lapses_on is not None and status == "met":
            self.lapses.append((lapses_on, lapse))
        row = _new_row(
            c, status, depth, parent, required, evidence, needed, met_on, lapses_on, notes, None
        )
        self.rows.append(row)
        if status == "not-met" or status == "needs-evidence":
            gaps.append(row)
        return status, met_on

    def combinator(
        self,
        c: Combinator,
        depth: int,
        parent: str | None,
        required: bool,
        gaps: list[CriterionResult],
    ) -> tuple[Status, date | None]:
        slot = len(self.rows)
        self.rows.append(None)
        need = c.required_count
        child_required = required and need >= len(c.criteria)
        ok = 0
        dates: list[date] = []
        below: list[CriterionResult] = []  # the children's gaps: this one's if it is not met
        open_ids: list[str] = []
        cid, child_depth = c.id, depth + 1
        for child in c.criteria:
            child_status, child_on = self.node(child, child_depth, cid, child_required, None, below)
            if child_status in _OK:
                ok += 1
            elif child_status == "met-on" and child_on is not None:
                dates.append(child_on)
                open_ids.append(child.id)
            else:
                open_ids.append(child.id)
        status: Status
        met_on: date | None = None
        needed: str | None = None
        if ok >= need:
            status = "met"
        elif ok + len(dates) >= need:
            dates.sort()
            status, met_on = "met-on", dates[need - ok - 1]
            needed = f"time: met on {met_on.isoformat()}"
        else:
            status = "not-met"
            gaps.extend(below)
            if c.type == "all-of":
                needed = "all of: " + ", ".join(open_ids)
            elif c.type == "any-of":
                needed = "one of: " + ", ".join(open_ids)
            else:
                needed = f"{need - ok} more of: " + ", ".join(open_ids)
        counts = (ok, len(c.criteria), need)
        notes = _COUNT_NOTES.get(counts)
        if notes is None:
            notes = _COUNT_NOTES[counts] = (f"{ok} of {counts[1]} met, {need} needed",)
        self.rows[slot] = _new_row(
            c, status, depth, parent, required, (), needed, met_on, None, notes, None
        )
        return status, met_on

    def _waiver_lapse(self, waiver: Waiver, criterion_id: str) -> None:
        if waiver.expires is not None:
            self.lapses.append(
                (
                    waiver.expires,
                    f"the waiver of '{criterion_id}' expires {waiver.expires.isoformat()}",
                )
            )

    # --- leaves --------------------------------------------------------------------------------

    def experience(self, c: ExperienceCriterion) -> _LeafOutcome:
        facts, as_of = self.facts, self.as_of
        need_months = round(c.years * 12)
        window = None if c.within_years is None else round(c.within_years * 12)
        today = as_of.toordinal()
        spans = facts.experience()
        have = _experience_in_window(spans, today, window)
        required = _span(today, need_months)
        person = facts.person
        scope = "" if c.within_years is None else f" within the last {_years(c.within_years)}"
        counted = f"{have} days counted{scope} ({required} days needed on {as_of.isoformat()})"
        evidence = [
            _new_evidence(counted),
            _new_evidence(
                f"employed since {person.hire_date.isoformat()}"
                + (f" until {person.end_date.isoformat()}" if person.end_date else ""),
                person.hire_date_source,
            ),
        ]
        for p in person.prior_experience:
            evidence.append(
                _new_evidence(
                    f"prior: {p.employer}"
                    + (f" ({p.role})" if p.role else "")
                    + f", {p.start.isoformat()} to {p.end.isoformat()}",
                    p.source,
                )
            )
        notes: tuple[str, ...] = ()
        if c.typical_years is not None and have < _span(today, round(c.typical_years * 12)):
            notes = (f"typical: {_years(c.typical_years)}",)
        if have >= required:
            return "met", None, tuple(evidence), None, None, notes, None
        goal = f"{_years(c.years)} of experience{scope}"
        if c.typical_years is not None:
            goal += f" (typical {_years(c.typical_years)})"
        reached = _experience_met_on(spans, today, need_months, window)
        if reached is None:
            why = (
                "not reachable with continued employment"
                if spans.future
                else "not reachable: not currently employed"
            )
            return (
                "not-met",
                None,
                tuple(evidence),
                f"{goal}: has {have} days; {why}",
                None,
                notes,
                None,
            )
        needed = (
            f"{goal}: has {have} days; reached on {reached.isoformat()} with continued employment"
        )
        return "met-on", reached, tuple(evidence), needed, None, notes, None

    def time_in_level(self, c: TimeInLevelCriterion) -> _LeafOutcome:
        person, entry = self.facts.person, self.facts.level_entry()
        goal = f"{_months(c.months)} in {person.level}"
        if entry is None:
            needed = f"{goal}: no levelHistory entry for {person.ladder}/{person.level}"
            return "not-met", None, (), needed, None, (), None
        evidence = (
            _new_evidence(f"{person.level} since {entry.effective.isoformat()}", entry.source),
        )
        reached = add_months(entry.effective, c.months)
        if reached <= self.as_of:
            return "met", None, evidence, None, None, (), None
        needed = f"{goal} (since {entry.effective.isoformat()}): reached on {reached.isoformat()}"
        return "met-on", reached, evidence, needed, None, (), None

    def credential(self, c: CredentialCriterion) -> _LeafOutcome:
        as_of, catalog = self.as_of, self.catalog
        best: tuple[date, Certification, str] | None = None  # (counts until, cert, label)
        expired: tuple[date, Certification, str] | None = None
        held = self.facts.certs()
        for cred_id in c.credentials:
            entry = catalog.credential(cred_id)
            label = entry.title if entry is not None else cred_id
            never = entry is not None and not entry.expires
            for cert in held.get(cred_id, ()):
                until = date.max if never or cert.expires is None else cert.expires
                if until > as_of:
                    if best is None or until > best[0]:
                        best = (until, cert, label)
                elif expired is None or until > expired[0]:
                    expired = (until, cert, label)
        if best is not None:
            until, cert, label = best
            earned = f"{label} earned {cert.earned.isoformat()}"
            if until == date.max:
                notes: tuple[str, ...] = ()
                entry = catalog.credential(cert.id)
                if cert.expires is None and entry is not None and entry.expires:
                    notes = (f"{label} should expire but has no expiry date on record",)
                evidence = (_new_evidence(f"{earned}, does not expire", cert.source),)
                return "met", None, evidence, None, None, notes, None
            if (until - as_of).days <= EXPIRY_WARNING_DAYS:
                self.warnings.append(
                    f"{label} expires {until.isoformat()}, within {EXPIRY_WARNING_DAYS} days "
                    f"of {as_of.isoformat()}: renew"
                )
            evidence = (_new_evidence(f"{earned}, expires {until.isoformat()}", cert.source),)
            lapse = f"{label} expires {until.isoformat()}: renew first"
            return "met", None, evidence, None, until, (), lapse
        if expired is not None:
            until, cert, label = expired
            text = f"{label} earned {cert.earned.isoformat()}, expired {until.isoformat()}"
            needed = f"{label} expired {until.isoformat()}: renew"
            return "not-met", None, (_new_evidence(text, cert.source),), needed, None, (), None
        labels = [self._credential_label(i) for i in c.credentials]
        needed = "hold " + " or ".join(labels)
        return "not-met", None, (), needed, None, (), None

    def _credential_label(self, credential_id: str) -> str:
        entry = self.catalog.credential(credential_id)
        return entry.title if entry is not None else credential_id

    def rating(self, c: RatingCriterion) -> _LeafOutcome:
        reviews = self.facts.reviews()
        bar = rating_rank(c.at_least)
        recent = reviews[-c.consecutive :] if reviews else []
        evidence = tuple(
            _new_evidence(
                f"{r.rating} on {r.date.isoformat()}" + (f" ({r.period})" if r.period else ""),
                r.source,
            )
            for r in reversed(recent)
        )
        low = [r for r in recent if rating_rank(r.rating) < bar]
        if len(recent) >= c.consecutive and not low:
            return "met", None, evidence, None, None, (), None
        goal = (
            f"{c.consecutive} consecutive reviews at {c.at_least} or above"
            if c.consecutive > 1
            else f"a review at {c.at_least} or above"
        )
        if not recent:
            why = "no reviews on record"
        elif len(recent) < c.consecutive:
            latest = recent[-1]
            n = len(recent)
            why = (
                f"only {n} review{'s' if n != 1 else ''} on record; latest: "
                f"{latest.rating} on {latest.date.isoformat()}"
            )
        else:
            latest, worst = recent[-1], low[-1]
            why = f"latest: {latest.rating} on {latest.date.isoformat()}"
            if worst is not latest:
                why += f", but {worst.rating} on {worst.date.isoformat()}"
        return "not-met", None, evidence, f"{goal} ({why})", None, (), None

    def assessment(self, c: AssessmentCriterion) -> _LeafOutcome:
        months = c.valid_for_months
        if months is None:
            entry = self.catalog.assessment(c.assessment)
            months = None if entry is None else entry.recurrence_months
        passes = self.facts.passes().get(c.assessment)
        if passes:
            last = passes[-1]
            lapses = None if months is None else add_months(last.date, months)
            if lapses is None:
                text = f"{c.assessment} passed {last.date.isoformat()}, does not lapse"
                return "met", None, (_new_evidence(text, last.source),), None, None, (), None
            if lapses > self.as_of:
                text = f"{c.assessment} passed {last.date.isoformat()}, lapses on {lapses}"
                lapse = f"the {c.assessment} pass lapses on {lapses.isoformat()}: reassess first"
                return "met", None, (_new_evidence(text, last.source),), None, lapses, (), lapse
            text = f"{c.assessment} passed {last.date.isoformat()}, lapsed on {lapses}"
            needed = (
                f"a pass in {c.assessment} (last pass {last.date.isoformat()} "
                f"lapsed on {lapses.isoformat()})"
            )
            return "not-met", None, (_new_evidence(text, last.source),), needed, None, (), None
        attempt = self.facts.attempts().get(c.assessment)
        if attempt is not None:
            text = f"{c.assessment}: {attempt.result} on {attempt.date.isoformat()}"
            needed = (
                f"a pass in {c.assessment} (no pass on record; last attempt: "
                f"{attempt.result} on {attempt.date.isoformat()})"
            )
            return "not-met", None, (_new_evidence(text, attempt.source),), needed, None, (), None
        needed = f"a pass in {c.assessment} (no attempt on record)"
        return "not-met", None, (), needed, None, (), None

    def activity(self, c: ActivityCriterion) -> _LeafOutcome:
        accomplishments, by_tag = self.facts.accomplishments()
        since = (
            None if c.within_years is None else add_months(self.as_of, -round(c.within_years * 12))
        )
        if len(c.tags) == 1:
            indexes: Sequence[int] = by_tag.get(c.tags[0], ())
        else:
            merged: set[int] = set()
            for tag in c.tags:
                merged.update(by_tag.get(tag, ()))
            indexes = sorted(merged)
        counted: list[Accomplishment] = []
        for i in indexes:
            acc = accomplishments[i]
            if since is None or acc.date > since:
                counted.append(acc)
        counted.sort(key=_DATE)
        evidence = tuple(
            [
                _new_evidence(f"{a.title} ({a.date.isoformat()}; {', '.join(a.tags)})", a.source)
                for a in counted
            ]
        )
        if len(counted) >= c.count:
            return "met", None, evidence, None, None, (), None
        missing = c.count - len(counted)
        scope = "" if c.within_years is None else f" in the last {_years(c.within_years)}"
        needed = (
            f"{missing} more accomplishment{'s' if missing != 1 else ''} tagged "
            + " or ".join(c.tags)
            + scope
        )
        return "not-met", None, evidence, needed, None, (), None

    def attestation(self, c: AttestationCriterion) -> _LeafOutcome:
        att = self.facts.attestations().get(c.id)
        goal = f"a {c.by} attestation for '{c.id}'"
        if att is None:
            return "needs-evidence", None, (), goal, None, (), None
        text = f"attested by {att.by} on {att.date.isoformat()}" + (
            f": {att.note}" if att.note else ""
        )
        evidence = (_new_evidence(text, att.source),)
        if c.valid_for_months is None:
            return "met", None, evidence, None, None, (), None
        lapses = add_months(att.date, c.valid_for_months)
        if lapses > self.as_of:
            lapse = f"the attestation for '{c.id}' lapses on {lapses.isoformat()}: re-attest first"
            return "met", None, evidence, None, lapses, (), lapse
        needed = f"{goal} (last attested {att.date.isoformat()}, lapsed on {lapses.isoformat()})"
        return "needs-evidence", None, evidence, needed, None, (), None


# Leaf evaluation by criterion class.
_LEAF_HANDLERS: dict[type, Callable[[_Run, Any], _LeafOutcome]] = {
    ExperienceCriterion: _Run.experience,
    TimeInLevelCriterion: _Run.time_in_level,
    CredentialCriterion: _Run.credential,
    RatingCriterion: _Run.rating,
    AssessmentCriterion: _Run.assessment,
    ActivityCriterion: _Run.activity,
    AttestationCriterion: _Run.attestation,
}


def _waiver_evidence(w: Waiver) -> Evidence:
    expiry = f", expires {w.expires.isoformat()}" if w.expires else ", no expiry"
    return _new_evidence(
        f"waived by {w.approver} on {w.date.isoformat()}: {w.reason}{expiry}", w.source
    )


# --- experience arithmetic ---------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def _span(day: int, months: int) -> int:
    """Days in the `months` calendar months ending on ordinal `day` (exclusive).

    Cached: a team check asks for the same as-of day and month counts for everyone.
    """
    if months <= 0:
        return 0
    try:
        return day - add_months(date.fromordinal(day), -months).toordinal()
    except ValueError:  # reaches back before year 1: longer than any record can hold
        return day


def _experience_in_window(spans: _Experience, day: int, window: int | None) -> int:
    total = spans.days_before(day)
    if window is None:
        return total
    return total - spans.days_before(day - _span(day, window))


def _experience_met_on(
    spans: _Experience, today: int, months: int, window: int | None
) -> date | None:
    """The first day after `today` on which the experience requirement holds, if any.

    Exact. Let deficit(D) = needed(D) - counted(D). Counted experience grows by at most one day
    per day, and needed(D) (the length of the calendar span ending on D) is within
    `_SPAN_SLACK` of any other day's value and drops by at most 3 from one day to the next
    (Feb 28 -> Mar 1 moves "D minus a month" from Jan 28 to Feb 1). So from a day with deficit
    d no day before D + max(d - _SPAN_SLACK, ceil(d / 4)) can qualify, and jumping there never
    skips the answer.
    """
    if not spans.future or not spans.starts:
        return None
    if window is not None and window < months:
        return None  # the window is shorter than the requirement
    if window is None and spans.horizon is None and spans.starts[-1] <= today:
        # Employed without end since before `today`: counted(D) = counted(today) + (D - today),
        # so the rule holds from the first D whose start of span, D minus `months` months, is on
        # or after today - counted(today). That start never decreases as D grows.
        earliest = date.fromordinal(today - spans.days_before(today))
        try:
            reached = add_months(earliest, months)
            while add_months(reached, -months) < earliest:  # clamped to a month end: days more
                reached = date.fromordinal(reached.toordinal() + 1)
        except (ValueError, OverflowError):  # beyond year 9999
            return None
        return max(reached, date.fromordinal(today + 1))
    if spans.horizon is not None:
        horizon = spans.horizon
    else:
        # Employed from `start` on without end, the requirement holds N years later at most.
        start = max(today, spans.starts[-1])
        horizon = start + _span(start, months) + 400
    horizon = min(horizon, date.max.toordinal())
    day = today + 1
    while day <= horizon:
        deficit = _span(day, months) - _experience_in_window(spans, day, window)
        if deficit <= 0:
            return date.fromordinal(day)
        day += max(1, deficit - _SPAN_SLACK, (deficit + 3) // 4)
    return None


# --- assembling reports ------------------------------------------------------------------------


def _evaluate(
    person: StaffRecord,
    facts: _Facts | None,  # None: built here, only if there is something to evaluate
    catalog: Catalog,
    target: Target | None,
    as_of: date,
) -> EligibilityReport:
    warnings: list[str] = []
    if person.status in ("terminated", "retired"):
        end = f" on {person.end_date.isoformat()}" if person.end_date else ""
        warnings.append(f"{person.id} is {person.status}{end}")
    if target is None:
        return _new_report(
            person=person.id,
            name=person.name,
            ladder=person.ladder,
            level=person.level,
            as_of=as_of,
            verdict="top-of-ladder",
            target=None,
            warnings=tuple(warnings),
        )
    if target.requirements is None:
        warnings.append(
            f"no requirements recorded for {target.ladder}/{target.level}: "
            f"reached on the terms of {target.from_level} alone"
        )
        return _new_report(
            person=person.id,
            name=person.name,
            ladder=person.ladder,
            level=person.level,
            as_of=as_of,
            verdict="eligible-now",
            target=target,
            warnings=tuple(warnings),
        )
    run = _Run(facts or _Facts(person, as_of), catalog, as_of)
    gaps: list[CriterionResult] = []
    status, met_on = run.node(target.requirements, 0, None, True, None, gaps)
    warnings.extend(run.warnings)
    verdict: Verdict
    if status in _OK:
        verdict, gaps = "eligible-now", []
    elif status == "met-on" and met_on is not None:
        verdict, gaps = "eligible-on", []
        for lapse_day, text in sorted(run.lapses):
            if lapse_day <= met_on:
                warnings.append(f"eligible on {met_on.isoformat()}, but {text}")
    else:
        verdict, met_on = "not-eligible", None
    # Every placeholder a combinator reserved has been filled by now.
    rows = cast("tuple[CriterionResult, ...]", tuple(run.rows))
    return _new_report(
        person=person.id,
        name=person.name,
        ladder=person.ladder,
        level=person.level,
        as_of=as_of,
        verdict=verdict,
        target=target,
        criteria=rows,
        gaps=tuple(gaps),
        eligible_on=met_on,
        warnings=tuple(warnings),
    )


def _team_order(report: EligibilityReport | EligibilitySummary) -> tuple[int, int, int, str]:
    rank = VERDICTS.index(report.verdict)
    day = report.eligible_on.toordinal() if report.eligible_on is not None else 0
    return rank, day, len(report.gaps), report.person


def _try_evaluate(
    person: StaffRecord, facts: _Facts, department: Department, as_of: date
) -> tuple[EligibilityReport | None, str | None]:
    try:
        target = department.resolve_target(person)
    except DepartmentError as error:
        return None, str(error)
    return _evaluate(person, facts, department.catalog, target, as_of), None


def _classify(
    old: EligibilityReport | None, new: EligibilityReport | None
) -> tuple[ChangeKind, tuple[CriterionChange, ...]]:
    """Classify by outcome (verdict, date, gaps, target); rows that changed without changing
    the outcome (e.g. a met criterion removed) leave the person `unchanged`."""
    if old is None or new is None:
        return "error", ()
    if _outcome(old) == _outcome(new):
        return "unchanged", ()
    responsible = _responsible(old, new)
    if new.verdict == "eligible-now" and old.verdict != "eligible-now":
        return "gains", responsible
    if old.verdict == "eligible-now" and new.verdict != "eligible-now":
        return "loses", responsible
    if "eligible-on" in (old.verdict, new.verdict) and (old.verdict, old.eligible_on) != (
        new.verdict,
        new.eligible_on,
    ):
        return "date-moved", responsible
    return "changed", responsible


def _effect(result: CriterionResult | None) -> tuple[str, date | None]:
    if result is None or result.ok:
        return "ok", None
    return result.status, result.met_on


def _outcome(
    report: EligibilityReport,
) -> tuple[str, date | None, tuple[str, ...], tuple[str, str] | None]:
    target = None if report.target is None else (report.target.ladder, report.target.level)
    return report.verdict, report.eligible_on, tuple(g.id for g in report.gaps), target


def _responsible(old: EligibilityReport, new: EligibilityReport) -> tuple[CriterionChange, ...]:
    """Criteria whose effective outcome differs. A criterion that is absent counts as satisfied,
    so removing a met criterion (or adding one the person already meets) is not a cause."""
    old_rows = {r.id: r for r in old.criteria}
    new_rows = {r.id: r for r in new.criteria}
    changes: dict[str, CriterionChange] = {}
    for rid, n in new_rows.items():
        o = old_rows.get(rid)
        if _effect(o) == _effect(n):
            continue
        if o is None:
            changes[rid] = CriterionChange(
                rid, n.description, "added", None, n.status, None, n.met_on, n.location
            )
        else:
            changes[rid] = CriterionChange(
                rid, n.description, "changed", o.status, n.status, o.met_on, n.met_on, n.location
            )
    for rid, o in old_rows.items():
        if rid not in new_rows and not o.ok:
            changes[rid] = CriterionChange(
                rid, o.description, "removed", o.status, None, o.met_on, None, o.location
            )
    # A combinator is only responsible itself when nothing below it changed.
    parents: dict[str, set[str]] = {}
    for rows in (old_rows, new_rows):
        for r in rows.values():
            if r.parent is not None:
                parents.setdefault(r.id, set()).add(r.parent)
    shadowed: set[str] = set()
    for rid in changes:
        stack = list(parents.get(rid, ()))
        while stack:
            p = stack.pop()
            if p not in shadowed:
                shadowed.add(p)
                stack.extend(parents.get(p, ()))
    order = [r.id for r in new.criteria] + [r.id for r in old.criteria if r.id not in new_rows]
    return tuple(changes[i] for i in order if i in changes and i not in shadowed)


# --- formatting --------------------------------------------------------------------------------


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _loc(location: Location | None) -> str | None:
    return None if location is None else str(location)


def _months(n: int) -> str:
    return "1 month" if n == 1 else f"{n} months"


def _years(value: float) -> str:
    if value == int(value):
        n = int(value)
        return f"{n} year" if n == 1 else f"{n} years"
    return f"{value:g} years"
