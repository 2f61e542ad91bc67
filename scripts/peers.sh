#!/usr/bin/env bash
# xxgk against the tools a writer would otherwise use, on the same corpus, in
# one run on this machine (docs/PERFORMANCE.md, "Against the peers"):
#   AutoCorrect (PyPI autocorrect-py, its Rust core; plain-text and Markdown mode),
#   zhlint and lint-md (npm).
# The corpus is ../shared/corpus/{seeds,peer}/*.txt, read at run time.
# Everything is installed into a temporary folder (or $XXGK_PEERS_DIR, kept
# for the next run); nothing of the peers is committed.
#
# Throughput is bytes per CPU second (user + system), on one core, so other
# load on a shared machine does not count against a tool. The peers are
# timed in-process (their library calls only), and so is xxgk's library
# (`check::check`, one thread); xxgk is also timed as the CLI,
# `xxgk check --format json` with RAYON_NUM_THREADS=1 on the corpus copied
# $XXGK_PEERS_COPIES times (default 20), so its figure includes process start,
# pack loading, reading files and writing JSON. Each tool reads the corpus
# again and again for at least $XXGK_PEERS_SECONDS CPU seconds (default 3).
#
# The machine's speed drifts between one tool's turn and the next (± 20 % on
# a shared VM), so the tools take turns in $XXGK_PEERS_ROUNDS rounds (default
# 5), every ratio is taken within a round, and the table gives each figure's
# median and range over the rounds. Within each round xxgk's library and
# AutoCorrect also alternate in half-second turns (the "turn by turn" table),
# which leaves most of the drift out of their ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
corpus=("$root"/../shared/corpus/seeds/*.txt "$root"/../shared/corpus/peer/*.txt)
if ! [ -f "${corpus[0]}" ]; then
  echo "peers.sh: no corpus at ../shared/corpus" >&2
  exit 2
fi
work=${XXGK_PEERS_DIR:-$(mktemp -d)}
[ -n "${XXGK_PEERS_DIR:-}" ] || trap 'rm -rf "$work"' EXIT
copies=${XXGK_PEERS_COPIES:-20}
seconds=${XXGK_PEERS_SECONDS:-3}
rounds=${XXGK_PEERS_ROUNDS:-5}
mkdir -p "$work"

# Versions pinned so figures compare across runs.
if ! [ -x "$work/venv/bin/python" ]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install -q autocorrect-py==2.14.0
fi
if ! [ -d "$work/node_modules/zhlint" ] || ! [ -d "$work/node_modules/@lint-md/core" ]; then
  (cd "$work" && npm install --no-audit --no-fund --loglevel=error zhlint@0.8.2 @lint-md/cli@2.2.4 >/dev/null)
fi
cargo build --release --locked -q
# One pass of AutoCorrect over the corpus, shared by its two measurements below.
cat >"$work/autocorrect_pass.py" <<'PY'
import autocorrect_py as ac

def lint_pass(texts, suffix, errors):
    """Lints every text not in `errors` once; returns the bytes linted. An input
    that stops the tool is a result: its message goes into `errors`."""
    done = 0
    for name, text in texts:
        if name in errors:
            continue
        try:
            ac.lint_for(text, suffix)
        except BaseException as e:
            errors[name] = str(e).splitlines()[0][:120]
            continue
        done += len(text.encode())
    return done
PY
results="$work/results.jsonl"
: >"$results"
rm -rf "$work/xxgk-corpus" && mkdir -p "$work/xxgk-corpus"
for i in $(seq 1 "$copies"); do
  mkdir -p "$work/xxgk-corpus/$i" && cp "${corpus[@]}" "$work/xxgk-corpus/$i/"
done

# One round: each tool's turn, one JSON line per tool on stdout.
measure_round() {
# --- AutoCorrect, in-process -------------------------------------------------
PYTHONPATH="$work" "$work/venv/bin/python" - "$seconds" "${corpus[@]}" <<'PY'
import json, sys, time
from autocorrect_pass import lint_pass
seconds, files = float(sys.argv[1]), sys.argv[2:]
texts = [(f, open(f, encoding="utf-8").read()) for f in files]
for mode, suffix in (("text", "report.txt"), ("markdown", "report.md")):
    errors, done, start = {}, 0, time.process_time()
    while True:
        done += lint_pass(texts, suffix, errors)
        elapsed = time.process_time() - start
        if elapsed >= seconds:
            break
    print(json.dumps({"tool": f"AutoCorrect autocorrect-py 2.14.0 lint_for ({mode})", "bytes": done,
                      "seconds": elapsed, "errors": errors}))
PY

# --- zhlint and lint-md, in-process -------------------------------------------
(cd "$work" && node - "$seconds" "${corpus[@]}") <<'JS'
const fs = require("fs");
const zhlint = require("zhlint");
const lintmd = require("@lint-md/core");
const [seconds, ...files] = process.argv.slice(2);
const texts = files.map((f) => [f, fs.readFileSync(f, "utf8")]);
const tools = [
  ["zhlint 0.8.2 run", (t) => zhlint.run(t).validations.length],
  ["lint-md @lint-md/core lintMarkdown", (t) => lintmd.lintMarkdown(t, {}, false).lintResult.length],
];
for (const [tool, lint] of tools) {
  const errors = {};
  let done = 0;
  const start = process.cpuUsage();
  let elapsed = 0;
  for (;;) {
    for (const [name, text] of texts) {
      if (name in errors) continue;
      try {
        lint(text);
      } catch (e) {
        errors[name] = String(e && e.message ? e.message : e).split("\n")[0].slice(0, 120);
        continue;
      }
      done += Buffer.byteLength(text);
    }
    const used = process.cpuUsage(start);
    elapsed = (used.user + used.system) / 1e6;
    if (elapsed >= Number(seconds)) break;
  }
  console.log(JSON.stringify({ tool, bytes: done, seconds: elapsed, errors }));
}
JS

# --- xxgk, the CLI on one core ----------------------------------------------------
python3 - "$seconds" "$root/target/release/xxgk" "$work/xxgk-corpus" "${corpus[@]}" <<'PY'
import json, os, resource, subprocess, sys
seconds, xxgk, folder, files = float(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(folder) for f in fs)
env = dict(os.environ, RAYON_NUM_THREADS="1")
def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
errors, done, start = {}, 0, cpu()
while True:
    run = subprocess.run([xxgk, "check", "--no-cache", "--isolated", "--format", "json", folder],
                         env=env, capture_output=True)
    if run.returncode not in (0, 1):
        errors[folder] = run.stderr.decode(errors="replace").splitlines()[0][:120]
        break
    done += size
    elapsed = cpu() - start
    if elapsed >= seconds:
        break
# Any single file that stops xxgk (exit 2 or a crash) is named too.
for f in files:
    run = subprocess.run([xxgk, "check", "--no-cache", "--isolated", "--format", "json", f], capture_output=True)
    if run.returncode not in (0, 1):
        errors[f] = run.stderr.decode(errors="replace").splitlines()[0][:120]
version = subprocess.run([xxgk, "--version"], capture_output=True, text=True).stdout.strip()
print(json.dumps({"tool": f"{version} check, all default packs (CLI, 1 thread)", "bytes": done,
                  "seconds": elapsed, "errors": errors}))
PY

# --- xxgk, the library, in-process as the peers: CPU seconds of one thread -----
# The corpus checked again and again for as long as the peers are timed
# (benches/check.rs, XXGK_CORPUS_SECONDS); pack loading is not counted, as
# the peers' imports are not.
XXGK_CORPUS_SECONDS="$seconds" cargo bench -q --locked --bench check 2>/dev/null | tail -n 1

# --- xxgk's library and AutoCorrect, turn by turn ------------------------------------
# The same two library calls in alternating half-second turns (AutoCorrect's
# passes, then xxgk's for as long): the machine's drift between the 3-second
# turns above stays out of this ratio. xxgk runs in `benches/check.rs`
# (XXGK_CORPUS_TURNS), its first pass counted as above.
PYTHONPATH="$work" "$work/venv/bin/python" - "$seconds" "${corpus[@]}" <<'PY'
import json, os, subprocess, sys, time
from autocorrect_pass import lint_pass
seconds, files = float(sys.argv[1]), sys.argv[2:]
texts = [(f, open(f, encoding="utf-8").read()) for f in files]
size = sum(len(text.encode()) for _, text in texts)
# Half a second a turn: short enough that the machine's speed barely moves
# between a turn and the next, long enough that waking a waiting process
# (cold caches on a VM's idle core) is a small part of it.
TURN = 0.5
xxgk = subprocess.Popen(["cargo", "bench", "-q", "--locked", "--bench", "check"],
                        env=dict(os.environ, XXGK_CORPUS_TURNS="1"), text=True,
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
def xxgk_pass():
    xxgk.stdin.write("pass\n")
    xxgk.stdin.flush()
    line = xxgk.stdout.readline()
    if not line:
        sys.exit(f"peers.sh: the bench binary stopped (XXGK_CORPUS_TURNS), exit {xxgk.wait()}")
    return float(line)
for mode, suffix in (("text", "report.txt"), ("markdown", "report.md")):
    errors, ac_bytes, ac_seconds, xx_bytes, xx_seconds = {}, 0, 0.0, 0, 0.0
    while ac_seconds < seconds:
        start = time.process_time()
        while time.process_time() - start < TURN:
            ac_bytes += lint_pass(texts, suffix, errors)
        turn = time.process_time() - start
        ac_seconds += turn
        used = 0.0
        while used < turn:
            used += xxgk_pass()
            xx_bytes += size
        xx_seconds += used
    print(json.dumps({"interleaved": f"xxgk library ÷ AutoCorrect 2.14.0 lint_for ({mode})",
                      "xxgk": xx_bytes / xx_seconds / 1e6, "peer": ac_bytes / ac_seconds / 1e6,
                      "errors": errors}))
xxgk.stdin.close()
xxgk.wait()
PY
}

for round in $(seq 1 "$rounds"); do
  measure_round | python3 -c '
import json, sys
for line in sys.stdin:
    if line.strip():
        print(json.dumps(dict(json.loads(line), round=int(sys.argv[1])), ensure_ascii=False))
' "$round" >>"$results"
done

# --- The table ----------------------------------------------------------------------
python3 - "$results" "${#corpus[@]}" "$rounds" <<'PY'
import json, os, statistics, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
rows = [r for r in lines if "interleaved" not in r]
turns = [r for r in lines if "interleaved" in r]
rate = lambda r: r["bytes"] / r["seconds"] / 1e6
def spread(values, fmt):
    values = sorted(values)
    if not values:
        return ""
    if len(values) == 1:
        return fmt(values[0])
    return f"{fmt(statistics.median(values))} ({fmt(values[0])}–{fmt(values[-1])})"
tools = list(dict.fromkeys(r["tool"] for r in rows))
by_round = {}
for r in rows:
    by_round.setdefault(r["round"], {})[r["tool"]] = r
is_cli = lambda t: t.startswith("xxgk") and "CLI" in t
is_library = lambda t: t.startswith("xxgk") and "library" in t
print(f"corpus: {sys.argv[2]} files (../shared/corpus seeds + peer); MB = 10^6 bytes per CPU second, one core;")
print(f"{sys.argv[3]} rounds: median (range) over the rounds, each ratio taken within its round")
print("| tool | MB/s | xxgk CLI ÷ tool | xxgk library ÷ tool | inputs that stop it |")
print("|---|---:|---:|---:|---|")
for tool in tools:
    own = [rd[tool] for rd in by_round.values() if tool in rd]
    def ratio(pick):
        if tool.startswith("xxgk"):
            return "—"
        values = [rate(x) / rate(rd[tool]) for rd in by_round.values() if tool in rd
                  for t, x in rd.items() if pick(t)]
        return spread(values, lambda v: f"{v:.1f}×") if values else "—"
    errors = {}
    for r in own:
        errors.update(r["errors"])
    stopped = "; ".join(f"{os.path.basename(f)}: {m}" for f, m in errors.items()) or "none"
    print(f"| {tool} | {spread([rate(r) for r in own], lambda v: f'{v:.2f}')} | {ratio(is_cli)} | {ratio(is_library)} | {stopped} |")
print()
print("Turn by turn (each ratio from one round's alternating half-second turns):")
print("| ratio | xxgk library MB/s | AutoCorrect MB/s | ratio, median (range) | inputs that stop it |")
print("|---|---:|---:|---:|---|")
for name in dict.fromkeys(r["interleaved"] for r in turns):
    own = [r for r in turns if r["interleaved"] == name]
    errors = {}
    for r in own:
        errors.update(r["errors"])
    stopped = "; ".join(f"{os.path.basename(f)}: {m}" for f, m in errors.items()) or "none"
    print(f"| {name} | {spread([r['xxgk'] for r in own], lambda v: f'{v:.2f}')} "
          f"| {spread([r['peer'] for r in own], lambda v: f'{v:.2f}')} "
          f"| {spread([r['xxgk'] / r['peer'] for r in own if r['peer']], lambda v: f'{v:.1f}×') or '—'} "
          f"| {stopped} |")
PY
