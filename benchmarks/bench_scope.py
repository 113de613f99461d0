#!/usr/bin/env python3
"""Benchmark the scope-of-practice checks: 1,000 tasks across 20 ladders.

    .venv/bin/python benchmarks/bench_scope.py              # a clean department
    .venv/bin/python benchmarks/bench_scope.py --broken     # plus one error of each kind per ladder
    .venv/bin/python benchmarks/bench_scope.py --tasks 5000 --ladders 100

The synthetic department: one task catalog of --tasks tasks in 20 workflow stages (a third each
pharmacist-only, delegable and shared, every shared task with both parts, each task following
one of 50 procedures); --ladders ladders of 5 levels, alternately technical and clinical, each
level listing 40 tasks (technician ladders only tasks they may do); one 4-week training plan per
ladder; --staff-per-ladder (10) staff records per ladder, each with training progress. Figures
printed (best of
--runs): schema loading, the cross-file rules (`check_references`, which includes the scope
rules), the scope rules alone, the delegation matrix of every ladder, the training status of
every person, and `ladderctl validate` end to end in a fresh process.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ladderctl.department import Department  # noqa: E402
from ladderctl.references import _Checker, check_references  # noqa: E402
from ladderctl.repository import find_files, load_documents  # noqa: E402
from ladderctl.scope import Scope, build_delegation_matrix, training_status  # noqa: E402
from ladderctl.scope_checks import check_scope  # noqa: E402

AS_OF = date(2026, 11, 21)
LEVELS = 5
TASKS_PER_LEVEL = 40
STAGES = 20
PROCEDURES = 50
DELEGATIONS = ("pharmacist-only", "delegable", "shared")

CATALOG = """apiVersion: ladderctl/v1
kind: Catalog
id: bench
title: Benchmark catalog
credentials:
  - {id: cpht, title: CPhT, type: certification, expires: true}
assessments:
  - {id: intake-competency, title: Intake competency}
activityTags:
  - {id: precepting, title: Precepting}
"""


def _tasks(count: int) -> tuple[str, dict[str, str]]:
    """The task catalog's YAML and each task's delegation level."""
    delegation = {f"task-{n:05}": DELEGATIONS[n % 3] for n in range(count)}
    out = ["apiVersion: ladderctl/v1", "kind: TaskCatalog", "id: bench-tasks", "title: Tasks"]
    out.append("procedures:")
    out += [f"  - {{id: sop-{p:03}, title: SOP {p}, type: sop}}" for p in range(PROCEDURES)]
    out.append("stages:")
    per_stage = -(-count // STAGES)
    ids = list(delegation)
    for s in range(STAGES):
        chunk = ids[s * per_stage : (s + 1) * per_stage]
        if not chunk:
            break
        out += [f"  - id: stage-{s:02}", f"    title: Stage {s}", "    tasks:"]
        for task in chunk:
            level = delegation[task]
            out += [
                f"      - id: {task}",
                f"        title: Task {task}",
                f"        delegation: {level}",
                "        reason: Benchmark.",
                f"        procedures: [sop-{int(task[5:]) % PROCEDURES:03}]",
            ]
            if level == "shared":
                out += [
                    "        parts:",
                    "          - {role: pharmacist, duty: Decides.}",
                    "          - {role: technician, duty: Prepares.}",
                ]
    return "\n".join(out) + "\n", delegation


def _ladder(index: int, delegation: dict[str, str], rng: random.Random, broken: bool) -> str:
    technician = index % 2 == 0
    allowed = [t for t, d in delegation.items() if not (technician and d == "pharmacist-only")]
    out = [
        "apiVersion: ladderctl/v1",
        "kind: Ladder",
        f"id: ladder-{index:03}",
        f"title: Ladder {index}",
        f"track: {'technical' if technician else 'clinical'}",
        "levels:",
    ]
    for level in range(LEVELS):
        tasks = rng.sample(allowed, TASKS_PER_LEVEL)
        if broken and level == 0:
            pharmacist_only = next(t for t, d in delegation.items() if d == "pharmacist-only")
            tasks += [pharmacist_only, f"no-such-task-{index}"]
        out += [
            f"  - id: l{level}",
            f"    title: Level {level}",
            f"    tasks: [{', '.join(dict.fromkeys(tasks))}]",
        ]
    return "\n".join(out) + "\n"


def _plan(index: int, delegation: dict[str, str], rng: random.Random, broken: bool) -> str:
    delegable = [t for t, d in delegation.items() if d != "pharmacist-only"]
    out = [
        "apiVersion: ladderctl/v1",
        "kind: TrainingPlan",
        f"id: plan-{index:03}",
        f"title: Plan {index}",
        "durationDays: 30",
        "appliesTo:",
        f"  - {{ladder: ladder-{index:03}, level: l0}}",
        "phases:",
    ]
    weeks = [(1, 7), (8, 14), (15, 21), (22, 30)]
    if broken:
        weeks[1] = (6, 14)  # overlaps week 1
    for week, (first, last) in enumerate(weeks, 1):
        out += [
            f"  - id: week-{week}",
            f"    title: Week {week}",
            f"    days: {{from: {first}, to: {last}}}",
            "    goal: Learn.",
            f"    read: [sop-{rng.randrange(PROCEDURES):03}]",
            f"    tasks: [{', '.join(rng.sample(delegable, 5))}]",
            "    competencies:",
            "      - assessment: intake-competency",
            "      - activityTag: precepting",
        ]
    return "\n".join(out) + "\n"


def _person(ladder: int, n: int) -> str:
    return f"""apiVersion: ladderctl/v1
kind: StaffRecord
id: p-{ladder:03}-{n:02}
name: Person {ladder} {n}
ladder: ladder-{ladder:03}
level: l0
hireDate: 2026-11-02
status: active
levelHistory:
  - {{level: l0, effective: 2026-11-02}}
training:
  - plan: plan-{ladder:03}
    start: 2026-11-02
    completed:
      - {{phase: week-1, date: 2026-11-06}}
      - {{phase: week-2, date: 2026-11-13}}
"""


def generate(root: Path, *, tasks: int, ladders: int, staff: int, broken: bool, seed: int) -> None:
    rng = random.Random(seed)
    (root / "tasks").mkdir(parents=True)
    for folder in ("ladders", "training", "staff"):
        (root / folder).mkdir()
    (root / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    text, delegation = _tasks(tasks)
    (root / "tasks" / "bench.yaml").write_text(text, encoding="utf-8")
    for index in range(ladders):
        (root / "ladders" / f"ladder-{index:03}.yaml").write_text(
            _ladder(index, delegation, rng, broken), encoding="utf-8"
        )
        (root / "training" / f"plan-{index:03}.yaml").write_text(
            _plan(index, delegation, rng, broken), encoding="utf-8"
        )
        for n in range(staff):
            (root / "staff" / f"p-{index:03}-{n:02}.yaml").write_text(
                _person(index, n), encoding="utf-8"
            )


def best(runs: int, action: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--ladders", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--staff-per-ladder", type=int, default=10)
    parser.add_argument("--broken", action="store_true", help="add errors of every scope kind")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ladderctl-scope-bench-") as folder:
        root = Path(folder) / "dept"
        generate(
            root,
            tasks=args.tasks,
            ladders=args.ladders,
            staff=args.staff_per_ladder,
            broken=args.broken,
            seed=args.seed,
        )
        files = find_files([root], root=root)
        load_s, loaded_any = best(args.runs, lambda: load_documents(files))
        loaded = load_documents(files)
        assert not loaded.diagnostics, loaded.diagnostics[:3]
        documents = loaded.documents
        refs_s, problems_any = best(args.runs, lambda: check_references(documents, as_of=AS_OF))
        problems = check_references(documents, as_of=AS_OF)

        def scope_only() -> list[object]:
            checker = _Checker(documents, (), AS_OF)
            ladders = checker.unique_ids("Ladder")
            staff = checker.unique_ids("StaffRecord")
            checker.problems.clear()
            check_scope(
                checker,
                ladders=ladders,
                staff=staff,
                assessments={"intake-competency": {}},
                tags={"precepting": {}},
            )
            return list(checker.problems)

        scope_s, _ = best(args.runs, scope_only)
        department = Department.from_documents(documents)
        scope = Scope.from_documents(documents)
        ladders = list(department.ladders.values())
        matrix_s, matrix = best(args.runs, lambda: build_delegation_matrix(scope.catalogs, ladders))
        people = list(department.staff.values())
        status_s, _ = best(
            args.runs, lambda: [training_status(p, scope, as_of=AS_OF) for p in people]
        )
        exe = Path(sys.executable).parent / "ladderctl"
        command = [str(exe), "validate", str(root), "--as-of", AS_OF.isoformat(), "-f", "json"]
        cli_s, done = best(
            args.runs,
            lambda: subprocess.run(command, capture_output=True, text=True, check=False),
        )
        help_s, _ = best(
            args.runs,
            lambda: subprocess.run([str(exe), "--help"], capture_output=True, check=False),
        )

    references = sum(1 for _ in ladders for _lv in range(LEVELS)) * TASKS_PER_LEVEL
    rules: dict[str, int] = {}
    for problem in problems:
        rules[problem.rule] = rules.get(problem.rule, 0) + 1
    print(
        f"{args.tasks} tasks, {args.ladders} ladders x {LEVELS} levels "
        f"({references} task references), {args.ladders} plans, {len(people)} people; "
        f"{len(files)} files"
    )
    print(f"  load + schema check          {load_s * 1000:8.1f} ms")
    print(f"  cross-file rules (all)       {refs_s * 1000:8.1f} ms")
    print(f"  scope rules alone            {scope_s * 1000:8.1f} ms")
    print(f"  delegation matrix (all)      {matrix_s * 1000:8.1f} ms  ", end="")
    print(f"({len(matrix.rows)} x {len(matrix.columns)} cells)")  # type: ignore[attr-defined]
    print(f"  training status (everyone)   {status_s * 1000:8.1f} ms")
    code = done.returncode  # type: ignore[attr-defined]
    print(f"  ladderctl validate (process) {cli_s * 1000:8.1f} ms  exit {code}")
    print(f"  ladderctl --help (start-up)  {help_s * 1000:8.1f} ms")
    print(f"  problems: {dict(sorted(rules.items())) or 'none'}")
    del loaded_any, problems_any


if __name__ == "__main__":
    main()
