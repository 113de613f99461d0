"""`ladderctl report` and `ladderctl due`: the program's vital signs and the manager's to-do list.

The figures come from `ladderctl.metrics`; this module parses options and renders: rich tables
(plain text when piped), JSON and CSV for HR systems, one self-contained HTML dashboard with
hand-drawn SVG charts, and an RFC 5545 calendar for `due`.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import html
import io
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

from ladderctl.cli._output import (
    RICH_TABLE_MAX_ROWS,
    Cell,
    ExitStatus,
    Fatal,
    Styled,
    console,
    handles_errors,
    json_text,
    parse_as_of,
    print_lines,
    print_table,
    repo_root,
)

if TYPE_CHECKING:
    from rich.console import Console

    from ladderctl.department import Department
    from ladderctl.loading import Document
    from ladderctl.metrics import (
        DueItem,
        DueList,
        GoalResult,
        ManagerGroup,
        PersonCredentials,
        Records,
        Report,
        Scope,
    )


_T = TypeVar("_T")


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"
    html = "html"


class DueFormat(str, Enum):
    text = "text"
    json = "json"
    ics = "ics"


REPORT_HELP = """The program's vital signs for a period: is the ladder working, and is mentoring
paying off?

One section per figure, each with the counts behind every percentage ("8/10 (80%)"; an empty
group says "no data"):

  [bold]advancement[/]   promotions per ladder step and year, median months in level before them
  [bold]waiting[/]       people eligible now but not promoted, and since when
  [bold]retention[/]     1-year retention of new hires; mentored vs not; with an IDP vs without
  [bold]goals[/]         each mentorship-program goal: baseline, target and the current value
  [bold]development[/]   IDP coverage, overdue IDP reviews, past-due objectives, late check-ins
  [bold]credentials[/]   expired and expiring in 30/60/90 days, one line per person, by manager
  [bold]engagement[/]    mean survey score and n per year

The period defaults to the 12 months up to --as-of; filters apply to people's current ladder,
level and site.

[bold]Examples[/]

  ladderctl report                                   # the last 12 months, in the terminal
  ladderctl report --from 2026-01-01 --to 2026-06-30 --ladder pharmacy-technician
  ladderctl report --format html --out report.html   # one self-contained file, charts included
  ladderctl report --format json > vitals.json       # for HR systems (or --format csv)
"""

DUE_HELP = """What a manager should act on soon: credentials to renew, IDP reviews and mentoring
check-ins due, and people who just became (or are about to become) eligible for promotion.

Overdue items are included. Suits a weekly CI job; --format ics writes a calendar.

[bold]Examples[/]

  ladderctl due                                      # the next 30 days
  ladderctl due --within 2w --manager luis-hernandez
  ladderctl due --within 90 --format ics --out due.ics
"""


def register(app: typer.Typer) -> None:
    app.command("report", help=REPORT_HELP)(report)
    app.command("due", help=DUE_HELP)(due)


# --- options -----------------------------------------------------------------------------------

_WITHIN = re.compile(r"\s*(\d{1,5})\s*([dw]?)\s*", re.IGNORECASE)


def parse_within(value: str) -> int:
    """`--within`: N, Nd (days) or Nw (weeks), as a number of days."""
    match = _WITHIN.fullmatch(value)
    if match is None:
        raise Fatal(
            f"--within '{value}' is not a duration: write N or Nd (days) or Nw (weeks), "
            "e.g. --within 30d"
        )
    number = int(match.group(1))
    return number * 7 if match.group(2).lower() == "w" else number


def _parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Fatal(
            f"{option} '{value}' is not a date",
            hint=f"write it as YYYY-MM-DD, e.g. {option} 2026-01-01",
        ) from None


def _load(root: Path, day: date, work: Callable[[Records], _T]) -> _T:
    """`work(records)` on the repository's typed records, while its cross-file rules are checked
    beside it (`start_validation`: in another process, for a big repository). The answer is only
    returned once they pass; when they fail, their problems are the answer (InvalidRepository),
    also when `work` failed because of them."""
    from ladderctl.repository import work_on_valid_repository

    def typed(documents: list[Document]) -> _T:
        from ladderctl.department import DepartmentError
        from ladderctl.metrics import Records

        try:
            records = Records.from_documents(documents)
        except DepartmentError as error:
            raise Fatal(str(error), status=ExitStatus.PROBLEMS) from None
        return work(records)

    return work_on_valid_repository(root, typed, as_of=day, for_process=True)


@contextmanager
def _kept_until_exit() -> Iterator[None]:
    """For what a command builds from the records and keeps until the process ends.

    As `load_valid_repository(for_process=True)` does for the records themselves: the collector
    is paused meanwhile, and what was built (the figures, and the parts of staff records built on
    first use) is frozen at the end, out of its sight. Otherwise the first allocation after the
    pause starts a collection that walks all of it once more and frees nothing (~0.1 s on
    10,000 staff). The previous state is restored, also on errors.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _scope(
    department: Department, ladder: str | None, level: str | None, site: str | None
) -> Scope:
    from ladderctl.department import DepartmentError
    from ladderctl.metrics import Scope

    if ladder is not None:
        try:
            department.ladder(ladder)
        except DepartmentError as error:
            raise Fatal(str(error)) from None
    if level is not None and not any(
        lad.index_of(level) is not None for lad in department.ladders.values()
    ):
        raise Fatal(f"no ladder has a level '{level}'", hint="see the levels in ladders/")
    if site is not None and site not in {p.site for p in department.staff.values()}:
        sites = sorted({p.site for p in department.staff.values() if p.site})
        raise Fatal(f"nobody works at site '{site}'", hint=f"sites: {', '.join(sites) or 'none'}")
    return Scope(ladder=ladder, level=level, site=site)


def _emit(content: str, out: Path | None, force: bool) -> None:
    """Print, or write `out` atomically (a differing file is kept unless --force)."""
    if out is None:
        # Bytes go to stdout untouched: an .ics keeps its CRLF line ends on every platform.
        typer.echo(content.encode("utf-8"), nl=False)
        return
    from ladderctl.writing import write_outputs

    summary = write_outputs({out: content}, force=force)
    console(stderr=True).print(summary.describe())
    if summary.exit_status:
        raise typer.Exit(summary.exit_status)


# --- report ------------------------------------------------------------------------------------


# Options shared by `report` and `due`.
_REPO = typer.Option(Path(), "--repo", help="The department repo.")
_AS_OF = typer.Option(None, "--as-of", help="Date, YYYY-MM-DD (default: today).")
_OUT = typer.Option(
    None, "--out", "-o", help="Write to this file (atomically) instead of the screen."
)
_FORCE = typer.Option(False, "--force", help="Replace an --out file that differs.")


@handles_errors
def report(
    start: str | None = typer.Option(
        None, "--from", help="First day of the period, YYYY-MM-DD (default: 12 months before --to)."
    ),
    end: str | None = typer.Option(
        None, "--to", help="Last day of the period, YYYY-MM-DD (default: --as-of)."
    ),
    ladder: str | None = typer.Option(None, "--ladder", help="Only people on this ladder."),
    level: str | None = typer.Option(None, "--level", help="Only people at this level."),
    site: str | None = typer.Option(None, "--site", help="Only people at this site."),
    repo: Path = _REPO,
    as_of: str | None = _AS_OF,
    output: ReportFormat = typer.Option(
        ReportFormat.text, "--format", "-f", help="text, json, csv or html (html needs --out)."
    ),
    out: Path | None = _OUT,
    force: bool = _FORCE,
) -> None:
    day = parse_as_of(as_of)
    last = _parse_day(end, "--to") or day
    first = _parse_day(start, "--from")
    if last > day:
        raise Fatal(
            f"--to {last.isoformat()} is after --as-of {day.isoformat()}",
            hint="a report only sees what is recorded by its as-of date: move --as-of too",
        )
    if first is not None and first > last:
        raise Fatal(f"--from {first.isoformat()} is after --to {last.isoformat()}")
    if output is ReportFormat.html and out is None:
        raise Fatal("--format html writes a file: add --out FILE", hint="e.g. --out report.html")

    def figures(records: Records) -> tuple[Report, Department]:
        from ladderctl.metrics import build_report

        scope = _scope(records.department, ladder, level, site)
        with _kept_until_exit():
            result = build_report(records, start=first, end=last, as_of=day, scope=scope)
        return result, records.department

    result, department = _load(repo_root(repo), day, figures)
    if output is ReportFormat.json:
        content = json_text(result.to_dict()) + "\n"
    elif output is ReportFormat.csv:
        content = report_csv(result)
    elif output is ReportFormat.html:
        content = report_html(result, department)
    elif out is not None:
        content = report_text(result, department, width=100)
    else:
        render_report(result, department, console())
        return
    _emit(content, out, force)


# --- text --------------------------------------------------------------------------------------


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}".removesuffix(".0")


def _score(value: float | None) -> str:
    return "no data" if value is None else f"{value:.1f}"


def _goal_number(goal: GoalResult, value: float | None) -> str:
    if value is None:
        return "-"
    return _num(value) + ("%" if goal.goal.unit == "percent" else "")


def goal_status(goal: GoalResult) -> str:
    if not goal.computed:
        return "not computed"
    if goal.met is None:
        return "no data"
    return "met" if goal.met else "not yet"


def _years_line(by_year: Sequence[tuple[int, int]], limit: int = 10) -> str:
    shown = by_year[-limit:]
    return ", ".join(f"{y}: {n}" for y, n in shown) if shown else "no promotions recorded"


def _title(department: Department, person: str | None) -> str:
    if person is None:
        return "(no manager)"
    record = department.staff.get(person)
    return f"{record.name} ({person})" if record is not None else person


def report_text(result: Report, department: Department, *, width: int = 100) -> str:
    """The terminal report as plain text (for --out, or when piped)."""
    from rich.console import Console

    buffer = io.StringIO()
    render_report(
        result,
        department,
        Console(file=buffer, width=width, color_system=None, highlight=False, soft_wrap=True),
    )
    return buffer.getvalue()


def render_report(result: Report, department: Department, out: Console) -> None:
    """One section per figure, counts always shown."""
    from rich.markup import escape

    from ladderctl.metrics import Rate

    def section(title: str) -> None:
        out.print()
        out.rule(f"[bold]{escape(title)}[/]", align="left")

    out.print(
        f"[bold]ladderctl report[/] as of {result.as_of.isoformat()}, period {result.period}, "
        f"{escape(str(result.scope))} ({result.staff} on staff)"
    )

    adv = result.advancement
    section("Advancement")
    median = (
        "no data"
        if adv.median_months is None
        else f"{_num(adv.median_months)} months (n={adv.total})"
    )
    out.print(f"{adv.total} promotions in the period; median time in level before them: {median}")
    if adv.by_step:
        rows = []
        for step in adv.by_step:
            years = ", ".join(
                f"{s.year}: {s.count}"
                for s in adv.by_step_year
                if (s.ladder, s.step) == (step.ladder, step.step)
            )
            rows.append((step.ladder, step.step, years, str(step.count), _num(step.median_months)))
        _grid(out, ("ladder", "step", "per year", "promotions", "median months"), rows)
    out.print(f"promotions per year, all records: {_years_line(adv.by_year)}")

    wait = result.waiting
    section("Eligible now, not promoted")
    days = "no data" if wait.median_days is None else f"{_num(wait.median_days)} days"
    out.print(
        f"{len(wait.people)} eligible now of {wait.evaluated} below the top of their ladder: "
        f"{wait.rate}; median wait {days}"
    )
    if wait.people:
        _grid(
            out,
            ("person", "step", "eligible since", "days waiting", "manager"),
            [
                (
                    w.person,
                    _short_target(w.level, w.ladder, w.target),
                    w.since.isoformat(),
                    str(w.days),
                    w.manager or "",
                )
                for w in wait.people[:LIST_LIMIT]
            ],
        )
        _more_text(out, len(wait.people))

    ret = result.retention
    section("Retention")
    _grid(
        out,
        ("group", "retained", "how it is counted"),
        [
            (
                "new hires, 1 year",
                str(ret.new_hires),
                "1-year mark in the period; still employed on it",
            ),
            ("all staff", str(ret.overall), "employed on the first day; still on the last"),
            ("mentored", str(ret.mentored), "mentee of an agreement in the period"),
            ("not mentored", str(ret.not_mentored), ""),
            ("with an IDP", str(ret.with_idp), "a development plan in the period"),
            ("without an IDP", str(ret.without_idp), ""),
        ],
    )
    if ret.new_hires_left:
        out.print(f"left before their first anniversary: {escape(_ids(ret.new_hires_left))}")

    section("Program goals")
    if not result.goals.goals:
        out.print("no mentorship program goals recorded")
    else:
        goals = []
        for g in result.goals.goals:
            population = f", {g.goal.population}" if g.goal.population else ""
            deadline = f" by {g.goal.deadline.isoformat()}" if g.goal.deadline else ""
            goals.append(
                (
                    g.goal.id,
                    g.goal.metric + population,
                    _goal_number(g, g.goal.baseline),
                    _goal_number(g, g.goal.target),
                    g.current_text,
                    goal_status(g) + deadline,
                )
            )
        _grid(out, ("goal", "metric, population", "baseline", "target", "current", "status"), goals)
        for g in result.goals.goals:
            if g.note:
                out.print(f"[dim]{escape(g.goal.id)}: {escape(g.note)}[/]")

    dev = result.development
    section("Development")
    out.print(f"staff with a current IDP: {dev.idp_share}")
    out.print(
        f"IDPs overdue for their quarterly review: "
        f"{Rate(len(dev.overdue_reviews), dev.current_plans)} of current plans"
    )
    if dev.overdue_reviews:
        _grid(
            out,
            ("plan", "person", "last review", "due", "days overdue", "manager"),
            [
                (
                    r.plan,
                    r.person,
                    r.last_review.isoformat() if r.last_review else "never",
                    r.due.isoformat(),
                    str(r.days_overdue),
                    r.manager or "",
                )
                for r in dev.overdue_reviews[:LIST_LIMIT]
            ],
        )
        _more_text(out, len(dev.overdue_reviews))
    out.print(
        f"SMART objectives past due: {Rate(len(dev.past_due), dev.objectives_open)} "
        "of open objectives"
    )
    if dev.past_due:
        _grid(
            out,
            ("person", "objective", "due", "status", "days overdue", "manager"),
            [
                (
                    o.person,
                    o.objective,
                    o.due.isoformat(),
                    o.status,
                    str(o.days_overdue),
                    o.manager or "",
                )
                for o in dev.past_due[:LIST_LIMIT]
            ],
        )
        _more_text(out, len(dev.past_due))
    out.print(
        f"mentoring pairs overdue for a check-in: "
        f"{Rate(len(dev.overdue_check_ins), dev.active_agreements)} of active agreements"
    )
    if dev.overdue_check_ins:
        _grid(
            out,
            ("agreement", "mentor -> mentee", "last check-in", "due", "days overdue"),
            [
                (
                    c.agreement,
                    f"{c.mentor} -> {c.mentee}",
                    c.last_check_in.isoformat() if c.last_check_in else "never",
                    c.due.isoformat(),
                    str(c.days_overdue),
                )
                for c in dev.overdue_check_ins[:LIST_LIMIT]
            ],
        )
        _more_text(out, len(dev.overdue_check_ins))

    cred = result.credentials
    section("Credentials")
    people = cred.people_by_bucket
    out.print(
        f"people with credentials expired: {people.get('expired', 0)}, expiring within "
        f"30 days: {people.get('30', 0)}, 31-60 days: {people.get('60', 0)}, "
        f"61-90 days: {people.get('90', 0)} (of {cred.staff} on staff)"
    )
    if cred.groups:
        lines = _credential_lines(cred.groups)
        _grid(
            out,
            ("manager", "person", "soonest", "credentials"),
            [
                (
                    group.manager_name if first else "",
                    line.person,
                    _bucket_text(line.bucket),
                    line.text,
                )
                for first, group, line in lines[:LIST_LIMIT]
            ],
        )
        _more_text(out, len(lines))

    eng = result.engagement
    section("Engagement")
    if not eng.years:
        out.print("no data: no engagement scores recorded")
    else:
        _grid(
            out,
            ("year", "mean score", "n"),
            [(str(y.year), _score(y.mean), str(y.n)) for y in eng.years],
        )


#: Longest list shown in the terminal and the dashboard; JSON and CSV always have every row.
LIST_LIMIT = 50


def _ids(ids: Sequence[str], limit: int = 20) -> str:
    """Ids, comma-separated, the first `limit` of them."""
    more = len(ids) - limit
    return ", ".join(ids[:limit]) + (f" and {more} more" if more > 0 else "")


def _more(total: int) -> str:
    hidden = total - LIST_LIMIT
    if hidden <= 0:
        return ""
    return f"... and {hidden} more (first {LIST_LIMIT} shown): --format json or csv lists all"


def _more_text(out: Console, total: int) -> None:
    if _more(total):
        print_lines(out, [_more(total)])


def _more_html(total: int) -> str:
    return f'<p class="note">{_e(_more(total))}</p>' if _more(total) else ""


def _credential_lines(
    groups: Sequence[ManagerGroup],
) -> list[tuple[bool, ManagerGroup, PersonCredentials]]:
    """(first of its manager?, group, person line), manager by manager."""
    return [(i == 0, g, line) for g in groups for i, line in enumerate(g.people)]


def _grid(
    out: Console, headers: Sequence[str], rows: Sequence[Sequence[Cell]], *, plain: bool = False
) -> None:
    """A table whose dates and counts never wrap, so that the text columns get the width."""
    print_table(out, headers, rows, no_wrap=_SHORT_COLUMNS, plain=plain)


# Dates, counts and rates: never wrapped in a rich box.
_SHORT_COLUMNS = frozenset(
    {
        "baseline",
        "date",
        "days overdue",
        "days waiting",
        "due",
        "eligible since",
        "last check-in",
        "last review",
        "mean score",
        "n",
        "per year",
        "promotions",
        "retained",
        "soonest",
        "target",
        "person",
        "when",
        "year",
    }
)


def _short_target(level: str, ladder: str, target: str) -> str:
    """`tech-1 -> tech-2`, naming the ladder only when the target is on another one."""
    to_ladder, _, to_level = target.partition("/")
    return f"{level} -> {to_level if to_ladder == ladder else target}"


def _bucket_text(bucket: str) -> str:
    return {"expired": "expired", "30": "<= 30 d", "60": "31-60 d", "90": "61-90 d"}[bucket]


# --- csv ---------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "figure",
    "measure",
    "group",
    "person",
    "date",
    "value",
    "numerator",
    "denominator",
    "percent",
    "detail",
)


def _csv_safe(text: str) -> str:
    """Neutralise spreadsheet formulas (a value starting with '=' must not run in Excel)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def report_csv(result: Report) -> str:
    """One fact per row (tidy), the same columns for every figure."""
    from ladderctl.metrics import Rate

    rows: list[tuple[object, ...]] = []

    def fact(
        figure: str,
        measure: str,
        *,
        group: str = "",
        person: str = "",
        day: date | None = None,
        value: object = "",
        rate: Rate | None = None,
        detail: str = "",
    ) -> None:
        numbers: tuple[object, ...] = ("", "", "")
        if rate is not None:
            percent = rate.percent
            numbers = (
                rate.numerator,
                rate.denominator,
                "" if percent is None else f"{percent:.1f}",
            )
            value = value if value != "" else str(rate)
        rows.append(
            (
                figure,
                measure,
                group,
                person,
                "" if day is None else day.isoformat(),
                value,
                *numbers,
                detail,
            )
        )

    adv = result.advancement
    fact("advancement", "promotions", value=adv.total)
    fact("advancement", "median-months-in-level", value=_num(adv.median_months))
    for s in adv.by_step_year:
        fact("advancement", "promotions", group=f"{s.ladder} {s.step} {s.year}", value=s.count)
    for st in adv.by_step:
        fact(
            "advancement",
            "median-months-in-level",
            group=f"{st.ladder} {st.step}",
            value=_num(st.median_months),
            detail=f"n={st.count}",
        )
    for y, n in adv.by_year:
        fact("advancement", "promotions-per-year", group=str(y), value=n)
    wait = result.waiting
    fact("waiting", "eligible-now", rate=wait.rate)
    for w in wait.people:
        fact(
            "waiting",
            "eligible-since",
            group=f"{w.level} -> {w.target}",
            person=w.person,
            day=w.since,
            value=w.days,
            detail=f"manager {w.manager or '-'}",
        )
    ret = result.retention
    for measure, rate in (
        ("new-hires-1y", ret.new_hires),
        ("all-staff", ret.overall),
        ("mentored", ret.mentored),
        ("not-mentored", ret.not_mentored),
        ("with-idp", ret.with_idp),
        ("without-idp", ret.without_idp),
    ):
        fact("retention", measure, rate=rate)
    for curve in ret.curves:
        for month, rate in curve.points:
            fact("retention", "curve", group=f"{curve.label} month {month}", rate=rate)
    for g in result.goals.goals:
        fact(
            "goals",
            g.goal.metric,
            group=f"{g.program}/{g.goal.id}",
            day=g.goal.deadline,
            value=g.current_text,
            rate=g.rate,
            detail=f"baseline {_num(g.goal.baseline)}, target {_num(g.goal.target)}, "
            f"{goal_status(g)}" + (f"; {g.note}" if g.note else ""),
        )
    dev = result.development
    fact("development", "idp-share", rate=dev.idp_share)
    fact(
        "development", "idp-reviews-overdue", rate=Rate(len(dev.overdue_reviews), dev.current_plans)
    )
    for r in dev.overdue_reviews:
        fact(
            "development",
            "idp-review-overdue",
            group=r.plan,
            person=r.person,
            day=r.due,
            value=r.days_overdue,
        )
    fact("development", "objectives-past-due", rate=Rate(len(dev.past_due), dev.objectives_open))
    for o in dev.past_due:
        fact(
            "development",
            "objective-past-due",
            group=f"{o.plan}#{o.objective}",
            person=o.person,
            day=o.due,
            value=o.days_overdue,
            detail=o.status,
        )
    fact(
        "development",
        "check-ins-overdue",
        rate=Rate(len(dev.overdue_check_ins), dev.active_agreements),
    )
    for c in dev.overdue_check_ins:
        fact(
            "development",
            "check-in-overdue",
            group=c.agreement,
            person=c.mentee,
            day=c.due,
            value=c.days_overdue,
            detail=f"mentor {c.mentor}",
        )
    cred = result.credentials
    for bucket in ("expired", "30", "60", "90"):
        fact("credentials", "people", group=bucket, value=cred.people_by_bucket.get(bucket, 0))
    for group in cred.groups:
        for line in group.people:
            fact(
                "credentials",
                "person",
                group=group.manager or "",
                person=line.person,
                day=line.credentials[0].expires,
                value=line.bucket,
                detail=line.text,
            )
    for label, count in cred.by_month:
        fact("credentials", "expiring-by-month", group=label, value=count)
    for score in result.engagement.years:
        fact(
            "engagement",
            "mean-score",
            group=str(score.year),
            value=_num(score.mean),
            detail=f"n={score.n}",
        )

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_csv_safe(v) if isinstance(v, str) else v for v in row])
    return buffer.getvalue()


# --- html --------------------------------------------------------------------------------------

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Colour-blind-safe pair (Okabe-Ito blue and vermillion); lines also differ by dash and marker
# so that a black-and-white printout still tells them apart.
_BLUE = "#0072b2"
_ORANGE = "#d55e00"
_GREY = "#6b7280"

_CSS = """
:root { --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --soft: #f5f7fa; --accent: #0072b2; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1120px; padding: 24px; color: var(--ink);
  font: 14px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 8px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
p { margin: 4px 0 8px; }
.meta { color: var(--muted); margin-bottom: 16px; }
.kpis { display: grid; grid-template-columns: repeat(5, 1fr); gap: 10px; margin: 0 0 18px; }
.kpi { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px;
  background: var(--soft); }
.kpi .v { font-size: 20px; font-weight: 600; }
.kpi .l { color: var(--muted); font-size: 12px; }
section { border: 1px solid var(--line); border-radius: 6px; padding: 14px 16px; margin: 0 0 16px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.d { white-space: nowrap; font-variant-numeric: tabular-nums; }
.nodata { color: var(--muted); font-style: italic; }
.note { color: var(--muted); font-size: 12px; }
.chart { margin: 6px 0 4px; }
.chart svg { max-width: 100%; height: auto; }
.met { color: #1b7f3b; font-weight: 600; }
.notyet { color: #b42318; font-weight: 600; }
.tag { display: inline-block; padding: 0 6px; border-radius: 4px; font-size: 12px;
  border: 1px solid var(--line); background: var(--soft); white-space: nowrap; }
.tag.expired { border-color: #b42318; color: #b42318; }
footer { color: var(--muted); font-size: 12px; margin-top: 12px; }
@page { size: A4; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  .kpis { grid-template-columns: repeat(5, 1fr); }
  section { break-inside: avoid; page-break-inside: avoid; border-color: #999; }
  th { background: none; }
  .kpi { background: none; }
}
""".strip()


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _f(value: float) -> str:
    """A coordinate with at most one decimal, always written the same way."""
    text = f"{value:.1f}"
    return text.removesuffix(".0")


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> str:
    """An HTML table; cells are already escaped."""
    cls = [' class="n"' if i in numeric else "" for i in range(len(head))]
    parts = ["<table><thead><tr>"]
    parts += [f"<th{cls[i]}>{_e(h)}</th>" for i, h in enumerate(head)]
    parts.append("</tr></thead><tbody>")
    for row in rows:
        cells = (
            # A date never breaks at its hyphens.
            f'<td class="d">{c}</td>' if _ISO_DAY.fullmatch(c) else f"<td{cls[i]}>{c}</td>"
            for i, c in enumerate(row)
        )
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    title: str,
    colours: Sequence[str] | None = None,
    scale_max: int | None = None,
    notes: Sequence[str] = (),
    shown: Callable[[float], str] | None = None,
    width: int = 680,
    height: int = 230,
) -> str:
    """A bar chart as inline SVG: one bar per (label, value), the value above each bar and an
    optional note (e.g. "n=16") under each label."""
    left, right, top, bottom = 40, 10, 24, 40 + (14 if notes else 0)
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((n for _, n in bars), default=0)
    scale_max = scale_max or _nice_max(peak)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{_e(title)}">',
        f"<title>{_e(title)}</title>",
    ]
    for tick in _ticks(scale_max):
        y = top + plot_h - plot_h * tick / scale_max
        parts.append(
            f'<line x1="{left}" y1="{_f(y)}" x2="{width - right}" y2="{_f(y)}" '
            'stroke="#d9e2ec" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{_f(y + 4)}" font-size="11" text-anchor="end" '
            f'fill="#52606d">{tick}</text>'
        )
    if bars:
        slot = plot_w / len(bars)
        bar_w = min(48.0, slot * 0.7)
        for i, (label, value) in enumerate(bars):
            x = left + slot * i + (slot - bar_w) / 2
            h = plot_h * value / scale_max
            y = top + plot_h - h
            colour = colours[i] if colours else _BLUE
            text = (shown or _num)(value)
            parts.append(
                f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(bar_w)}" height="{_f(h)}" '
                f'fill="{colour}"><title>{_e(label)}: {text}</title></rect>'
                f'<text x="{_f(x + bar_w / 2)}" y="{_f(y - 4)}" font-size="11" '
                f'text-anchor="middle" fill="#1f2933">{text}</text>'
                f'<text x="{_f(x + bar_w / 2)}" y="{top + plot_h + 16}" font-size="11" '
                f'text-anchor="middle" fill="#52606d">{_e(label)}</text>'
            )
            if i < len(notes):
                parts.append(
                    f'<text x="{_f(x + bar_w / 2)}" y="{top + plot_h + 30}" font-size="10" '
                    f'text-anchor="middle" fill="#52606d">{_e(notes[i])}</text>'
                )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        'stroke="#52606d" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return '<div class="chart">' + "".join(parts) + "</div>"


def _nice_max(peak: float) -> int:
    """A round axis maximum at or above `peak` (at least 1)."""
    if peak <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        top = -(-int(peak) // step) * step
        if top / step <= 5:
            return top
    return int(peak)


def _ticks(scale_max: int) -> list[int]:
    for count in (5, 4, 3, 2, 1):
        if scale_max % count == 0:
            return [scale_max * k // count for k in range(count + 1)]
    return [0, scale_max]  # pragma: no cover


def line_chart(
    series: Sequence[tuple[str, str, str, Sequence[tuple[int, float | None, str]]]],
    *,
    title: str,
    x_label: str,
    width: int = 680,
    height: int = 280,
) -> str:
    """Lines as inline SVG, y in percent.

    `series`: (legend text, colour, dash pattern, [(x, y or None, tooltip)]). The first series is
    drawn last (on top) with filled circles, the others with hollow squares, so that lines that
    coincide stay visible, also in black and white.
    """
    left, right, top, bottom = 46, 16, 16 + 20 * len(series), 40
    plot_w, plot_h = width - left - right, height - top - bottom
    xs = [x for _, _, _, points in series for x, _, _ in points]
    ys = [y for _, _, _, points in series for _, y, _ in points if y is not None]
    x_max = max(xs, default=1) or 1
    low = min(ys, default=0.0)
    y_min = max(0, int((low - 5) // 10) * 10)
    span = 100 - y_min

    def px(x: float) -> float:
        return left + plot_w * x / x_max

    def py(y: float) -> float:
        return top + plot_h - plot_h * (y - y_min) / span

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{_e(title)}">',
        f"<title>{_e(title)}</title>",
    ]
    for k in range(6):
        value = y_min + span * k / 5
        y = py(value)
        parts.append(
            f'<line x1="{left}" y1="{_f(y)}" x2="{left + plot_w}" y2="{_f(y)}" '
            'stroke="#d9e2ec" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{_f(y + 4)}" font-size="11" text-anchor="end" '
            f'fill="#52606d">{_f(value)}%</text>'
        )
    step = max(1, -(-x_max // 12))
    for x in range(0, x_max + 1, step):
        parts.append(
            f'<text x="{_f(px(x))}" y="{top + plot_h + 16}" font-size="11" '
            f'text-anchor="middle" fill="#52606d">{x}</text>'
        )
    parts.append(
        f'<text x="{_f(left + plot_w / 2)}" y="{height - 6}" font-size="11" '
        f'text-anchor="middle" fill="#52606d">{_e(x_label)}</text>'
    )
    for index, (label, colour, dash, _points) in enumerate(series):
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        legend_y = 14 + 20 * index
        parts.append(
            f'<line x1="{left}" y1="{legend_y}" x2="{left + 28}" y2="{legend_y}" '
            f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            + _marker(index, left + 14, legend_y, colour, "")
            + f'<text x="{left + 36}" y="{legend_y + 4}" font-size="12" '
            f'fill="#1f2933">{_e(label)}</text>'
        )
    for index in reversed(range(len(series))):
        _label, colour, dash, points = series[index]
        known = [(x, y, tip) for x, y, tip in points if y is not None]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        if len(known) > 1:
            path = " ".join(f"{_f(px(x))},{_f(py(y))}" for x, y, _ in known)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" '
                f'stroke-width="2.5"{dash_attr}/>'
            )
        for x, y, tip in known:
            parts.append(_marker(index, px(x), py(y), colour, tip))
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#52606d" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return '<div class="chart">' + "".join(parts) + "</div>"


def _marker(index: int, x: float, y: float, colour: str, tip: str) -> str:
    title = f"<title>{_e(tip)}</title>" if tip else ""
    if index == 0:
        return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="4" fill="{colour}">{title}</circle>'
    return (
        f'<rect x="{_f(x - 5)}" y="{_f(y - 5)}" width="10" height="10" fill="#ffffff" '
        f'stroke="{colour}" stroke-width="2">{title}</rect>'
    )


def _who(department: Department, person: str | None) -> str:
    """A person's name with their id underneath (ids are what commands take)."""
    if person is None:
        return ""
    record = department.staff.get(person)
    name = record.name if record is not None else person
    return f'{_e(name)}<div class="note">{_e(person)}</div>'


def _rate_cell(rate: object) -> str:
    text = str(rate)
    return f'<span class="nodata">{_e(text)}</span>' if text == "no data" else _e(text)


def report_html(result: Report, department: Department) -> str:
    """One self-contained page: inline CSS and SVG, no script, no network; the same input gives
    the same bytes."""
    from ladderctl.metrics import Rate

    adv, wait, ret = result.advancement, result.waiting, result.retention
    dev, cred, eng = result.development, result.credentials, result.engagement
    body: list[str] = []
    body.append("<header><h1>Career ladder and mentorship: vital signs</h1>")
    body.append(
        f'<p class="meta">As of {_e(result.as_of.isoformat())} &middot; period '
        f"{_e(result.period)} &middot; {_e(result.scope)} &middot; {result.staff} on staff</p>"
    )
    body.append("</header>")
    expiring = sum(cred.people_by_bucket.get(b, 0) for b in ("expired", "30", "60", "90"))
    kpis = [
        (str(adv.total), "promotions in the period"),
        (str(len(wait.people)), "eligible now, not promoted"),
        (str(ret.new_hires), "new hires still here after 1 year"),
        (str(dev.idp_share), "staff with a current IDP"),
        (str(expiring), "people with credentials expired or due in 90 days"),
    ]
    body.append('<div class="kpis">')
    for value, label in kpis:
        body.append(f'<div class="kpi"><div class="v">{_e(value)}</div>')
        body.append(f'<div class="l">{_e(label)}</div></div>')
    body.append("</div>")

    # Advancement
    body.append('<section id="advancement"><h2>Advancement</h2>')
    median = (
        "no data"
        if adv.median_months is None
        else f"{_num(adv.median_months)} months (n={adv.total})"
    )
    body.append(
        f"<p>{adv.total} promotions in the period; median time in level before them: "
        f"{_e(median)}.</p>"
    )
    years = adv.by_year[-10:]
    if years:
        body.append("<h3>Promotions per year (all records)</h3>")
        as_of = result.as_of
        partial = years[-1][0] == as_of.year and (as_of.month, as_of.day) != (12, 31)
        body.append(
            bar_chart(
                [(f"{y}*" if partial and y == as_of.year else str(y), n) for y, n in years],
                title="Promotions per year",
            )
        )
        if partial:
            body.append(f'<p class="note">* {as_of.year} up to {_e(as_of.isoformat())}</p>')
    else:
        body.append('<p class="nodata">no data: no promotions recorded</p>')
    if adv.by_step:
        rows = []
        for step in adv.by_step:
            per_year = ", ".join(
                f"{s.year}: {s.count}"
                for s in adv.by_step_year
                if (s.ladder, s.step) == (step.ladder, step.step)
            )
            rows.append(
                [
                    _e(step.ladder),
                    _e(step.step),
                    _e(per_year),
                    str(step.count),
                    _e(_num(step.median_months)),
                ]
            )
        body.append(
            _table(
                ["ladder", "step", "per year", "promotions", "median months in level"],
                rows,
                (3, 4),
            )
        )
    body.append("</section>")

    # Waiting
    body.append('<section id="waiting"><h2>Eligible now, not promoted</h2>')
    days = "no data" if wait.median_days is None else f"{_num(wait.median_days)} days"
    body.append(
        f"<p>{len(wait.people)} eligible now of {wait.evaluated} below the top of their ladder: "
        f"{_rate_cell(wait.rate)}; median wait {_e(days)}.</p>"
    )
    if wait.people:
        body.append(
            _table(
                ["person", "step", "eligible since", "days waiting", "manager"],
                [
                    [
                        _who(department, w.person),
                        _e(_short_target(w.level, w.ladder, w.target)),
                        _e(w.since.isoformat()),
                        str(w.days),
                        _who(department, w.manager),
                    ]
                    for w in wait.people[:LIST_LIMIT]
                ],
                (3,),
            )
        )
        body.append(_more_html(len(wait.people)))
    body.append("</section>")

    # Retention
    body.append('<section id="retention"><h2>Retention</h2>')
    body.append(
        _table(
            ["group", "retained", "how it is counted"],
            [
                [
                    "new hires, 1 year",
                    _rate_cell(ret.new_hires),
                    "1-year mark in the period; still employed on it",
                ],
                [
                    "all staff",
                    _rate_cell(ret.overall),
                    "employed on the first day; still on the last",
                ],
                ["mentored", _rate_cell(ret.mentored), "mentee of an agreement in the period"],
                ["not mentored", _rate_cell(ret.not_mentored), ""],
                ["with an IDP", _rate_cell(ret.with_idp), "a development plan in the period"],
                ["without an IDP", _rate_cell(ret.without_idp), ""],
            ],
        )
    )
    if ret.new_hires_left:
        body.append(
            f'<p class="note">Left before their first anniversary: '
            f"{_e(_ids(ret.new_hires_left))}</p>"
        )
    body.append("<h3>Retention through the period, mentored vs not</h3>")
    styles = ((_BLUE, ""), (_ORANGE, "6 4"))
    series = []
    for (colour, dash), curve in zip(styles, ret.curves, strict=False):
        final = curve.points[-1][1] if curve.points else Rate(0, 0)
        series.append(
            (
                f"{curve.label}: {final} still employed at the end",
                colour,
                dash,
                [(m, r.percent, f"{curve.label}, month {m}: {r}") for m, r in curve.points],
            )
        )
    if any(curve.points and curve.points[0][1].denominator for curve in ret.curves):
        body.append(
            line_chart(
                series,
                title="Share still employed, months after the period start",
                x_label="months after the start of the period",
            )
        )
    else:
        body.append('<p class="nodata">no data: nobody was on staff at the start</p>')
    body.append("</section>")

    # Goals
    body.append('<section id="goals"><h2>Program goals</h2>')
    if not result.goals.goals:
        body.append('<p class="nodata">no mentorship program goals recorded</p>')
    else:
        rows = []
        for g in result.goals.goals:
            status = goal_status(g)
            cls = {"met": "met", "not yet": "notyet"}.get(status, "nodata")
            population = f" ({g.goal.population})" if g.goal.population else ""
            note = f'<div class="note">{_e(g.note)}</div>' if g.note else ""
            rows.append(
                [
                    f"{_e(g.goal.description)}{note}",
                    _e(g.goal.metric + population),
                    _e(_goal_number(g, g.goal.baseline)),
                    _e(_goal_number(g, g.goal.target)),
                    _rate_cell(g.current_text),
                    f'<span class="{cls}">{_e(status)}</span>',
                    _e(g.goal.deadline.isoformat() if g.goal.deadline else ""),
                ]
            )
        body.append(
            _table(
                ["goal", "metric", "baseline", "target", "current", "status", "deadline"],
                rows,
                (2, 3),
            )
        )
    body.append("</section>")

    # Development
    body.append('<section id="development"><h2>Development</h2>')
    body.append(
        _table(
            ["measure", "count", "out of"],
            [
                ["staff with a current IDP", _rate_cell(dev.idp_share), "people on staff"],
                [
                    "IDPs overdue for their quarterly review",
                    _rate_cell(Rate(len(dev.overdue_reviews), dev.current_plans)),
                    "current plans",
                ],
                [
                    "SMART objectives past due",
                    _rate_cell(Rate(len(dev.past_due), dev.objectives_open)),
                    "open objectives",
                ],
                [
                    "mentoring pairs overdue for a check-in",
                    _rate_cell(Rate(len(dev.overdue_check_ins), dev.active_agreements)),
                    "active agreements",
                ],
            ],
        )
    )
    if dev.overdue_reviews:
        body.append("<h3>IDP reviews overdue</h3>")
        body.append(
            _table(
                ["plan", "person", "last review", "due", "days overdue", "manager"],
                [
                    [
                        _e(r.plan),
                        _who(department, r.person),
                        _e(r.last_review.isoformat() if r.last_review else "never"),
                        _e(r.due.isoformat()),
                        str(r.days_overdue),
                        _who(department, r.manager),
                    ]
                    for r in dev.overdue_reviews[:LIST_LIMIT]
                ],
                (4,),
            )
        )
        body.append(_more_html(len(dev.overdue_reviews)))
    if dev.past_due:
        body.append("<h3>Objectives past due</h3>")
        body.append(
            _table(
                ["person", "objective", "due", "status", "days overdue"],
                [
                    [
                        _who(department, o.person),
                        f"{_e(o.description)}"
                        f'<div class="note">{_e(o.plan)}#{_e(o.objective)}</div>',
                        _e(o.due.isoformat()),
                        _e(o.status),
                        str(o.days_overdue),
                    ]
                    for o in dev.past_due[:LIST_LIMIT]
                ],
                (4,),
            )
        )
        body.append(_more_html(len(dev.past_due)))
    if dev.overdue_check_ins:
        body.append("<h3>Check-ins overdue</h3>")
        body.append(
            _table(
                ["agreement", "mentor -> mentee", "last check-in", "due", "days overdue"],
                [
                    [
                        _e(c.agreement),
                        _e(f"{c.mentor} -> {c.mentee}"),
                        _e(c.last_check_in.isoformat() if c.last_check_in else "never"),
                        _e(c.due.isoformat()),
                        str(c.days_overdue),
                    ]
                    for c in dev.overdue_check_ins[:LIST_LIMIT]
                ],
                (4,),
            )
        )
        body.append(_more_html(len(dev.overdue_check_ins)))
    body.append("</section>")

    # Credentials
    body.append('<section id="credentials"><h2>Credentials</h2>')
    people = cred.people_by_bucket
    body.append(
        _table(
            ["expired", "within 30 days", "31-60 days", "61-90 days", "staff"],
            [
                [
                    str(people.get("expired", 0)),
                    str(people.get("30", 0)),
                    str(people.get("60", 0)),
                    str(people.get("90", 0)),
                    str(cred.staff),
                ]
            ],
            (0, 1, 2, 3, 4),
        )
    )
    body.append('<p class="note">People, by their most urgent credential.</p>')
    body.append("<h3>Credentials expiring by month (not yet renewed)</h3>")
    labels = [("expired" if m == "expired" else _month_label(m), n) for m, n in cred.by_month]
    body.append(
        bar_chart(
            labels,
            title="Credentials expiring by month",
            colours=[_ORANGE if m == "expired" else _BLUE for m, _ in cred.by_month],
        )
    )
    if cred.groups:
        rows = []
        lines = _credential_lines(cred.groups)
        for first, group, line in lines[:LIST_LIMIT]:
            tag = "tag expired" if line.bucket == "expired" else "tag"
            rows.append(
                [
                    _who(department, group.manager) or _e(group.manager_name) if first else "",
                    _who(department, line.person),
                    f'<span class="{tag}">{_e(_bucket_text(line.bucket))}</span>',
                    _e(line.text),
                ]
            )
        body.append(_table(["manager", "person", "soonest", "credentials"], rows))
        body.append(_more_html(len(lines)))
    body.append("</section>")

    # Engagement
    body.append('<section id="engagement"><h2>Engagement</h2>')
    if not eng.years:
        body.append('<p class="nodata">no data: no engagement scores recorded</p>')
    else:
        body.append("<h3>Mean engagement score per year</h3>")
        body.append(
            bar_chart(
                [(str(y.year), round(y.mean or 0.0, 1)) for y in eng.years[-10:]],
                title="Mean engagement score per year",
                scale_max=100,
                notes=[f"n={y.n}" for y in eng.years[-10:]],
                shown=_score,
            )
        )
        body.append(
            _table(
                ["year", "mean score", "n"],
                [[str(y.year), _e(_score(y.mean)), str(y.n)] for y in eng.years],
                (1, 2),
            )
        )
    body.append("</section>")
    body.append(
        f"<footer>ladderctl report &middot; as of {_e(result.as_of.isoformat())}. Counts "
        "behind every percentage; &ldquo;no data&rdquo; marks an empty group.</footer>"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>ladderctl report {_e(result.as_of.isoformat())}</title>\n"
        f"<style>\n{_CSS}\n</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def _month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{_MONTHS[int(number) - 1]} {year[2:]}"


# --- due ---------------------------------------------------------------------------------------


@handles_errors
def due(
    within: str = typer.Option(
        "30d", "--within", help="How far ahead: N or Nd (days), Nw (weeks)."
    ),
    manager: str | None = typer.Option(
        None, "--manager", help="Only people reporting (directly or not) to this staff id."
    ),
    repo: Path = _REPO,
    as_of: str | None = _AS_OF,
    output: DueFormat = typer.Option(
        DueFormat.text, "--format", "-f", help="text, json or ics (a calendar)."
    ),
    out: Path | None = _OUT,
    force: bool = _FORCE,
) -> None:
    days = parse_within(within)
    day = parse_as_of(as_of)

    def action_list(records: Records) -> tuple[DueList, Department]:
        from ladderctl.department import DepartmentError
        from ladderctl.metrics import due_items

        if manager is not None:
            try:
                records.department.person(manager)
            except DepartmentError as error:
                raise Fatal(str(error)) from None
        with _kept_until_exit():
            items = due_items(
                records.department,
                records.plans,
                records.agreements,
                as_of=day,
                within_days=days,
                programs=records.programs,
                manager=manager,
            )
        return items, records.department

    items, department = _load(repo_root(repo), day, action_list)
    if output is DueFormat.json:
        content = json_text(items.to_dict()) + "\n"
    elif output is DueFormat.ics:
        content = due_ics(items)
    elif out is not None:
        content = due_text(items, department, width=100)
    else:
        render_due(items, department, console())
        return
    _emit(content, out, force)


_KIND_WORDS = {
    "certification": "credentials to renew",
    "idp-review": "IDP reviews",
    "check-in": "mentoring check-ins",
    "eligible": "newly eligible",
}


def render_due(items: DueList, department: Department, out: Console) -> None:
    """A summary line, then one table per manager, soonest first."""
    from rich.markup import escape

    until = items.as_of + timedelta(days=items.within_days)
    who = f" for the people of {items.manager}" if items.manager else ""
    counts = ", ".join(f"{n} {_KIND_WORDS[k]}" for k, n in items.counts.items())
    out.print(
        f"{len(items.items)} items due by {until.isoformat()}{escape(who)} "
        f"(as of {items.as_of.isoformat()}): {counts}; {items.overdue} overdue"
    )
    groups: dict[str | None, list[DueItem]] = {}
    for item in items.items:
        groups.setdefault(item.manager, []).append(item)
    # A health system's list is hundreds of small tables: boxing each costs seconds.
    plain = len(items.items) > RICH_TABLE_MAX_ROWS
    for manager in sorted(groups, key=lambda m: (_title(department, m), m or "")):
        entries = groups[manager]
        count = f"{len(entries)} item" + ("s" if len(entries) != 1 else "")
        print_lines(out, ["", (Styled(_title(department, manager), "bold"), f": {count}")])
        rows: list[tuple[Cell, ...]] = []
        for item in entries:
            rows.append(
                (item.date.isoformat(), item.status(items.as_of), item.person, item.subject)
            )
            if item.detail:
                # The detail under the subject, as a continuation of the item's row.
                rows.append(("", "", "", Styled(item.detail, "dim")))
        _grid(out, ("date", "when", "person", "what"), rows, plain=plain)


def due_text(items: DueList, department: Department, *, width: int = 100) -> str:
    from rich.console import Console

    buffer = io.StringIO()
    render_due(
        items,
        department,
        Console(file=buffer, width=width, color_system=None, highlight=False, soft_wrap=True),
    )
    return buffer.getvalue()


# --- ics (RFC 5545) ----------------------------------------------------------------------------


def ics_escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def ics_fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    pieces: list[str] = []
    limit = 75
    while data:
        cut = min(limit, len(data))
        while cut < len(data) and (data[cut] & 0xC0) == 0x80:
            cut -= 1  # back off to the start of a multi-byte character
        pieces.append(data[:cut].decode("utf-8"))
        data = data[cut:]
        limit = 74  # continuation lines start with a space
    return "\r\n ".join(pieces)


def _uid(item: DueItem) -> str:
    key = "\x1f".join((item.kind, item.person, item.subject, item.ref, item.date.isoformat()))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + "@ladderctl"


def due_ics(items: DueList) -> str:
    """An iCalendar file: one all-day VEVENT per item, reproducible byte for byte."""
    stamp = items.as_of.strftime("%Y%m%d") + "T000000Z"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//ladderctl//due//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:" + ics_escape(f"ladderctl due (as of {items.as_of.isoformat()})"),
    ]
    for item in items.items:
        overdue = item.date < items.as_of and item.kind != "eligible"
        summary = ("OVERDUE: " if overdue else "") + f"{item.subject}: {item.name}"
        description = "\n".join(
            part
            for part in (
                f"{item.detail}" if item.detail else "",
                f"person: {item.name} ({item.person})",
                f"manager: {item.manager}" if item.manager else "",
                f"record: {item.ref}" if item.ref else "",
                f"status as of {items.as_of.isoformat()}: {item.status(items.as_of)}",
            )
            if part
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uid(item)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{item.date.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(item.date + timedelta(days=1)).strftime('%Y%m%d')}",
            "SUMMARY:" + ics_escape(summary),
            "DESCRIPTION:" + ics_escape(description),
            "CATEGORIES:" + ics_escape(item.kind),
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(line) + "\r\n" for line in lines)
