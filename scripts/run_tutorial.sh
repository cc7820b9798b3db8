#!/usr/bin/env bash
# The main job: reproduce the batch_sequences_with_states tutorial on data it
# makes itself.  Creates .venv-tutorial (newest TensorFlow + matplotlib for
# the loss plot) on first use; arguments go to examples/reproduce_tutorial.py
# (--steps, --seed, --out, --help).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=".venv-tutorial"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check \
    tensorflow matplotlib -e .
fi
exec "$venv/bin/python" examples/reproduce_tutorial.py "$@"
