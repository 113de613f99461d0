#!/usr/bin/env bash
# Look at the print-ready HTML the way a manager will: print it with headless Chromium and turn
# every page into a PNG to open in an image viewer. Not run in CI.
#
#   bash benchmarks/render_check.sh              # examples, Letter and A4, into $OUT
#   OUT=/tmp/render-check bash benchmarks/render_check.sh
#
# Needs chromium and pdftoppm (Debian/Ubuntu: apt-get install -y chromium poppler-utils; with
# INSTALL=1 and root it installs them). What to check on the pictures: the running header
# (document title, person, period) repeats at the top of every page; "Page N of M" bottom right;
# no table row is cut across two pages; headings are not left alone at the bottom of a page;
# the empty review rows are tall enough to write in; signature lines are not split.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
OUT="${OUT:-/tmp/ladderctl-render-check}"
AS_OF="${AS_OF:-2026-11-21}"
REPO="${REPO:-$ROOT/examples}"
LADDERCTL="${LADDERCTL:-$ROOT/.venv/bin/ladderctl}"
PY="${PY:-$ROOT/.venv/bin/python}"
DPI="${DPI:-60}"

if ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null; then
  if [ "${INSTALL:-0}" = 1 ] && [ "$(id -u)" = 0 ]; then
    apt-get update && apt-get install -y chromium poppler-utils fonts-dejavu-core
  else
    echo "render_check: needs chromium and pdftoppm (apt-get install -y chromium poppler-utils)" >&2
    exit 2
  fi
fi

# Until `render-idp` is wired into the `ladderctl` entry point, call the app with it registered.
ladderctl() {
  if "$LADDERCTL" render-idp --help >/dev/null 2>&1; then
    "$LADDERCTL" "$@"
  else
    "$PY" -c 'import sys
from ladderctl.cli import app
from ladderctl.cli import render
render.register(app)
sys.argv[0] = "ladderctl"
app()' "$@"
  fi
}

print_pdf() { # in.html out.pdf
  local profile
  profile="$(mktemp -d)"
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --no-pdf-header-footer \
    --user-data-dir="$profile" --print-to-pdf="$2" "file://$1" 2>/dev/null
  rm -rf "$profile"
}

rm -rf "$OUT"
mkdir -p "$OUT"
for paper in letter a4; do
  ladderctl render-idp --all --format html --paper "$paper" --repo "$REPO" --as-of "$AS_OF" \
    --out "$OUT/$paper" >/dev/null
  ladderctl render-agreement --all --format html --paper "$paper" --repo "$REPO" \
    --as-of "$AS_OF" --out "$OUT/$paper" >/dev/null
  for html in "$OUT/$paper"/*.html; do
    pdf="${html%.html}.pdf"
    print_pdf "$html" "$pdf"
    pdftoppm -png -r "$DPI" "$pdf" "${html%.html}"
    pages="$(ls "${html%.html}"-*.png | wc -l)"
    size="$(pdfinfo "$pdf" 2>/dev/null | awk -F': *' '/Page size/ {print $2}')"
    echo "$paper  $(basename "$pdf")  $pages page(s)  ${size:-?}"
  done
done
echo "PNG pages are in $OUT/letter and $OUT/a4: open them and look."
