"""``python -m compat``: run a TF 1.x program unedited, or check one first.

See compat._cli for the command lines (``python -m compat --help``); the
console scripts tf1-run, tf1-check and tf1-coverage are the same tools.
"""
from __future__ import absolute_import, division, print_function

import sys

from compat import _cli

if __name__ == "__main__":
  sys.exit(_cli.main(sys.argv))
