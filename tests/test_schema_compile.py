"""How a schema is prepared for fastjsonschema: local `$ref`s inlined, the same verdicts.

The fast validator runs on every record; the detailed one (jsonschema) only explains failures.
So the compiled copy of a schema may look different from the file, but must accept and reject
exactly what jsonschema does.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import fastjsonschema
import pytest

from ladderctl import schemas
from ladderctl.schemas import (
    KINDS,
    detailed_validator,
    fast_validator,
    inline_refs,
    is_date,
    load_schema,
    recursive_defs,
    validator_source,
)

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
CRITERIA = {"criterion", "allOfCriterion", "anyOfCriterion", "atLeastCriterion"}


def refs_in(node: Any) -> Iterator[str]:
    """Every `$ref` value anywhere in `node` (the schemas hold no `$ref` keys as data)."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs_in(value)


def compiled(schema: dict[str, Any]) -> Callable[[Any], Any]:
    """The fast validator of `schema`, built the way fast_validator builds one from the cache."""
    namespace: dict[str, Any] = {}
    exec(validator_source(schema), namespace)
    function: Callable[..., Any] = namespace["validate_" + re.sub(r"\W", "_", schema["$id"])]
    return lambda data: function(data, custom_formats={"date": is_date})


def accepts(validate: Callable[[Any], Any], data: Any) -> bool:
    try:
        validate(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def test_only_the_criteria_are_recursive_and_they_stay_references() -> None:
    ladder = load_schema("Ladder")
    assert recursive_defs(ladder) == CRITERIA

    inlined = inline_refs(ladder)

    assert set(inlined["$defs"]) == CRITERIA
    assert {ref.removeprefix("#/$defs/") for ref in refs_in(inlined)} == CRITERIA
    # A leaf criterion is now written out in the criterion itself.
    branches = inlined["$defs"]["criterion"]["allOf"]
    experience = next(
        b["then"] for b in branches if b["if"]["properties"]["type"]["enum"] == ["experience"]
    )
    assert "$ref" not in experience
    assert experience["properties"]["id"] == {
        "type": "string",
        "pattern": ladder["$defs"]["id"]["pattern"],
    }
    # The shared schema is left alone, by the inlining and by fastjsonschema's rewriting of refs.
    validator_source(ladder)
    on_disk = json.loads((SCHEMA_DIR / "ladder.schema.json").read_text(encoding="utf-8"))
    assert ladder == on_disk


@pytest.mark.parametrize("kind", KINDS)
def test_inlined_schema_has_no_dangling_or_needless_refs(kind: str) -> None:
    schema = load_schema(kind)
    inlined = inline_refs(schema)

    recursive = recursive_defs(schema)
    for ref in refs_in(inlined):
        name = ref.removeprefix("#/$defs/")
        assert name in inlined.get("$defs", {}), f"{ref} points nowhere"
        assert name in recursive, f"{ref} should have been inlined"
    assert set(inlined.get("$defs", {})) == recursive
    # Titles and descriptions are left out (a property may still be called `description`).
    assert '"title": "' not in json.dumps(inlined)
    if kind != "Ladder":
        assert not list(refs_in(inlined))


def test_validation_keywords_beside_a_ref_still_apply() -> None:
    """Draft 2020-12 applies both; fastjsonschema alone would ignore the siblings of a `$ref`."""
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.org/short.schema.json",
        "type": "object",
        "properties": {
            "code": {"$ref": "#/$defs/id", "maxLength": 3, "description": "a short id"},
            "kind": {"const": "Short"},
        },
        "$defs": {"id": {"type": "string", "pattern": "^[a-z]+$"}},
    }

    inlined = inline_refs(schema)

    assert inlined["properties"]["code"] == {
        "allOf": [{"type": "string", "pattern": "^[a-z]+$"}, {"maxLength": 3}]
    }
    assert "$defs" not in inlined
    validate = compiled(schema)
    for code, expected in (("abc", True), ("abcd", False), ("AB", False), (3, False)):
        assert accepts(validate, {"code": code, "kind": "Short"}) is expected, code
    assert not accepts(validate, {"code": "ab", "kind": "Long"})


STAFF: dict[str, Any] = {
    "apiVersion": "ladderctl/v1",
    "kind": "StaffRecord",
    "id": "isabella-cruz",
    "name": "Isabella Cruz",
    "ladder": "pharmacy-technician",
    "level": "tech-1",
    "hireDate": "2026-01-12",
    "status": "active",
    "manager": "luis-hernandez",
    "levelHistory": [{"level": "tech-1", "effective": "2026-01-12", "reason": "Hired"}],
    "certifications": [{"id": "cpht", "earned": "2024-12-16", "expires": "2026-12-31"}],
    "reviews": [{"date": "2026-04-13", "rating": "meets", "reviewer": "luis-hernandez"}],
    "accomplishments": [{"title": "Cart fill", "date": "2026-03-02", "tags": ["project"]}],
}

CRITERION: dict[str, Any] = {
    "id": "tech1-to-tech2",
    "type": "all-of",
    "description": "All of",
    "criteria": [
        {"id": "exp", "type": "experience", "description": "1 year", "years": 1},
        {
            "id": "some",
            "type": "at-least",
            "description": "One of",
            "count": 1,
            "criteria": [
                {
                    "id": "cpht",
                    "type": "credential",
                    "description": "CPhT",
                    "credentials": ["cpht"],
                },
                {
                    "id": "rt",
                    "type": "rating",
                    "description": "Meets",
                    "atLeast": "meets",
                    "consecutive": 2,
                },
            ],
        },
    ],
}
LADDER: dict[str, Any] = {
    "apiVersion": "ladderctl/v1",
    "kind": "Ladder",
    "id": "tech",
    "title": "Technician ladder",
    "track": "technical",
    "levels": [
        {"id": "tech-1", "title": "Technician I", "advancement": {"criteria": CRITERION}},
        {"id": "tech-2", "title": "Technician II", "tasks": ["cart-fill", "adc-refill"]},
    ],
    "transitions": [
        {
            "id": "to-clinical",
            "from": "tech-2",
            "to": {"ladder": "clinical", "level": "pharmacist-1"},
            "requirements": {
                "id": "pharmd",
                "type": "credential",
                "description": "PharmD",
                "credentials": ["pharmd"],
            },
        }
    ],
}


def changed(record: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """A copy of `record` with the value at `path` replaced (or removed, for `...`)."""
    result = copy.deepcopy(record)
    node: Any = result
    for step in path[:-1]:
        node = node[step]
    if value is ...:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return result


# Where the advancement criteria of the first level sit in LADDER.
TOP = ("levels", 0, "advancement", "criteria")
CRAFTED: list[tuple[str, str, dict[str, Any]]] = [
    ("StaffRecord", "valid", STAFF),
    ("StaffRecord", "30 February", changed(STAFF, ("reviews", 0, "date"), "2020-02-30")),
    ("StaffRecord", "29 February", changed(STAFF, ("reviews", 0, "date"), "2024-02-29")),
    ("StaffRecord", "unknown field deep down", changed(STAFF, ("certifications", 0, "note"), "x")),
    ("StaffRecord", "missing required", changed(STAFF, ("levelHistory", 0, "effective"), ...)),
    ("StaffRecord", "bad enum", changed(STAFF, ("reviews", 0, "rating"), "great")),
    ("StaffRecord", "bad id", changed(STAFF, ("manager",), "Luis H")),
    ("StaffRecord", "repeated tag", changed(STAFF, ("accomplishments", 0, "tags"), ["a", "a"])),
    ("StaffRecord", "retired, no end date", changed(STAFF, ("status",), "retired")),
    ("StaffRecord", "wrong kind", changed(STAFF, ("kind",), "Ladder")),
    ("Ladder", "valid", LADDER),
    ("Ladder", "deep value", changed(LADDER, (*TOP, "criteria", 1, "criteria", 1, "atLeast"), "")),
    ("Ladder", "deep unknown", changed(LADDER, (*TOP, "criteria", 1, "criteria", 0, "years"), 2)),
    ("Ladder", "leaf of another type", changed(LADDER, (*TOP, "criteria", 0, "type"), "rating")),
    ("Ladder", "unknown type", changed(LADDER, (*TOP, "type"), "most-of")),
    ("Ladder", "empty criteria", changed(LADDER, (*TOP, "criteria", 1, "criteria"), [])),
    ("Ladder", "criterion not an object", changed(LADDER, (*TOP, "criteria", 0), "exp")),
    ("Ladder", "transition to no level", changed(LADDER, ("transitions", 0, "to", "level"), ...)),
    ("Ladder", "repeated task", changed(LADDER, ("levels", 1, "tasks", 1), "cart-fill")),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "label", "record"), CRAFTED, ids=[c[1] for c in CRAFTED])
def test_fast_validator_agrees_with_the_detailed_one(
    kind: str, label: str, record: dict[str, Any]
) -> None:
    validate = fast_validator(kind)
    # It is the inlined one: only the recursive criteria are functions of their own.
    functions = {name for name in validate.func.__globals__ if name.startswith("validate_")}
    assert len(functions) == (1 + len(CRITERIA) if kind == "Ladder" else 1)

    assert accepts(validate, record) is detailed_validator(kind).is_valid(record), label


def test_generated_code_does_not_depend_on_what_was_compiled_before() -> None:
    """fastjsonschema keeps resolved schemas in a store: nothing may leak from kind to kind."""
    forward = {kind: validator_source(load_schema(kind)) for kind in KINDS}
    backward = {kind: validator_source(load_schema(kind)) for kind in reversed(KINDS)}
    assert forward == backward
    for kind, source in forward.items():
        functions = re.findall(r"^def (validate_\w+)", source, flags=re.MULTILINE)
        assert len(functions) == 1 + len(recursive_defs(load_schema(kind))), kind


def test_a_validator_compiled_another_way_is_not_taken_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LADDERCTL_CACHE_DIR", str(tmp_path))
    names = []
    for version in (1, schemas._COMPILE_VERSION):
        monkeypatch.setattr(schemas, "_COMPILE_VERSION", version)
        fast_validator.cache_clear()
        fast_validator("Catalog")
        names.append({file.name for file in tmp_path.iterdir()})
    fast_validator.cache_clear()
    assert len(names[0]) == 1
    assert len(names[1]) == 2


def test_is_date_remembers_only_real_dates() -> None:
    assert is_date("2024-02-29")
    assert "2024-02-29" in schemas._DATES_SEEN
    for text in ("2023-02-29", "2020-02-30", "2020-2-03", "20200203", "2020-W05-1"):
        assert not is_date(text), text
        assert not is_date(text), text  # still no on the second look
        assert text not in schemas._DATES_SEEN
    assert is_date("2024-02-29")
    assert is_date(20240229)  # not a string: the type check speaks for it
