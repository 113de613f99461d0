"""Check one record against its kind's JSON Schema and say what is wrong in plain words."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

from ladderctl.diagnostics import Diagnostic
from ladderctl.loading import Document
from ladderctl.schemas import API_VERSION, KINDS, detailed_validator, fast_validator

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of fields",
    "null": "empty",
}


def describe_path(path: Sequence[str | int]) -> str:
    """`("levels", 0, "advancement")` -> `levels[0].advancement`, as a person reads the file."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text or "the record"


def _type_name(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _expected_types(expected: str | list[str]) -> str:
    names = [expected] if isinstance(expected, str) else expected
    return " or ".join(_TYPE_WORDS.get(name, name) for name in names)


def check_header(document: Document) -> list[Diagnostic]:
    """The two lines every record starts with: `apiVersion` and a known `kind`."""
    data = document.data
    if not isinstance(data, dict):
        return [
            Diagnostic(
                document.locate(()),
                "not-a-mapping",
                f"the file holds {_type_name(data)}, not a record of fields",
                hint="a record starts with 'apiVersion: ladderctl/v1' and 'kind: ...' lines",
            )
        ]
    problems = []
    kinds = ", ".join(KINDS)
    if "kind" not in data:
        problems.append(
            Diagnostic(
                document.locate(()),
                "missing-kind",
                "the record has no 'kind'",
                hint=f"add a line 'kind: ...' naming one of: {kinds}",
            )
        )
    elif data["kind"] not in KINDS:
        shown = data["kind"]
        close = difflib.get_close_matches(str(shown), KINDS, n=1)
        advice = f"did you mean '{close[0]}'? " if close else ""
        problems.append(
            Diagnostic(
                document.locate(("kind",)),
                "unknown-kind",
                f"'{shown}' is not a kind ladderctl knows",
                hint=f"{advice}kinds: {kinds}",
            )
        )
    if data.get("apiVersion") != API_VERSION:
        found = data.get("apiVersion")
        problems.append(
            Diagnostic(
                document.locate(("apiVersion",) if "apiVersion" in data else ()),
                "api-version",
                "the record has no 'apiVersion'"
                if found is None
                else f"apiVersion '{found}' is not supported",
                hint=f"write 'apiVersion: {API_VERSION}'",
            )
        )
    return problems


def check_schema(document: Document) -> list[Diagnostic]:
    """Every schema problem of one record, each located at the value to fix."""
    header = check_header(document)
    if header:
        return header
    kind = document.kind
    assert kind is not None  # check_header guarantees it
    import fastjsonschema

    try:
        fast_validator(kind)(document.data)
    except fastjsonschema.JsonSchemaException:
        pass
    else:
        return []
    errors = detailed_validator(kind).iter_errors(document.data)
    problems = [_translate(document, error) for error in _leaf_errors(errors)]
    # The detailed validator may find nothing the fast one did (they should agree); say so.
    return problems or [
        Diagnostic(
            document.locate(()),
            "schema",
            f"the record does not match the {kind} schema",
            hint="run 'ladderctl schema' to see the fields",
        )
    ]


def _leaf_errors(errors: Iterable[Any]) -> Iterable[Any]:
    """Replace anyOf/oneOf failures by the most relevant error of their best branch."""
    from jsonschema.exceptions import best_match

    for error in errors:
        if error.validator in ("anyOf", "oneOf") and error.context:
            yield best_match(error.context)
        else:
            yield error


def _translate(document: Document, error: Any) -> Diagnostic:
    """One jsonschema error as a located, plain-words Diagnostic with a hint."""
    path = list(error.absolute_path)
    where = describe_path(path)
    keyword = error.validator
    value = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    if keyword == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extras = [key for key in value if key not in schema.get("properties", {})]
        extra = sorted(extras)[0] if extras else "?"
        close = difflib.get_close_matches(extra, allowed, n=1)
        return Diagnostic(
            document.locate([*path, extra], key=True),
            "unknown-field",
            f"unknown field '{extra}' in {where}",
            hint=f"did you mean '{close[0]}'?"
            if close
            else f"remove it; fields allowed here: {', '.join(allowed)}",
        )
    if keyword == "required":
        missing = (
            error.message.split("'")[1] if "'" in error.message else str(error.validator_value)
        )
        return Diagnostic(
            document.locate(path, key=True),
            "missing-field",
            f"{where} is missing the required field '{missing}'",
            hint=f"add '{missing}:' here",
        )
    location = document.locate(path)
    if keyword == "type":
        expected = _expected_types(error.validator_value)
        hint = f"write {expected} here"
        if isinstance(value, (int, float, bool)) and "string" in str(error.validator_value):
            hint = f"put the value in quotes ('{_yaml_text(value)}') to keep it as text"
        return Diagnostic(
            location,
            "wrong-type",
            f"{where} should be {expected}, not {_type_name(value)}",
            hint=hint,
        )
    if keyword == "format":
        return Diagnostic(
            location,
            "invalid-date",
            f"{where}: '{value}' is not a real date",
            hint="write the date as YYYY-MM-DD, e.g. 2025-03-01, and check the day exists",
        )
    if keyword in ("enum", "const"):
        options = error.validator_value if keyword == "enum" else [error.validator_value]
        close = difflib.get_close_matches(str(value), [str(o) for o in options], n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return Diagnostic(
            location,
            "invalid-value",
            f"{where}: '{value}' is not allowed",
            hint=f"{hint}choose one of: {', '.join(str(o) for o in options)}",
        )
    if keyword == "pattern":
        return Diagnostic(
            location,
            "invalid-id" if "a-z0-9" in str(error.validator_value) else "invalid-format",
            f"{where}: '{value}' is not in the expected form",
            hint="ids use lowercase letters, digits, '.', '_' and '-', e.g. tech-2"
            if "a-z0-9" in str(error.validator_value)
            else f"it must match {error.validator_value}",
        )
    if keyword in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        return Diagnostic(
            location, "out-of-range", f"{where}: {error.message}", hint="check the number"
        )
    if keyword in ("minItems", "minLength"):
        return Diagnostic(
            location, "empty", f"{where} must not be empty", hint="add at least one entry"
        )
    return Diagnostic(location, "schema", f"{where}: {error.message}", hint="")


def _yaml_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
