"""`ladderctl check-advancement`: who is eligible for promotion, and what is everyone missing?"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ladderctl.cli._output import (
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
    from ladderctl.advancement import (
        CriterionResult,
        EligibilityReport,
        EligibilitySummary,
        ImpactReport,
        TeamSummary,
    )
    from ladderctl.department import Department
    from ladderctl.loading import Document


class AdvancementFormat(str, Enum):
    text = "text"
    json = "json"
    md = "md"
    csv = "csv"


HELP = """Check promotion eligibility, criterion by criterion, for one person or a team.

For every criterion: [bold]met[/], [bold]not met[/], [bold]met on DATE[/] (time-based),
[bold]needs evidence[/] (no attestation recorded) or [bold]waived[/], with the evidence used (file
and line) and what would satisfy it. The verdict is [bold]eligible now[/], [bold]eligible on
DATE[/] (only time-based criteria remain) or [bold]not eligible[/]. "Not eligible" is an answer:
the exit code is 0 unless --fail-if-not-eligible.

[bold]Examples[/]

  ladderctl check-advancement kayla-morrison                 # next level on her ladder
  ladderctl check-advancement kayla-morrison --to tech-4     # two levels up
  ladderctl check-advancement tamara-brooks --to pharmacy-leadership/new-manager
  ladderctl check-advancement --all                          # the whole department
  ladderctl check-advancement --manager tamara-brooks        # everyone under a manager
  ladderctl check-advancement --ladder pharmacy-technician --format csv > ready.csv
  ladderctl check-advancement --all --compare origin/main    # impact of a ladder change
"""


def register(app: typer.Typer) -> None:
    app.command("check-advancement", help=HELP)(check_advancement)


@handles_errors
def check_advancement(
    person: str | None = typer.Argument(None, help="Staff id of the person to check."),
    to: str | None = typer.Option(
        None,
        "--to",
        help="Target: a level on the same ladder, LADDER/LEVEL or a transition id "
        "(default: the next level).",
    ),
    all_staff: bool = typer.Option(False, "--all", help="Check every active staff member."),
    manager: str | None = typer.Option(
        None, "--manager", help="Only people reporting (directly or not) to this staff id."
    ),
    ladder: str | None = typer.Option(None, "--ladder", help="Only people on this ladder."),
    level: str | None = typer.Option(None, "--level", help="Only people at this level."),
    site: str | None = typer.Option(None, "--site", help="Only people at this site."),
    compare: str | None = typer.Option(
        None,
        "--compare",
        metavar="REV",
        help="Also evaluate under the ladders and catalog at git revision REV and list who "
        "gains or loses eligibility.",
    ),
    repo: Path = typer.Option(Path(), "--repo", help="The department repo."),
    as_of: str | None = typer.Option(None, "--as-of", help="Date, YYYY-MM-DD (default: today)."),
    output: AdvancementFormat = typer.Option(
        AdvancementFormat.text, "--format", "-f", help="text, json, md or csv (teams)."
    ),
    fail_if_not_eligible: bool = typer.Option(
        False,
        "--fail-if-not-eligible",
        help="Exit 1 when someone checked is not eligible now (for scripts).",
    ),
) -> None:
    filters = {"manager": manager, "ladder": ladder, "level": level, "site": site}
    team = all_staff or any(value is not None for value in filters.values())
    if person is not None and team:
        raise Fatal("name one person, or use --all / filters, not both")
    if person is None and not team:
        raise Fatal(
            "name a person to check, or use --all (or --manager, --ladder, --level, --site)",
            hint="e.g. ladderctl check-advancement --all",
        )
    if to is not None and person is None:
        raise Fatal(
            "--to goes with one person", hint="e.g. ladderctl check-advancement ID --to tech-3"
        )
    if output is AdvancementFormat.csv and person is not None and compare is None:
        raise Fatal("--format csv is for teams", hint="use --format json or md for one person")
    root = repo_root(repo)
    day = parse_as_of(as_of)

    from ladderctl.department import DepartmentError
    from ladderctl.repository import work_on_valid_repository

    # The answer is worked out while the cross-file rules are checked (in another process, for
    # a big repo); nothing is shown before they pass.
    answer = work_on_valid_repository(
        root,
        lambda documents: _answer(documents, root, day, person, to, filters, compare),
        as_of=day,
        for_process=True,
    )
    try:
        failing = answer(output)
    except DepartmentError as error:
        raise Fatal(str(error)) from None
    if fail_if_not_eligible and failing:
        raise typer.Exit(int(ExitStatus.PROBLEMS))


# Shows an answer in a format; True when someone checked is not eligible now.
Answer = Callable[[AdvancementFormat], bool]


def _answer(
    documents: list[Document],
    root: Path,
    day: date,
    person: str | None,
    to: str | None,
    filters: dict[str, str | None],
    compare: str | None,
) -> Answer:
    """Work out what check-advancement was asked, to be shown once the data is known valid."""
    from ladderctl.advancement import check_eligibility, summarize_team
    from ladderctl.department import DepartmentError

    department = _department(documents)
    try:
        if person is not None:
            department.person(person)
            people = [person]
        else:
            people = _select(department, **filters)
        if compare is not None:
            impact = _compare(root, compare, documents, department, people, day)

            def show_impact(output: AdvancementFormat) -> bool:
                _render_impact(impact, output)
                return False

            return show_impact
        if person is not None:
            report = check_eligibility(person, department, as_of=day, target=to)

            def show_person(output: AdvancementFormat) -> bool:
                _render_person(report, department, output)
                return not report.eligible

            return show_person
        team = summarize_team(people, department, as_of=day)
    except DepartmentError as error:
        raise Fatal(str(error)) from None

    def show_team(output: AdvancementFormat) -> bool:
        _render_team(team, output)
        return any(not r.eligible for r in team.people)

    return show_team


def _department(documents: list[Document]) -> Department:
    from ladderctl.department import Department, DepartmentError

    try:
        return Department.from_documents(documents)
    except DepartmentError as error:
        raise Fatal(str(error), status=ExitStatus.PROBLEMS) from None


def _select(
    department: Department,
    *,
    manager: str | None,
    ladder: str | None,
    level: str | None,
    site: str | None,
) -> list[str]:
    """Active staff matching every filter given (inactive people are never evaluated)."""
    if manager is not None:
        department.person(manager)
    if ladder is not None:
        department.ladder(ladder)
    if level is not None and not any(
        level in (lv.id for lv in lad.levels) for lad in department.ladders.values()
    ):
        raise Fatal(f"no ladder has a level '{level}'", hint="see the levels in ladders/")
    if site is not None and site not in {p.site for p in department.staff.values()}:
        sites = sorted({p.site for p in department.staff.values() if p.site})
        raise Fatal(f"nobody works at site '{site}'", hint=f"sites: {', '.join(sites)}")
    chosen = []
    for person in department.staff.values():
        if person.status not in ("active", "leave"):
            continue
        if ladder is not None and person.ladder != ladder:
            continue
        if level is not None and person.level != level:
            continue
        if site is not None and person.site != site:
            continue
        if manager is not None and not _reports_to(department, person.id, manager):
            continue
        chosen.append(person.id)
    return sorted(chosen)


def _reports_to(department: Department, person: str, manager: str) -> bool:
    seen = {person}
    current = department.staff[person].manager
    while current is not None and current not in seen:
        if current == manager:
            return True
        seen.add(current)
        record = department.staff.get(current)
        current = record.manager if record is not None else None
    return False


def _compare(
    root: Path,
    revision: str,
    documents: list[Document],
    department: Department,
    people: list[str],
    day: date,
) -> ImpactReport:
    from ladderctl.advancement import compare_departments
    from ladderctl.history import InvalidRevision, RevisionError, documents_at

    try:
        old_rules = documents_at(root, revision, kinds={"Ladder", "Catalog"})
    except RevisionError as error:
        raise Fatal(error.message, hint=error.hint) from None
    except InvalidRevision as invalid:
        first = invalid.problems[0]
        raise Fatal(
            f"the ladders at {revision} do not validate: {first}",
            status=ExitStatus.PROBLEMS,
        ) from None
    # The same staff records under the old rules: share them rather than build 10,000 again.
    old = dataclasses.replace(_department(old_rules), staff=department.staff)
    return compare_departments(old, department, people, as_of=day)


# --- rendering ---------------------------------------------------------------------------------

STATUS_WORDS = {
    "met": "met",
    "not-met": "not met",
    "met-on": "met on",
    "needs-evidence": "needs evidence",
    "waived": "waived",
}
STATUS_STYLE = {
    "met": "green",
    "waived": "cyan",
    "met-on": "yellow",
    "not-met": "red",
    "needs-evidence": "magenta",
}
VERDICT_STYLE = {
    "eligible-now": "bold green",
    "eligible-on": "bold yellow",
    "not-eligible": "bold red",
    "top-of-ladder": "bold blue",
}


def verdict_text(report: EligibilityReport | EligibilitySummary) -> str:
    if report.verdict == "eligible-on" and report.eligible_on is not None:
        return f"eligible on {report.eligible_on.isoformat()}"
    return report.verdict.replace("-", " ")


def status_text(row: CriterionResult) -> str:
    if row.status == "met-on" and row.met_on is not None:
        return f"met on {row.met_on.isoformat()}"
    if row.status == "waived" and row.waiver is not None and row.waiver.expires is not None:
        return f"waived until {row.waiver.expires.isoformat()}"
    return STATUS_WORDS.get(row.status, row.status)


def _level_title(department: Department, ladder: str, level: str) -> str:
    try:
        return department.level(ladder, level).title
    except Exception:
        return level


def _target_text(report: EligibilityReport, department: Department) -> str:
    target = report.target
    if target is None:
        return "no next level"
    title = _level_title(department, target.ladder, target.level)
    via = f" (via {target.transition})" if target.transition else ""
    return f"{title} ({target.ladder}/{target.level}){via}"


def _detail(row: CriterionResult) -> list[str]:
    lines = []
    if row.waiver is not None:
        w = row.waiver
        until = f", until {w.expires.isoformat()}" if w.expires else ""
        lines.append(f"waived by {w.approver}{until}: {w.reason} ({w.location})")
    for item in row.evidence:
        lines.append(f"{item.text} ({item.location})" if item.location else item.text)
    if row.needed and not row.ok:
        lines.append(f"needed: {row.needed}")
    lines.extend(row.notes)
    return lines


def _render_person(
    report: EligibilityReport, department: Department, output: AdvancementFormat
) -> None:
    if output is AdvancementFormat.json:
        typer.echo(json_text(report.to_dict()))
        return
    if output is AdvancementFormat.md:
        typer.echo(person_markdown(report, department), nl=False)
        return
    from rich.markup import escape
    from rich.table import Table

    out = console()
    current = _level_title(department, report.ladder, report.level)
    out.print(
        f"[bold]{escape(report.name)}[/] ({escape(report.person)}), {escape(current)}: "
        f"toward {escape(_target_text(report, department))}, as of {report.as_of.isoformat()}"
    )
    out.print(
        f"verdict: [{VERDICT_STYLE[report.verdict]}]{verdict_text(report)}[/]",
    )
    if report.criteria:
        table = Table("criterion", "status", show_lines=False)
        table.add_column("evidence and what is needed", overflow="fold")
        for row in report.criteria:
            label = "  " * row.depth + row.id
            style = STATUS_STYLE.get(row.status, "")
            table.add_row(
                escape(label) + "\n" + "  " * row.depth + f"[dim]{escape(row.description)}[/]",
                f"[{style}]{escape(status_text(row))}[/]",
                escape("\n".join(_detail(row))),
            )
        out.print(table)
    if report.gaps:
        out.print("[bold]gaps:[/]")
        for gap in report.gaps:
            out.print(f"  - {escape(gap.id)}: {escape(gap.needed or gap.description)}")
    for warning in report.warnings:
        out.print(f"[yellow]warning:[/] {escape(warning)}")


def _md_cell(text: str) -> str:
    """Text that cannot break a Markdown table cell."""
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace("\r", " ")
        .replace("\n", "<br>")
    )


def person_markdown(report: EligibilityReport, department: Department) -> str:
    current = _level_title(department, report.ladder, report.level)
    lines = [
        f"## {_md_cell(report.name)} ({report.person}): {verdict_text(report)}",
        "",
        f"{_md_cell(current)} toward {_md_cell(_target_text(report, department))}, "
        f"as of {report.as_of.isoformat()}.",
        "",
    ]
    if report.criteria:
        lines += ["| criterion | status | evidence and what is needed |", "| --- | --- | --- |"]
        for row in report.criteria:
            indent = "&nbsp;&nbsp;" * row.depth
            lines.append(
                f"| {indent}{_md_cell(row.id)}: {_md_cell(row.description)} | "
                f"{_md_cell(status_text(row))} | {_md_cell(chr(10).join(_detail(row)))} |"
            )
        lines.append("")
    for warning in report.warnings:
        lines.append(f"> warning: {_md_cell(warning)}")
    if report.warnings:
        lines.append("")
    return "\n".join(lines)


def _gap_summary(report: EligibilitySummary) -> str:
    if report.verdict == "eligible-on":
        return ", ".join(f"{criterion} ({met_on})" for criterion, met_on in report.pending)
    return ", ".join(report.gaps)


def _render_team(report: TeamSummary, output: AdvancementFormat) -> None:
    if output is AdvancementFormat.json:
        typer.echo(json_text(report.to_dict()))
        return
    if output is AdvancementFormat.csv:
        typer.echo(team_csv(report), nl=False)
        return
    counts = ", ".join(
        f"{report.counts.get(v, 0)} {v.replace('-', ' ')}"
        for v in ("eligible-now", "eligible-on", "not-eligible", "top-of-ladder")
    )
    if output is AdvancementFormat.md:
        lines = [
            f"## Advancement as of {report.as_of.isoformat()}",
            "",
            counts,
            "",
            "| person | level | target | verdict | gaps or pending |",
            "| --- | --- | --- | --- | --- |",
        ]
        for r in report.people:
            target = f"{r.target.ladder}/{r.target.level}" if r.target else ""
            lines.append(
                f"| {_md_cell(r.name)} ({r.person}) | {r.ladder}/{r.level} | {target} | "
                f"{verdict_text(r)} | {_md_cell(_gap_summary(r))} |"
            )
        typer.echo("\n".join(lines))
        return
    out = console()
    rows = [
        (r.person, _step(r), Styled(verdict_text(r), VERDICT_STYLE[r.verdict]), _gap_summary(r))
        for r in report.people
    ]
    print_table(out, ("person", "step", "verdict", "gaps, or what is pending"), rows)
    summary = f"{len(report.people)} people as of {report.as_of.isoformat()}: {counts}"
    warnings = [
        (Styled("warning:", "yellow"), f" {r.person}: {w}")
        for r in report.people
        for w in r.warnings
    ]
    print_lines(out, [summary, *warnings])


def _step(report: EligibilitySummary) -> str:
    """`tech-2 -> tech-3`, naming the ladder only when the target is on another one."""
    target = report.target
    if target is None:
        return report.level
    to = target.level if target.ladder == report.ladder else f"{target.ladder}/{target.level}"
    return f"{report.level} -> {to}"


def team_csv(report: TeamSummary) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "person",
            "name",
            "ladder",
            "level",
            "target",
            "verdict",
            "eligible_on",
            "gaps",
            "warnings",
        ]
    )
    for r in report.people:
        writer.writerow(
            [
                r.person,
                _csv_safe(r.name),
                r.ladder,
                r.level,
                f"{r.target.ladder}/{r.target.level}" if r.target else "",
                r.verdict,
                r.eligible_on.isoformat() if r.eligible_on else "",
                ";".join(r.gaps),
                _csv_safe(" | ".join(r.warnings)),
            ]
        )
    return buffer.getvalue()


def _csv_safe(text: str) -> str:
    """Neutralise spreadsheet formulas (a name starting with '=' must not run in Excel)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _side(verdict: str | None, day: date | None) -> str:
    if verdict is None:
        return "-"
    if verdict == "eligible-on" and day is not None:
        return f"eligible on {day.isoformat()}"
    return verdict.replace("-", " ")


def _render_impact(report: ImpactReport, output: AdvancementFormat) -> None:
    if output is AdvancementFormat.json:
        typer.echo(json_text(report.to_dict()))
        return
    rows = []
    for entry in report.entries:
        old = _side(entry.old.verdict, entry.old.eligible_on) if entry.old else entry.old_error
        new = _side(entry.new.verdict, entry.new.eligible_on) if entry.new else entry.new_error
        why = "; ".join(
            f"{c.id} ({c.kind}: {c.old_status or '-'} -> {c.new_status or '-'})"
            for c in entry.responsible
        )
        rows.append((entry.person, entry.name, entry.change, old or "", new or "", why))
    if output is AdvancementFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["person", "name", "change", "before", "after", "responsible"])
        writer.writerows([(p, _csv_safe(n), c, o, w, r) for p, n, c, o, w, r in rows])
        typer.echo(buffer.getvalue(), nl=False)
        return
    summary = (
        f"{len(report.entries)} changed, {len(report.unchanged)} unchanged "
        f"as of {report.as_of.isoformat()}"
    )
    if output is AdvancementFormat.md:
        lines = ["## Advancement impact of this ladder change", "", summary, ""]
        if rows:
            lines += [
                "| person | change | before | after | criteria responsible |",
                "| --- | --- | --- | --- | --- |",
            ]
            lines += [
                f"| {_md_cell(n)} ({p}) | {c} | {o} | {w} | {_md_cell(r)} |"
                for p, n, c, o, w, r in rows
            ]
        typer.echo("\n".join(lines))
        return
    out = console()
    if rows:
        # The id under the name, on a line of its own, as a continuation of the person's row.
        shown = [
            line
            for p, n, c, o, w, r in rows
            for line in ((n, c, o, w, r), (Styled(p, "dim"), "", "", "", ""))
        ]
        print_table(out, ("person", "change", "before", "after", "criteria responsible"), shown)
    print_lines(out, [summary])
