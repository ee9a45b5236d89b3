#!/usr/bin/env bash
# Opt-in check, not in CI: replays the 8 216 OpInfo samples the committed fixture leaves out for its input
# element cap (docs/opinfo.md, Caps). Generates them with Python torch (needs .venv) into an ignored
# directory, then replays them through the public JS API (needs dist/: npm run build:ts) and prints the
# figure and every failing call that test/fixtures/opinfo-known-failures.txt does not list.
# Usage: scripts/opinfo-over-cap.sh [--keep]   (--keep: reuse an existing generated fixture)
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=.cache/opinfo-over-cap
if [[ ! -x .venv/bin/python ]]; then
  echo "opinfo-over-cap: .venv/bin/python is missing (scripts/setup.sh installs Python torch)" >&2
  exit 1
fi
if [[ "${1:-}" != --keep || ! -f "$DIR/opinfo-0.json.gz" ]]; then
  rm -rf "$DIR"
  start=$SECONDS
  nice -n 10 .venv/bin/python scripts/make-opinfo-fixtures.py --over-cap "$DIR" 2>&1 | tail -n 1
  echo "generated in $((SECONDS - start)) s"
fi
start=$SECONDS
OPINFO_FIXTURES="$DIR" node --max-old-space-size=8192 scripts/opinfo.mjs --unexpected --failures "$DIR/failures.md"
echo "replayed in $((SECONDS - start)) s (failures by cause: $DIR/failures.md)"
