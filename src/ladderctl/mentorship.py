"""The mentorship program, its profiles and the staff facts that matching needs, as typed records.

Everything here is built from loaded `Document`s and keeps the `Location` it came from, so that a
problem found later (a lock that breaks a rule, a capacity below zero) can say where to fix it.
The builders trust nothing: records that skipped `ladderctl validate` still give a located
`MatchingError` instead of a traceback.

This module also reads the committee's decisions file (`*.proposals.yaml`, see
`ladderctl.matching.render_proposals`): a plain YAML mapping, not a record, that lists each
proposed pair with the committee's `decision` and `comment`.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ladderctl.diagnostics import Diagnostic
from ladderctl.loading import Document, JsonPath, Location

Role = Literal["mentor", "mentee", "both"]
DecisionValue = Literal["proposed", "accept", "reject", "lock", "block", "withdrawn"]

# The weights of a pair's score, in the order reports list them: goal alignment first.
TERMS: tuple[str, ...] = (
    "goalAlignment",
    "developmentAreas",
    "communication",
    "availability",
    "site",
    "shift",
    "experienceGap",
)
FREQUENCIES: tuple[str, ...] = ("weekly", "biweekly", "monthly", "quarterly")
MODES: tuple[str, ...] = ("in-person", "video", "phone", "chat")
SHIFTS: tuple[str, ...] = ("day", "evening", "night", "rotating", "weekend")
DECISIONS: tuple[str, ...] = ("proposed", "accept", "reject", "lock", "block", "withdrawn")
# Decisions that pair the two people for sure, and those that keep them apart.
LOCKING: frozenset[str] = frozenset({"accept", "lock"})
BLOCKING: frozenset[str] = frozenset({"reject", "block"})
PROPOSALS_SUFFIX = ".proposals.yaml"
# Keys ladderctl writes into a proposals entry for the committee to read; ignored when read back.
_INFORMATIONAL = frozenset({"score", "why", "mentorName", "menteeName"})


class MatchingError(Exception):
    """Raised when mentorship data cannot be matched; `problems` are located diagnostics."""

    def __init__(self, problems: Sequence[Diagnostic]) -> None:
        self.problems = sorted(problems, key=Diagnostic.sort_key)
        first = str(self.problems[0]) if self.problems else "mentorship data cannot be matched"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more)


# The location of a record built in code rather than read from a file.
NOWHERE = Location("<no file>", 1, 1)


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects.

    A loaded department is millions of live containers; every full collection walks them
    all again, for nothing (records hold no cycles). Same reason as in repository.py.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _problem(location: Location, rule: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(location, rule, message, hint=hint)


# --------------------------------------------------------------------------------------------
# Typed records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairRef:
    """A mentor-mentee pair named by a program rule or a committee decision."""

    mentor: str
    mentee: str
    location: Location
    note: str = ""  # a block's reason, a past pair's cycle or a decision's comment


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each term counts in a pair's score (all 0 or more, not all 0)."""

    goal_alignment: float
    development_areas: float = 0.0
    communication: float = 0.0
    availability: float = 0.0
    site: float = 0.0
    shift: float = 0.0
    experience_gap: float = 0.0

    def by_term(self) -> tuple[tuple[str, float], ...]:
        """(term name as in the program file, weight), goal alignment first."""
        return tuple(
            zip(
                TERMS,
                (
                    self.goal_alignment,
                    self.development_areas,
                    self.communication,
                    self.availability,
                    self.site,
                    self.shift,
                    self.experience_gap,
                ),
                strict=True,
            )
        )

    @property
    def total(self) -> float:
        """The largest score a pair can reach: every term's value at 1."""
        return float(sum(weight for _, weight in self.by_term()))


@dataclass(frozen=True, slots=True)
class MatchingRules:
    """Hard rules applied before scoring, and the committee's fixed pairs."""

    exclude_manager: bool = True
    exclude_management_chain: bool = False
    require_seniority: bool = False
    new_pairs_only: bool = False
    minimum_score: float = 0.0
    locks: tuple[PairRef, ...] = ()
    blocks: tuple[PairRef, ...] = ()
    past_pairs: tuple[PairRef, ...] = ()


@dataclass(frozen=True, slots=True)
class MentorshipProgram:
    """One program cycle: its committee, the meeting frequency and the matching rules."""

    id: str
    title: str
    weights: Weights
    rules: MatchingRules = field(default_factory=MatchingRules)
    committee: tuple[str, ...] = ()
    frequency: str | None = None  # the program's meeting cadence, for profiles that name none
    location: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class Goal:
    """Where a mentee wants to go: a ladder level, a role (a job title), or both."""

    ladder: str | None = None
    level: str | None = None
    role: str | None = None
    description: str | None = None
    location: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class MentorshipProfile:
    """One person's application to a program."""

    person: str
    program: str
    role: Role
    opted_in: bool
    goals: tuple[Goal, ...] = ()
    expertise: tuple[str, ...] = ()
    strengths: tuple[str, ...] = ()
    development_areas: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    frequency: str | None = None
    sites: tuple[str, ...] = ()
    shifts: tuple[str, ...] = ()
    capacity: int | None = None
    exclusions: tuple[str, ...] = ()
    location: Location = NOWHERE

    @property
    def offers_mentoring(self) -> bool:
        return self.role in ("mentor", "both")

    @property
    def seeks_mentoring(self) -> bool:
        return self.role in ("mentee", "both")


@dataclass(frozen=True, slots=True)
class StaffFacts:
    """What matching needs to know about a person from their staff record."""

    id: str
    name: str
    ladder: str
    level: str
    level_index: int | None = None  # position of `level` on `ladder`, lowest first
    position: str | None = None
    manager: str | None = None
    site: str | None = None
    shift: str | None = None
    active: bool = True
    location: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class LevelFacts:
    """One rung of a ladder: its id, title and the specialised roles held at it."""

    id: str
    title: str
    roles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LadderFacts:
    """A ladder's levels (lowest first) and its moves to other ladders."""

    id: str
    title: str
    track: str
    levels: tuple[LevelFacts, ...]
    # (from level on this ladder, to ladder, to level)
    transitions: tuple[tuple[str, str, str], ...] = ()
    location: Location = NOWHERE

    def index(self, level: str | None) -> int | None:
        for position, facts in enumerate(self.levels):
            if facts.id == level:
                return position
        return None

    def level(self, level: str | None) -> LevelFacts | None:
        found = self.index(level)
        return None if found is None else self.levels[found]


@dataclass(frozen=True)
class Cohort:
    """Everything one program's matching reads, built from a repository's documents."""

    program: MentorshipProgram
    profiles: tuple[MentorshipProfile, ...]
    staff: Mapping[str, StaffFacts]
    ladders: Mapping[str, LadderFacts]


@dataclass(frozen=True, slots=True)
class Decision:
    """One committee decision on a pair, from a proposals file."""

    mentor: str
    mentee: str
    decision: DecisionValue
    comment: str = ""
    location: Location = NOWHERE


@dataclass(frozen=True)
class Decisions:
    """The committee's decisions: what to lock and block, and the previous proposal."""

    entries: tuple[Decision, ...] = ()
    program: str | None = None
    path: str | None = None

    @property
    def locks(self) -> tuple[Decision, ...]:
        return tuple(d for d in self.entries if d.decision in LOCKING)

    @property
    def blocks(self) -> tuple[Decision, ...]:
        return tuple(d for d in self.entries if d.decision in BLOCKING)

    def previous_mentor(self) -> dict[str, str]:
        """mentee -> mentor in the proposal this file records.

        A rejected pair was proposed before too; a pair to keep wins over a rejected one.
        """
        found: dict[str, str] = {}
        for wanted in (("reject",), ("proposed", "accept", "lock")):
            for d in self.entries:
                if d.decision in wanted:
                    found[d.mentee] = d.mentor
        return found


# --------------------------------------------------------------------------------------------
# Reading documents, trusting nothing
# --------------------------------------------------------------------------------------------


class _Reader:
    """Typed access to one document's fields; problems are collected with their location."""

    def __init__(self, document: Document, problems: list[Diagnostic]) -> None:
        self.document = document
        self.problems = problems

    def at(self, path: JsonPath) -> Location:
        return self.document.locate(path)

    def fail(self, path: JsonPath, rule: str, message: str, hint: str = "") -> None:
        self.problems.append(_problem(self.at(path), rule, message, hint))

    def value(self, path: JsonPath) -> Any:
        node: Any = self.document.data
        if len(path) == 1 and isinstance(node, dict):
            return node.get(path[0])
        for step in path:
            if isinstance(step, str) and isinstance(node, dict):
                node = node.get(step)
            elif isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node):
                node = node[step]
            else:
                return None
        return node

    def text(self, path: JsonPath, *, required: bool = False) -> str | None:
        value = self.value(path)
        if value is None:
            if required:
                self.fail(
                    path, "missing-field", f"'{_name(path)}' is missing", "run ladderctl validate"
                )
            return None
        if not isinstance(value, str) or not value:
            self.fail(path, "wrong-type", f"'{_name(path)}' should be text")
            return None
        return value

    def flag(self, path: JsonPath, default: bool) -> bool:
        value = self.value(path)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(path, "wrong-type", f"'{_name(path)}' should be true or false")
            return default
        return value

    def number(self, path: JsonPath, *, minimum: float | None = None) -> float | None:
        value = self.value(path)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(path, "wrong-type", f"'{_name(path)}' should be a number")
            return None
        if minimum is not None and value < minimum:
            self.fail(
                path,
                "out-of-range",
                f"'{_name(path)}' is {value}; it must be {minimum:g} or more",
            )
            return None
        return float(value)

    def texts(self, path: JsonPath) -> tuple[str, ...]:
        value = self.value(path)
        if value is None:
            return ()
        if not isinstance(value, list) or not {type(v) for v in value} <= {str}:
            self.fail(path, "wrong-type", f"'{_name(path)}' should be a list of text")
            return ()
        return tuple(value)

    def items(self, path: JsonPath) -> list[tuple[int, dict[str, Any]]]:
        value = self.value(path)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, "wrong-type", f"'{_name(path)}' should be a list")
            return []
        found = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                found.append((index, item))
            else:
                self.fail([*path, index], "wrong-type", f"each '{_name(path)}' entry is a mapping")
        return found


def _name(path: JsonPath) -> str:
    return ".".join(str(step) for step in path) or "record"


def program_from_document(document: Document) -> MentorshipProgram:
    """The typed program; raises MatchingError (located) when it cannot be used for matching."""
    problems: list[Diagnostic] = []
    read = _Reader(document, problems)
    program_id = read.text(["id"], required=True) or "?"
    title = read.text(["title"]) or program_id
    weights_path: list[str | int] = ["matching", "weights"]
    if not isinstance(read.value(weights_path), dict):
        read.fail(
            weights_path if read.value(["matching"]) is not None else ["matching"],
            "missing-weights",
            f"program '{program_id}' has no matching weights, so no pair can be scored",
            "add matching.weights with at least goalAlignment, e.g. 'goalAlignment: 1'",
        )
        raise MatchingError(problems)
    values: dict[str, float] = {}
    for term in TERMS:
        number = read.number([*weights_path, term], minimum=0)
        values[term] = 0.0 if number is None else number
    weights = Weights(*(values[term] for term in TERMS))
    for key in read.value(weights_path):
        if key not in TERMS:
            read.fail(
                [*weights_path, key],
                "unknown-weight",
                f"unknown weight '{key}'",
                "weights: " + ", ".join(TERMS),
            )
    if weights.total <= 0 and not problems:
        read.fail(
            weights_path,
            "missing-weights",
            "every matching weight is 0, so every pair would score the same",
            "give goalAlignment (the mentee's goals) a weight above 0",
        )
    rules_path: list[str | int] = ["matching", "rules"]

    def pairs(section: str, note: str) -> tuple[PairRef, ...]:
        found = []
        for index, item in read.items([*rules_path, section]):
            path = [*rules_path, section, index]
            mentor = read.text([*path, "mentor"], required=True)
            mentee = read.text([*path, "mentee"], required=True)
            if mentor and mentee:
                extra = item.get(note)
                found.append(
                    PairRef(mentor, mentee, read.at(path), extra if isinstance(extra, str) else "")
                )
        return tuple(found)

    minimum = read.number([*rules_path, "minimumScore"], minimum=0)
    chain = read.flag([*rules_path, "excludeManagementChain"], False)
    rules = MatchingRules(
        exclude_manager=read.flag([*rules_path, "excludeManager"], True) or chain,
        exclude_management_chain=chain,
        require_seniority=read.flag([*rules_path, "requireSeniority"], False),
        new_pairs_only=read.flag([*rules_path, "newPairsOnly"], False),
        minimum_score=minimum or 0.0,
        locks=pairs("locks", "reason"),
        blocks=pairs("blocks", "reason"),
        past_pairs=pairs("pastPairs", "cycle"),
    )
    frequency = read.text(["meetings", "frequency"])
    if problems:
        raise MatchingError(problems)
    return MentorshipProgram(
        id=program_id,
        title=title,
        weights=weights,
        rules=rules,
        committee=read.texts(["committee"]),
        frequency=frequency if frequency in FREQUENCIES else None,
        location=read.at(()),
    )


def profile_from_document(document: Document) -> MentorshipProfile:
    """The typed profile; raises MatchingError (located) on a shape matching cannot use."""
    problems: list[Diagnostic] = []
    read = _Reader(document, problems)
    person = read.text(["person"], required=True) or "?"
    program = read.text(["program"], required=True) or "?"
    role = read.text(["role"], required=True)
    if role is not None and role not in ("mentor", "mentee", "both"):
        read.fail(["role"], "invalid-value", f"role '{role}' is not mentor, mentee or both")
    goals = []
    for index, item in read.items(["goals"]):
        path: list[str | int] = ["goals", index]
        ladder, level = read.text([*path, "ladder"]), read.text([*path, "level"])
        goal_role = read.text([*path, "role"])
        if (ladder is None) != (level is None) or (ladder is None and goal_role is None):
            read.fail(path, "invalid-goal", "a goal names a ladder and a level, or a role")
        description = item.get("description")
        goals.append(
            Goal(
                ladder,
                level,
                goal_role,
                description if isinstance(description, str) else None,
                read.at(path),
            )
        )
    capacity_value = read.value(["capacity"])
    capacity: int | None = None
    if capacity_value is not None:
        if isinstance(capacity_value, bool) or not isinstance(capacity_value, int):
            read.fail(["capacity"], "wrong-type", "'capacity' should be a whole number")
        elif capacity_value < 0:
            read.fail(
                ["capacity"],
                "negative-capacity",
                f"capacity is {capacity_value}: a mentor takes 0 or more mentees",
                "write 'capacity: 0' to take no mentee this cycle",
            )
        else:
            capacity = capacity_value
    frequency = read.text(["communication", "frequency"])
    profile = MentorshipProfile(
        person=person,
        program=program,
        role=role if role in ("mentor", "mentee", "both") else "mentee",  # type: ignore[arg-type]
        opted_in=read.flag(["optedIn"], False),
        goals=tuple(goals),
        expertise=read.texts(["expertise"]),
        strengths=read.texts(["strengths"]),
        development_areas=read.texts(["developmentAreas"]),
        modes=read.texts(["communication", "modes"]),
        frequency=frequency,
        sites=read.texts(["availability", "sites"]),
        shifts=read.texts(["availability", "shifts"]),
        capacity=capacity,
        exclusions=read.texts(["exclusions"]),
        location=read.at(["person"]),
    )
    if problems:
        raise MatchingError(problems)
    return profile


def ladder_from_document(document: Document) -> LadderFacts:
    """The ladder's levels and transitions; raises MatchingError (located) when unusable."""
    problems: list[Diagnostic] = []
    read = _Reader(document, problems)
    ladder_id = read.text(["id"], required=True) or "?"
    levels = []
    for index, _item in read.items(["levels"]):
        level_id = read.text(["levels", index, "id"], required=True)
        if level_id:
            levels.append(
                LevelFacts(
                    level_id,
                    read.text(["levels", index, "title"]) or level_id,
                    read.texts(["levels", index, "roles"]),
                )
            )
    transitions = []
    for index, _item in read.items(["transitions"]):
        start = read.text(["transitions", index, "from"])
        ladder = read.text(["transitions", index, "to", "ladder"])
        level = read.text(["transitions", index, "to", "level"])
        if start and ladder and level:
            transitions.append((start, ladder, level))
    if problems:
        raise MatchingError(problems)
    return LadderFacts(
        id=ladder_id,
        title=read.text(["title"]) or ladder_id,
        track=read.text(["track"]) or "",
        levels=tuple(levels),
        transitions=tuple(transitions),
        location=read.at(()),
    )


def staff_from_document(
    document: Document, ladders: Mapping[str, LadderFacts] | None = None
) -> StaffFacts:
    """The facts matching needs about one person; the level index comes from `ladders`."""
    problems: list[Diagnostic] = []
    read = _Reader(document, problems)
    person = read.text(["id"], required=True) or "?"
    ladder = read.text(["ladder"], required=True) or "?"
    level = read.text(["level"], required=True) or "?"
    facts = (ladders or {}).get(ladder)
    staff = StaffFacts(
        id=person,
        name=read.text(["name"]) or person,
        ladder=ladder,
        level=level,
        level_index=facts.index(level) if facts else None,
        position=read.text(["position"]),
        manager=read.text(["manager"]),
        site=read.text(["site"]),
        shift=read.text(["shift"]),
        active=read.value(["status"]) == "active",
        location=read.at(["id"]),
    )
    if problems:
        raise MatchingError(problems)
    return staff


def build_cohort(documents: Iterable[Document], *, program: str | None = None) -> Cohort:
    """The program (`program` id, or the only one), its profiles, all staff and all ladders.

    Raises MatchingError listing every located problem when the data cannot be matched.
    """
    with paused_gc():
        return _build_cohort(documents, program)


def _build_cohort(documents: Iterable[Document], program: str | None) -> Cohort:
    by_kind: dict[str, list[Document]] = {}
    for document in documents:
        by_kind.setdefault(document.kind or "", []).append(document)
    problems: list[Diagnostic] = []

    def collect(kind: str, build: Any) -> list[Any]:
        built = []
        for document in sorted(by_kind.get(kind, []), key=lambda d: d.path):
            try:
                built.append(build(document))
            except MatchingError as error:
                problems.extend(error.problems)
        return built

    ladder_list: list[LadderFacts] = collect("Ladder", ladder_from_document)
    ladders = {ladder.id: ladder for ladder in ladder_list}
    staff_list: list[StaffFacts] = collect("StaffRecord", lambda d: staff_from_document(d, ladders))
    programs = by_kind.get("MentorshipProgram", [])
    ids = sorted(str(d.data.get("id")) for d in programs if isinstance(d.data, dict))
    chosen = [d for d in programs if program is None or d.data.get("id") == program]
    if not programs:
        raise MatchingError(
            [
                *problems,
                _problem(
                    Location(".", 1, 1),
                    "no-program",
                    "there is no mentorship program in the repository",
                    "add mentorship/program-<id>.yaml (see 'ladderctl schema MentorshipProgram')",
                ),
            ]
        )
    if not chosen or (program is None and len(chosen) > 1):
        what = f"no mentorship program '{program}'" if program else "several mentorship programs"
        raise MatchingError(
            [
                *problems,
                _problem(
                    chosen[0].locate(()) if chosen else programs[0].locate(()),
                    "which-program",
                    f"{what} (programs: {', '.join(ids)})",
                    "choose one with --program ID",
                ),
            ]
        )
    try:
        the_program = program_from_document(chosen[0])
    except MatchingError as error:
        problems.extend(error.problems)
    profile_documents = [
        d
        for d in by_kind.get("MentorshipProfile", [])
        if isinstance(d.data, dict) and d.data.get("program") == chosen[0].data.get("id")
    ]
    profiles: list[MentorshipProfile] = []
    for document in sorted(profile_documents, key=lambda d: d.path):
        try:
            profiles.append(profile_from_document(document))
        except MatchingError as error:
            problems.extend(error.problems)
    if problems:
        raise MatchingError(problems)
    return Cohort(
        program=the_program,
        profiles=tuple(profiles),
        staff={person.id: person for person in staff_list},
        ladders=ladders,
    )


# --------------------------------------------------------------------------------------------
# The committee's decisions file
# --------------------------------------------------------------------------------------------

_ENTRY_KEYS = frozenset({"mentor", "mentee", "decision", "comment"}) | _INFORMATIONAL
_TOP_KEYS = frozenset({"program", "strategy", "pairs", "summary"})
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def decisions_from_document(document: Document) -> Decisions:
    """The committee's decisions in a proposals file; raises MatchingError (located) if malformed.

    Each entry of `pairs` names a mentor and a mentee and a `decision`: proposed (nothing decided
    yet), accept or lock (must pair), reject or block (never pair), withdrawn (written by
    ladderctl: proposed before, kept for its comment); plus an optional `comment`.
    """
    problems: list[Diagnostic] = []
    read = _Reader(document, problems)
    data = document.data
    hint = f"a proposals file is written by 'ladderctl match-mentors --out NAME{PROPOSALS_SUFFIX}'"
    if not isinstance(data, dict) or not isinstance(data.get("pairs", []), list):
        raise MatchingError(
            [
                _problem(
                    read.at(()),
                    "not-proposals",
                    "this is not a proposals file (a mapping with a 'pairs' list)",
                    hint,
                )
            ]
        )
    if "kind" in data or "apiVersion" in data:
        raise MatchingError(
            [
                _problem(
                    read.at(["kind"] if "kind" in data else ["apiVersion"]),
                    "not-proposals",
                    "this is a ladderctl record, not a proposals file",
                    hint,
                )
            ]
        )
    for key in data:
        if key not in _TOP_KEYS:
            read.fail([key], "unknown-field", f"unknown field '{key}' in a proposals file")
    entries: list[Decision] = []
    seen: dict[tuple[str, str], Location] = {}
    for index, item in read.items(["pairs"]):
        path: list[str | int] = ["pairs", index]
        for key in item:
            if key not in _ENTRY_KEYS:
                read.fail(
                    [*path, key],
                    "unknown-field",
                    f"unknown field '{key}' in a proposed pair",
                    "fields: mentor, mentee, decision, comment",
                )
        mentor = read.text([*path, "mentor"], required=True)
        mentee = read.text([*path, "mentee"], required=True)
        decision = read.text([*path, "decision"]) or "proposed"
        comment = item.get("comment")
        if comment is not None and not isinstance(comment, str):
            read.fail([*path, "comment"], "wrong-type", "'comment' should be text")
            comment = ""
        if decision not in DECISIONS:
            read.fail(
                [*path, "decision"],
                "invalid-decision",
                f"decision '{decision}' is not one of " + ", ".join(DECISIONS[:5]),
                "accept or lock (must pair), reject or block (never pair), proposed (undecided)",
            )
            continue
        for who, value in (("mentor", mentor), ("mentee", mentee)):
            if value is not None and not _ID.match(value):
                read.fail([*path, who], "invalid-id", f"'{value}' is not a staff id")
        if not mentor or not mentee:
            continue
        pair = (mentor, mentee)
        if pair in seen:
            read.fail(
                path,
                "duplicate-pair",
                f"the pair {mentor} -> {mentee} is listed twice (first at {seen[pair]})",
                "keep one entry per pair",
            )
            continue
        seen[pair] = read.at(path)
        entries.append(Decision(mentor, mentee, decision, comment or "", read.at(path)))  # type: ignore[arg-type]
    if problems:
        raise MatchingError(problems)
    program = data.get("program")
    return Decisions(tuple(entries), program if isinstance(program, str) else None, document.path)
