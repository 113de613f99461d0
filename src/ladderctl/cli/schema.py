"""`ladderctl schema`: print or export the JSON Schemas (for editors and other tools)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ladderctl.cli._output import Fatal, console, handles_errors

HELP = """Print the JSON Schema of a kind, list the kinds, or export every schema.

[bold]Examples[/]

  ladderctl schema                        # the kinds and their schema files
  ladderctl schema StaffRecord            # one schema as JSON (also: staff-record)
  ladderctl schema --out schemas          # write every schema into a folder
"""


def register(app: typer.Typer) -> None:
    app.command("schema", help=HELP)(schema)


@handles_errors
def schema(
    kind: str | None = typer.Argument(None, help="A kind, e.g. Ladder or staff-record."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Write the schema files into this folder."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite files that differ."),
) -> None:
    from ladderctl.schemas import KINDS, SCHEMA_FILE_BY_KIND, kind_for_slug, load_schema
    from ladderctl.writing import write_outputs

    kinds = list(KINDS)
    if kind is not None:
        found = kind_for_slug(kind)
        if found is None:
            raise Fatal(f"'{kind}' is not a kind", hint=f"kinds: {', '.join(KINDS)}")
        kinds = [found]
    if out is not None:
        files = {
            out / SCHEMA_FILE_BY_KIND[k]: json.dumps(load_schema(k), indent=2) + "\n" for k in kinds
        }
        summary = write_outputs(files, force=force)
        console(stderr=True).print(summary.describe())
        raise typer.Exit(summary.exit_status)
    if kind is None:
        from rich.table import Table

        table = Table("kind", "schema file", "what it holds", box=None)
        for k in kinds:
            table.add_row(k, SCHEMA_FILE_BY_KIND[k], str(load_schema(k).get("title", "")))
        console().print(table)
        return
    typer.echo(json.dumps(load_schema(kinds[0]), indent=2))
