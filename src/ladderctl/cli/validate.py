"""`ladderctl validate`: is the department's data correct?"""

from __future__ import annotations

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
    from ladderctl.diagnostics import Diagnostic
    from ladderctl.repository import ValidationReport


class ValidateFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


HELP = """Check every record in the department repo: YAML, schemas and cross-file rules.

Reports all problems in one run, one per line as
[bold]path:line:col: error|warning \\[rule] message (hint: ...)[/], then a summary.

[bold]Examples[/]

  ladderctl validate                      # the repo in the current folder
  ladderctl validate examples             # a folder
  ladderctl validate staff/jdoe.yaml      # some files (the whole repo is read for references)
  ladderctl validate --format github      # annotations for GitHub Actions
  ladderctl validate --strict             # warnings fail too

Exit codes: 0 no errors, 1 problems found, 2 usage or I/O error.
"""


def register(app: typer.Typer) -> None:
    app.command("validate", help=HELP)(validate)


@handles_errors
def validate(
    paths: list[Path] = typer.Argument(
        None, help="Files or folders to check (default: the whole repo).", show_default=False
    ),
    repo: Path | None = typer.Option(
        None,
        "--repo",
        help="The department repo (default: the single folder given, else the current folder).",
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date for the time-based warnings, YYYY-MM-DD (default: today)."
    ),
    output: ValidateFormat = typer.Option(
        ValidateFormat.text, "--format", "-f", help="text, json or github (Actions annotations)."
    ),
    strict: bool = typer.Option(False, "--strict", help="Fail (exit 1) on warnings too."),
) -> None:
    from ladderctl.repository import missing_paths

    paths = paths or []
    missing = missing_paths(paths)
    if missing:
        names = ", ".join(d.location.path for d in missing)
        raise Fatal(f"no such file or folder: {names}", hint="check the spelling of the path")
    if repo is None:
        repo = paths[0] if len(paths) == 1 and paths[0].is_dir() else Path()
    root = repo_root(repo)
    day = parse_as_of(as_of)
    only = [] if len(paths) == 1 and paths[0] == repo else paths
    # Cross-file rules need the whole repo; with some files named, only their problems are shown.
    report = _run(root, day, output)
    if only:
        report.diagnostics = _within(report.diagnostics, only)
    _render(report, output)
    failing = report.errors or (strict and report.warnings)
    raise typer.Exit(int(ExitStatus.PROBLEMS if failing else ExitStatus.OK))


def _run(root: Path, day: date, output: ValidateFormat) -> ValidationReport:
    from ladderctl.repository import validate_repository

    err = console(stderr=True)
    if output is not ValidateFormat.text or not err.is_terminal:
        return validate_repository(root, as_of=day)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("checking"), BarColumn(), MofNCompleteColumn(), console=err, transient=True
    ) as bar:
        task = bar.add_task("files", total=None)
        return validate_repository(
            root,
            as_of=day,
            progress=lambda done, _batch: bar.update(task, completed=done),
            on_files=lambda total: bar.update(task, total=total),
        )


def _within(diagnostics: list[Diagnostic], paths: list[Path]) -> list[Diagnostic]:
    from ladderctl.repository import shown_path

    files = {shown_path(p) for p in paths if p.is_file()}
    folders = tuple(shown_path(p).rstrip("/") + "/" for p in paths if p.is_dir())
    return [
        d
        for d in diagnostics
        if d.location.path in files
        or d.location.path.startswith(folders)
        or (not folders and not files)
    ]


def _render(report: ValidationReport, output: ValidateFormat) -> None:
    if output is ValidateFormat.json:
        typer.echo(json_text(report.to_dict()))
        return
    if output is ValidateFormat.github:
        for d in report.diagnostics:
            typer.echo(_github_annotation(d))
        typer.echo(_summary(report))
        return
    out = console()
    style = {"error": "bold red", "warning": "yellow"}
    from rich.markup import escape

    for d in report.diagnostics:
        hint = f" [dim](hint: {escape(d.hint)})[/]" if d.hint else ""
        out.print(
            f"[bold]{escape(str(d.location))}[/]: [{style[d.severity]}]{d.severity}[/] "
            f"[cyan]\\[{escape(d.rule)}][/] {escape(d.message)}{hint}"
        )
    colour = "red" if report.errors else ("yellow" if report.warnings else "green")
    out.print(f"[{colour}]{escape(_summary(report))}[/]")


def _summary(report: ValidationReport) -> str:
    files = f"{report.files} file{'s' if report.files != 1 else ''}"
    if not report.diagnostics:
        return f"checked {files}: no problems"
    errors = f"{report.errors} error{'s' if report.errors != 1 else ''}"
    warnings = f"{report.warnings} warning{'s' if report.warnings != 1 else ''}"
    return f"checked {files}: {errors}, {warnings}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github_annotation(d: Diagnostic) -> str:
    """A GitHub Actions workflow command that shows the problem on the pull request's diff."""
    loc = d.location
    message = f"{d.message} (hint: {d.hint})" if d.hint else d.message
    return (
        f"::{d.severity} file={_escape_property(loc.path)},line={loc.line},col={loc.column},"
        f"title={_escape_property(d.rule)}::{_escape_data(message)}"
    )
