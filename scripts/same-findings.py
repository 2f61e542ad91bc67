#!/usr/bin/env python3
"""Checks that two xxgk binaries report the same findings on the same inputs.

A speed change must not change a finding. This runs `xxgk check --format json`
of each build over every folder or file given (one process per argument, on
all its `.txt`, `.md`, `.docx` and `.html` files) and compares the results
file by file: findings, ranges, messages, fixes and the exit code. It prints
the files whose results differ, with the first differing finding, and exits
1 when any does (docs/PERFORMANCE.md, "Counting instructions").

    scripts/same-findings.py OLD-BINARY NEW-BINARY FOLDER-OR-FILE...
"""
import json
import subprocess
import sys


def run(binary: str, target: str) -> tuple[int, dict]:
    done = subprocess.run([binary, "check", "--no-cache", "--isolated", "--format", "json", target],
                          capture_output=True)
    if done.returncode not in (0, 1):
        print(f"{binary} {target}: exit {done.returncode}: {done.stderr.decode(errors='replace')[:300]}",
              file=sys.stderr)
        sys.exit(2)
    return done.returncode, {f["path"]: f for f in json.loads(done.stdout)["files"]}


def first_difference(old: dict, new: dict) -> str:
    a, b = old["diagnostics"], new["diagnostics"]
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"finding {i}:\n  old {json.dumps(x, ensure_ascii=False)[:400]}\n  new {json.dumps(y, ensure_ascii=False)[:400]}"
    if len(a) != len(b):
        return f"{len(a)} findings before, {len(b)} after"
    return f"report: {old['report']} → {new['report']}"


def main() -> int:
    if len(sys.argv) < 4:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    old_binary, new_binary, targets = sys.argv[1], sys.argv[2], sys.argv[3:]
    files = findings = differing = 0
    for target in targets:
        old_code, old = run(old_binary, target)
        new_code, new = run(new_binary, target)
        if old_code != new_code:
            print(f"{target}: exit code {old_code} before, {new_code} after")
            differing += 1
        for path in sorted(old.keys() | new.keys()):
            files += 1
            if path not in old or path not in new:
                print(f"{path}: checked by one build only")
                differing += 1
                continue
            findings += len(old[path]["diagnostics"])
            if old[path] != new[path]:
                print(f"{path}: {first_difference(old[path], new[path])}")
                differing += 1
    print(f"{files} files, {findings} findings: {differing} differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
