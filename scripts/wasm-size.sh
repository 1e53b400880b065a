#!/usr/bin/env bash
# Prints the gzipped size of every .wasm in the release build and fails above the
# budget (decisions §31: the sum, gzip -9, at most 204,800 bytes).
set -euo pipefail
dir=${1:-dist}
budget=204800
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
printf 'wasm-size: total %d bytes gzip -9 (%d KB) of a %d-byte budget\n' "$total" $((total / 1024)) "$budget"
if [ "$total" -gt "$budget" ]; then
    echo "wasm-size: over budget by $((total - budget)) bytes" >&2
    exit 1
fi
