"""`ladderctl render-idp` and `render-agreement`: the documents people print, discuss and sign."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ladderctl.cli._output import (
    ExitStatus,
    Fatal,
    console,
    handles_errors,
    parse_as_of,
    repo_root,
)

if TYPE_CHECKING:
    from ladderctl.loading import Document
    from ladderctl.render import Paper, Paperwork
    from ladderctl.writing import WriteSummary


class RenderFormat(str, Enum):
    md = "md"
    html = "html"
    docx = "docx"
    pdf = "pdf"


class PaperSize(str, Enum):
    letter = "letter"
    a4 = "a4"


_COMMON = """
Formats: [bold]md[/] (Markdown) and [bold]html[/] (print-ready: page size,
margins, running header, page numbers, rows never split; open it, then
Print -> Save as PDF) come with the base install. [bold]docx[/] needs
pip install 'ladderctl\\[docx]' and [bold]pdf[/] pip install 'ladderctl\\[pdf]';
both need --out. Identical input gives byte-identical output (no dates
unless --stamp), so documents can be committed and diffed. An existing
file that differs is kept unless --force.

Templates: a file of the same name in --template-dir, then in the repo's
templates/ folder, replaces the shipped one ({names}). Templates run in a
sandbox; a field the record lacks is an error naming template, line, field.
"""

HELP_IDP = (
    """Render an Individual Development Plan (IDP) to discuss and sign.

The IDP has the employee's profile, the four sections (career aspirations;
strengths and development areas; SMART objectives; action plan and the
manager's commitments), the quarterly review log with empty rows for the
quarters to come, signature lines, and the [bold]ladder context[/]: the target
level and what the advancement check finds missing for it on --as-of.

PERSON is a staff id (their plan whose period contains --as-of, else the
latest), a plan id, or the path of a plan file.
"""
    + _COMMON.format(names="idp.md.j2, idp.html.j2, document.css.j2, idp.docx, idp.typ")
    + """
[bold]Examples[/]

  ladderctl render-idp kayla-morrison               # Markdown on stdout
  ladderctl render-idp kayla-morrison -f html -o kayla-idp.html
  ladderctl render-idp plans/idp-kayla-morrison-2026.yaml -f docx -o k.docx
  ladderctl render-idp --all --format pdf --out signed/
  ladderctl render-idp kayla-morrison --template-dir ours/ -f html
"""
)

HELP_AGREEMENT = (
    """Render a mentorship agreement to sign at the program kick-off.

The agreement has the pair, the program and dates, confidentiality and its
exceptions, meeting frequency, length and mode, the initial goals (with the
mentee's linked IDP objectives), the check-in schedule from the program's
cadence, the no-fault ending with its notice, and signature lines.

PAIR is an agreement id, MENTOR:MENTEE (their agreement in force on --as-of,
else the latest), or the path of an agreement file.
"""
    + _COMMON.format(
        names="agreement.md.j2, agreement.html.j2, document.css.j2, agreement.docx, agreement.typ"
    )
    + """
[bold]Examples[/]

  ladderctl render-agreement carmen-diaz:kayla-morrison
  ladderctl render-agreement agr-2026-carmen-diaz-kayla-morrison -f html -o a.html
  ladderctl render-agreement --all --format docx --out to-sign/
"""
)


def register(app: typer.Typer) -> None:
    app.command("render-idp", help=HELP_IDP)(render_idp)
    app.command("render-agreement", help=HELP_AGREEMENT)(render_agreement)


# Typer options shared by both commands (declared once, used as defaults).
_FORMAT = typer.Option(RenderFormat.md, "--format", "-f", help="md, html, docx or pdf.")
_OUT = typer.Option(
    None,
    "--out",
    "-o",
    help="Output file, or folder (with --all, or an existing folder: one file per record, named "
    "after its id). Default for md/html: stdout.",
)
_TEMPLATE_DIR = typer.Option(
    None,
    "--template-dir",
    help="Look for templates here first (then REPO/templates, then shipped).",
)
_AS_OF = typer.Option(None, "--as-of", help="Date, YYYY-MM-DD (default: today).")
_REPO = typer.Option(
    None, "--repo", help="The department repo (default: the current folder, or found from FILE)."
)
_FORCE = typer.Option(False, "--force", help="Replace output files whose content differs.")
_PAPER = typer.Option(PaperSize.letter, "--paper", help="Page size for html and pdf.")
_STAMP = typer.Option(
    False,
    "--stamp",
    help="Print the date and time of rendering in the document (output then differs every run).",
)


@handles_errors
def render_idp(
    person: str | None = typer.Argument(
        None, metavar="PERSON|FILE", help="Staff id, plan id, or path of a plan file."
    ),
    output: RenderFormat = _FORMAT,
    out: Path | None = _OUT,
    template_dir: Path | None = _TEMPLATE_DIR,
    as_of: str | None = _AS_OF,
    repo: Path | None = _REPO,
    force: bool = _FORCE,
    all_records: bool = typer.Option(False, "--all", help="Render every plan into --out DIR."),
    paper: PaperSize = _PAPER,
    stamp: bool = _STAMP,
) -> None:
    _run(
        "idp",
        person,
        Settings(output.value, out, template_dir, as_of, repo, force, all_records, paper, stamp),
    )


@handles_errors
def render_agreement(
    pair: str | None = typer.Argument(
        None,
        metavar="PAIR|FILE",
        help="Agreement id, MENTOR:MENTEE, or path of an agreement file.",
    ),
    output: RenderFormat = _FORMAT,
    out: Path | None = _OUT,
    template_dir: Path | None = _TEMPLATE_DIR,
    as_of: str | None = _AS_OF,
    repo: Path | None = _REPO,
    force: bool = _FORCE,
    all_records: bool = typer.Option(False, "--all", help="Render every agreement into --out DIR."),
    paper: PaperSize = _PAPER,
    stamp: bool = _STAMP,
) -> None:
    _run(
        "agreement",
        pair,
        Settings(output.value, out, template_dir, as_of, repo, force, all_records, paper, stamp),
    )


@dataclass(frozen=True)
class Settings:
    """The parsed options of one render command."""

    fmt: str
    out: Path | None
    template_dir: Path | None
    as_of: str | None
    repo: Path | None
    force: bool
    all_records: bool
    paper: PaperSize
    stamp: bool


RECORD_KIND = {"idp": "DevelopmentPlan", "agreement": "MentorshipAgreement"}
COMMAND = {"idp": "render-idp", "agreement": "render-agreement"}
NOUN = {"idp": "development plan", "agreement": "mentorship agreement"}


def _run(kind: str, name: str | None, settings: Settings) -> None:
    from ladderctl.render import MissingExtra, check_format_available

    _check_usage(kind, name, settings)
    try:
        check_format_available(settings.fmt)
    except MissingExtra as error:
        raise Fatal(str(error)) from None
    file = _record_file(name)
    root = repo_root(settings.repo or (_infer_root(file) if file is not None else Path()))
    day = parse_as_of(settings.as_of)
    documents = _load(root, day)
    paperwork = _paperwork(documents)
    if settings.all_records:
        records = _all_records(kind, paperwork)
    elif file is not None:
        records = [_record_from_file(kind, file, documents, paperwork)]
    else:
        assert name is not None  # _check_usage guarantees it
        records = [_record_by_name(kind, name, paperwork, day)]
    dirs = _template_dirs(root, settings.template_dir)
    stamp = datetime.now(timezone.utc) if settings.stamp else None
    rendered = _render_all(kind, records, paperwork, dirs, settings, day, stamp)
    _deliver(kind, rendered, settings)


def _check_usage(kind: str, name: str | None, settings: Settings) -> None:
    example = f"ladderctl {COMMAND[kind]} --all --format {settings.fmt} --out DIR"
    if settings.all_records and name is not None:
        raise Fatal(f"name one record or use --all, not both (e.g. {example})")
    if not settings.all_records and name is None:
        what = "a person, plan id or file" if kind == "idp" else "an agreement id, MENTOR:MENTEE"
        raise Fatal(
            f"name {what}, or use --all",
            hint=f"e.g. ladderctl {COMMAND[kind]} {'kayla-morrison' if kind == 'idp' else 'ID'}",
        )
    if settings.all_records and settings.out is None:
        raise Fatal("--all writes one file per record: pass --out DIR", hint=f"e.g. {example}")
    if settings.all_records and settings.out is not None and settings.out.is_file():
        raise Fatal(f"--out '{settings.out}' is a file; --all needs a folder")
    if settings.fmt in ("docx", "pdf") and settings.out is None:
        raise Fatal(
            f"--format {settings.fmt} writes a binary file: pass --out FILE",
            hint=f"e.g. ladderctl {COMMAND[kind]} {name or 'ID'} --format {settings.fmt} "
            f"--out document.{settings.fmt}",
        )
    if settings.template_dir is not None and not settings.template_dir.is_dir():
        raise Fatal(f"--template-dir '{settings.template_dir}' is not a folder")


def _record_file(name: str | None) -> Path | None:
    """`name` as a record file, when it names one (an existing file or a .yaml/.yml path)."""
    if name is None:
        return None
    path = Path(name)
    if path.suffix in (".yaml", ".yml") or "/" in name or "\\" in name:
        if not path.is_file():
            raise Fatal(f"no such file '{name}'", hint="check the path, or pass an id")
        return path
    return path if path.is_file() else None


def _infer_root(file: Path) -> Path:
    """The repo a record file belongs to: the nearest folder up with ladderctl.yaml, else the
    folder above plans/ or agreements/, else the file's folder."""
    folder = file.resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / "ladderctl.yaml").is_file():
            return candidate
    if folder.name in ("plans", "agreements"):
        return folder.parent
    return folder


def _load(root: Path, day: date) -> list[Document]:
    from ladderctl.repository import load_valid_repository

    return load_valid_repository(root, as_of=day, for_process=True).documents


def _paperwork(documents: list[Document]) -> Paperwork:
    from ladderctl.department import DepartmentError
    from ladderctl.render import Paperwork

    try:
        return Paperwork.from_documents(documents)
    except DepartmentError as error:
        raise Fatal(str(error), status=ExitStatus.PROBLEMS) from None


def _all_records(kind: str, paperwork: Paperwork) -> list[Mapping[str, Any]]:
    records = paperwork.plans if kind == "idp" else paperwork.agreements
    return [records[key] for key in sorted(records)]


def _record_by_name(kind: str, name: str, paperwork: Paperwork, day: date) -> Mapping[str, Any]:
    from ladderctl.department import DepartmentError
    from ladderctl.render import RenderError

    try:
        if kind == "idp":
            return paperwork.find_plan(name, as_of=day)
        return paperwork.find_agreement(name, as_of=day)
    except (RenderError, DepartmentError) as error:
        raise Fatal(str(error)) from None


def _record_from_file(
    kind: str, file: Path, documents: list[Document], paperwork: Paperwork
) -> Mapping[str, Any]:
    """The record in `file`: as loaded with the repo when it is part of it, else loaded and
    schema-checked on its own (references to staff are still checked when rendering)."""
    wanted = file.resolve()
    doc = next((d for d in documents if Path(d.path).resolve() == wanted), None)
    if doc is None:
        from ladderctl.diagnostics import Diagnostic
        from ladderctl.loading import load_file
        from ladderctl.validation import check_schema

        loaded = load_file(file)
        if isinstance(loaded, Diagnostic):
            raise Fatal(str(loaded), status=ExitStatus.PROBLEMS)
        problems = check_schema(loaded)
        if problems:
            raise Fatal(
                str(problems[0]),
                hint=f"run 'ladderctl validate {file}'",
                status=ExitStatus.PROBLEMS,
            )
        doc = loaded
    if doc.kind != RECORD_KIND[kind]:
        other = "render-agreement" if kind == "idp" else "render-idp"
        raise Fatal(
            f"'{file}' is a {doc.kind or 'file without a kind'}, not a {RECORD_KIND[kind]}",
            hint=f"use ladderctl {other} for it" if doc.kind in RECORD_KIND.values() else "",
        )
    paperwork.add(doc)
    data: Mapping[str, Any] = doc.data
    return data


def _template_dirs(root: Path, template_dir: Path | None) -> list[Path]:
    dirs = [] if template_dir is None else [template_dir]
    repo_templates = root / "templates"
    if repo_templates.is_dir():
        dirs.append(repo_templates)
    return dirs


def _render_all(
    kind: str,
    records: list[Mapping[str, Any]],
    paperwork: Paperwork,
    dirs: list[Path],
    settings: Settings,
    day: date,
    stamp: datetime | None,
) -> dict[str, bytes]:
    """Every record rendered in memory, by record id; nothing is written if one fails."""
    from ladderctl.department import DepartmentError
    from ladderctl.render import (
        MissingExtra,
        TemplateProblem,
        agreement_context,
        idp_context,
        render_document,
    )

    build = idp_context if kind == "idp" else agreement_context
    paper: Paper = "a4" if settings.paper is PaperSize.a4 else "letter"
    rendered: dict[str, bytes] = {}
    with _progress(len(records) if settings.all_records else 0, "rendering") as advance:
        for record in records:
            try:
                context = build(record, paperwork, as_of=day, stamp=stamp, paper=paper)
                rendered[str(record["id"])] = render_document(
                    kind, context, fmt=settings.fmt, template_dirs=dirs
                )
            except TemplateProblem as problem:
                raise Fatal(
                    str(problem),
                    hint="fix the template (or remove it to use the shipped one); nothing was "
                    "written",
                ) from None
            except MissingExtra as error:
                raise Fatal(str(error)) from None
            except DepartmentError as error:
                where = paperwork.paths.get((kind, str(record["id"])), str(record["id"]))
                raise Fatal(f"{where}: {error}", status=ExitStatus.PROBLEMS) from None
            advance()
    return rendered


class _progress:
    """A rich progress bar on a terminal (stderr) for `total` > 0; otherwise nothing."""

    def __init__(self, total: int, label: str) -> None:
        self.total = total
        self.label = label
        self.bar: Any = None

    def __enter__(self) -> Callable[[], None]:
        err = console(stderr=True)
        if self.total <= 0 or not err.is_terminal:
            return lambda: None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.bar = Progress(
            TextColumn(self.label),
            BarColumn(),
            MofNCompleteColumn(),
            console=err,
            transient=True,
        )
        self.bar.start()
        task = self.bar.add_task(self.label, total=self.total)
        bar = self.bar
        return lambda: bar.advance(task)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _deliver(kind: str, rendered: dict[str, bytes], settings: Settings) -> None:
    from ladderctl.render import SUFFIX_BY_FORMAT

    suffix = SUFFIX_BY_FORMAT[settings.fmt]
    out = settings.out
    if out is None:
        import sys

        (content,) = rendered.values()
        sys.stdout.flush()
        binary = getattr(sys.stdout, "buffer", None)
        if binary is not None:
            binary.write(content)
            binary.flush()
        else:
            sys.stdout.write(content.decode("utf-8"))
        return
    if settings.all_records or out.is_dir():
        files = {out / f"{record_id}{suffix}": data for record_id, data in rendered.items()}
    else:
        files = {out: next(iter(rendered.values()))}
    summary = _write(files, force=settings.force)
    err = console(stderr=True)
    if settings.all_records:
        if not rendered:
            err.print(f"no {NOUN[kind]}s in the repo: nothing to render")
        err.print(_summary_line(summary))
    else:
        _single_line(err, summary)
    raise typer.Exit(summary.exit_status)


# Files per writer thread below which one thread is enough.
_WRITERS = 8


def _write(files: Mapping[Path, bytes], *, force: bool) -> WriteSummary:
    """`write_outputs` over the files, split between a few threads for --all.

    Every file is fsynced before it is renamed into place; fsyncs from several threads share the
    file system's journal commits, which makes 1,000 files several times faster.
    """
    from concurrent.futures import ThreadPoolExecutor
    from functools import partial

    from ladderctl.writing import WriteSummary, write_outputs

    if len(files) <= 2 * _WRITERS:
        return write_outputs(files, force=force)
    items = sorted(files.items())
    chunks = [dict(items[k::_WRITERS]) for k in range(_WRITERS)]
    with ThreadPoolExecutor(_WRITERS) as pool:
        parts = list(pool.map(partial(write_outputs, force=force), chunks))
    return WriteSummary(
        written=sorted(p for part in parts for p in part.written),
        unchanged=sorted(p for part in parts for p in part.unchanged),
        skipped=sorted(p for part in parts for p in part.skipped),
    )


def _summary_line(summary: WriteSummary) -> str:
    return (
        f"{len(summary.written)} written, {len(summary.unchanged)} unchanged, "
        f"{len(summary.skipped)} skipped (differs; use --force)"
    )


def _single_line(err: Any, summary: WriteSummary) -> None:
    from rich.markup import escape

    for path in summary.written:
        err.print(f"wrote {escape(path.as_posix())}")
    for path in summary.unchanged:
        err.print(f"{escape(path.as_posix())} is up to date")
    for path in summary.skipped:
        err.print(
            f"[yellow]kept {escape(path.as_posix())}[/]: it differs from what would be written "
            "(use --force to replace it)"
        )
