"""Career ladders: ordered levels, advancement requirements as a criterion tree, transitions.

A requirement is a tree of criteria. Inner nodes are `Combinator`s (`all-of`, `any-of`,
`at-least`); leaves are one class per criterion type. Every criterion keeps the `Location` it
was read from, so a report can point at the rule as well as at the evidence.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from ladderctl.loading import Document, Location

__all__ = [
    "ActivityCriterion",
    "Advancement",
    "AssessmentCriterion",
    "AttestationCriterion",
    "Combinator",
    "CombinatorType",
    "CredentialCriterion",
    "Criterion",
    "ExperienceCriterion",
    "Ladder",
    "LeafCriterion",
    "Level",
    "RatingCriterion",
    "TimeInLevelCriterion",
    "Transition",
    "iter_criteria",
    "parse_criterion",
]

CombinatorType = Literal["all-of", "any-of", "at-least"]


@dataclass(frozen=True, slots=True)
class Combinator:
    """`all-of`, `any-of` or `at-least` over child criteria."""

    type: CombinatorType
    id: str
    description: str
    criteria: tuple[Criterion, ...]
    location: Location
    count: int | None = None  # only for at-least
    advice: str | None = None

    @property
    def required_count(self) -> int:
        """How many children must hold."""
        if self.type == "all-of":
            return len(self.criteria)
        if self.type == "any-of":
            return 1
        return self.count if self.count is not None else len(self.criteria)


@dataclass(frozen=True, slots=True)
class ExperienceCriterion:
    """`years` of experience, optionally within the last `within_years` years."""

    type: ClassVar[str] = "experience"
    id: str
    description: str
    years: float
    location: Location
    typical_years: float | None = None
    within_years: float | None = None
    advice: str | None = None


@dataclass(frozen=True, slots=True)
class TimeInLevelCriterion:
    """`months` since the person's latest level-history entry for the current level."""

    type: ClassVar[str] = "time-in-level"
    id: str
    description: str
    months: int
    location: Location
    advice: str | None = None


@dataclass(frozen=True, slots=True)
class CredentialCriterion:
    """Any one of `credentials` held and unexpired."""

    type: ClassVar[str] = "credential"
    id: str
    description: str
    credentials: tuple[str, ...]
    location: Location
    advice: str | None = None


@dataclass(frozen=True, slots=True)
class RatingCriterion:
    """The most recent `consecutive` reviews each rated `at_least` or better."""

    type: ClassVar[str] = "rating"
    id: str
    description: str
    at_least: str
    consecutive: int
    location: Location
    advice: str | None = None


@dataclass(frozen=True, slots=True)
class AssessmentCriterion:
    """A valid pass in catalog assessment `assessment`."""

    type: ClassVar[str] = "assessment"
    id: str
    description: str
    assessment: str
    location: Location
    valid_for_months: int | None = None  # overrides the catalog's recurrenceMonths
    advice: str | None = None


@dataclass(frozen=True, slots=True)
class ActivityCriterion:
    """At least `count` accomplishments carrying any of `tags` (in the last `within_years`)."""

    type: ClassVar[str] = "activity"
    id: str
    description: str
    tags: tuple[str, ...]
    count: int
    location: Location
    within_years: float | None = None
    advice: str | None = None


@dataclass(frozen=True, slots=True)
class AttestationCriterion:
    """A judgement item: met when the record holds an attestation for this criterion id."""

    type: ClassVar[str] = "attestation"
    id: str
    description: str
    by: str  # manager | committee
    location: Location
    valid_for_months: int | None = None
    advice: str | None = None


LeafCriterion = (
    ExperienceCriterion
    | TimeInLevelCriterion
    | CredentialCriterion
    | RatingCriterion
    | AssessmentCriterion
    | ActivityCriterion
    | AttestationCriterion
)
Criterion = Combinator | LeafCriterion


def iter_criteria(root: Criterion) -> Iterator[Criterion]:
    """Every criterion of the tree, pre-order."""
    yield root
    if isinstance(root, Combinator):
        for child in root.criteria:
            yield from iter_criteria(child)


@dataclass(frozen=True, slots=True)
class Advancement:
    """What it takes to advance from a level to the next one."""

    criteria: Criterion
    location: Location
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Level:
    """One rung of a ladder."""

    id: str
    title: str
    location: Location
    common_titles: tuple[str, ...] = ()
    focus: str | None = None
    responsibilities: tuple[str, ...] = ()
    competencies: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    advancement: Advancement | None = None
    tasks: tuple[str, ...] = ()  # task ids from the task catalogs (see ladderctl.scope)


@dataclass(frozen=True, slots=True)
class Transition:
    """A move from `from_level` on this ladder to `to_ladder`/`to_level`."""

    id: str
    from_level: str
    to_ladder: str
    to_level: str
    location: Location
    description: str | None = None
    requirements: Criterion | None = None  # None: the from-level alone qualifies


@dataclass(frozen=True, slots=True)
class Ladder:
    """A career ladder: levels lowest first, and transitions to other ladders."""

    id: str
    title: str
    track: str
    levels: tuple[Level, ...]
    location: Location
    description: str | None = None
    source: str | None = None
    transitions: tuple[Transition, ...] = ()
    scope: str | None = None  # technician | pharmacist | mixed; None: derived from the track
    _index: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen: the level index is built once here.
        object.__setattr__(self, "_index", {lv.id: i for i, lv in enumerate(self.levels)})

    @property
    def level_ids(self) -> tuple[str, ...]:
        return tuple(lv.id for lv in self.levels)

    def index_of(self, level_id: str) -> int | None:
        """Position of `level_id` (0 = lowest), or None if it is not on this ladder."""
        return self._index.get(level_id)

    def level(self, level_id: str) -> Level | None:
        i = self._index.get(level_id)
        return None if i is None else self.levels[i]

    @classmethod
    def from_document(cls, doc: Document) -> Ladder:
        """Build from a validated `Ladder` document."""
        data: Mapping[str, Any] = doc.data
        levels = []
        for i, lv in enumerate(_items(data, "levels")):
            adv = lv.get("advancement")
            advancement = None
            if isinstance(adv, Mapping) and adv.get("criteria") is not None:
                advancement = Advancement(
                    description=_opt_str(adv, "description"),
                    criteria=parse_criterion(
                        doc, adv["criteria"], ("levels", i, "advancement", "criteria")
                    ),
                    location=doc.locate(("levels", i, "advancement")),
                )
            levels.append(
                Level(
                    id=str(lv["id"]),
                    title=str(lv["title"]),
                    common_titles=_strs(lv, "commonTitles"),
                    focus=_opt_str(lv, "focus"),
                    responsibilities=_strs(lv, "responsibilities"),
                    competencies=_strs(lv, "competencies"),
                    roles=_strs(lv, "roles"),
                    advancement=advancement,
                    tasks=_strs(lv, "tasks"),
                    location=doc.locate(("levels", i)),
                )
            )
        transitions = []
        for i, tr in enumerate(_items(data, "transitions")):
            req = tr.get("requirements")
            transitions.append(
                Transition(
                    id=str(tr["id"]),
                    from_level=str(tr["from"]),
                    to_ladder=str(tr["to"]["ladder"]),
                    to_level=str(tr["to"]["level"]),
                    description=_opt_str(tr, "description"),
                    requirements=None
                    if req is None
                    else parse_criterion(doc, req, ("transitions", i, "requirements")),
                    location=doc.locate(("transitions", i)),
                )
            )
        return cls(
            id=str(data["id"]),
            title=str(data["title"]),
            track=str(data["track"]),
            scope=_opt_str(data, "scope"),
            description=_opt_str(data, "description"),
            source=_opt_str(data, "source"),
            levels=tuple(levels),
            transitions=tuple(transitions),
            location=doc.locate(()),
        )


def parse_criterion(doc: Document, data: Mapping[str, Any], path: Sequence[str | int]) -> Criterion:
    """One criterion (and its subtree) from validated data found at `path` in `doc`."""
    kind = str(data["type"])
    where = doc.locate(path)
    common: dict[str, Any] = {
        "id": str(data["id"]),
        "description": str(data["description"]),
        "advice": _opt_str(data, "advice"),
        "location": where,
    }
    if kind in ("all-of", "any-of", "at-least"):
        children = tuple(
            parse_criterion(doc, child, (*path, "criteria", i))
            for i, child in enumerate(data["criteria"])
        )
        count = int(data["count"]) if kind == "at-least" else None
        combinator_type: CombinatorType = (
            "all-of" if kind == "all-of" else "any-of" if kind == "any-of" else "at-least"
        )
        return Combinator(type=combinator_type, criteria=children, count=count, **common)
    if kind == "experience":
        return ExperienceCriterion(
            years=float(data["years"]),
            typical_years=_opt_float(data, "typicalYears"),
            within_years=_opt_float(data, "withinYears"),
            **common,
        )
    if kind == "time-in-level":
        return TimeInLevelCriterion(months=int(data["months"]), **common)
    if kind == "credential":
        return CredentialCriterion(credentials=tuple(str(c) for c in data["credentials"]), **common)
    if kind == "rating":
        return RatingCriterion(
            at_least=str(data["atLeast"]), consecutive=int(data["consecutive"]), **common
        )
    if kind == "assessment":
        return AssessmentCriterion(
            assessment=str(data["assessment"]),
            valid_for_months=_opt_int(data, "validForMonths"),
            **common,
        )
    if kind == "activity":
        return ActivityCriterion(
            tags=tuple(str(t) for t in data["tags"]),
            count=int(data["count"]),
            within_years=_opt_float(data, "withinYears"),
            **common,
        )
    if kind == "attestation":
        return AttestationCriterion(
            by=str(data["by"]), valid_for_months=_opt_int(data, "validForMonths"), **common
        )
    raise ValueError(f"{where}: unknown criterion type {kind!r}")


def _items(data: Mapping[str, Any], key: str) -> Sequence[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else ()


def _strs(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(v) for v in _items(data, key))


def _opt_str(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    return None if value is None else str(value)


def _opt_int(item: Mapping[str, Any], key: str) -> int | None:
    value = item.get(key)
    return None if value is None else int(value)


def _opt_float(item: Mapping[str, Any], key: str) -> float | None:
    value = item.get(key)
    return None if value is None else float(value)
