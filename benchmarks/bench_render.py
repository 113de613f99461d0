#!/usr/bin/env python3
"""Speed of `ladderctl render-idp --all` for 1,000 IDPs in md, html, docx and pdf.

    python benchmarks/bench_render.py                      # 1,000 IDPs, 3 runs per format
    python benchmarks/bench_render.py --plans 1000 --runs 5 --work /tmp/render-bench

It builds a department with benchmarks/generate.py (--staff STAFF, default 1,200) and tops the
plans up to --plans with generate.py's own plan generator, so every plan is valid and its ladder
context is real. Then, for each format, it times the command the user runs (a new process each
time, wall clock):

    ladderctl render-idp --all --format FMT --out DIR --repo DEPT --as-of AS_OF

once into an empty folder ("cold": every file written) and again into the same folder
("warm": every file unchanged). `ladderctl validate DEPT` is timed too: loading and checking the
repository is most of the wall time for md and html. The table is printed as Markdown (see
benchmarks/README-render.md). Target: html < 3 s wall for 1,000 IDPs. Not run in CI.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

from _common import child_env  # benchmarks/_common.py, beside this script

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_AS_OF = "2026-07-01"
# Runs the CLI with the render commands registered, whether or not `ladderctl.cli` wires them
# in yet (the cost is the same import).
LAUNCHER = """import sys
from ladderctl.cli import app
names = {c.name for c in app.registered_commands}
if "render-idp" not in names:
    from ladderctl.cli import render
    render.register(app)
sys.argv[0] = "ladderctl"
app()
"""


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate", HERE / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate"] = module
    spec.loader.exec_module(module)
    return module


def build_department(out: Path, *, staff: int, plans: int, seed: int, as_of: date) -> int:
    """generate.py's department, with plans added for more people until there are `plans`."""
    gen = load_generator()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    gen.generate(staff, out, seed, as_of)
    have = {p.name for p in (out / "plans").glob("*.yaml")}
    # The same seed gives the same organisation, so these are the people generate() wrote.
    g = gen.Gen(staff, seed, as_of)
    gen.index_ladders(gen.ladders())
    people = g.organisation()
    count = len(have)
    for person in people:
        if count >= plans:
            break
        name = f"idp-{person['id']}-{as_of.year}.yaml"
        if name in have:
            continue
        record = gen.plan(g, person, people)
        text = gen.to_yaml(record, "development-plan.schema.json", 1)
        (out / "plans" / name).write_text(text, encoding="utf-8")
        count += 1
    return count


def timed(command: list[str], *, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    took = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr}")
    return took, done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""


def available(fmt: str) -> bool:
    module = {"docx": "docxtpl", "pdf": "typst"}.get(fmt)
    return module is None or importlib.util.find_spec(module) is not None


def phases(dept: Path, as_of: date, fmt: str, out: Path) -> dict[str, float]:
    """Where the time goes, in this process: load, index, contexts, render, write."""
    sys.path.insert(0, str(ROOT / "src"))
    from ladderctl.cli.render import _write
    from ladderctl.render import Paperwork, idp_context, render_document
    from ladderctl.repository import load_valid_repository

    took: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        took[name] = now - mark
        mark = now

    documents = load_valid_repository(dept, as_of=as_of).documents
    lap("load + validate")
    paperwork = Paperwork.from_documents(documents)
    lap("index (staff, ladders)")
    contexts = [idp_context(p, paperwork, as_of=as_of) for p in paperwork.plans.values()]
    lap("contexts (incl. eligibility)")
    rendered = [render_document("idp", c, fmt=fmt) for c in contexts]
    lap(f"render {fmt}")
    shutil.rmtree(out, ignore_errors=True)
    _write({out / f"{i}.{fmt}": data for i, data in enumerate(rendered)}, force=False)
    lap("write (atomic, fsync)")
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=1000)
    parser.add_argument("--staff", type=int, default=1200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20260701)
    parser.add_argument("--as-of", default=DEFAULT_AS_OF)
    parser.add_argument("--work", type=Path, default=Path("/tmp/ladderctl-render-bench"))
    parser.add_argument("--formats", default="md,html,docx,pdf")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument(
        "--phases", default="html", help="also time each phase in-process for this format ('' off)"
    )
    args = parser.parse_args(argv)

    dept = args.work / "dept"
    as_of = date.fromisoformat(args.as_of)
    started = time.perf_counter()
    count = build_department(dept, staff=args.staff, plans=args.plans, seed=args.seed, as_of=as_of)
    files = sum(1 for _ in dept.rglob("*.yaml"))
    print(
        f"department: {dept} ({files} files, {count} plans), built in "
        f"{time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    # Every run but the first uses the record cache: the usual case of a repo where a few files
    # change between runs. The validate rows show what it saves.
    cache = args.work / "record-cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = child_env(NO_COLOR="1", TERM="dumb", LADDERCTL_CACHE_DIR=str(cache))
    ladderctl = [args.python, "-c", LAUNCHER]

    rows: list[dict[str, Any]] = []
    validate = [*ladderctl, "validate", str(dept), "--as-of", args.as_of]
    uncached = {**env, "LADDERCTL_CACHE_DIR": "off"}
    times = [timed(validate, env=uncached)[0] for _ in range(args.runs)]
    rows.append({"what": "validate, no record cache", "cold": times, "warm": None, "size": ""})
    time.sleep(3)  # the record cache trusts files unchanged for two seconds
    timed(validate, env=env)  # fills it
    times = [timed(validate, env=env)[0] for _ in range(args.runs)]
    rows.append({"what": "validate, record cache filled", "cold": times, "warm": None, "size": ""})

    for fmt in args.formats.split(","):
        if not available(fmt):
            print(f"skipping {fmt}: its extra is not installed", file=sys.stderr)
            continue
        out = args.work / f"out-{fmt}"
        options = ["--format", fmt, "--out", str(out), "--repo", str(dept), "--as-of", args.as_of]
        command = [*ladderctl, "render-idp", "--all", *options]
        cold, warm = [], []
        summary = ""
        for _ in range(args.runs):
            shutil.rmtree(out, ignore_errors=True)
            took, summary = timed(command, env=env)
            cold.append(took)
            warm.append(timed(command, env=env)[0])
        outputs = list(out.iterdir())
        size = sum(p.stat().st_size for p in outputs) / max(len(outputs), 1)
        what = f"render-idp --all --format {fmt}"
        kib = f"{size / 1024:.1f} KiB"
        rows.append({"what": what, "cold": cold, "warm": warm, "size": kib, "summary": summary})
        print(f"{fmt}: {summary}", file=sys.stderr)

    print()
    print(
        f"{count} IDPs, {files} files; {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} CPUs; median of {args.runs} runs "
        "(min-max), wall seconds"
    )
    print()
    print("| command | into an empty folder | again (all unchanged) | avg file |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print(
            f"| `{row['what']}` | {_fmt(row['cold'])} | "
            f"{_fmt(row['warm']) if row['warm'] else '-'} | {row['size'] or '-'} |"
        )
    (args.work / "results.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    if args.phases:
        print()
        print(f"In one process ({args.phases}):")
        print()
        print("| phase | seconds |")
        print("| --- | --- |")
        for name, seconds in phases(dept, as_of, args.phases, args.work / "phases").items():
            print(f"| {name} | {seconds:.2f} |")
    return 0


def _fmt(times: list[float]) -> str:
    return f"{statistics.median(times):.2f} ({min(times):.2f}-{max(times):.2f})"


if __name__ == "__main__":
    raise SystemExit(main())
