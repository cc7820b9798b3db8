#!/usr/bin/env bash
# Regenerates docs/migration.md's coverage tables (between <!-- coverage:ENV -->
# and <!-- /coverage -->) from the route table, in the tox envs they describe.
# tests/test_routes.py fails when a committed table differs from this output.
# Needs the tox envs (bash scripts/test_matrix.sh --notest builds them).
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=3 PYTHONPATH="$PWD"
PAGE=docs/migration.md
.tox/py311-tf221-keras3/bin/python -m compat coverage --write-readme "$PAGE" py311-tf221-keras3
TF_USE_LEGACY_KERAS=1 .tox/py311-tf221-tfkeras/bin/python -m compat coverage --write-readme "$PAGE" py311-tf221-tfkeras
echo "$PAGE: coverage tables regenerated"
