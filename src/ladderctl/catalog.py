"""The department catalog: which credentials, assessments and activity tags exist."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ladderctl.loading import Document, Location

__all__ = ["ActivityTag", "Catalog", "CatalogAssessment", "CatalogCredential"]


@dataclass(frozen=True, slots=True)
class CatalogCredential:
    """A license, certification or certificate staff may hold."""

    id: str
    title: str
    type: str  # license | certification | certificate
    expires: bool  # True: must be renewed, records carry an expiry date
    location: Location
    issuer: str | None = None
    renewal_months: int | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class CatalogAssessment:
    """A competency assessment; a pass stays valid `recurrence_months` (None: forever)."""

    id: str
    title: str
    location: Location
    recurrence_months: int | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class ActivityTag:
    """A tag for accomplishments (courses, projects, presentations ...)."""

    id: str
    title: str
    location: Location
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Catalog:
    """Department-wide registry; look entries up with `credential`, `assessment`, `activity_tag`."""

    id: str
    title: str
    location: Location | None = None
    description: str | None = None
    credentials: tuple[CatalogCredential, ...] = ()
    assessments: tuple[CatalogAssessment, ...] = ()
    activity_tags: tuple[ActivityTag, ...] = ()
    _credential_by_id: Mapping[str, CatalogCredential] = field(
        init=False, repr=False, compare=False
    )
    _assessment_by_id: Mapping[str, CatalogAssessment] = field(
        init=False, repr=False, compare=False
    )
    _tag_by_id: Mapping[str, ActivityTag] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen: indexes are computed once here, never mutated afterwards.
        object.__setattr__(self, "_credential_by_id", {c.id: c for c in self.credentials})
        object.__setattr__(self, "_assessment_by_id", {a.id: a for a in self.assessments})
        object.__setattr__(self, "_tag_by_id", {t.id: t for t in self.activity_tags})

    @classmethod
    def empty(cls) -> Catalog:
        """A catalog with no entries (a department without a catalog file)."""
        return cls(id="", title="(no catalog)")

    def credential(self, credential_id: str) -> CatalogCredential | None:
        return self._credential_by_id.get(credential_id)

    def assessment(self, assessment_id: str) -> CatalogAssessment | None:
        return self._assessment_by_id.get(assessment_id)

    def activity_tag(self, tag_id: str) -> ActivityTag | None:
        return self._tag_by_id.get(tag_id)

    @classmethod
    def from_document(cls, doc: Document) -> Catalog:
        """Build from a validated `Catalog` document."""
        data: Mapping[str, Any] = doc.data
        return cls(
            id=str(data["id"]),
            title=str(data["title"]),
            description=_opt_str(data, "description"),
            location=doc.locate(()),
            credentials=tuple(
                CatalogCredential(
                    id=str(c["id"]),
                    title=str(c["title"]),
                    type=str(c["type"]),
                    expires=bool(c["expires"]),
                    issuer=_opt_str(c, "issuer"),
                    renewal_months=_opt_int(c, "renewalMonths"),
                    description=_opt_str(c, "description"),
                    location=doc.locate(("credentials", i)),
                )
                for i, c in enumerate(_items(data, "credentials"))
            ),
            assessments=tuple(
                CatalogAssessment(
                    id=str(a["id"]),
                    title=str(a["title"]),
                    description=_opt_str(a, "description"),
                    recurrence_months=_opt_int(a, "recurrenceMonths"),
                    location=doc.locate(("assessments", i)),
                )
                for i, a in enumerate(_items(data, "assessments"))
            ),
            activity_tags=tuple(
                ActivityTag(
                    id=str(t["id"]),
                    title=str(t["title"]),
                    description=_opt_str(t, "description"),
                    location=doc.locate(("activityTags", i)),
                )
                for i, t in enumerate(_items(data, "activityTags"))
            ),
        )


def _items(data: Mapping[str, Any], key: str) -> Sequence[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else ()


def _opt_str(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    return None if value is None else str(value)


def _opt_int(item: Mapping[str, Any], key: str) -> int | None:
    value = item.get(key)
    return None if value is None else int(value)
