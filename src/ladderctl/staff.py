"""Staff records as typed, immutable objects, plus the one place dates are parsed.

A `StaffRecord` is built from a validated `Document` of kind `StaffRecord`. Every item that the
eligibility engine may cite as evidence (certifications, reviews, assessment results,
accomplishments, attestations, waivers, level-history entries, prior employment) keeps the
`Location` it was read from, so a report can say "staff/jdoe.yaml:14:5".
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ladderctl.loading import Document, Location

__all__ = [
    "RATING_LABELS",
    "Accomplishment",
    "AssessmentResult",
    "Attestation",
    "Certification",
    "EngagementScore",
    "LevelHistoryEntry",
    "PhaseCompletion",
    "PriorExperience",
    "Review",
    "StaffRecord",
    "TrainingEnrolment",
    "Waiver",
    "add_months",
    "parse_date",
    "parse_optional_date",
    "rating_rank",
]

#: Rating labels, lowest first; `rating_rank` orders them.
RATING_LABELS: tuple[str, ...] = (
    "unsatisfactory",
    "needs-improvement",
    "meets",
    "exceeds",
    "outstanding",
)
_RATING_RANK: Mapping[str, int] = {label: rank for rank, label in enumerate(RATING_LABELS)}


# --- dates: the only place strings become `datetime.date` ------------------------------------


def parse_date(value: object, *, field: str = "date") -> date:
    """A `YYYY-MM-DD` string (or an already-parsed `date`) as a `date`.

    The loader keeps dates as strings; a `date` is accepted too so that data built by other
    YAML loaders works unchanged.
    """
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{field}: expected a date as YYYY-MM-DD, got {value!r}")


def parse_optional_date(value: object, *, field: str = "date") -> date | None:
    """Like `parse_date`, but `None` stays `None`."""
    return None if value is None else parse_date(value, field=field)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, clamped to the end of the month.

    2024-01-31 + 1 month = 2024-02-29; 2024-02-29 - 12 months = 2023-02-28.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def rating_rank(label: str) -> int:
    """Position of a rating label in `RATING_LABELS` (higher is better)."""
    try:
        return _RATING_RANK[label]
    except KeyError:
        raise ValueError(
            f"unknown rating {label!r} (ratings: {', '.join(RATING_LABELS)})"
        ) from None


# --- record pieces -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PriorExperience:
    """Employment before this department; `start`..`end` both count (end = last day worked)."""

    employer: str
    role: str | None
    start: dt.date
    end: dt.date
    location: Location


@dataclass(frozen=True, slots=True)
class LevelHistoryEntry:
    """The person reached `ladder`/`level` on `effective`."""

    ladder: str
    level: str
    effective: dt.date
    reason: str | None
    location: Location


@dataclass(frozen=True, slots=True)
class Certification:
    """A credential the person holds (catalog credential id)."""

    id: str
    earned: dt.date
    expires: dt.date | None
    number: str | None
    location: Location


@dataclass(frozen=True, slots=True)
class Review:
    """A signed performance review."""

    date: dt.date
    rating: str
    period: str | None
    reviewer: str | None
    location: Location


@dataclass(frozen=True, slots=True)
class AssessmentResult:
    """One attempt at a catalog assessment."""

    id: str
    date: dt.date
    result: str  # "pass" | "fail"
    assessor: str | None
    location: Location

    @property
    def passed(self) -> bool:
        return self.result == "pass"


@dataclass(frozen=True, slots=True)
class Accomplishment:
    """A course, project, presentation ... tagged with catalog activity tags."""

    title: str
    date: dt.date
    tags: tuple[str, ...]
    description: str | None
    location: Location


@dataclass(frozen=True, slots=True)
class Attestation:
    """A manager or committee vouches for a judgement criterion."""

    criterion: str
    by: str
    date: dt.date
    note: str | None
    location: Location


@dataclass(frozen=True, slots=True)
class Waiver:
    """An approved exception: `criterion` counts as met until `expires` (if any)."""

    criterion: str
    approver: str
    reason: str
    date: dt.date
    expires: dt.date | None
    location: Location

    def active_on(self, as_of: dt.date) -> bool:
        """Granted on or before `as_of` and not yet expired (`expires` is the first invalid day)."""
        return self.date <= as_of and (self.expires is None or self.expires > as_of)


@dataclass(frozen=True, slots=True)
class EngagementScore:
    """An engagement-survey score for one year."""

    year: int
    score: float
    location: Location


@dataclass(frozen=True, slots=True)
class PhaseCompletion:
    """A training-plan phase the person completed, and who signed it off."""

    phase: str
    date: dt.date
    location: Location
    signed_off_by: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class TrainingEnrolment:
    """A training plan the person started on `start` (day 1), and the phases done so far."""

    plan: str
    start: dt.date
    location: Location
    completed: tuple[PhaseCompletion, ...] = ()


@dataclass(frozen=True, slots=True)
class StaffRecord:
    """One person: where they are on which ladder, and the evidence on file for them."""

    id: str
    name: str
    ladder: str
    level: str
    hire_date: dt.date
    status: str  # active | leave | terminated | retired
    level_history: tuple[LevelHistoryEntry, ...]
    location: Location
    hire_date_location: Location
    email: str | None = None
    position: str | None = None
    end_date: dt.date | None = None
    end_reason: str | None = None
    manager: str | None = None
    site: str | None = None
    shift: str | None = None
    prior_experience: tuple[PriorExperience, ...] = ()
    certifications: tuple[Certification, ...] = ()
    reviews: tuple[Review, ...] = ()
    assessments: tuple[AssessmentResult, ...] = ()
    accomplishments: tuple[Accomplishment, ...] = ()
    attestations: tuple[Attestation, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    engagement: tuple[EngagementScore, ...] = ()
    training: tuple[TrainingEnrolment, ...] = ()

    @classmethod
    def from_document(cls, doc: Document) -> StaffRecord:
        """Build from a validated `StaffRecord` document."""
        return _staff_from_document(doc)


# --- parsing -----------------------------------------------------------------------------------


def _items(data: Mapping[str, Any], key: str) -> Sequence[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else ()


def _opt_str(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    return None if value is None else str(value)


def _staff_from_document(doc: Document) -> StaffRecord:
    data: Mapping[str, Any] = doc.data
    ladder = str(data["ladder"])

    def loc(*path: str | int) -> Location:
        return doc.locate(path)

    return StaffRecord(
        id=str(data["id"]),
        name=str(data["name"]),
        email=_opt_str(data, "email"),
        ladder=ladder,
        level=str(data["level"]),
        position=_opt_str(data, "position"),
        hire_date=parse_date(data["hireDate"], field="hireDate"),
        hire_date_location=loc("hireDate"),
        status=str(data["status"]),
        end_date=parse_optional_date(data.get("endDate"), field="endDate"),
        end_reason=_opt_str(data, "endReason"),
        manager=_opt_str(data, "manager"),
        site=_opt_str(data, "site"),
        shift=_opt_str(data, "shift"),
        location=loc(),
        prior_experience=tuple(
            PriorExperience(
                employer=str(p["employer"]),
                role=_opt_str(p, "role"),
                start=parse_date(p["from"], field="priorExperience.from"),
                end=parse_date(p["to"], field="priorExperience.to"),
                location=loc("priorExperience", i),
            )
            for i, p in enumerate(_items(data, "priorExperience"))
        ),
        level_history=tuple(
            LevelHistoryEntry(
                ladder=str(h.get("ladder") or ladder),
                level=str(h["level"]),
                effective=parse_date(h["effective"], field="levelHistory.effective"),
                reason=_opt_str(h, "reason"),
                location=loc("levelHistory", i),
            )
            for i, h in enumerate(_items(data, "levelHistory"))
        ),
        certifications=tuple(
            Certification(
                id=str(c["id"]),
                earned=parse_date(c["earned"], field="certifications.earned"),
                expires=parse_optional_date(c.get("expires"), field="certifications.expires"),
                number=_opt_str(c, "number"),
                location=loc("certifications", i),
            )
            for i, c in enumerate(_items(data, "certifications"))
        ),
        reviews=tuple(
            Review(
                date=parse_date(r["date"], field="reviews.date"),
                rating=str(r["rating"]),
                period=_opt_str(r, "period"),
                reviewer=_opt_str(r, "reviewer"),
                location=loc("reviews", i),
            )
            for i, r in enumerate(_items(data, "reviews"))
        ),
        assessments=tuple(
            AssessmentResult(
                id=str(a["id"]),
                date=parse_date(a["date"], field="assessments.date"),
                result=str(a["result"]),
                assessor=_opt_str(a, "assessor"),
                location=loc("assessments", i),
            )
            for i, a in enumerate(_items(data, "assessments"))
        ),
        accomplishments=tuple(
            Accomplishment(
                title=str(a["title"]),
                date=parse_date(a["date"], field="accomplishments.date"),
                tags=tuple(str(t) for t in a.get("tags") or ()),
                description=_opt_str(a, "description"),
                location=loc("accomplishments", i),
            )
            for i, a in enumerate(_items(data, "accomplishments"))
        ),
        attestations=tuple(
            Attestation(
                criterion=str(a["criterion"]),
                by=str(a["by"]),
                date=parse_date(a["date"], field="attestations.date"),
                note=_opt_str(a, "note"),
                location=loc("attestations", i),
            )
            for i, a in enumerate(_items(data, "attestations"))
        ),
        waivers=tuple(
            Waiver(
                criterion=str(w["criterion"]),
                approver=str(w["approver"]),
                reason=str(w["reason"]),
                date=parse_date(w["date"], field="waivers.date"),
                expires=parse_optional_date(w.get("expires"), field="waivers.expires"),
                location=loc("waivers", i),
            )
            for i, w in enumerate(_items(data, "waivers"))
        ),
        engagement=tuple(
            EngagementScore(
                year=int(e["year"]),
                score=float(e["score"]),
                location=loc("engagement", i),
            )
            for i, e in enumerate(_items(data, "engagement"))
        ),
        training=tuple(
            TrainingEnrolment(
                plan=str(t["plan"]),
                start=parse_date(t["start"], field="training.start"),
                location=loc("training", i),
                completed=tuple(
                    PhaseCompletion(
                        phase=str(c["phase"]),
                        date=parse_date(c["date"], field="training.completed.date"),
                        signed_off_by=_opt_str(c, "signedOffBy"),
                        note=_opt_str(c, "note"),
                        location=loc("training", i, "completed", j),
                    )
                    for j, c in enumerate(_items(t, "completed"))
                ),
            )
            for i, t in enumerate(_items(data, "training"))
        ),
    )
