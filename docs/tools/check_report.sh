#!/usr/bin/env bash
# Checks a dcec4j report.html: (1) the file references no network resource, (2) opened in headless
# Chromium the page runs without errors and its own load-time check sets the title to the OK marker.
# Exit status: 0 = good; 1 = the page failed a check (the reason is printed); 2 = usage or setup problem.
# Usage: docs/tools/check_report.sh <report.html>      (CHROMIUM=/path/to/chromium to pick the browser)
set -euo pipefail

OK_TITLE='dcec4j report OK'
BUDGET_MS=${CHECK_REPORT_BUDGET_MS:-5000}

fail() { echo "check_report: $html: $*" >&2; exit 1; }
usage() { echo "check_report: $*" >&2; echo "usage: $0 <report.html>" >&2; exit 2; }

[ $# -eq 1 ] || usage "expected one argument, the report file"
html=$1
[ -f "$html" ] || usage "$html: no such file"

# 1. Static: no network references. The report escapes "://" in text, so any literal http(s):// is a
#    reference; protocol-relative "//host" in src/href/url() or an @import would be one too.
# (grep's whole output is kept, then cut: "grep | head" under pipefail could fail on SIGPIPE.)
h1=$(grep -Eion 'https?://[^"'"'"' <>)]*' "$html" || true)
h2=$(grep -Eion '(src|href|srcset|poster|action|data|xlink:href)[[:space:]]*=[[:space:]]*["'"'"']?[[:space:]]*//[^"'"'"' >]*|url\([[:space:]]*["'"'"']?[[:space:]]*//[^)]*|@import' "$html" || true)
hits=$(printf '%s\n%s\n' "$h1" "$h2" | sed '/^$/d')
if [ -n "$hits" ]; then
  fail "references a network resource (the page must be self-contained):
$(printf '%s\n' "$hits" | sed -n '1,5p')"
fi

# 2. Dynamic: headless Chromium, a fresh profile, no network (every host name fails to resolve).
chromium=${CHROMIUM:-}
if [ -z "$chromium" ]; then
  for c in chromium chromium-browser /usr/bin/chromium; do
    if command -v "$c" >/dev/null 2>&1; then chromium=$(command -v "$c"); break; fi
  done
fi
[ -n "$chromium" ] || usage "no Chromium found (install Debian's chromium, or set CHROMIUM)"

work=$(mktemp -d "${TMPDIR:-/tmp}/check_report.XXXXXX")
trap 'rm -rf "$work"' EXIT
abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
# percent-encode the characters that would end or change a file: URL's path
url="file://$(printf '%s' "$abs" | sed -e 's/%/%25/g' -e 's/ /%20/g' -e 's/#/%23/g' -e 's/?/%3F/g')"

status=0
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --disable-extensions \
  --host-resolver-rules='MAP * ~NOTFOUND' --user-data-dir="$work/profile" \
  --enable-logging=stderr --v=0 --virtual-time-budget="$BUDGET_MS" \
  --dump-dom "$url" >"$work/dom.html" 2>"$work/chromium.log" || status=$?
if [ "$status" -ne 0 ]; then
  tail -n 20 "$work/chromium.log" >&2
  fail "chromium exited with status $status"
fi
[ -s "$work/dom.html" ] || fail "chromium dumped an empty DOM (see above)"

# Uncaught errors the browser logged on the console (the page itself also counts console.error calls).
errs=$(grep -E ':CONSOLE' "$work/chromium.log" | grep -Ei 'uncaught|error' || true)
if [ -n "$errs" ]; then
  fail "the page logged errors:
$(printf '%s\n' "$errs" | sed -n '1,10p')"
fi

# The page's own verdict: the title and, on failure, the list in #page-status.
if ! grep -q "<title>$OK_TITLE</title>" "$work/dom.html"; then
  title=$(grep -o '<title>[^<]*</title>' "$work/dom.html" | head -n 1 || true)
  detail=$(awk '/id="page-status"/ { f = 1 } f { print; if (index($0, "</p>")) exit }' "$work/dom.html" \
    | sed -e 's/<\/p>.*//' -e 's/<[^>]*>//g' -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g' || true)
  fail "the OK marker '$OK_TITLE' is missing; the title is '${title:-none}'.
${detail}"
fi

echo "check_report: $html: OK ($(sed -n 's/.*id="page-status"[^>]*>\([^<]*\)<.*/\1/p' "$work/dom.html" | head -n 1))"
