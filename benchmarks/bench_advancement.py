"""Time `ladderctl check-advancement --all` and `--all --compare REV` on a synthetic department.

Usage:
    python benchmarks/generate.py --staff 10000 --out /tmp/dept
    python benchmarks/bench_advancement.py /tmp/dept [--runs 3]

The script copies the department into a scratch git repository, commits it, then changes one
ladder in the working tree (Technician I needs 2 years instead of 1) so that --compare has real
work to do. It prints the best wall time of each command over --runs runs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def best_of(command: list[str], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, check=False)
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
        common = ["--repo", str(repo), "--as-of", args.as_of, "--format", "json"]
        team = best_of([exe, "check-advancement", "--all", *common], args.runs)
        compare = best_of(
            [exe, "check-advancement", "--all", "--compare", "HEAD", *common], args.runs
        )
        validate = best_of(
            [exe, "validate", str(repo), "--as-of", args.as_of, "--format", "json"], 1
        )
    print(f"staff files: {staff}; ladder changed for --compare: {changed}")
    print(f"ladderctl validate (for reference)          {validate:6.2f} s")
    print(f"check-advancement --all                     {team:6.2f} s (best of {args.runs})")
    print(f"check-advancement --all --compare HEAD      {compare:6.2f} s (best of {args.runs})")


if __name__ == "__main__":
    main()
