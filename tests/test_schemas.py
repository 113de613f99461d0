"""The JSON Schemas in schemas/: well-formed, documented, closed, and read alike by both validators.

The runtime validates with fastjsonschema (fast path) and jsonschema (error details), so every
instance here goes through both and they must give the same verdict.
"""

from __future__ import annotations

import copy
import datetime
import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastjsonschema
import pytest
from jsonschema import Draft202012Validator

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
BASE_URL = "https://ladderctl.dev/schemas/v1/"
SCHEMA_FILE_BY_KIND = {
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
KINDS = list(SCHEMA_FILE_BY_KIND)

# The keywords the data-model contract allows; both validators implement all of them the same way.
ALLOWED_KEYWORDS = frozenset(
    {
        "type", "properties", "required", "additionalProperties", "items", "enum", "const",
        "pattern", "minimum", "maximum", "exclusiveMinimum", "minLength", "maxLength", "minItems",
        "maxItems", "uniqueItems", "format", "$ref", "$defs", "oneOf", "anyOf", "allOf", "if",
        "then", "title", "description", "examples",
    }
)  # fmt: skip
ROOT_ONLY_KEYWORDS = frozenset({"$schema", "$id"})
ANNOTATIONS = frozenset({"title", "description", "examples"})

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def is_date(value: str) -> bool:
    """The "date" format as jsonschema checks it: YYYY-MM-DD naming a real calendar day."""
    if not _DATE.fullmatch(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@functools.cache
def load_schema(kind: str) -> dict[str, Any]:
    text = (SCHEMA_DIR / SCHEMA_FILE_BY_KIND[kind]).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def fast_validator(kind: str) -> Callable[[Any], Any]:
    # A copy: fastjsonschema rewrites the schema in place (local $refs become absolute URLs).
    validate: Callable[[Any], Any] = fastjsonschema.compile(
        copy.deepcopy(load_schema(kind)), formats={"date": is_date}, use_default=False
    )
    return validate


def detailed_validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(
        load_schema(kind), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def fast_error(kind: str, instance: Any) -> str | None:
    """fastjsonschema's message for `instance`, or None when it accepts it."""
    try:
        fast_validator(kind)(instance)
    except fastjsonschema.JsonSchemaValueException as error:
        return str(error.message)
    return None


def detailed_errors(kind: str, instance: Any) -> list[str]:
    return [error.message for error in detailed_validator(kind).iter_errors(instance)]


# --------------------------------------------------------------------------------------------------
# Walking a schema


@dataclass(frozen=True)
class Node:
    """One subschema: where it sits, and in which role."""

    pointer: str
    schema: dict[str, Any]
    role: str  # root | property | items | def | applicator | condition
    in_condition: bool  # inside an `if`: a test that selects a branch, not a field definition


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def walk(
    schema: dict[str, Any], pointer: str = "", role: str = "root", in_condition: bool = False
) -> Iterator[Node]:
    yield Node(pointer or "/", schema, role, in_condition)
    for keyword, child_role in (("properties", "property"), ("$defs", "def")):
        for name, child in schema.get(keyword, {}).items():
            yield from walk(child, f"{pointer}/{keyword}/{_escape(name)}", child_role, in_condition)
    if isinstance(schema.get("items"), dict):
        yield from walk(schema["items"], f"{pointer}/items", "items", in_condition)
    if isinstance(schema.get("additionalProperties"), dict):
        yield from walk(
            schema["additionalProperties"], f"{pointer}/additionalProperties", "items", in_condition
        )
    for keyword in ("allOf", "anyOf", "oneOf"):
        for index, child in enumerate(schema.get(keyword, [])):
            yield from walk(child, f"{pointer}/{keyword}/{index}", "applicator", in_condition)
    if "if" in schema:
        yield from walk(schema["if"], f"{pointer}/if", "condition", True)
    if "then" in schema:
        yield from walk(schema["then"], f"{pointer}/then", "applicator", in_condition)


def resolve(root: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = root
    for token in ref.removeprefix("#/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    assert isinstance(node, dict)
    return node


def dispatch_branches(schema: dict[str, Any]) -> list[tuple[str, str, str]] | None:
    """(discriminator, value, $ref) per branch when `schema` is an if/then discriminated union.

    Such a wrapper declares only the discriminator and stays open: each `then` is a closed variant.
    """
    branches = schema.get("allOf")
    properties = schema.get("properties", {})
    if not branches or len(properties) != 1:
        return None
    (key,) = properties
    result = []
    for branch in branches:
        condition = branch.get("if", {}).get("properties", {})
        target = branch.get("then", {}).get("$ref")
        if set(branch) != {"if", "then"} or set(condition) != {key} or target is None:
            return None
        result.append((key, condition[key].get("const"), target))
    return result


# --------------------------------------------------------------------------------------------------
# The schema files themselves


def test_every_kind_has_exactly_one_schema_file() -> None:
    on_disk = sorted(path.name for path in SCHEMA_DIR.glob("*.schema.json"))
    assert on_disk == sorted(SCHEMA_FILE_BY_KIND.values())


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_draft_2020_12(kind: str) -> None:
    schema = load_schema(kind)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("kind", KINDS)
def test_schema_id_and_header(kind: str) -> None:
    schema = load_schema(kind)
    assert schema["$id"] == BASE_URL + SCHEMA_FILE_BY_KIND[kind]
    assert schema["properties"]["kind"]["const"] == kind
    assert schema["properties"]["apiVersion"]["const"] == "ladderctl/v1"
    assert {"apiVersion", "kind"} <= set(schema["required"])


@pytest.mark.parametrize("kind", KINDS)
def test_schema_compiles_with_fastjsonschema(kind: str) -> None:
    assert callable(fast_validator(kind))


@pytest.mark.parametrize("kind", KINDS)
def test_schema_file_is_formatted(kind: str) -> None:
    """2-space JSON with a trailing newline, so diffs of the schemas stay small."""
    text = (SCHEMA_DIR / SCHEMA_FILE_BY_KIND[kind]).read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_is_documented(kind: str) -> None:
    """Fields, list items and $defs carry a title and a description: the field reference."""
    problems = [
        f"{node.pointer}: missing or empty {key!r}"
        for node in walk(load_schema(kind))
        if node.role in {"root", "property", "items", "def"} and not node.in_condition
        for key in ("title", "description")
        if not (isinstance(node.schema.get(key), str) and node.schema[key].strip())
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("kind", KINDS)
def test_every_object_is_closed(kind: str) -> None:
    """additionalProperties: false everywhere: a typo'd field is an error, not ignored."""
    root = load_schema(kind)
    problems = []
    for node in walk(root):
        if node.in_condition:  # a closed `if` would never match
            continue
        is_object = "properties" in node.schema or node.schema.get("type") == "object"
        if not is_object or node.schema.get("additionalProperties") is False:
            continue
        branches = dispatch_branches(node.schema)
        if branches is None:
            problems.append(f"{node.pointer}: object without additionalProperties: false")
            continue
        problems += [
            f"{node.pointer}: branch {target} is not a closed object"
            for _key, _value, target in branches
            if resolve(root, target).get("additionalProperties") is not False
        ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("kind", KINDS)
def test_only_allowed_keywords(kind: str) -> None:
    problems = []
    for node in walk(load_schema(kind)):
        allowed = ALLOWED_KEYWORDS | (ROOT_ONLY_KEYWORDS if node.role == "root" else set())
        problems += [f"{node.pointer}: keyword {key!r}" for key in set(node.schema) - allowed]
        if "format" in node.schema and node.schema["format"] != "date":
            problems.append(f"{node.pointer}: format {node.schema['format']!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("kind", KINDS)
def test_no_default_keyword(kind: str) -> None:
    """fastjsonschema would inject defaults into the data."""
    offenders = [node.pointer for node in walk(load_schema(kind)) if "default" in node.schema]
    assert not offenders, offenders


@pytest.mark.parametrize("kind", KINDS)
def test_refs_are_local_and_resolve(kind: str) -> None:
    root = load_schema(kind)
    problems = []
    for node in walk(root):
        ref = node.schema.get("$ref")
        if ref is None:
            continue
        if not ref.startswith("#/"):
            problems.append(f"{node.pointer}: non-local $ref {ref!r}")
            continue
        try:
            resolve(root, ref)
        except (KeyError, AssertionError):
            problems.append(f"{node.pointer}: $ref {ref!r} does not resolve")
        # fastjsonschema ignores every keyword next to a $ref; only annotations may sit there.
        if extra := set(node.schema) - ANNOTATIONS - {"$ref"}:
            problems.append(f"{node.pointer}: {sorted(extra)} next to $ref would be ignored")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("kind", KINDS)
def test_required_fields_are_declared(kind: str) -> None:
    problems = [
        f"{node.pointer}: required {name!r} is not a property"
        for node in walk(load_schema(kind))
        if "properties" in node.schema and not node.in_condition
        for name in node.schema.get("required", [])
        if name not in node.schema["properties"]
    ]
    assert not problems, "\n".join(problems)


def test_criterion_dispatch_covers_every_type_once() -> None:
    root = load_schema("Ladder")
    criterion = root["$defs"]["criterion"]
    branches = dispatch_branches(criterion)
    assert branches is not None
    values = [value for _key, value, _target in branches]
    assert values == criterion["properties"]["type"]["enum"]
    assert len(set(values)) == 10
    for key, value, target in branches:
        variant = resolve(root, target)
        assert variant["properties"][key]["const"] == value, target
        assert {"id", "type", "description"} <= set(variant["required"]), target


# --------------------------------------------------------------------------------------------------
# Instances: the two validators agree

MINIMAL: dict[str, dict[str, Any]] = {
    "Catalog": {
        "apiVersion": "ladderctl/v1",
        "kind": "Catalog",
        "id": "central-pharmacy",
        "title": "Department of Pharmacy catalog",
        "credentials": [
            {
                "id": "cpht",
                "title": "National CPhT (PTCB)",
                "type": "certification",
                "expires": True,
            }
        ],
    },
    "Ladder": {
        "apiVersion": "ladderctl/v1",
        "kind": "Ladder",
        "id": "pharmacy-technician",
        "title": "Pharmacy Technician Career Ladder",
        "track": "technical",
        "levels": [
            {
                "id": "tech-1",
                "title": "Pharmacy Technician I",
                "advancement": {
                    "criteria": {
                        "id": "tech-1-experience",
                        "type": "experience",
                        "description": "Minimum 1 year of experience.",
                        "years": 1,
                    }
                },
            },
            {"id": "tech-2", "title": "Pharmacy Technician II"},
        ],
    },
    "StaffRecord": {
        "apiVersion": "ladderctl/v1",
        "kind": "StaffRecord",
        "id": "jdoe",
        "name": "Jane Doe",
        "ladder": "pharmacy-technician",
        "level": "tech-1",
        "hireDate": "2023-06-01",
        "status": "active",
        "levelHistory": [{"level": "tech-1", "effective": "2023-06-01"}],
    },
    "MentorshipProgram": {
        "apiVersion": "ladderctl/v1",
        "kind": "MentorshipProgram",
        "id": "2025",
        "title": "Technician Mentorship Program 2025",
        "cycle": {"start": "2025-01-15", "end": "2026-01-14"},
        "meetings": {"frequency": "monthly", "minutes": 60, "checkInMonths": 3},
        "committee": ["mgarcia"],
        "matching": {"weights": {"goalAlignment": 3}},
    },
    "MentorshipProfile": {
        "apiVersion": "ladderctl/v1",
        "kind": "MentorshipProfile",
        "person": "jdoe",
        "program": "2025",
        "role": "mentee",
        "optedIn": True,
    },
    "DevelopmentPlan": {
        "apiVersion": "ladderctl/v1",
        "kind": "DevelopmentPlan",
        "id": "jdoe-2025",
        "person": "jdoe",
        "manager": "mgarcia",
        "period": {"start": "2025-01-01", "end": "2025-12-31"},
        "aspirations": ["Become the lead preceptor for the technician training program."],
        "strengths": [],
        "developmentAreas": [],
        "objectives": [
            {
                "id": "cspt",
                "description": "Obtain the CPhT-CSP certification by the end of Q3.",
                "measure": "Certification earned",
                "due": "2025-09-30",
                "status": "in-progress",
            }
        ],
        "actions": {"employee": [], "manager": []},
    },
    "MentorshipAgreement": {
        "apiVersion": "ladderctl/v1",
        "kind": "MentorshipAgreement",
        "id": "2025-jdoe-mgarcia",
        "program": "2025",
        "mentor": "mgarcia",
        "mentee": "jdoe",
        "start": "2025-02-01",
        "confidentiality": {"agreed": True, "exceptions": ["patient-safety", "harm"]},
        "meetings": {"frequency": "monthly", "minutes": 60, "mode": "in-person"},
        "goals": [{"description": "Prepare for the CPhT-CSP exam."}],
        "terminationNoticeDays": 14,
    },
    "TaskCatalog": {
        "apiVersion": "ladderctl/v1",
        "kind": "TaskCatalog",
        "id": "cmm",
        "title": "CMM practice delegation matrix",
        "stages": [
            {
                "id": "pre-visit",
                "title": "Pre-Visit Activities",
                "tasks": [
                    {
                        "id": "referral-intake",
                        "title": "Receiving and logging a new referral",
                        "delegation": "delegable",
                        "reason": "A purely administrative task.",
                    }
                ],
            }
        ],
    },
    "TrainingPlan": {
        "apiVersion": "ladderctl/v1",
        "kind": "TrainingPlan",
        "id": "tech-30-day",
        "title": "30-day technician training plan",
        "durationDays": 30,
        "phases": [
            {
                "id": "week-1",
                "title": "Orientation & Observation",
                "days": {"from": 1, "to": 7},
                "goal": "Understand the what and why before learning the how.",
            }
        ],
    },
}

DELETE = object()
JsonPath = tuple[str | int, ...]


def changed(kind: str, *changes: tuple[JsonPath, Any]) -> dict[str, Any]:
    """A deep copy of MINIMAL[kind] with each (path, value) applied; DELETE removes the key."""
    document = copy.deepcopy(MINIMAL[kind])
    for path, value in changes:
        *parents, last = path
        node: Any = document
        for key in parents:
            node = node[key]
        if value is DELETE:
            del node[last]
        else:
            node[last] = value
    return document


def crit(type_: str, id_: str, **fields: Any) -> dict[str, Any]:
    return {"id": id_, "type": type_, "description": f"A {type_} requirement.", **fields}


ALL_CRITERIA = crit(
    "all-of",
    "tech-1-to-2",
    criteria=[
        crit("credential", "tech-1-cpht", credentials=["cpht", "excpt"]),
        crit("experience", "tech-1-experience", years=2, typicalYears=3, withinYears=5),
        crit("time-in-level", "tech-1-time", months=12),
        crit("rating", "tech-1-rating", atLeast="meets", consecutive=2),
        crit("assessment", "tech-1-competency", assessment="tech-1-competency", validForMonths=12),
        crit(
            "at-least",
            "tech-1-growth",
            count=1,
            criteria=[
                crit("activity", "tech-1-precepting", tags=["precepting-course"], count=1),
                crit(
                    "any-of",
                    "tech-1-judgement",
                    criteria=[crit("attestation", "tech-1-complex-issues", by="manager")],
                ),
            ],
        ),
    ],
)
LEVEL0 = ("levels", 0)
CRITERIA = (*LEVEL0, "advancement", "criteria")

VALID_VARIANTS = [
    pytest.param("Ladder", [(CRITERIA, ALL_CRITERIA)], id="ladder-every-criterion-type"),
    pytest.param(
        "Ladder",
        [
            (
                ("transitions",),
                [
                    {
                        "id": "tech-2-to-spt-1",
                        "from": "tech-2",
                        "to": {"ladder": "specialty-pharmacy-technician", "level": "spt-1"},
                    }
                ],
            )
        ],
        id="ladder-transition-without-requirements",
    ),
    pytest.param(
        "StaffRecord",
        [(("status",), "terminated"), (("endDate",), "2025-05-31")],
        id="staff-terminated-with-end-date",
    ),
    pytest.param(
        "StaffRecord",
        [(("engagement",), [{"year": 2021, "score": 83}])],
        id="staff-engagement-score",
    ),
    pytest.param(
        "MentorshipProfile",
        [(("goals",), [{"role": "Inventory/Procurement Specialist"}])],
        id="profile-goal-role",
    ),
    pytest.param(
        "MentorshipProfile",
        [(("goals",), [{"ladder": "pharmacy-technician", "level": "tech-3"}])],
        id="profile-goal-ladder-level",
    ),
    pytest.param(
        "MentorshipAgreement",
        [(("goals", 0, "idpObjective"), "jdoe-2025#cspt")],
        id="agreement-idp-objective",
    ),
    pytest.param(
        "Ladder",
        [(("scope",), "technician"), ((*LEVEL0, "tasks"), ["referral-intake", "chart-prep"])],
        id="ladder-scope-and-tasks",
    ),
    pytest.param(
        "StaffRecord",
        [
            (
                ("training",),
                [
                    {
                        "plan": "tech-30-day",
                        "start": "2023-06-01",
                        "completed": [
                            {"phase": "week-1", "date": "2023-06-07", "signedOffBy": "mgarcia"}
                        ],
                    }
                ],
            )
        ],
        id="staff-training-progress",
    ),
    pytest.param(
        "TaskCatalog",
        [
            (
                ("procedures",),
                [{"id": "sop-adm-001", "code": "SOP-ADM-001", "title": "Intake", "type": "sop"}],
            ),
            (("stages", 0, "tasks", 0, "procedures"), ["sop-adm-001"]),
            (("stages", 0, "tasks", 0, "delegation"), "shared"),
            (
                ("stages", 0, "tasks", 0, "parts"),
                [
                    {"role": "technician", "duty": "Logs the referral."},
                    {"role": "pharmacist", "duty": "Triages it."},
                ],
            ),
        ],
        id="tasks-shared-with-parts-and-procedures",
    ),
    pytest.param(
        "TrainingPlan",
        [
            (("appliesTo",), [{"ladder": "pharmacy-technician", "level": "tech-1"}]),
            (("phases", 0, "supervision"), "observation"),
            (("phases", 0, "read"), ["sop-adm-001"]),
            (("phases", 0, "tasks"), ["referral-intake"]),
            (
                ("phases", 0, "competencies"),
                [{"assessment": "tech-1-competency"}, {"activityTag": "precepting"}],
            ),
        ],
        id="training-every-field",
    ),
]


BROKEN = [
    # Catalog
    pytest.param(
        "Catalog", [(("credentials",), DELETE)], "'credentials' is a required", id="catalog-missing"
    ),
    pytest.param(
        "Catalog",
        [(("credentials", 0, "expires"), "yes")],
        "not of type 'boolean'",
        id="catalog-type",
    ),
    pytest.param(
        "Catalog",
        [(("credentials", 0, "issuers"), "PTCB")],
        "'issuers' was unexpected",
        id="catalog-extra",
    ),
    pytest.param(
        "Catalog", [(("id",), "Central Pharmacy")], "does not match", id="catalog-id-pattern"
    ),
    # Ladder
    pytest.param("Ladder", [(("levels",), [])], "should be non-empty", id="ladder-no-levels"),
    pytest.param(
        "Ladder", [((*LEVEL0, "title"), DELETE)], "'title' is a required", id="ladder-missing"
    ),
    pytest.param(
        "Ladder", [((*CRITERIA, "years"), "one")], "not of type 'number'", id="ladder-type"
    ),
    pytest.param(
        "Ladder", [((*LEVEL0, "focuss"), "x")], "'focuss' was unexpected", id="ladder-extra"
    ),
    pytest.param("Ladder", [(("track",), "pharmacist")], "is not one of", id="ladder-enum"),
    pytest.param(
        "Ladder", [((*CRITERIA, "type"), "experiance")], "is not one of", id="ladder-criterion-type"
    ),
    pytest.param(
        "Ladder", [(("id",), "tech\n")], "does not match", id="ladder-id-trailing-newline"
    ),
    # StaffRecord
    pytest.param(
        "StaffRecord", [(("hireDate",), DELETE)], "'hireDate' is a required", id="staff-missing"
    ),
    pytest.param(
        "StaffRecord", [(("levelHistory",), "tech-1")], "not of type 'array'", id="staff-type"
    ),
    pytest.param(
        "StaffRecord",
        [(("hiredate",), "2023-06-01")],
        "'hiredate' was unexpected",
        id="staff-extra",
    ),
    pytest.param(
        "StaffRecord", [(("hireDate",), "2023-02-30")], "is not a 'date'", id="staff-bad-date"
    ),
    pytest.param(
        "StaffRecord", [(("status",), "retired")], "'endDate' is a required", id="staff-retired"
    ),
    pytest.param(
        "StaffRecord",
        [(("engagement",), [{"year": 2021, "score": True}])],
        "not of type 'number'",
        id="staff-bool-is-not-a-number",
    ),
    pytest.param(
        "StaffRecord",
        [(("engagement",), [{"year": 2021, "score": 101}])],
        "greater than the maximum",
        id="staff-score-range",
    ),
    # MentorshipProgram
    pytest.param(
        "MentorshipProgram",
        [(("matching", "weights"), {"site": 1})],
        "'goalAlignment' is a required",
        id="program-missing",
    ),
    pytest.param(
        "MentorshipProgram", [(("committee",), "mgarcia")], "not of type 'array'", id="program-type"
    ),
    pytest.param(
        "MentorshipProgram",
        [(("matching", "weights", "seniority"), 1)],
        "'seniority' was unexpected",
        id="program-extra",
    ),
    pytest.param(
        "MentorshipProgram",
        [(("matching", "weights", "goalAlignment"), -1)],
        "less than the minimum",
        id="program-negative-weight",
    ),
    pytest.param(
        "MentorshipProgram",
        [(("committee",), [])],
        "should be non-empty",
        id="program-no-committee",
    ),
    # MentorshipProfile
    pytest.param(
        "MentorshipProfile",
        [(("optedIn",), DELETE)],
        "'optedIn' is a required",
        id="profile-missing",
    ),
    pytest.param(
        "MentorshipProfile", [(("optedIn",), "yes")], "not of type 'boolean'", id="profile-type"
    ),
    pytest.param(
        "MentorshipProfile",
        [(("mentor",), "mgarcia")],
        "'mentor' was unexpected",
        id="profile-extra",
    ),
    pytest.param(
        "MentorshipProfile",
        [(("goals",), [{"ladder": "pharmacy-technician"}])],
        "'level' is a required",
        id="profile-goal-ladder-without-level",
    ),
    pytest.param(
        "MentorshipProfile",
        [(("goals",), [{"description": "Grow."}])],
        "is not valid under any of the given schemas",
        id="profile-goal-without-target",
    ),
    pytest.param(
        "MentorshipProfile",
        [(("developmentAreas",), ["Project Management"])],
        "does not match",
        id="profile-tag-not-lowercase-dash",
    ),
    # DevelopmentPlan
    pytest.param(
        "DevelopmentPlan",
        [(("objectives", 0, "due"), DELETE)],
        "'due' is a required",
        id="plan-missing",
    ),
    pytest.param(
        "DevelopmentPlan", [(("aspirations",), "Lead")], "not of type 'array'", id="plan-type"
    ),
    pytest.param(
        "DevelopmentPlan", [(("actions", "team"), [])], "'team' was unexpected", id="plan-extra"
    ),
    pytest.param(
        "DevelopmentPlan", [(("aspirations",), [])], "should be non-empty", id="plan-no-aspirations"
    ),
    pytest.param(
        "DevelopmentPlan",
        [(("objectives", 0, "status"), "started")],
        "is not one of",
        id="plan-objective-status",
    ),
    # MentorshipAgreement
    pytest.param(
        "MentorshipAgreement",
        [(("terminationNoticeDays",), DELETE)],
        "'terminationNoticeDays' is a required",
        id="agreement-missing",
    ),
    pytest.param(
        "MentorshipAgreement",
        [(("meetings", "minutes"), 60.5)],
        "not of type 'integer'",
        id="agreement-type",
    ),
    pytest.param(
        "MentorshipAgreement",
        [(("confidentiality", "scope"), "all")],
        "'scope' was unexpected",
        id="agreement-extra",
    ),
    pytest.param(
        "MentorshipAgreement",
        [(("goals", 0, "idpObjective"), "jdoe-2025/cspt")],
        "does not match",
        id="agreement-idp-objective-format",
    ),
    # Ladder and staff fields for scope of practice
    pytest.param("Ladder", [(("scope",), "nurse")], "is not one of", id="ladder-scope-enum"),
    pytest.param(
        "Ladder",
        [((*LEVEL0, "tasks"), ["referral-intake", "referral-intake"])],
        "non-unique elements",
        id="ladder-tasks-repeated",
    ),
    pytest.param(
        "StaffRecord",
        [(("training",), [{"plan": "tech-30-day"}])],
        "'start' is a required",
        id="staff-training-without-start",
    ),
    # TaskCatalog
    pytest.param(
        "TaskCatalog",
        [(("stages", 0, "tasks", 0, "reason"), DELETE)],
        "'reason' is a required",
        id="tasks-missing",
    ),
    pytest.param(
        "TaskCatalog", [(("stages",), {"pre-visit": []})], "not of type 'array'", id="tasks-type"
    ),
    pytest.param(
        "TaskCatalog",
        [(("stages", 0, "tasks", 0, "owner"), "technician")],
        "'owner' was unexpected",
        id="tasks-extra",
    ),
    pytest.param(
        "TaskCatalog",
        [(("stages", 0, "tasks", 0, "delegation"), "technician-only")],
        "is not one of",
        id="tasks-delegation-enum",
    ),
    pytest.param(
        "TaskCatalog",
        [(("stages", 0, "tasks", 0, "parts"), [{"role": "nurse", "duty": "Helps."}])],
        "is not one of",
        id="tasks-part-role",
    ),
    pytest.param(
        "TaskCatalog", [(("stages", 0, "tasks"), [])], "should be non-empty", id="tasks-empty-stage"
    ),
    # TrainingPlan
    pytest.param(
        "TrainingPlan",
        [(("phases", 0, "goal"), DELETE)],
        "'goal' is a required",
        id="training-missing",
    ),
    pytest.param(
        "TrainingPlan", [(("durationDays",), "30")], "not of type 'integer'", id="training-type"
    ),
    pytest.param(
        "TrainingPlan",
        [(("phases", 0, "week"), 1)],
        "'week' was unexpected",
        id="training-extra",
    ),
    pytest.param(
        "TrainingPlan",
        [(("phases", 0, "days", "from"), 0)],
        "less than the minimum",
        id="training-day-zero",
    ),
    pytest.param(
        "TrainingPlan",
        [(("phases", 0, "competencies"), [{"description": "Intake."}])],
        "is not valid under any of the given schemas",
        id="training-competency-without-reference",
    ),
    pytest.param(
        "TrainingPlan",
        [(("phases", 0, "competencies"), [{"assessment": "a", "activityTag": "b"}])],
        "is valid under each of",
        id="training-competency-with-two-references",
    ),
]


@pytest.mark.parametrize("kind", KINDS)
def test_minimal_instance_is_valid_in_both(kind: str) -> None:
    assert detailed_errors(kind, MINIMAL[kind]) == []
    assert fast_error(kind, MINIMAL[kind]) is None


@pytest.mark.parametrize(("kind", "changes"), VALID_VARIANTS)
def test_valid_variant_is_valid_in_both(kind: str, changes: list[tuple[JsonPath, Any]]) -> None:
    instance = changed(kind, *changes)
    assert detailed_errors(kind, instance) == []
    assert fast_error(kind, instance) is None


@pytest.mark.parametrize(("kind", "changes", "fragment"), BROKEN)
def test_broken_instance_is_rejected_by_both(
    kind: str, changes: list[tuple[JsonPath, Any]], fragment: str
) -> None:
    instance = changed(kind, *changes)
    messages = detailed_errors(kind, instance)
    assert any(fragment in message for message in messages), (
        f"jsonschema: expected an error containing {fragment!r}, got {messages}"
    )
    assert fast_error(kind, instance) is not None, "fastjsonschema accepted it"


CASE_PREFIX_BY_KIND = {
    "Catalog": "catalog",
    "Ladder": "ladder",
    "StaffRecord": "staff",
    "MentorshipProgram": "program",
    "MentorshipProfile": "profile",
    "DevelopmentPlan": "plan",
    "MentorshipAgreement": "agreement",
    "TaskCatalog": "tasks",
    "TrainingPlan": "training",
}


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_the_three_basic_broken_cases(kind: str) -> None:
    ids = {param.id for param in BROKEN if param.values[0] == kind}
    prefix = CASE_PREFIX_BY_KIND[kind]
    assert {f"{prefix}-missing", f"{prefix}-type", f"{prefix}-extra"} <= ids


# --------------------------------------------------------------------------------------------------
# The if/then discriminator: errors come from the declared variant only


@pytest.mark.parametrize(
    ("criterion", "expected"),
    [
        pytest.param(
            crit("experience", "tech-1-experience", years=2, typicalYaers=3),
            ["Additional properties are not allowed ('typicalYaers' was unexpected)"],
            id="typo-in-optional-field",
        ),
        pytest.param(
            crit("experience", "tech-1-experience", yeras=2),
            ["'years' is a required property", "('yeras' was unexpected)"],
            id="typo-in-required-field",
        ),
        pytest.param(
            crit("experiance", "tech-1-experience", years=2),
            ["'experiance' is not one of"],
            id="unknown-type",
        ),
        pytest.param(
            {"id": "tech-1-experience", "description": "Experience.", "years": 2},
            ["'type' is a required property"],
            id="missing-type",
        ),
        pytest.param("two years", ["'two years' is not of type 'object'"], id="not-an-object"),
    ],
)
def test_criterion_errors_come_only_from_its_declared_type(
    criterion: Any, expected: list[str]
) -> None:
    criteria = copy.deepcopy(ALL_CRITERIA)
    criteria["criteria"][1] = criterion
    instance = changed("Ladder", (CRITERIA, criteria))
    errors = list(detailed_validator("Ladder").iter_errors(instance))
    messages = sorted(error.message for error in errors)
    assert len(messages) == len(expected), messages
    for fragment in expected:
        assert any(fragment in message for message in messages), messages
    where = "$.levels[0].advancement.criteria.criteria[1]"
    assert all(error.json_path.startswith(where) for error in errors), [e.json_path for e in errors]
    assert fast_error("Ladder", instance) is not None


def test_criterion_typo_gives_exactly_one_error() -> None:
    """The design goal of the if/then discriminator, stated as plainly as possible."""
    instance = changed(
        "Ladder",
        (CRITERIA, crit("experience", "tech-1-experience", years=1, withinYaers=5)),
    )
    errors = list(detailed_validator("Ladder").iter_errors(instance))
    assert len(errors) == 1, [error.message for error in errors]
    assert "'withinYaers'" in errors[0].message
    assert fast_error("Ladder", instance) is not None
