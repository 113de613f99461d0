"""A department: the catalog, ladders and staff of one repository, indexed by id.

`Department` answers "who is this", "what is this level" and "what would this person be
promoted to" (target resolution); the eligibility engine in `ladderctl.advancement` is built
on these lookups.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ladderctl.catalog import Catalog
from ladderctl.ladder import Combinator, Criterion, Ladder, Level, Transition
from ladderctl.loading import Document
from ladderctl.staff import StaffRecord

__all__ = [
    "Department",
    "DepartmentError",
    "DuplicateRecord",
    "InvalidTarget",
    "Target",
    "TargetKind",
    "UnknownLadder",
    "UnknownLevel",
    "UnknownPerson",
    "UnknownTarget",
]


class DepartmentError(Exception):
    """Base class for lookups in a `Department` that cannot be answered."""


class DuplicateRecord(DepartmentError):
    """Raised when two documents define the same catalog, ladder id or staff id."""


class UnknownPerson(DepartmentError, LookupError):
    """Raised when a staff id is not in the department."""


class UnknownLadder(DepartmentError, LookupError):
    """Raised when a ladder id (of a person or a target) is not in the department."""


class UnknownLevel(DepartmentError, LookupError):
    """Raised when a level id is not on the ladder it is looked up on."""


class UnknownTarget(DepartmentError, LookupError):
    """Raised when `--to` names neither a level on the person's ladder nor a transition."""


class InvalidTarget(DepartmentError, ValueError):
    """Raised when `--to` names a real target the person cannot aim for (at/below their level,
    or a transition that starts at another level)."""


TargetKind = Literal["next-level", "level", "transition"]


@dataclass(frozen=True, slots=True)
class Target:
    """Where a person is being assessed for, and the requirements that apply.

    `levels` lists the level ids whose `advancement` blocks were combined (empty for a
    transition). `requirements` is None only for a transition without requirements.
    """

    kind: TargetKind
    ladder: str
    level: str
    requirements: Criterion | None
    from_ladder: str
    from_level: str
    levels: tuple[str, ...] = ()
    transition: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "ladder": self.ladder,
            "level": self.level,
            "transition": self.transition,
            "fromLadder": self.from_ladder,
            "fromLevel": self.from_level,
            "combinedLevels": list(self.levels),
        }


@dataclass(frozen=True, slots=True)
class Department:
    """Catalog, ladders and staff by id. Build it with `Department.from_documents`."""

    catalog: Catalog
    ladders: Mapping[str, Ladder]
    staff: Mapping[str, StaffRecord]

    @classmethod
    def from_documents(cls, docs: Iterable[Document]) -> Department:
        """Index Catalog, Ladder and StaffRecord documents; other kinds are ignored.

        Raises `DuplicateRecord` for a second Catalog or a repeated ladder or staff id.
        """
        catalog: Catalog | None = None
        catalog_path = ""
        ladders: dict[str, Ladder] = {}
        ladder_paths: dict[str, str] = {}
        staff: dict[str, StaffRecord] = {}
        staff_paths: dict[str, str] = {}
        for doc in docs:
            kind = doc.kind
            if kind == "Catalog":
                if catalog is not None:
                    raise DuplicateRecord(
                        f"two Catalog records: {catalog_path} and {doc.path} (keep one)"
                    )
                catalog, catalog_path = Catalog.from_document(doc), doc.path
            elif kind == "Ladder":
                ladder = Ladder.from_document(doc)
                if ladder.id in ladders:
                    raise DuplicateRecord(
                        f"ladder '{ladder.id}' is defined twice: "
                        f"{ladder_paths[ladder.id]} and {doc.path}"
                    )
                ladders[ladder.id], ladder_paths[ladder.id] = ladder, doc.path
            elif kind == "StaffRecord":
                person = StaffRecord.from_document(doc)
                if person.id in staff:
                    raise DuplicateRecord(
                        f"staff id '{person.id}' is used twice: "
                        f"{staff_paths[person.id]} and {doc.path}"
                    )
                staff[person.id], staff_paths[person.id] = person, doc.path
        return cls(catalog=catalog or Catalog.empty(), ladders=ladders, staff=staff)

    # --- lookups -------------------------------------------------------------------------------

    def person(self, person_id: str) -> StaffRecord:
        """The staff record `person_id`; raises `UnknownPerson`."""
        try:
            return self.staff[person_id]
        except KeyError:
            raise UnknownPerson(
                f"no staff record '{person_id}'{_suggest(person_id, self.staff)} "
                f"(staff: {_listing(self.staff)})"
            ) from None

    def ladder(self, ladder_id: str) -> Ladder:
        """The ladder `ladder_id`; raises `UnknownLadder`."""
        try:
            return self.ladders[ladder_id]
        except KeyError:
            raise UnknownLadder(
                f"no ladder '{ladder_id}'{_suggest(ladder_id, self.ladders)} "
                f"(ladders: {_listing(self.ladders)})"
            ) from None

    def level(self, ladder_id: str, level_id: str) -> Level:
        """Level `level_id` of ladder `ladder_id`; raises `UnknownLadder` / `UnknownLevel`."""
        ladder = self.ladder(ladder_id)
        level = ladder.level(level_id)
        if level is None:
            raise UnknownLevel(_not_on_ladder(level_id, ladder))
        return level

    # --- targets -------------------------------------------------------------------------------

    def resolve_target(self, person: StaffRecord, to: str | None = None) -> Target | None:
        """What `person` would be assessed for; None at the top of their ladder.

        - `to=None`: the next level on the person's ladder; None at the top level, even when
          transitions start there (a move to another ladder is asked for by name; see
          `transitions_from`).
        - `to=LEVEL`: a higher level on the same ladder; the `advancement` blocks from the
          current level up to LEVEL are combined (all must hold).
        - `to=LADDER/LEVEL` or `to=TRANSITION_ID`: a transition from the current level; only
          the transition's own requirements apply.
        """
        ladder = self.ladder(person.ladder)
        current = ladder.index_of(person.level)
        if current is None:
            raise UnknownLevel(_not_on_ladder(person.level, ladder))
        if to is None:
            if current + 1 >= len(ladder.levels):
                return None
            return self._level_target(person, ladder, current, current + 1, "next-level")
        if "/" in to:
            ladder_id, _, level_id = to.partition("/")
            if ladder_id == ladder.id:
                return self._named_level_target(person, ladder, current, level_id)
            return self._transition_target(person, ladder, to, ladder_id, level_id)
        if ladder.index_of(to) is not None:
            return self._named_level_target(person, ladder, current, to)
        by_id = [t for t in ladder.transitions if t.id == to]
        if by_id:
            return self._checked_transition(person, ladder, by_id)
        raise UnknownTarget(
            f"'{to}' is neither a level on ladder '{ladder.id}' nor a transition "
            f"(levels: {', '.join(ladder.level_ids)}; transitions: {_transitions(ladder)})"
        )

    def transitions_from(self, person: StaffRecord) -> tuple[Transition, ...]:
        """Transitions that start at the person's current level (raises for unknown ladders)."""
        ladder = self.ladder(person.ladder)
        return tuple(t for t in ladder.transitions if t.from_level == person.level)

    def _named_level_target(
        self, person: StaffRecord, ladder: Ladder, current: int, level_id: str
    ) -> Target:
        wanted = ladder.index_of(level_id)
        if wanted is None:
            raise UnknownLevel(_not_on_ladder(level_id, ladder))
        if wanted <= current:
            raise InvalidTarget(
                f"level '{level_id}' is not above {person.id}'s current level "
                f"'{person.level}' on ladder '{ladder.id}' "
                f"(levels above: {', '.join(ladder.level_ids[current + 1 :]) or 'none'})"
            )
        kind: TargetKind = "next-level" if wanted == current + 1 else "level"
        return self._level_target(person, ladder, current, wanted, kind)

    def _level_target(
        self, person: StaffRecord, ladder: Ladder, current: int, wanted: int, kind: TargetKind
    ) -> Target:
        blocks = ladder.levels[current:wanted]
        roots = [lv.advancement.criteria for lv in blocks if lv.advancement is not None]
        requirements: Criterion | None
        if not roots:
            requirements = None
        elif len(roots) == 1:
            requirements = roots[0]
        else:
            first, last = blocks[0], ladder.levels[wanted]
            requirements = Combinator(
                type="all-of",
                id=f"{first.id}->{last.id}",
                description=(f"All advancement requirements from {first.title} to {last.title}"),
                criteria=tuple(roots),
                location=roots[0].location,
            )
        return Target(
            kind=kind,
            ladder=ladder.id,
            level=ladder.levels[wanted].id,
            requirements=requirements,
            from_ladder=ladder.id,
            from_level=person.level,
            levels=tuple(lv.id for lv in blocks),
        )

    def _transition_target(
        self, person: StaffRecord, ladder: Ladder, to: str, ladder_id: str, level_id: str
    ) -> Target:
        matches = [
            t for t in ladder.transitions if t.to_ladder == ladder_id and t.to_level == level_id
        ]
        if not matches:
            if ladder_id in self.ladders:
                self.level(ladder_id, level_id)  # raises UnknownLevel with the level list
            raise UnknownTarget(
                f"ladder '{ladder.id}' has no transition to '{to}' "
                f"(transitions: {_transitions(ladder)})"
            )
        return self._checked_transition(person, ladder, matches)

    @staticmethod
    def _checked_transition(
        person: StaffRecord, ladder: Ladder, candidates: Sequence[Transition]
    ) -> Target:
        usable = [t for t in candidates if t.from_level == person.level]
        if not usable:
            starts = ", ".join(sorted({t.from_level for t in candidates}))
            raise InvalidTarget(
                f"transition '{candidates[0].id}' starts at level {starts}, but {person.id} is "
                f"at '{person.level}' on ladder '{ladder.id}'"
            )
        chosen = usable[0]
        return Target(
            kind="transition",
            ladder=chosen.to_ladder,
            level=chosen.to_level,
            requirements=chosen.requirements,
            from_ladder=ladder.id,
            from_level=person.level,
            transition=chosen.id,
        )


def _not_on_ladder(level_id: str, ladder: Ladder) -> str:
    return (
        f"level '{level_id}' is not on ladder '{ladder.id}' (levels: {', '.join(ladder.level_ids)})"
    )


def _transitions(ladder: Ladder) -> str:
    if not ladder.transitions:
        return "none"
    return ", ".join(
        f"{t.id} ({t.from_level} -> {t.to_ladder}/{t.to_level})" for t in ladder.transitions
    )


def _listing(ids: Iterable[str], limit: int = 10) -> str:
    names = sorted(ids)
    if not names:
        return "none"
    shown = ", ".join(names[:limit])
    more = len(names) - limit
    return f"{shown}, ... {more} more" if more > 0 else shown


def _suggest(wanted: str, ids: Iterable[str]) -> str:
    close = difflib.get_close_matches(wanted, list(ids), n=3)
    return f"; did you mean {', '.join(close)}?" if close else ""
