#!/bin/sh
# Regenerates every golden fixture under test/fixtures with the project venv's torch 2.13
# (`npm run fixtures`). Each script is deterministic: rerunning it gives the same files.
# The torch 1.13 files in test/fixtures/save/*_113* need a torch 1.13 interpreter: see
# scripts/make-save-fixtures.py (--suffix _113).
set -e
cd "$(dirname "$0")/.."
for script in make-fixtures print-cases make-dtype-fixture make-constants-fixtures make-namespace-fixtures \
  make-pyfn-fixtures make-sparse-fixtures make-save-fixtures make-settings-fixtures make-call-forms-fixtures make-tensor-members-fixtures \
  make-nn-core-fixtures coverage-cases; do
  echo "scripts/$script.py"
  .venv/bin/python "scripts/$script.py"
done
