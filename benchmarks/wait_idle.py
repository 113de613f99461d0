#!/usr/bin/env python3
"""Wait until the machine is idle, so that a timing run does not share the CPUs.

    python benchmarks/wait_idle.py [--idle 0.85] [--window 1.0] [--timeout 90]

Samples /proc/stat over `--window` seconds until the idle fraction of all CPUs reaches `--idle`,
or `--timeout` seconds pass (then it gives up quietly: the run goes ahead, and the load shows in
the spread of the times). Used as hyperfine's --prepare command by bench_validate.sh: the tree is
shared with other people's test runs, and on 2 CPUs one busy neighbour doubles a parallel run.
Exit code 0 when idle was reached, 1 after a time-out.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _times() -> tuple[int, int]:
    with Path("/proc/stat").open() as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return idle, sum(fields)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--idle", type=float, default=0.85)
    parser.add_argument("--window", type=float, default=1.0)
    parser.add_argument("--timeout", type=float, default=90.0)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    while True:
        idle0, total0 = _times()
        time.sleep(args.window)
        idle1, total1 = _times()
        share = (idle1 - idle0) / max(1, total1 - total0)
        if args.verbose:
            print(f"idle {share:.0%}", file=sys.stderr)
        if share >= args.idle:
            return 0
        if time.monotonic() >= deadline:
            return 1


if __name__ == "__main__":
    raise SystemExit(main())
