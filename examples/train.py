"""Graph-mode training script: ``python examples/train.py [flags]``.

The same program as ``python -m legacy_pipeline.train`` (see ``--help``); with
no flags it writes the toy task's data into ``--model-dir`` and trains on it.
"""
from __future__ import absolute_import, division, print_function

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from legacy_pipeline import train  # noqa: E402

if __name__ == "__main__":
  train.main()
