#!/usr/bin/env python3
"""Benchmark `ladderctl match-mentors`: 10,000 mentees x 2,000 mentors (capacity 1-5).

    .venv/bin/python benchmarks/bench_match.py                 # solve only (typed records)
    .venv/bin/python benchmarks/bench_match.py --end-to-end    # also write a repo and load it

The cohort is synthetic but shaped like a department: the example ladders (levels, roles and
transitions), a management tree, a few sites and shifts, goals one level up (half of them also
a specialised role of the next level), development areas and expertise from one tag list.
It is deterministic for a given --seed. Printed: the best and median wall and CPU time of
`propose_matches` over --runs, peak traced memory (tracemalloc, in a run of its own) and peak
RSS, the optimality certificate (primal total = dual bound, over every mentee-mentor pair) and
the gap to the greedy assignment; with --end-to-end also loading and validating a repo of
YAML files, building the cohort, solving and rendering the JSON report, in-process and as a
`ladderctl match-mentors` process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path
from typing import Any

from _common import child_env  # benchmarks/_common.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ladderctl.loading import Location, load_file  # noqa: E402
from ladderctl.matching import propose_matches  # noqa: E402
from ladderctl.mentorship import (  # noqa: E402
    Goal,
    LadderFacts,
    MatchingRules,
    MentorshipProfile,
    MentorshipProgram,
    PairRef,
    StaffFacts,
    Weights,
    ladder_from_document,
)

PROGRAM_LOCATION = Location("bench", 1, 1)
SITES = ["Main Hospital", "Cancer Center", "Specialty Pharmacy", "North Clinic", "East Campus"]
SHIFTS = ["day", "day", "day", "evening", "night", "rotating", "weekend"]
MODES = ["in-person", "video", "phone", "chat"]
FREQUENCIES = ["weekly", "biweekly", "monthly", "monthly", "quarterly"]
TAGS = [
    "inventory",
    "purchasing",
    "drug-shortages",
    "sterile-compounding",
    "hazardous-drugs",
    "usp-800",
    "ptcb-exam",
    "adc-troubleshooting",
    "automation",
    "informatics",
    "precepting",
    "leadership",
    "budgeting",
    "project-management",
    "giving-feedback",
    "public-speaking",
    "board-certification",
    "critical-care",
    "oncology",
    "clinical-research",
    "publication",
    "prior-authorization",
    "benefits-investigation",
    "patient-assistance",
    "appeals",
    "operations-management",
    "change-management",
    "strategic-planning",
    "committee-work",
    "time-management",
    "conflict-resolution",
    "career-planning",
    "customer-service",
    "medication-safety",
    "antimicrobial-stewardship",
    "quality-improvement",
    "scheduling",
    "regulatory",
    "teaching",
    "coaching",
]


def example_ladders() -> dict[str, LadderFacts]:
    ladders = {}
    for file in sorted((ROOT / "examples" / "ladders").glob("*.yaml")):
        document = load_file(file)
        facts = ladder_from_document(document)  # type: ignore[arg-type]
        ladders[facts.id] = facts
    return ladders


def cohort(
    mentees: int, mentors: int, seed: int
) -> tuple[
    MentorshipProgram, list[MentorshipProfile], dict[str, StaffFacts], dict[str, LadderFacts]
]:
    rng = random.Random(seed)
    ladders = example_ladders()
    ladder_ids = sorted(ladders)
    people = mentees + mentors
    staff: dict[str, StaffFacts] = {}
    profiles: list[MentorshipProfile] = []
    ids = [f"p{k:06d}" for k in range(people)]
    # Managers: the first 2% of the mentors form a tree (each reports to an earlier one);
    # everyone else reports to one of them.
    leads = ids[mentees : mentees + max(1, mentors // 50)]
    for k, person in enumerate(ids):
        is_mentor = k >= mentees
        ladder = ladders[rng.choice(ladder_ids)]
        top = len(ladder.levels) - 1
        index = rng.randint(max(1, top // 2), top) if is_mentor else rng.randint(0, max(0, top - 1))
        level = ladder.levels[index]
        roles = level.roles
        position = rng.choice(roles) if roles and rng.random() < 0.6 else level.title
        manager = (
            None
            if person == leads[0]
            else rng.choice(leads[: max(1, leads.index(person))] if person in leads else leads)
        )
        site = rng.choice(SITES)
        shift = rng.choice(SHIFTS)
        staff[person] = StaffFacts(
            person, f"Person {k}", ladder.id, level.id, index, position, manager, site, shift, True
        )
        common: dict[str, Any] = {
            "modes": tuple(rng.sample(MODES, rng.randint(1, 3))),
            "frequency": rng.choice(FREQUENCIES),
            "sites": tuple(sorted({site, *rng.sample(SITES, rng.randint(0, 1))})),
            "shifts": tuple(sorted({shift, *rng.sample(SHIFTS[3:], rng.randint(0, 1))})),
        }
        if is_mentor:
            profiles.append(
                MentorshipProfile(
                    person,
                    "bench",
                    "mentor",
                    True,
                    expertise=tuple(rng.sample(TAGS, rng.randint(3, 6))),
                    strengths=tuple(rng.sample(TAGS, 2)),
                    capacity=rng.randint(1, 5),
                    **common,
                )
            )
        else:
            goals = []
            if index + 1 < len(ladder.levels):
                nxt = ladder.levels[index + 1]
                goals.append(Goal(ladder=ladder.id, level=nxt.id))
                if nxt.roles and rng.random() < 0.5:
                    goals.append(Goal(role=rng.choice(nxt.roles)))
            profiles.append(
                MentorshipProfile(
                    person,
                    "bench",
                    "mentee",
                    True,
                    goals=tuple(goals),
                    development_areas=tuple(rng.sample(TAGS, rng.randint(2, 4))),
                    **common,
                )
            )
    blocks = tuple(
        PairRef(rng.choice(ids[mentees:]), rng.choice(ids[:mentees]), PROGRAM_LOCATION, "bench")
        for _ in range(50)
    )
    past = tuple(
        PairRef(rng.choice(ids[mentees:]), rng.choice(ids[:mentees]), PROGRAM_LOCATION, "2025")
        for _ in range(200)
    )
    program = MentorshipProgram(
        "bench",
        "Benchmark program",
        Weights(0.4, 0.2, 0.1, 0.1, 0.1, 0.05, 0.05),
        MatchingRules(
            exclude_manager=True,
            exclude_management_chain=True,
            require_seniority=True,
            new_pairs_only=True,
            minimum_score=0.3,
            blocks=blocks,
            past_pairs=past,
        ),
        frequency="monthly",
        location=PROGRAM_LOCATION,
    )
    return program, profiles, staff, ladders


# Copied from examples/ into the end-to-end repo: what the example ladders refer to.
SUPPORT = ["catalog.yaml", "ladders", "tasks", "training"]


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML scalar


def _list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(_quoted(v) for v in values) + "]"


def write_repo(
    root: Path,
    program: MentorshipProgram,
    profiles: list[MentorshipProfile],
    staff: dict[str, StaffFacts],
) -> int:
    """The cohort as a department repo of YAML files; returns the number of files written."""
    import shutil

    for name in SUPPORT:
        source = ROOT / "examples" / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.is_file():
            shutil.copy(source, root / name)
    (root / "staff").mkdir()
    (root / "mentorship" / "profiles").mkdir(parents=True)
    for person in staff.values():
        lines = [
            "apiVersion: ladderctl/v1",
            "kind: StaffRecord",
            f"id: {person.id}",
            f"name: {_quoted(person.name)}",
            f"ladder: {person.ladder}",
            f"level: {person.level}",
            f"position: {_quoted(person.position or 'Staff')}",
            "hireDate: 2020-01-06",
            "status: active",
            *([f"manager: {person.manager}"] if person.manager else []),
            f"site: {_quoted(person.site or 'Main Hospital')}",
            f"shift: {person.shift}",
            "levelHistory:",
            f"  - level: {person.level}",
            "    effective: 2020-01-06",
        ]
        (root / "staff" / f"{person.id}.yaml").write_text("\n".join(lines) + "\n")
    for profile in profiles:
        lines = [
            "apiVersion: ladderctl/v1",
            "kind: MentorshipProfile",
            f"person: {profile.person}",
            f"program: {program.id}",
            f"role: {profile.role}",
            "optedIn: true",
        ]
        if profile.goals:
            lines.append("goals:")
            for goal in profile.goals:
                if goal.ladder:
                    lines += [f"  - ladder: {goal.ladder}", f"    level: {goal.level}"]
                else:
                    lines.append(f"  - role: {_quoted(goal.role or '')}")
        for key, values in (
            ("expertise", profile.expertise),
            ("strengths", profile.strengths),
            ("developmentAreas", profile.development_areas),
        ):
            if values:
                lines.append(f"{key}: {_list(values)}")
        lines += [
            "communication:",
            f"  modes: {_list(profile.modes)}",
            f"  frequency: {profile.frequency}",
            "availability:",
            f"  sites: {_list(profile.sites)}",
            f"  shifts: {_list(profile.shifts)}",
        ]
        if profile.capacity is not None:
            lines.append(f"capacity: {profile.capacity}")
        (root / "mentorship" / "profiles" / f"{profile.person}.yaml").write_text(
            "\n".join(lines) + "\n"
        )
    rules = program.rules
    lines = [
        "apiVersion: ladderctl/v1",
        "kind: MentorshipProgram",
        f"id: {program.id}",
        f"title: {_quoted(program.title)}",
        "cycle: {start: 2026-01-15, end: 2027-01-14}",
        "meetings: {frequency: monthly, minutes: 60, checkInMonths: 3}",
        f"committee: [{next(iter(staff))}]",
        "matching:",
        "  weights:",
        *(f"    {name}: {weight}" for name, weight in program.weights.by_term()),
        "  rules:",
        f"    excludeManager: {str(rules.exclude_manager).lower()}",
        f"    excludeManagementChain: {str(rules.exclude_management_chain).lower()}",
        f"    requireSeniority: {str(rules.require_seniority).lower()}",
        f"    newPairsOnly: {str(rules.new_pairs_only).lower()}",
        f"    minimumScore: {rules.minimum_score}",
        "    blocks:",
        *(f"      - {{mentor: {b.mentor}, mentee: {b.mentee}}}" for b in rules.blocks),
        "    pastPairs:",
        *(f"      - {{mentor: {b.mentor}, mentee: {b.mentee}}}" for b in rules.past_pairs),
    ]
    (root / "mentorship" / f"program-{program.id}.yaml").write_text("\n".join(lines) + "\n")
    return len(staff) + len(profiles) + 1


# `ladderctl match-mentors` in a fresh process (registered here until the CLI lists it).
CLI = (
    "import sys; from ladderctl.cli import app, match; match.register(app); "
    "sys.argv = ['ladderctl', *sys.argv[1:]]; app()"
)


def cli(root: Path, strategy: str, cache: str) -> float:
    """Wall time of the whole command, interpreter start to JSON on stdout.

    `cache` is the LADDERCTL_CACHE_DIR of the run: "off", or a folder the record cache lives in.
    """
    import subprocess

    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            CLI,
            "match-mentors",
            "--repo",
            str(root),
            "--as-of",
            "2026-11-21",
            "--strategy",
            strategy,
            "--format",
            "json",
        ],
        capture_output=True,
        check=False,
        env=child_env(LADDERCTL_CACHE_DIR=cache),
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr.decode())
    return round(elapsed, 3)


def end_to_end(root: Path, strategy: str) -> dict[str, float]:
    """Load and validate the repo, build the cohort, match, and render the JSON report."""
    from ladderctl.mentorship import build_cohort
    from ladderctl.repository import load_valid_repository

    times: dict[str, float] = {}
    start = time.perf_counter()
    loaded = load_valid_repository(root, as_of=date(2026, 11, 21))
    times["loadAndValidateSeconds"] = time.perf_counter() - start
    mark = time.perf_counter()
    cohort = build_cohort(loaded.documents)
    times["buildCohortSeconds"] = time.perf_counter() - mark
    mark = time.perf_counter()
    report = propose_matches(
        cohort.program,
        cohort.profiles,
        cohort.staff,
        ladders=cohort.ladders,
        strategy=strategy,  # type: ignore[arg-type]
    )
    times["solveSeconds"] = time.perf_counter() - mark
    mark = time.perf_counter()
    json.dumps(report.to_dict(), ensure_ascii=False)
    times["reportJsonSeconds"] = time.perf_counter() - mark
    times["totalSeconds"] = time.perf_counter() - start
    times["pairs"] = len(report.pairs)
    times["optimal"] = report.proof.optimal
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mentees", type=int, default=10_000)
    parser.add_argument("--mentors", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--strategy", default="score", choices=["score", "participation"])
    parser.add_argument("--runs", type=int, default=3, help="timed solves (the best is shown)")
    parser.add_argument("--end-to-end", action="store_true", help="also write and load a repo")
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc run")
    args = parser.parse_args()
    program, profiles, staff, ladders = cohort(args.mentees, args.mentors, args.seed)
    walls, cpus = [], []
    for _ in range(args.runs):
        start, cpu = time.perf_counter(), time.process_time()
        report = propose_matches(program, profiles, staff, ladders=ladders, strategy=args.strategy)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    start = time.perf_counter()
    rendered = json.dumps(report.to_dict(), ensure_ascii=False)
    render = time.perf_counter() - start
    peak = 0
    if not args.no_trace:
        # A separate run: tracemalloc slows numpy down several times.
        tracemalloc.start()
        propose_matches(program, profiles, staff, ladders=ladders, strategy=args.strategy)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    greedy = report.greedy
    result: dict[str, Any] = {
        "mentees": args.mentees,
        "mentors": args.mentors,
        "capacity": sum(p.capacity or 0 for p in profiles),
        "strategy": args.strategy,
        "cpus": os.cpu_count(),
        "loadAverage": round(os.getloadavg()[0], 2),
        "solveSeconds": {
            "best": round(min(walls), 3),
            "median": round(statistics.median(walls), 3),
        },
        "solveCpuSeconds": {
            "best": round(min(cpus), 3),
            "median": round(statistics.median(cpus), 3),
        },
        "reportJsonSeconds": round(render, 3),
        "reportJsonMB": round(len(rendered) / 2**20, 1),
        "peakTracedMB": round(peak / 2**20, 1),
        "peakRssMB": round(rss, 1),
        "pairs": len(report.pairs),
        "unmatched": len(report.unmatched),
        "score": round(report.total, 4),
        "greedy": round(greedy.total, 4),
        "gapPercent": round(100 * report.gap / greedy.total, 3) if greedy.total else 0,
        "goalAligned": report.goal_aligned,
        "greedyGoalAligned": greedy.goal_aligned,
        "proof": report.proof.to_dict(),
    }
    if args.end_to_end:
        with tempfile.TemporaryDirectory(prefix="bench-match-") as folder:
            root = Path(folder)
            result["files"] = write_repo(root, program, profiles, staff)
            result["endToEnd"] = end_to_end(root, args.strategy)
            result["cliSecondsNoCache"] = cli(root, args.strategy, "off")
            cache = str(root.parent / f"{root.name}-cache")
            time.sleep(3)  # the record cache trusts files unchanged for two seconds
            cli(root, args.strategy, cache)  # fills the record cache
            result["cliSecondsCached"] = cli(root, args.strategy, cache)
            shutil.rmtree(cache, ignore_errors=True)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
