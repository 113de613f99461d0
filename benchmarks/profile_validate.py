#!/usr/bin/env python3
"""Where `ladderctl validate` spends its time, in-process (run with the project's venv).

    .venv/bin/python benchmarks/profile_validate.py DIR --as-of 2026-07-01 [--top 25]

1. Phase timings of the real (parallel) path: find_files, load_documents (read + parse + schema,
   in worker processes), check_references.
2. The same load in ONE process, split into read / YAML parse (ladderctl's positioned loader) /
   schema check (fastjsonschema), plus a bare libyaml event loop as the floor of that parser.
3. cProfile (top N by cumulative time) of validate_repository forced to one process: worker
   processes are invisible to cProfile, so this is the only profile that shows the real hot spots.

Nothing in ladderctl is changed: the serial run sets repository.PARALLEL_THRESHOLD in-process.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import time
from datetime import date
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("dept", type=Path)
    parser.add_argument("--as-of", default="2026-07-01")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    as_of = date.fromisoformat(args.as_of)

    import yaml

    from ladderctl import loading, repository
    from ladderctl.references import check_references
    from ladderctl.validation import check_schema

    root = args.dept

    def clock() -> float:
        return time.perf_counter()

    print("## 1. phases of validate_repository (as shipped: worker processes for big repos)")
    t0 = clock()
    config, _ = repository.read_config(root)
    files = repository.find_files([root], root=root, ignore=config.ignore)
    t1 = clock()
    loaded = repository.load_documents(files)
    t2 = clock()
    problems = check_references(loaded.documents, as_of=as_of, rejected=loaded.rejected)
    t3 = clock()
    print(f"files: {len(files)}, workers: {repository._workers(len(files))}")
    print(f"find_files                      {t1 - t0:7.2f} s")
    print(f"load_documents (parallel)       {t2 - t1:7.2f} s   includes shown_path() per file")
    print(f"check_references                {t3 - t2:7.2f} s   ({len(problems)} problems)")

    print("\n## 2. the same load in one process, step by step")
    gc.disable()
    t0 = clock()
    shown = [repository.shown_path(f) for f in files]
    t1 = clock()
    texts = [loading.read_text(f, s) for f, s in zip(files, shown, strict=True)]
    t2 = clock()
    events = 0
    for text in texts:
        parser_ = yaml.CSafeLoader(text)
        while not isinstance(parser_.get_event(), yaml.StreamEndEvent):
            events += 1
        parser_.dispose()
    t3 = clock()
    docs = [loading.parse_text(text, s) for text, s in zip(texts, shown, strict=True)]
    t4 = clock()
    for doc in docs:
        check_schema(doc)
    t5 = clock()
    gc.enable()
    print(f"shown_path() x{len(files)}            {t1 - t0:7.2f} s")
    print(f"read_text                       {t2 - t1:7.2f} s")
    print(f"libyaml events only (floor)     {t3 - t2:7.2f} s   ({events:,} events)")
    print(f"parse_text (positioned loader)  {t4 - t3:7.2f} s")
    print(f"check_schema (fastjsonschema)   {t5 - t4:7.2f} s")

    print(f"\n## 3. cProfile of validate_repository in one process (top {args.top}, cumtime)")
    repository.PARALLEL_THRESHOLD = 10**9
    profile = cProfile.Profile()
    profile.enable()
    repository.validate_repository(root, as_of=as_of)
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(12)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
