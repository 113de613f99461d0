"""The loader: values as the author meant them, positions kept, hazards refused with a location."""

from __future__ import annotations

import pickle
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ladderctl.diagnostics import Diagnostic
from ladderctl.loading import MAX_FILE_BYTES, Document, load_file, parse_text


def parsed(text: str) -> Document:
    result = parse_text(text, "t.yaml")
    assert isinstance(result, Document), str(result)
    return result


def problem(text: str) -> Diagnostic:
    result = parse_text(text, "t.yaml")
    assert isinstance(result, Diagnostic), f"expected a problem, got {result}"
    return result


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v: yes", "yes"),  # YAML 1.1 read this as true
        ("v: NO", "NO"),  # ... and this (Norway) as false
        ("v: off", "off"),
        ("v: true", True),
        ("v: False", False),
        ("v: 2020-02-30", "2020-02-30"),  # dates stay text; the schema checks them
        ("v: 2024-01-15", "2024-01-15"),
        ("v: 0755", 755),  # never octal
        ("v: 0o17", 15),
        ("v: 0x1F", 31),
        ("v: 1.10", 1.1),
        ("v: 12", 12),
        ("v: -3", -3),
        ("v: 1e3", 1000.0),
        ("v: ~", None),
        ("v:", None),
        ("v: '12'", "12"),
        ('v: "true"', "true"),
        ("v: !!str 12", "12"),
        ("v: !!int '12'", 12),
        ("v: .", "."),
        ("v: 12:30", "12:30"),  # YAML 1.1 sexagesimal
        ("v: <<", "<<"),
    ],
)
def test_scalars_resolve_as_yaml_1_2_editors_read_them(text: str, expected: object) -> None:
    value = parsed(text).data["v"]
    assert value == expected
    assert type(value) is type(expected)


def test_keys_are_always_text() -> None:
    assert parsed("yes: 1\n2024: 2\nnull: 3\n").data == {"yes": 1, "2024": 2, "null": 3}


def test_positions_point_at_keys_and_values() -> None:
    doc = parsed("a: 1\nlist:\n  - x: 1\n    y:\n      - deep\n")
    assert str(doc.locate(["a"])) == "t.yaml:1:4"
    assert str(doc.locate(["a"], key=True)) == "t.yaml:1:1"
    assert str(doc.locate(["list", 0, "y", 0])) == "t.yaml:5:9"
    assert str(doc.locate(["list", 0, "y"], key=True)) == "t.yaml:4:5"
    # A path that does not exist stops at the nearest ancestor.
    assert str(doc.locate(["list", 0, "missing"])) == "t.yaml:3:5"


def test_positions_survive_pickling_between_processes() -> None:
    doc = parsed("a: &x [1, 2]\nb:\n  c: *x\n  d: [{e: 1}]\n")
    copy = pickle.loads(pickle.dumps(doc))
    assert copy.data == doc.data
    for path in (["a", 1], ["b", "c", 0], ["b", "d", 0, "e"]):
        assert copy.locate(path) == doc.locate(path)


@pytest.mark.parametrize(
    ("text", "rule", "line", "column", "words"),
    [
        ("a: 1\nb: 2\na: 3\n", "duplicate-key", 3, 1, "'a' appears twice"),
        ("x:\n  k: 1\n  k: 2\n", "duplicate-key", 3, 3, "first at line 2"),
        ("a: !!python/object:os.system 1\n", "yaml-tag", 1, 4, "!!python/object"),
        ("a: !!python/object/apply:os.system ['ls']\n", "yaml-tag", 1, 4, "not allowed"),
        ("a: !custom x\n", "yaml-tag", 1, 4, "!custom"),
        ("a: !!binary aGk=\n", "yaml-tag", 1, 4, "!!binary"),
        ("a: [1, 2\nb: 3\n", "yaml-syntax", 2, 2, "flow sequence"),
        ("a:\n\tb: 1\n", "yaml-syntax", 2, 1, "tab"),
        ("a: 1\n---\na: 2\n", "multiple-documents", 2, 1, "more than one"),
        ("", "empty-file", 1, 1, "empty"),
        ("# only a comment\n", "empty-file", 1, 1, "empty"),
        ("a: *nowhere\n", "yaml-alias", 1, 4, "no anchor"),
        ("a: !!int abc\n", "yaml-tag", 1, 4, "not a valid !!int"),
        ("a: 1\n  b: 2\n", "yaml-syntax", 2, 4, "mapping values"),
        ("a: \x07\n", "not-text", 1, 4, "control character"),
    ],
)
def test_hazards_are_located_problems(
    text: str, rule: str, line: int, column: int, words: str
) -> None:
    found = problem(text)
    assert (found.rule, found.location.line, found.location.column) == (rule, line, column), str(
        found
    )
    assert words in found.message
    assert found.hint, "every problem says how to fix it"


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    started = time.perf_counter()
    found = problem("\n".join(lines) + "\n")
    assert found.rule == "too-large"
    assert "alias bomb" in found.message
    assert time.perf_counter() - started < 5  # generous; the point is it does not expand 10^9


def test_shared_aliases_within_budget_are_fine() -> None:
    doc = parsed("base: &b {x: 1}\none: *b\ntwo: *b\n")
    assert doc.data["one"] == doc.data["two"] == {"x": 1}


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, "- " * 100_000 + "x\n"])
def test_deep_nesting_is_refused_without_crashing(text: str) -> None:
    found = problem(text)
    assert found.rule == "too-deep"
    assert found.location.line == 1


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * (MAX_FILE_BYTES + 10) + b"\n")
    found = load_file(big, "big.yaml")
    assert isinstance(found, Diagnostic)
    assert found.rule == "file-too-large"


def test_binary_file_is_refused(tmp_path: Path) -> None:
    binary = tmp_path / "photo.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    found = load_file(binary, "photo.yaml")
    assert isinstance(found, Diagnostic)
    assert found.rule == "not-text"
    assert "binary" in found.message


def test_non_utf8_file_is_located(tmp_path: Path) -> None:
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: ok\nsite: Mont-Saint-Hilaire\nnote: caf\xe9\n".encode("latin-1"))
    found = load_file(latin, "latin.yaml")
    assert isinstance(found, Diagnostic)
    assert (found.rule, found.location.line, found.location.column) == ("not-utf8", 3, 10)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    file = tmp_path / "bom.yaml"
    file.write_bytes("\ufeffname: Zoë\n".encode())
    loaded = load_file(file, "bom.yaml")
    assert isinstance(loaded, Document)
    assert loaded.data == {"name": "Zoë"}


def test_unreadable_path_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    found = load_file(tmp_path / "missing.yaml", "missing.yaml")
    assert isinstance(found, Diagnostic)
    assert found.rule == "unreadable"


@pytest.mark.parametrize("text", ["? [a, b]\n: 1\n", "? {a: 1}\n: 2\n", "a: &k x\n*k : 1\n"])
def test_complex_keys_are_refused(text: str) -> None:
    found = problem(text)
    assert found.rule == "complex-key"
    assert "key" in found.message


def _node_marks(text: str) -> dict[tuple[object, ...], tuple[int, int, int, int]]:
    """(key line, key column, value line, value column) of every path, from PyYAML's nodes."""
    marks: dict[tuple[object, ...], tuple[int, int, int, int]] = {}
    pending: list[tuple[tuple[object, ...], yaml.Node]] = [((), yaml.compose(text))]
    while pending:
        path, node = pending.pop()
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = (*path, key_node.value)
                start = key_node.start_mark
                value_start = value_node.start_mark
                marks[child] = (
                    start.line + 1,
                    start.column + 1,
                    value_start.line + 1,
                    value_start.column + 1,
                )
                pending.append((child, value_node))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = (*path, index)
                start = item.start_mark
                marks[child] = (start.line + 1, start.column + 1, start.line + 1, start.column + 1)
                pending.append((child, item))
    return marks


_KEYS = st.text("abcxyz-_ ", min_size=1, max_size=6)
# Text without control and line-break characters: PyYAML's emitter does not round-trip those.
_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc", "Cf", "Zl", "Zp")), max_size=8)
_SCALARS = st.one_of(st.integers(), _TEXT, st.booleans(), st.none())
_TREES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=25,
)


@given(tree=st.dictionaries(_KEYS, _TREES, min_size=1, max_size=5), flow=st.booleans())
@settings(max_examples=150, deadline=None)
def test_every_value_is_located_where_pyyaml_puts_it(tree: dict[str, object], flow: bool) -> None:
    # Positions are kept compactly and rebuilt on demand: they must still match the parser's own
    # marks for every key and value, in block and flow style, after a trip between processes.
    text = yaml.safe_dump(tree, default_flow_style=flow, sort_keys=False, allow_unicode=True)
    doc = parsed(text)
    copy = pickle.loads(pickle.dumps(parsed(text)))
    for path, (key_line, key_column, line, column) in _node_marks(text).items():
        for located in (doc, copy):
            if isinstance(path[-1], str):
                assert located.locate(list(path), key=True).line == key_line
                assert located.locate(list(path), key=True).column == key_column
            assert (located.locate(list(path)).line, located.locate(list(path)).column) == (
                line,
                column,
            )


def test_values_repeated_through_aliases_keep_the_anchor_positions() -> None:
    text = "base: &b\n  shift: day\n  site: main\nlist:\n  - *b\n  - extra: &n 3\n    again: *n\n"
    doc = parsed(text)
    assert doc.data["list"][0] is doc.data["base"]
    assert str(doc.locate(["list", 0])) == "t.yaml:5:5"
    assert str(doc.locate(["list", 0, "site"])) == "t.yaml:3:9"
    assert str(doc.locate(["list", 1, "again"])) == "t.yaml:7:12"
    assert str(doc.locate(["list", 1, "again"], key=True)) == "t.yaml:7:5"


def test_marks_that_do_not_fit_the_data_give_no_location_rather_than_a_wrong_one() -> None:
    doc = Document("t.yaml", {"a": {"b": 1}}, flat=[1, 1, 1, 4, 9, 9])
    assert str(doc.locate(["a", "b"])) == "t.yaml:1:1"
