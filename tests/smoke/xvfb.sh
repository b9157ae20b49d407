#!/usr/bin/env bash
# Smoke test of the desktop app in a real X11 window: starts Facturier under
# Xvfb on a fresh data folder, waits for its window, takes a screenshot and
# fails when the screenshot is blank (a single colour).
#
# Usage: tests/smoke/xvfb.sh [SCREENSHOT.png] [-- extra facturier arguments]
# Environment: FACTURIER_BIN (default target/release/facturier),
# FACTURIER_DATA_DIR_FOR_SMOKE (a data folder to open instead of a new one),
# SMOKE_DISPLAY (default :97), SMOKE_TIMEOUT in seconds (default 60).
# Needs the Debian packages xvfb, xdotool and imagemagick.
set -euo pipefail

bin=${FACTURIER_BIN:-target/release/facturier}
screenshot=${1:-target/smoke/window.png}
display=${SMOKE_DISPLAY:-:97}
timeout=${SMOKE_TIMEOUT:-60}
convert_bin=/usr/bin/convert

for tool in Xvfb xdotool import "$convert_bin"; do
    if ! command -v "$tool" >/dev/null; then
        echo "smoke: $tool is missing: apt-get install xvfb xdotool imagemagick" >&2
        exit 2
    fi
done
if [[ ! -x $bin ]]; then
    echo "smoke: $bin not found: run cargo build --release first" >&2
    exit 2
fi

scratch=$(mktemp -d)
data_dir=${FACTURIER_DATA_DIR_FOR_SMOKE:-$scratch/data}
mkdir -p "$(dirname "$screenshot")"
xvfb_pid=""
app_pid=""
cleanup() {
    [[ -n $app_pid ]] && kill "$app_pid" 2>/dev/null || true
    [[ -n $xvfb_pid ]] && kill "$xvfb_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT

# -noreset: without it the server resets when the readiness probe below
# disconnects, and an app that connects during the reset fails to start.
Xvfb "$display" -screen 0 1280x820x24 -nolisten tcp -noreset >"$scratch/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 50); do
    DISPLAY=$display xdotool getdisplaygeometry >/dev/null 2>&1 && break
    sleep 0.2
done

# Force X11 even inside a Wayland session, and the CPU renderer.
env -u WAYLAND_DISPLAY DISPLAY="$display" ICED_BACKEND=tiny-skia \
    "$bin" --data-dir "$data_dir" >"$scratch/app.log" 2>&1 &
app_pid=$!

window=""
for _ in $(seq 1 $((timeout * 5))); do
    if ! kill -0 "$app_pid" 2>/dev/null; then
        echo "smoke: facturier exited before showing a window:" >&2
        cat "$scratch/app.log" >&2
        exit 1
    fi
    window=$(DISPLAY=$display xdotool search --onlyvisible --name '^Facturier' 2>/dev/null | head -n 1 || true)
    [[ -n $window ]] && break
    sleep 0.2
done
if [[ -z $window ]]; then
    echo "smoke: no Facturier window appeared within ${timeout}s" >&2
    cat "$scratch/app.log" >&2
    exit 1
fi

# Give the first frames time to be drawn, then capture the whole screen.
sleep "${SMOKE_SETTLE:-3}"
DISPLAY=$display import -window root "$screenshot"

colours=$("$convert_bin" "$screenshot" -format '%k' info:)
echo "smoke: window $window, screenshot $screenshot with $colours colours"
if (( colours < 8 )); then
    echo "smoke: the screenshot is blank ($colours colours)" >&2
    exit 1
fi
