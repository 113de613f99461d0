"""Time `ladderctl check-advancement --all` and `--all --compare REV` on a synthetic department.

Usage:
    python benchmarks/generate.py --staff 10000 --out /tmp/dept
    python benchmarks/bench_advancement.py /tmp/dept [--runs 3]

The script copies the department into a scratch git repository, commits it, then changes one
ladder in the working tree (Technician I needs 2 years instead of 1) so that --compare has real
work to do. It prints the best wall time of each command over --runs runs, twice: with an empty
record cache (every file parsed and checked, the cache written) and with the cache filled by an
earlier run (the usual case: a repo where a few files change between runs).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import child_env  # benchmarks/_common.py, beside this script


def best_of(command: list[str], runs: int, *, cache: str, cold: bool = False) -> float:
    """Best wall time of `runs` fresh processes.

    `cache` is the LADDERCTL_CACHE_DIR to use ("off" for none); with `cold` it is emptied before
    every run, so each run parses everything and writes the record cache anew.
    """
    best = float("inf")
    env = child_env(LADDERCTL_CACHE_DIR=cache)
    for _ in range(runs):
        if cold and cache != "off":
            shutil.rmtree(cache, ignore_errors=True)
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, check=False, env=env)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"{' '.join(command)} failed:\n{done.stderr.decode()[-2000:]}")
        best = min(best, elapsed)
    return best


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=bench", "-c", "user.email=b@example.org", *args],
        check=True,
        capture_output=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("department", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--as-of", default="2026-07-01")
    args = parser.parse_args()
    exe = shutil.which("ladderctl") or str(Path(sys.executable).parent / "ladderctl")
    with tempfile.TemporaryDirectory() as scratch:
        repo = Path(scratch) / "dept"
        shutil.copytree(args.department, repo)
        git(repo, "init", "-q")
        git(repo, "add", ".")
        git(repo, "commit", "-q", "-m", "department")
        changed = False
        for ladder in sorted((repo / "ladders").glob("*.yaml")):
            text = ladder.read_text(encoding="utf-8")
            if "type: experience" in text and "years: 1\n" in text:
                ladder.write_text(text.replace("years: 1\n", "years: 2\n", 1), encoding="utf-8")
                changed = True
                break
        staff = len(list((repo / "staff").glob("*.yaml")))
        cache = str(Path(scratch) / "cache")
        common = ["--repo", str(repo), "--as-of", args.as_of]
        commands = {
            "validate": [exe, "validate", str(repo), "--as-of", args.as_of],
            "check-advancement --all (text, piped)": [exe, "check-advancement", "--all", *common],
            "check-advancement --all --format json": [
                *[exe, "check-advancement", "--all", *common],
                *["--format", "json"],
            ],
            "check-advancement --all --compare HEAD": [
                *[exe, "check-advancement", "--all", *common],
                *["--compare", "HEAD"],
            ],
        }
        rows = []
        for name, command in commands.items():
            cold = best_of(command, args.runs, cache=cache, cold=True)
            # Files the cache trusts by their stat key must have settled for two seconds.
            time.sleep(3)
            best_of(command, 1, cache=cache)  # fill the cache
            warm = best_of(command, args.runs, cache=cache)
            rows.append((name, cold, warm))
    print(f"staff files: {staff}; ladder changed for --compare: {changed}; best of {args.runs}")
    print(f"{'command':45} {'no cache':>9} {'cached':>9}")
    for name, cold, warm in rows:
        print(f"{name:45} {cold:8.2f}s {warm:8.2f}s")


if __name__ == "__main__":
    main()
