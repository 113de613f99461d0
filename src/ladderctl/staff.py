"""Staff records as typed, immutable objects, plus the one place dates are parsed.

A `StaffRecord` is built from a validated `Document` of kind `StaffRecord`. Every item that the
eligibility engine may cite as evidence (certifications, reviews, assessment results,
accomplishments, attestations, waivers, level-history entries, prior employment) keeps the
`Source` it was read from, so a report can say "staff/jdoe.yaml:14:5".
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ParamSpec, TypeVar, cast

from ladderctl.loading import Document, JsonPath, Location

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
    "Source",
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


# Dates repeat a lot across a department (hire days, review days, expiry days): remember each
# parsed string, up to a bound, instead of parsing it again for every record.
_DATES: dict[str, date] = {}
_DATES_LIMIT = 100_000


def parse_date(value: object, *, field: str = "date") -> date:
    """A `YYYY-MM-DD` string (or an already-parsed `date`) as a `date`.

    The loader keeps dates as strings; a `date` is accepted too so that data built by other
    YAML loaders works unchanged.
    """
    if isinstance(value, str):
        day = _DATES.get(value)
        if day is not None:
            return day
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if len(_DATES) < _DATES_LIMIT:
                _DATES[value] = day
            return day
    elif isinstance(value, date):
        return value
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
    if day.day <= 28:  # in every month: no clamping, and no need to ask the calendar
        return date(year, month, day.day)
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


# --- building frozen records in bulk ------------------------------------------------------------

_T = TypeVar("_T")
_P = ParamSpec("_P")


def fast_constructor(cls: Callable[_P, _T]) -> Callable[_P, _T]:
    """A function that builds the same objects as the frozen, slotted dataclass `cls`, faster.

    A frozen dataclass's generated `__init__` stores each field through `object.__setattr__`,
    about three times the cost of a plain attribute store: most of the time spent building the
    ~200,000 items of 10,000 staff records. The returned function takes the same arguments and
    defaults, stores them as plain attributes of a twin class (same bases, same slots, not
    frozen) and then turns the instance into a `cls` by assigning `__class__`, which Python allows
    between classes of the same layout. Default factories, `__post_init__` and keyword-only fields
    are not supported (a TypeError says so).
    """
    return cast("Callable[_P, _T]", _constructor(cls, fixed={}))


def _constructor(cls: Any, *, fixed: Mapping[str, Any]) -> Callable[..., Any]:
    """`fast_constructor`, except that the fields named in `fixed` are not arguments: each is set
    to the value `fixed` gives it."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in vars(cls):
        raise TypeError(f"{cls.__name__} is not a frozen dataclass with slots")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has a __post_init__")
    twin = type(f"_{cls.__name__}Builder", cls.__bases__, {"__slots__": vars(cls)["__slots__"]})
    signature: list[str] = []
    namespace: dict[str, Any] = {"cls": cls, "twin": twin, "new": object.__new__}
    fields = dataclasses.fields(cls)
    for f in fields:
        if f.name in fixed:
            namespace[f"_fixed_{f.name}"] = fixed[f.name]
            continue
        if not f.init or f.kw_only or f.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: only plain fields are supported")
        if f.default is dataclasses.MISSING:
            signature.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            signature.append(f"{f.name}=_default_{f.name}")
    stores = "".join(
        f"    self.{f.name} = {'_fixed_' if f.name in fixed else ''}{f.name}\n" for f in fields
    )
    exec(  # the same technique as the __init__ that dataclasses generates
        f"def build({', '.join(signature)}):\n    self = new(twin)\n{stores}"
        "    self.__class__ = cls\n    return self\n",
        namespace,
    )
    return cast("Callable[..., Any]", namespace["build"])


# --- record pieces -----------------------------------------------------------------------------


class Source:
    """Where a record item was read: a document and the JSON path of the item in it.

    The `Location` (file, line, column) is worked out on first use and then kept. Finding it
    walks the document's positions, which the loader builds only when first asked for, and a
    team check over thousands of records shows almost none of the evidence it reads. Sources
    compare and hash by their location, as the `Location`s they replace did.
    """

    __slots__ = ("_location", "document", "json_path")

    _location: Location
    document: Document
    json_path: JsonPath

    def __init__(self, document: Document, json_path: JsonPath) -> None:
        self.document = document
        self.json_path = json_path

    @property
    def location(self) -> Location:
        try:
            return self._location
        except AttributeError:
            self._location = self.document.locate(self.json_path)
            return self._location

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Source):
            return NotImplemented
        return self is other or self.location == other.location

    def __hash__(self) -> int:
        return hash(self.location)

    def __repr__(self) -> str:
        return f"Source({self.location!r})"


class _Sourced:
    """`location` for a record item that keeps its `source`."""

    __slots__ = ()
    source: Source

    @property
    def location(self) -> Location:
        """Where the item was read: `staff/jdoe.yaml:14:5`."""
        return self.source.location


@dataclass(frozen=True, slots=True)
class PriorExperience(_Sourced):
    """Employment before this department; `start`..`end` both count (end = last day worked)."""

    employer: str
    role: str | None
    start: dt.date
    end: dt.date
    source: Source


_new_prior_experience = fast_constructor(PriorExperience)


@dataclass(frozen=True, slots=True)
class LevelHistoryEntry(_Sourced):
    """The person reached `ladder`/`level` on `effective`."""

    ladder: str
    level: str
    effective: dt.date
    reason: str | None
    source: Source


_new_level_history_entry = fast_constructor(LevelHistoryEntry)


@dataclass(frozen=True, slots=True)
class Certification(_Sourced):
    """A credential the person holds (catalog credential id)."""

    id: str
    earned: dt.date
    expires: dt.date | None
    number: str | None
    source: Source


_new_certification = fast_constructor(Certification)


@dataclass(frozen=True, slots=True)
class Review(_Sourced):
    """A signed performance review."""

    date: dt.date
    rating: str
    period: str | None
    reviewer: str | None
    source: Source


_new_review = fast_constructor(Review)


@dataclass(frozen=True, slots=True)
class AssessmentResult(_Sourced):
    """One attempt at a catalog assessment."""

    id: str
    date: dt.date
    result: str  # "pass" | "fail"
    assessor: str | None
    source: Source

    @property
    def passed(self) -> bool:
        return self.result == "pass"


_new_assessment_result = fast_constructor(AssessmentResult)


@dataclass(frozen=True, slots=True)
class Accomplishment(_Sourced):
    """A course, project, presentation ... tagged with catalog activity tags."""

    title: str
    date: dt.date
    tags: tuple[str, ...]
    description: str | None
    source: Source


_new_accomplishment = fast_constructor(Accomplishment)


@dataclass(frozen=True, slots=True)
class Attestation(_Sourced):
    """A manager or committee vouches for a judgement criterion."""

    criterion: str
    by: str
    date: dt.date
    note: str | None
    source: Source


_new_attestation = fast_constructor(Attestation)


@dataclass(frozen=True, slots=True)
class Waiver(_Sourced):
    """An approved exception: `criterion` counts as met until `expires` (if any)."""

    criterion: str
    approver: str
    reason: str
    date: dt.date
    expires: dt.date | None
    source: Source

    def active_on(self, as_of: dt.date) -> bool:
        """Granted on or before `as_of` and not yet expired (`expires` is the first invalid day)."""
        return self.date <= as_of and (self.expires is None or self.expires > as_of)


_new_waiver = fast_constructor(Waiver)


@dataclass(frozen=True, slots=True)
class EngagementScore(_Sourced):
    """An engagement-survey score for one year."""

    year: int
    score: float
    source: Source


_new_engagement_score = fast_constructor(EngagementScore)


@dataclass(frozen=True, slots=True)
class PhaseCompletion(_Sourced):
    """A training-plan phase the person completed, and who signed it off."""

    phase: str
    date: dt.date
    source: Source
    signed_off_by: str | None = None
    note: str | None = None


_new_phase_completion = fast_constructor(PhaseCompletion)


@dataclass(frozen=True, slots=True)
class TrainingEnrolment(_Sourced):
    """A training plan the person started on `start` (day 1), and the phases done so far."""

    plan: str
    start: dt.date
    source: Source
    completed: tuple[PhaseCompletion, ...] = ()


_new_training_enrolment = fast_constructor(TrainingEnrolment)


@dataclass(frozen=True, slots=True)
class StaffRecord(_Sourced):
    """One person: where they are on which ladder, and the evidence on file for them."""

    id: str
    name: str
    ladder: str
    level: str
    hire_date: dt.date
    status: str  # active | leave | terminated | retired
    level_history: tuple[LevelHistoryEntry, ...]
    source: Source
    hire_date_source: Source
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

    @property
    def hire_date_location(self) -> Location:
        """Where `hireDate` was read."""
        return self.hire_date_source.location

    @classmethod
    def from_document(cls, doc: Document) -> StaffRecord:
        """Build from a validated `StaffRecord` document.

        The item sections (certifications, reviews, ...) are built from `doc` when first read:
        the document must not be changed afterwards (as for the `Source` of every item).
        """
        return _staff_from_document(doc)


# --- parsing -----------------------------------------------------------------------------------
# A department holds ~20 items per person, some 200,000 for 10,000 staff. A record's own fields
# are read when it is built; each section of items by its function below, when first read (see
# `_LazySection`). The items are built by `fast_constructor`s, with positional arguments in field
# order, and keep a `Source` rather than a resolved `Location`.


def _items(data: Mapping[str, Any], key: str) -> Sequence[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else ()


def _opt_str(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    return None if value is None else str(value)


def _day(value: Any, field: str) -> date:
    """`parse_date`, with a shortcut for dates already seen."""
    try:
        return _DATES[value]
    except (KeyError, TypeError):
        return parse_date(value, field=field)


def _opt_day(value: Any, field: str) -> date | None:
    return None if value is None else _day(value, field)


# The JSON path of item i of a section, shared by every record: (section, i).
_PATHS: dict[str, list[tuple[str, int]]] = {}


def _paths(section: str, count: int) -> list[tuple[str, int]]:
    paths = _PATHS.get(section)
    if paths is None:
        paths = _PATHS[section] = []
    while len(paths) < count:
        paths.append((section, len(paths)))
    return paths


def _staff_from_document(doc: Document) -> StaffRecord:
    data: Mapping[str, Any] = doc.data
    return _new_unbuilt_staff_record(
        id=str(data["id"]),
        name=str(data["name"]),
        email=_opt_str(data, "email"),
        ladder=str(data["ladder"]),
        level=str(data["level"]),
        position=_opt_str(data, "position"),
        hire_date=parse_date(data["hireDate"], field="hireDate"),
        hire_date_source=Source(doc, ("hireDate",)),
        status=str(data["status"]),
        end_date=parse_optional_date(data.get("endDate"), field="endDate"),
        end_reason=_opt_str(data, "endReason"),
        manager=_opt_str(data, "manager"),
        site=_opt_str(data, "site"),
        shift=_opt_str(data, "shift"),
        source=Source(doc, ()),
    )


def _prior_experience(doc: Document, items: Sequence[Any]) -> tuple[PriorExperience, ...]:
    if not items:
        return ()
    new, paths = _new_prior_experience, _paths("priorExperience", len(items))
    return tuple(
        [
            new(
                str(p["employer"]),
                _opt_str(p, "role"),
                _day(p["from"], "priorExperience.from"),
                _day(p["to"], "priorExperience.to"),
                Source(doc, paths[i]),
            )
            for i, p in enumerate(items)
        ]
    )


def _level_history(
    doc: Document, items: Sequence[Any], ladder: str
) -> tuple[LevelHistoryEntry, ...]:
    if not items:
        return ()
    new, paths = _new_level_history_entry, _paths("levelHistory", len(items))
    return tuple(
        [
            new(
                str(h.get("ladder") or ladder),
                str(h["level"]),
                _day(h["effective"], "levelHistory.effective"),
                _opt_str(h, "reason"),
                Source(doc, paths[i]),
            )
            for i, h in enumerate(items)
        ]
    )


def _certifications(doc: Document, items: Sequence[Any]) -> tuple[Certification, ...]:
    if not items:
        return ()
    new, paths = _new_certification, _paths("certifications", len(items))
    return tuple(
        [
            new(
                str(c["id"]),
                _day(c["earned"], "certifications.earned"),
                _opt_day(c.get("expires"), "certifications.expires"),
                _opt_str(c, "number"),
                Source(doc, paths[i]),
            )
            for i, c in enumerate(items)
        ]
    )


def _reviews(doc: Document, items: Sequence[Any]) -> tuple[Review, ...]:
    if not items:
        return ()
    new, paths = _new_review, _paths("reviews", len(items))
    return tuple(
        [
            new(
                _day(r["date"], "reviews.date"),
                str(r["rating"]),
                _opt_str(r, "period"),
                _opt_str(r, "reviewer"),
                Source(doc, paths[i]),
            )
            for i, r in enumerate(items)
        ]
    )


def _assessments(doc: Document, items: Sequence[Any]) -> tuple[AssessmentResult, ...]:
    if not items:
        return ()
    new, paths = _new_assessment_result, _paths("assessments", len(items))
    return tuple(
        [
            new(
                str(a["id"]),
                _day(a["date"], "assessments.date"),
                str(a["result"]),
                _opt_str(a, "assessor"),
                Source(doc, paths[i]),
            )
            for i, a in enumerate(items)
        ]
    )


def _accomplishments(doc: Document, items: Sequence[Any]) -> tuple[Accomplishment, ...]:
    if not items:
        return ()
    new, paths = _new_accomplishment, _paths("accomplishments", len(items))
    return tuple(
        [
            new(
                str(a["title"]),
                _day(a["date"], "accomplishments.date"),
                tuple(map(str, a.get("tags") or ())),
                _opt_str(a, "description"),
                Source(doc, paths[i]),
            )
            for i, a in enumerate(items)
        ]
    )


def _attestations(doc: Document, items: Sequence[Any]) -> tuple[Attestation, ...]:
    if not items:
        return ()
    new, paths = _new_attestation, _paths("attestations", len(items))
    return tuple(
        [
            new(
                str(a["criterion"]),
                str(a["by"]),
                _day(a["date"], "attestations.date"),
                _opt_str(a, "note"),
                Source(doc, paths[i]),
            )
            for i, a in enumerate(items)
        ]
    )


def _waivers(doc: Document, items: Sequence[Any]) -> tuple[Waiver, ...]:
    if not items:
        return ()
    new, paths = _new_waiver, _paths("waivers", len(items))
    return tuple(
        [
            new(
                str(w["criterion"]),
                str(w["approver"]),
                str(w["reason"]),
                _day(w["date"], "waivers.date"),
                _opt_day(w.get("expires"), "waivers.expires"),
                Source(doc, paths[i]),
            )
            for i, w in enumerate(items)
        ]
    )


def _engagement(doc: Document, items: Sequence[Any]) -> tuple[EngagementScore, ...]:
    if not items:
        return ()
    new, paths = _new_engagement_score, _paths("engagement", len(items))
    return tuple(
        [new(int(e["year"]), float(e["score"]), Source(doc, paths[i])) for i, e in enumerate(items)]
    )


def _training(doc: Document, items: Sequence[Any]) -> tuple[TrainingEnrolment, ...]:
    if not items:
        return ()
    return tuple(
        [
            _new_training_enrolment(
                str(t["plan"]),
                _day(t["start"], "training.start"),
                Source(doc, ("training", i)),
                tuple(
                    [
                        _new_phase_completion(
                            str(c["phase"]),
                            _day(c["date"], "training.completed.date"),
                            Source(doc, ("training", i, "completed", j)),
                            _opt_str(c, "signedOffBy"),
                            _opt_str(c, "note"),
                        )
                        for j, c in enumerate(_items(t, "completed"))
                    ]
                ),
            )
            for i, t in enumerate(items)
        ]
    )


# What the slot of a section not built yet holds (never seen outside this module).
_UNBUILT: Any = object()


class _LazySection:
    """A `StaffRecord` item section, built from the record's document when first read.

    Most commands use a few sections of a few records, yet a department has ~20 items per
    person: `from_document` fills in a record's own fields and puts `_UNBUILT` in the slot of
    each section. This descriptor wraps the slot: reading `_UNBUILT` builds the section from the
    document (`record.source.document`) and keeps it there instead. A record made any other way
    has its sections from the start. Either way a section reads, compares, hashes, copies and
    pickles as an ordinary field does (dataclasses read fields by name).
    """

    __slots__ = ("build", "slot")

    def __init__(self, slot: Any, build: Callable[[Document, StaffRecord], tuple[Any, ...]]):
        self.slot = slot  # the member descriptor Python made for the field's slot
        self.build = build

    def __get__(self, record: StaffRecord | None, owner: type | None = None) -> Any:
        if record is None:
            return self
        value = self.slot.__get__(record, owner)
        if value is _UNBUILT:
            value = self.build(record.source.document, record)
            self.slot.__set__(record, value)
        return value

    def __set__(self, record: StaffRecord, value: Any) -> None:
        self.slot.__set__(record, value)

    def __delete__(self, record: StaffRecord) -> None:
        self.slot.__delete__(record)


def _from(key: str, build: Callable[[Document, Sequence[Any]], tuple[Any, ...]]) -> Any:
    """A section builder: the items under `key` in the record's document."""
    return lambda doc, record: build(doc, _items(doc.data, key))


_SECTIONS: dict[str, Callable[[Document, StaffRecord], tuple[Any, ...]]] = {
    "prior_experience": _from("priorExperience", _prior_experience),
    "level_history": lambda doc, record: _level_history(
        doc, _items(doc.data, "levelHistory"), record.ladder
    ),
    "certifications": _from("certifications", _certifications),
    "reviews": _from("reviews", _reviews),
    "assessments": _from("assessments", _assessments),
    "accomplishments": _from("accomplishments", _accomplishments),
    "attestations": _from("attestations", _attestations),
    "waivers": _from("waivers", _waivers),
    "engagement": _from("engagement", _engagement),
    "training": _from("training", _training),
}
for _name, _build in _SECTIONS.items():
    setattr(StaffRecord, _name, _LazySection(vars(StaffRecord)[_name], _build))
del _name, _build

_new_unbuilt_staff_record: Callable[..., StaffRecord] = _constructor(
    StaffRecord, fixed=dict.fromkeys(_SECTIONS, _UNBUILT)
)
