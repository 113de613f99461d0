#!/usr/bin/env python3
"""Micro-benchmarks behind the hot spots named in benchmarks/README.md (one process, no workers).

    PY=/path/to/venv/bin/python   # a venv with ladderctl installed
    $PY benchmarks/hotspots.py /tmp/dept/staff [--repeat 3]

Over the staff files of a generated department it times, best of --repeat:

1. YAML -> data: ladderctl's positioned loader (loading.parse_text), the floor of its approach (a
   bare libyaml event loop through PyYAML), PyYAML's own CSafeLoader, and yaml-rs (a Rust YAML 1.2
   parser, only if `yaml_rs` is importable: `pip install yaml-rs` into a scratch venv) with a
   check that it returns exactly the data ladderctl's loader returns;
2. schema check: fastjsonschema as ladderctl compiles it (local $refs -> one function call per
   $ref, each building its error-path name with str.format(**locals()) even when valid), and the
   same schema with its non-recursive local $refs inlined before compiling;
3. shipping results from workers: pickling Documents (data + positions, as
   Document.__getstate__ does) versus the data alone.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import pickle
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def best(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    result, times = None, []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every local `#/$defs/x` $ref replaced by a copy of x (no recursion)."""
    defs = schema.get("$defs", {})

    def walk(node: Any, seen: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                name = ref.rsplit("/", 1)[1]
                if name in seen:  # recursive definition: keep the $ref
                    return node
                rest = {k: walk(v, seen) for k, v in node.items() if k != "$ref"}
                return {**walk(copy.deepcopy(defs[name]), (*seen, name)), **rest}
            return {k: walk(v, seen) for k, v in node.items() if k not in ("$defs", "$id")}
        if isinstance(node, list):
            return [walk(item, seen) for item in node]
        return node

    return walk(schema, ())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path, help="a folder of StaffRecord files, e.g. DEPT/staff")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import fastjsonschema
    import yaml

    from ladderctl import loading
    from ladderctl.schemas import fast_validator, is_date, load_schema

    files = sorted(args.folder.glob("*.yaml"))
    texts = [f.read_text(encoding="utf-8") for f in files]
    names = [f.name for f in files]
    n = len(files)
    print(f"{n} files, {sum(map(len, texts)) / n:.0f} bytes each on average\n")
    gc.disable()  # as ladderctl does while loading

    def row(label: str, seconds: float, note: str = "") -> None:
        print(f"{label:58s} {seconds:6.2f} s  {seconds / n * 1e6:6.0f} us/file  {note}")

    print("## 1. YAML -> data")

    def events_only() -> int:
        count = 0
        for text in texts:
            p = yaml.CSafeLoader(text)
            while not isinstance(p.get_event(), yaml.StreamEndEvent):
                count += 1
            p.dispose()
        return count

    took, events = best(args.repeat, events_only)
    row("libyaml event loop via PyYAML (floor of the approach)", took, f"{events:,} events")
    took, docs = best(
        args.repeat, lambda: [loading.parse_text(t, m) for t, m in zip(texts, names, strict=True)]
    )
    row("ladderctl loading.parse_text (positioned loader)", took)
    took, _ = best(1, lambda: [yaml.load(t, Loader=yaml.CSafeLoader) for t in texts])
    row("PyYAML yaml.load(CSafeLoader) (1 run)", took)
    try:
        import yaml_rs  # type: ignore[import-not-found]
    except ImportError:
        print("yaml-rs: not installed in this venv (pip install yaml-rs to compare)")
    else:
        took, fast = best(
            args.repeat, lambda: [yaml_rs.loads(t, parse_datetime=False) for t in texts]
        )
        same = sum(1 for d, f in zip(docs, fast, strict=True) if getattr(d, "data", None) == f)
        row(
            "yaml-rs loads(parse_datetime=False), no positions", took, f"identical data: {same}/{n}"
        )
    data = [d.data for d in docs if isinstance(d, loading.Document)]
    blobs = [json.dumps(d) for d in data]
    took, _ = best(args.repeat, lambda: [json.loads(b) for b in blobs])
    row("json.loads of the same records (for scale)", took)

    print("\n## 2. schema check (StaffRecord)")
    schema = load_schema("StaffRecord")
    # Compile the inlined variant first: fastjsonschema keeps a resolver store keyed by $id.
    inlined = fastjsonschema.compile(
        inline_refs(json.loads(json.dumps(schema))), formats={"date": is_date}, use_default=False
    )
    shipped = fast_validator("StaffRecord")
    took, _ = best(args.repeat, lambda: [shipped(d) for d in data])
    row("fastjsonschema as compiled by ladderctl ($refs)", took)
    took, _ = best(args.repeat, lambda: [inlined(d) for d in data])
    row("fastjsonschema, local $refs inlined first", took)
    started = time.perf_counter()
    for kind in (
        "Catalog",
        "Ladder",
        "StaffRecord",
        "MentorshipProgram",
        "MentorshipProfile",
        "DevelopmentPlan",
        "MentorshipAgreement",
    ):
        fast_validator.cache_clear()
        fast_validator(kind)
    row(
        "compiling the 7 kinds' validators (once per worker)",
        time.perf_counter() - started,
        "(per-file figure meaningless)",
    )

    print("\n## 3. shipping results back from worker processes")
    batches = [docs[i : i + 200] for i in range(0, len(docs), 200)]
    took, blobs_full = best(args.repeat, lambda: [pickle.dumps(b, 5) for b in batches])
    size = sum(map(len, blobs_full)) / 1e6
    row("pickle.dumps(Documents: data + positions)", took, f"{size:.0f} MB")
    took, _ = best(args.repeat, lambda: [pickle.loads(b) for b in blobs_full])
    row("pickle.loads(Documents) in the parent", took)
    data_batches = [data[i : i + 200] for i in range(0, len(data), 200)]
    took, blobs_data = best(args.repeat, lambda: [pickle.dumps(b, 5) for b in data_batches])
    row("pickle.dumps(data only)", took, f"{sum(map(len, blobs_data)) / 1e6:.0f} MB")
    took, _ = best(args.repeat, lambda: [pickle.loads(b) for b in blobs_data])
    row("pickle.loads(data only)", took)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
