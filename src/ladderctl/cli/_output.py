"""What every command shares: exit codes, consoles, dates, errors and the crash log."""

from __future__ import annotations

import functools
import json
import os
import re
import sys
import tempfile
import traceback
from collections.abc import Callable, Collection, Iterable, Sequence, Sized
from datetime import date
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias, TypeVar, cast

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.style import Style

F = TypeVar("F", bound=Callable[..., Any])


class ExitStatus(IntEnum):
    """Exit codes, the same for every command (see the README)."""

    OK = 0
    PROBLEMS = 1  # the data has problems (or --fail-if-... asked for a failing "no")
    USAGE = 2  # bad arguments, missing files, unreadable input
    INTERNAL = 3  # a bug in ladderctl; the traceback is in a log file
    INTERRUPTED = 130


class Fatal(Exception):
    """Raised by a command to stop with one clear line on stderr and an exit code."""

    def __init__(self, message: str, *, hint: str = "", status: ExitStatus = ExitStatus.USAGE):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.status = status


def console(*, stderr: bool = False) -> Console:
    """A rich console: colour on a terminal, plain text when piped or NO_COLOR is set."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


class Styled(NamedTuple):
    """Text shown in a rich style (e.g. "bold green") when colour is on, and as typed otherwise."""

    text: str
    style: str


#: A table cell or a piece of a line: printed literally, never read as rich markup.
Cell: TypeAlias = str | Styled

#: Above this many rows even a terminal gets plain columns: rich lays out a Table at about 1 ms
#: a row (7-13 s for the 9,406 rows of `check-advancement --all` on 10,000 staff), plain columns
#: at about 2 microseconds.
RICH_TABLE_MAX_ROWS = 200

_COLUMN_GAP = "  "
# C0/C1 control characters other than a newline: a tab or an escape sequence in a record must
# not move the columns or reach the terminal.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def print_table(
    out: Console,
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    no_wrap: Collection[str] = (),
    indent: int = 0,
    plain: bool = False,
) -> None:
    """Print one table: a rich box for a few rows on a colour terminal, plain columns otherwise.

    Plain columns (see `table_text`) are used when `out` is not a terminal (piped, redirected),
    when NO_COLOR is set, or when there are more than RICH_TABLE_MAX_ROWS rows; they are written
    in one piece, with each Styled cell in its style when `out` has colour. `no_wrap` names the
    columns (by header) that a rich box must not wrap, such as dates and counts; rich folds the
    others rather than cutting them with an ellipsis, so ids stay whole. `plain=True` asks for
    plain columns anyway: for one of many tables that together have more rows than that.
    """
    if not plain and out.is_terminal and not out.no_color and len(rows) <= RICH_TABLE_MAX_ROWS:
        _print_rich_table(out, headers, rows, no_wrap=no_wrap, indent=indent)
        return
    _write(out, table_text(headers, rows, styles=_styler(out), indent=indent))


def print_lines(out: Console, lines: Iterable[Cell | Sequence[Cell]]) -> None:
    """Print lines in one write, text as typed; a line is a Cell or a sequence of pieces.

    E.g. `print_lines(out, [(Styled("warning:", "yellow"), " " + text) for text in warnings])`:
    thousands of lines cost one write, not one `console.print` each.
    """
    styled = _styler(out)
    shown = []
    for line in lines:
        pieces = (line,) if isinstance(line, (str, Styled)) else line
        shown.append("".join(_piece(piece, styled) for piece in pieces))
    if shown:
        _write(out, "\n".join(shown) + "\n")


def table_text(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    styles: Callable[[str, str], str] | None = None,
    indent: int = 0,
) -> str:
    """Rows as aligned plain columns: a header line, a rule of dashes, then the rows.

    Columns are two spaces apart and as wide as their widest cell in terminal cells (a CJK
    character takes two); the last column is not padded and its rule is as long as its header.
    Cells are never wrapped or cut. A cell holding newlines continues on the next lines, in its
    own column, the other columns left blank, as in a rich box. Control characters other than
    newlines show as spaces. `styles(text, style)` renders a Styled cell (e.g. as ANSI codes)
    and the headers in bold; without it everything is plain text. Every line starts with
    `indent` spaces.
    """
    from rich.cells import cell_len

    _check_row_lengths(headers, rows)
    count = len(headers)
    # Column by column, so that a column of plain printable ASCII (the usual case) is checked
    # with one join and padded by str.ljust, with no Python work per cell: 10,000 rows in ms.
    columns: list[list[str]] = []
    styled: dict[int, dict[int, str]] = {}  # column -> line -> style; line 0 is the header
    continued = False
    body = list(zip(*rows, strict=True)) if rows else [()] * count
    for index, (header, column) in enumerate(zip(headers, body, strict=True)):
        texts = cast("list[str]", [header, *column])  # until the join below finds a Styled cell
        try:
            joined = "".join(texts)
        except TypeError:
            for line, cell in enumerate(texts[1:], start=1):
                if type(cell) is not str:
                    styled.setdefault(index, {})[line] = cell[1]
                    texts[line] = cell[0]
            joined = "".join(texts)
        if not joined.isprintable():
            texts = [_printable(text) for text in texts]
            continued = continued or "\n" in "".join(texts)
        columns.append(texts)
    if continued:
        columns, styled = _continue_lines(columns, styled)

    last = count - 1
    shown: list[list[str]] = []
    rule = []
    for index, texts in enumerate(columns):
        ascii_only = "".join(texts).isascii()
        sizes = list(map(len, texts)) if ascii_only else list(map(cell_len, texts))
        width = max(sizes) if index < last else sizes[0]
        rule.append("-" * width)
        if index == last:
            cells = list(texts)
        elif ascii_only:
            cells = [text.ljust(width) for text in texts]
        else:
            cells = [text + " " * (width - size) for text, size in zip(texts, sizes, strict=True)]
        if styles is not None:
            for line, style in {0: "bold", **styled.get(index, {})}.items():
                padding = cells[line][len(texts[line]) :]
                cells[line] = styles(texts[line], style) + padding
        shown.append(cells)
    margin = " " * indent
    lines = [margin + _COLUMN_GAP.join(cells).rstrip() for cells in zip(*shown, strict=True)]
    lines.insert(1, margin + _COLUMN_GAP.join(rule))
    return "\n".join(lines) + "\n"


def _continue_lines(
    columns: list[list[str]], styled: dict[int, dict[int, str]]
) -> tuple[list[list[str]], dict[int, dict[int, str]]]:
    """Rows with multi-line cells as several lines; a cell's style goes with each of its lines."""
    lines: list[list[str]] = []
    moved: dict[int, dict[int, str]] = {}
    for row, cells in enumerate(zip(*columns, strict=True)):
        split = [text.split("\n") for text in cells]
        for offset in range(max(map(len, split))):
            for column, parts in enumerate(split):
                style = styled.get(column, {}).get(row)
                if style is not None and offset < len(parts):
                    moved.setdefault(column, {})[len(lines)] = style
            lines.append([parts[offset] if offset < len(parts) else "" for parts in split])
    return [list(column) for column in zip(*lines, strict=True)], moved


def _check_row_lengths(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    if any(len(row) != len(headers) for row in rows):
        raise ValueError(f"every row of this table needs {len(headers)} cells: {list(headers)}")


def _printable(text: str) -> str:
    """`text` with line ends as newlines and other control characters as spaces."""
    if text.isprintable():
        return text
    return _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))


def _styler(out: Console) -> Callable[[str, str], str] | None:
    """How `out` shows a style: ANSI codes for its colour system, or None without colour."""
    from rich.console import COLOR_SYSTEMS

    system = out.color_system
    if system is None or out.no_color or out.legacy_windows:
        return None
    color_system = COLOR_SYSTEMS[system]
    parsed: dict[str, Style] = {}

    def render(text: str, style: str) -> str:
        if style not in parsed:
            parsed[style] = out.get_style(style)
        return parsed[style].render(text, color_system=color_system)

    return render


def _piece(piece: Cell, styles: Callable[[str, str], str] | None) -> str:
    if type(piece) is str:
        return _printable(piece)
    text = _printable(piece[0])
    return styles(text, piece[1]) if styles is not None else text


def _print_rich_table(
    out: Console,
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    no_wrap: Collection[str],
    indent: int,
) -> None:
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    def text(cell: Cell) -> Text:
        if type(cell) is str:
            return Text(_printable(cell))
        return Text(_printable(cell[0]), style=cell[1])

    _check_row_lengths(headers, rows)
    table = Table()
    for header in headers:
        table.add_column(Text(header), overflow="fold", no_wrap=header in no_wrap)
    for row in rows:
        table.add_row(*(text(cell) for cell in row))
    out.print(Padding.indent(table, indent) if indent else table)


def _write(out: Console, text: str) -> None:
    # Straight to the console's file: rich would lay out every line again, to no effect. (A
    # console that captures or records its output would miss this text; ladderctl has none.)
    out.file.write(text)
    out.file.flush()


def error_line(message: str, hint: str = "") -> None:
    err = console(stderr=True)
    err.print(f"[bold red]error:[/] {_escape(message)}")
    if hint:
        err.print(f"  [dim]hint:[/] {_escape(hint)}")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def parse_as_of(value: str | None) -> date:
    """`--as-of`: a date as YYYY-MM-DD, `today`, or nothing (today)."""
    if value is None or value == "today":
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Fatal(
            f"--as-of '{value}' is not a date",
            hint="write it as YYYY-MM-DD, e.g. --as-of 2026-03-31",
        ) from None


def repo_root(repo: Path) -> Path:
    if not repo.is_dir():
        raise Fatal(
            f"the department repo '{repo}' is not a folder",
            hint="pass --repo DIR, or run ladderctl inside the repo",
        )
    return repo


def _crash_log(error: BaseException) -> Path:
    fd, name = tempfile.mkstemp(prefix="ladderctl-crash-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as log:
        log.write(f"ladderctl {' '.join(sys.argv[1:])}\n\n")
        log.write("".join(traceback.format_exception(type(error), error, error.__traceback__)))
    return Path(name)


def _report_invalid(invalid: Any) -> None:
    report = invalid.report
    err = console(stderr=True)
    for diagnostic in [d for d in report.diagnostics if d.severity == "error"][:5]:
        err.print(_escape(str(diagnostic)))
    error_line(
        f"the department data has {report.errors} error(s), so no answer can be trusted",
        "run 'ladderctl validate' and fix them first",
    )


def handles_errors(command: F) -> F:
    """Turn a command's exceptions into one line and the documented exit code.

    Unexpected exceptions are bugs: the traceback (which may show personal data from the records)
    goes to a log file, never to the screen.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except typer.Exit:
            raise
        except Fatal as fatal:
            error_line(fatal.message, fatal.hint)
            raise typer.Exit(int(fatal.status)) from None
        except KeyboardInterrupt:
            error_line("interrupted")
            raise typer.Exit(int(ExitStatus.INTERRUPTED)) from None
        except BrokenPipeError:
            # The reader went away (e.g. `| head`): nothing more to say.
            sys.stderr.close()
            raise typer.Exit(int(ExitStatus.OK)) from None
        except Exception as error:
            # Imported here, not at the top: `ladderctl --help` must not pay for YAML loading.
            from ladderctl.repository import InvalidRepository
            from ladderctl.writing import OutputError

            if isinstance(error, OutputError):
                error_line(str(error), "check the output path and its permissions")
                raise typer.Exit(int(ExitStatus.USAGE)) from None
            if isinstance(error, InvalidRepository):
                _report_invalid(error)
                raise typer.Exit(int(ExitStatus.PROBLEMS)) from None
            log = _crash_log(error)
            error_line(
                f"internal error ({type(error).__name__}): this is a bug in ladderctl",
                hint=f"the details are in {log}; please attach that file to a bug report",
            )
            raise typer.Exit(int(ExitStatus.INTERNAL)) from None

    return wrapper  # type: ignore[return-value]


# --- JSON ----------------------------------------------------------------------------------------

# The C encoder of the standard library (None without the `_json` accelerator).
_C_MAKE_ENCODER: Any = getattr(json.encoder, "c_make_encoder", None)
_SCALAR_TYPES = frozenset({str, int, float, bool, type(None)})
_FLAT_ENCODERS: dict[int, Callable[[object, int], Sequence[str]]] = {}


class _PlainDumps(Exception):
    """Something `json_text` leaves to `json.dumps` (a non-string key in a nested object)."""


def json_text(value: object) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`: the same text, a few times faster.

    With an indent `json` uses its pure-Python encoder. Most of a report is objects and arrays of
    scalars (one per promotion, person or credential); those go through the C encoder, with
    separators chosen so that its one-line output is the indented text ("," + newline + the
    items' indent between items), and only the nesting above them is walked here.
    """
    if _C_MAKE_ENCODER is None:  # pragma: no cover - CPython always has the accelerator
        return json.dumps(value, indent=2, ensure_ascii=False)
    parts: list[str] = []
    try:
        _encode_json(value, 0, parts)
    except (_PlainDumps, RecursionError):  # not in what the commands write
        return json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(parts)


def _flat_encoder(level: int) -> Callable[[object, int], Sequence[str]]:
    """The C encoder for a container of scalars whose items are at indent `level`."""
    encoder = _FLAT_ENCODERS.get(level)
    if encoder is None:
        encoder = _FLAT_ENCODERS[level] = _C_MAKE_ENCODER(
            None,  # no circular check: scalars only
            json.JSONEncoder().default,  # the same TypeError as json.dumps
            json.encoder.encode_basestring,
            None,
            ": ",
            ",\n" + "  " * level,
            False,
            False,
            True,
        )
    return encoder


def _encode_json(value: object, level: int, parts: list[str]) -> None:
    if isinstance(value, dict):
        if not value:
            parts.append("{}")
        elif _SCALAR_TYPES.issuperset(map(type, value.values())):
            parts.append(_flat_json(value, level))
        else:
            inner = "\n" + "  " * (level + 1)
            separator = "{" + inner
            for key, item in value.items():
                if type(key) is not str:
                    raise _PlainDumps
                parts.append(separator)
                parts.append(json.encoder.encode_basestring(key))
                parts.append(": ")
                _encode_json(item, level + 1, parts)
                separator = "," + inner
            parts.append("\n" + "  " * level + "}")
    elif isinstance(value, list | tuple):
        if not value:
            parts.append("[]")
        elif _SCALAR_TYPES.issuperset(map(type, value)):
            parts.append(_flat_json(value, level))
        else:
            inner = "\n" + "  " * (level + 1)
            separator = "[" + inner
            for item in value:
                parts.append(separator)
                _encode_json(item, level + 1, parts)
                separator = "," + inner
            parts.append("\n" + "  " * level + "]")
    else:  # a scalar (or what `default` refuses, as json.dumps does)
        parts.append("".join(_flat_encoder(0)(value, 0)))


def _flat_json(value: Sized, level: int) -> str:
    """A non-empty object or array of scalars at indent `level`, indented."""
    text = "".join(_flat_encoder(level + 1)(value, 0))  # {"a": 1,\n  "b": 2}
    indent = "  " * level
    return f"{text[0]}\n  {indent}{text[1:-1]}\n{indent}{text[-1]}"
