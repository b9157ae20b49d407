#!/usr/bin/env bash
# Takes the README screenshot of the status board (docs/screenshot-board.png).
# It fills a fresh data folder with the demo company through the command
# line, then opens the app under Xvfb through xvfb.sh and captures the window.
#
# Usage: tests/smoke/screenshot-board.sh [OUTPUT.png]
# Environment: FACTURIER_BIN (default target/release/facturier).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin=${FACTURIER_BIN:-target/release/facturier}
output=${1:-docs/screenshot-board.png}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data="$work/data"
f() { "$bin" --data-dir "$data" "$@"; }

# The Northwind demo company: customers, a catalogue and 830 invoices with
# every status, as a new user sees it after "Open demo data".
f demo
echo "screenshot: demo company in $data"

mkdir -p "$(dirname "$output")"
FACTURIER_BIN=$bin FACTURIER_DATA_DIR_FOR_SMOKE=$data SMOKE_DISPLAY=${SMOKE_DISPLAY:-:98} \
    LANG=${SCREENSHOT_LANG:-en_GB.UTF-8} "$here/xvfb.sh" "$output"
