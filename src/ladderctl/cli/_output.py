"""What every command shares: exit codes, consoles, dates, errors and the crash log."""

from __future__ import annotations

import functools
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from datetime import date
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

if TYPE_CHECKING:
    from rich.console import Console

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
