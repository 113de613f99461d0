"""Tables in the terminal: plain aligned columns when piped or long, rich boxes for a few rows.

`print_table` and `print_lines` (cli/_output.py) on consoles built here, then the commands that
use them (check-advancement, --compare, match-mentors, report, due) through the CLI runner.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from conftest import AS_OF, EXAMPLES, Result, write_tree
from ladderctl.cli._output import (
    RICH_TABLE_MAX_ROWS,
    Cell,
    Styled,
    print_lines,
    print_table,
    table_text,
)
from test_check_advancement_cli import EXPECTED, _git
from test_metrics import HAND

Run = Callable[..., Result]
HEADERS = ("person", "name", "verdict", "note")
ROWS: list[tuple[Cell, ...]] = [
    ("ana", "Ana Test", Styled("eligible now", "bold green"), "x"),
    ("wei", "张伟", Styled("not eligible", "bold red"), "needs tech1-cpht"),
    ("yamada", "山田 太郎", "top of ladder", ""),
    ("zoe", "Zoë Ångström", Styled("eligible on 2027-01-12", "bold yellow"), "time"),
]
MARKUP = ("[bold]Ann[/bold]", "<script>alert(1)</script>", "[red]x[/]", "[link=http://e.org]e[/]")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
BOX = "┃│┏━"


class CountingFile(io.StringIO):
    """A file that counts its writes."""

    writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def plain_console() -> Console:
    """Piped: not a terminal, so no colour either."""
    return Console(file=CountingFile(), width=200)


def terminal() -> Console:
    """A colour terminal (16 colours), wide enough for rich never to fold a cell."""
    return Console(file=CountingFile(), force_terminal=True, color_system="standard", width=200)


def written(console: Console) -> str:
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def text_of(cell: Cell) -> str:
    return cell if isinstance(cell, str) else cell.text


def starts(line: str, cells: Sequence[str]) -> list[int]:
    """The terminal column where each of `cells` begins in `line`, found left to right."""
    offsets, position = [], 0
    for cell in cells:
        index = line.index(cell, position)
        offsets.append(cell_len(line[:index]))
        position = index + len(cell)
    return offsets


def assert_aligned(text: str, headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    """Header, rule, rows: every non-empty cell starts where its header does."""
    lines = ANSI.sub("", text).splitlines()
    columns = starts(lines[0], headers)
    assert starts(lines[1], lines[1].split()) == columns
    assert len(lines) == len(rows) + 2
    for line, row in zip(lines[2:], rows, strict=True):
        cells = [(k, text_of(c)) for k, c in enumerate(row) if text_of(c)]
        assert starts(line, [c for _, c in cells]) == [columns[k] for k, _ in cells], line
        assert line == line.rstrip()


# --- the plain table --------------------------------------------------------------------------


def test_plain_columns_line_up_in_terminal_cells_with_wide_characters() -> None:
    text = table_text(HEADERS, ROWS)
    assert_aligned(text, HEADERS, ROWS)
    lines = text.splitlines()
    # 张伟 takes four cells, 山田 太郎 nine: the verdicts still start in the same column.
    assert lines[0] == "person  name          verdict                 note"
    assert lines[1] == "------  ------------  ----------------------  ----"
    assert lines[3] == "wei     张伟          not eligible            needs tech1-cpht"
    assert lines[4] == "yamada  山田 太郎     top of ladder"  # the last column is not padded


def test_a_cell_with_newlines_continues_in_its_own_column() -> None:
    rows: list[tuple[Cell, ...]] = [
        ("ana", "Ana\nMaria", Styled("not\neligible", "red"), "a\r\nb\nc"),
        ("ben", "Ben", "eligible now", "tab\there"),
    ]
    text = table_text(HEADERS, rows)
    assert text.splitlines()[2:] == [
        "ana     Ana    not           a",
        "        Maria  eligible      b",
        "                             c",
        "ben     Ben    eligible now  tab here",
    ]
    coloured = table_text(HEADERS, rows, styles=lambda text, style: f"<{style}>{text}</>")
    assert "<red>not</>" in coloured and "<red>eligible</>" in coloured
    assert "<red></>" not in coloured  # the third line of the row has no verdict to colour


def test_control_characters_cannot_reach_the_terminal() -> None:
    text = table_text(("person", "name"), [("ana", "\x1b[31mred\x07")])
    assert "\x1b" not in text and "\x07" not in text
    assert text.splitlines()[2] == "ana      [31mred"  # ESC and BEL are spaces


def test_rows_must_have_a_cell_per_column() -> None:
    with pytest.raises(ValueError, match="4 cells"):
        table_text(HEADERS, [("ana", "Ana Test")])


def test_an_empty_table_is_its_header() -> None:
    assert table_text(("a", "bb"), []) == "a  bb\n-  --\n"


# --- consoles ----------------------------------------------------------------------------------


def test_piped_output_is_plain_columns_without_colour() -> None:
    console = plain_console()
    print_table(console, HEADERS, ROWS)
    text = written(console)
    assert text == table_text(HEADERS, ROWS)
    assert "\x1b" not in text and not set(BOX) & set(text)


def test_no_color_gives_plain_columns_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    console = terminal()
    print_table(console, HEADERS, ROWS)
    print_lines(console, [(Styled("warning:", "yellow"), " expiring")])
    assert written(console) == table_text(HEADERS, ROWS) + "warning: expiring\n"


def test_a_few_rows_on_a_terminal_get_a_rich_box_with_colours() -> None:
    console = terminal()
    print_table(console, HEADERS, ROWS[:2])
    text = written(console)
    assert "┃" in text and "│" in text
    assert "\x1b[1;32meligible now" in text  # bold green
    assert "张伟" in text


def test_many_rows_on_a_terminal_take_the_fast_path_in_one_write() -> None:
    rows = [
        (f"p{i:04}", "张伟" if i % 2 else "Ana", Styled("eligible now", "bold green"), "")
        for i in range(RICH_TABLE_MAX_ROWS + 1)
    ]
    console = terminal()
    print_table(console, HEADERS, rows)
    text = written(console)
    assert not set(BOX) & set(text)
    assert isinstance(console.file, CountingFile) and console.file.writes == 1
    # Styles stay, as ANSI codes around the text only: the padding is outside them.
    assert "\x1b[1;32meligible now\x1b[0m" in text
    assert "\x1b[1mperson\x1b[0m" in text  # headers in bold
    assert ANSI.sub("", text) == table_text(HEADERS, rows)
    assert_aligned(text, HEADERS, rows)


@pytest.mark.parametrize(
    ("console", "copies"),
    [(plain_console(), 1), (terminal(), 1), (terminal(), RICH_TABLE_MAX_ROWS)],
    ids=["piped", "rich box", "fast path in colour"],
)
def test_text_is_printed_as_typed(console: Console, copies: int) -> None:
    rows = [(cell, cell, Styled(cell, "bold"), cell) for cell in MARKUP] * copies
    print_table(console, HEADERS, rows)
    print_lines(console, [(Styled(cell, "yellow"), " ", cell) for cell in MARKUP])
    text = ANSI.sub("", written(console))
    for cell in MARKUP:
        assert text.count(cell) == 4 * copies + 2, cell
        assert f"\n{cell} {cell}\n" in text
    assert "\x1b]8" not in written(console)  # [link=...] made no hyperlink


def test_lines_are_one_write_and_coloured_only_with_colour() -> None:
    warnings = [(Styled("warning:", "yellow"), f" p{i}: renew") for i in range(3000)]
    console = terminal()
    print_lines(console, ["3000 people", *warnings])
    text = written(console)
    assert isinstance(console.file, CountingFile) and console.file.writes == 1
    assert text.startswith("3000 people\n\x1b[33mwarning:\x1b[0m p0: renew\n")
    piped = plain_console()
    print_lines(piped, warnings[:2])
    assert written(piped) == "warning: p0: renew\nwarning: p1: renew\n"


# --- the commands ------------------------------------------------------------------------------


def table_lines(out: str, header: str) -> list[str]:
    """The lines of the table whose header line starts with `header` (up to a blank line)."""
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.lstrip().startswith(header))
    end = next((i for i in range(first, len(lines)) if not lines[i].strip()), len(lines))
    return lines[first:end]


def column(header_line: str, name: str) -> int:
    return cell_len(header_line[: header_line.index(name)])


def test_check_advancement_team_is_one_line_per_person(run: Run) -> None:
    out = run("check-advancement", "--all", "--repo", EXAMPLES, "--as-of", AS_OF, expect=0).stdout
    lines = table_lines(out, "person")
    header = lines[0]
    assert header.split() == ["person", "step", "verdict", "gaps,", "or", "what", "is", "pending"]
    assert re.fullmatch(r"-+( {2}-+){3}", lines[1])
    rows = {line.split()[0]: line for line in lines[2 : 2 + len(EXPECTED)]}
    assert set(rows) == set(EXPECTED)
    verdict = column(header, "verdict")
    for person, expected in EXPECTED.items():
        word, _, day = expected.partition(" ")  # "eligible-on 2027-07-06"
        shown = word.replace("-", " ") + (f" {day}" if day else "")
        assert rows[person][verdict:].startswith(shown + " ") or rows[person].endswith(shown)
    assert f"{len(EXPECTED)} people as of {AS_OF}:" in out
    assert "warning: isabella-cruz: Certified Pharmacy Technician (CPhT) expires" in out
    assert not set(BOX) & set(out)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of examples/ to edit."""
    return Path(shutil.copytree(EXAMPLES, tmp_path / "dept"))


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_compare_text_puts_the_id_under_the_name(run: Run, repo: Path) -> None:
    for command in (("init", "-q"), ("add", "."), ("commit", "-q", "-m", "ladders")):
        _git(repo, *command)
    # Technician I needs 3 years instead of 1 (as in test_check_advancement_cli).
    ladder = repo / "ladders" / "pharmacy-technician.yaml"
    ladder.write_text(ladder.read_text(encoding="utf-8").replace("years: 1\n", "years: 3\n", 1))
    out = run(
        "check-advancement", "--all", "--compare", "HEAD", "--repo", repo, "--as-of", AS_OF
    ).stdout
    lines = table_lines(out, "person")
    assert lines[0].split() == ["person", "change", "before", "after", "criteria", "responsible"]
    lucia = lines.index(next(line for line in lines if line.startswith("Lucia Fernandez ")))
    assert lines[lucia + 1] == "lucia-fernandez"
    assert lines[lucia][column(lines[0], "change") :].startswith("loses ")
    assert lines[lucia][column(lines[0], "before") :].startswith("eligible now ")
    assert out.endswith("unchanged as of 2026-11-21\n")


def test_match_mentors_columns_line_up_with_wide_names(run: Run, repo: Path) -> None:
    aisha = repo / "staff" / "aisha-bello.yaml"
    aisha.write_text(
        aisha.read_text(encoding="utf-8").replace("name: Aisha Bello", "name: 白 愛沙 [b]x[/b]")
    )
    out = run("match-mentors", "--repo", repo, "--as-of", AS_OF, expect=0).stdout
    assert "Proposed pairs:\n  mentee " in out
    pairs = table_lines(out, "mentee          mentor")
    assert re.fullmatch(r"  -+( {2}-+){4}", pairs[1])
    kayla = next(line for line in pairs if line.startswith("  kayla-morrison "))
    assert kayla[column(pairs[0], "mentor") :].startswith("carmen-diaz ")
    assert kayla[column(pairs[0], "status") :].startswith("locked ")
    others = table_lines(out, "mentee          2nd choice")
    third = column(others[0], "3rd choice")
    ben = next(line for line in others if line.startswith("  ben-adeyemi "))
    assert "白 愛沙 [b]x[/b] is Ben Adeyemi's manager" in ben  # wide, and printed as typed
    for line in others[2:]:
        if cell_len(line) > third:  # a mentee may have no third choice
            assert re.match(r"[a-z-]+ \(\d\.\d\d\)", _at(line, third)), line


def _at(line: str, offset: int) -> str:
    """`line` from terminal column `offset` on."""
    for index in range(len(line) + 1):
        if cell_len(line[:index]) == offset:
            return line[index:]
    raise AssertionError(f"no character starts at column {offset}: {line!r}")


def test_report_and_due_are_plain_columns_when_piped(run: Run, tmp_path: Path) -> None:
    files = dict(HAND)
    files["staff/boss.yaml"] = HAND["staff/boss.yaml"].replace("Boss Test", "上司 [bold]テスト")
    repo = write_tree(tmp_path / "hand", files)
    out = run("report", "--repo", repo, "--as-of", "2026-06-30", expect=0).stdout
    credentials = table_lines(out, "manager")
    assert credentials[0].split() == ["manager", "person", "soonest", "credentials"]
    person = column(credentials[0], "person")
    for line in credentials[2:]:
        assert re.match(r"[a-z]+ +(expired|<= 30 d|\d\d-\d\d d) ", _at(line, person)), line
    assert any(line.startswith("上司 [bold]テスト  ben ") for line in credentials)
    assert "new hires, 1 year  1/2 (50%)" in out
    due = run("due", "--repo", repo, "--as-of", "2026-06-30", expect=0).stdout
    assert "\n上司 [bold]テスト (boss): 6 items\ndate        when          person  what\n" in due
    assert "2026-05-31  overdue 30 d  ben     renew CPhT\n" in due
    assert "\n                                  cpht expired on 2026-05-31\n" in due
    assert not set(BOX) & set(out + due)


def test_a_long_due_list_on_a_terminal_is_plain_columns_not_hundreds_of_boxes() -> None:
    # One table per manager: 260 managers of a health system, each a small table, would cost
    # seconds as rich boxes. Past RICH_TABLE_MAX_ROWS items in all, every table is plain.
    from datetime import date

    from ladderctl.cli.report import render_due
    from ladderctl.department import Department
    from ladderctl.metrics import DueItem, DueList

    def due(count: int) -> DueList:
        items = tuple(
            DueItem(date(2026, 12, 1), "certification", f"p{n:04}", "Pat", f"m{n % 40:02}", "renew")
            for n in range(count)
        )
        return DueList(date(2026, 11, 21), 30, None, items)

    empty = Department.from_documents([])
    few, many = terminal(), terminal()
    render_due(due(40), empty, few)
    render_due(due(RICH_TABLE_MAX_ROWS + 1), empty, many)
    assert set(BOX) & set(written(few))
    assert not set(BOX) & set(written(many))
    assert "p0200" in written(many)
