#!/usr/bin/env bash
# Installs what the build and the tests need, and nothing that is already there.
#
# Idempotent: each step checks the installed version first and is skipped when it
# matches, so a second run takes seconds. Everything comes from crates.io, npm and
# Debian's archive; no tool is allowed to download a browser or a binary of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

command -v cargo >/dev/null || die "cargo is missing: this project needs the machine's Rust toolchain (rustup)."
command -v npm >/dev/null || die "npm is missing: install Node.js 20 or newer."

# 1. The wasm32 target (decisions §37).
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown \
        || die "could not add the wasm32-unknown-unknown target with rustup; add it by hand and run again."
fi

# 2. Debian's Chromium and ChromeDriver, for wasm-bindgen-test and Playwright.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing Debian's chromium and chromium-driver"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# 3. wasm-bindgen-cli at exactly the version Cargo.lock resolves (without --locked: its
#    own lock file pins a crate this registry does not carry).
WBG_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
[ -n "$WBG_VERSION" ] || die "cannot read the wasm-bindgen version from Cargo.lock."
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WBG_VERSION" ]; then
    say "installing wasm-bindgen-cli $WBG_VERSION (about 6 minutes on 2 cores)"
    cargo install wasm-bindgen-cli --version "$WBG_VERSION" --force
fi

# 4. Trunk 0.21.14 (0.22 needs a newer rustc than the machine has).
if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "installing trunk $TRUNK_VERSION (about 11 minutes on 2 cores)"
    cargo install trunk --version "$TRUNK_VERSION" --locked --force
fi

# 5. npm packages, pinned in package-lock.json: binaryen's wasm-opt, Playwright and
#    Lighthouse 12.2.3 (`make lighthouse`; 13 wants Node 22). Lighthouse drives Debian's
#    Chromium through puppeteer-core, which downloads no browser.
if ! npm ls --depth=0 >/dev/null 2>&1; then
    say "installing npm packages (binaryen, playwright, lighthouse)"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 \
        npm ci --no-audit --no-fund --loglevel=error
fi

# 6. Crates, so that Trunk's offline cargo runs find them.
cargo fetch --quiet
