"""Propose mentor-mentee pairs: explained scores, hard rules, and a provably optimal matching.

Pure functions on the typed records of `ladderctl.mentorship`; nothing here reads files or prints.

Scoring
    A pair's score is the sum over the program's weights of `weight x value`, each value in [0, 1]
    with a reason in plain words (see `score_pair`):

    goalAlignment     the mean, over the mentee's goals, of how well the mentor embodies each goal.
                      A role goal: 1 if it is the mentor's position (the text before a comma
                      counts too: "Clinical Pharmacy Coordinator, Oncology"), 0.5 if the role is
                      listed among the `roles` of the mentor's current ladder level, 0.25 if one
                      of the mentor's expertise tags is part of the role's name ("inventory" in
                      Inventory/Procurement Specialist), else 0. A ladder-level goal: 1 if the
                      mentor holds that level, 0.75 if the mentor is above it on that ladder,
                      0.25 if below it on that ladder, else 0.
    developmentAreas  the share of the mentee's development areas found in the mentor's
                      expertise or strengths.
    communication     0.5 if they share a way to meet (in person, video, phone, chat), plus 0.5
                      for the same meeting frequency or 0.25 for the next one (weekly, biweekly,
                      monthly, quarterly); a profile without a frequency uses the program's.
    availability      0.5 for a shared site they can meet at, plus 0.5 for a shared shift (a
                      profile without availability uses the staff record's site and shift).
    site, shift       1 when the staff records name the same site (shift).
    experienceGap     0.5 when the mentor is one step ahead of the mentee on the career path,
                      1 when two or more steps ahead.

    The career path is the graph of ladder levels: one step up a ladder, or one ladder
    transition (e.g. Technician IV -> New Manager). To compare totals exactly, every term's
    contribution is rounded to a whole number of *units*, a millionth of the largest possible
    score (the sum of the weights); totals and the optimality proof are exact integer sums.

Hard rules (a pair that breaks one is never proposed; the first broken rule is the one shown)
    same-person, manager (the mentee's own manager, unless `excludeManager: false`),
    management-chain (anyone above the mentee's manager, with `excludeManagementChain`),
    exclusion (either profile), blocked (program blocks, committee rejects and blocks),
    past-pair (`newPairsOnly` and listed in `pastPairs`), not-senior (with
    `requireSeniority`: the mentor must be at least one step ahead of the mentee on the career
    path, or already hold a role the mentee names as a goal; a director is therefore not
    "senior" to a billing analyst unless a ladder transition leads there: add the transition
    if that career move exists), mentor-full (capacity 0, or every place locked) and
    below-minimum (`minimumScore`). Locks may score below the minimum (the schema says "pairs
    scoring below this are not proposed": a lock is the committee's choice, not a proposal),
    but break no other rule.

Solving
    Maximise the total score (strategy "score"), or first the number of matched mentees and
    then the score ("participation": every possible pair is worth M more than any total of
    scores). Mentors are expanded into one column per free place and the assignment is solved
    with scipy's LAPJVsp (`min_weight_full_bipartite_matching`) on each mentee's best
    candidates, plus an "unmatched" column per mentee. Dual prices are then computed from the
    solution (shortest paths in the residual graph) and *every* other feasible pair is
    checked: a pair whose reduced cost is negative joins the candidates and the problem is
    solved again, until none is left. The final primal total equals the dual bound, which
    proves the matching optimal over all pairs, not only the candidates.

Ties
    Among all optimal matchings, ladderctl takes the one with the highest sum of the pairs'
    tie-break numbers: a fixed 64-bit hash of the two staff ids (BLAKE2b), cut to a few bits.
    It is found exactly by a second solve restricted to the pairs that the dual prices show
    can be part of an optimal matching, with bonuses that keep every optimal-only condition.
    The result depends on the data and ids only, never on file order, dict order or the
    solver's internals. The greedy baseline takes pairs by score, then mentee id, then mentor id.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from ladderctl.diagnostics import Diagnostic
from ladderctl.loading import Location
from ladderctl.mentorship import (
    FREQUENCIES,
    MODES,
    SHIFTS,
    Decisions,
    Goal,
    LadderFacts,
    MatchingError,
    MentorshipProfile,
    MentorshipProgram,
    StaffFacts,
    paused_gc,
)

Strategy = Literal["score", "participation"]
STRATEGIES: tuple[str, ...] = ("score", "participation")
UNITS_PER_MAX_SCORE = 1_000_000
# Hard rules, highest priority first; a pair's reported rule is the first one it breaks.
RULES: tuple[str, ...] = (
    "same-person",
    "manager",
    "management-chain",
    "exclusion",
    "blocked",
    "past-pair",
    "not-senior",
    "mentor-full",
    "below-minimum",
)
_CODE = {rule: index + 1 for index, rule in enumerate(RULES)}
# Each mentee starts with this many candidate mentors; the dual check adds more when needed.
CANDIDATES_PER_MENTEE = 20
# The tie-break solve takes every pair of reduced cost 0 at once below this many per mentee.
TIGHT_PER_MENTEE = 64
# At most this many missing pairs per mentee are added in one round of the dual check.
ADDED_PER_ROUND = 32
# Rows scored at a time: bounds the temporary arrays to a few tens of megabytes.
_CHUNK = 1024
# Threads for the scoring pass (numpy releases the GIL there); blocks are independent.
_THREADS = 4
# How many best mentors by score (any rule) each mentee keeps for the report's alternatives.
_BEST_ANY = 4
# float64 holds whole numbers exactly up to 2**53; keep every sum well below it.
_EXACT = 2**52


# --------------------------------------------------------------------------------------------
# Result objects
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """One named part of a pair's score: weight x value, and why."""

    name: str
    weight: float
    value: float
    units: int
    reason: str

    @property
    def contribution(self) -> float:
        return self.weight * self.value

    def to_dict(self) -> dict[str, object]:
        return {
            "term": self.name,
            "weight": _num(self.weight),
            "value": _num(self.value),
            "contribution": _num(self.contribution),
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Score:
    """A pair's score: its terms (goal alignment first) and their exact sum in units."""

    mentee: str
    mentor: str
    terms: tuple[Term, ...]
    units: int
    units_per_point: float
    goal_aligned: bool

    @property
    def total(self) -> float:
        return self.units / self.units_per_point

    def why(self) -> str:
        """The reasons of the terms that count, biggest first: the table's 'why' column."""
        counted = sorted(
            (t for t in self.terms if t.units > 0), key=lambda t: (-t.units, TERMS_ORDER[t.name])
        )
        return "; ".join(t.reason for t in counted) or "no term scores"

    def to_dict(self) -> dict[str, object]:
        return {
            "score": _num(self.total),
            "goalAligned": self.goal_aligned,
            "terms": [t.to_dict() for t in self.terms],
        }


@dataclass(frozen=True, slots=True)
class Violation:
    """A hard rule a pair breaks."""

    rule: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Alternative:
    """A mentor the mentee did not get, and why."""

    mentor: str
    name: str
    score: float
    rule: str  # a hard rule, or lower-score, mentor-full, tie
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {
            "mentor": self.mentor,
            "name": self.name,
            "score": _num(self.score),
            "rule": self.rule,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ProposedPair:
    """A pair in the proposal: locked by the program or the committee, or chosen by the solve.

    The explanation (`score`) and the `alternatives` are worked out when first read: a report
    of ten thousand pairs is cheap until it is shown.
    """

    mentee: str
    mentee_name: str
    mentor: str
    mentor_name: str
    units: int
    units_per_point: float
    goal_aligned: bool
    source: Literal["proposed", "locked"]
    lock: str  # where the lock comes from ("" for proposed pairs)
    explain: Callable[[], Score] = field(repr=False, compare=False)
    find_alternatives: Callable[[], tuple[Alternative, ...]] = field(repr=False, compare=False)

    @property
    def total(self) -> float:
        return self.units / self.units_per_point

    @functools.cached_property
    def score(self) -> Score:
        return self.explain()

    @functools.cached_property
    def alternatives(self) -> tuple[Alternative, ...]:
        return self.find_alternatives()

    def to_dict(self) -> dict[str, object]:
        return {
            "mentee": self.mentee,
            "menteeName": self.mentee_name,
            "mentor": self.mentor,
            "mentorName": self.mentor_name,
            "source": self.source,
            "lock": self.lock,
            **self.score.to_dict(),
            "why": self.score.why(),
            "alternatives": [a.to_dict() for a in self.alternatives],
        }


@dataclass(frozen=True)
class Unmatched:
    """A mentee without a mentor, and why (worked out when first read)."""

    mentee: str
    name: str
    explain: Callable[[], str] = field(repr=False, compare=False)
    find_alternatives: Callable[[], tuple[Alternative, ...]] = field(repr=False, compare=False)

    @functools.cached_property
    def reason(self) -> str:
        return self.explain()

    @functools.cached_property
    def alternatives(self) -> tuple[Alternative, ...]:
        return self.find_alternatives()

    def to_dict(self) -> dict[str, object]:
        return {
            "mentee": self.mentee,
            "name": self.name,
            "reason": self.reason,
            "alternatives": [a.to_dict() for a in self.alternatives],
        }


@dataclass(frozen=True, slots=True)
class MentorLoad:
    """A mentor's capacity and the mentees proposed to them."""

    mentor: str
    name: str
    capacity: int
    locked: int
    mentees: tuple[str, ...]

    @property
    def load(self) -> int:
        return len(self.mentees)

    def to_dict(self) -> dict[str, object]:
        return {
            "mentor": self.mentor,
            "name": self.name,
            "capacity": self.capacity,
            "load": self.load,
            "locked": self.locked,
            "mentees": list(self.mentees),
        }


@dataclass(frozen=True, slots=True)
class Baseline:
    """The greedy assignment (best remaining pair first) the optimum is compared with."""

    total: float
    pairs: int
    goal_aligned: int

    def to_dict(self) -> dict[str, object]:
        return {"score": _num(self.total), "pairs": self.pairs, "goalAligned": self.goal_aligned}


@dataclass(frozen=True, slots=True)
class Proof:
    """The certificate of optimality: a primal total equal to a dual bound over all pairs."""

    optimal: bool
    primal_units: int
    dual_units: int
    rounds: int
    candidate_pairs: int
    checked_pairs: int
    units_per_point: float
    participation_bonus: int

    def to_dict(self) -> dict[str, object]:
        return {
            "optimal": self.optimal,
            "primalUnits": self.primal_units,
            "dualUnits": self.dual_units,
            "rounds": self.rounds,
            "candidatePairs": self.candidate_pairs,
            "checkedPairs": self.checked_pairs,
            "unitsPerPoint": _num(self.units_per_point),
            "participationBonus": self.participation_bonus,
        }


@dataclass(frozen=True, slots=True)
class Change:
    """How a mentee's pair differs from the proposal in the decisions file."""

    mentee: str
    before: str | None
    after: str | None
    note: str

    def to_dict(self) -> dict[str, object]:
        return {
            "mentee": self.mentee,
            "before": self.before,
            "after": self.after,
            "note": self.note,
        }


@dataclass(frozen=True)
class MatchReport:
    """The outcome of `propose_matches`: pairs, loads, the unmatched, the baseline and the proof."""

    program: str
    strategy: str
    pairs: tuple[ProposedPair, ...]
    unmatched: tuple[Unmatched, ...]
    mentors: tuple[MentorLoad, ...]
    greedy: Baseline
    proof: Proof
    changes: tuple[Change, ...] = ()
    warnings: tuple[str, ...] = ()
    decisions: Decisions | None = field(default=None, repr=False)

    @property
    def total(self) -> float:
        return sum(p.units for p in self.pairs) / self.proof.units_per_point

    @property
    def goal_aligned(self) -> int:
        return sum(1 for p in self.pairs if p.goal_aligned)

    @property
    def gap(self) -> float:
        """How much more the optimum scores than the greedy assignment."""
        return self.total - self.greedy.total

    def to_dict(self) -> dict[str, object]:
        with paused_gc():
            return self._to_dict()

    def _to_dict(self) -> dict[str, object]:
        greedy = self.greedy.total
        return {
            "program": self.program,
            "strategy": self.strategy,
            "summary": {
                "pairs": len(self.pairs),
                "locked": sum(1 for p in self.pairs if p.source == "locked"),
                "unmatched": len(self.unmatched),
                "mentees": len(self.pairs) + len(self.unmatched),
                "mentors": len(self.mentors),
                "capacity": sum(m.capacity for m in self.mentors),
                "score": _num(self.total),
                "goalAligned": self.goal_aligned,
                "greedy": self.greedy.to_dict(),
                "gapToGreedy": _num(self.gap),
                "gapToGreedyPercent": _num(100 * self.gap / greedy) if greedy else 0.0,
            },
            "proof": self.proof.to_dict(),
            "pairs": [p.to_dict() for p in self.pairs],
            "unmatched": [u.to_dict() for u in self.unmatched],
            "mentors": [m.to_dict() for m in self.mentors],
            "changes": [c.to_dict() for c in self.changes],
            "warnings": list(self.warnings),
        }


TERMS_ORDER = {
    name: index
    for index, name in enumerate(
        (
            "goalAlignment",
            "developmentAreas",
            "communication",
            "availability",
            "site",
            "shift",
            "experienceGap",
        )
    )
}


def _num(value: float) -> float:
    """Numbers as reports show them: 4 decimals, and no '-0.0'."""
    rounded = round(value, 4)
    return 0.0 if rounded == 0 else rounded


# --------------------------------------------------------------------------------------------
# Career paths
# --------------------------------------------------------------------------------------------


class CareerPaths:
    """Steps between ladder levels: one level up a ladder, or one transition to another ladder.

    Levels the ladders do not list (staff facts built by hand, say) get a node too; on a ladder
    that is not given, their `level_index` orders them.
    """

    def __init__(
        self, ladders: Mapping[str, LadderFacts], staff: Iterable[StaffFacts] = ()
    ) -> None:
        from scipy.sparse import csr_array  # type: ignore[import-untyped]  # no stubs
        from scipy.sparse.csgraph import shortest_path  # type: ignore[import-untyped]

        self.ladders = ladders
        self._roles: dict[tuple[str, str], frozenset[str]] = {}
        self._titles: dict[tuple[str, str], str] = {}
        self.nodes: dict[tuple[str, str], int] = {}
        edges: list[tuple[int, int, int]] = []
        for ladder_id in sorted(ladders):
            levels = ladders[ladder_id].levels
            for level in levels:
                self.nodes.setdefault((ladder_id, level.id), len(self.nodes))
            for lower, upper in itertools.pairwise(levels):
                edges.append(
                    (self.nodes[(ladder_id, lower.id)], self.nodes[(ladder_id, upper.id)], 1)
                )
        for ladder_id in sorted(ladders):
            for start, to_ladder, to_level in ladders[ladder_id].transitions:
                a, b = self.nodes.get((ladder_id, start)), self.nodes.get((to_ladder, to_level))
                if a is not None and b is not None:
                    edges.append((a, b, 1))
        others: dict[str, dict[str, int | None]] = {}
        for person in sorted(staff, key=lambda s: s.id):
            key = (person.ladder, person.level)
            if key not in self.nodes:
                self.nodes[key] = len(self.nodes)
                if person.ladder not in ladders:
                    others.setdefault(person.ladder, {})[person.level] = person.level_index
        for ladder_id, levels_of in sorted(others.items()):
            ranked = sorted((i, lv) for lv, i in levels_of.items() if i is not None)
            for (i, low), (j, high) in itertools.pairwise(ranked):
                if j > i:
                    edges.append(
                        (self.nodes[(ladder_id, low)], self.nodes[(ladder_id, high)], j - i)
                    )
        count = len(self.nodes)
        # The last row and column stand for "unknown level": nothing leads to or from it.
        self.steps = np.full((count + 1, count + 1), -1, dtype=np.int32)
        if count:
            graph = csr_array(
                (
                    np.array([w for _, _, w in edges], dtype=np.float64),
                    (
                        np.array([a for a, _, _ in edges], dtype=np.int64),
                        np.array([b for _, b, _ in edges], dtype=np.int64),
                    ),
                ),
                shape=(count, count),
            )
            distance = shortest_path(graph, method="D", directed=True, unweighted=False)
            known = np.isfinite(distance)
            self.steps[:count, :count] = np.where(known, distance, -1).astype(np.int32)
        self.unknown = count

    def node(self, ladder: str, level: str) -> int:
        return self.nodes.get((ladder, level), self.unknown)

    def between(self, start: StaffFacts, end: StaffFacts) -> int | None:
        """Steps from `start`'s level to `end`'s, or None when no path leads there."""
        found = int(
            self.steps[self.node(start.ladder, start.level), self.node(end.ladder, end.level)]
        )
        return None if found < 0 else found

    def roles_at(self, ladder: str, level: str) -> frozenset[str]:
        """The specialised roles held at a level, normalised for comparison."""
        key = (ladder, level)
        found = self._roles.get(key)
        if found is None:
            facts = self.ladders.get(ladder)
            at = facts.level(level) if facts else None
            found = frozenset(_norm(r) for r in at.roles) if at else frozenset()
            self._roles[key] = found
        return found

    def title(self, ladder: str, level: str) -> str:
        """A level's title, or its id when the ladders do not list it."""
        key = (ladder, level)
        found = self._titles.get(key)
        if found is None:
            facts = self.ladders.get(ladder)
            at = facts.level(level) if facts else None
            found = self._titles[key] = at.title if at else level
        return found


# --------------------------------------------------------------------------------------------
# Pair scoring, one pair at a time (explanations) and the rules behind the vectorised scorer
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def _norm(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def _position_forms(position: str | None) -> tuple[str, str]:
    """The position as compared with role goals: whole, and the part before a comma."""
    return _norm(position), _norm((position or "").split(",")[0])


@functools.lru_cache(maxsize=65536)
def _role_phrases(role: str) -> frozenset[str]:
    """Every run of consecutive words of a role name, as a tag: 'inventory', 'drug-specialist'."""
    words = [w for w in re.split(r"[^a-z0-9]+", role.casefold()) if w]
    return frozenset(
        "-".join(words[a:b]) for a in range(len(words)) for b in range(a + 1, len(words) + 1)
    )


def _tag_in_role(tag: str, phrases: frozenset[str]) -> bool:
    return tag in phrases or (tag.endswith("s") and tag[:-1] in phrases)


def _frequency_closeness(a: str | None, b: str | None) -> float:
    if a not in FREQUENCIES or b not in FREQUENCIES:
        return 0.0
    distance = abs(FREQUENCIES.index(a) - FREQUENCIES.index(b))
    return 1.0 if distance == 0 else 0.5 if distance == 1 else 0.0


def _units(weight: float, value: float, scale: float) -> int:
    """A term's contribution in whole units (the scalar and vectorised scorers share this)."""
    return round(weight * value * scale)


@dataclass(frozen=True, slots=True)
class _Side:
    """A participant's profile and staff facts, with the defaults matching applies."""

    profile: MentorshipProfile
    staff: StaffFacts
    frequency: str | None
    sites: tuple[str, ...]
    shifts: tuple[str, ...]
    forms: tuple[str, str]  # the position, whole and before a comma, for role goals
    helps: frozenset[str]  # expertise and strengths, for development areas
    areas: tuple[str, ...]  # development areas, each once

    @staticmethod
    def of(profile: MentorshipProfile, staff: StaffFacts, program: MentorshipProgram) -> _Side:
        return _Side(
            profile,
            staff,
            profile.frequency or program.frequency,
            profile.sites or ((staff.site,) if staff.site else ()),
            profile.shifts or ((staff.shift,) if staff.shift else ()),
            _position_forms(staff.position),
            frozenset(profile.expertise) | frozenset(profile.strengths),
            tuple(dict.fromkeys(profile.development_areas)),
        )


def _goal_match(goal: Goal, mentor: _Side, careers: CareerPaths) -> tuple[float, str]:
    """How well the mentor embodies one goal: 1, 0.75, 0.5, 0.25 or 0, and why.

    A goal naming both a ladder level and a role counts whichever matches better.
    """
    by_level = _level_goal_match(goal, mentor.staff.ladder, mentor.staff.level, careers)
    by_role = _role_goal_match(goal, mentor, careers)
    return by_role if by_role[0] > by_level[0] else by_level


def _level_goal_match(
    goal: Goal, ladder: str, level: str, careers: CareerPaths
) -> tuple[float, str]:
    """A ladder-level goal against the mentor's ladder and level."""
    if goal.ladder is None or goal.level is None or ladder != goal.ladder:
        return 0.0, ""
    goal_title = careers.title(goal.ladder, goal.level)
    if level == goal.level:
        return 1.0, f"mentee's goal: {goal_title} = mentor's level"
    facts = careers.ladders.get(goal.ladder)
    mine = facts.index(level) if facts else None
    wanted = facts.index(goal.level) if facts else None
    if mine is None or wanted is None:
        return 0.0, ""
    title = careers.title(ladder, level)
    if mine > wanted:
        return 0.75, f"mentor is above the mentee's goal {goal_title} ({title})"
    return 0.25, f"mentor is on the goal's ladder, below {goal_title} ({title})"


def _role_goal_match(goal: Goal, mentor: _Side, careers: CareerPaths) -> tuple[float, str]:
    if goal.role is None:
        return 0.0, ""
    role = _norm(goal.role)
    if role in mentor.forms:
        return 1.0, f"mentee's goal: {goal.role} = mentor's role"
    staff = mentor.staff
    if role in careers.roles_at(staff.ladder, staff.level):
        title = careers.title(staff.ladder, staff.level)
        return 0.5, f"mentee's goal {goal.role} is a role at the mentor's level ({title})"
    phrases = _role_phrases(goal.role)
    for tag in mentor.profile.expertise:
        if _tag_in_role(tag, phrases):
            return 0.25, f"mentor's expertise '{tag}' is part of the goal {goal.role}"
    return 0.0, ""


def _holds_role(goal: Goal, mentor: _Side) -> bool:
    """Whether the mentor's position is a role the goal names."""
    return goal.role is not None and _norm(goal.role) in mentor.forms


def _experience_value(steps: int | None) -> float:
    if steps is None or steps <= 0:
        return 0.0
    return 1.0 if steps >= 2 else 0.5


def _score(
    program: MentorshipProgram,
    mentee: _Side,
    mentor: _Side,
    careers: CareerPaths,
    scale: float,
) -> Score:
    """The explained score of one pair (the vectorised scorer gives the same units)."""
    weights = dict(program.weights.by_term())
    terms: list[Term] = []

    def add(name: str, value: float, reason: str) -> None:
        weight = weights[name]
        terms.append(Term(name, weight, value, _units(weight, value, scale), reason))

    goals = mentee.profile.goals
    matches = [_goal_match(goal, mentor, careers) for goal in goals]
    if not goals:
        add("goalAlignment", 0.0, "mentee lists no goals")
    else:
        value = sum(v for v, _ in matches) / len(goals)
        reasons = [r for v, r in matches if v > 0]
        add("goalAlignment", value, "; ".join(reasons) or "mentor matches none of the goals")
    aligned = any(v == 1.0 for v, _ in matches)

    areas = mentee.areas
    shared = [a for a in areas if a in mentor.helps]
    if not areas:
        add("developmentAreas", 0.0, "mentee lists no development areas")
    elif shared:
        add(
            "developmentAreas",
            len(shared) / len(areas),
            f"mentor can help with {', '.join(shared)} ({len(shared)} of {len(areas)} areas)",
        )
    else:
        add("developmentAreas", 0.0, "no development area in the mentor's expertise")

    modes = [m for m in MODES if m in mentee.profile.modes and m in mentor.profile.modes]
    closeness = _frequency_closeness(mentee.frequency, mentor.frequency)
    parts = []
    if modes:
        parts.append("both can meet by " + " or ".join(modes))
    if closeness == 1.0:
        parts.append(f"both want {mentee.frequency} meetings")
    elif closeness:
        parts.append(f"{mentee.frequency} and {mentor.frequency} meetings are close")
    add(
        "communication",
        (0.5 if modes else 0.0) + 0.5 * closeness,
        "; ".join(parts) or "no shared way or rhythm of meeting",
    )

    sites = [s for s in mentee.sites if s in mentor.sites]
    shifts = [s for s in SHIFTS if s in mentee.shifts and s in mentor.shifts]
    parts = []
    if sites:
        parts.append("can both meet at " + " or ".join(sorted(sites)))
    if shifts:
        parts.append("both available on " + " or ".join(shifts) + " shift")
    add(
        "availability",
        (0.5 if sites else 0.0) + (0.5 if shifts else 0.0),
        "; ".join(parts) or "no shared site or shift to meet",
    )

    a, b = mentee.staff, mentor.staff
    same_site = a.site is not None and a.site == b.site
    add(
        "site",
        1.0 if same_site else 0.0,
        f"both work at {a.site}" if same_site else "different sites",
    )
    same_shift = a.shift in SHIFTS and a.shift == b.shift
    add(
        "shift",
        1.0 if same_shift else 0.0,
        f"both on {a.shift} shift" if same_shift else "different shifts",
    )

    steps = careers.between(a, b)
    value = _experience_value(steps)
    if value:
        plural = "s" if steps != 1 else ""
        reason = f"mentor is {steps} step{plural} ahead on the career path"
    else:
        reason = "mentor is not ahead on the career path"
    add("experienceGap", value, reason)
    return Score(
        mentee.profile.person,
        mentor.profile.person,
        tuple(terms),
        sum(t.units for t in terms),
        scale,
        aligned,
    )


def units_per_point(program: MentorshipProgram) -> float:
    """How many units one point of score is: a millionth of the largest possible score."""
    total = program.weights.total
    if not total > 0:
        raise MatchingError(
            [
                Diagnostic(
                    program.location,
                    "missing-weights",
                    f"program '{program.id}' gives every matching weight 0",
                    hint="give goalAlignment a weight above 0",
                )
            ]
        )
    return UNITS_PER_MAX_SCORE / total


def score_pair(
    program: MentorshipProgram,
    mentee: MentorshipProfile,
    mentor: MentorshipProfile,
    *,
    staff: Mapping[str, StaffFacts],
    ladders: Mapping[str, LadderFacts] | None = None,
) -> Score:
    """Score one pair, with every term's value, contribution and reason (hard rules aside).

    Raises MatchingError if either person has no staff record or every weight is 0.
    """
    _check(_check_weights(program))
    careers = CareerPaths(ladders or {}, staff.values())
    sides = []
    for profile in (mentee, mentor):
        if profile.person not in staff:
            raise MatchingError([_unknown_person(profile)])
        sides.append(_Side.of(profile, staff[profile.person], program))
    return _score(program, sides[0], sides[1], careers, units_per_point(program))


def _check(problems: Sequence[Diagnostic]) -> None:
    if problems:
        raise MatchingError(problems)


def _unknown_person(profile: MentorshipProfile) -> Diagnostic:
    return Diagnostic(
        profile.location,
        "unknown-person",
        f"the profile is for '{profile.person}', who has no staff record",
        hint="add staff/<id>.yaml for them, or fix the id in 'person'",
    )


def _chain(person: str, staff: Mapping[str, StaffFacts]) -> list[str]:
    """The people above `person`, their manager first (stops at a loop)."""
    found: list[str] = []
    current = staff[person].manager if person in staff else None
    while current is not None and current not in found and current != person:
        found.append(current)
        current = staff[current].manager if current in staff else None
    return found


def _senior(mentee: _Side, mentor: _Side, careers: CareerPaths) -> bool:
    """The seniority rule: a step ahead on the career path, or holding a goal role."""
    steps = careers.between(mentee.staff, mentor.staff)
    if steps is not None and steps >= 1:
        return True
    return any(_holds_role(g, mentor) for g in mentee.profile.goals)


@dataclass(frozen=True)
class _Rules:
    """The hard rules of one solve: program rules plus the committee's decisions, indexed."""

    program: MentorshipProgram
    staff: Mapping[str, StaffFacts]
    careers: CareerPaths
    blocks: Mapping[tuple[str, str], str]
    past: Mapping[tuple[str, str], str]
    scale: float

    @property
    def minimum_units(self) -> int:
        return math.ceil(self.program.rules.minimum_score * self.scale - 1e-9)

    def broken(
        self, mentee: _Side, mentor: _Side, *, units: int | None = None, free_places: int = 1
    ) -> list[str]:
        """The hard rules the pair breaks, highest priority first."""
        rules = self.program.rules
        a, b = mentee.staff.id, mentor.staff.id
        chain = _chain(a, self.staff)
        checks = {
            "same-person": a == b,
            "manager": rules.exclude_manager and chain[:1] == [b],
            "management-chain": rules.exclude_management_chain and b in chain[1:],
            "exclusion": b in mentee.profile.exclusions or a in mentor.profile.exclusions,
            "blocked": (b, a) in self.blocks,
            "past-pair": rules.new_pairs_only and (b, a) in self.past,
            "not-senior": rules.require_seniority and not _senior(mentee, mentor, self.careers),
            "mentor-full": free_places <= 0,
            "below-minimum": units is not None and units < self.minimum_units,
        }
        return [rule for rule in RULES if checks[rule]]

    def reason(
        self, rule: str, mentee: _Side, mentor: _Side, *, units: int = 0, capacity: int = 0
    ) -> str:
        """A broken rule in plain words."""
        a, b = mentee.staff, mentor.staff
        if rule == "same-person":
            return "the same person"
        if rule == "manager":
            return f"{b.name} is {a.name}'s manager"
        if rule == "management-chain":
            chain = _chain(a.id, self.staff)
            path = " -> ".join(chain[: chain.index(b.id) + 1]) if b.id in chain else ""
            return f"{b.name} is in {a.name}'s management chain ({path})"
        if rule == "exclusion":
            if b.id in mentee.profile.exclusions:
                return f"{a.name}'s profile excludes {b.name}"
            return f"{b.name}'s profile excludes {a.name}"
        if rule == "blocked":
            why = self.blocks.get((b.id, a.id), "")
            return "blocked by the committee" + (f": {why}" if why else "")
        if rule == "past-pair":
            cycle = self.past.get((b.id, a.id), "")
            return f"paired {'in ' + cycle if cycle else 'before'}; the program asks for new pairs"
        if rule == "not-senior":
            return (
                f"not senior: {self.careers.title(b.ladder, b.level)} is not ahead of "
                f"{self.careers.title(a.ladder, a.level)} on the career path"
            )
        if rule == "mentor-full":
            if capacity == 0:
                return f"{b.name} takes no mentee (capacity 0)"
            return f"every place of {b.name} is locked"
        return (
            f"scores {units / self.scale:.2f}, below the minimum "
            f"{self.program.rules.minimum_score:g}"
        )


def _rules(
    program: MentorshipProgram,
    staff: Mapping[str, StaffFacts],
    careers: CareerPaths,
    decisions: Decisions | None,
) -> _Rules:
    blocks = {(b.mentor, b.mentee): b.note for b in program.rules.blocks}
    for decision in decisions.blocks if decisions else ():
        blocks.setdefault(
            (decision.mentor, decision.mentee),
            decision.comment or f"decision '{decision.decision}'",
        )
    past = {(p.mentor, p.mentee): p.note for p in program.rules.past_pairs}
    return _Rules(program, staff, careers, blocks, past, units_per_point(program))


def pair_violations(
    program: MentorshipProgram,
    mentee: MentorshipProfile,
    mentor: MentorshipProfile,
    *,
    staff: Mapping[str, StaffFacts],
    ladders: Mapping[str, LadderFacts] | None = None,
    decisions: Decisions | None = None,
) -> list[Violation]:
    """Every hard rule the pair breaks (capacity aside), highest priority first."""
    _check(_check_weights(program))
    for profile in (mentee, mentor):
        if profile.person not in staff:
            raise MatchingError([_unknown_person(profile)])
    careers = CareerPaths(ladders or {}, staff.values())
    rules = _rules(program, staff, careers, decisions)
    a = _Side.of(mentee, staff[mentee.person], program)
    b = _Side.of(mentor, staff[mentor.person], program)
    units = _score(program, a, b, careers, rules.scale).units
    return [
        Violation(rule, rules.reason(rule, a, b, units=units))
        for rule in rules.broken(a, b, units=units)
    ]


# --------------------------------------------------------------------------------------------
# The cohort: who takes part, and every pair's score units and rule code, vectorised
# --------------------------------------------------------------------------------------------


def _categories(keys: Sequence[Any]) -> tuple[NDArray[np.int64], list[Any]]:
    """Each item's category number and the distinct keys, in order of first appearance."""
    index: dict[Any, int] = {}
    ids = np.array([index.setdefault(key, len(index)) for key in keys], dtype=np.int64)
    return ids, list(index)


def _incidence(values: Sequence[Iterable[str]], vocabulary: Mapping[str, int]) -> NDArray[Any]:
    out = np.zeros((len(values), max(len(vocabulary), 1)), dtype=np.float32)
    for row, items in enumerate(values):
        for item in items:
            if item in vocabulary:
                out[row, vocabulary[item]] = 1.0
    return out


def _lookup(
    table: NDArray[Any], row_category: NDArray[np.int64], column_category: NDArray[np.int64]
) -> NDArray[Any]:
    """table[row_category[i], column_category[j]] for every i, j: two cheap gathers."""
    return np.take(table[row_category], column_category, axis=1)


class _Cohort:
    """The participants of one solve and every pair's score units and first broken rule."""

    def __init__(
        self,
        program: MentorshipProgram,
        mentees: list[_Side],
        mentors: list[_Side],
        capacity: NDArray[np.int64],
        rules: _Rules,
    ) -> None:
        self.program = program
        self.mentees = mentees
        self.mentors = mentors
        self.capacity = capacity
        self.rules = rules
        self.careers = rules.careers
        self.scale = rules.scale
        self.mentee_index = {s.staff.id: i for i, s in enumerate(mentees)}
        self.mentor_index = {s.staff.id: j for j, s in enumerate(mentors)}
        n, m = len(mentees), len(mentors)
        # A pair's score units when it may be used; ~units (that is -units - 1) when it breaks a
        # hard rule. One matrix serves every pass: "usable" is simply "not negative".
        self.keyed = np.zeros((n, m), dtype=np.int32)
        self.code = np.zeros((n, m), dtype=np.uint8)
        self.exact = np.zeros((1, m), dtype=np.bool_)
        self.goal_matrix: Any = None
        self.best_any = np.zeros((n, 0), dtype=np.int64)

    def units(self, i: int, j: int) -> int:
        """The score units of pair (i, j), whether or not it breaks a rule."""
        found = int(self.keyed[i, j])
        return found if found >= 0 else ~found

    def explain(self, i: int, j: int) -> Score:
        return _score(self.program, self.mentees[i], self.mentors[j], self.careers, self.scale)

    def reason(self, i: int, j: int) -> tuple[str, str]:
        """The rule pair (i, j) breaks first, and why in words."""
        rule = RULES[int(self.code[i, j]) - 1]
        return rule, self.rules.reason(
            rule,
            self.mentees[i],
            self.mentors[j],
            units=self.units(i, j),
            capacity=int(self.capacity[j]),
        )

    def aligned(self, rows: NDArray[np.int64], columns: NDArray[np.int64]) -> NDArray[np.bool_]:
        """For each pair, whether the mentor matches one of the mentee's goals exactly."""
        if len(rows) == 0 or self.goal_matrix is None:
            return np.zeros(len(rows), dtype=np.bool_)
        hits = self.goal_matrix[rows].multiply(self.exact.T[columns].astype(np.float32))
        return np.asarray(hits.sum(axis=1)).ravel() > 0

    def _goal_tables(self, node_of_mentor: NDArray[np.int64]) -> tuple[NDArray[Any], NDArray[Any]]:
        """Per distinct goal and mentor: the match value in quarters, and 'holds the role'."""
        from scipy.sparse import csr_array

        careers, mentees, mentors = self.careers, self.mentees, self.mentors
        n, m = len(mentees), len(mentors)
        keys: dict[tuple[str | None, str | None, str | None], int] = {}
        rows, columns = [], []
        for i, side in enumerate(mentees):
            for goal in side.profile.goals:
                rows.append(i)
                columns.append(keys.setdefault((goal.ladder, goal.level, goal.role), len(keys)))
        count = max(len(keys), 1)
        self.goal_matrix = csr_array(
            (
                np.ones(len(rows), dtype=np.float32),
                (np.array(rows, dtype=np.int64), np.array(columns, dtype=np.int64)),
            ),
            shape=(n, count),
        )
        quarters = np.zeros((count, m), dtype=np.float32)
        holds = np.zeros((count, m), dtype=np.bool_)
        exact = np.zeros((count, m), dtype=np.bool_)
        nodes = len(careers.steps)
        node_keys = {index: key for key, index in careers.nodes.items()}
        forms_full, full_ids = _categories([s.forms[0] for s in mentors])
        forms_head, head_ids = _categories([s.forms[1] for s in mentors])
        tags: dict[str, int] = {}
        for side in mentors:
            for tag in side.profile.expertise:
                tags.setdefault(tag, len(tags))
        expertise = _incidence([s.profile.expertise for s in mentors], tags) > 0
        for (ladder, level, role), k in keys.items():
            by_level = np.zeros(m)
            if ladder is not None and level is not None:
                probe = Goal(ladder=ladder, level=level)
                per_node = np.zeros(nodes)
                for node in range(nodes):
                    at = node_keys.get(node)
                    if at is not None:
                        per_node[node] = _level_goal_match(probe, at[0], at[1], careers)[0]
                by_level = per_node[node_of_mentor]
            by_role = np.zeros(m)
            if role is not None:
                norm = _norm(role)
                position = np.zeros(m, dtype=np.bool_)
                if norm in full_ids:
                    position |= forms_full == full_ids.index(norm)
                if norm in head_ids:
                    position |= forms_head == head_ids.index(norm)
                at_level = np.array(
                    [
                        node in node_keys and norm in careers.roles_at(*node_keys[node])
                        for node in range(nodes)
                    ],
                    dtype=np.bool_,
                )[node_of_mentor]
                phrases = _role_phrases(role)
                matching_tags = [t for tag, t in tags.items() if _tag_in_role(tag, phrases)]
                by_tag = (
                    expertise[:, matching_tags].any(axis=1)
                    if matching_tags
                    else np.zeros(m, dtype=np.bool_)
                )
                by_role = np.where(
                    position, 1.0, np.where(at_level, 0.5, np.where(by_tag, 0.25, 0.0))
                )
                holds[k] = position
            value = np.maximum(by_level, by_role)
            quarters[k] = 4 * value
            exact[k] = value == 1.0
        self.exact = exact
        return quarters, holds

    def build(
        self, free_places: NDArray[np.int64], candidates: int
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Fill `keyed` and `code` for every pair; return each mentee's best usable candidates."""
        program, careers, scale = self.program, self.careers, self.scale
        weights = dict(program.weights.by_term())
        mentees, mentors = self.mentees, self.mentors
        n, m = len(mentees), len(mentors)
        empty = np.zeros(0, dtype=np.int64)
        if n == 0 or m == 0:
            return empty, empty
        node_of_mentor = np.array([careers.node(s.staff.ladder, s.staff.level) for s in mentors])

        # Goal alignment: the mean over the mentee's goals, through a table of (goals, quarters).
        quarters, holds = self._goal_tables(node_of_mentor)
        goal_matrix = self.goal_matrix
        # Mentees whose goal names a role the mentor holds count the mentor as senior.
        from scipy.sparse import csr_array

        holds_role = (goal_matrix @ csr_array(holds.astype(np.float32))).tocsr()
        goal_len = np.array([len(s.profile.goals) for s in mentees], dtype=np.int64)
        most = int(goal_len.max(initial=0))
        goal_table = np.array(
            [
                [
                    _units(weights["goalAlignment"], (s / 4) / length, scale) if length else 0
                    for s in range(4 * most + 1)
                ]
                for length in range(most + 1)
            ],
            dtype=np.int32,
        ).reshape(most + 1, 4 * most + 1)
        # Row i reads goal_table[goal_len[i], sum] as goal_flat[goal_base[i] + sum].
        goal_flat = goal_table.ravel()
        goal_base = (goal_len * (4 * most + 1)).astype(np.int32)

        # Development areas found in the mentor's expertise or strengths, as bit sets.
        tags: dict[str, int] = {}
        for side in mentees:
            for tag in side.areas:
                tags.setdefault(tag, len(tags))
        words = max(1, -(-len(tags) // 64))
        area_bits = _bitsets([s.areas for s in mentees], tags, words)
        help_bits = _bitsets([s.helps for s in mentors], tags, words)
        area_len = np.array([len(s.areas) for s in mentees], dtype=np.int64)
        most = int(area_len.max(initial=0))
        area_table = np.array(
            [
                [
                    _units(weights["developmentAreas"], c / length, scale) if length else 0
                    for c in range(most + 1)
                ]
                for length in range(most + 1)
            ],
            dtype=np.int32,
        ).reshape(most + 1, most + 1)
        area_flat = area_table.ravel()
        area_base = (area_len * (most + 1)).astype(np.int32)

        # The discrete terms, through tables over categories of people.
        def modes_of(side: _Side) -> frozenset[str]:
            return frozenset(x for x in side.profile.modes if x in MODES)

        ce, comm_e = _categories([(modes_of(s), s.frequency) for s in mentees])
        cr, comm_r = _categories([(modes_of(s), s.frequency) for s in mentors])
        comm = np.array(
            [
                [
                    _units(
                        weights["communication"],
                        (0.5 if a[0] & b[0] else 0.0) + 0.5 * _frequency_closeness(a[1], b[1]),
                        scale,
                    )
                    for b in comm_r
                ]
                for a in comm_e
            ],
            dtype=np.int32,
        ).reshape(len(comm_e), len(comm_r))

        def meet(side: _Side) -> tuple[frozenset[str], frozenset[str]]:
            return frozenset(side.sites), frozenset(x for x in side.shifts if x in SHIFTS)

        ae, meet_e = _categories([meet(s) for s in mentees])
        ar, meet_r = _categories([meet(s) for s in mentors])
        site_names: dict[str, int] = {}
        for sites, _ in (*meet_e, *meet_r):
            for site in sorted(sites):
                site_names.setdefault(site, len(site_names))
        site_e = _incidence([k[0] for k in meet_e], site_names)
        site_r = _incidence([k[0] for k in meet_r], site_names)
        shift_names = {x: i for i, x in enumerate(SHIFTS)}
        shift_e = _incidence([k[1] for k in meet_e], shift_names)
        shift_r = _incidence([k[1] for k in meet_r], shift_names)
        both = ((site_e @ site_r.T) > 0).astype(np.int64) + ((shift_e @ shift_r.T) > 0)
        avail_values = np.array(
            [_units(weights["availability"], k / 2, scale) for k in range(3)], dtype=np.int32
        )
        avail = avail_values[both]

        def place(side: _Side) -> tuple[str | None, str | None, int]:
            shift = side.staff.shift if side.staff.shift in SHIFTS else None
            return side.staff.site, shift, careers.node(side.staff.ladder, side.staff.level)

        pe, place_e = _categories([place(s) for s in mentees])
        pr, place_r = _categories([place(s) for s in mentors])
        site_id, _ = _categories([k[0] for k in (*place_e, *place_r)])
        shift_id, _ = _categories([k[1] for k in (*place_e, *place_r)])
        known_site = np.array([k[0] is not None for k in place_e])
        known_shift = np.array([k[1] is not None for k in place_e])
        split = len(place_e)
        same_site = (site_id[:split, None] == site_id[None, split:]) & known_site[:, None]
        same_shift = (shift_id[:split, None] == shift_id[None, split:]) & known_shift[:, None]
        steps = careers.steps
        gap = steps[np.array([k[2] for k in place_e])][:, np.array([k[2] for k in place_r])]
        gap_code = np.where(gap >= 2, 2, np.where(gap == 1, 1, 0))
        gap_values = np.array(
            [_units(weights["experienceGap"], v, scale) for v in (0.0, 0.5, 1.0)], dtype=np.int32
        )
        where = (
            np.array([_units(weights["site"], v, scale) for v in (0.0, 1.0)], dtype=np.int32)[
                same_site.astype(np.int64)
            ]
            + np.array([_units(weights["shift"], v, scale) for v in (0.0, 1.0)], dtype=np.int32)[
                same_shift.astype(np.int64)
            ]
            + gap_values[gap_code]
        ).astype(np.int32)
        senior_place = gap >= 1

        # Sparse rules (pairs named by id); per pair the highest priority (lowest code) is kept.
        named: list[tuple[str, str, int]] = []
        rules = program.rules
        if rules.new_pairs_only:
            named += [(b, a, _CODE["past-pair"]) for b, a in self.rules.past]
        named += [(b, a, _CODE["blocked"]) for b, a in self.rules.blocks]
        excluded = _CODE["exclusion"]
        for side in mentees:
            named += [(other, side.staff.id, excluded) for other in side.profile.exclusions]
        for side in mentors:
            named += [(side.staff.id, other, excluded) for other in side.profile.exclusions]
        for side in mentees:
            chain = _chain(side.staff.id, self.rules.staff)
            if rules.exclude_management_chain:
                named += [(boss, side.staff.id, _CODE["management-chain"]) for boss in chain[1:]]
            if rules.exclude_manager and chain:
                named.append((chain[0], side.staff.id, _CODE["manager"]))
            named.append((side.staff.id, side.staff.id, _CODE["same-person"]))
        found_i = [self.mentee_index.get(a, -1) for _, a, _ in named]
        found_j = [self.mentor_index.get(b, -1) for b, _, _ in named]
        mark_i = np.array(found_i, dtype=np.int64)
        mark_j = np.array(found_j, dtype=np.int64)
        mark_code = np.array([c for _, _, c in named], dtype=np.uint8)
        known = (mark_i >= 0) & (mark_j >= 0)
        mark_i, mark_j, mark_code = mark_i[known], mark_j[known], mark_code[known]
        order = np.lexsort((mark_code, mark_j, mark_i))
        mark_i, mark_j, mark_code = mark_i[order], mark_j[order], mark_code[order]
        first = np.ones(len(mark_i), dtype=np.bool_)
        first[1:] = (mark_i[1:] != mark_i[:-1]) | (mark_j[1:] != mark_j[:-1])
        mark_i, mark_j, mark_code = mark_i[first], mark_j[first], mark_code[first]

        minimum = self.rules.minimum_units
        full_columns = np.flatnonzero(free_places <= 0)
        take = min(candidates, m)
        found: list[tuple[NDArray[np.int64], NDArray[np.int64]]] = [
            (np.zeros(0, np.int64), np.zeros(0, np.int64))
        ] * (-(-n // _CHUNK))
        self.best_any = best_any = np.full((n, min(_BEST_ANY, m)), -1, dtype=np.int64)

        def score_block(start: int) -> None:
            stop = min(n, start + _CHUNK)
            block = slice(start, stop)
            goal_sum = np.asarray(goal_matrix[block] @ quarters).astype(np.int32)
            goal_sum += goal_base[block, None]
            units = np.take(goal_flat, goal_sum)
            shared = np.zeros((stop - start, m), dtype=np.int32)
            for word in range(words):
                shared += np.bitwise_count(area_bits[block, word, None] & help_bits[None, :, word])
            shared += area_base[block, None]
            units += np.take(area_flat, shared)
            units += _lookup(comm, ce[block], cr)
            units += _lookup(avail, ae[block], ar)
            units += _lookup(where, pe[block], pr)
            best_any[block] = _best_by_score(units, best_any.shape[1])
            # Lowest priority first, so that the highest broken rule is the one kept.
            code = (units < minimum).view(np.uint8) * np.uint8(_CODE["below-minimum"])
            code[:, full_columns] = _CODE["mentor-full"]
            if rules.require_seniority:
                senior = _lookup(senior_place, pe[block], pr)
                holders = holds_role[block]
                senior[
                    np.repeat(np.arange(stop - start), np.diff(holders.indptr)), holders.indices
                ] = True
                code = np.where(senior, code, np.uint8(_CODE["not-senior"]))
            inside = slice(*np.searchsorted(mark_i, [start, stop]))
            code[mark_i[inside] - start, mark_j[inside]] = mark_code[inside]
            self.code[block] = code
            np.invert(units, out=units, where=code != 0)
            self.keyed[block] = units
            found[start // _CHUNK] = _prefix(units, take, start)

        _in_parallel(score_block, range(0, n, _CHUNK))
        return (
            np.concatenate([f[0] for f in found]),
            np.concatenate([f[1] for f in found]),
        )


def _bitsets(
    values: Sequence[Iterable[str]], vocabulary: Mapping[str, int], words: int
) -> NDArray[np.uint64]:
    """Each row's items as bits: row x word, 64 items per word."""
    out = np.zeros((len(values), words), dtype=np.uint64)
    for row, items in enumerate(values):
        for item in items:
            index = vocabulary.get(item)
            if index is not None:
                out[row, index // 64] |= np.uint64(1 << (index % 64))
    return out


def _best_by_score(units: NDArray[np.int32], count: int) -> NDArray[np.int64]:
    """Each row's `count` best columns by score, ties to the lower column (whatever the rules)."""
    ranked = units.copy()
    local = np.arange(len(units))
    found = np.empty((len(units), count), dtype=np.int64)
    for k in range(count):
        best = ranked.argmax(axis=1)
        found[:, k] = best
        ranked[local, best] = -1
    return found


def _prefix(
    keyed: NDArray[Any], take: int, first_row: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Each row's first `take` usable mentors in the order score desc, column asc."""
    m = keyed.shape[1]
    if take >= m:
        r, c = np.nonzero(keyed >= 0)
        return r.astype(np.int64) + first_row, c.astype(np.int64)
    kth = np.partition(keyed, m - take, axis=1)[:, m - take : m - take + 1]
    above = keyed > kth
    room = take - above.sum(axis=1)
    # Pairs tied with the k-th value: the lowest columns first, as many as there is room for.
    tie_r, tie_c = np.nonzero((keyed == kth) & (kth >= 0))
    rank = np.arange(len(tie_r)) - np.searchsorted(tie_r, tie_r)
    keep = rank < room[tie_r]
    above[tie_r[keep], tie_c[keep]] = True
    above &= keyed >= 0
    r, c = np.nonzero(above)
    return r.astype(np.int64) + first_row, c.astype(np.int64)


def _in_parallel(work: Callable[[int], None], items: Iterable[int]) -> None:
    """Run `work` on each item on a few threads (numpy releases the GIL); order-independent."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    items = list(items)
    workers = min(_THREADS, os.cpu_count() or 1, len(items))
    if workers <= 1:
        for item in items:
            work(item)
        return
    with ThreadPoolExecutor(workers) as pool:
        for _ in pool.map(work, items):
            pass


# --------------------------------------------------------------------------------------------
# The exact solver
# --------------------------------------------------------------------------------------------

# The keys of the pairs of rows [a, b): 0 or more for a pair that may be used, negative if not.
KeyBlock = Callable[[int, int], NDArray[Any]]


@dataclass
class _Solution:
    mentor_of: NDArray[np.int64]  # per row, the mentor's column or -1
    u: NDArray[np.int64]
    v: NDArray[np.int64]
    primal: int
    dual: int
    rounds: int
    candidates: int
    tight: tuple[NDArray[np.int64], NDArray[np.int64]] | None  # pairs with reduced cost 0


def _solve_restricted(
    rows: int,
    free: NDArray[np.int64],
    cand_r: NDArray[np.int64],
    cand_c: NDArray[np.int64],
    cand_k: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Max total key over the candidate pairs, each mentor at most `free` mentees (LAPJVsp)."""
    mentor_of = np.full(rows, -1, dtype=np.int64)
    # A pair of key 0 adds nothing to a total: leaving it out keeps every total the same.
    keep = cand_k > 0
    cand_r, cand_c, cand_k = cand_r[keep], cand_c[keep], cand_k[keep]
    if len(cand_r) == 0:
        return mentor_of
    # A mentor with room for every candidate mentee constrains nobody; a row whose candidate
    # mentors are all like that simply takes its best one.
    degree = np.bincount(cand_c, minlength=len(free))
    tight_mentor = degree > free
    constrained = np.zeros(rows, dtype=np.bool_)
    constrained[cand_r[tight_mentor[cand_c]]] = True
    easy = ~constrained[cand_r]
    er, ec, ek = cand_r[easy], cand_c[easy], cand_k[easy]
    order = np.lexsort((ec, -ek, er))
    first = order[np.r_[True, er[order][1:] != er[order][:-1]]] if len(order) else order
    mentor_of[er[first]] = ec[first]
    hard = ~easy
    if not hard.any():
        return mentor_of
    # The rest, on its own rows and mentors only: LAPJVsp works on the matrix's whole shape.
    row_ids, local_r = np.unique(cand_r[hard], return_inverse=True)
    mentor_ids, local_c = np.unique(cand_c[hard], return_inverse=True)
    local_k = cand_k[hard]
    local_free = np.minimum(free[mentor_ids], np.bincount(local_c, minlength=len(mentor_ids)))
    chosen = _assign(len(row_ids), local_free, local_r, local_c, local_k)
    matched = chosen >= 0
    mentor_of[row_ids[matched]] = mentor_ids[chosen[matched]]
    return mentor_of


def _assign(
    rows: int,
    places: NDArray[np.int64],
    cand_r: NDArray[np.int64],
    cand_c: NDArray[np.int64],
    cand_k: NDArray[np.int64],
) -> NDArray[np.int64]:
    """LAPJVsp on one column per place of each mentor, and a "stay alone" column per row."""
    mentor_of = np.full(rows, -1, dtype=np.int64)
    start = np.concatenate([[0], np.cumsum(places)[:-1]]).astype(np.int64)
    slots = int(places.sum())
    owner = np.repeat(np.arange(len(places)), places)
    repeat = places[cand_c]
    total = int(repeat.sum())
    offset = np.arange(total) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    slot_r = np.repeat(cand_r, repeat)
    slot_c = np.repeat(start[cand_c], repeat) + offset
    slot_k = np.repeat(cand_k, repeat)
    # Costs must be positive (sparse matrices drop explicit zeros): cost = top - key, and the
    # "stay alone" column costs `top`, as if its key were 0.
    top = int(cand_k.max(initial=0)) + 1
    cost = top - slot_k
    # LAPJVsp augments once per row of the matrix: put the smaller side in the rows.
    if slots < rows:
        slot_ind, row_ind = _full_matching(cost, top, slot_c, slot_r, slots, rows)
        real = row_ind < rows
    else:
        row_ind, slot_ind = _full_matching(cost, top, slot_r, slot_c, rows, slots)
        real = slot_ind < slots
    mentor_of[row_ind[real]] = owner[slot_ind[real]]
    return mentor_of


def _full_matching(
    cost: NDArray[np.int64],
    top: int,
    left: NDArray[np.int64],
    right: NDArray[np.int64],
    n_left: int,
    n_right: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Min-cost matching of every left node, each free to stay alone at cost `top`.

    Left node i's "alone" column is n_right + i, so a full matching always exists; a match to a
    column >= n_right means unmatched.
    """
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    graph = csr_array(
        (
            np.concatenate([cost, np.full(n_left, top)]).astype(np.float64),
            (
                np.concatenate([left, np.arange(n_left)]),
                np.concatenate([right, n_right + np.arange(n_left)]),
            ),
        ),
        shape=(n_left, n_right + n_left),
    )
    left_ind, right_ind = min_weight_full_bipartite_matching(graph)
    return left_ind, right_ind


def _potentials(
    nodes: int, src: NDArray[np.int64], dst: NDArray[np.int64], weight: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Shortest distances from node 0: Bellman-Ford by rounds, vectorised, stopping early."""
    order = np.argsort(src, kind="stable")
    src, dst, cost = src[order], dst[order], weight[order].astype(np.float64)
    indptr = np.searchsorted(src, np.arange(nodes + 1))
    distance = np.full(nodes, np.inf)
    distance[0] = 0.0
    active = np.array([0], dtype=np.int64)
    for _ in range(nodes + 1):
        first, last = indptr[active], indptr[active + 1]
        count = last - first
        total = int(count.sum())
        if total == 0:
            return distance
        edge = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
        edge += np.repeat(first, count)
        reach = distance[src[edge]] + cost[edge]
        target = dst[edge]
        better = reach < distance[target]
        if not better.any():
            return distance
        updated = distance.copy()
        np.minimum.at(updated, target[better], reach[better])
        active = np.flatnonzero(updated < distance)
        distance = updated
    # An optimal restricted solution has no negative cycle in its residual graph.
    raise RuntimeError("negative cycle in the residual graph: the solver result is not optimal")


def _duals(
    rows: int,
    free: NDArray[np.int64],
    mentor_of: NDArray[np.int64],
    cand_r: NDArray[np.int64],
    cand_c: NDArray[np.int64],
    cand_k: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Dual prices (u per row, v per mentor) proving the restricted solution optimal.

    They satisfy u + v >= key on every candidate pair, u > 0 only for matched rows and v > 0
    only for full mentors, so the primal total equals sum(u) + sum(free * v). They are the
    shortest distances in the difference constraints v[a] - v[j] <= key(r, a) - key(r, j)
    (row r matched to a), v[a] <= key(r, a), v[j] >= key(r, j) (row r unmatched), v >= 0,
    and v = 0 for mentors with room.
    """
    m = len(free)
    matched_key = np.zeros(rows, dtype=np.int64)
    owner = mentor_of[cand_r]
    own = owner == cand_c
    matched_key[cand_r[own]] = cand_k[own]
    load = np.bincount(mentor_of[mentor_of >= 0], minlength=m)
    unmatched = owner < 0
    other = ~unmatched & ~own
    room = np.flatnonzero(load < free)
    zeros = np.zeros
    src = np.concatenate(
        [
            cand_c[unmatched] + 1,
            zeros(int(own.sum()), np.int64),
            cand_c[other] + 1,
            np.arange(m) + 1,
            zeros(len(room), np.int64),
        ]
    )
    dst = np.concatenate(
        [
            zeros(int(unmatched.sum()), np.int64),
            cand_c[own] + 1,
            owner[other] + 1,
            zeros(m, np.int64),
            room + 1,
        ]
    )
    weight = np.concatenate(
        [
            -cand_k[unmatched],
            cand_k[own],
            matched_key[cand_r[other]] - cand_k[other],
            zeros(m, np.int64),
            zeros(len(room), np.int64),
        ]
    )
    distance = _potentials(m + 1, src, dst, weight)
    # Mentors without a free place are never reached; their price is 0 (they add nothing).
    distance[~np.isfinite(distance)] = 0.0
    v = distance[1:].astype(np.int64)
    u = np.zeros(rows, dtype=np.int64)
    matched = mentor_of >= 0
    u[matched] = matched_key[matched] - v[mentor_of[matched]]
    return u, v


def _solve_exact(
    rows: int,
    free: NDArray[np.int64],
    candidates: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]],
    block_keys: KeyBlock,
    *,
    tight_limit: int = 0,
) -> _Solution:
    """The matching of maximum total key, proven optimal over every usable pair.

    Solve on the candidate pairs, price the solution, add every pair whose reduced cost is
    negative, and repeat until none is: then the dual bound equals the total. With
    `tight_limit`, the final check also collects the pairs of reduced cost 0 (the only pairs
    an optimal matching may use), unless there are more than that.
    """
    m = len(free)
    cand_r, cand_c, cand_k = candidates
    rounds = 0
    while True:
        rounds += 1
        mentor_of = _solve_restricted(rows, free, cand_r, cand_c, cand_k)
        u, v = _duals(rows, free, mentor_of, cand_r, cand_c, cand_k)
        add_r: list[NDArray[np.int64]] = []
        add_c: list[NDArray[np.int64]] = []
        add_k: list[NDArray[np.int64]] = []
        tight_r: list[NDArray[np.int64]] = []
        tight_c: list[NDArray[np.int64]] = []
        tight_count = 0
        collect = tight_limit > 0
        for a in range(0, rows, _CHUNK):
            b = min(rows, a + _CHUNK)
            keys = block_keys(a, b)
            # The reduced cost u + v - key is negative where key - v > u. As u, v >= 0, such a
            # key is >= 0: an unusable pair (negative key) never qualifies, nor is it tight.
            slack = keys - v.astype(keys.dtype)[None, :]
            floor = u[a:b].astype(keys.dtype)[:, None]
            bad = slack > floor
            if collect and not add_r:
                found_r, found_c = np.nonzero(slack == floor)
                tight_count += len(found_r)
                if tight_count > tight_limit:
                    collect = False
                else:
                    tight_r.append(found_r.astype(np.int64) + a)
                    tight_c.append(found_c.astype(np.int64))
            if not bad.any():
                continue
            worst = np.where(bad, floor - slack, 0)
            take = min(ADDED_PER_ROUND, m)
            pick = (
                np.argpartition(worst, take - 1, axis=1)[:, :take]
                if take < m
                else np.broadcast_to(np.arange(m), worst.shape)
            )
            chosen = np.take_along_axis(bad, pick, axis=1)
            r = np.broadcast_to(np.arange(b - a)[:, None], pick.shape)[chosen]
            c = pick[chosen]
            add_r.append(r.astype(np.int64) + a)
            add_c.append(c.astype(np.int64))
            add_k.append(keys[r, c].astype(np.int64))
        if not add_r:
            break
        cand_r = np.concatenate([cand_r, *add_r])
        cand_c = np.concatenate([cand_c, *add_c])
        cand_k = np.concatenate([cand_k, *add_k])
    matched = mentor_of >= 0
    own_key = np.zeros(rows, dtype=np.int64)
    own = mentor_of[cand_r] == cand_c
    own_key[cand_r[own]] = cand_k[own]
    tight = None
    if collect:
        tight = (
            np.concatenate(tight_r) if tight_r else np.zeros(0, dtype=np.int64),
            np.concatenate(tight_c) if tight_c else np.zeros(0, dtype=np.int64),
        )
    return _Solution(
        mentor_of,
        u,
        v,
        primal=int(own_key[matched].sum()),
        dual=int(u.sum() + (free * v).sum()),
        rounds=rounds,
        candidates=len(cand_r),
        tight=tight,
    )


def _top(
    rows: int, m: int, block_keys: KeyBlock, count: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Each row's `count` best usable pairs by key."""
    found_r, found_c, found_k = [], [], []
    for a in range(0, rows, _CHUNK):
        keys = block_keys(a, min(rows, a + _CHUNK))
        r, c = _prefix(keys, count, 0)
        found_r.append(r + a)
        found_c.append(c)
        found_k.append(keys[r, c].astype(np.int64))
    if not found_r:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    return np.concatenate(found_r), np.concatenate(found_c), np.concatenate(found_k)


def _hash_ids(ids: Sequence[str]) -> NDArray[np.uint64]:
    """A fixed 64-bit number per id (BLAKE2b), the same on every machine and run."""
    return np.array(
        [int.from_bytes(hashlib.blake2b(i.encode(), digest_size=8).digest(), "big") for i in ids],
        dtype=np.uint64,
    )


def _mix(a: NDArray[np.uint64], b: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """splitmix64 of the two ids' numbers: a well-spread tie-break number for each pair."""
    with np.errstate(over="ignore"):
        z = (a * np.uint64(0x9E3779B97F4A7C15)) ^ b
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return np.asarray(z ^ (z >> np.uint64(31)), dtype=np.uint64)


# --------------------------------------------------------------------------------------------
# Greedy baseline
# --------------------------------------------------------------------------------------------


def _greedy(
    keyed: NDArray[np.int32],
    rows: NDArray[np.int64],
    free: NDArray[np.int64],
    prefix: tuple[NDArray[np.int64], NDArray[np.int64]],
    take: int,
) -> NDArray[np.int64]:
    """Best remaining pair first (score, then mentee, then mentor): each row's mentor or -1.

    `prefix` holds each row's first `take` usable mentors in that order; a row that exhausts
    them without a place reads the rest of its order when (and if) its turn comes.
    """
    result = np.full(len(rows), -1, dtype=np.int64)
    if len(rows) == 0 or keyed.shape[1] == 0:
        return result
    cand_r, cand_c = prefix
    left = free.copy()  # numpy, for the vectorised search of a row's next mentor with room
    room = free.tolist()  # the same, as a list: fast single reads in the loop
    places = int(left[left > 0].sum())
    values = keyed[rows[cand_r], cand_c].astype(np.int64)
    order = np.lexsort((cand_c, cand_r, -values))
    edge_r, edge_c = cand_r[order].tolist(), cand_c[order].tolist()
    edge_v = (-values[order]).tolist()
    count = np.bincount(cand_r, minlength=len(rows)).tolist()
    seen = [0] * len(rows)
    mentor_of = [-1] * len(rows)
    heap: list[tuple[int, int, int]] = []
    m = keyed.shape[1]
    width = 1 << max(1, (m - 1).bit_length())
    order_bonus = width - 1 - np.arange(m)

    def push_next(r: int) -> None:
        # Mentors only fill up, so the row's next pair in order is its best one with room.
        row = keyed[int(rows[r])]
        ranked = np.where((row >= 0) & (left > 0), row.astype(np.int64) * width + order_bonus, -1)
        best = int(ranked.argmax())
        if ranked[best] >= 0:
            heapq.heappush(heap, (-int(row[best]), r, best))

    index, edges = 0, len(edge_r)
    while places > 0:
        if index < edges and (not heap or (edge_v[index], edge_r[index], edge_c[index]) < heap[0]):
            r, j = edge_r[index], edge_c[index]
            index += 1
            if mentor_of[r] >= 0:
                continue
            seen[r] += 1
            if room[j] > 0:
                room[j] -= 1
                left[j] -= 1
                places -= 1
                mentor_of[r] = j
            elif seen[r] == count[r] == take:
                push_next(r)
        elif heap:
            _, r, j = heapq.heappop(heap)
            if room[j] > 0:
                room[j] -= 1
                left[j] -= 1
                places -= 1
                mentor_of[r] = j
            else:
                push_next(r)
        else:
            break
    result[:] = mentor_of
    return result


# --------------------------------------------------------------------------------------------
# propose_matches
# --------------------------------------------------------------------------------------------


def _participants(
    program: MentorshipProgram,
    profiles: Sequence[MentorshipProfile],
    staff: Mapping[str, StaffFacts],
) -> tuple[list[_Side], list[_Side], dict[str, str], list[Diagnostic]]:
    """Mentees and mentors who take part (sorted by id), why others do not, and problems."""
    problems: list[Diagnostic] = []
    seen: dict[str, MentorshipProfile] = {}
    absent: dict[str, str] = {}
    mentees: list[_Side] = []
    mentors: list[_Side] = []
    for profile in sorted(profiles, key=lambda p: (p.person, str(p.location))):
        if profile.program != program.id:
            continue
        if profile.person in seen:
            problems.append(
                Diagnostic(
                    profile.location,
                    "duplicate-profile",
                    f"'{profile.person}' has two profiles in program '{program.id}' "
                    f"(the other at {seen[profile.person].location})",
                    hint="keep one profile per person and program",
                )
            )
            continue
        seen[profile.person] = profile
        if profile.person not in staff:
            problems.append(_unknown_person(profile))
            continue
        if profile.capacity is not None and profile.capacity < 0:
            problems.append(
                Diagnostic(
                    profile.location,
                    "negative-capacity",
                    f"'{profile.person}' has capacity {profile.capacity}: a mentor takes 0 or "
                    "more mentees",
                    hint="write 'capacity: 0' to take no mentee this cycle",
                )
            )
            continue
        person = staff[profile.person]
        if not profile.opted_in:
            absent[profile.person] = "has not opted in"
            continue
        if not person.active:
            absent[profile.person] = "is not active (on leave or no longer employed)"
            continue
        side = _Side.of(profile, person, program)
        if profile.seeks_mentoring:
            mentees.append(side)
        if profile.offers_mentoring:
            mentors.append(side)
    return mentees, mentors, absent, problems


def _check_weights(program: MentorshipProgram) -> list[Diagnostic]:
    problems = []
    for name, weight in program.weights.by_term():
        if not (math.isfinite(weight) and weight >= 0):
            problems.append(
                Diagnostic(
                    program.location,
                    "invalid-weight",
                    f"weight {name} is {weight}; weights are numbers 0 or more",
                    hint="fix matching.weights in the program file",
                )
            )
    if not problems and not program.weights.total > 0:
        problems.append(
            Diagnostic(
                program.location,
                "missing-weights",
                f"program '{program.id}' gives every matching weight 0, so no pair can be scored",
                hint="give goalAlignment (the mentee's goals) a weight above 0",
            )
        )
    return problems


def propose_matches(
    program: MentorshipProgram,
    profiles: Sequence[MentorshipProfile],
    staff: Mapping[str, StaffFacts],
    *,
    ladders: Mapping[str, LadderFacts] | None = None,
    strategy: Strategy = "score",
    decisions: Decisions | None = None,
) -> MatchReport:
    """The provably optimal pairing of the program's opted-in, active mentees and mentors.

    `staff` holds everyone (management chains run through people who take no part);
    `ladders` gives level order, roles and transitions for goals and seniority; `decisions`
    is the committee's proposals file (accept/lock: must pair, reject/block: never pair).

    Raises MatchingError (located problems) for input that cannot be matched: a profile for an
    unknown person, a capacity below zero, weights all 0, or locks that break a hard rule,
    conflict or exceed a mentor's capacity.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}, not {strategy!r}")
    with paused_gc():
        return _propose(program, profiles, staff, ladders or {}, strategy, decisions)


def _propose(
    program: MentorshipProgram,
    profiles: Sequence[MentorshipProfile],
    staff: Mapping[str, StaffFacts],
    ladders: Mapping[str, LadderFacts],
    strategy: str,
    decisions: Decisions | None,
) -> MatchReport:
    _check(_check_weights(program))
    careers = CareerPaths(ladders, staff.values())
    rules = _rules(program, staff, careers, decisions)
    mentees, mentors, absent, problems = _participants(program, profiles, staff)
    _check(problems)
    capacity = np.array([s.profile.capacity or 0 for s in mentors], dtype=np.int64)
    cohort = _Cohort(program, mentees, mentors, capacity, rules)
    locks, problems = _locks(program, decisions, cohort, absent)
    _check(problems)
    n, m = len(mentees), len(mentors)
    locked = np.bincount(np.array(list(locks.values()), dtype=np.int64), minlength=m)
    free = capacity - locked[:m]
    cand_rows, cand_cols = cohort.build(free, CANDIDATES_PER_MENTEE)
    free_rows = np.array([i for i in range(n) if i not in locks], dtype=np.int64)
    rows = len(free_rows)
    position = np.full(n, -1, dtype=np.int64)
    position[free_rows] = np.arange(rows)

    warnings: list[str] = []
    scale = rules.scale
    max_units = sum(_units(w, 1.0, scale) for _, w in program.weights.by_term())
    if rules.minimum_units > max_units:
        warnings.append(
            f"minimumScore {program.rules.minimum_score:g} is above the highest possible score "
            f"{program.weights.total:g}: no pair can be proposed"
        )
    bonus = rows * max_units + 1 if strategy == "participation" else 0
    largest = bonus + max_units
    if (rows + 1) * largest * 4 >= _EXACT:
        raise MatchingError(
            [
                Diagnostic(
                    program.location,
                    "too-large",
                    f"{rows} mentees are too many to compare totals exactly with this strategy",
                    hint="split the cohort (e.g. one program per site), or use --strategy score",
                )
            ]
        )
    key_type = np.int32 if 4 * largest < 2**31 else np.int64
    contiguous = rows == n

    def phase_one(a: int, b: int) -> NDArray[Any]:
        keyed = cohort.keyed[a:b] if contiguous else cohort.keyed[free_rows[a:b]]
        if not bonus:
            return keyed
        keys = keyed.astype(key_type)
        keys[keys >= 0] += bonus
        return keys

    keep = position[cand_rows] >= 0
    cand_r = position[cand_rows[keep]]
    cand_c = cand_cols[keep]
    cand_k = cohort.keyed[free_rows[cand_r], cand_c].astype(np.int64) + bonus
    prefix = (cand_r, cand_c)
    tight_limit = TIGHT_PER_MENTEE * max(rows, 1)
    first = _solve_exact(rows, free, (cand_r, cand_c, cand_k), phase_one, tight_limit=tight_limit)
    if first.primal != first.dual:  # pragma: no cover - the certificate always closes
        raise RuntimeError("the optimality certificate does not close")

    mentor_of, second_rounds = _break_ties(
        rows,
        free,
        first,
        [mentees[int(i)].staff.id for i in free_rows],
        [s.staff.id for s in mentors],
        phase_one,
    )
    matched_rows = np.flatnonzero(mentor_of >= 0)
    primal = int(
        cohort.keyed[free_rows[matched_rows], mentor_of[matched_rows]].astype(np.int64).sum()
        + bonus * len(matched_rows)
    )
    if primal != first.dual:  # pragma: no cover - ties are broken among optima only
        raise RuntimeError("the tie-break lost optimality")
    proof = Proof(
        optimal=True,
        primal_units=primal,
        dual_units=first.dual,
        rounds=first.rounds + second_rounds,
        candidate_pairs=first.candidates,
        checked_pairs=rows * m,
        units_per_point=scale,
        participation_bonus=bonus,
    )
    greedy_of = _greedy(cohort.keyed, free_rows, free, prefix, min(CANDIDATES_PER_MENTEE, m))
    assigned: dict[int, int] = dict(locks)
    for r in matched_rows.tolist():
        assigned[int(free_rows[r])] = int(mentor_of[r])
    greedy_assigned: dict[int, int] = dict(locks)
    for r in np.flatnonzero(greedy_of >= 0).tolist():
        greedy_assigned[int(free_rows[r])] = int(greedy_of[r])
    prices = _Prices(position, first.u, first.v, bonus)
    return _report(
        cohort,
        strategy,
        free,
        assigned,
        locks,
        _lock_sources(program, decisions),
        greedy_assigned,
        proof,
        prices,
        decisions,
        absent,
        warnings,
    )


def _break_ties(
    rows: int,
    free: NDArray[np.int64],
    first: _Solution,
    mentee_ids: Sequence[str],
    mentor_ids: Sequence[str],
    phase_one: KeyBlock,
) -> tuple[NDArray[np.int64], int]:
    """Among the optimal matchings, the one with the highest sum of tie-break numbers.

    The optimal matchings are exactly those that use only pairs of reduced cost 0, match every
    row whose price u > 0 and fill every mentor whose price v > 0 (complementary slackness).
    Each such condition met is worth `forcing`, more than all tie-break numbers together, so
    the best matching of this second problem is optimal for the first one too.
    """
    m = len(free)
    if rows == 0 or m == 0:
        return first.mentor_of, 0
    tie_bits = max(8, min(20, 50 - 2 * rows.bit_length()))
    forcing = (rows + 1) << tie_bits
    mask = np.uint64((1 << tie_bits) - 1)
    row_hash, column_hash = _hash_ids(mentee_ids), _hash_ids(mentor_ids)
    u, v = first.u, first.v
    row_force = forcing * (u > 0)
    column_force = forcing * (v > 0)

    def second(r: NDArray[np.int64], c: NDArray[np.int64]) -> NDArray[np.int64]:
        tie = (_mix(row_hash[r], column_hash[c]) & mask).astype(np.int64)
        return np.asarray(tie + row_force[r] + column_force[c] + 1, dtype=np.int64)

    if first.tight is not None:
        r, c = first.tight
        return _solve_restricted(rows, free, r, c, second(r, c)), 0

    # Too many tight pairs to take them all at once: the same candidate-and-check loop.
    def phase_two(a: int, b: int) -> NDArray[Any]:
        keys = phase_one(a, b).astype(np.int64)
        r, c = np.nonzero(keys - v[None, :] == u[a:b, None])
        out = np.full(keys.shape, -1, dtype=np.int64)
        out[r, c] = second(r + a, c)
        return out

    solution = _solve_exact(rows, free, _top(rows, m, phase_two, CANDIDATES_PER_MENTEE), phase_two)
    return solution.mentor_of, solution.rounds


def _locks(
    program: MentorshipProgram,
    decisions: Decisions | None,
    cohort: _Cohort,
    absent: Mapping[str, str],
) -> tuple[dict[int, int], list[Diagnostic]]:
    """Locked pairs (mentee row -> mentor column), or the problems that make them impossible."""
    refs: list[tuple[str, str, Location, str]] = [
        (p.mentor, p.mentee, p.location, "the program") for p in program.rules.locks
    ]
    for d in decisions.locks if decisions else ():
        refs.append((d.mentor, d.mentee, d.location, f"the committee's '{d.decision}'"))
    problems: list[Diagnostic] = []
    locks: dict[int, int] = {}
    where: dict[int, Location] = {}
    holders: dict[int, list[str]] = {}
    for mentor, mentee, location, source in refs:
        name = f"the lock {mentor} -> {mentee} (from {source})"
        i, j = cohort.mentee_index.get(mentee), cohort.mentor_index.get(mentor)
        missing = []
        if j is None:
            missing.append(f"{mentor} {_why_absent(mentor, 'mentor', absent, cohort)}")
        if i is None:
            missing.append(f"{mentee} {_why_absent(mentee, 'mentee', absent, cohort)}")
        if i is None or j is None:
            problems.append(
                Diagnostic(
                    location,
                    "lock-not-taking-part",
                    f"{name} cannot be kept: " + "; ".join(missing),
                    hint="remove the lock, or fix the profile",
                )
            )
            continue
        if i in locks:
            if locks[i] != j:
                other = cohort.mentors[locks[i]].staff.id
                problems.append(
                    Diagnostic(
                        location,
                        "lock-conflict",
                        f"{name} conflicts with the lock to {other} ({where[i]})",
                        hint="a mentee has one mentor: keep one of the locks",
                    )
                )
            continue
        side_e, side_r = cohort.mentees[i], cohort.mentors[j]
        broken = cohort.rules.broken(side_e, side_r)
        if broken:
            problems.append(
                Diagnostic(
                    location,
                    "lock-breaks-rule",
                    f"{name} breaks the hard rule {broken[0]}: "
                    + cohort.rules.reason(broken[0], side_e, side_r),
                    hint="remove the lock, or change the profile or rule that forbids the pair",
                )
            )
            continue
        locks[i] = j
        where[i] = location
        holders.setdefault(j, []).append(mentee)
    for j, held in sorted(holders.items()):
        capacity = int(cohort.capacity[j])
        if len(held) > capacity:
            side = cohort.mentors[j]
            problems.append(
                Diagnostic(
                    side.profile.location,
                    "lock-over-capacity",
                    f"{side.staff.id} has {len(held)} locked mentees ({', '.join(sorted(held))}) "
                    f"but capacity {capacity}",
                    hint=f"raise 'capacity' in {side.profile.location.path}, or remove a lock",
                )
            )
    return locks, problems


def _why_absent(person: str, role: str, absent: Mapping[str, str], cohort: _Cohort) -> str:
    if person in absent:
        return absent[person]
    if person not in cohort.rules.staff:
        return "has no staff record"
    other = cohort.mentor_index if role == "mentee" else cohort.mentee_index
    if person in other:
        return f"is not a {role} in program '{cohort.program.id}' (see 'role' in the profile)"
    return f"has no profile in program '{cohort.program.id}'"


def _lock_sources(
    program: MentorshipProgram, decisions: Decisions | None
) -> dict[tuple[str, str], str]:
    sources: dict[tuple[str, str], str] = {}
    for p in program.rules.locks:
        sources.setdefault((p.mentor, p.mentee), f"program {program.id}")
    for d in decisions.locks if decisions else ():
        sources.setdefault((d.mentor, d.mentee), f"committee ({d.decision})")
    return sources


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prices:
    """The dual prices of the solve, to say what a mentor's place is worth elsewhere."""

    position: NDArray[np.int64]  # mentee row -> solver row, -1 when locked
    u: NDArray[np.int64]
    v: NDArray[np.int64]
    bonus: int

    def loss(self, i: int, j: int, units: int) -> int | None:
        """A lower bound on what forcing pair (i, j) costs the total (its reduced cost)."""
        r = int(self.position[i])
        if r < 0:
            return None
        return int(self.u[r] + self.v[j]) - (units + self.bonus)


def _best_others(cohort: _Cohort, assigned: Mapping[int, int], count: int) -> list[list[int]]:
    """For each mentee, the `count` best-scoring other mentors (any rule; ties: lower id)."""
    out = []
    for i, best in enumerate(cohort.best_any.tolist()):
        skip = {assigned.get(i, -1), cohort.mentor_index.get(cohort.mentees[i].staff.id, -1)}
        out.append([j for j in best if j >= 0 and j not in skip][:count])
    return out


def _names(cohort: _Cohort, rows: Sequence[int], limit: int = 3) -> str:
    ids = sorted(cohort.mentees[i].staff.id for i in rows)
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return ", ".join(ids[:limit]) + more


def _alternative(
    cohort: _Cohort,
    i: int,
    j: int,
    own_units: int | None,
    mentees_of: Mapping[int, list[int]],
    prices: _Prices,
) -> Alternative:
    side = cohort.mentors[j]
    units = cohort.units(i, j)
    scale = cohort.scale
    if cohort.code[i, j]:
        rule, reason = cohort.reason(i, j)
    elif own_units is not None and units < own_units:
        rule, reason = "lower-score", f"scores {(own_units - units) / scale:.2f} lower"
    elif len(mentees_of.get(j, [])) >= int(cohort.capacity[j]):
        rule = "mentor-full"
        reason = f"mentor is full (with {_names(cohort, mentees_of.get(j, []))})"
        loss = prices.loss(i, j, units)
        if loss is not None and prices.bonus and loss >= prices.bonus:
            reason += "; giving this mentee a place would leave another mentee unmatched"
        elif loss:
            reason += (
                f"; giving this mentee a place would lower the total by {loss / scale:.2f} or more"
            )
    else:
        rule, reason = "tie", "would score no more; the tie-break rule chose the other"
    return Alternative(side.staff.id, side.staff.name, units / scale, rule, reason)


def _unmatched_reason(cohort: _Cohort, i: int) -> str:
    codes = cohort.code[i]
    if len(cohort.mentors) == 0:
        return "no mentor takes part in the program"
    usable = np.flatnonzero(codes == 0)
    if len(usable) == 0:
        counts = Counter(RULES[int(c) - 1] for c in codes[codes > 0].tolist())
        listed = ", ".join(
            f"{count} {rule}" for rule, count in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
        )
        return f"no mentor passes the hard rules ({listed})"
    ids = [cohort.mentors[int(j)].staff.id for j in usable[:3]]
    more = f" and {len(usable) - 3} more" if len(usable) > 3 else ""
    return (
        f"every mentor who passes the hard rules ({', '.join(ids)}{more}) is full with mentees "
        "that give a higher total"
    )


def _report(
    cohort: _Cohort,
    strategy: str,
    free: NDArray[np.int64],
    assigned: Mapping[int, int],
    locks: Mapping[int, int],
    lock_sources: Mapping[tuple[str, str], str],
    greedy: Mapping[int, int],
    proof: Proof,
    prices: _Prices,
    decisions: Decisions | None,
    absent: Mapping[str, str],
    warnings: list[str],
) -> MatchReport:
    program = cohort.program
    mentees_of: dict[int, list[int]] = {}
    for i, j in sorted(assigned.items()):
        mentees_of.setdefault(j, []).append(i)
    others = _best_others(cohort, assigned, 2)

    def alternatives_of(i: int) -> Callable[[], tuple[Alternative, ...]]:
        j = assigned.get(i)
        own = cohort.units(i, j) if j is not None else None
        return lambda: tuple(_alternative(cohort, i, k, own, mentees_of, prices) for k in others[i])

    def explain(i: int, j: int) -> Callable[[], Score]:
        return lambda: cohort.explain(i, j)

    pairs: list[ProposedPair] = []
    unmatched: list[Unmatched] = []
    matched = sorted(assigned)
    aligned = cohort.aligned(
        np.array(matched, dtype=np.int64), np.array([assigned[i] for i in matched], dtype=np.int64)
    ).tolist()
    is_aligned = dict(zip(matched, aligned, strict=True))
    for i, side in enumerate(cohort.mentees):
        column = assigned.get(i)
        if column is None:
            unmatched.append(
                Unmatched(
                    side.staff.id,
                    side.staff.name,
                    functools.partial(_unmatched_reason, cohort, i),
                    alternatives_of(i),
                )
            )
            continue
        mentor = cohort.mentors[column]
        units = cohort.units(i, column)
        lock = lock_sources.get((mentor.staff.id, side.staff.id), "") if i in locks else ""
        pairs.append(
            ProposedPair(
                side.staff.id,
                side.staff.name,
                mentor.staff.id,
                mentor.staff.name,
                units,
                cohort.scale,
                bool(is_aligned[i]),
                "locked" if i in locks else "proposed",
                lock,
                explain(i, column),
                alternatives_of(i),
            )
        )
        if i in locks and units < cohort.rules.minimum_units:
            warnings.append(
                f"the locked pair {mentor.staff.id} -> {side.staff.id} scores "
                f"{units / cohort.scale:.2f}, below the minimum {program.rules.minimum_score:g}"
            )
    loads = tuple(
        MentorLoad(
            side.staff.id,
            side.staff.name,
            int(cohort.capacity[j]),
            sum(1 for i in mentees_of.get(j, []) if i in locks),
            tuple(sorted(cohort.mentees[i].staff.id for i in mentees_of.get(j, []))),
        )
        for j, side in enumerate(cohort.mentors)
    )
    rows = np.array(sorted(greedy), dtype=np.int64)
    columns = np.array([greedy[i] for i in rows.tolist()], dtype=np.int64)
    keyed = cohort.keyed[rows, columns].astype(np.int64)
    greedy_units = int(np.where(keyed >= 0, keyed, ~keyed).sum())
    baseline = Baseline(
        greedy_units / cohort.scale, len(greedy), int(cohort.aligned(rows, columns).sum())
    )
    return MatchReport(
        program=program.id,
        strategy=strategy,
        pairs=tuple(pairs),
        unmatched=tuple(unmatched),
        mentors=loads,
        greedy=baseline,
        proof=proof,
        changes=_changes(decisions, pairs, unmatched, cohort, absent),
        warnings=tuple(warnings),
        decisions=decisions,
    )


def _changes(
    decisions: Decisions | None,
    pairs: Sequence[ProposedPair],
    unmatched: Sequence[Unmatched],
    cohort: _Cohort,
    absent: Mapping[str, str],
) -> tuple[Change, ...]:
    """How each mentee's mentor differs from the proposal recorded in the decisions file."""
    if decisions is None:
        return ()
    before = decisions.previous_mentor()
    after: dict[str, str | None] = {p.mentee: p.mentor for p in pairs}
    why_unmatched = {u.mentee: u.reason for u in unmatched}
    after.update(dict.fromkeys(why_unmatched))
    rejected = {(d.mentor, d.mentee): d for d in decisions.blocks}
    changes = []
    for mentee in sorted(set(before) | set(after)):
        old, new = before.get(mentee), after.get(mentee)
        if old == new:
            continue
        if mentee not in after:
            note = f"{mentee} {absent.get(mentee, 'no longer takes part')}"
        elif old is not None and (old, mentee) in rejected:
            note = f"the committee chose '{rejected[(old, mentee)].decision}' for {old}"
        elif old is not None and old not in cohort.mentor_index:
            note = f"{old} {absent.get(old, 'no longer takes part as a mentor')}"
        elif new is None:
            note = "now unmatched: " + why_unmatched[mentee]
        elif old is None:
            note = "newly matched"
        else:
            note = "re-solved with the current data and decisions"
        changes.append(Change(mentee, old, new, note))
    return tuple(changes)


# --------------------------------------------------------------------------------------------
# The proposals file the committee edits
# --------------------------------------------------------------------------------------------

PROPOSALS_HEADER = """\
# Mentor matches proposed by `ladderctl match-mentors`, for the matching committee to review.
# Not a ladderctl record: files named *.proposals.yaml are not checked by `ladderctl validate`.
#
# For each pair set `decision` (and a `comment` if you like), commit, and run again:
#   proposed   nothing decided yet: the next run may propose another mentor
#   accept     keep this pair: it becomes a lock
#   reject     never this pair: it becomes a block, and the mentee gets the next best mentor
#   lock       must pair (you may add pairs by hand: mentee, mentor, decision: lock)
#   block      never pair
#   withdrawn  written by ladderctl: proposed before but not now, kept for its comment
# The next run reads these decisions, solves again and rewrites this file keeping every
# decision and comment; `score`, `why` and the names are for reading only.
"""


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ._/()-]*\Z")
_RESERVED = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n"})


def _yaml_scalar(value: object) -> str:
    """A value as YAML: plain when no reader could take it for anything else, else quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_scalar(item) for item in value) + "]"
    text = str(value)
    if _PLAIN.match(text) and not text.endswith(" ") and text.casefold() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def render_proposals(report: MatchReport) -> str:
    """The proposals file for `report`, keeping every decision and comment it was solved with."""
    entries_in = report.decisions.entries if report.decisions else ()
    kept = {(d.mentor, d.mentee): d for d in entries_in}
    entries: list[dict[str, object]] = []
    written: set[tuple[str, str]] = set()
    for pair in report.pairs:
        key = (pair.mentor, pair.mentee)
        old = kept.get(key)
        decision = old.decision if old is not None else "proposed"
        entries.append(
            {
                "mentee": pair.mentee,
                "mentor": pair.mentor,
                "decision": "proposed" if decision == "withdrawn" else decision,
                "comment": old.comment if old is not None else "",
                "menteeName": pair.mentee_name,
                "mentorName": pair.mentor_name,
                "score": _num(pair.total),
                "why": (f"locked by {pair.lock}; " if pair.lock else "") + pair.score.why(),
            }
        )
        written.add(key)
    for d in sorted(entries_in, key=lambda d: (d.mentee, d.mentor)):
        if (d.mentor, d.mentee) in written:
            continue
        if d.decision in ("proposed", "withdrawn"):
            if not d.comment:
                continue  # an earlier proposal nobody commented on: nothing to keep
            decision = "withdrawn"
        else:
            decision = d.decision
        entries.append(
            {"mentee": d.mentee, "mentor": d.mentor, "decision": decision, "comment": d.comment}
        )
    summary: dict[str, object] = {
        "pairs": len(report.pairs),
        "unmatched": [u.mentee for u in report.unmatched],
        "score": _num(report.total),
        "greedyScore": _num(report.greedy.total),
        "provenOptimal": report.proof.optimal,
    }
    lines = [
        f"program: {_yaml_scalar(report.program)}",
        f"strategy: {_yaml_scalar(report.strategy)}",
        "summary:",
        *(f"  {key}: {_yaml_scalar(value)}" for key, value in summary.items()),
        "pairs:" if entries else "pairs: []",
    ]
    for entry in entries:
        for index, (name, value) in enumerate(entry.items()):
            lines.append(f"{'    ' if index else '  - '}{name}: {_yaml_scalar(value)}")
    text = "\n".join(lines) + "\n"
    return PROPOSALS_HEADER + text
