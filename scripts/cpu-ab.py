#!/usr/bin/env python3
"""Compares two xxgk binaries by the CPU time of `xxgk check` on one folder.

On a shared machine the CPU time of one build moves by ± 25 % between runs,
so one build timed after the other says little. This runs the two builds in
turn (A B, B A, A B, ...) on one thread and prints the median user + system
seconds of each (docs/PERFORMANCE.md, "Start-up halved and the corpus pass
trimmed").

    scripts/cpu-ab.py OLD-BINARY NEW-BINARY FOLDER-OR-FILE [ROUNDS=12]
"""
import os
import resource
import statistics
import subprocess
import sys


def main() -> int:
    if len(sys.argv) not in (4, 5):
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    builds = {"old": sys.argv[1], "new": sys.argv[2]}
    target = sys.argv[3]
    rounds = int(sys.argv[4]) if len(sys.argv) == 5 else 12
    if os.path.isdir(target):
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(target) for f in fs)
    else:
        size = os.path.getsize(target)
    env = dict(os.environ, RAYON_NUM_THREADS="1")
    times = {name: [] for name in builds}

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    for i in range(rounds):
        order = list(builds.items()) if i % 2 == 0 else list(reversed(builds.items()))
        for name, binary in order:
            start = cpu()
            run = subprocess.run([binary, "check", "--no-cache", "--isolated", "--format", "json", target],
                                 env=env, capture_output=True)
            if run.returncode not in (0, 1):
                print(f"{binary}: exit {run.returncode}: {run.stderr.decode(errors='replace')[:200]}",
                      file=sys.stderr)
                return 2
            times[name].append(cpu() - start)
    for name, spent in times.items():
        median = statistics.median(spent)
        rate = f", {size / median / 1e6:.2f} MB/s" if size else ""
        print(f"{name}: median {median:.3f} CPU s{rate} (n={len(spent)}, min {min(spent):.3f}, "
              f"max {max(spent):.3f}) {builds[name]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
