#!/usr/bin/env bash
# Prints the gzipped size of every .wasm in the release build, compares the sum with the
# budget, and fails above the ceiling.
#
# The budget (decisions §31) is 204,800 bytes gzip -9 for all .wasm files together. The
# app does not meet it today: README.md "Size" gives the measured breakdown. Until it
# does, the gate fails only above CEILING, a regression guard set a few per cent above the
# size last measured, and every run says loudly how far over the budget the build is.
# Lower CEILING whenever the size drops; never raise it without a new breakdown.
set -euo pipefail
dir=${1:-dist}
budget=204800
# 330,000 since the import and export features, 360,000 since the drivers of issue #13 and
# the graph view, 376,000 since stop 13, 380,000 since the readable camera of issue #15
# (README.md "Size" has the breakdown).
ceiling=${WASM_SIZE_CEILING:-380000}
total=0
shopt -s nullglob
files=("$dir"/*.wasm)
[ ${#files[@]} -gt 0 ] || { echo "wasm-size: no .wasm in $dir/: build first" >&2; exit 1; }
for f in "${files[@]}"; do
    raw=$(stat -c %s "$f")
    gz=$(gzip -9 -c "$f" | wc -c)
    total=$((total + gz))
    printf 'wasm-size: %s: %d bytes raw, %d bytes gzip -9\n' "$(basename "$f")" "$raw" "$gz"
done
printf 'wasm-size: total %d bytes gzip -9 (%d KB); budget %d, ceiling %d\n' \
    "$total" $((total / 1024)) "$budget" "$ceiling"
if [ "$total" -gt "$budget" ]; then
    printf 'wasm-size: OVER BUDGET by %d bytes (%d%%): the 200 KB budget is not met; see README.md "Size"\n' \
        $((total - budget)) $(((total - budget) * 100 / budget))
fi
if [ "$total" -gt "$ceiling" ]; then
    echo "wasm-size: FAIL: above the regression ceiling by $((total - ceiling)) bytes" >&2
    exit 1
fi
