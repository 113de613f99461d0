"""`ladderctl delegation` and `ladderctl training`: scope of practice and training progress."""

from __future__ import annotations

import csv
import html
import io
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ladderctl.cli._output import (
    ExitStatus,
    Fatal,
    console,
    handles_errors,
    json_text,
    parse_as_of,
    repo_root,
)

if TYPE_CHECKING:
    from ladderctl.department import Department
    from ladderctl.scope import (
        DelegationMatrix,
        MatrixCell,
        PhaseStatus,
        PlanProgress,
        Scope,
        TrainingReport,
    )


class DelegationFormat(str, Enum):
    text = "text"
    md = "md"
    html = "html"
    csv = "csv"
    json = "json"


class TrainingFormat(str, Enum):
    text = "text"
    json = "json"


DELEGATION_HELP = """Print the delegation matrix: each workflow task against ladder levels.

Each task is [bold]pharmacist-only[/], [bold]delegable[/] or [bold]shared[/] (task catalogs
in tasks/); each level does the tasks it lists and those of the levels below it. A cell shows
[bold]✓[/] (listed at the level), [bold](✓)[/] (from a lower level) or [bold]✗[/] (a
pharmacist-only task on a technician ladder: outside its scope of practice); for a shared task
it names the part the level does. Print it for job descriptions with --format md, html or csv.

[bold]Examples[/]

  ladderctl delegation                                          # every ladder that lists tasks
  ladderctl delegation --ladder specialty-pharmacy-technician   # one ladder
  ladderctl delegation --format html --out delegation.html      # a printable page
  ladderctl delegation --format csv > delegation.csv            # for a spreadsheet
"""

TRAINING_HELP = """Show where a person stands in their training plans.

For each plan the person started (staff record 'training:'): every phase with its days and
dates, and whether it is [bold]done[/] (with who signed it off), [bold]current[/],
[bold]upcoming[/] or [bold]overdue[/]; then what to do now and next (goal, procedures to read,
tasks to practise) and the competencies each phase establishes, with the evidence on file.

[bold]Examples[/]

  ladderctl training zoe-campbell
  ladderctl training omar-farouk --as-of 2026-02-20      # mid-plan: current and next week
  ladderctl training zoe-campbell --format json
"""

LEGEND = (
    "✓ listed at the level · (✓) from a lower level · "
    "✗ pharmacist-only: outside a technician's scope"
)
DELEGATION_WORDS = {
    "pharmacist-only": "pharmacist only",
    "delegable": "delegable",
    "shared": "shared",
}
SHORT_WORDS = {"pharmacist-only": "RPh only", "delegable": "delegable", "shared": "shared"}
SHORT_ROLES = {"pharmacist": "RPh", "technician": "tech"}
STATE_MARK = {"done": "✓", "current": "▶", "overdue": "!", "upcoming": "·"}
STATE_STYLE = {"done": "green", "current": "cyan", "overdue": "bold red", "upcoming": "dim"}
PLAN_STYLE = {
    "complete": "green",
    "in-progress": "cyan",
    "overdue": "bold red",
    "not-started": "dim",
}


def register(app: typer.Typer) -> None:
    app.command("delegation", help=DELEGATION_HELP)(delegation)
    app.command("training", help=TRAINING_HELP)(training)


# --- loading -----------------------------------------------------------------------------------


def _load(root: Path, day: date) -> tuple[Department, Scope]:
    from ladderctl.department import Department, DepartmentError
    from ladderctl.repository import load_valid_repository
    from ladderctl.scope import Scope, ScopeError

    documents = load_valid_repository(root, as_of=day, for_process=True).documents
    try:
        return Department.from_documents(documents), Scope.from_documents(documents)
    except (DepartmentError, ScopeError) as error:
        raise Fatal(str(error), status=ExitStatus.PROBLEMS) from None


# --- delegation --------------------------------------------------------------------------------


@handles_errors
def delegation(
    ladder: str | None = typer.Option(
        None, "--ladder", help="Only this ladder's levels (default: every ladder listing tasks)."
    ),
    output: DelegationFormat = typer.Option(
        DelegationFormat.text, "--format", "-f", help="text, md, html, csv or json."
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Write to this file instead of the screen."
    ),
    force: bool = typer.Option(False, "--force", help="With --out: replace a file that differs."),
    repo: Path = typer.Option(Path(), "--repo", help="The department repo."),
) -> None:
    from ladderctl.department import DepartmentError
    from ladderctl.scope import build_delegation_matrix

    if out is not None and output is DelegationFormat.text:
        raise Fatal("--out writes md, html, csv or json", hint="add e.g. --format html")
    root = repo_root(repo)
    # The matrix does not depend on a date; today only feeds validation's time-based warnings.
    department, scope = _load(root, date.today())
    if not scope.catalogs:
        raise Fatal(
            "the department has no task catalog",
            hint="add a TaskCatalog record, e.g. tasks/<id>.yaml (see 'ladderctl schema "
            "TaskCatalog')",
            status=ExitStatus.PROBLEMS,
        )
    try:
        if ladder is not None:
            ladders = [department.ladder(ladder)]
        else:
            ladders = [
                lad for lad in department.ladders.values() if any(lv.tasks for lv in lad.levels)
            ]
    except DepartmentError as error:
        raise Fatal(str(error)) from None
    matrix = build_delegation_matrix(scope.catalogs, ladders)
    title = " + ".join(c.title for c in scope.catalogs)
    if output is DelegationFormat.text and out is None:
        _print_matrix(matrix, title)
        return
    text = RENDERER_BY_FORMAT[output](matrix, title)
    if out is None:
        typer.echo(text, nl=False)
        return
    from ladderctl.writing import write_outputs

    summary = write_outputs({out: text}, force=force)
    console(stderr=True).print(summary.describe())
    raise typer.Exit(summary.exit_status)


def cell_text(cell: MatrixCell, *, short: bool = False) -> str:
    """A cell in words: `✓`, `(✓)`, `✗` or nothing, plus the role's part of a shared task."""
    mark = {"listed": "✓", "inherited": "(✓)", "not-permitted": "✗", "none": ""}[cell.status]
    if cell.performs and cell.part is not None:
        return f"{mark} {SHORT_ROLES[cell.part]}" if short else f"{mark} {cell.part} part"
    return mark


def _print_matrix(matrix: DelegationMatrix, title: str) -> None:
    """One table per ladder (its levels as columns), so that it fits an 80-column terminal."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    out = console()
    out.print(f"[bold]Delegation matrix: {escape(title)}[/]")
    if not matrix.columns:
        out.print("no ladder lists tasks yet: add 'tasks:' to ladder levels")
    by_ladder: dict[str, list[int]] = {}
    for index, column in enumerate(matrix.columns):
        by_ladder.setdefault(column.ladder, []).append(index)
    for indexes in by_ladder.values():
        first = matrix.columns[indexes[0]]
        table = Table(
            title=escape(f"{first.ladder_title} ({first.scope} scope)"),
            box=box.SIMPLE_HEAD,
            title_justify="left",
        )
        table.add_column("task", overflow="fold", ratio=1)
        table.add_column("who may do it", no_wrap=True)
        for index in indexes:
            table.add_column(escape(matrix.columns[index].level), no_wrap=True)
        stage = None
        for row in matrix.rows:
            if row.stage_title != stage:
                if stage is not None:
                    table.add_section()
                stage = row.stage_title
                table.add_row(f"[bold]{escape(stage)}[/]")
            table.add_row(
                escape(row.task.title),
                SHORT_WORDS[row.task.delegation],
                *(escape(cell_text(row.cells[i], short=True)) for i in indexes),
            )
        out.print(table)
    out.print(escape(LEGEND))
    out.print("shared tasks: RPh = the pharmacist's part, tech = the technician's part")


def matrix_markdown(matrix: DelegationMatrix, title: str) -> str:
    """The matrix as a Markdown page: the table, then who does what in each shared task."""
    lines = [f"## Delegation matrix: {_md(title)}", "", _md(LEGEND), ""]
    header = ["stage", "task", "who may do it"]
    header += [c.level_title for c in matrix.columns]
    lines.append("| " + " | ".join(_md(h) for h in header) + " |")
    lines.append("|" + " --- |" * len(header))
    for row in matrix.rows:
        codes = ", ".join(matrix.procedure_code(pid) for pid in row.task.procedures)
        label = f"{row.task.title} ({codes})" if codes else row.task.title
        cells = [row.stage_title, label, DELEGATION_WORDS[row.task.delegation]]
        cells += [cell_text(c) for c in row.cells]
        lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    shared = [row.task for row in matrix.rows if row.task.parts]
    if shared:
        lines += ["", "### Shared tasks: who does what", ""]
        for shared_task in shared:
            parts = "; ".join(f"{p.role}: {p.duty}" for p in shared_task.parts)
            lines.append(f"- **{_md(shared_task.title)}**: {_md(parts)}")
    lines += ["", "### Why", ""]
    for row in matrix.rows:
        lines.append(f"- **{_md(row.task.title)}** ({row.task.delegation}): {_md(row.task.reason)}")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Text that cannot break a Markdown table cell."""
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace("\r", " ")
        .replace("\n", " ")
    )


def matrix_csv(matrix: DelegationMatrix, title: str) -> str:
    """One row per task; one column per `ladder/level` with listed, inherited, not-permitted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "stage",
            "task",
            "title",
            "delegation",
            "procedures",
            "pharmacist_part",
            "technician_part",
            "reason",
            *(c.key for c in matrix.columns),
        ]
    )
    for row in matrix.rows:
        task = row.task
        writer.writerow(
            [
                task.stage,
                task.id,
                _csv_safe(task.title),
                task.delegation,
                ";".join(task.procedures),
                _csv_safe(task.part("pharmacist") or ""),
                _csv_safe(task.part("technician") or ""),
                _csv_safe(task.reason),
                *("" if c.status == "none" else c.status for c in row.cells),
            ]
        )
    return buffer.getvalue()


def _csv_safe(text: str) -> str:
    """Neutralise spreadsheet formulas (a cell starting with '=' must not run in Excel)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


HTML_STYLE = """
  @page { size: landscape; margin: 12mm; }
  body { font: 10pt/1.35 system-ui, sans-serif; color: #111; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border: 1px solid #999; padding: 3px 6px; vertical-align: top; }
  thead th { background: #eee; }
  tr.stage th { background: #f6f6f6; text-align: left; }
  td.mark { text-align: center; white-space: nowrap; }
  td.not-permitted { color: #a00; }
  .why { color: #555; font-size: 8.5pt; }
  .pharmacist-only { font-weight: 600; }
"""


def matrix_html(matrix: DelegationMatrix, title: str) -> str:
    """A standalone, printable HTML page of the matrix (landscape, no scripts)."""
    e = html.escape
    ladders: dict[str, list[str]] = {}
    for column in matrix.columns:
        ladders.setdefault(column.ladder_title, []).append(column.level_title)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>Delegation matrix: {e(title)}</title>",
        f"<style>{HTML_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>Delegation matrix: {e(title)}</h1>",
        f"<p>{e(LEGEND)}</p>",
        "<table>",
        "<thead>",
        '<tr><th rowspan="2">task</th><th rowspan="2">who may do it</th>'
        + "".join(f'<th colspan="{len(v)}">{e(k)}</th>' for k, v in ladders.items())
        + "</tr>",
        "<tr>" + "".join(f"<th>{e(c.level_title)}</th>" for c in matrix.columns) + "</tr>",
        "</thead>",
        "<tbody>",
    ]
    stage = None
    span = 2 + len(matrix.columns)
    for row in matrix.rows:
        if row.stage_title != stage:
            stage = row.stage_title
            out.append(f'<tr class="stage"><th colspan="{span}">{e(stage)}</th></tr>')
        task = row.task
        parts = "".join(f"<br><b>{e(p.role)}:</b> {e(p.duty)}" for p in task.parts)
        codes = ", ".join(matrix.procedure_code(pid) for pid in task.procedures)
        procedures = f" ({e(codes)})" if codes else ""
        cells = "".join(f'<td class="mark {c.status}">{e(cell_text(c))}</td>' for c in row.cells)
        out.append(
            f'<tr><td>{e(task.title)}{procedures}<div class="why">{e(task.reason)}{parts}'
            f'</div></td><td class="{e(task.delegation)}">'
            f"{e(DELEGATION_WORDS[task.delegation])}</td>{cells}</tr>"
        )
    out += ["</tbody>", "</table>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def matrix_json(matrix: DelegationMatrix, title: str) -> str:
    return json_text({"title": title, **matrix.to_dict()}) + "\n"


RENDERER_BY_FORMAT = {
    DelegationFormat.md: matrix_markdown,
    DelegationFormat.html: matrix_html,
    DelegationFormat.csv: matrix_csv,
    DelegationFormat.json: matrix_json,
}


# --- training ----------------------------------------------------------------------------------


@handles_errors
def training(
    person: str = typer.Argument(..., help="Staff id of the person."),
    as_of: str | None = typer.Option(None, "--as-of", help="Date, YYYY-MM-DD (default: today)."),
    repo: Path = typer.Option(Path(), "--repo", help="The department repo."),
    output: TrainingFormat = typer.Option(
        TrainingFormat.text, "--format", "-f", help="text or json."
    ),
) -> None:
    from ladderctl.department import DepartmentError
    from ladderctl.scope import ScopeError, training_status

    root = repo_root(repo)
    day = parse_as_of(as_of)
    department, scope = _load(root, day)
    try:
        record = department.person(person)
        report = training_status(record, scope, as_of=day)
    except (DepartmentError, ScopeError) as error:
        raise Fatal(str(error)) from None
    if output is TrainingFormat.json:
        typer.echo(json_text(report.to_dict()))
        return
    _print_training(report, department, scope)


def _days_word(days: int) -> str:
    return f"{days} day{'s' if days != 1 else ''}"


def phase_detail(status: PhaseStatus, as_of: date) -> str:
    """`done 2026-06-05, signed off by x`, `due 2026-06-21 (in 3 days)`, `overdue by 5 days`."""
    if status.state == "done" and status.completed is not None:
        text = f"done {status.completed.isoformat()}"
        if status.late:
            text += f" ({_days_word((status.completed - status.due).days)} late)"
        if status.signed_off_by:
            text += f", signed off by {status.signed_off_by}"
        else:
            text += ", not signed off"
        return text
    if status.state == "overdue":
        return f"overdue by {_days_word((as_of - status.due).days)} (due {status.due.isoformat()})"
    if status.state == "current":
        left = (status.due - as_of).days
        return (
            f"due {status.due.isoformat()} ({'today' if left == 0 else 'in ' + _days_word(left)})"
        )
    return f"starts {status.starts.isoformat()}"


def _print_training(report: TrainingReport, department: Department, scope: Scope) -> None:
    from rich.markup import escape

    out = console()
    record = department.staff[report.person]
    level = department.ladders.get(record.ladder)
    found = level.level(record.level) if level is not None else None
    where = found.title if found is not None else f"{record.ladder}/{record.level}"
    out.print(
        f"[bold]{escape(report.name)}[/] ({escape(report.person)}), {escape(where)}, "
        f"as of {report.as_of.isoformat()}"
    )
    if not report.plans:
        out.print("no training plan on record (add 'training:' to the staff record)")
        return
    for progress in report.plans:
        _print_plan(progress, report.as_of, scope)


def _print_plan(progress: PlanProgress, as_of: date, scope: Scope) -> None:
    from rich.markup import escape
    from rich.table import Table

    out = console()
    plan = progress.plan
    style = PLAN_STYLE[progress.state]
    out.print()
    out.print(
        f"[bold]{escape(plan.title)}[/] ({escape(plan.id)}): "
        f"{progress.start.isoformat()} to {progress.end.isoformat()}, "
        f"[{style}]{progress.state.replace('-', ' ')}[/]"
    )
    table = Table("", "phase", "days", "status", box=None, pad_edge=False)
    for status in progress.phases:
        st = STATE_STYLE[status.state]
        table.add_row(
            f"[{st}]{STATE_MARK[status.state]}[/]",
            escape(f"{status.phase.id}  {status.phase.title}"),
            f"{status.phase.first_day}-{status.phase.last_day}",
            f"[{st}]{escape(phase_detail(status, as_of))}[/]",
        )
    out.print(table)

    def ids(items: tuple[PhaseStatus, ...]) -> str:
        return ", ".join(p.phase.id for p in items) or "none"

    nxt = progress.next
    out.print(
        f"done: {ids(progress.done)} · current: {ids(progress.current)} · "
        f"next: {nxt.phase.id if nxt else 'none'} · overdue: {ids(progress.overdue)}"
    )
    focus = [*progress.overdue, *progress.current] or ([nxt] if nxt else [])
    for status in focus:
        _print_focus(status, scope)
    established = [(p.phase.id, e) for p in progress.phases for e in p.competencies]
    if established:
        out.print("[bold]competencies the phases establish[/]")
        for phase_id, evidence in established:
            c = evidence.competency
            what = "assessment" if c.kind == "assessment" else "activity tag"
            mark = "[green]on file[/]" if evidence.on_file else "[yellow]not yet[/]"
            out.print(
                f"  {escape(phase_id)}: {escape(c.id)} ({what}): {mark}, {escape(evidence.detail)}"
            )


def _print_focus(status: PhaseStatus, scope: Scope) -> None:
    from rich.markup import escape

    out = console()
    phase = status.phase
    label = {"overdue": "to finish", "current": "now", "upcoming": "next"}[status.state]
    out.print(f"[bold]{label}: {escape(phase.id)}[/] - {escape(phase.goal)}")
    for activity in phase.activities:
        out.print(f"  - {escape(activity)}")
    if phase.read:
        titles = []
        for pid in phase.read:
            procedure = scope.procedure(pid)
            titles.append(procedure.label if procedure else pid)
        out.print(f"  read: {escape('; '.join(titles))}")
    if phase.tasks:
        names = [scope.tasks[t].title if t in scope.tasks else t for t in phase.tasks]
        out.print(f"  practise: {escape('; '.join(names))}")
