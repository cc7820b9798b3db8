#!/usr/bin/env bash
# Runs the tox matrix (default: every env in tox.ini; pass tox args to narrow,
# e.g. `bash scripts/test_matrix.sh -e py311-tf221`).
#
# tox runs from a private venv pinned below the releases that dropped Python
# 3.7 (virtualenv 20.27 stopped seeding 3.7 environments), so the TF 1.15 env
# keeps working.  Python 3.7 is found on PATH or through pyenv.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=".ci/.toxvenv"
if [ ! -x "$venv/bin/tox" ]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check \
    "tox>=4.11,<4.24" "virtualenv>=20.24,<20.27"
fi

for v in 3.7 3.11; do
  if ! command -v "python$v" >/dev/null 2>&1 || ! "python$v" -V >/dev/null 2>&1; then
    if command -v pyenv >/dev/null 2>&1 && prefix=$(pyenv prefix "$v" 2>/dev/null); then
      PATH="$prefix/bin:$PATH"
    else
      echo "test_matrix: python$v not found (install it, e.g. 'pyenv install $v')" >&2
      exit 2
    fi
  fi
done
export PATH

exec "$venv/bin/tox" "$@"
