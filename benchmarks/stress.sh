#!/usr/bin/env bash
# End-of-input stress (issue 12): makes the TF 1.15 and TF 2.21 tox envs
# (without running tests), then runs `python -m legacy_pipeline.stress` in
# both at once -- each beside one CPU-bound process of its own, and each the
# other's load on a 2-core machine -- and prints, per TF,
# `stress: N passed, M failed`.  Exit status 1 if any run failed.  The runs
# alternate the two stores (the Barrier store and the scheduled store).
# Extra args go to legacy_pipeline.stress (default --runs 2000 --busy 1
# --store both).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/test_matrix.sh -e py37-tf115,py311-tf221-keras3 --notest >/dev/null
export TF_CPP_MIN_LOG_LEVEL=3
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--runs 2000 --busy 1)
status=0
out=$(mktemp -d)
for env in py37-tf115 py311-tf221-keras3; do
  PYTHONPATH="$PWD" ".tox/$env/bin/python" -m legacy_pipeline.stress "${args[@]}" \
    >"$out/$env.log" 2>&1 &
done
wait || status=1
for env in py37-tf115 py311-tf221-keras3; do
  echo "== $env"
  grep -E "failed:|^TF |^stress:" "$out/$env.log" || status=1
  grep -q "stress: [0-9]* passed, 0 failed" "$out/$env.log" || status=1
done
exit $status
