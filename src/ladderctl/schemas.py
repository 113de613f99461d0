"""The JSON Schema of each kind, and the two validators built from it.

fastjsonschema compiles a schema to Python code and checks a valid record in microseconds, but
stops at the first problem; the `jsonschema` library is slower but lists every problem with its
path. A record goes through the fast one, and only a failing record through the detailed one, so
the fast one is compiled for speed alone: from a copy of the schema with its references written
out (see inline_refs), and without details in its exceptions.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import json
import marshal
import re
import sys
from collections.abc import Iterator
from datetime import date
from functools import cache
from typing import Any
from urllib.parse import unquote

from ladderctl.resources import cache_dir, data_dir

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
# Valid dates already checked: a department's records repeat a few thousand dates over and over
# (about 25 per staff record), and a set lookup is a third of the cost of checking one again.
_DATES_SEEN: set[str] = set()
_DATES_SEEN_LIMIT = 100_000
# Bump when is_date changes: cached validators call it by name.
_FORMATS_VERSION = 1
# Bump when inline_refs or the options given to fastjsonschema change what is compiled, so that
# code compiled the old way is never taken from the cache.
_COMPILE_VERSION = 2

# Keywords whose value is a subschema (`items` also a list of them, in drafts before 2020-12), a
# list of subschemas, or a mapping of names to subschemas.
_SCHEMA_KEYWORDS = frozenset(
    {"items", "additionalItems", "additionalProperties", "contains", "propertyNames", "not"}
    | {"if", "then", "else", "unevaluatedItems", "unevaluatedProperties"}
)
_SCHEMA_LIST_KEYWORDS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SCHEMA_MAP_KEYWORDS = frozenset(
    {"properties", "patternProperties", "dependencies", "dependentSchemas", "$defs", "definitions"}
)
# Documentation only: the compiled copy does without them.
_ANNOTATIONS = frozenset({"title", "description", "examples", "$comment"})
# Keywords that would give an inlined copy another base URI or a second place to be found at.
_IDENTIFIERS = frozenset({"$id", "id", "$anchor", "$dynamicAnchor", "$recursiveAnchor"})
_LOCAL_DEF_REF = re.compile(r"#/\$defs/([^/]+)\Z")


def is_date(value: object) -> bool:
    """A real calendar date written `YYYY-MM-DD` (so `2020-02-30` is not one)."""
    if not isinstance(value, str):
        return True  # formats only constrain strings; the type check reports the rest
    if value in _DATES_SEEN:
        return True
    if not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    if len(_DATES_SEEN) < _DATES_SEEN_LIMIT:
        _DATES_SEEN.add(value)
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


def _subschemas(schema: Any) -> Iterator[Any]:
    """The subschemas directly inside `schema` (not inside enum, const or examples values)."""
    if not isinstance(schema, dict):
        return
    for key, value in schema.items():
        if key in _SCHEMA_KEYWORDS:
            yield from value if isinstance(value, list) else [value]
        elif key in _SCHEMA_LIST_KEYWORDS and isinstance(value, list):
            yield from value
        elif key in _SCHEMA_MAP_KEYWORDS and isinstance(value, dict):
            # `dependencies` also maps names to lists of names, which are not schemas.
            yield from (item for item in value.values() if isinstance(item, (dict, bool)))


def _walk_schemas(schema: Any) -> Iterator[dict[str, Any]]:
    """`schema` and every subschema in it, as far as they are objects."""
    pending = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            yield node
            pending.extend(_subschemas(node))


def _walk_refs(schema: Any) -> Iterator[str]:
    """Every `$ref` in `schema` and its subschemas."""
    for node in _walk_schemas(schema):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]


def _local_def(ref: str, defs: dict[str, Any]) -> str | None:
    """The name of the `$defs` entry a `#/$defs/NAME` reference points at, if it exists."""
    match = _LOCAL_DEF_REF.match(ref)
    if match is None:
        return None
    name = unquote(match[1]).replace("~1", "/").replace("~0", "~")
    return name if name in defs else None


def recursive_defs(schema: dict[str, Any]) -> set[str]:
    """The `$defs` entries that reach themselves through local `$ref`s, directly or not."""
    defs: dict[str, Any] = schema.get("$defs", {})
    edges = {
        name: {target for ref in _walk_refs(body) if (target := _local_def(ref, defs))}
        for name, body in defs.items()
    }
    recursive: set[str] = set()
    for start in defs:
        seen: set[str] = set()
        pending = list(edges[start])
        while pending:
            name = pending.pop()
            if name not in seen:
                seen.add(name)
                pending.extend(edges[name])
        if start in seen:
            recursive.add(start)
    return recursive


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of `schema` for fastjsonschema to compile, which accepts exactly the same records.

    fastjsonschema turns each `$ref` into a call of a function of its own, and builds the error
    path of that call (`data.reviews[3]`) with `str.format` before calling, valid data or not:
    more than half the time of checking a valid staff record. So each `#/$defs/NAME` reference
    is replaced by the (likewise inlined) content of NAME, except when NAME reaches itself
    through references (a ladder criterion holds criteria): those stay references, and their
    `$defs` entries stay, inlined inside. Validation keywords next to a `$ref` are kept beside
    the content as `{"allOf": [content, siblings]}` (draft 2020-12 applies both); titles,
    descriptions and examples are dropped. Other references are left as they are, and a schema
    with `$id` or anchors below its root is only copied (an inlined copy could resolve its
    references against another base).
    """
    defs: dict[str, Any] = schema.get("$defs", {})
    nested = (node for body in _subschemas(schema) for node in _walk_schemas(body))
    if not isinstance(defs, dict) or any(_IDENTIFIERS & node.keys() for node in nested):
        return _without_const(copy.deepcopy(schema))
    recursive = recursive_defs(schema)

    def rewrite(node: Any, *, root: bool = False) -> Any:
        if not isinstance(node, dict):
            return copy.deepcopy(node)
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _ANNOTATIONS:
                continue
            if key in _SCHEMA_KEYWORDS:
                out[key] = (
                    [rewrite(v) for v in value] if isinstance(value, list) else rewrite(value)
                )
            elif key in _SCHEMA_LIST_KEYWORDS and isinstance(value, list):
                out[key] = [rewrite(item) for item in value]
            elif key in _SCHEMA_MAP_KEYWORDS and isinstance(value, dict):
                out[key] = {
                    name: rewrite(item) if isinstance(item, (dict, bool)) else copy.deepcopy(item)
                    for name, item in value.items()
                }
            else:
                out[key] = copy.deepcopy(value)
        _const_to_enum(out)
        ref = out.get("$ref")
        target = _local_def(ref, defs) if isinstance(ref, str) and not root else None
        if target is None or target in recursive:
            return out
        # A path of inlined references never meets a recursive entry twice, so this ends.
        content = rewrite(defs[target])
        siblings = {key: value for key, value in out.items() if key != "$ref"}
        return {"allOf": [content, siblings]} if siblings else content

    inlined: dict[str, Any] = rewrite(schema, root=True)
    used = _used_defs(inlined)
    if used is not None:
        inlined["$defs"] = {name: body for name, body in inlined["$defs"].items() if name in used}
        if not used:
            del inlined["$defs"]
    return inlined


def _const_to_enum(node: dict[str, Any]) -> None:
    """`const: X` -> `enum: [X]`, the same check, which fastjsonschema generates.

    fastjsonschema fails on `const` without detailed exceptions (a KeyError on
    `definition_rule`, in 2.22.3 at least).
    """
    if "const" not in node:
        return
    value = node.pop("const")
    if "enum" in node:
        node["allOf"] = [*node.get("allOf", []), {"enum": [value]}]
    else:
        node["enum"] = [value]


def _without_const(schema: dict[str, Any]) -> dict[str, Any]:
    for node in _walk_schemas(schema):
        _const_to_enum(node)
    return schema


def _used_defs(schema: dict[str, Any]) -> set[str] | None:
    """The `$defs` entries the rest of `schema` refers to, directly or through one another.

    None when some reference is not of the form `#/$defs/NAME`: it might point anywhere.
    """
    defs = schema.get("$defs")
    if not isinstance(defs, dict):
        return None
    used: set[str] = set()
    pending = [{key: value for key, value in schema.items() if key != "$defs"}]
    while pending:
        for ref in _walk_refs(pending.pop()):
            name = _local_def(ref, defs)
            if name is None:
                return None
            if name not in used:
                used.add(name)
                pending.append(defs[name])
    return used


@cache
def fast_validator(kind: str) -> Any:
    """The compiled fastjsonschema validator of a kind.

    Generating and compiling the Python code of all schemas costs about a second, more than
    checking a thousand records, so the compiled code is kept in a per-user cache keyed by the
    schema, the fastjsonschema version, the Python version and how the schema is compiled.
    """
    import fastjsonschema

    schema = load_schema(kind)
    fingerprint = json.dumps(
        [schema, fastjsonschema.VERSION, sys.version, _FORMATS_VERSION, _COMPILE_VERSION],
        sort_keys=True,
    )
    key = hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()[:20]
    folder = cache_dir()
    cached = folder / f"validator-{kind}-{key}.marshal" if folder is not None else None
    code = None
    if cached is not None:
        with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
            code = marshal.loads(cached.read_bytes())
    if code is None:
        code = compile(validator_source(schema), f"<{kind} validator>", "exec")
        if cached is not None:
            from ladderctl.writing import write_atomic

            with contextlib.suppress(OSError):
                write_atomic(cached, marshal.dumps(code))
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # our own generated code, from our own schema
    function = namespace["validate_" + re.sub(r"[^a-zA-Z0-9_]", "_", schema["$id"])]
    return functools.partial(function, custom_formats={"date": is_date})


def validator_source(schema: dict[str, Any]) -> str:
    """The Python source of the fastjsonschema validator of `schema` (see _COMPILE_VERSION)."""
    import fastjsonschema

    # inline_refs returns a fresh copy, which compile_to_code may rewrite (it makes $refs
    # absolute). Only the verdict of this validator is used: a failing record goes through the
    # detailed one for its messages. Without details, a failed `if` (tried on every record)
    # does not build the subschema it failed as a dict literal for its exception.
    return str(
        fastjsonschema.compile_to_code(
            inline_refs(schema),
            formats={"date": is_date},
            use_default=False,
            detailed_exceptions=False,
        )
    )


@cache
def detailed_validator(kind: str) -> Any:
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("date")(is_date)
    return Draft202012Validator(load_schema(kind), format_checker=checker)
