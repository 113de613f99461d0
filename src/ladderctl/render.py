"""Documents people sign: IDPs and mentorship agreements rendered through templates.

The pipeline is records -> a plain context dict -> a template -> bytes:

* `Paperwork.from_documents` indexes the department (staff, ladders), plans, agreements and
  programs of a loaded repository; `find_plan` / `find_agreement` pick the record a command names.
* `idp_context` / `agreement_context` build plain, JSON-compatible dicts (dates as YYYY-MM-DD
  strings). The ladder context of an IDP is computed with `check_eligibility`, never typed.
* `render_document` turns a context into bytes: Markdown and HTML through Jinja2 in an immutable
  sandbox with strict undefined variables; Word through docxtpl; PDF through typst. Templates are
  looked up in the given folders first, then in the ones shipped with ladderctl.

Nothing here reads the clock (a stamp is passed in), prints or writes files.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import io
import json
import re
import struct
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal

from markupsafe import Markup

from ladderctl.advancement import EligibilityReport, check_eligibility
from ladderctl.department import Department, DepartmentError
from ladderctl.loading import Document
from ladderctl.resources import data_dir
from ladderctl.staff import StaffRecord, add_months

__all__ = [
    "EXTRA_BY_FORMAT",
    "FORMATS",
    "KINDS",
    "SUFFIX_BY_FORMAT",
    "Format",
    "Kind",
    "MissingExtra",
    "NoPlan",
    "Paper",
    "Paperwork",
    "RenderError",
    "TemplateProblem",
    "UnknownRecord",
    "agreement_context",
    "check_format_available",
    "escape_markdown",
    "idp_context",
    "ladder_context",
    "render_document",
    "shipped_templates",
    "template_file_name",
]

Kind = Literal["idp", "agreement"]
Format = Literal["md", "html", "docx", "pdf"]
Paper = Literal["letter", "a4"]

KINDS: tuple[Kind, ...] = ("idp", "agreement")
FORMATS: tuple[Format, ...] = ("md", "html", "docx", "pdf")
SUFFIX_BY_FORMAT: Mapping[str, str] = {"md": ".md", "html": ".html", "docx": ".docx", "pdf": ".pdf"}
# Formats that need an optional extra, and the module that extra installs.
EXTRA_BY_FORMAT: Mapping[str, tuple[str, str]] = {
    "docx": ("docx", "docxtpl"),
    "pdf": ("pdf", "typst"),
}

DOCUMENT_TITLES: Mapping[str, str] = {
    "idp": "Individual Development Plan",
    "agreement": "Mentorship Agreement",
}
NOT_A_PIP = (
    "An Individual Development Plan is a growth plan that the employee and their manager agree "
    "on together. It is not a performance improvement plan (PIP), and it is not a promise of "
    "promotion: the ladder context shows what the ladder asks for, so that the plan is grounded "
    "in it."
)
STATUS_TEXT: Mapping[str, str] = {
    "not-started": "not started",
    "in-progress": "in progress",
    "done": "done",
    "dropped": "dropped",
    "on-track": "on track",
    "concerns": "concerns",
    "ended": "ended",
}
CRITERION_STATUS_TEXT: Mapping[str, str] = {
    "met": "met",
    "not-met": "not met",
    "met-on": "met on",
    "needs-evidence": "needs evidence",
    "waived": "waived",
}
EXCEPTION_TEXT: Mapping[str, str] = {
    "patient-safety": "a risk to patient safety",
    "legal": "anything the law requires to be reported",
    "policy": "a breach of health-system or department policy",
    "harm": "a risk of harm to the mentee or to others",
}
FREQUENCY_TEXT: Mapping[str, str] = {
    "weekly": "every week",
    "biweekly": "every two weeks",
    "monthly": "every month",
    "quarterly": "every three months",
}
MODE_TEXT: Mapping[str, str] = {
    "in-person": "in person",
    "video": "by video call",
    "phone": "by phone",
    "mixed": "in person or by video/phone, as suits",
}
ROLE_TITLES: Mapping[str, str] = {
    "employee": "Employee",
    "manager": "Manager",
    "mentor": "Mentor",
    "mentee": "Mentee",
    "coordinator": "Program coordinator",
}
PAPER_CSS: Mapping[str, str] = {"letter": "Letter", "a4": "A4"}
PAPER_TYPST: Mapping[str, str] = {"letter": "us-letter", "a4": "a4"}
# Zip entries need a date; 1980-01-01 00:00 is the earliest a zip can hold (DOS time, date).
_DOS_EPOCH = (0, (0 << 9) | (1 << 5) | 1)


# --- errors ------------------------------------------------------------------------------------


class RenderError(Exception):
    """Base class for everything that stops a document from being rendered."""


class UnknownRecord(RenderError, LookupError):
    """Raised when a plan or agreement id (or a mentor:mentee pair) is not in the repository."""


class NoPlan(RenderError, LookupError):
    """Raised when a person exists but has no development plan."""


class MissingExtra(RenderError):
    """Raised when a format needs an optional dependency that is not installed."""

    def __init__(self, fmt: str, extra: str) -> None:
        super().__init__(
            f"--format {fmt} needs the optional '{extra}' extra: pip install 'ladderctl[{extra}]'"
        )
        self.format = fmt
        self.extra = extra


class TemplateProblem(RenderError):
    """Raised when a template cannot be rendered: syntax error, unknown filter, undefined
    field, sandbox violation or an error inside the template; says where and what."""

    def __init__(self, template: str, line: int | None, problem: str, source: str = "") -> None:
        where = f"{template}:{line}" if line is not None else template
        text = f"{where}: {problem}"
        if source:
            text += f" (in: {source})"
        super().__init__(text)
        self.template = template
        self.line = line
        self.problem = problem
        self.source = source


# --- the records -------------------------------------------------------------------------------


def _day(value: object) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass
class Paperwork:
    """The records documents are rendered from: the department plus plans, agreements and
    programs by id (plain validated data, as loaded)."""

    department: Department
    plans: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    agreements: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    programs: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    paths: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def from_documents(cls, documents: Iterable[Document]) -> Paperwork:
        docs = list(documents)
        paperwork = cls(Department.from_documents(docs))
        for doc in docs:
            paperwork.add(doc)
        return paperwork

    def add(self, doc: Document) -> str | None:
        """Index one DevelopmentPlan, MentorshipAgreement or MentorshipProgram; returns its
        kind ("idp", "agreement", "program") or None for other records."""
        data = doc.data
        kind = doc.kind
        if kind == "DevelopmentPlan":
            self.plans[data["id"]] = data
            self.paths[("idp", data["id"])] = doc.path
            return "idp"
        if kind == "MentorshipAgreement":
            self.agreements[data["id"]] = data
            self.paths[("agreement", data["id"])] = doc.path
            return "agreement"
        if kind == "MentorshipProgram":
            self.programs[data["id"]] = data
            return "program"
        return None

    def find_plan(self, name: str, *, as_of: date) -> Mapping[str, Any]:
        """A plan by id, or a person's plan: the one whose period contains `as_of`, else the
        latest. Raises `UnknownRecord` or `NoPlan`."""
        if name in self.plans:
            return self.plans[name]
        if name not in self.department.staff:
            close = _close(name, [*self.plans, *self.department.staff])
            raise UnknownRecord(f"no staff record or development plan '{name}'{close}")
        theirs = [p for p in self.plans.values() if p["person"] == name]
        if not theirs:
            person = self.department.person(name)
            with_plans = sorted({p["person"] for p in self.plans.values()})
            raise NoPlan(
                f"{person.name} ({name}) has no development plan"
                f" (people with one: {_listing(with_plans)})"
            )
        return _pick(
            theirs, as_of, lambda p: (_day(p["period"]["start"]), _day(p["period"]["end"]))
        )

    def find_agreement(self, name: str, *, as_of: date) -> Mapping[str, Any]:
        """An agreement by id or by `MENTOR:MENTEE`: the one in force on `as_of`, else the
        latest. Raises `UnknownRecord` or `UnknownPerson`."""
        if name in self.agreements:
            return self.agreements[name]
        if ":" not in name:
            close = _close(name, list(self.agreements))
            raise UnknownRecord(
                f"no mentorship agreement '{name}'{close} "
                f"(write an agreement id or MENTOR:MENTEE; agreements: "
                f"{_listing(sorted(self.agreements))})"
            )
        mentor, _, mentee = name.partition(":")
        for person in (mentor, mentee):
            self.department.person(person)
        pairs = [
            a for a in self.agreements.values() if a["mentor"] == mentor and a["mentee"] == mentee
        ]
        if not pairs:
            reverse = any(
                a["mentor"] == mentee and a["mentee"] == mentor for a in self.agreements.values()
            )
            theirs = sorted(
                f"{a['mentor']}:{a['mentee']}"
                for a in self.agreements.values()
                if {a["mentor"], a["mentee"]} & {mentor, mentee}
            )
            hint = (
                f" (write MENTOR:MENTEE: {mentee}:{mentor} has one)"
                if reverse
                else f" (their agreements: {_listing(theirs)})"
            )
            raise UnknownRecord(
                f"no mentorship agreement with mentor {mentor} and mentee {mentee}{hint}"
            )
        return _pick(pairs, as_of, lambda a: (_day(a["start"]), _agreement_end(a, self.programs)))


def _pick(
    records: Sequence[Mapping[str, Any]],
    as_of: date,
    period: Callable[[Mapping[str, Any]], tuple[date, date | None]],
) -> Mapping[str, Any]:
    def key(record: Mapping[str, Any]) -> tuple[date, date, str]:
        start, end = period(record)
        return (start, end or date.max, str(record["id"]))

    ordered = sorted(records, key=key)
    current = [r for r in ordered if period(r)[0] <= as_of <= (period(r)[1] or date.max)]
    return (current or ordered)[-1]


def _agreement_end(agreement: Mapping[str, Any], programs: Mapping[str, Any]) -> date | None:
    if "end" in agreement:
        return _day(agreement["end"])
    program = programs.get(agreement["program"])
    return _day(program["cycle"]["end"]) if program is not None else None


def _listing(names: Sequence[str], limit: int = 10) -> str:
    if not names:
        return "none"
    more = len(names) - limit
    shown = ", ".join(names[:limit])
    return f"{shown}, ... {more} more" if more > 0 else shown


def _close(name: str, candidates: Sequence[str]) -> str:
    import difflib

    found = difflib.get_close_matches(name, candidates, n=3)
    return f" (did you mean {', '.join(found)}?)" if found else ""


# --- contexts ----------------------------------------------------------------------------------


def _stamp_text(stamp: datetime | None) -> str | None:
    if stamp is None:
        return None
    return stamp.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _person(department: Department, person_id: str) -> dict[str, Any]:
    """Name, position, ladder and level titles and site of a staff member."""
    record = department.person(person_id)
    ladder_title = record.ladder
    level_title = record.level
    ladder = department.ladders.get(record.ladder)
    if ladder is not None:
        ladder_title = ladder.title
        level = ladder.level(record.level)
        if level is not None:
            level_title = level.title
    return {
        "id": record.id,
        "name": record.name,
        "position": record.position or level_title,
        "email": record.email,
        "site": record.site,
        "ladder": {"id": record.ladder, "title": ladder_title},
        "level": {"id": record.level, "title": level_title},
    }


def _level_title(department: Department, ladder: str, level: str) -> str:
    try:
        return department.level(ladder, level).title
    except DepartmentError:
        return level


def _phrase(text: str) -> str:
    """A description as part of a sentence: 'Completed a course' -> 'completed a course'
    (acronyms such as 'CPhT ...' keep their capitals)."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _target_for(plan: Mapping[str, Any], person: StaffRecord) -> str | None:
    """The plan's target as a `check_eligibility` target (None: the next level)."""
    target = plan.get("target")
    if not target:
        return None
    if target["ladder"] == person.ladder:
        return str(target["level"])
    return f"{target['ladder']}/{target['level']}"


def _assess(
    person: StaffRecord, department: Department, *, as_of: date, target: str | None
) -> tuple[EligibilityReport, str | None]:
    """Eligibility for the plan's target, or the next level with a note when the target cannot
    be assessed (the person has reached it since, or it is not a step from their level)."""
    try:
        return check_eligibility(person, department, as_of=as_of, target=target), None
    except DepartmentError as error:
        if target is None:
            raise
        note = f"The plan's target cannot be assessed ({error}); showing the next level instead."
        return check_eligibility(person, department, as_of=as_of), note


def ladder_context(
    person: StaffRecord, department: Department, *, as_of: date, target: str | None = None
) -> dict[str, Any]:
    """What the ladder asks of `person` for `target` (default: the next level), as of `as_of`:
    the next level's title, the gaps and the time-based items still pending, and a summary
    such as "To reach Pharmacy Technician III: ...; 1 year in level, on 2027-06-01."."""
    report, note = _assess(person, department, as_of=as_of, target=target)
    return _ladder_from_report(report, department, note)


def _ladder_from_report(
    report: EligibilityReport, department: Department, note: str | None
) -> dict[str, Any]:
    target = report.target
    current = _level_title(department, report.ladder, report.level)
    items: list[dict[str, Any]] = []
    for gap in report.gaps:
        items.append(
            {
                "id": gap.id,
                "description": gap.description,
                "needed": gap.needed,
                "status": gap.status,
                "status_text": CRITERION_STATUS_TEXT.get(gap.status, gap.status),
                "met_on": None,
                "advice": gap.advice,
            }
        )
    for row in report.pending:
        items.append(
            {
                "id": row.id,
                "description": row.description,
                "needed": row.needed,
                "status": row.status,
                "status_text": f"met on {_iso(row.met_on)}",
                "met_on": _iso(row.met_on),
                "advice": row.advice,
            }
        )
    as_of = report.as_of.isoformat()
    if target is None:
        ladder = department.ladders.get(report.ladder)
        title = ladder.title if ladder is not None else report.ladder
        return {
            "as_of": as_of,
            "verdict": report.verdict,
            "current_title": current,
            "target": None,
            "requirements": [],
            "eligible_on": None,
            "summary": f"{current} is the top of the {title}: there is no higher level to reach "
            "on this ladder.",
            "note": note,
            "warnings": list(report.warnings),
        }
    target_title = _level_title(department, target.ladder, target.level)
    target_ladder = department.ladders.get(target.ladder)
    parts = [
        _phrase(item["description"]) + (f", on {item['met_on']}" if item["met_on"] else "")
        for item in items
    ]
    if report.verdict == "eligible-now":
        summary = f"Meets every requirement for {target_title} as of {as_of}."
    else:
        summary = f"To reach {target_title}: {'; '.join(parts)}."
    return {
        "as_of": as_of,
        "verdict": report.verdict,
        "current_title": current,
        "target": {
            "ladder": target.ladder,
            "ladder_title": target_ladder.title if target_ladder is not None else target.ladder,
            "level": target.level,
            "title": target_title,
            "transition": target.transition,
        },
        "requirements": items,
        "eligible_on": _iso(report.eligible_on),
        "summary": summary,
        "note": note,
        "warnings": list(report.warnings),
    }


def _quarters(start: date, end: date) -> list[tuple[date, date]]:
    quarters: list[tuple[date, date]] = []
    k = 0
    while True:
        first = add_months(start, 3 * k)
        if first > end:
            return quarters
        last = min(add_months(start, 3 * (k + 1)) - timedelta(days=1), end)
        quarters.append((first, last))
        k += 1


def _name(department: Department, person_id: str) -> str:
    record = department.staff.get(person_id)
    return record.name if record is not None else person_id


def _review_log(
    plan: Mapping[str, Any], department: Department, as_of: date
) -> list[dict[str, Any]]:
    """One row per review, in its plan quarter; an empty row for each quarter still to come
    without a review, and a 'no review recorded' row for a past quarter without one."""
    start, end = _day(plan["period"]["start"]), _day(plan["period"]["end"])
    reviews = sorted(plan.get("reviews", []), key=lambda r: str(r["date"]))
    rows: list[dict[str, Any]] = []
    used: set[int] = set()

    def row(label: str | None, first: date | None, last: date | None, **values: Any) -> None:
        base: dict[str, Any] = {
            "quarter": label,
            "quarter_start": _iso(first),
            "quarter_end": _iso(last),
            "date": None,
            "by": None,
            "progress": None,
            "notes": None,
            "upcoming": False,
            "missed": False,
        }
        base.update(values)
        rows.append(base)

    def review_values(review: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "date": str(review["date"]),
            "by": _name(department, review["by"]),
            "progress": review.get("progress"),
            "notes": review.get("notes"),
        }

    early = [i for i, r in enumerate(reviews) if _day(r["date"]) < start]
    for i in early:
        used.add(i)
        row(None, None, None, **review_values(reviews[i]))
    for number, (first, last) in enumerate(_quarters(start, end), start=1):
        label = f"Q{number}"
        inside = [i for i, r in enumerate(reviews) if first <= _day(r["date"]) <= last]
        for i in inside:
            used.add(i)
            row(label, first, last, **review_values(reviews[i]))
        if not inside:
            if last < as_of:
                row(label, first, last, missed=True)
            else:
                row(label, first, last, upcoming=True)
    for i, review in enumerate(reviews):
        if i not in used:
            row(None, None, None, **review_values(review))
    return rows


def _signatures(
    roles: Sequence[tuple[str, str | None]],
    signed: Sequence[Mapping[str, Any]],
    department: Department,
) -> list[dict[str, Any]]:
    """A line per role: who signs (the recorded signer, else the expected one) and when."""
    lines = []
    for role, expected in roles:
        record = next((s for s in signed if s["role"] == role), None)
        person = record["person"] if record is not None else expected
        lines.append(
            {
                "role": role,
                "role_title": ROLE_TITLES.get(role, role),
                "person": person,
                "name": _name(department, person) if person is not None else None,
                "date": str(record["date"]) if record is not None else None,
                "signed": record is not None,
            }
        )
    return lines


def _criterion_rows(report_items: Iterable[Any]) -> dict[str, Any]:
    return {row.id: row for row in report_items}


def idp_context(
    plan: Mapping[str, Any],
    paperwork: Paperwork,
    *,
    as_of: date,
    stamp: datetime | None = None,
    paper: Paper = "letter",
) -> dict[str, Any]:
    """Everything an IDP template shows, as plain JSON-compatible data."""
    department = paperwork.department
    record = department.person(plan["person"])
    report, note = _assess(record, department, as_of=as_of, target=_target_for(plan, record))
    ladder = _ladder_from_report(report, department, note)
    rows = _criterion_rows(report.criteria)
    objectives = []
    for objective in plan["objectives"]:
        criterion = None
        criterion_id = objective.get("criterion")
        if criterion_id is not None:
            row = rows.get(criterion_id)
            criterion = {
                "id": criterion_id,
                "description": row.description if row is not None else None,
                "status": row.status if row is not None else None,
                "status_text": _row_status(row) if row is not None else None,
            }
        objectives.append(
            {
                "id": objective["id"],
                "description": objective["description"],
                "measure": objective["measure"],
                "due": str(objective["due"]),
                "status": objective["status"],
                "status_text": STATUS_TEXT.get(objective["status"], objective["status"]),
                "criterion": criterion,
            }
        )
    actions = plan["actions"]
    plan_target = plan.get("target")
    return {
        "kind": "idp",
        "title": DOCUMENT_TITLES["idp"],
        "subtitle": "A Partnership for Growth",
        "id": plan["id"],
        "as_of": as_of.isoformat(),
        "generated": _stamp_text(stamp),
        "paper": {"name": paper, "css": PAPER_CSS[paper], "typst": PAPER_TYPST[paper]},
        "person": _person(department, plan["person"]),
        "manager": _person(department, plan["manager"]),
        "period": {"start": str(plan["period"]["start"]), "end": str(plan["period"]["end"])},
        "target": None
        if not plan_target
        else {
            "ladder": plan_target["ladder"],
            "level": plan_target["level"],
            "title": _level_title(department, plan_target["ladder"], plan_target["level"]),
        },
        "aspirations": list(plan["aspirations"]),
        "strengths": list(plan.get("strengths", [])),
        "development_areas": list(plan.get("developmentAreas", [])),
        "objectives": objectives,
        "actions": {
            "employee": [
                {
                    "step": step["step"],
                    "due": str(step["due"]) if "due" in step else None,
                    "done": bool(step.get("done", False)),
                }
                for step in actions.get("employee", [])
            ],
            "manager": [
                {
                    "commitment": item["commitment"],
                    "due": str(item["due"]) if "due" in item else None,
                    "done": bool(item.get("done", False)),
                }
                for item in actions.get("manager", [])
            ],
        },
        "reviews": _review_log(plan, department, as_of),
        "signatures": _signatures(
            [("employee", plan["person"]), ("manager", plan["manager"])],
            plan.get("signatures", []),
            department,
        ),
        "ladder": ladder,
        "note": NOT_A_PIP,
    }


def _row_status(row: Any) -> str:
    if row.status == "met-on" and row.met_on is not None:
        return f"met on {row.met_on.isoformat()}"
    return CRITERION_STATUS_TEXT.get(row.status, row.status)


def _check_in_schedule(
    agreement: Mapping[str, Any], start: date, end: date | None, every: int | None
) -> list[dict[str, Any]]:
    """Planned check-ins every `every` months from the start (within the period), each with
    the recorded check-in nearest to it; recorded check-ins that fit no slot get their own row."""
    recorded = sorted(agreement.get("checkIns", []), key=lambda c: str(c["date"]))
    planned: list[date] = []
    if every:
        k = 1
        limit = end or add_months(start, 12)
        while (when := add_months(start, every * k)) <= limit:
            planned.append(when)
            k += 1
    slots: dict[int, Mapping[str, Any]] = {}
    extra: list[Mapping[str, Any]] = []
    for check in recorded:
        day = _day(check["date"])
        free = [i for i in range(len(planned)) if i not in slots]
        if not free:
            extra.append(check)
            continue
        best = min(free, key=lambda i: (abs((planned[i] - day).days), i))
        slots[best] = check
    rows: list[dict[str, Any]] = []
    for i, when in enumerate(planned):
        check = slots.get(i)
        rows.append({"number": i + 1, "planned": when.isoformat(), **_check_values(check)})
    for check in extra:
        rows.append({"number": None, "planned": None, **_check_values(check)})
    rows.sort(key=lambda r: (r["planned"] or r["date"] or "", r["date"] or ""))
    return rows


def _check_values(check: Mapping[str, Any] | None) -> dict[str, Any]:
    if check is None:
        return {
            "date": None,
            "by": None,
            "by_name": None,
            "status": None,
            "status_text": None,
            "notes": None,
            "done": False,
        }
    return {
        "date": str(check["date"]),
        "by": check["by"],
        "by_name": None,  # filled in by agreement_context
        "status": check.get("status"),
        "status_text": STATUS_TEXT.get(check.get("status") or "", check.get("status")),
        "notes": check.get("notes"),
        "done": True,
    }


def _notice_text(days: int) -> str:
    if days == 0:
        notice = "with immediate effect"
    elif days == 1:
        notice = "by giving one day's notice"
    else:
        notice = f"by giving {days} days' notice"
    return (
        "Either of us may end this partnership at any time, without giving a reason and "
        f"without fault, {notice} to the other and to the program coordinator."
    )


def agreement_context(
    agreement: Mapping[str, Any],
    paperwork: Paperwork,
    *,
    as_of: date,
    stamp: datetime | None = None,
    paper: Paper = "letter",
) -> dict[str, Any]:
    """Everything a mentorship agreement template shows, as plain JSON-compatible data."""
    department = paperwork.department
    program = paperwork.programs.get(agreement["program"])
    start = _day(agreement["start"])
    end = _agreement_end(agreement, paperwork.programs)
    every = None
    program_context: dict[str, Any] = {"id": agreement["program"], "title": agreement["program"]}
    program_context.update(description=None, cycle=None, committee=[], check_in_months=None)
    if program is not None:
        every = int(program["meetings"]["checkInMonths"])
        program_context.update(
            title=program["title"],
            description=program.get("description"),
            cycle={"start": str(program["cycle"]["start"]), "end": str(program["cycle"]["end"])},
            committee=[_name(department, p) for p in program.get("committee", [])],
            check_in_months=every,
        )
    goals = []
    for goal in agreement["goals"]:
        link = goal.get("idpObjective")
        objective = None
        if link is not None:
            plan_id, _, objective_id = link.partition("#")
            plan = paperwork.plans.get(plan_id)
            found = None
            if plan is not None:
                found = next((o for o in plan["objectives"] if o["id"] == objective_id), None)
            objective = {
                "ref": link,
                "plan": plan_id,
                "id": objective_id,
                "found": found is not None,
                "description": found["description"] if found else None,
                "measure": found["measure"] if found else None,
                "due": str(found["due"]) if found else None,
                "status_text": STATUS_TEXT.get(found["status"], found["status"]) if found else None,
            }
        goals.append({"description": goal["description"], "idp_objective": objective})
    schedule = _check_in_schedule(agreement, start, end, every)
    for row in schedule:
        if row["by"] is not None:
            row["by_name"] = _name(department, row["by"])
    meetings = agreement["meetings"]
    notice = int(agreement["terminationNoticeDays"])
    confidentiality = agreement["confidentiality"]
    return {
        "kind": "agreement",
        "title": DOCUMENT_TITLES["agreement"],
        "id": agreement["id"],
        "as_of": as_of.isoformat(),
        "generated": _stamp_text(stamp),
        "paper": {"name": paper, "css": PAPER_CSS[paper], "typst": PAPER_TYPST[paper]},
        "mentor": _person(department, agreement["mentor"]),
        "mentee": _person(department, agreement["mentee"]),
        "program": program_context,
        "period": {"start": start.isoformat(), "end": _iso(end)},
        "confidentiality": {
            "agreed": bool(confidentiality["agreed"]),
            "exceptions": [
                {"id": e, "text": EXCEPTION_TEXT.get(e, e)} for e in confidentiality["exceptions"]
            ],
        },
        "meetings": {
            "frequency": meetings["frequency"],
            "frequency_text": FREQUENCY_TEXT.get(meetings["frequency"], meetings["frequency"]),
            "minutes": int(meetings["minutes"]),
            "mode": meetings["mode"],
            "mode_text": MODE_TEXT.get(meetings["mode"], meetings["mode"]),
        },
        "goals": goals,
        "check_ins": {"every_months": every, "schedule": schedule},
        "termination": {
            "notice_days": notice,
            "text": _notice_text(notice),
        },
        "signatures": _signatures(
            [
                ("mentor", agreement["mentor"]),
                ("mentee", agreement["mentee"]),
                ("coordinator", None),
            ],
            agreement.get("signatures", []),
            department,
        ),
    }


# --- escaping ----------------------------------------------------------------------------------

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_MD_LEADING = re.compile(r"^(\s*)([#+=-])")
_MD_NUMBERED = re.compile(r"^(\s*\d+)([.)])")
_NEWLINES = re.compile(r"\r\n?|\n")
_MD_ANY = re.compile(r"[\\`*_\[\]<>|~&\r\n]|^\s*(?:[#+=-]|\d+[.)])")


def escape_markdown(value: object) -> Any:
    """Text that shows literally in Markdown, also inside a table cell.

    Markup characters are backslash-escaped (`\\ ` * _ [ ] < > | ~`, a leading `#`, `-`, `+`,
    `=` or list number), entity-like `&` too; line breaks become `<br>` so a value never starts
    a new block. Returns `Markup`, so escaping twice is harmless.
    """
    if isinstance(value, Markup):
        return value
    text = str(value)
    if _MD_ANY.search(text) is None:  # most values: nothing to escape
        return Markup(text)
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    text = _MD_LEADING.sub(r"\1\\\2", text)
    text = _MD_NUMBERED.sub(r"\1\\\2", text)
    return Markup("<br>".join(_NEWLINES.split(text)))


def css_string(value: object) -> Any:
    """A CSS string literal (with quotes) for `content:`; every non-alphanumeric character is
    written as a hex escape, so nothing can close the string or the `<style>` element."""
    out = []
    for char in str(value):
        if char.isalnum() or char == " ":
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return Markup('"' + "".join(out) + '"')


def _finalize_plain(value: object) -> object:
    return "" if value is None else value


def _finalize_markdown(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) or hasattr(value, "__html__"):
        return escape_markdown(value)
    return value


# --- templates ---------------------------------------------------------------------------------


@functools.cache
def shipped_templates() -> Path:
    """The templates folder that ships with ladderctl."""
    return data_dir("templates")


def template_file_name(kind: str, fmt: str) -> str:
    """`idp.md.j2`, `idp.html.j2`, `idp.docx`, `idp.typ` ..."""
    if fmt in ("md", "html"):
        return f"{kind}.{fmt}.j2"
    if fmt == "docx":
        return f"{kind}.docx"
    if fmt == "pdf":
        return f"{kind}.typ"
    raise ValueError(f"unknown format {fmt!r}")


def _search_path(template_dirs: Sequence[Path]) -> tuple[str, ...]:
    dirs = [str(Path(d)) for d in template_dirs]
    shipped = str(shipped_templates())
    if shipped not in dirs:
        dirs.append(shipped)
    return tuple(dirs)


def _find_file(name: str, search: Sequence[str]) -> Path:
    for folder in search:
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    raise TemplateProblem(name, None, f"no template '{name}' in {', '.join(search)}")


def check_format_available(fmt: str) -> None:
    """Raise `MissingExtra` when `fmt` needs an optional package that is not installed."""
    needed = EXTRA_BY_FORMAT.get(fmt)
    if needed is not None and importlib.util.find_spec(needed[1]) is None:
        raise MissingExtra(fmt, needed[0])


@functools.lru_cache(maxsize=16)
def _environment(flavour: str, search: tuple[str, ...]) -> Any:
    """One sandboxed environment per output flavour and search path (templates are cached).

    "xml" is the flavour docxtpl renders Word XML with: it compiles each part of the document
    with `from_string`, so compiled parts are cached by their source as well.
    """
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class Sandbox(ImmutableSandboxedEnvironment):
        compiled: dict[str, Any]

        def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
            if flavour != "xml" or globals is not None or template_class is not None:
                return super().from_string(source, globals, template_class)
            key = str(source)
            template = self.compiled.get(key)
            if template is None:
                template = super().from_string(source)
                if len(self.compiled) < 64:
                    self.compiled[key] = template
            return template

    loader = ChoiceLoader([FileSystemLoader(folder) for folder in search]) if search else None
    text = flavour in ("md", "html")  # Word XML keeps docxtpl's own whitespace handling
    env = Sandbox(
        loader=loader,
        undefined=StrictUndefined,
        autoescape=flavour in ("html", "xml"),
        keep_trailing_newline=True,
        trim_blocks=text,
        lstrip_blocks=text,
        finalize=_finalize_markdown if flavour == "md" else _finalize_plain,
    )
    env.compiled = {}
    env.filters["md"] = escape_markdown
    env.filters["css_string"] = css_string
    return env


def _template_frame(error: BaseException) -> tuple[str | None, int | None]:
    """The innermost template file and line in a Jinja traceback."""
    found: tuple[str | None, int | None] = (None, None)
    tb = error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.endswith(".py") and not filename.startswith("<"):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _source_line(filename: str | None, line: int | None, source: str | None = None) -> str:
    if line is None:
        return ""
    text = source
    if text is None and filename is not None:
        try:
            text = Path(filename).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
    if text is None:
        return ""
    lines = text.splitlines()
    if 1 <= line <= len(lines):
        snippet = lines[line - 1].strip()
        return snippet if len(snippet) <= 120 else snippet[:117] + "..."
    return ""


_NO_ATTRIBUTE = re.compile(r"has no attribute '([^']+)'|'([^']+)' is undefined")


def _undefined_problem(message: str, source: str) -> str:
    match = _NO_ATTRIBUTE.search(message)
    if match is None:
        return f"undefined value: {message}"
    name = match.group(1) or match.group(2)
    path = re.search(rf"([A-Za-z_][\w.]*)\.{re.escape(name)}\b", source)
    field_name = f"{path.group(1)}.{name}" if path else name
    return f"undefined field '{field_name}': the record has no such value"


def _shown(filename: str) -> str:
    try:
        return Path(filename).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return filename


def _template_problem(error: Exception, name: str, source: str | None = None) -> TemplateProblem:
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    if isinstance(error, TemplateSyntaxError):
        filename = error.filename or name
        line: int | None = error.lineno
        kind = "syntax error" if type(error) is TemplateSyntaxError else "template error"
        problem = f"{kind}: {error.message}"
        shown = _shown(filename) if error.filename else name
        return TemplateProblem(shown, line, problem, _source_line(error.filename, line, source))
    frame_file, line = _template_frame(error)
    shown = _shown(frame_file) if frame_file and Path(frame_file).exists() else name
    snippet = _source_line(frame_file if source is None else None, line, source)
    if isinstance(error, SecurityError):
        problem = f"not allowed in the sandbox: {error}"
    elif isinstance(error, UndefinedError):
        problem = _undefined_problem(str(error), snippet)
    else:
        problem = f"error while rendering ({type(error).__name__}): {error}"
    return TemplateProblem(shown, line, problem, snippet)


def render_document(
    kind: str,
    context: Mapping[str, Any],
    *,
    fmt: str,
    template_dirs: Sequence[Path] = (),
) -> bytes:
    """Render `context` as a `kind` document ("idp" or "agreement") in `fmt`.

    Templates are looked up in `template_dirs` in order, then in the shipped templates. Raises
    `TemplateProblem` for a broken template and `MissingExtra` for docx/pdf without their extra.
    Compiled templates are cached, so rendering many records in a row is cheap; call it from
    one thread at a time (the typst compiler is not thread-safe).
    """
    search = _search_path(template_dirs)
    name = template_file_name(kind, fmt)
    if fmt in ("md", "html"):
        return _render_jinja(name, context, flavour=fmt, search=search)
    check_format_available(fmt)
    if fmt == "docx":
        return _render_docx(_find_file(name, search), context)
    return _render_typst(_find_file(name, search), context)


def _render_jinja(
    name: str, context: Mapping[str, Any], *, flavour: str, search: tuple[str, ...]
) -> bytes:
    from jinja2 import TemplateError, TemplateNotFound

    env = _environment(flavour, search)
    try:
        template = env.get_template(name)
        text: str = template.render(dict(context))
    except TemplateNotFound:
        raise TemplateProblem(name, None, f"no template '{name}' in {', '.join(search)}") from None
    except TemplateError as error:
        raise _template_problem(error, name) from None
    except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as error:
        raise _template_problem(error, name) from None
    return text.encode("utf-8")


# --- Word ------------------------------------------------------------------------------------


def _docx_fixed_time(context: Mapping[str, Any]) -> datetime:
    """Core-property dates: the as-of day (reproducible), or now when a stamp was asked for."""
    generated = context.get("generated")
    if generated:
        return datetime.strptime(str(generated), "%Y-%m-%d %H:%M UTC").replace(tzinfo=timezone.utc)
    return datetime.combine(date.fromisoformat(str(context["as_of"])), datetime.min.time())


@functools.lru_cache(maxsize=8)
def _read_bytes(path: str, mtime: float) -> bytes:
    return Path(path).read_bytes()


def _render_docx(template: Path, context: Mapping[str, Any]) -> bytes:
    docxtpl: Any = importlib.import_module("docxtpl")
    from jinja2 import TemplateError, UndefinedError

    blob = _read_bytes(str(template), template.stat().st_mtime)
    shown = _shown(str(template))
    try:
        document = docxtpl.DocxTemplate(io.BytesIO(blob))
        env = _environment("xml", ())
        document.render(dict(context), jinja_env=env, autoescape=True)
    except UndefinedError as error:
        # Lines count in the Word XML, not in anything HR sees: name the template and field.
        raise TemplateProblem(
            shown, None, _undefined_problem(str(error), _docx_text(blob))
        ) from None
    except TemplateError as error:
        raise TemplateProblem(shown, None, _template_problem(error, shown).problem) from None
    except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as error:
        raise TemplateProblem(shown, None, f"cannot render the Word template: {error}") from None
    except zipfile.BadZipFile:
        raise TemplateProblem(shown, None, "not a Word (.docx) file") from None
    when = _docx_fixed_time(context)
    properties = document.docx.core_properties
    properties.created = when
    properties.modified = when
    properties.last_printed = when
    properties.revision = 1
    properties.last_modified_by = "ladderctl"
    properties.title = f"{context.get('title', '')}: {_document_subject(context)}"
    properties.comments = f"Rendered by ladderctl from {context.get('id', '')}"
    buffer = io.BytesIO()
    document.save(buffer)
    return _reproducible_zip(buffer.getvalue())


def _docx_text(blob: bytes) -> str:
    """The text of a Word file's parts, tags removed: where to look for a template field."""
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as docx:
            parts = [n for n in docx.namelist() if n.startswith("word/") and n.endswith(".xml")]
            xml = " ".join(docx.read(n).decode("utf-8", "replace") for n in parts)
    except (zipfile.BadZipFile, OSError):
        return ""
    return re.sub(r"<[^>]+>", "", xml)


def _document_subject(context: Mapping[str, Any]) -> str:
    if context.get("kind") == "agreement":
        return f"{context['mentor']['name']} and {context['mentee']['name']}"
    person = context.get("person")
    return str(person["name"]) if isinstance(person, Mapping) else ""


def _reproducible_zip(blob: bytes) -> bytes:
    """The same zip with every entry dated 1980-01-01 00:00, so equal input gives equal bytes.

    python-docx stamps each entry with the time of saving, and nothing else in its output
    varies; the dates are overwritten in place (local headers and central directory) rather
    than recompressing everything.
    """
    data = bytearray(blob)
    end = data.rfind(b"PK\x05\x06")
    if end < 0:
        raise ValueError("not a zip file")
    entries, size, offset = struct.unpack_from("<HII", data, end + 10)
    position = offset
    for _ in range(entries):
        if data[position : position + 4] != b"PK\x01\x02":
            raise ValueError("unexpected zip central directory")
        struct.pack_into("<HH", data, position + 12, *_DOS_EPOCH)
        names, extra, comment = struct.unpack_from("<HHH", data, position + 28)
        (local,) = struct.unpack_from("<I", data, position + 42)
        if data[local : local + 4] != b"PK\x03\x04":
            raise ValueError("unexpected zip local header")
        struct.pack_into("<HH", data, local + 10, *_DOS_EPOCH)
        position += 46 + names + extra + comment
    if position != offset + size:
        raise ValueError("unexpected zip central directory size")
    return bytes(data)


# --- PDF ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _typst_compiler(path: str, mtime: float) -> Any:
    typst: Any = importlib.import_module("typst")
    # Only the fonts embedded in typst: the same PDF on every machine.
    return typst.Compiler(path, root=str(Path(path).parent), ignore_system_fonts=True)


def _typst_error(error: Exception, template: Path) -> TemplateProblem:
    message = str(getattr(error, "message", "") or error).strip().splitlines()
    diagnostic = str(getattr(error, "diagnostic", "") or "")
    line = None
    match = re.search(r":(\d+):\d+", diagnostic)
    if match is not None:
        line = int(match.group(1))
    hints = [str(h) for h in getattr(error, "hints", []) or []]
    text = message[0] if message else "typst could not compile the template"
    if hints:
        text += f" (hint: {hints[0]})"
    return TemplateProblem(_shown(str(template)), line, text, _source_line(str(template), line))


def _render_typst(template: Path, context: Mapping[str, Any]) -> bytes:
    compiler = _typst_compiler(str(template), template.stat().st_mtime)
    payload = json.dumps(context, ensure_ascii=False, sort_keys=True)
    when = _docx_fixed_time(context).replace(tzinfo=timezone.utc)
    try:
        result = compiler.compile(format="pdf", sys_inputs={"data": payload}, timestamp=when)
    except RuntimeError as error:  # typst.TypstError
        raise _typst_error(error, template) from None
    if isinstance(result, list):
        result = b"".join(result)
    if not isinstance(result, bytes):
        raise TemplateProblem(_shown(str(template)), None, "typst produced no PDF")
    return result
