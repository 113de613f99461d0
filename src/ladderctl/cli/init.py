"""`ladderctl init`: start a new department repo from a working scaffold."""

from __future__ import annotations

from pathlib import Path

import typer

from ladderctl.cli._output import Fatal, console, handles_errors

HELP = """Create a new department repo in DIR, ready to validate.

It holds a catalog, a ladder, a staff record to copy, the schemas for editors, a pre-commit hook
and a CI workflow. DIR must be empty or absent.

[bold]Example[/]

  ladderctl init pharmacy-careers && cd pharmacy-careers && ladderctl validate
"""


def register(app: typer.Typer) -> None:
    app.command("init", help=HELP)(init)


@handles_errors
def init(directory: Path = typer.Argument(..., help="Folder to create.")) -> None:
    import json

    from ladderctl.resources import data_dir
    from ladderctl.schemas import KINDS, SCHEMA_FILE_BY_KIND, load_schema
    from ladderctl.writing import write_outputs

    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise Fatal(
            f"'{directory}' is not empty",
            hint="choose a new folder name; init never writes into existing work",
        )
    scaffold = data_dir("templates") / "init"
    files: dict[Path, str | bytes] = {}
    for source in sorted(scaffold.rglob("*")):
        if source.is_file():
            name = source.relative_to(scaffold).as_posix().replace("dot-", ".", 1)
            files[directory / name] = source.read_bytes()
    for kind in KINDS:
        files[directory / "schemas" / SCHEMA_FILE_BY_KIND[kind]] = (
            json.dumps(load_schema(kind), indent=2) + "\n"
        )
    summary = write_outputs(files)
    out = console()
    out.print(f"created {directory} ({len(summary.written)} files)")
    out.print(f"next: cd {directory} && ladderctl validate")
