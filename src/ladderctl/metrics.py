"""The program's vital signs: advancement, retention, goals, development, credentials, engagement.

Pure functions over typed records with explicit `start`, `end` and `as_of` dates; each returns a
report object with `to_dict()`. Nothing here reads files, prints or looks at the clock. The
definitions below are the contract the tests pin down.

Counts and percentages
    Every percentage is a `Rate(numerator, denominator)`: "8/10 (80%)", rounded half up, or
    "no data" when the denominator is 0 (never 0% and never a division error).

Period and scope
    A figure covers the period `start`..`end` (both days included; default: the 12 months up to
    `as_of`, i.e. `as_of` minus 12 months plus one day .. `as_of`). The scope filters people by
    their *current* ladder, level and site; promotions are filtered by the ladder moved onto and
    the level moved out of ("promotions out of tech-2").

Advancement
    A promotion is a level-history entry whose level is higher on the same ladder than the entry
    before it, or a move to another ladder that the old ladder defines as a transition (or whose
    reason mentions a promotion). Repeated entries for the same level (transfers, returns from
    leave) are not promotions and do not restart the time in level. Time in level before a
    promotion = whole calendar months from the first entry of that level to the promotion.

Eligible now, not promoted, and since when
    `check_team` gives who is eligible now; `eligible_since` gives the first day of the unbroken
    run of eligibility that includes `as_of` (see its docstring for the exact method).

Retention
    - 1-year retention of new hires: everyone whose first anniversary (hire date + 12 months) falls
      in the period and on or before `as_of`; retained = still employed on that anniversary
      (no end date, or an end date on or after it). The ladder is the one they were hired onto.
    - Group retention: people employed on the period's first day; retained = still employed on its
      last day. Mentored = mentee of an agreement overlapping the period; "with an IDP" = subject
      of a development plan whose period overlaps the report period.

Development
    A plan is current when its period contains `as_of`. Its quarterly review is due 90 days after
    the last review on or before `as_of` (or after its start) and counts as overdue from that day,
    as `ladderctl validate` warns. A SMART objective is past due when its due date is before
    `as_of` and its status is neither done nor dropped (plans overlapping the period). An active
    agreement's check-in is due `checkInMonths` (the program's; 3 if unknown) after the last
    check-in (or its start).

Credentials
    The latest record of each credential (a later expiry, or none, replaces an earlier record)
    held by active staff: expired (expires on or before `as_of`) or expiring within 30, 60 or 90
    days. One line per person, grouped by manager.
"""

from __future__ import annotations

import datetime as dt
import gc
import statistics
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import attrgetter
from typing import Any, Literal

from ladderctl.advancement import (
    EligibilityReport,
    EligibilitySummary,
    check_eligibility,
    summarize_team,
)
from ladderctl.catalog import Catalog
from ladderctl.department import Department
from ladderctl.ladder import (
    ActivityCriterion,
    AssessmentCriterion,
    AttestationCriterion,
    CredentialCriterion,
    Criterion,
    ExperienceCriterion,
    RatingCriterion,
    TimeInLevelCriterion,
    iter_criteria,
)
from ladderctl.loading import Document
from ladderctl.references import REVIEW_OVERDUE_DAYS
from ladderctl.staff import (
    StaffRecord,
    add_months,
    fast_constructor,
    parse_date,
    parse_optional_date,
)

__all__ = [
    "ACTIVE_STATUSES",
    "COMPUTED_METRICS",
    "CREDENTIAL_WINDOWS",
    "AdvancementFigure",
    "CheckIn",
    "CredentialLine",
    "CredentialsFigure",
    "DevelopmentFigure",
    "DevelopmentPlan",
    "DueItem",
    "DueList",
    "EngagementFigure",
    "EngagementYear",
    "GoalResult",
    "GoalsFigure",
    "ManagerGroup",
    "MentorshipAgreement",
    "OverdueCheckIn",
    "OverdueReview",
    "PastDueObjective",
    "Period",
    "PersonCredentials",
    "PlanObjective",
    "Program",
    "ProgramGoal",
    "Promotion",
    "Rate",
    "Records",
    "Report",
    "RetentionCurve",
    "RetentionFigure",
    "Scope",
    "StepCount",
    "StepSummary",
    "Waiting",
    "WaitingFigure",
    "advancement",
    "build_report",
    "credentials",
    "default_period",
    "development",
    "due_items",
    "eligible_since",
    "engagement_trend",
    "program_goals",
    "promotions_of",
    "retention",
    "waiting_for_promotion",
    "whole_months",
]

#: Employment statuses of people who are still on staff.
ACTIVE_STATUSES: frozenset[str] = frozenset({"active", "leave"})
#: The "expiring within N days" columns of the credentials figure.
CREDENTIAL_WINDOWS: tuple[int, ...] = (30, 60, 90)
#: Program-goal metrics computed from the records; the others say "not computed".
COMPUTED_METRICS: tuple[str, ...] = (
    "new-hire-retention-1y",
    "retention",
    "promotions",
    "engagement",
)
DEFAULT_CHECK_IN_MONTHS = 3
_DONE_OBJECTIVES = frozenset({"done", "dropped"})
_ONE_DAY = timedelta(days=1)


# --- counts, periods, scopes ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rate:
    """`numerator` out of `denominator`; "no data" when the denominator is 0."""

    numerator: int
    denominator: int

    def __post_init__(self) -> None:
        if not 0 <= self.numerator <= max(self.denominator, 0):
            raise ValueError(f"a rate needs 0 <= {self.numerator} <= {self.denominator}")

    @property
    def percent(self) -> float | None:
        """The exact percentage, None without data."""
        if self.denominator == 0:
            return None
        return 100.0 * self.numerator / self.denominator

    @property
    def rounded(self) -> int | None:
        """The percentage rounded half up (1/8 -> 13), as people round."""
        if self.denominator == 0:
            return None
        return (200 * self.numerator + self.denominator) // (2 * self.denominator)

    def __str__(self) -> str:
        if self.denominator == 0:
            return "no data"
        return f"{self.numerator}/{self.denominator} ({self.rounded}%)"

    def to_dict(self) -> dict[str, object]:
        percent = self.percent
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "percent": None if percent is None else round(percent, 1),
            "text": str(self),
        }


@dataclass(frozen=True, slots=True)
class Period:
    """`start`..`end`, both days included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"the period starts ({self.start}) after it ends ({self.end})")

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, start: date, end: date | None) -> bool:
        """Whether `start`..`end` (None: open-ended) shares at least one day with the period."""
        return start <= self.end and (end is None or end >= self.start)

    def to_dict(self) -> dict[str, object]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    def __str__(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def default_period(as_of: date, *, months: int = 12) -> Period:
    """The `months` months up to and including `as_of`: 2026-11-21 -> 2025-11-22..2026-11-21."""
    return Period(add_months(as_of, -months) + _ONE_DAY, as_of)


@dataclass(frozen=True, slots=True)
class Scope:
    """Who a figure is about: filters on the current ladder, level and site (None: any)."""

    ladder: str | None = None
    level: str | None = None
    site: str | None = None

    def matches(self, person: StaffRecord) -> bool:
        return (
            (self.ladder is None or person.ladder == self.ladder)
            and (self.level is None or person.level == self.level)
            and (self.site is None or person.site == self.site)
        )

    def narrowed(self, other: Scope) -> Scope | None:
        """Both scopes at once; None when they contradict (no one can match)."""
        merged: dict[str, str | None] = {}
        for name in ("ladder", "level", "site"):
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine is not None and theirs is not None and mine != theirs:
                return None
            merged[name] = mine if mine is not None else theirs
        return Scope(**merged)

    def __str__(self) -> str:
        parts = [
            f"{name} {value}"
            for name, value in (("ladder", self.ladder), ("level", self.level), ("site", self.site))
            if value is not None
        ]
        return ", ".join(parts) if parts else "all staff"

    def to_dict(self) -> dict[str, object]:
        return {"ladder": self.ladder, "level": self.level, "site": self.site}


# --- records the report reads besides staff: plans, agreements, programs -----------------------


@dataclass(frozen=True, slots=True)
class PlanObjective:
    """A SMART objective of a development plan."""

    id: str
    description: str
    due: date
    status: str  # not-started | in-progress | done | dropped


@dataclass(frozen=True, slots=True)
class DevelopmentPlan:
    """An individual development plan (IDP): its period, objectives and review log."""

    id: str
    person: str
    manager: str
    start: date
    end: date
    objectives: tuple[PlanObjective, ...] = ()
    reviews: tuple[date, ...] = ()  # review dates, oldest first
    path: str = "<plan>"

    def current_on(self, day: date) -> bool:
        return self.start <= day <= self.end

    def last_review(self, as_of: date) -> date | None:
        """The latest review on or before `as_of`."""
        held = [d for d in self.reviews if d <= as_of]
        return held[-1] if held else None

    def review_due(self, as_of: date) -> date:
        """When the next quarterly review is due: 90 days after the last one (or the start)."""
        last = self.last_review(as_of) or self.start
        return last + timedelta(days=REVIEW_OVERDUE_DAYS)


@dataclass(frozen=True, slots=True)
class CheckIn:
    """A committee check-in with a mentoring pair."""

    date: dt.date
    by: str
    status: str | None = None


@dataclass(frozen=True, slots=True)
class MentorshipAgreement:
    """A signed mentor/mentee agreement and the committee's check-ins."""

    id: str
    program: str
    mentor: str
    mentee: str
    start: date
    end: date | None = None
    check_ins: tuple[CheckIn, ...] = ()  # oldest first
    path: str = "<agreement>"

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def check_in_due(self, as_of: date, months: int) -> date:
        """`months` after the last check-in on or before `as_of` (or after the start)."""
        held = [c.date for c in self.check_ins if c.date <= as_of]
        return add_months(held[-1] if held else self.start, months)

    def last_check_in(self, as_of: date) -> date | None:
        held = [c.date for c in self.check_ins if c.date <= as_of]
        return held[-1] if held else None


@dataclass(frozen=True, slots=True)
class ProgramGoal:
    """A goal set in step 1 of the mentorship playbook, e.g. 1-year retention 75% -> 90%."""

    id: str
    description: str
    metric: str
    target: float
    baseline: float | None = None
    unit: str | None = None  # percent | count | score
    population: str | None = None
    deadline: date | None = None


@dataclass(frozen=True, slots=True)
class Program:
    """What the report needs from a mentorship program: its cycle, cadence and goals."""

    id: str
    title: str
    start: date
    end: date
    check_in_months: int = DEFAULT_CHECK_IN_MONTHS
    goals: tuple[ProgramGoal, ...] = ()
    path: str = "<program>"


@dataclass(frozen=True)
class Records:
    """Everything the report reads, typed. Build it with `Records.from_documents`."""

    department: Department
    plans: tuple[DevelopmentPlan, ...] = ()
    agreements: tuple[MentorshipAgreement, ...] = ()
    programs: tuple[Program, ...] = ()

    @classmethod
    def from_documents(
        cls, documents: Iterable[Document], *, department: Department | None = None
    ) -> Records:
        """Type the validated documents (plans, agreements, programs; staff via Department)."""
        documents = list(documents)
        plans: list[DevelopmentPlan] = []
        agreements: list[MentorshipAgreement] = []
        programs: list[Program] = []
        for doc in documents:
            data = doc.data  # `doc.kind`, without a property call for each of ~10,000 files
            kind = data.get("kind") if isinstance(data, dict) else None
            if kind == "DevelopmentPlan":
                plans.append(plan_from_document(doc))
            elif kind == "MentorshipAgreement":
                agreements.append(agreement_from_document(doc))
            elif kind == "MentorshipProgram":
                programs.append(program_from_document(doc))
        return cls(
            department=department or Department.from_documents(documents),
            plans=tuple(sorted(plans, key=lambda p: p.id)),
            agreements=tuple(sorted(agreements, key=lambda a: a.id)),
            programs=tuple(sorted(programs, key=lambda p: p.id)),
        )


# Thousands of plans, objectives and check-ins: plain stores, not a frozen dataclass's __init__.
_new_plan = fast_constructor(DevelopmentPlan)
_new_objective = fast_constructor(PlanObjective)
_new_agreement = fast_constructor(MentorshipAgreement)
_new_check_in = fast_constructor(CheckIn)


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def plan_from_document(doc: Document) -> DevelopmentPlan:
    """A validated DevelopmentPlan document, typed."""
    data: Mapping[str, Any] = doc.data
    period = data["period"]
    return _new_plan(
        id=str(data["id"]),
        person=str(data["person"]),
        manager=str(data["manager"]),
        start=parse_date(period["start"], field="period.start"),
        end=parse_date(period["end"], field="period.end"),
        objectives=tuple(
            _new_objective(
                id=str(o["id"]),
                description=str(o["description"]),
                due=parse_date(o["due"], field="objectives.due"),
                status=str(o["status"]),
            )
            for o in _list(data, "objectives")
        ),
        reviews=tuple(sorted(parse_date(r["date"]) for r in _list(data, "reviews"))),
        path=doc.path,
    )


def agreement_from_document(doc: Document) -> MentorshipAgreement:
    """A validated MentorshipAgreement document, typed."""
    data: Mapping[str, Any] = doc.data
    check_ins = [
        _new_check_in(
            date=parse_date(c["date"], field="checkIns.date"),
            by=str(c["by"]),
            status=None if c.get("status") is None else str(c["status"]),
        )
        for c in _list(data, "checkIns")
    ]
    return _new_agreement(
        id=str(data["id"]),
        program=str(data["program"]),
        mentor=str(data["mentor"]),
        mentee=str(data["mentee"]),
        start=parse_date(data["start"], field="start"),
        end=parse_optional_date(data.get("end"), field="end"),
        check_ins=tuple(sorted(check_ins, key=lambda c: c.date)),
        path=doc.path,
    )


def program_from_document(doc: Document) -> Program:
    """A validated MentorshipProgram document: cycle, check-in cadence and goals."""
    data: Mapping[str, Any] = doc.data
    meetings = data.get("meetings") or {}
    goals = []
    for g in _list(data, "goals"):
        baseline = g.get("baseline")
        goals.append(
            ProgramGoal(
                id=str(g["id"]),
                description=" ".join(str(g["description"]).split()),
                metric=str(g["metric"]),
                target=float(g["target"]),
                baseline=None if baseline is None else float(baseline),
                unit=None if g.get("unit") is None else str(g["unit"]),
                population=None if g.get("population") is None else str(g["population"]),
                deadline=parse_optional_date(g.get("deadline"), field="goals.deadline"),
            )
        )
    return Program(
        id=str(data["id"]),
        title=str(data.get("title") or data["id"]),
        start=parse_date(data["cycle"]["start"], field="cycle.start"),
        end=parse_date(data["cycle"]["end"], field="cycle.end"),
        check_in_months=int(meetings.get("checkInMonths") or DEFAULT_CHECK_IN_MONTHS),
        goals=tuple(goals),
        path=doc.path,
    )


# --- small helpers -----------------------------------------------------------------------------


def whole_months(start: date, end: date) -> int:
    """Complete calendar months from `start` to `end` (0 if `end` is earlier).

    2026-01-31 -> 2026-02-28 is 1 month (month ends clamp, as in `add_months`).
    """
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def _employed_on(person: StaffRecord, day: date) -> bool:
    """Hired on or before `day` and not gone before it (the end date is the last day worked)."""
    return person.hire_date <= day and (person.end_date is None or person.end_date >= day)


def _on_staff(person: StaffRecord, day: date) -> bool:
    """Counted as staff on `day`: active or on leave, and employed that day."""
    return person.status in ACTIVE_STATUSES and _employed_on(person, day)


class _Shared:
    """What several figures of one report compute from the same department: its staff in id
    order and everyone's promotions (neither depends on the period or the scope)."""

    __slots__ = ("department", "ordered", "promotions")

    def __init__(self, department: Department) -> None:
        self.department = department
        self.ordered: tuple[StaffRecord, ...] | None = None
        self.promotions: tuple[tuple[StaffRecord, tuple[Promotion, ...]], ...] | None = None


# Set while `build_report` runs. Only for its duration: a module-level cache would keep the last
# department (hundreds of thousands of objects) alive until the interpreter exits, where the
# collector's final passes over it cost more than building the report's figures.
_SHARED: ContextVar[_Shared | None] = ContextVar("ladderctl_metrics_shared", default=None)


@contextmanager
def _sharing(department: Department) -> Iterator[None]:
    """Let the figures built inside share `_Shared` values for `department`."""
    token = _SHARED.set(_Shared(department))
    try:
        yield
    finally:
        _SHARED.reset(token)


def _shared(department: Department) -> _Shared | None:
    shared = _SHARED.get()
    return shared if shared is not None and shared.department is department else None


def _ordered_staff(department: Department) -> tuple[StaffRecord, ...]:
    """Every staff record, by id."""
    shared = _shared(department)
    if shared is not None and shared.ordered is not None:
        return shared.ordered
    staff = department.staff
    found = tuple([staff[k] for k in sorted(staff)])
    if shared is not None:
        shared.ordered = found
    return found


def _median(values: Sequence[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _manager_chain(department: Department, person_id: str) -> list[str]:
    """The person's managers, nearest first (stops at a loop or an unknown id)."""
    chain: list[str] = []
    record = department.staff.get(person_id)
    current = record.manager if record is not None else None
    while current is not None and current not in chain and current != person_id:
        chain.append(current)
        boss = department.staff.get(current)
        current = boss.manager if boss is not None else None
    return chain


def _name(department: Department, person_id: str | None) -> str:
    if person_id is None:
        return ""
    record = department.staff.get(person_id)
    return record.name if record is not None else person_id


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


# --- advancement -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Promotion:
    """One move up: `from_ladder`/`from_level` -> `ladder`/`to_level` on `effective`."""

    person: str
    ladder: str
    from_ladder: str
    from_level: str
    to_level: str
    effective: date
    months_in_level: int

    @property
    def step(self) -> str:
        if self.from_ladder == self.ladder:
            return f"{self.from_level} -> {self.to_level}"
        return f"{self.from_ladder}/{self.from_level} -> {self.ladder}/{self.to_level}"

    def to_dict(self) -> dict[str, object]:
        return {
            "person": self.person,
            "ladder": self.ladder,
            "step": self.step,
            "fromLadder": self.from_ladder,
            "fromLevel": self.from_level,
            "toLevel": self.to_level,
            "effective": self.effective.isoformat(),
            "monthsInLevel": self.months_in_level,
        }


# Promotions are built by the thousand: plain stores, not a frozen dataclass's __init__.
_new_promotion = fast_constructor(Promotion)
_EFFECTIVE = attrgetter("effective")


def _is_promotion(
    department: Department, old: tuple[str, str], new: tuple[str, str], reason: str | None
) -> bool:
    old_ladder, old_level = old
    new_ladder, new_level = new
    ladder = department.ladders.get(old_ladder)
    if old_ladder == new_ladder:
        if ladder is None:
            return False
        before, after = ladder.index_of(old_level), ladder.index_of(new_level)
        return before is not None and after is not None and after > before
    if ladder is not None and any(
        t.from_level == old_level and t.to_ladder == new_ladder and t.to_level == new_level
        for t in ladder.transitions
    ):
        return True
    return reason is not None and "promot" in reason.lower()


def promotions_of(person: StaffRecord, department: Department) -> tuple[Promotion, ...]:
    """Every promotion in the person's level history, oldest first."""
    entries = person.level_history
    if len(entries) < 2:
        return ()
    history = sorted(entries, key=_EFFECTIVE)
    found: list[Promotion] = []
    first = history[0]
    ladder, level, since = first.ladder, first.level, first.effective
    for entry in history[1:]:
        if entry.level == level and entry.ladder == ladder:
            continue  # the same level again (transfer, return from leave): time goes on
        if _is_promotion(department, (ladder, level), (entry.ladder, entry.level), entry.reason):
            found.append(
                _new_promotion(
                    person.id,
                    entry.ladder,
                    ladder,
                    level,
                    entry.level,
                    entry.effective,
                    whole_months(since, entry.effective),
                )
            )
        ladder, level, since = entry.ladder, entry.level, entry.effective
    return tuple(found)


def _promotions_by_person(
    department: Department,
) -> tuple[tuple[StaffRecord, tuple[Promotion, ...]], ...]:
    """Everyone's promotions; computed once per report (the figure and the goals ask)."""
    shared = _shared(department)
    if shared is not None and shared.promotions is not None:
        return shared.promotions
    found = tuple((p, promotions_of(p, department)) for p in department.staff.values())
    if shared is not None:
        shared.promotions = found
    return found


def _promotion_in_scope(promotion: Promotion, person: StaffRecord, scope: Scope) -> bool:
    return (
        (scope.ladder is None or promotion.ladder == scope.ladder)
        and (scope.level is None or promotion.from_level == scope.level)
        and (scope.site is None or person.site == scope.site)
    )


@dataclass(frozen=True, slots=True)
class StepCount:
    """Promotions on one ladder step in one calendar year of the period."""

    ladder: str
    step: str
    year: int
    count: int

    def to_dict(self) -> dict[str, object]:
        return {"ladder": self.ladder, "step": self.step, "year": self.year, "count": self.count}


@dataclass(frozen=True, slots=True)
class StepSummary:
    """All promotions on one ladder step in the period, and the median months in level."""

    ladder: str
    step: str
    count: int
    median_months: float | None

    def to_dict(self) -> dict[str, object]:
        return {
            "ladder": self.ladder,
            "step": self.step,
            "count": self.count,
            "medianMonthsInLevel": self.median_months,
        }


@dataclass(frozen=True, slots=True)
class AdvancementFigure:
    """Promotions in the period per ladder step and year, and the time in level before them."""

    period: Period
    scope: Scope
    promotions: tuple[Promotion, ...]
    by_step_year: tuple[StepCount, ...]
    by_step: tuple[StepSummary, ...]
    median_months: float | None
    # Every recorded year up to as-of (scope applied, period not): the trend chart.
    by_year: tuple[tuple[int, int], ...]

    @property
    def total(self) -> int:
        return len(self.promotions)

    def to_dict(self) -> dict[str, object]:
        return {
            "period": self.period.to_dict(),
            "scope": self.scope.to_dict(),
            "total": self.total,
            "medianMonthsInLevel": self.median_months,
            "byStep": [s.to_dict() for s in self.by_step],
            "byStepAndYear": [s.to_dict() for s in self.by_step_year],
            "byYear": [{"year": y, "count": n} for y, n in self.by_year],
            "promotions": [p.to_dict() for p in self.promotions],
        }


def advancement(
    department: Department, *, start: date, end: date, as_of: date, scope: Scope = Scope()
) -> AdvancementFigure:
    """Promotions from level history: per ladder step per year, and median months in level."""
    period = Period(start, end)
    in_period: list[Promotion] = []
    years: Counter[int] = Counter()
    for person, found in _promotions_by_person(department):
        for promotion in found:
            if promotion.effective > as_of or not _promotion_in_scope(promotion, person, scope):
                continue
            years[promotion.effective.year] += 1
            if period.contains(promotion.effective):
                in_period.append(promotion)
    in_period.sort(key=lambda p: (p.effective, p.person))
    step_year: Counter[tuple[str, str, int]] = Counter()
    months: dict[tuple[str, str], list[int]] = defaultdict(list)
    for p in in_period:
        step_year[(p.ladder, p.step, p.effective.year)] += 1
        months[(p.ladder, p.step)].append(p.months_in_level)
    by_year: tuple[tuple[int, int], ...] = ()
    if years:
        first, last = min(years), max(years)
        by_year = tuple((y, years.get(y, 0)) for y in range(first, last + 1))
    return AdvancementFigure(
        period=period,
        scope=scope,
        promotions=tuple(in_period),
        by_step_year=tuple(StepCount(l_, s, y, n) for (l_, s, y), n in sorted(step_year.items())),
        by_step=tuple(
            StepSummary(l_, s, len(values), _median(values))
            for (l_, s), values in sorted(months.items())
        ),
        median_months=_median([p.months_in_level for p in in_period]),
        by_year=by_year,
    )


# --- eligible since when -----------------------------------------------------------------------


def _level_run_start(person: StaffRecord) -> date:
    """The first day of the person's current stay at their current ladder and level."""
    history = sorted(person.level_history, key=lambda h: h.effective)
    start: date | None = None
    for entry in history:
        if (entry.ladder, entry.level) == (person.ladder, person.level):
            if start is None:
                start = entry.effective
        else:
            start = None
    return max(start or person.hire_date, person.hire_date)


def _month_edges(first: date, last: date, *, february_only: bool) -> Iterable[date]:
    """Days where calendar arithmetic clamps: month ends (or only late February/early March)."""
    day = date(first.year, 1, 1) if february_only else date(first.year, first.month, 1)
    while day <= last + timedelta(days=31):
        if february_only:
            march = date(day.year, 3, 1)
            yield from (march + timedelta(days=k) for k in range(-3, 3))
            day = date(day.year + 1, 1, 1)
        else:
            yield from (day + timedelta(days=k) for k in range(-3, 3))
            day = add_months(day, 1)


def _change_days(
    person: StaffRecord, catalog: Catalog, requirements: Criterion, floor: date, as_of: date
) -> list[date]:
    """Days in (floor, as_of] on which a record fact used by `requirements` can change.

    Between two such days only experience and time-in-level can change, and (for someone still
    employed) they only ever go from unmet to met.
    """
    days: set[date] = set()
    ids = {c.id for c in iter_criteria(requirements)}
    for waiver in person.waivers:
        if waiver.criterion in ids:
            days.add(waiver.date)
            if waiver.expires is not None:
                days.add(waiver.expires)
    for c in iter_criteria(requirements):
        if isinstance(c, CredentialCriterion):
            for cert in person.certifications:
                if cert.id in c.credentials:
                    days.add(cert.earned)
                    if cert.expires is not None:
                        days.add(cert.expires)
        elif isinstance(c, RatingCriterion):
            days.update(r.date for r in person.reviews)
        elif isinstance(c, AssessmentCriterion):
            months = c.valid_for_months
            if months is None:
                entry = catalog.assessment(c.assessment)
                months = None if entry is None else entry.recurrence_months
            for result in person.assessments:
                if result.id == c.assessment:
                    days.add(result.date)
                    if months is not None and result.passed:
                        days.add(add_months(result.date, months))
        elif isinstance(c, AttestationCriterion):
            for att in person.attestations:
                if att.criterion == c.id:
                    days.add(att.date)
                    if c.valid_for_months is not None:
                        days.add(add_months(att.date, c.valid_for_months))
        elif isinstance(c, ActivityCriterion):
            window = None if c.within_years is None else round(c.within_years * 12)
            for acc in person.accomplishments:
                if any(tag in c.tags for tag in acc.tags):
                    days.add(acc.date)
                    if window is not None:
                        # Falls out of the window on one of these days (month ends clamp).
                        drop = add_months(acc.date, window)
                        days.update(drop + timedelta(days=k) for k in range(5))
        elif isinstance(c, ExperienceCriterion) and c.within_years is not None:
            window = round(c.within_years * 12)
            edges = [person.hire_date]
            if person.end_date is not None:
                edges.append(person.end_date + _ONE_DAY)
            for p in person.prior_experience:
                edges.extend((p.start, p.end + _ONE_DAY))
            for edge in edges:
                moved = add_months(edge, window)
                days.update(moved + timedelta(days=k) for k in range(5))
            # The window and the requirement are calendar spans: their lengths move by a day or
            # two where months clamp (only around 29 February for whole years).
            whole_years = window % 12 == 0 and round(c.years * 12) % 12 == 0
            days.update(_month_edges(floor, as_of, february_only=whole_years))
    return sorted(d for d in days if floor < d <= as_of)


def _eligible(person: StaffRecord, department: Department, day: date) -> EligibilityReport:
    return check_eligibility(person, department, as_of=day)


def _time_criteria_met(person: StaffRecord, requirements: Criterion, day: date) -> bool:
    """Whether every time-based criterion of `requirements` is surely met on `day`: time in
    level, and experience counting the current employment alone. False when in doubt (windowed
    experience, experience that needs prior employers): the caller then evaluates.

    On a day with the same record facts as a day the person is eligible (no change day between
    them), every other criterion has the status it has on that day; with the time-based ones
    met as well, so is the verdict, and no evaluation is needed.
    """
    for c in iter_criteria(requirements):
        if isinstance(c, TimeInLevelCriterion):
            # As `check_eligibility`: months since the latest entry for the current level.
            entered = [
                h.effective
                for h in person.level_history
                if h.ladder == person.ladder and h.level == person.level
            ]
            if not entered or add_months(max(entered), c.months) > day:
                return False
        elif isinstance(c, ExperienceCriterion):
            if c.within_years is not None:
                return False
            months = round(c.years * 12)
            if months <= 0:
                continue
            try:
                needed = (day - add_months(day, -months)).days  # calendar months, in days
            except ValueError:  # before year 1
                return False
            # Days employed before `day` (a lower bound of the experience counted then).
            until = day if person.end_date is None else min(day, person.end_date + _ONE_DAY)
            if (until - person.hire_date).days < needed:
                return False
    return True


def _run_start(
    person: StaffRecord,
    department: Department,
    as_of: date,
    report: EligibilityReport | EligibilitySummary,
    stop: date | None,
) -> date | None:
    """See `eligible_since`; with `stop`, None once the run is known to start on or before it."""
    floor = min(_level_run_start(person), as_of)
    target = report.target
    if target is None or target.requirements is None:
        return floor if stop is None or floor > stop else None
    starts = [floor, *_change_days(person, department.catalog, target.requirements, floor, as_of)]
    # Interval i runs from starts[i] to the day before starts[i + 1] (the last one to as_of).
    # Record facts are constant inside an interval, so eligibility there can only switch on
    # (time-based criteria becoming met): eligible at an interval's first day means eligible
    # all through it. The last interval has the facts of as_of: its first day needs no
    # evaluation when it is as_of or when the time-based criteria are met by then.
    known = report.verdict == "eligible-now" and (
        starts[-1] == as_of or _time_criteria_met(person, target.requirements, starts[-1])
    )
    i = len(starts) - 1
    while True:
        first = starts[i]
        last = as_of if i == len(starts) - 1 else starts[i + 1] - _ONE_DAY
        at_first = (
            report if known and i == len(starts) - 1 else _eligible(person, department, first)
        )
        if at_first.verdict != "eligible-now":
            on = at_first.eligible_on
            if at_first.verdict == "eligible-on" and on is not None and first < on <= last:
                found = on
            elif i < len(starts) - 1:
                found = starts[i + 1]  # not reached by time alone: from the next change day
            else:  # pragma: no cover - eligible on as_of, so time alone reaches it
                found = _first_eligible(person, department, first + _ONE_DAY, last)
            return found if stop is None or found > stop else None
        if i == 0:
            return first if stop is None or first > stop else None
        if stop is not None and first <= stop:
            return None
        i -= 1


def _first_eligible(person: StaffRecord, department: Department, low: date, high: date) -> date:
    """Binary search for the first eligible day in low..high, eligibility rising once in it."""
    while low < high:
        middle = low + timedelta(days=(high - low).days // 2)
        if _eligible(person, department, middle).verdict == "eligible-now":
            high = middle
        else:
            low = middle + _ONE_DAY
    return low


def eligible_since(
    person: StaffRecord | str,
    department: Department,
    *,
    as_of: date,
    report: EligibilityReport | None = None,
) -> date | None:
    """The first day of the unbroken run of eligibility that includes `as_of`; None if the person
    is not eligible now.

    Method (exact, not sampled): a verdict depends on the record facts dated on or before the
    day (certificates earned/expiring, reviews, assessment passes and their lapse, accomplishments
    and the day they leave an activity window, attestations and their lapse, waivers granted and
    expiring) plus experience and time in level. Listing the days on which those facts change
    for the criteria of the person's next level cuts the time since they reached their current
    level into intervals with constant facts; inside one, only experience and time in level
    move, and only from unmet to met. So the run is found by evaluating the first day of each
    interval, latest first, until one is not eligible: the run then starts on the day that
    evaluation names as "eligible on" (when it falls inside that interval) or else on the next
    interval's first day. The last interval shares the facts of `as_of`, so when time in level
    and experience are already met on its first day (`_time_criteria_met`) the person is
    eligible there without evaluating. The run never starts before the person reached their
    current level.
    Windowed experience ("N years within the last M") also changes around month ends; those
    days are listed too.
    """
    record = department.person(person) if isinstance(person, str) else person
    now = report if report is not None else _eligible(record, department, as_of)
    if now.verdict != "eligible-now":
        return None
    return _run_start(record, department, as_of, now, None)


@dataclass(frozen=True, slots=True)
class Waiting:
    """Someone eligible now and not promoted: since when, and for how long."""

    person: str
    name: str
    ladder: str
    level: str
    target: str
    manager: str | None
    since: date
    days: int

    def to_dict(self) -> dict[str, object]:
        return {
            "person": self.person,
            "name": self.name,
            "ladder": self.ladder,
            "level": self.level,
            "target": self.target,
            "manager": self.manager,
            "eligibleSince": self.since.isoformat(),
            "daysWaiting": self.days,
        }


@dataclass(frozen=True, slots=True)
class WaitingFigure:
    """People eligible for their next level now, longest wait first."""

    as_of: date
    scope: Scope
    people: tuple[Waiting, ...]
    evaluated: int  # active staff in scope below the top of their ladder

    @property
    def rate(self) -> Rate:
        return Rate(len(self.people), self.evaluated)

    @property
    def median_days(self) -> float | None:
        return _median([w.days for w in self.people])

    def to_dict(self) -> dict[str, object]:
        return {
            "asOf": self.as_of.isoformat(),
            "scope": self.scope.to_dict(),
            "eligible": self.rate.to_dict(),
            "medianDaysWaiting": self.median_days,
            "people": [w.to_dict() for w in self.people],
        }


def _staff_in_scope(department: Department, scope: Scope, day: date) -> list[StaffRecord]:
    """Active staff (`_on_staff`) on `day` that `scope` matches, by id."""
    ladder, level, site = scope.ladder, scope.level, scope.site
    return [
        p
        for p in _ordered_staff(department)
        if p.status in ACTIVE_STATUSES
        and p.hire_date <= day
        and (p.end_date is None or p.end_date >= day)
        and (ladder is None or p.ladder == ladder)
        and (level is None or p.level == level)
        and (site is None or p.site == site)
    ]


def waiting_for_promotion(
    department: Department, *, as_of: date, scope: Scope = Scope()
) -> WaitingFigure:
    """Everyone in scope eligible now (per `check_team`), with `eligible_since`."""
    return _waiting(department, _staff_in_scope(department, scope, as_of), as_of, scope)


def _waiting(
    department: Department, people: Sequence[StaffRecord], as_of: date, scope: Scope
) -> WaitingFigure:
    """`waiting_for_promotion` over `people`, the active staff in scope."""
    team = summarize_team(people, department, as_of=as_of)  # `check_team`, outcomes only
    waiting: list[Waiting] = []
    evaluated = 0
    staff = department.staff
    for report in team.people:
        verdict = report.verdict
        if verdict == "top-of-ladder":
            continue
        evaluated += 1
        if verdict != "eligible-now" or report.target is None:
            continue
        record = staff[report.person]
        since = _run_start(record, department, as_of, report, None)
        assert since is not None
        waiting.append(
            Waiting(
                person=record.id,
                name=record.name,
                ladder=record.ladder,
                level=record.level,
                target=f"{report.target.ladder}/{report.target.level}",
                manager=record.manager,
                since=since,
                days=(as_of - since).days,
            )
        )
    waiting.sort(key=lambda w: (w.since, w.person))
    return WaitingFigure(as_of=as_of, scope=scope, people=tuple(waiting), evaluated=evaluated)


# --- retention ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetentionCurve:
    """Share of a group (employed on the period's first day) still employed month by month."""

    label: str
    points: tuple[tuple[int, Rate], ...]  # (months after the period start, rate)

    def to_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "points": [{"month": m, **r.to_dict()} for m, r in self.points],
        }


@dataclass(frozen=True, slots=True)
class RetentionFigure:
    """1-year retention of new hires, and retention by mentoring and by IDP."""

    period: Period
    scope: Scope
    new_hires: Rate
    new_hires_left: tuple[str, ...]  # who left before their first anniversary
    overall: Rate
    mentored: Rate
    not_mentored: Rate
    with_idp: Rate
    without_idp: Rate
    curves: tuple[RetentionCurve, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "period": self.period.to_dict(),
            "scope": self.scope.to_dict(),
            "newHires1y": self.new_hires.to_dict(),
            "newHiresWhoLeft": list(self.new_hires_left),
            "overall": self.overall.to_dict(),
            "mentored": self.mentored.to_dict(),
            "notMentored": self.not_mentored.to_dict(),
            "withIdp": self.with_idp.to_dict(),
            "withoutIdp": self.without_idp.to_dict(),
            "curves": [c.to_dict() for c in self.curves],
        }


def _hired_onto(person: StaffRecord) -> str:
    if person.level_history:
        return min(person.level_history, key=lambda h: h.effective).ladder
    return person.ladder


def new_hire_retention(
    department: Department, *, start: date, end: date, as_of: date, scope: Scope = Scope()
) -> tuple[Rate, tuple[str, ...]]:
    """1-year retention of the hires whose first anniversary is in the period (and past)."""
    Period(start, end)  # checks the period
    first, last = start.toordinal(), min(end, as_of).toordinal()
    cohort = kept = 0
    left: list[str] = []
    if first > last:
        return Rate(0, 0), ()
    # The anniversary (hire date + 12 months) is 365 or 366 days after the hire date (29 February
    # moves to the 28th): a cheap first filter on the hire date, before the exact test.
    earliest = date.fromordinal(max(first - 366, 1))
    latest = last - 365
    if latest < 1:
        return Rate(0, 0), ()
    latest_hire = date.fromordinal(latest)
    for person in _ordered_staff(department):
        hired = person.hire_date
        if hired < earliest or hired > latest_hire:
            continue
        anniversary = add_months(hired, 12)
        if not first <= anniversary.toordinal() <= last:
            continue
        if scope.ladder is not None and _hired_onto(person) != scope.ladder:
            continue
        if (scope.level is not None and person.level != scope.level) or (
            scope.site is not None and person.site != scope.site
        ):
            continue
        cohort += 1
        if person.end_date is None or person.end_date >= anniversary:
            kept += 1
        else:
            left.append(person.id)
    return Rate(kept, cohort), tuple(left)


def _employed_from(department: Department, day: date, scope: Scope) -> list[StaffRecord]:
    """The people `scope` matches who were employed on `day` (any status), by id."""
    ladder, level, site = scope.ladder, scope.level, scope.site
    return [
        p
        for p in _ordered_staff(department)
        if p.hire_date <= day
        and (p.end_date is None or p.end_date >= day)
        and (ladder is None or p.ladder == ladder)
        and (level is None or p.level == level)
        and (site is None or p.site == site)
    ]


class _Survival:
    """How many of a group employed on some first day are still employed on a later day: those
    without an end date or with one on or after that day (`_employed_on`, the hire date being
    known to be earlier). End dates sorted once; each day is then one binary search."""

    __slots__ = ("ends", "size")

    def __init__(self, group: Sequence[StaffRecord]) -> None:
        self.size = len(group)
        self.ends = sorted([p.end_date for p in group if p.end_date is not None])

    def on(self, day: date) -> Rate:
        """Still employed on `day` (on or after the first day) out of the group."""
        return Rate(self.size - bisect_left(self.ends, day), self.size)


def retention(
    department: Department,
    plans: Sequence[DevelopmentPlan],
    agreements: Sequence[MentorshipAgreement],
    *,
    start: date,
    end: date,
    as_of: date,
    scope: Scope = Scope(),
) -> RetentionFigure:
    """New-hire 1-year retention; period retention overall, by mentoring and by IDP."""
    period = Period(start, min(end, as_of))
    new_hires, left = new_hire_retention(department, start=start, end=end, as_of=as_of, scope=scope)
    population = _employed_from(department, period.start, scope)
    mentored_ids = {a.mentee for a in agreements if period.overlaps(a.start, a.end)}
    idp_ids = {p.person for p in plans if period.overlaps(p.start, p.end)}
    mentored: list[StaffRecord] = []
    not_mentored: list[StaffRecord] = []
    for p in population:
        (mentored if p.id in mentored_ids else not_mentored).append(p)
    with_idp = [p for p in population if p.id in idp_ids]
    without_idp = [p for p in population if p.id not in idp_ids]
    # Curve points: the period's first day, then the last day of each month of the period (the
    # last point is the period's last day, where the curve meets the table's rate).
    months = whole_months(period.start, period.end + _ONE_DAY)
    step = max(1, -(-months // 24))  # at most ~25 points per curve
    marks = [*range(0, months + 1, step)]
    if marks[-1] != months:
        marks.append(months)
    if add_months(period.start, months) - _ONE_DAY < period.end:
        marks.append(months + 1)  # a part month at the end
    days = [
        min(period.start if m == 0 else add_months(period.start, m) - _ONE_DAY, period.end)
        for m in marks
    ]

    def curve(label: str, group: _Survival) -> RetentionCurve:
        return RetentionCurve(
            label, tuple((m, group.on(d)) for m, d in zip(marks, days, strict=True))
        )

    in_mentoring, outside = _Survival(mentored), _Survival(not_mentored)
    return RetentionFigure(
        period=period,
        scope=scope,
        new_hires=new_hires,
        new_hires_left=left,
        overall=_Survival(population).on(period.end),
        mentored=in_mentoring.on(period.end),
        not_mentored=outside.on(period.end),
        with_idp=_Survival(with_idp).on(period.end),
        without_idp=_Survival(without_idp).on(period.end),
        curves=(curve("mentored", in_mentoring), curve("not mentored", outside)),
    )


# --- engagement ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EngagementYear:
    """The mean engagement-survey score of one year and how many scores it averages."""

    year: int
    mean: float | None
    n: int

    def to_dict(self) -> dict[str, object]:
        return {
            "year": self.year,
            "mean": None if self.mean is None else round(self.mean, 1),
            "n": self.n,
        }


@dataclass(frozen=True, slots=True)
class EngagementFigure:
    """Engagement score per survey year, up to the end of the period."""

    scope: Scope
    years: tuple[EngagementYear, ...]

    def to_dict(self) -> dict[str, object]:
        return {"scope": self.scope.to_dict(), "years": [y.to_dict() for y in self.years]}


def engagement_trend(
    department: Department, *, start: date, end: date, as_of: date, scope: Scope = Scope()
) -> EngagementFigure:
    """Mean score and n per year, every survey year up to the period's end (a trend needs the
    years before the period too). People who have left since still count for their years."""
    del start  # the trend reaches back before the period on purpose
    last_year = min(end, as_of).year
    scores: dict[int, list[float]] = defaultdict(list)
    ladder, level, site = scope.ladder, scope.level, scope.site
    for person in _ordered_staff(department):
        entries = person.engagement
        if not entries or (
            (ladder is not None and person.ladder != ladder)
            or (level is not None and person.level != level)
            or (site is not None and person.site != site)
        ):
            continue
        for entry in entries:
            if entry.year <= last_year:
                scores[entry.year].append(entry.score)
    years = tuple(
        EngagementYear(year, statistics.fmean(values), len(values))
        for year, values in sorted(scores.items())
    )
    return EngagementFigure(scope=scope, years=years)


# --- program goals ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoalResult:
    """One program goal: baseline, target and the value the records give now."""

    program: str
    goal: ProgramGoal
    computed: bool
    current: float | None = None  # percent, count or mean score
    rate: Rate | None = None  # for percentages: the counts behind them
    n: int | None = None  # how many people or scores the value rests on
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.current is None:
            return None
        return self.current >= self.goal.target

    @property
    def current_text(self) -> str:
        if not self.computed:
            return "not computed"
        if self.rate is not None:
            return str(self.rate)
        if self.current is None:
            return "no data"
        if self.goal.unit == "score":
            return f"{self.current:.1f} (n={self.n})"
        return f"{self.current:g}"

    def to_dict(self) -> dict[str, object]:
        g = self.goal
        return {
            "program": self.program,
            "id": g.id,
            "description": g.description,
            "metric": g.metric,
            "population": g.population,
            "unit": g.unit,
            "baseline": g.baseline,
            "target": g.target,
            "deadline": _iso(g.deadline),
            "computed": self.computed,
            "current": None if self.current is None else round(self.current, 1),
            "rate": None if self.rate is None else self.rate.to_dict(),
            "n": self.n,
            "met": self.met,
            "text": self.current_text,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class GoalsFigure:
    """Every goal of every program in the repo."""

    period: Period
    goals: tuple[GoalResult, ...]

    def to_dict(self) -> dict[str, object]:
        return {"period": self.period.to_dict(), "goals": [g.to_dict() for g in self.goals]}


def _population_scope(department: Department, population: str | None) -> tuple[Scope, str]:
    """A goal's population as a scope: a ladder id, a level id or a site name."""
    if population is None:
        return Scope(), ""
    if population in department.ladders:
        return Scope(ladder=population), ""
    if any(lad.index_of(population) is not None for lad in department.ladders.values()):
        return Scope(level=population), ""
    if population in {p.site for p in department.staff.values()}:
        return Scope(site=population), ""
    return Scope(), f"population '{population}' is not a ladder, level or site: all staff counted"


def program_goals(
    records: Records,
    *,
    start: date,
    end: date,
    as_of: date,
    scope: Scope = Scope(),
) -> GoalsFigure:
    """Each goal with its current value: new-hire-retention-1y and retention as rates over the
    period, promotions as the count in the period, engagement as the mean score of the latest
    survey year up to the period's end; other metrics are "not computed"."""
    department = records.department
    results: list[GoalResult] = []
    for program in records.programs:
        for goal in program.goals:
            if goal.metric not in COMPUTED_METRICS:
                results.append(
                    GoalResult(
                        program.id,
                        goal,
                        computed=False,
                        note=f"'{goal.metric}' is not computed from the records",
                    )
                )
                continue
            population, note = _population_scope(department, goal.population)
            merged = scope.narrowed(population)
            results.append(
                _goal_value(records, program, goal, merged, note, start=start, end=end, as_of=as_of)
            )
    return GoalsFigure(period=Period(start, end), goals=tuple(results))


def _goal_value(
    records: Records,
    program: Program,
    goal: ProgramGoal,
    scope: Scope | None,
    note: str,
    *,
    start: date,
    end: date,
    as_of: date,
) -> GoalResult:
    department = records.department
    if scope is None:  # the report's filters exclude the goal's population
        empty = Rate(0, 0)
        rate = empty if goal.metric in ("new-hire-retention-1y", "retention") else None
        count = 0 if goal.metric == "promotions" else None
        return GoalResult(
            program.id,
            goal,
            computed=True,
            current=None if count is None else float(count),
            rate=rate,
            n=0,
            note="the report's filters leave out this goal's population",
        )
    if goal.metric == "new-hire-retention-1y":
        rate, _ = new_hire_retention(department, start=start, end=end, as_of=as_of, scope=scope)
        return GoalResult(program.id, goal, True, rate.percent, rate, rate.denominator, note)
    if goal.metric == "retention":
        # `retention(...).overall`, without the groups and curves.
        period = Period(start, min(end, as_of))
        rate = _Survival(_employed_from(department, period.start, scope)).on(period.end)
        return GoalResult(program.id, goal, True, rate.percent, rate, rate.denominator, note)
    if goal.metric == "promotions":
        # `advancement(...).total`, without the breakdowns.
        period = Period(start, end)
        total = sum(
            1
            for person, found in _promotions_by_person(department)
            for promotion in found
            if promotion.effective <= as_of
            and period.contains(promotion.effective)
            and _promotion_in_scope(promotion, person, scope)
        )
        return GoalResult(program.id, goal, True, float(total), None, total, note)
    trend = engagement_trend(department, start=start, end=end, as_of=as_of, scope=scope)
    if not trend.years:
        return GoalResult(program.id, goal, True, None, None, 0, note or "no survey scores")
    latest = trend.years[-1]
    year_note = f"survey year {latest.year}" + (f"; {note}" if note else "")
    return GoalResult(program.id, goal, True, latest.mean, None, latest.n, year_note)


# --- development --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OverdueReview:
    """A current IDP whose quarterly review is due on or before as-of."""

    plan: str
    person: str
    manager: str | None
    last_review: date | None
    due: date
    days_overdue: int

    def to_dict(self) -> dict[str, object]:
        return {
            "plan": self.plan,
            "person": self.person,
            "manager": self.manager,
            "lastReview": _iso(self.last_review),
            "due": self.due.isoformat(),
            "daysOverdue": self.days_overdue,
        }


@dataclass(frozen=True, slots=True)
class PastDueObjective:
    """A SMART objective past its due date and neither done nor dropped."""

    plan: str
    person: str
    manager: str | None
    objective: str
    description: str
    due: date
    status: str
    days_overdue: int

    def to_dict(self) -> dict[str, object]:
        return {
            "plan": self.plan,
            "person": self.person,
            "manager": self.manager,
            "objective": self.objective,
            "description": self.description,
            "due": self.due.isoformat(),
            "status": self.status,
            "daysOverdue": self.days_overdue,
        }


@dataclass(frozen=True, slots=True)
class OverdueCheckIn:
    """An active mentoring pair whose committee check-in is due on or before as-of."""

    agreement: str
    mentor: str
    mentee: str
    manager: str | None
    last_check_in: date | None
    due: date
    days_overdue: int

    def to_dict(self) -> dict[str, object]:
        return {
            "agreement": self.agreement,
            "mentor": self.mentor,
            "mentee": self.mentee,
            "manager": self.manager,
            "lastCheckIn": _iso(self.last_check_in),
            "due": self.due.isoformat(),
            "daysOverdue": self.days_overdue,
        }


@dataclass(frozen=True, slots=True)
class DevelopmentFigure:
    """IDP coverage and follow-up, and mentoring pairs' check-ins."""

    as_of: date
    scope: Scope
    idp_share: Rate
    current_plans: int
    overdue_reviews: tuple[OverdueReview, ...]
    past_due: tuple[PastDueObjective, ...]
    objectives_open: int  # objectives of the plans looked at, not done or dropped
    active_agreements: int
    overdue_check_ins: tuple[OverdueCheckIn, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "asOf": self.as_of.isoformat(),
            "scope": self.scope.to_dict(),
            "idpShare": self.idp_share.to_dict(),
            "currentPlans": self.current_plans,
            "overdueReviews": {
                "rate": Rate(len(self.overdue_reviews), self.current_plans).to_dict(),
                "plans": [r.to_dict() for r in self.overdue_reviews],
            },
            "pastDueObjectives": {
                "rate": Rate(len(self.past_due), self.objectives_open).to_dict(),
                "objectives": [o.to_dict() for o in self.past_due],
            },
            "overdueCheckIns": {
                "rate": Rate(len(self.overdue_check_ins), self.active_agreements).to_dict(),
                "agreements": [c.to_dict() for c in self.overdue_check_ins],
            },
        }


def _check_in_months(programs: Iterable[Program]) -> dict[str, int]:
    return {p.id: p.check_in_months for p in programs}


def development(
    department: Department,
    plans: Sequence[DevelopmentPlan],
    agreements: Sequence[MentorshipAgreement],
    programs: Sequence[Program] = (),
    *,
    start: date,
    end: date,
    as_of: date,
    scope: Scope = Scope(),
) -> DevelopmentFigure:
    """IDP share, overdue IDP reviews, past-due objectives and overdue check-ins."""
    people = _staff_in_scope(department, scope, as_of)
    return _development(people, plans, agreements, programs, Period(start, end), as_of, scope)


def _development(
    people: Sequence[StaffRecord],
    plans: Sequence[DevelopmentPlan],
    agreements: Sequence[MentorshipAgreement],
    programs: Sequence[Program],
    period: Period,
    as_of: date,
    scope: Scope,
) -> DevelopmentFigure:
    """`development` over `people`, the active staff in scope."""
    staff = {p.id: p for p in people}
    current = [p for p in plans if p.person in staff and p.current_on(as_of)]
    covered = {p.person for p in current}
    overdue: list[OverdueReview] = []
    for plan in current:
        due = plan.review_due(as_of)
        if due <= as_of:
            overdue.append(
                OverdueReview(
                    plan.id,
                    plan.person,
                    staff[plan.person].manager or plan.manager,
                    plan.last_review(as_of),
                    due,
                    (as_of - due).days,
                )
            )
    past_due: list[PastDueObjective] = []
    open_objectives = 0
    for plan in plans:
        if plan.person not in staff or not period.overlaps(plan.start, plan.end):
            continue
        for objective in plan.objectives:
            if objective.status in _DONE_OBJECTIVES:
                continue
            open_objectives += 1
            if objective.due < as_of:
                past_due.append(
                    PastDueObjective(
                        plan.id,
                        plan.person,
                        staff[plan.person].manager or plan.manager,
                        objective.id,
                        objective.description,
                        objective.due,
                        objective.status,
                        (as_of - objective.due).days,
                    )
                )
    cadence = _check_in_months(programs)
    active = [a for a in agreements if a.active_on(as_of) and a.mentee in staff]
    late: list[OverdueCheckIn] = []
    for agreement in active:
        due = agreement.check_in_due(as_of, cadence.get(agreement.program, DEFAULT_CHECK_IN_MONTHS))
        if due <= as_of:
            late.append(
                OverdueCheckIn(
                    agreement.id,
                    agreement.mentor,
                    agreement.mentee,
                    staff[agreement.mentee].manager,
                    agreement.last_check_in(as_of),
                    due,
                    (as_of - due).days,
                )
            )
    return DevelopmentFigure(
        as_of=as_of,
        scope=scope,
        idp_share=Rate(len(covered), len(staff)),
        current_plans=len(current),
        overdue_reviews=tuple(sorted(overdue, key=lambda r: (r.due, r.plan))),
        past_due=tuple(sorted(past_due, key=lambda o: (o.due, o.plan, o.objective))),
        objectives_open=open_objectives,
        active_agreements=len(active),
        overdue_check_ins=tuple(sorted(late, key=lambda c: (c.due, c.agreement))),
    )


# --- credentials --------------------------------------------------------------------------------

Bucket = Literal["expired", "30", "60", "90"]
BUCKETS: tuple[Bucket, ...] = ("expired", "30", "60", "90")


@dataclass(frozen=True, slots=True)
class CredentialLine:
    """One credential of a person: when it expires and in which column it falls."""

    id: str
    title: str
    expires: date
    days: int  # expires - as_of (0 or less: expired)
    bucket: Bucket

    @property
    def text(self) -> str:
        if self.days <= 0:
            return f"{self.title} expired {self.expires.isoformat()}"
        return f"{self.title} {self.expires.isoformat()} ({self.days} d)"

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "expires": self.expires.isoformat(),
            "days": self.days,
            "bucket": self.bucket,
        }


@dataclass(frozen=True, slots=True)
class PersonCredentials:
    """Everything one person must renew soon, on one line."""

    person: str
    name: str
    credentials: tuple[CredentialLine, ...]  # soonest first

    @property
    def bucket(self) -> Bucket:
        """The most urgent column among the person's credentials."""
        return min((c.bucket for c in self.credentials), key=BUCKETS.index)

    @property
    def text(self) -> str:
        return "; ".join(c.text for c in self.credentials)

    def to_dict(self) -> dict[str, object]:
        return {
            "person": self.person,
            "name": self.name,
            "bucket": self.bucket,
            "credentials": [c.to_dict() for c in self.credentials],
        }


@dataclass(frozen=True, slots=True)
class ManagerGroup:
    """The people of one manager with credentials to renew."""

    manager: str | None
    manager_name: str
    people: tuple[PersonCredentials, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "manager": self.manager,
            "managerName": self.manager_name,
            "people": [p.to_dict() for p in self.people],
        }


@dataclass(frozen=True, slots=True)
class CredentialsFigure:
    """Expired and expiring credentials, one line per person, by manager."""

    as_of: date
    scope: Scope
    groups: tuple[ManagerGroup, ...]
    staff: int  # active staff in scope
    people_by_bucket: Mapping[str, int]  # people by their most urgent column
    certificates_by_bucket: Mapping[str, int]
    by_month: tuple[tuple[str, int], ...]  # "expired" then YYYY-MM for the next 12 months

    def to_dict(self) -> dict[str, object]:
        return {
            "asOf": self.as_of.isoformat(),
            "scope": self.scope.to_dict(),
            "staff": self.staff,
            "peopleByBucket": {b: self.people_by_bucket.get(b, 0) for b in BUCKETS},
            "certificatesByBucket": {b: self.certificates_by_bucket.get(b, 0) for b in BUCKETS},
            "byMonth": [{"month": m, "count": n} for m, n in self.by_month],
            "groups": [g.to_dict() for g in self.groups],
        }


def _latest_credentials(person: StaffRecord, as_of: date) -> list[tuple[str, date]]:
    """(credential id, expiry) of each credential's record that no later record replaces."""
    best: dict[str, date | None] = {}
    for cert in person.certifications:
        if cert.earned > as_of:
            continue
        if cert.id not in best:
            best[cert.id] = cert.expires
            continue
        known = best[cert.id]
        if known is not None and (cert.expires is None or cert.expires > known):
            best[cert.id] = cert.expires
    return sorted((cid, exp) for cid, exp in best.items() if exp is not None)


def _bucket(days: int) -> Bucket | None:
    if days <= 0:
        return "expired"
    for window, bucket in zip(CREDENTIAL_WINDOWS, BUCKETS[1:], strict=True):
        if days <= window:
            return bucket
    return None


def credentials(
    department: Department, *, as_of: date, scope: Scope = Scope()
) -> CredentialsFigure:
    """Credentials of active staff expired or expiring within 30/60/90 days, by manager."""
    return _credentials(department, _staff_in_scope(department, scope, as_of), as_of, scope)


def _credentials(
    department: Department, staff: Sequence[StaffRecord], as_of: date, scope: Scope
) -> CredentialsFigure:
    """`credentials` over `staff`, the active staff in scope."""
    catalog = department.catalog
    titles: dict[str, str] = {}
    by_manager: dict[str | None, list[PersonCredentials]] = defaultdict(list)
    people_count: Counter[str] = Counter()
    cert_count: Counter[str] = Counter()
    first_month = date(as_of.year, as_of.month, 1)
    horizon = add_months(first_month, 12)
    month_starts: list[date] = []
    month = first_month
    while month < horizon:
        month_starts.append(month)
        month = add_months(month, 1)
    labels = [m.strftime("%Y-%m") for m in month_starts]
    # Expiry counts: [expired, then one per month from as-of's month up to the horizon].
    counts = [0] * (len(labels) + 1)
    month_index = {(m.year, m.month): i for i, m in enumerate(month_starts, start=1)}
    widest = max(CREDENTIAL_WINDOWS)
    today = as_of.toordinal()
    for person in staff:
        certifications = person.certifications
        if not certifications:
            continue
        # The latest record of each credential, as `_latest_credentials` (order is not needed).
        best: dict[str, date | None] = {}
        for cert in certifications:
            if cert.earned > as_of:
                continue
            cid, expires = cert.id, cert.expires
            if cid not in best:
                best[cid] = expires
                continue
            known = best[cid]
            if known is not None and (expires is None or expires > known):
                best[cid] = expires
        lines: list[CredentialLine] | None = None
        for cid, expires in best.items():
            if expires is None:
                continue
            days = expires.toordinal() - today
            if days <= 0:
                counts[0] += 1
            elif expires < horizon:
                counts[month_index[expires.year, expires.month]] += 1
            if days > widest:
                continue
            bucket = _bucket(days)
            if bucket is None:
                continue
            title = titles.get(cid)
            if title is None:
                entry = catalog.credential(cid)
                title = titles[cid] = entry.title if entry else cid
            if lines is None:
                lines = []
            lines.append(CredentialLine(cid, title, expires, days, bucket))
            cert_count[bucket] += 1
        if not lines:
            continue
        lines.sort(key=lambda c: (c.expires, c.id))
        line = PersonCredentials(person.id, person.name, tuple(lines))
        people_count[line.bucket] += 1
        by_manager[person.manager].append(line)
    groups = tuple(
        ManagerGroup(
            manager,
            _name(department, manager) or "(no manager)",
            tuple(sorted(people, key=lambda p: (BUCKETS.index(p.bucket), p.person))),
        )
        for manager, people in sorted(by_manager.items(), key=lambda kv: kv[0] or "")
    )
    by_month: list[tuple[str, int]] = [("expired", counts[0])]
    by_month.extend(zip(labels, counts[1:], strict=True))
    return CredentialsFigure(
        as_of=as_of,
        scope=scope,
        groups=groups,
        staff=len(staff),
        people_by_bucket=dict(people_count),
        certificates_by_bucket=dict(cert_count),
        by_month=tuple(by_month),
    )


# --- the whole report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """Every figure for one period, scope and as-of date."""

    as_of: date
    period: Period
    scope: Scope
    advancement: AdvancementFigure
    waiting: WaitingFigure
    retention: RetentionFigure
    goals: GoalsFigure
    development: DevelopmentFigure
    credentials: CredentialsFigure
    engagement: EngagementFigure
    staff: int = 0  # active staff in scope on as-of
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        return {
            "asOf": self.as_of.isoformat(),
            "period": self.period.to_dict(),
            "scope": self.scope.to_dict(),
            "staff": self.staff,
            "advancement": self.advancement.to_dict(),
            "eligibleNotPromoted": self.waiting.to_dict(),
            "retention": self.retention.to_dict(),
            "programGoals": self.goals.to_dict(),
            "development": self.development.to_dict(),
            "credentials": self.credentials.to_dict(),
            "engagement": self.engagement.to_dict(),
        }


def build_report(
    records: Records,
    *,
    start: date | None = None,
    end: date | None = None,
    as_of: date,
    scope: Scope = Scope(),
) -> Report:
    """All figures. `end` defaults to `as_of`, `start` to 12 months before `end` (plus a day)."""
    last = end or as_of
    if last > as_of:
        raise ValueError(f"the period ends ({last}) after the as-of date ({as_of})")
    period = Period(start, last) if start is not None else default_period(last)
    department = records.department
    common: dict[str, Any] = {"start": period.start, "end": period.end, "as_of": as_of}
    with _gc_paused(), _sharing(department):
        return _report(records, department, period, scope, as_of, common)


def _report(
    records: Records,
    department: Department,
    period: Period,
    scope: Scope,
    as_of: date,
    common: dict[str, Any],
) -> Report:
    staff = _staff_in_scope(department, scope, as_of)  # three figures and the head count
    return Report(
        as_of=as_of,
        period=period,
        scope=scope,
        advancement=advancement(department, scope=scope, **common),
        waiting=_waiting(department, staff, as_of, scope),
        retention=retention(department, records.plans, records.agreements, scope=scope, **common),
        goals=program_goals(records, scope=scope, **common),
        development=_development(
            staff, records.plans, records.agreements, records.programs, period, as_of, scope
        ),
        credentials=_credentials(department, staff, as_of, scope),
        engagement=engagement_trend(department, scope=scope, **common),
        staff=len(staff),
    )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cycle collector while figures are built: they hold no reference cycles, yet with
    a whole department in memory the collector keeps rescanning it (a third of the time on
    10,000 staff). The previous state is restored, also on errors."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- the manager's action list ------------------------------------------------------------------

DueKind = Literal["certification", "idp-review", "check-in", "eligible"]
DUE_KINDS: tuple[DueKind, ...] = ("certification", "idp-review", "check-in", "eligible")


@dataclass(frozen=True, slots=True)
class DueItem:
    """Something a manager should act on by `date`."""

    date: dt.date
    kind: DueKind
    person: str
    name: str
    manager: str | None
    subject: str  # what to do, one line
    detail: str = ""
    ref: str = ""  # the record it comes from (path or id)

    def status(self, as_of: dt.date) -> str:
        days = (self.date - as_of).days
        if self.kind == "eligible" and days <= 0:
            return "now" if days == 0 else f"since {-days} d"
        if days < 0:
            return f"overdue {-days} d"
        if days == 0:
            return "today"
        return f"in {days} d"

    def to_dict(self, as_of: dt.date | None = None) -> dict[str, object]:
        out: dict[str, object] = {
            "date": self.date.isoformat(),
            "kind": self.kind,
            "person": self.person,
            "name": self.name,
            "manager": self.manager,
            "subject": self.subject,
            "detail": self.detail,
            "ref": self.ref,
        }
        if as_of is not None:
            out["status"] = self.status(as_of)
        return out


@dataclass(frozen=True, slots=True)
class DueList:
    """The action list for `due_items`: soonest first."""

    as_of: date
    within_days: int
    manager: str | None
    items: tuple[DueItem, ...]

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(item.kind for item in self.items)
        return {kind: found.get(kind, 0) for kind in DUE_KINDS}

    @property
    def overdue(self) -> int:
        return sum(1 for i in self.items if i.date < self.as_of and i.kind != "eligible")

    def to_dict(self) -> dict[str, object]:
        return {
            "asOf": self.as_of.isoformat(),
            "withinDays": self.within_days,
            "until": (self.as_of + timedelta(days=self.within_days)).isoformat(),
            "manager": self.manager,
            "counts": self.counts,
            "overdue": self.overdue,
            "items": [i.to_dict(self.as_of) for i in self.items],
        }


def due_items(
    department: Department,
    plans: Sequence[DevelopmentPlan],
    agreements: Sequence[MentorshipAgreement],
    *,
    as_of: date,
    within_days: int,
    programs: Sequence[Program] = (),
    manager: str | None = None,
) -> DueList:
    """What needs doing by `as_of + within_days` (overdue items included), for active staff:

    - certification: renew a credential whose latest record expires by then (or has expired);
    - idp-review: a current IDP's quarterly review due by then;
    - check-in: an active mentoring pair's committee check-in due by then (and before the
      agreement ends);
    - eligible: someone who became eligible for their next level in the last `within_days` days
      (dated the day they became eligible), or who will be by then if nothing else changes.

    `manager` keeps the people who report to that staff id, directly or not.
    """
    if within_days < 0:
        raise ValueError("within_days must be 0 or more")
    until = as_of + timedelta(days=within_days)
    people = {
        p.id: p
        for p in _staff_in_scope(department, Scope(), as_of)
        if manager is None or manager in _manager_chain(department, p.id)
    }
    items: list[DueItem] = []
    catalog = department.catalog
    for person in people.values():
        for cid, expires in _latest_credentials(person, as_of):
            if expires > until:
                continue
            entry = catalog.credential(cid)
            title = entry.title if entry else cid
            verb = "expired" if expires <= as_of else "expires"
            items.append(
                DueItem(
                    expires,
                    "certification",
                    person.id,
                    person.name,
                    person.manager,
                    f"renew {title}",
                    f"{cid} {verb} on {expires.isoformat()}",
                    person.source.document.path,
                )
            )
    for plan in plans:
        planned = people.get(plan.person)
        if planned is None or not plan.current_on(as_of):
            continue
        due = plan.review_due(as_of)
        if due <= until and due <= plan.end:
            last = plan.last_review(as_of)
            since = f"last review {last.isoformat()}" if last else f"no review since {plan.start}"
            items.append(
                DueItem(
                    due,
                    "idp-review",
                    planned.id,
                    planned.name,
                    planned.manager or plan.manager,
                    f"quarterly IDP review ({plan.id})",
                    since,
                    plan.path,
                )
            )
    cadence = _check_in_months(programs)
    for agreement in agreements:
        mentee = people.get(agreement.mentee)
        if mentee is None or not agreement.active_on(as_of):
            continue
        due = agreement.check_in_due(as_of, cadence.get(agreement.program, DEFAULT_CHECK_IN_MONTHS))
        if due <= until and (agreement.end is None or due <= agreement.end):
            last = agreement.last_check_in(as_of)
            since = f"last check-in {last.isoformat()}" if last else "no check-in yet"
            items.append(
                DueItem(
                    due,
                    "check-in",
                    mentee.id,
                    mentee.name,
                    mentee.manager,
                    f"mentoring check-in: {agreement.mentor} -> {agreement.mentee}",
                    since,
                    agreement.path,
                )
            )
    with _gc_paused():
        items.extend(_eligibility_items(department, people, as_of, within_days))
    items.sort(key=lambda i: (i.date, DUE_KINDS.index(i.kind), i.person, i.subject))
    return DueList(as_of=as_of, within_days=within_days, manager=manager, items=tuple(items))


def _eligibility_items(
    department: Department, people: Mapping[str, StaffRecord], as_of: date, within_days: int
) -> list[DueItem]:
    items: list[DueItem] = []
    until = as_of + timedelta(days=within_days)
    cutoff = as_of - timedelta(days=within_days)
    team = summarize_team([people[k] for k in sorted(people)], department, as_of=as_of)
    for report in team.people:
        target = report.target
        if target is None:
            continue
        person = people[report.person]
        step = f"{target.ladder}/{target.level}"
        if report.verdict == "eligible-now":
            # Newly eligible: the run started after the cutoff (stop the walk there).
            since = _run_start(person, department, as_of, report, cutoff - _ONE_DAY)
            if since is None:
                continue
            items.append(
                DueItem(
                    since,
                    "eligible",
                    person.id,
                    person.name,
                    person.manager,
                    f"eligible for {step}: discuss the promotion",
                    f"eligible since {since.isoformat()}, not promoted",
                    person.source.document.path,
                )
            )
        elif (
            report.verdict == "eligible-on"
            and report.eligible_on is not None
            and report.eligible_on <= until
        ):
            # Lapses before that day matter here; expiries alone are listed as renewals.
            lapses = [w for w in report.warnings if w.startswith("eligible on")]
            detail = "; ".join(lapses) or f"eligible on {report.eligible_on.isoformat()}"
            items.append(
                DueItem(
                    report.eligible_on,
                    "eligible",
                    person.id,
                    person.name,
                    person.manager,
                    f"eligible for {step} if nothing else changes",
                    detail,
                    person.source.document.path,
                )
            )
    return items
