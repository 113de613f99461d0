"""The loader's quick path agrees with libyaml's, or steps aside.

`parse_text` first tries a line reader for the plain block style nearly every record uses, and
falls back to libyaml's event stream for anything else. The two must never disagree: for any
text, the quick path gives None or exactly what the libyaml path gives (values, their types, key
order and every position).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ladderctl.diagnostics import Diagnostic
from ladderctl.loading import Document, _parse_with_libyaml, _quick_build, parse_text

ROOT = Path(__file__).resolve().parent.parent


def assert_agrees(text: str) -> Document | None:
    """The quick path's answer for `text`, after checking it against libyaml's."""
    quick = _quick_build(text, "t.yaml")
    if quick is None:
        return None
    full = _parse_with_libyaml(text, "t.yaml")
    assert isinstance(full, Document), f"quick path accepted what libyaml refuses: {full}"
    assert repr(quick.data) == repr(full.data)  # repr: 1 is not 1.0 is not True; key order
    assert quick.flat_marks() == full.flat_marks()
    return quick


STAFF = """\
# yaml-language-server: $schema=../schemas/staff-record.schema.json
apiVersion: ladderctl/v1
kind: StaffRecord
id: aabbott-00653
name: Aisha Abbott   # trailing comment
hireDate: 2022-11-27
manager:
levelHistory:
- level: spt-1
  effective: 2022-11-27

- level: spt-2
  reason: 'Promotion: it''s earned'
certifications:
  - id: cpht
    number: "CPHT #723865"
    tags: []
    extra: {}
accomplishments:
-   title: P&T committee secretary
    areas: [ sterile, 12,chemo  ]  # a flow list
    tags:
    - committee
    - 12
    - 1.50
    - yes
    - ~
    nested:
      deeper:
        deepest: true
    empty:
end: null
"""


def test_a_typical_record_takes_the_quick_path_with_libyaml_s_answer() -> None:
    quick = assert_agrees(STAFF)
    assert quick is not None
    data = quick.data
    assert data["manager"] is None
    assert data["levelHistory"][1]["reason"] == "Promotion: it's earned"
    assert data["certifications"][0]["number"] == "CPHT #723865"
    assert data["accomplishments"][0]["tags"] == ["committee", 12, 1.5, "yes", None]
    assert data["accomplishments"][0]["empty"] is None
    assert data["accomplishments"][0]["areas"] == ["sterile", 12, "chemo"]
    assert quick.locate(["accomplishments", 0, "nested", "deeper", "deepest"]).line == 30


def test_windows_line_ends_take_the_quick_path_with_libyaml_s_answer() -> None:
    crlf = STAFF.replace("\n", "\r\n")
    quick = assert_agrees(crlf)
    assert quick is not None
    assert quick.data == assert_agrees(STAFF).data  # type: ignore[union-attr]
    assert assert_agrees("a: b\rc: d\n") is None  # a lone carriage return: libyaml decides


def test_every_shipped_file_agrees() -> None:
    files = [
        *sorted((ROOT / "examples").rglob("*.yaml")),
        *sorted((ROOT / "tests").rglob("*.yaml")),
    ]
    taken = 0
    for file in files:
        text = file.read_text(encoding="utf-8-sig")
        taken += assert_agrees(text) is not None
    assert taken >= 10  # not a test of the fallback alone


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "a: !!str 1\n",  # tags
        "a: |\n  text\n",  # block scalars
        "a: >-\n  text\n",
        "a: [1, [2]]\n",  # flow collections beyond a one-line list of plain items
        "a: ['x', y]\n",
        "a: [x, y,]\n",
        "a: [x: 1]\n",
        "a: [x,\n  y]\n",
        "a: {b: 1}\n",
        "a: b\n  c\n",  # a plain scalar over two lines
        'a: "x\\ty"\n',  # escapes
        'a: "x\n  y"\n',  # a quoted scalar over two lines
        "a: 1\na: 2\n",  # duplicate key
        "---\na: 1\n",  # document markers
        "a: 1\n...\n",
        "%YAML 1.2\n---\na: 1\n",
        "a:\tb\n",  # tab
        "a: b\u2028c: d\n",  # a line break to libyaml
        "- a\n- b\n",  # not a mapping
        "just text\n",
        "",
        "# only a comment\n",
        "a: b: c\n",
        "a: b:\n",
        "? a\n: b\n",
        '"a": 1\n',
        "a: - b\n",
        "a:\n  - b\n  c: d\n",
        "a:\n-\n  b: 1\n",
        "a:\n- - b\n",
        "a: 'x'y\n",
        'a: "x" y\n',
        "a: x #c\n  y\n",
        "a:\n  b: 1\n c: 2\n",
        "a:\n    b: 1\n  c: 2\n",
    ],
)
def test_what_the_quick_path_leaves_to_libyaml(text: str) -> None:
    assert _quick_build(text, "t.yaml") is None
    # ...and parse_text still answers, through libyaml
    assert isinstance(parse_text(text, "t.yaml"), (Document, Diagnostic))


def test_problems_are_still_reported_by_libyaml_s_path() -> None:
    result = parse_text("a: 1\nb: 2\na: 3\n", "t.yaml")
    assert isinstance(result, Diagnostic)
    assert (result.rule, result.location.line) == ("duplicate-key", 3)


# --- generated records -------------------------------------------------------------------------

KEYS = st.sampled_from(
    ["id", "name", "a", "b2", "yes", "on", "null", "1", "a.b", "x-y", "_k", "tags", "date"]
)
# Scalar text from the characters that matter to YAML, plus letters, digits and non-ASCII.
SCALAR_TEXT = st.lists(
    st.sampled_from([*"ab z09-.:#'\",[]{}&*!|>%@`?~\\/é中😀", "true", "1.5", ": ", " #"]),
    max_size=8,
).map("".join)
SCALARS = st.one_of(
    SCALAR_TEXT,
    st.integers(-1000, 1000),
    st.sampled_from([None, True, False, 1.5, "2024-02-30", "0755", "1.10", "NO", ""]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(KEYS, inner, max_size=4),
    ),
    max_leaves=25,
)
RECORDS = st.dictionaries(KEYS, VALUES, min_size=1, max_size=6)


def _scalar(value: Any, rnd: random.Random) -> str:
    if value is None:
        return rnd.choice(["", "~", "null"])
    if not isinstance(value, str):
        return str(value).lower() if isinstance(value, bool) else str(value)
    style = rnd.choice(["plain", "plain", "single", "double"])
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    if style == "double":
        return '"' + value + '"'
    return value


def _emit(value: Any, indent: int, rnd: random.Random, out: list[str], lead: str) -> None:
    """Write `value` as block YAML in randomly chosen (not always valid) styles."""
    step = rnd.choice([2, 2, 4])
    if isinstance(value, dict):
        if not value:
            out[-1] += " {}"
            return
        first = True
        for key, item in value.items():
            prefix = lead if first else " " * indent
            first = False
            out.append(f"{prefix}{key}:")
            _emit_value(item, indent, step, rnd, out)
        return
    if isinstance(value, list):
        if not value:
            out[-1] += " []"
            return
        first = True
        for item in value:
            prefix = lead if first else " " * indent
            first = False
            if _flat_list(item) and rnd.random() < 0.3:
                out.append(prefix + "- " + _flow(item, rnd))
            elif isinstance(item, dict) and item:
                _emit(item, indent + 2, rnd, out, prefix + "- ")
            elif isinstance(item, (dict, list)):
                out.append(prefix + "-")
                _emit(item, indent + 2, rnd, out, " " * (indent + 2))
            else:
                out.append(prefix + "- " + _scalar(item, rnd))
        return
    out[-1] += (" " + _scalar(value, rnd)).rstrip()


def _flat_list(value: Any) -> bool:
    return isinstance(value, list) and not any(isinstance(v, (dict, list)) for v in value)


def _flow(value: list[Any], rnd: random.Random) -> str:
    """A one-line flow list, spaced at random."""
    pieces = [" " * rnd.choice([0, 0, 1]) + _scalar(v, rnd) for v in value]
    return "[" + ", ".join(pieces) + rnd.choice(["", " "]) + "]"


def _emit_value(item: Any, indent: int, step: int, rnd: random.Random, out: list[str]) -> None:
    if _flat_list(item) and rnd.random() < 0.3:
        out[-1] += " " + _flow(item, rnd)
    elif isinstance(item, dict) and item:
        _emit(item, indent + step, rnd, out, " " * (indent + step))
    elif isinstance(item, list) and item:
        at = indent if rnd.random() < 0.5 else indent + step  # compact or indented
        _emit(item, at, rnd, out, " " * at)
    else:
        _emit(item, indent, rnd, out, "")
    if rnd.random() < 0.15:
        out.append(" " * rnd.choice([0, indent, indent + 2]) + "# a comment")
    if rnd.random() < 0.1:
        out.append("")
    if rnd.random() < 0.1 and out[-1] and not out[-1].lstrip().startswith("#"):
        out[-1] += rnd.choice(["  # note", " #", "   "])


def render(record: dict[str, Any], seed: int) -> str:
    rnd = random.Random(seed)
    out: list[str] = ["# a record"] if rnd.random() < 0.5 else []
    _emit(record, 0, rnd, out, "")
    return "\n".join(out) + "\n"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RECORDS, st.integers(0, 2**32))
@example({"a": [{"b": [1, {"c": None}]}], "d": {}}, 7)
def test_generated_records_agree(record: dict[str, Any], seed: int) -> None:
    assert_agrees(render(record, seed))


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["insert", "delete", "indent", "dedent", "duplicate"]),
        st.floats(0, 1),
        st.sampled_from(
            [*" -:#'\"[]{},&*!|>?\\\t\n", "- ", ": ", "  ", "\u2028", "---", "\r", "\r\n"]
        ),
    ),
    min_size=1,
    max_size=4,
)


def _mutate(text: str, edits: list[tuple[str, float, str]]) -> str:
    for action, where, piece in edits:
        at = int(where * len(text))
        lines = text.split("\n")
        row = min(int(where * len(lines)), len(lines) - 1)
        if action == "insert":
            text = text[:at] + piece + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + len(piece) :]
        elif action == "indent":
            lines[row] = "  " + lines[row]
            text = "\n".join(lines)
        elif action == "dedent":
            lines[row] = lines[row][1:]
            text = "\n".join(lines)
        else:
            lines.insert(row, lines[row])
            text = "\n".join(lines)
    return text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RECORDS, st.integers(0, 2**32), EDITS)
def test_mutated_records_agree(record: dict[str, Any], seed: int, edits: Any) -> None:
    assert_agrees(_mutate(render(record, seed), edits))


@settings(max_examples=300, deadline=None)
@given(EDITS)
def test_mutated_staff_records_agree(edits: Any) -> None:
    assert_agrees(_mutate(STAFF, edits))


def _nested(levels: int) -> str:
    return "".join(f"{'  ' * i}k{i}:\n" for i in range(levels)) + "  " * levels + "v: 1\n"


def test_nesting_within_the_limit_takes_the_quick_path() -> None:
    assert assert_agrees(_nested(30)) is not None


def test_deep_nesting_is_left_to_libyaml_s_path_and_refused() -> None:
    text = _nested(5000)
    assert _quick_build(text, "t.yaml") is None
    result = parse_text(text, "t.yaml")
    assert isinstance(result, Diagnostic)
    assert result.rule == "too-deep"
