#!/bin/sh
# Manual run of the Neovim end-to-end test: tests/nvim/run.sh [NVIM] [XXGK_BIN]
# (defaults: nvim from PATH, target/debug/xxgk). `cargo test --test editor_nvim`
# does the same for every Neovim it finds.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NVIM=${1:-nvim}
export XXGK_BIN="${2:-${XXGK_BIN:-$ROOT/target/debug/xxgk}}"
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
# keep Neovim from writing shada, swap and lsp.log into $HOME
export XDG_CONFIG_HOME=$D/config XDG_DATA_HOME=$D/data XDG_STATE_HOME=$D/state XDG_CACHE_HOME=$D/cache
export XXGK_NVIM_WORKDIR=$D/work
timeout 90 "$NVIM" --headless -u NONE -i NONE -n \
  --cmd "set rtp+=$ROOT/editors/nvim" \
  -c "luafile $ROOT/tests/nvim/e2e.lua"
rc=$?
echo "$NVIM: exit $rc"
exit $rc
