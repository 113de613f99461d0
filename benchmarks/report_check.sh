#!/usr/bin/env bash
# Render the `ladderctl report` HTML dashboard in headless Chromium, to LOOK at it.
#
#   benchmarks/report_check.sh                      # examples/, as of 2026-11-21
#   REPO=/tmp/dept AS_OF=2026-07-01 benchmarks/report_check.sh
#
# Writes, in $OUT (default /tmp):
#   report.html          the dashboard (ladderctl report --format html)
#   report.png           a 1200x2400 screenshot of the top of the page
#   report.pdf           the page printed (checks the print stylesheet)
#   report-page-N.png    each printed page, to look at the sections below the fold
# and checks that the page is self-contained (no external src/href, no script) and that two
# renders are byte-identical. Open the PNGs afterwards: this script cannot judge the picture.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
REPO="${REPO:-$ROOT/examples}"
AS_OF="${AS_OF:-2026-11-21}"
OUT="${OUT:-/tmp}"
mkdir -p "$OUT"

# Chromium and poppler (pdftoppm) if missing; another job may hold the dpkg lock: wait.
if ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null; then
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if apt-get update && apt-get install -y chromium poppler-utils; then
      break
    fi
    echo "apt-get failed (dpkg lock?), retrying in 30 s ($attempt/10)" >&2
    sleep 30
  done
fi

# `report` may not be registered in ladderctl.cli yet: register it on the fly.
ladderctl() {
  "$PYTHON" -c "
from ladderctl.cli import app, report
if not any(c.name == 'report' for c in app.registered_commands):
    report.register(app)
app(prog_name='ladderctl')
" "$@"
}

ladderctl report --repo "$REPO" --as-of "$AS_OF" --format html --out "$OUT/report.html" --force
ladderctl report --repo "$REPO" --as-of "$AS_OF" --format html --out "$OUT/report-again.html" --force
cmp "$OUT/report.html" "$OUT/report-again.html" && echo "deterministic: two renders are byte-identical"
rm -f "$OUT/report-again.html"

if grep -Eiq '(src|href)[[:space:]]*=[[:space:]]*["'"'"']?[[:space:]]*(https?:)?//' "$OUT/report.html"; then
  echo "FAIL: the page loads something from the network" >&2
  exit 1
fi
if grep -qi '<script' "$OUT/report.html"; then
  echo "FAIL: the page has a script" >&2
  exit 1
fi
echo "self-contained: no external src/href, no script; $(grep -o '<svg ' "$OUT/report.html" | wc -l) inline SVG charts"

CHROME=(chromium --headless --no-sandbox --disable-gpu --disable-background-networking
  --disable-component-update --disable-sync --no-first-run)
"${CHROME[@]}" --user-data-dir="$(mktemp -d)" --screenshot="$OUT/report.png" \
  --window-size=1200,2400 "file://$OUT/report.html" 2>/dev/null
"${CHROME[@]}" --user-data-dir="$(mktemp -d)" --no-pdf-header-footer \
  --print-to-pdf="$OUT/report.pdf" "file://$OUT/report.html" 2>/dev/null
rm -f "$OUT"/report-page-*.png
pdftoppm -r 60 -png "$OUT/report.pdf" "$OUT/report-page"
pages=$(pdfinfo "$OUT/report.pdf" | awk '/^Pages:/ {print $2}')
echo "screenshot: $OUT/report.png; printed: $OUT/report.pdf ($pages pages, $OUT/report-page-*.png)"
echo "now LOOK at them."
