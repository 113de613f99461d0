"""The `ladderctl` command: a thin layer that parses options and renders library results."""

from __future__ import annotations

import gc

import typer

from ladderctl import __version__
from ladderctl.cli import advancement as advancement_command
from ladderctl.cli import init as init_command
from ladderctl.cli import match as match_command
from ladderctl.cli import render as render_command
from ladderctl.cli import report as report_command
from ladderctl.cli import schema as schema_command
from ladderctl.cli import scope as scope_command
from ladderctl.cli import validate as validate_command

app = typer.Typer(
    name="ladderctl",
    help=(
        "Career ladders, promotions, mentorship and development plans for a pharmacy "
        "department, kept as YAML in git.\n\n"
        "Start with: ladderctl validate examples"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # tracebacks must never show personal data
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ladderctl {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_version,
        is_eager=True,
        help="Show the version and exit.",
    ),
) -> None:
    """Career ladders, promotions, mentorship and development plans, as code."""


for module in (
    validate_command,
    advancement_command,
    match_command,
    render_command,
    report_command,
    scope_command,
    schema_command,
    init_command,
):
    module.register(app)


# A run builds hundreds of thousands of small objects that live until it ends and hold no
# reference cycles. At the default thresholds the cyclic garbage collector walks them again after
# every 700 new containers (and all of them now and then): a third of `check-advancement --all`
# on 10,000 staff. Like mypy, collect only after many more allocations.
GC_THRESHOLDS = (200_000, 30, 30)


def main() -> None:
    """Console-script entry point."""
    gc.set_threshold(*GC_THRESHOLDS)
    app()
