"""`ladderctl match-mentors`: propose mentor-mentee pairs for the committee to review."""

from __future__ import annotations

import csv
import io
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
    from ladderctl.matching import Alternative, MatchReport
    from ladderctl.mentorship import Decisions


class MatchFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


class MatchStrategy(str, Enum):
    score = "score"
    participation = "participation"


HELP = """Propose mentor-mentee pairs for a mentorship program: the best total score, proven.

Only opted-in, active people take part. Hard rules remove pairs (same person, the mentee's
manager or management chain, exclusions, committee blocks, past pairs, seniority, capacity,
the minimum score); the rest are scored on the program's weights, goal alignment first.
The matching maximises the total score over the whole cohort, and says why: each pair's
terms, each mentee's next two mentors and why they lost, each unmatched mentee's reason,
and the gap to a greedy assignment.

[bold]The committee's review loop[/]: --out NAME.proposals.yaml writes the pairs with
'decision: proposed'. The committee sets accept, reject, lock or block (and a comment) and
commits the file. The next run with the same --out reads those decisions, solves again,
shows what changed and rewrites the file keeping every decision and comment.

[bold]Examples[/]

  ladderctl match-mentors                                   # the only program in the repo
  ladderctl match-mentors --program cycle-2026 --format json
  ladderctl match-mentors --strategy participation         # match as many mentees as possible
  ladderctl match-mentors --out mentorship/cycle-2026.proposals.yaml   # write, then re-run
  ladderctl match-mentors --decisions reviewed.proposals.yaml --format csv > pairs.csv

Exit codes: 0 pairs proposed (some mentees may stay unmatched), 1 the data cannot be matched
(or --out would drop the committee's edits), 2 usage or I/O error.
"""


def register(app: typer.Typer) -> None:
    app.command("match-mentors", help=HELP)(match_mentors)


@handles_errors
def match_mentors(
    repo: Path = typer.Option(Path(), "--repo", help="The department repo (default: here)."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date for validation, YYYY-MM-DD (default: today)."
    ),
    program: str | None = typer.Option(
        None, "--program", help="The program id (default: the only program in the repo)."
    ),
    strategy: MatchStrategy = typer.Option(
        MatchStrategy.score,
        "--strategy",
        help="score: the best total score; participation: most mentees first, then score.",
    ),
    decisions_file: Path | None = typer.Option(
        None,
        "--decisions",
        help="The committee's proposals file to honour (default: the --out file, if it exists).",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Write the proposals for the committee to this *.proposals.yaml file."
    ),
    force: bool = typer.Option(
        False, "--force", help="Replace --out even when it holds edits that were not read."
    ),
    output: MatchFormat = typer.Option(
        MatchFormat.text, "--format", "-f", help="text, json or csv (one row per mentee)."
    ),
) -> None:
    from ladderctl.matching import propose_matches, render_proposals
    from ladderctl.mentorship import MatchingError, build_cohort
    from ladderctl.repository import load_valid_repository

    root = repo_root(repo)
    day = parse_as_of(as_of)
    if out is not None:
        _check_out_name(root, out)
    loaded = load_valid_repository(root, as_of=day, for_process=True)
    try:
        cohort = build_cohort(loaded.documents, program=program)
        source = decisions_file if decisions_file is not None else out
        decisions = _read_decisions(
            source,
            required=decisions_file is not None,
            lenient=force and decisions_file is None,
            program=cohort.program.id,
        )
        report = propose_matches(
            cohort.program,
            cohort.profiles,
            cohort.staff,
            ladders=cohort.ladders,
            strategy=strategy.value,
            decisions=decisions,
        )
    except MatchingError as error:
        print_lines(console(stderr=True), [str(problem) for problem in error.problems])
        count = len(error.problems)
        raise Fatal(
            f"{count} problem{'s' if count != 1 else ''} in the mentorship data: "
            "no pairs were proposed",
            hint="fix them (locks, profiles, the program's weights), then run again",
            status=ExitStatus.PROBLEMS,
        ) from None
    RENDERER_BY_FORMAT[output](report)
    if out is not None:
        # The committee's edits were read from --out itself: rewriting it keeps them all.
        merged = decisions is not None and source is not None and out.resolve() == source.resolve()
        _write(out, render_proposals(report), force=force or merged, decisions=decisions)
        _warn_if_validate_reads(root, out)


def _check_out_name(root: Path, out: Path) -> None:
    from ladderctl.mentorship import PROPOSALS_SUFFIX

    try:
        out.resolve().relative_to(root.resolve())
    except ValueError:
        return  # outside the repo: any name will do
    if not out.name.endswith(PROPOSALS_SUFFIX):
        raise Fatal(
            f"--out '{out}' is inside the repo but does not end in {PROPOSALS_SUFFIX}",
            hint=f"name it e.g. mentorship/<program>{PROPOSALS_SUFFIX}: validate skips such files",
        )


def _read_decisions(
    path: Path | None, *, required: bool, lenient: bool, program: str
) -> Decisions | None:
    """The committee's decisions in `path`; None when there is no such file yet."""
    from ladderctl.diagnostics import Diagnostic
    from ladderctl.loading import load_file
    from ladderctl.mentorship import MatchingError, decisions_from_document
    from ladderctl.repository import shown_path

    if path is None:
        return None
    if not path.is_file():
        if required:
            raise Fatal(
                f"no such decisions file: {path}", hint="check the path given to --decisions"
            )
        return None
    loaded = load_file(path, shown_path(path))
    try:
        if isinstance(loaded, Diagnostic):
            raise MatchingError([loaded])
        decisions = decisions_from_document(loaded)
    except MatchingError:
        if lenient:
            return None  # --force: the unreadable file is replaced, not read
        raise
    if decisions.program is not None and decisions.program != program:
        if lenient:
            return None
        raise Fatal(
            f"{path} holds proposals for program '{decisions.program}', not '{program}'",
            hint="choose the matching --program, or another --out file",
        )
    return decisions


def _write(path: Path, text: str, *, force: bool, decisions: Decisions | None) -> None:
    from ladderctl.writing import write_outputs

    summary = write_outputs({path: text}, force=force)
    err = console(stderr=True)
    if summary.skipped:
        raise Fatal(
            f"'{path}' was not replaced: it differs from the new proposals and was not read "
            "as the decisions file",
            hint="pass it as --decisions (its decisions are then kept), or use --force",
            status=ExitStatus.PROBLEMS,
        )
    kept = sum(1 for d in decisions.entries if d.decision != "proposed") if decisions else 0
    state = "unchanged" if summary.unchanged else "written"
    from rich.markup import escape

    plural = "s" if kept != 1 else ""
    err.print(escape(f"{path}: {state} ({kept} committee decision{plural} kept)"))


def _warn_if_validate_reads(root: Path, out: Path) -> None:
    """A proposals file inside the repo must be one that `validate` leaves alone."""
    from ladderctl.repository import find_files, read_config

    try:
        out.resolve().relative_to(root.resolve())
    except ValueError:
        return
    config, _ = read_config(root)
    # Walk the folder as validate does, so that a rule that skips such files by name counts.
    read = {f.resolve() for f in find_files([out.parent], root=root, ignore=config.ignore)}
    if out.resolve() in read:
        from rich.markup import escape

        console(stderr=True).print(
            escape(
                f"warning: 'ladderctl validate' would read {out} as a record; add "
                "'ignore: [\"*.proposals.yaml\"]' to ladderctl.yaml"
            )
        )


# --------------------------------------------------------------------------------------------
# Renderers
# --------------------------------------------------------------------------------------------


def _score(value: float) -> str:
    return f"{value:.2f}"


def _summary_lines(report: MatchReport) -> list[str]:
    proof = report.proof
    locked = sum(1 for p in report.pairs if p.source == "locked")
    greedy = report.greedy
    percent = 100 * report.gap / greedy.total if greedy.total else 0.0
    lines = [
        f"{len(report.pairs)} pairs ({locked} locked), {len(report.unmatched)} unmatched; "
        f"total score {_score(report.total)}, {report.goal_aligned} pairs aligned with a goal",
        f"proven optimal: the total equals the dual bound over all {proof.checked_pairs:,} "
        f"pairs ({proof.rounds} solver round{'s' if proof.rounds != 1 else ''})",
        f"greedy assignment: {_score(greedy.total)} with {greedy.pairs} pairs and "
        f"{greedy.goal_aligned} aligned with a goal; the optimum is {_score(report.gap)} "
        f"higher ({percent:.1f}%)",
    ]
    return lines + [f"warning: {w}" for w in report.warnings]


def _rows(report: MatchReport) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Every table of the text report: (headers, rows)."""

    def alternative(index: int, alternatives: tuple[Alternative, ...]) -> list[str]:
        if index >= len(alternatives):
            return ["", ""]
        found = alternatives[index]
        return [f"{found.mentor} ({_score(found.score)})", found.reason]

    pairs = [[p.mentee, p.mentor, _score(p.total), p.source, p.score.why()] for p in report.pairs]
    others = [
        [p.mentee, *alternative(0, p.alternatives), *alternative(1, p.alternatives)]
        for p in report.pairs
    ]
    loads = [
        [m.mentor, f"{m.load}/{m.capacity}", ", ".join(m.mentees) or "-"] for m in report.mentors
    ]
    unmatched = [[u.mentee, u.reason, *alternative(0, u.alternatives)] for u in report.unmatched]
    changes = [[c.mentee, c.before or "-", c.after or "-", c.note] for c in report.changes]
    return {
        "Proposed pairs": (["mentee", "mentor", "score", "status", "why"], pairs),
        "Next best mentors": (
            ["mentee", "2nd choice", "why not", "3rd choice", "why not"],
            others,
        ),
        "Mentor load": (["mentor", "load", "mentees"], loads),
        "Unmatched mentees": (["mentee", "why", "best mentor", "why not"], unmatched),
        "Changes since the proposals file": (["mentee", "before", "after", "why"], changes),
    }


def _render_text(report: MatchReport) -> None:
    out = console()
    title = f"Mentor matches for program {report.program} (strategy: {report.strategy})"
    print_lines(out, [Styled(title, "bold")])
    for name, (headers, rows) in _rows(report).items():
        if rows:
            print_lines(out, ["", Styled(f"{name}:", "bold")])
            print_table(out, headers, rows, indent=2)
    summary = [
        Styled(line, "yellow" if line.startswith("warning") else "green")
        for line in _summary_lines(report)
    ]
    print_lines(out, ["", *summary])


def _render_json(report: MatchReport) -> None:
    typer.echo(json_text(report.to_dict()))


CSV_COLUMNS = [
    "mentee",
    "mentee_name",
    "mentor",
    "mentor_name",
    "status",
    "score",
    "why",
    "alternative_1",
    "alternative_1_why",
    "alternative_2",
    "alternative_2_why",
]


def _render_csv(report: MatchReport) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    rows: list[list[str]] = []
    for p in report.pairs:
        alternatives = [cell for a in p.alternatives for cell in (a.mentor, a.reason)]
        rows.append(
            [
                p.mentee,
                p.mentee_name,
                p.mentor,
                p.mentor_name,
                p.source,
                f"{p.total:.4f}",
                p.score.why(),
                *[*alternatives, "", "", "", ""][:4],
            ]
        )
    for u in report.unmatched:
        alternatives = [cell for a in u.alternatives for cell in (a.mentor, a.reason)]
        rows.append(
            [
                u.mentee,
                u.name,
                "",
                "",
                "unmatched",
                "",
                u.reason,
                *[*alternatives, "", "", "", ""][:4],
            ]
        )
    rows.sort(key=lambda row: row[0])
    writer.writerows(rows)
    typer.echo(buffer.getvalue(), nl=False)


RENDERER_BY_FORMAT = {
    MatchFormat.text: _render_text,
    MatchFormat.json: _render_json,
    MatchFormat.csv: _render_csv,
}
