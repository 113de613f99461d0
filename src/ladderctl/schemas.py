"""The JSON Schema of each kind, and the two validators built from it.

fastjsonschema compiles a schema to Python code and checks a valid record in microseconds, but
stops at the first problem; the `jsonschema` library is slower but lists every problem with its
path. A record goes through the fast one, and only a failing record through the detailed one.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache
from typing import Any

from ladderctl.resources import data_dir

API_VERSION = "ladderctl/v1"

SCHEMA_FILE_BY_KIND: dict[str, str] = {
    "Catalog": "catalog.schema.json",
    "Ladder": "ladder.schema.json",
    "StaffRecord": "staff-record.schema.json",
    "MentorshipProgram": "mentorship-program.schema.json",
    "MentorshipProfile": "mentorship-profile.schema.json",
    "DevelopmentPlan": "development-plan.schema.json",
    "MentorshipAgreement": "mentorship-agreement.schema.json",
    "TaskCatalog": "task-catalog.schema.json",
    "TrainingPlan": "training-plan.schema.json",
}
KINDS = tuple(SCHEMA_FILE_BY_KIND)

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def is_date(value: object) -> bool:
    """A real calendar date written `YYYY-MM-DD` (so `2020-02-30` is not one)."""
    if not isinstance(value, str):
        return True  # formats only constrain strings; the type check reports the rest
    if not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


class SchemaError(Exception):
    """Raised when a schema that ships with ladderctl cannot be read (a broken installation)."""


def kind_for_slug(slug: str) -> str | None:
    """`staff-record` or `StaffRecord` (any case) -> `StaffRecord`."""
    wanted = slug.replace("-", "").replace("_", "").lower()
    for kind in KINDS:
        if kind.lower() == wanted:
            return kind
    return None


@cache
def load_schema(kind: str) -> dict[str, Any]:
    path = data_dir("schemas") / SCHEMA_FILE_BY_KIND[kind]
    try:
        schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SchemaError(f"cannot read the schema {path}: {error}") from error
    return schema


@cache
def fast_validator(kind: str) -> Any:
    import fastjsonschema

    return fastjsonschema.compile(load_schema(kind), formats={"date": is_date}, use_default=False)


@cache
def detailed_validator(kind: str) -> Any:
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("date")(is_date)
    return Draft202012Validator(load_schema(kind), format_checker=checker)
