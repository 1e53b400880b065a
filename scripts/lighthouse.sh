#!/usr/bin/env bash
# Lighthouse 12 (the npm package pinned in package.json) on the release build in dist/,
# served compressed by scripts/serve.py as a static host would, in Debian's Chromium.
# Mobile preset (Lighthouse's default: a Moto G Power screen, simulated slow 4G, 4× CPU
# slowdown), performance category only. Runs LH_RUNS times (default 3) and prints each
# run's score, LCP, TBT, TTI (and FCP, Speed Index, CLS) and their medians. The JSON
# reports go to lighthouse-reports/ (git-ignored). Not part of `make test`: it measures,
# it asserts nothing.
#
#   LH_PORT   port of the server it starts on 127.0.0.1 (default 8098)
#   LH_RUNS   number of runs (default 3)
#   LH_HASH   a fragment to open (e.g. a link's `v2.…`), default none (the seed)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
port=${LH_PORT:-8098}
runs=${LH_RUNS:-3}
out=lighthouse-reports
[ -f dist/index.html ] || { echo "lighthouse: no dist/: build first (make build)" >&2; exit 1; }
command -v lighthouse >/dev/null || { echo "lighthouse: not installed: run scripts/setup.sh" >&2; exit 1; }
mkdir -p "$out"

python3 scripts/serve.py --port "$port" --quiet &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break
    sleep 0.1
done

url="http://127.0.0.1:$port/"
[ -z "${LH_HASH:-}" ] || url="$url#${LH_HASH#\#}"
reports=()
for i in $(seq "$runs"); do
    report="$out/run-$i.json"
    # No browser is downloaded: chrome-launcher starts /usr/bin/chromium with a fresh
    # profile each run (so no cache from the run before).
    lighthouse "$url" --quiet --chrome-path=/usr/bin/chromium \
        --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --disable-quic" \
        --only-categories=performance --no-enable-error-reporting \
        --output=json --output-path="$report" >/dev/null
    reports+=("$report")
done
node scripts/lighthouse-summary.mjs "${reports[@]}"
