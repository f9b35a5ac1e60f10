#!/usr/bin/env bash
# report.html in a real browser: headless Chromium opens the sample run's page (every
# outcome, a hostile server's answer), the same run interrupted, and the page of the whole
# suite (every market against the embedded mock). Each must load without a console
# message, show every failing test id and every clause id in the rendered DOM, keep the
# hostile <script> and onerror payloads inert, and give a screenshot that is not blank.
# Chromium missing is a failure, not a skip: ci/install-deps installs it.
# Usage (meson passes these): test_report_browser.sh REPORT_SAMPLE KPCT CASES_DIR
set -euo pipefail
sample_bin=$1 kpct=$2 cases=$3

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "Bail out! chromium not found: install it (apt-get install -y chromium, or ./ci/install-deps)"
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kpct-browser-XXXXXX")
trap 'rm -rf "$work"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }

browse() { # browse PAGE ARGS...: runs headless Chromium on a file page
  local page=$1; shift
  "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d "$work/profile-XXXXXX")" --enable-logging=stderr --v=0 \
    "$@" "file://$page"
}

# png_varied FILE: exit 0 when the PNG decodes and has more than one colour in it.
png_varied() {
  python3 - "$1" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width = 8, b"", 0
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height = struct.unpack(">II", body[:8])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
raw = zlib.decompress(idat)
# filter bytes aside, a blank page decompresses to one repeated pixel value
values = set(raw[i] for i in range(0, len(raw), 97))
sys.exit(0 if len(values) > 8 else 1)
PY
}

# check NAME PAGE RESULTS_DIR: the checks every page must pass
check() {
  local name=$1 page=$2 dir=$3
  local dom="$work/$name.dom.html" log="$work/$name.log" png="$work/$name.png"
  if ! browse "$page" --dump-dom >"$dom" 2>"$log"; then
    not_ok "$name: chromium opens the page" "$(tail -3 "$log")"
    return
  fi
  ok "$name: chromium opens the page"
  if grep -q ':CONSOLE' "$log"; then
    not_ok "$name: no console message (script error, CSP violation)" "$(grep ':CONSOLE' "$log" | head -5)"
  else
    ok "$name: no console message (script error, CSP violation)"
  fi
  if grep -q 'data-js="ok"' "$dom" && grep -q '<pre id="js-errors" class="verdict v-failed" hidden=""></pre>' "$dom"; then
    ok "$name: the page's script ran and reported no error"
  else
    not_ok "$name: the page's script ran and reported no error" "$(grep -o '<pre id="js-errors".\{0,300\}' "$dom")"
  fi
  local missing
  missing=$(python3 - "$dir" "$dom" <<'PY'
import html, json, os, sys
d, dom = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
text = html.unescape(dom)
res = json.load(open(os.path.join(d, "results.json")))
cov = json.load(open(os.path.join(d, "coverage.json")))
want = [t["id"] for t in res["tests"] if t["status"] in ("failed", "errored")]
want += [c["id"] for c in cov["markets"][0]["clauses"]] if cov["markets"] else []
print(" ".join(sorted(set(w for w in want if w not in text))))
PY
)
  if [ -z "$missing" ]; then
    ok "$name: every failing test id and every clause id is in the rendered DOM"
  else
    not_ok "$name: every failing test id and every clause id is in the rendered DOM" "missing: $missing"
  fi
  local scripts
  scripts=$(grep -o '<script' "$dom" | wc -l)
  if [ "$scripts" -eq 1 ] && ! grep -q '<img' "$dom" && ! grep -q '<title>pwned' "$dom"; then
    ok "$name: a hostile server's markup is inert text (one script, no img, title kept)"
  else
    not_ok "$name: a hostile server's markup is inert text (one script, no img, title kept)" \
      "script elements: $scripts" "$(grep -o '<img.\{0,80\}\|<title>.\{0,80\}' "$dom" | head -3)"
  fi
  if browse "$page" --screenshot="$png" --window-size=1280,2000 >/dev/null 2>>"$log" &&
    [ -s "$png" ] && png_varied "$png"; then
    ok "$name: the screenshot is not blank"
  else
    not_ok "$name: the screenshot is not blank" "$(tail -3 "$log")"
  fi
  [ -n "${KPCT_BROWSER_KEEP:-}" ] && cp "$png" "$dom" "$KPCT_BROWSER_KEEP/" || true
}

echo "TAP version 13"
"$sample_bin" "$work/sample"
check sample "$work/sample/report.html" "$work/sample"
check interrupted "$work/sample/interrupted/report.html" "$work/sample/interrupted"
if grep -q 'INTERRUPTED' "$work/interrupted.dom.html"; then
  ok "interrupted: the banner says INTERRUPTED"
else
  not_ok "interrupted: the banner says INTERRUPTED"
fi
rc=0
"$kpct" run "$cases" --market all --out "$work/suite" >"$work/suite.log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
  not_ok "suite: kpct run --market all exits 0" "exit $rc" "$(tail -3 "$work/suite.log")"
fi
check suite "$work/suite/report.html" "$work/suite"
size=$(wc -c <"$work/suite/report.html")
if [ "$size" -lt 3145728 ]; then
  ok "suite: report.html is under 3 MB ($size bytes)"
else
  not_ok "suite: report.html is under 3 MB ($size bytes)"
fi
echo "1..$n"
exit $failed
