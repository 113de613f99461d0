"""Load YAML files into plain data that remembers where every value came from.

The loader reads libyaml's event stream (fast, and unlike PyYAML's composer it does not recurse, so
deeply nested input cannot crash the process) and builds JSON-compatible values itself:

* scalars are resolved the way YAML 1.2 editors read them: `yes`/`no`/`on`/`off` stay strings,
  only `true`/`false` are booleans, dates stay `YYYY-MM-DD` strings (the schemas check them), and a
  leading zero never means octal;
* duplicate keys, explicit tags such as `!!python/object`, several documents in one file, alias
  bombs and absurd nesting are reported as located problems instead of being silently accepted;
* every value keeps its line and column, so schema errors point where to fix them.

Files in the plain block style that nearly every record uses are read by a quicker line reader
that gives the same result (`_quick_build`); anything outside that style goes to libyaml.
"""

from __future__ import annotations

import os
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from sys import intern
from typing import Any

import yaml

from ladderctl.diagnostics import Diagnostic

JsonPath = Sequence["str | int"]

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_VALUES = 200_000

_INT = re.compile(r"[-+]?[0-9]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})

# Plain scalars repeat a lot across a department (dates, ids, tags): remember how each resolved.
_RESOLVED: dict[str, Any] = {}
_RESOLVED_LIMIT = 100_000
_MISSING = object()

_CORE_TAG = "tag:yaml.org,2002:"
_TAG_HINT = "remove the tag: ladderctl files hold plain text, numbers, lists and mappings"
_ALLOWED_TAGS = frozenset(
    _CORE_TAG + name for name in ("str", "int", "float", "bool", "null", "map", "seq")
)


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a file: 1-based line and column."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


Positions = dict[int, dict[Any, tuple[int, int, int, int]]]


class Document:
    """One YAML record: its JSON-compatible data and the position of each value.

    `positions` maps `id(container)` to `{key or index: (key line, key column, value line, value
    column)}`; the root's own position is under the key `None` of `id(data)`.

    The loader does not build that mapping: it records the four numbers of every value in one
    flat list of integers, in the order a post-order walk of the data visits them (see
    `_entries`), and the mapping is made from it the first time a location is asked for. Most
    records never need one, and the flat form costs little to send between processes or keep in
    the record cache.
    """

    __slots__ = ("_flat", "_positions", "data", "path")

    def __init__(
        self,
        path: str,
        data: Any,
        positions: Positions | None = None,
        *,
        flat: Sequence[int] | bytes | None = None,
    ) -> None:
        self.path = path
        self.data = data
        self._positions = positions if positions is not None or flat is not None else {}
        self._flat = flat

    def __repr__(self) -> str:
        return f"Document(path={self.path!r}, data={self.data!r})"

    @property
    def positions(self) -> Positions:
        if self._positions is None:
            self._positions = _positions_from_flat(self.data, self._flat or ())
            self._flat = None
        return self._positions

    def flat_marks(self) -> bytes:
        """The positions in their compact form: 32-bit integers (see the class docstring)."""
        if self._flat is None:
            return _flat_from_positions(self.data, self.positions)
        if isinstance(self._flat, bytes):
            return self._flat
        return array("I", self._flat).tobytes()

    def __getstate__(self) -> tuple[str, Any, bytes]:
        # Positions are keyed by id(), which means nothing in another process: ship the flat
        # form and rebuild the mapping on arrival, if it is ever needed.
        return self.path, self.data, self.flat_marks()

    def __setstate__(self, state: tuple[str, Any, bytes]) -> None:
        self.path, self.data, self._flat = state
        self._positions = None

    @property
    def kind(self) -> str | None:
        kind = self.data.get("kind") if isinstance(self.data, dict) else None
        return kind if isinstance(kind, str) else None

    def locate(self, json_path: JsonPath, *, key: bool = False) -> Location:
        """Where the value at `json_path` starts, or its nearest existing ancestor.

        With `key=True` the position of the last key itself (for "unknown field" problems).
        """
        positions = self.positions
        root = positions.get(id(self.data), {}).get(None)
        line, column = (root[2], root[3]) if root else (1, 1)
        node = self.data
        last = len(json_path) - 1
        for index, step in enumerate(json_path):
            marks = positions.get(id(node))
            mark = marks.get(step) if marks is not None else None
            if mark is None:
                break
            line, column = (mark[0], mark[1]) if key and index == last else (mark[2], mark[3])
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                break
        return Location(self.path, line, column)


def _entries(data: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) of `data`, in the order the loader completes the values.

    A value is complete after everything inside it, so this is a post-order walk in document
    order; a container met again through a YAML alias is not walked twice (the loader built it
    once). The loader bounds nesting (MAX_DEPTH), so the recursion is shallow.
    """
    found: list[tuple[Any, Any]] = []
    seen: set[int] = set()

    def walk(container: Any) -> None:
        seen.add(id(container))
        keys = container if isinstance(container, dict) else range(len(container))
        for key in keys:
            value = container[key]
            if isinstance(value, (dict, list)) and id(value) not in seen:
                walk(value)
            found.append((container, key))

    if isinstance(data, (dict, list)):
        walk(data)
    return found


def _positions_from_flat(data: Any, flat: Sequence[int] | bytes) -> Positions:
    numbers: Sequence[int] = array("I", flat) if isinstance(flat, bytes) else flat
    entries = _entries(data)
    positions: Positions = {}
    if len(numbers) != 4 * len(entries) + 2:
        return positions  # not the marks of this data: no locations rather than wrong ones
    for n, (container, key) in enumerate(entries):
        at = 4 * n
        if numbers[at + 2]:  # 0 = unknown (see _flat_from_positions)
            marks = positions.get(id(container))
            if marks is None:
                marks = positions[id(container)] = {}
            marks[key] = (numbers[at], numbers[at + 1], numbers[at + 2], numbers[at + 3])
    line, column = numbers[-2], numbers[-1]
    if line:
        positions.setdefault(id(data), {})[None] = (line, column, line, column)
    return positions


def _flat_from_positions(data: Any, positions: Positions) -> bytes:
    flat = array("I")
    for container, key in _entries(data):
        flat.extend(positions.get(id(container), {}).get(key, (0, 0, 0, 0)))
    root = positions.get(id(data), {}).get(None)
    flat.extend(root[2:] if root else (0, 0))
    return flat.tobytes()


class _Problem(Exception):
    """Raised inside the event walk to stop at the first fatal problem of a file."""

    def __init__(self, rule: str, message: str, line: int, column: int, hint: str = "") -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint


def _resolve_plain(text: str) -> Any:
    """A plain (unquoted) scalar as YAML 1.2's core schema reads it; dates stay strings."""
    if text in _NULLS:
        return None
    first = text[0]
    if first in "tTfF":
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        return text
    if first.isdigit() or first in "+-.":
        if _INT.match(text):
            return int(text)
        if _FLOAT.match(text) and any(ch.isdigit() for ch in text):
            return float(text)
        if _HEX.match(text):
            return int(text, 16)
        if _OCT.match(text):
            return int(text[2:], 8)
    return text


def _shown_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE_TAG) :] if tag.startswith(_CORE_TAG) else tag


def _resolve_tagged(tag: str, text: str, line: int, column: int) -> Any:
    if tag not in _ALLOWED_TAGS:
        raise _Problem(
            "yaml-tag", f"the tag '{_shown_tag(tag)}' is not allowed", line, column, _TAG_HINT
        )
    name = tag[len(_CORE_TAG) :]
    if name == "str":
        return text
    value = _resolve_plain(text)
    expected: dict[str, type | tuple[type, ...]] = {
        "int": int,
        "float": (int, float),
        "bool": bool,
        "null": type(None),
    }
    hint = f"remove the '!!{name}' tag, or write a valid {name} value"
    if name not in expected:  # !!map or !!seq on a scalar
        raise _Problem("yaml-tag", f"'{text}' is not a valid !!{name}", line, column, hint)
    if not isinstance(value, expected[name]) or (name == "int" and isinstance(value, bool)):
        raise _Problem("yaml-tag", f"'{text}' is not a valid !!{name}", line, column, hint)
    return float(text) if name == "float" else value


def _build(loader: Any, path: str) -> Document:
    """Walk the event stream of one file and build its single document."""
    # Four numbers per value, in the order values complete: see Document.
    flat: list[int] = []
    anchors: dict[str, tuple[Any, int]] = {}
    # The open container's frame: [container, line of each key (maps), pending key (maps), key
    # line, key column, is a mapping, start line, start column, anchor, values counted before
    # it]. The frames of
    # the containers around it wait on `stack`; keeping the top one in a local is measurably
    # faster than indexing `stack[-1]` for every event.
    stack: list[list[Any]] = []
    top: list[Any] | None = None
    root: Any = None
    root_mark = (1, 1)
    total = 0
    documents = 0
    mapping_start = yaml.MappingStartEvent
    sequence_start = yaml.SequenceStartEvent
    scalar_event = yaml.ScalarEvent
    alias_event = yaml.AliasEvent
    end_events = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    document_start = yaml.DocumentStartEvent
    stream_end = yaml.StreamEndEvent
    get_event = loader.get_event
    resolved = _RESOLVED
    missing = _MISSING

    while True:
        event = get_event()
        cls = event.__class__
        value: Any
        if cls is scalar_event:
            mark = event.start_mark
            line = mark.line + 1
            column = mark.column + 1
            if top is not None and top[5] and top[2] is None:
                # A mapping key: keys are always text, whatever they look like. Interned: the
                # same few dozen field names repeat in every record, and the record cache then
                # stores and loads each of them once.
                key = intern(event.value)
                if event.tag is not None and event.tag not in ("!", _CORE_TAG + "str"):
                    raise _Problem(
                        "yaml-tag", "tags are not allowed on keys", line, column, _TAG_HINT
                    )
                if key in top[0]:
                    raise _Problem(
                        "duplicate-key",
                        f"the key '{key}' appears twice in this mapping "
                        f"(first at line {top[1][key]})",
                        line,
                        column,
                        "keep one of them: other YAML readers silently drop the earlier value",
                    )
                top[1][key] = line
                top[2] = key
                top[3] = line
                top[4] = column
                continue
            tag = event.tag
            if tag is None or tag == "!":
                if event.implicit[0]:
                    text = event.value
                    value = resolved.get(text, missing)
                    if value is missing:
                        value = _resolve_plain(text)
                        if len(resolved) < _RESOLVED_LIMIT:
                            resolved[text] = value
                else:
                    value = event.value
            else:
                value = _resolve_tagged(tag, event.value, line, column)
            if event.anchor is not None:
                anchors[event.anchor] = (value, 1)
        elif cls is mapping_start or cls is sequence_start:
            mark = event.start_mark
            line = mark.line + 1
            column = mark.column + 1
            tag = event.tag
            if tag is not None and tag != "!" and tag not in _ALLOWED_TAGS:
                raise _Problem(
                    "yaml-tag",
                    f"the tag '{_shown_tag(tag)}' is not allowed",
                    line,
                    column,
                    _TAG_HINT,
                )
            if top is not None:
                if top[5] and top[2] is None:
                    raise _Problem(
                        "complex-key",
                        "a list or mapping is used as a key",
                        line,
                        column,
                        "keys are plain names, e.g. 'level: tech-2'",
                    )
                if len(stack) >= MAX_DEPTH - 1:
                    raise _Problem(
                        "too-deep",
                        f"the data is nested more than {MAX_DEPTH} levels deep",
                        line,
                        column,
                        "ladderctl records are a few levels deep; check the indentation",
                    )
                stack.append(top)
            is_map = cls is mapping_start
            container: Any = {} if is_map else []
            key_lines: dict[str, int] = {}
            top = [container, key_lines, None, 0, 0, is_map, line, column, event.anchor, total]
            continue
        elif cls in end_events:
            assert top is not None  # libyaml balances start and end events
            value, line, column = top[0], top[6], top[7]
            if top[8] is not None:
                anchors[top[8]] = (value, total - top[9] + 1)
            top = stack.pop() if stack else None
        elif cls is alias_event:
            mark = event.start_mark
            line = mark.line + 1
            column = mark.column + 1
            anchored = anchors.get(event.anchor)
            if anchored is None:
                raise _Problem(
                    "yaml-alias",
                    f"the alias '*{event.anchor}' has no anchor '&{event.anchor}' before it",
                    line,
                    column,
                    f"define '&{event.anchor}' on a value above, or write the value out",
                )
            if top is not None and top[5] and top[2] is None:
                raise _Problem(
                    "complex-key",
                    "an alias is used as a key",
                    line,
                    column,
                    "keys are plain names, e.g. 'level: tech-2'",
                )
            value = anchored[0]
            total += anchored[1] - 1  # an alias repeats everything under its anchor
        elif cls is document_start:
            documents += 1
            if documents > 1:
                mark = event.start_mark
                raise _Problem(
                    "multiple-documents",
                    "this file holds more than one YAML document",
                    mark.line + 1,
                    mark.column + 1,
                    "keep one record per file: move each document after '---' to a file of its own",
                )
            continue
        elif cls is stream_end:
            break
        else:
            continue

        total += 1
        if total > MAX_VALUES:
            raise _Problem(
                "too-large",
                f"the document expands to more than {MAX_VALUES:,} values "
                "(aliases that repeat aliases: an 'alias bomb'?)",
                line,
                column,
                "write the values out instead of repeating them through aliases",
            )
        if top is None:
            root, root_mark = value, (line, column)
            continue
        if top[5]:
            top[0][top[2]] = value
            flat += (top[3], top[4], line, column)
            top[2] = None
        else:
            top[0].append(value)
            flat += (line, column, line, column)

    if root is None:
        raise _Problem(
            "empty-file",
            "the file is empty",
            1,
            1,
            "add a record starting with 'apiVersion: ladderctl/v1' and 'kind:', or delete the file",
        )
    flat += root_mark
    return Document(path, root, flat=flat)


# --- the quick path --------------------------------------------------------------------------
# Nearly every record is written in the plainest block style: one `key: value` or `- value` per
# line, plain or simply quoted scalars, comments and blank lines. For that subset a line-by-line
# reader in Python is about twice as fast as walking libyaml's event stream (whose cost is mostly
# making a Python object per event), and on a first run of 10,000 staff files parsing is most of
# the time. `_quick_build` gives exactly what `_build` would for such a file (the same values, key
# order and positions; tests compare the two on generated and mutated files) and gives up, with
# None, at the first thing outside the subset: libyaml then reads the file from the start, so
# every problem is still found and reported by one path.

# One line: indentation, a sequence dash, a simple key and its colon, then the rest.
_LINE = re.compile(r"^( *)(- +|-$)?(?:([A-Za-z0-9_][A-Za-z0-9_.-]*):(?= |$)( *))?(.*)$", re.M)
# Characters the quick path leaves to libyaml: tabs, carriage returns, the characters YAML does
# not allow, the byte-order mark and the characters libyaml treats as line breaks.
_ODD_ASCII = re.compile("[^\n\x20-\x7e]")
_ODD = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_STREAM_MARKERS = ("---", "...", "%")
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'(?: +#.*)? *\Z")
_COMMENT_TAIL = re.compile(r" *\Z| +#")
# A plain scalar cannot start with these (anchors, aliases, tags, block scalars, flow, ...).
_INDICATORS = frozenset("&*!|>%@`,?:#[]{}\"'")
# Inside a one-line flow list the quick path takes plain items only.
_FLOW_ODD = re.compile("[][{}:#&*!|>%@`?'\"]")


def _quick_build(text: str, path: str) -> Document | None:
    """`_build` for files in the plain block subset (see above); None for any other file."""
    if "\r" in text:
        # Windows line ends (a checkout with core.autocrlf): libyaml reads "\r\n" as one line
        # break, so the lines, columns and values are those of the text without the "\r".
        # A "\r" left alone after this is still refused below.
        text = text.replace("\r\n", "\n")
    if (
        text.startswith(_STREAM_MARKERS)
        or "\n---" in text
        or "\n..." in text
        or "\n%" in text
        or (_ODD_ASCII if text.isascii() else _ODD).search(text) is not None
    ):
        return None
    flat: list[int] = []
    # Open containers, innermost in `top`: [container, indentation, is a mapping, the four
    # numbers its parent records for it once it is complete].
    stack: list[list[Any]] = []
    top: list[Any] | None = None
    root: dict[str, Any] = {}
    root_line = 0
    # A `key:` with nothing after it: the next line says whether a block follows or it is null.
    pending: tuple[dict[str, Any], str, int, int, int, int] | None = None
    # The deepest indentation the next line may have; deeper would continue a plain scalar.
    limit = 0
    lineno = 0
    for indent, dash, key, spaces, rest in _LINE.findall(text):
        lineno += 1
        if not dash and not key and (not rest or rest[0] == "#"):
            continue  # blank or comment
        at = len(indent)
        if top is None:
            if at or dash or not key:
                return None  # the top level must be a mapping starting at column 1
            top = [root, 0, True, ()]
            root_line = lineno
        elif pending is not None:
            mapping, name, key_line, key_column, empty_column, owner = pending
            pending = None
            if (dash and at >= owner) or (key and not dash and at > owner):
                if len(stack) >= MAX_DEPTH - 2:
                    return None
                block: Any = [] if dash else {}
                mapping[name] = block
                stack.append(top)
                top = [block, at, not dash, (key_line, key_column, lineno, at + 1)]
            else:
                if at > owner:
                    return None
                flat += (key_line, key_column, key_line, empty_column)  # null
        elif at > limit:
            return None
        if dash:
            while top[1] > at:
                flat += top[3]
                top = stack.pop()
            if top[2] or top[1] != at:
                return None
            column = at + len(dash)  # 0-based column of what follows the dash
            if not key:
                if not rest or rest[0] == "#":
                    return None  # `-` alone: the item is a block on the next lines
                value = _quick_value(rest, column, lineno, flat)
                if value is _MISSING:
                    return None
                top[0].append(value)
                flat += (lineno, column + 1, lineno, column + 1)
                limit = at
                continue
            if len(stack) >= MAX_DEPTH - 2:
                return None
            item: dict[str, Any] = {}
            top[0].append(item)
            stack.append(top)
            top = [item, column, True, (lineno, column + 1, lineno, column + 1)]
        elif key:
            while top[1] > at or (not top[2] and top[1] == at):
                flat += top[3]
                top = stack.pop()
            if not top[2] or top[1] != at:
                return None
            column = at
        else:
            return None  # a bare scalar line: a multi-line scalar or an error
        mapping = top[0]
        name = intern(key)
        if name in mapping:
            return None  # libyaml's path reports the duplicate
        after = column + len(name) + 1  # 0-based column just after the colon
        if not rest or rest[0] == "#":
            mapping[name] = None  # keeps the key's place; the block or null comes next
            pending = (mapping, name, lineno, column + 1, after + 1, top[1])
            continue
        start = after + len(spaces)  # 0-based column of the value
        value = _quick_value(rest, start, lineno, flat)
        if value is _MISSING:
            return None
        mapping[name] = value
        flat += (lineno, column + 1, lineno, start + 1)
        limit = top[1]
    if top is None:
        return None
    if pending is not None:
        flat += (pending[2], pending[3], pending[2], pending[4])
    while stack:
        flat += top[3]
        top = stack.pop()
    if len(flat) >= 4 * MAX_VALUES:
        return None  # libyaml's path reports it
    flat += (root_line, 1)
    return Document(path, root, flat=flat)


def _quick_flow(rest: str) -> tuple[list[Any] | dict[str, Any], list[int]] | None:
    """`[]`, `{}` or a one-line list of plain scalars such as `[sterile, oncology]`.

    Gives the container and, for each item, its 1-based column counted from the bracket; None
    for anything else (quotes, nesting, a colon, a hash or a trailing comma in the list).
    """
    cut = rest.find(" #")
    text = (rest[:cut] if cut >= 0 else rest).rstrip(" ")
    if text == "{}":
        return {}, []
    if text[0] != "[" or text[-1] != "]" or _FLOW_ODD.search(text, 1, len(text) - 1):
        return None
    if text == "[]":
        return [], []
    items: list[Any] = []
    offsets: list[int] = []
    at = 1  # 0-based column of the current piece, from the bracket
    for piece in text[1:-1].split(","):
        item = piece.strip(" ")
        if not item or (item[0] == "-" and (len(item) == 1 or item[1] == " ")):
            return None
        offsets.append(at + len(piece) - len(piece.lstrip(" ")) + 1)
        value = _RESOLVED.get(item, _MISSING)
        if value is _MISSING:
            value = _resolve_plain(item)
        items.append(value)
        at += len(piece) + 1
    return items, offsets


def _quick_value(rest: str, start: int, line: int, flat: list[int]) -> Any:
    """The value filling the rest of a line from 0-based column `start`; _MISSING outside
    the subset. The positions of a flow list's items are added to `flat`."""
    first = rest[0]
    if first == '"':
        end = rest.find('"', 1)
        if end < 0 or "\\" in rest[1:end] or not _COMMENT_TAIL.match(rest, end + 1):
            return _MISSING
        return rest[1:end]
    if first == "'":
        match = _SINGLE_QUOTED.match(rest)
        return _MISSING if match is None else match.group(1).replace("''", "'")
    if first in _INDICATORS:
        if first not in "[{":
            return _MISSING
        flow = _quick_flow(rest)
        if flow is None:
            return _MISSING
        value, offsets = flow
        for offset in offsets:
            flat += (line, start + offset, line, start + offset)
        return value
    cut = rest.find(" #")
    text = (rest[:cut] if cut >= 0 else rest).rstrip(" ")
    if (first == "-" and (len(text) == 1 or text[1] == " ")) or ": " in text or text[-1] == ":":
        return _MISSING
    value = _RESOLVED.get(text, _MISSING)
    if value is _MISSING:
        value = _resolve_plain(text)
        if len(_RESOLVED) < _RESOLVED_LIMIT:
            _RESOLVED[text] = value
    return value


def _location_of_offset(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def parse_text(text: str, path: str) -> Document | Diagnostic:
    """Parse one file's text into a Document, or the located problem that stopped it."""
    quick = _quick_build(text, path)
    if quick is not None:
        return quick
    return _parse_with_libyaml(text, path)


def _parse_with_libyaml(text: str, path: str) -> Document | Diagnostic:
    """parse_text for any YAML: libyaml's event stream, and a located problem on failure."""
    loader = yaml.CSafeLoader(text) if yaml.__with_libyaml__ else yaml.SafeLoader(text)
    try:
        return _build(loader, path)
    except _Problem as problem:
        return Diagnostic(
            Location(path, problem.line, problem.column),
            problem.rule,
            problem.message,
            hint=problem.hint,
        )
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(part for part in (error.context, error.problem) if part)
        hint = "fix the YAML syntax at this place"
        if mark is not None and text[mark.index : mark.index + 1] == "\t":
            message = "a tab character is used for indentation"
            hint = "indent with spaces: YAML does not allow tabs"
        return Diagnostic(Location(path, line, column), "yaml-syntax", message, hint=hint)
    except yaml.reader.ReaderError as error:
        line, column = _location_of_offset(text, error.position)
        return Diagnostic(
            Location(path, line, column),
            "not-text",
            f"the file contains a control character ({error.character!r})",
            hint="save the file as plain UTF-8 text",
        )
    except yaml.YAMLError as error:  # any other libyaml complaint, still located at the file
        return Diagnostic(Location(path, 1, 1), "yaml-syntax", str(error).splitlines()[0])
    finally:
        loader.dispose()


def read_bytes(file: Path | str, path: str) -> bytes | Diagnostic:
    """A file's bytes, refusing huge files."""
    try:
        size = os.stat(file).st_size
        if size > MAX_FILE_BYTES:
            return Diagnostic(
                Location(path, 1, 1),
                "file-too-large",
                f"the file is {size:,} bytes; records are limited to {MAX_FILE_BYTES:,} bytes",
                hint="split the data into one file per record",
            )
        with open(file, "rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return Diagnostic(
            Location(path, 1, 1),
            "unreadable",
            f"cannot read the file: {error.strerror or error}",
            hint="check that the file exists and that you may read it",
        )


def decode(raw: bytes, path: str) -> str | Diagnostic:
    """Bytes as UTF-8 text, refusing binary and undecodable content."""
    if b"\x00" in raw:
        line, column = _location_of_offset(raw.decode("latin-1"), raw.index(b"\x00"))
        return Diagnostic(
            Location(path, line, column),
            "not-text",
            "the file is binary, not YAML text",
            hint="remove it from the repository or add it to 'ignore' in ladderctl.yaml",
        )
    if len(raw) > MAX_FILE_BYTES:  # it grew while being read
        return Diagnostic(
            Location(path, 1, 1),
            "file-too-large",
            f"the file is over {MAX_FILE_BYTES:,} bytes, the limit for a record",
            hint="split the data into one file per record",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8-sig", "replace")
        line, column = _location_of_offset(before, len(before))
        return Diagnostic(
            Location(path, line, column),
            "not-utf8",
            "the file is not UTF-8 text",
            hint="save the file with UTF-8 encoding",
        )


def load_bytes(raw: bytes, path: str) -> Document | Diagnostic:
    """Parse a file's bytes; `path` is how it is named in messages."""
    text = decode(raw, path)
    if isinstance(text, Diagnostic):
        return text
    return parse_text(text, path)


def load_file(file: Path | str, path: str | None = None) -> Document | Diagnostic:
    """Read and parse one YAML file; `path` is how it is named in messages."""
    shown = path if path is not None else str(file)
    raw = read_bytes(file, shown)
    return raw if isinstance(raw, Diagnostic) else load_bytes(raw, shown)
