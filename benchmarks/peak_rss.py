#!/usr/bin/env python3
"""Run a command and report its peak memory, summed over the process and its children.

    python benchmarks/peak_rss.py -- ladderctl validate DIR

`/usr/bin/time -v` reports the largest *single* process (getrusage's ru_maxrss); ladderctl
validate forks worker processes for big repos, so this samples /proc every 20 ms and also
reports the peak of the *sum* of VmRSS over the whole process tree. Prints one JSON line:
{"peak_tree_kib": ..., "peak_single_kib": ..., "max_processes": ..., "exit": ...}
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> int:
    args = sys.argv[1:]
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak_tree = peak_single = most = 0
    while proc.poll() is None:
        tree = _children()
        pids, pending = [], [proc.pid]
        while pending:
            pid = pending.pop()
            pids.append(pid)
            pending.extend(tree.get(pid, []))
        sizes = [_rss_kib(pid) for pid in pids]
        peak_tree = max(peak_tree, sum(sizes))
        peak_single = max(peak_single, max(sizes, default=0))
        most = max(most, len(pids))
        time.sleep(0.02)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "peak_tree_kib": peak_tree,
                "peak_single_kib": peak_single,
                "ru_maxrss_kib": usage.ru_maxrss,
                "max_processes": most,
                "exit": proc.returncode,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
