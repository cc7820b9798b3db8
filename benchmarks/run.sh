#!/usr/bin/env bash
# The one benchmark command: makes the TF 1.15 and TF 2.21 environments (the
# tox envs, without running tests), then runs every benchmark side by side and
# writes benchmarks/results.json, benchmarks/results.md and the generated
# block of docs/benchmarks.md.
# Extra args go to run_all.py (e.g. --reps 5, --quick).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/test_matrix.sh -e py37-tf115,py311-tf221-keras3 --notest >/dev/null
exec .tox/py311-tf221-keras3/bin/python benchmarks/run_all.py \
  --py115 .tox/py37-tf115/bin/python --py221 .tox/py311-tf221-keras3/bin/python "$@"
