#!/bin/sh
# The device tool moves at most 64 MiB (tracked files plus `carry`); with .gpu/ (Node, node_modules,
# dist: about 36 MB) the OpInfo/ModuleInfo fixtures (19 MB of .gz) do not fit. `hide` untracks them and
# ignores them in .git/info/exclude for the run (the files stay on disk); `restore` undoes both.
# Usage: sh scripts/gpu-stage.sh hide|restore
set -e
cd "$(dirname "$0")/.."
big="test/fixtures/moduleinfo.json.gz test/fixtures/opinfo test/fixtures/opinfo-errors.json.gz"
exclude=.git/info/exclude
case "${1:-}" in
  hide)
    git rm -rq --cached $big
    for p in $big; do grep -qxF "/$p" "$exclude" 2>/dev/null || echo "/$p" >> "$exclude"; done
    echo "travels: $( (git ls-files -z; git ls-files -z -o --exclude-standard) | xargs -0 du -cb 2>/dev/null | tail -n 1 | cut -f1) bytes + .gpu $(du -sb .gpu | cut -f1) bytes (limit 67108864)"
    ;;
  restore)
    git reset -q -- $big
    for p in $big; do grep -vxF "/$p" "$exclude" > "$exclude.tmp" || true; mv "$exclude.tmp" "$exclude"; done
    git status --short -- $big
    ;;
  *) echo 'usage: sh scripts/gpu-stage.sh hide|restore' >&2; exit 2 ;;
esac
