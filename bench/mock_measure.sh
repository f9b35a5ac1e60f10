#!/bin/sh
# Measures kpmock: update throughput/latency with wrk (keep-alive, loopback) on 64
# sessions and on 1 shared session, then memory with 100,000 stored sessions.
# Usage: bench/mock_measure.sh [path/to/kpmock]   (default build-mock/mock/kpmock)
# Needs: wrk, curl. Prints the figures; changes nothing outside a temp folder.
set -eu
KPMOCK=${1:-build-mock/mock/kpmock}
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM

start() { # start kpmock with extra options; sets PID and URL
    "$KPMOCK" --port 0 --username kpmock --password kpmock "$@" >"$TMP/line" &
    PID=$!
    for _ in $(seq 50); do [ -s "$TMP/line" ] && break; sleep 0.1; done
    URL=$(sed -n 's/^kpmock listening on //p' "$TMP/line")
    [ -n "$URL" ] || { echo "kpmock did not start" >&2; exit 1; }
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=; }
create() {
    curl -s -u kpmock:kpmock -H 'Content-Type: application/json' \
        --data-binary @- "$URL/payments/v1/sessions" <<'JSON' | sed 's/.*"session_id":"\([^"]*\)".*/\1/'
{"purchase_country":"SE","purchase_currency":"SEK","locale":"sv-SE","order_amount":10000,
 "order_tax_amount":2000,"order_lines":[{"type":"physical","name":"Boot","quantity":1,
 "unit_price":10000,"tax_rate":2500,"total_amount":10000,"total_tax_amount":2000}]}
JSON
}
rss() { grep -E '^(VmRSS|VmHWM)' "/proc/$PID/status" | tr -s ' \t\n' '  '; }

echo "== host: $(nproc) CPUs, $(uname -sr)"
start --threads "${KPMOCK_THREADS:-2}" --journal-size 1000
for _ in $(seq 64); do create; echo; done >"$TMP/ids64"
head -1 "$TMP/ids64" >"$TMP/ids1"
echo "== update, 64 sessions: wrk -t2 -c32 -d10s --latency"
KPMOCK_SESSIONS="$TMP/ids64" wrk -t2 -c32 -d10s --latency -s "$HERE/mock_update.lua" "$URL"
echo "== update, 1 shared session: wrk -t2 -c32 -d10s --latency"
KPMOCK_SESSIONS="$TMP/ids1" wrk -t2 -c32 -d10s --latency -s "$HERE/mock_update.lua" "$URL"
echo "== memory after the update runs: $(rss)"
stop

echo "== memory with 100,000 stored sessions (creates until the cap answers 503)"
start --max-sessions 100000
echo "   empty: $(rss)"
n=0
while [ "$n" -lt 100000 ]; do
    wrk -t2 -c32 -d2s -s "$HERE/mock_create.lua" "$URL" >/dev/null
    n=$(curl -s "$URL/__admin/health" | sed 's/.*"sessions":\([0-9]*\).*/\1/')
done
echo "   sessions: $n"
echo "   full:  $(rss)"
stop
