"""The JSON Schema of each kind, and the two validators built from it.

fastjsonschema compiles a schema to Python code and checks a valid record in microseconds, but
stops at the first problem; the `jsonschema` library is slower but lists every problem with its
path. A record goes through the fast one, and only a failing record through the detailed one.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import json
import marshal
import os
import re
import sys
from datetime import date
from functools import cache
from pathlib import Path
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
# Bump when is_date changes: cached validators call it by name.
_FORMATS_VERSION = 1


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


def _cache_dir() -> Path | None:
    """Where compiled validators are kept between runs; LADDERCTL_CACHE_DIR=off disables it."""
    chosen = os.environ.get("LADDERCTL_CACHE_DIR")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ladderctl"


@cache
def fast_validator(kind: str) -> Any:
    """The compiled fastjsonschema validator of a kind.

    Generating and compiling the Python code of all schemas costs about a second, more than
    checking a thousand records, so the compiled code is kept in a per-user cache keyed by the
    schema, the fastjsonschema version and the Python version.
    """
    import fastjsonschema

    schema = load_schema(kind)
    fingerprint = json.dumps(
        [schema, fastjsonschema.VERSION, sys.version, _FORMATS_VERSION], sort_keys=True
    )
    key = hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()[:20]
    folder = _cache_dir()
    cached = folder / f"validator-{kind}-{key}.marshal" if folder is not None else None
    code = None
    if cached is not None:
        with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
            code = marshal.loads(cached.read_bytes())
    if code is None:
        # compile_to_code rewrites the $refs of the dict it is given: keep the shared copy intact.
        source = fastjsonschema.compile_to_code(
            copy.deepcopy(schema), formats={"date": is_date}, use_default=False
        )
        code = compile(source, f"<{kind} validator>", "exec")
        if cached is not None:
            from ladderctl.writing import write_atomic

            with contextlib.suppress(OSError):
                write_atomic(cached, marshal.dumps(code))
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # our own generated code, from our own schema
    function = namespace["validate_" + re.sub(r"[^a-zA-Z0-9_]", "_", schema["$id"])]
    return functools.partial(function, custom_formats={"date": is_date})


@cache
def detailed_validator(kind: str) -> Any:
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("date")(is_date)
    return Draft202012Validator(load_schema(kind), format_checker=checker)
