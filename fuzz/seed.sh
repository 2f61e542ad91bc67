#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ (git-ignored) with the team's fixtures, and the
# shared corpus of real reports when ../shared is beside the repository.
# Usage: fuzz/seed.sh, then e.g.
#   RUSTC_BOOTSTRAP=1 cargo fuzz run check fuzz/corpus/check -- -max_total_time=300
set -euo pipefail
cd "$(dirname "$0")/.."

reports=(examples/reports/* tests/packs/*.txt tests/packs/*/*.txt tests/fixtures/extract/report.txt
  tests/fixtures/extract/*.html tests/nvim/*.txt)
if [ -d ../shared/corpus ]; then
  reports+=(../shared/corpus/seeds/*.txt ../shared/corpus/peer/*.txt)
fi
for target in report check document live relay; do
  mkdir -p "fuzz/corpus/$target"
  cp "${reports[@]}" fuzz/regressions/$target/* "fuzz/corpus/$target/" 2>/dev/null || true
done
mkdir -p fuzz/corpus/pack
cp rules/*.toml tests/packs/*.toml tests/packs/hostile/*.toml fuzz/regressions/pack/* fuzz/corpus/pack/ 2>/dev/null || true
for target in report check document live pack relay; do
  echo "fuzz/corpus/$target: $(ls "fuzz/corpus/$target" | wc -l) files"
done
