# The two commands of the README: `make serve` and `make test`. Both install what is
# missing first (scripts/setup.sh, idempotent), so they work on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER := /usr/bin/chromedriver
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER := wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT := 120
PORT ?= 8080

.PHONY: setup serve build test fmt-check clippy test-native test-wasm size e2e bench lighthouse

setup:
	@scripts/setup.sh

## Build the release app and serve it on http://127.0.0.1:$(PORT)/ as a static host would:
## precompressed (gzip, brotli), application/wasm, cache headers (README "Hosting dist/").
serve: setup build
	@echo "serving dist/ on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	python3 scripts/serve.py --port $(PORT) --bind 127.0.0.1 --dir dist

build:
	trunk build --release --skip-version-check

## Every check: format, lints (native and wasm32), native tests, browser unit tests,
## the release build and its size budget, and the Playwright end-to-end suite.
test: setup fmt-check clippy test-native test-wasm build size e2e
	@echo "make test: all checks passed"

fmt-check:
	cargo fmt --all -- --check

clippy:
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --bins -- -D warnings

test-native:
	cargo test --all-targets
	cargo test --doc

test-wasm:
	cargo test --target wasm32-unknown-unknown --test web

size:
	@scripts/wasm-size.sh dist

e2e:
	npx playwright test

## Lighthouse (mobile preset) on the release build served compressed; prints score, LCP,
## TBT and TTI, writes the JSON reports to lighthouse-reports/. Not part of `make test`.
lighthouse: setup build
	scripts/lighthouse.sh

## Benchmarks (not part of `make test`): criterion for the engine, Playwright for the UI.
bench:
	cargo bench --bench engine
	npx playwright test --config e2e/bench.config.ts
