"""Console scripts ``tf1-run``, ``tf1-check``, ``tf1-coverage``.

``python -m compat`` looks ``compat`` up on sys.path, whose first entry is the
current folder: in a project that has its own ``compat.py`` (a common py2/py3
helper in old code), it runs that file, prints nothing and exits 0.  These
entry points have a name no project uses, and they load this distribution's
``compat`` package by its location, next to this file, whatever else on
sys.path (``PYTHONPATH=.``) is called ``compat``.

This module imports nothing of TensorFlow: the tools set TensorFlow's
environment first (see compat._cli).
"""
from __future__ import absolute_import, division, print_function

import importlib
import importlib.util
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
_OURS = os.path.join(_HERE, "compat")


def _within_ours(path):
  return bool(path) and os.path.abspath(path).startswith(_OURS + os.sep)


def _own_compat(prog):
  """This distribution's ``compat`` package, imported by its location.

  A ``compat`` that comes first on sys.path and is somebody else's is
  stepped over, with a note on stderr.
  """
  loaded = sys.modules.get("compat")
  if loaded is not None:
    other = None if _within_ours(getattr(loaded, "__file__", None)) else (
        getattr(loaded, "__file__", None) or repr(loaded))
  else:
    spec = importlib.util.find_spec("compat")
    other = None if spec is None or _within_ours(spec.origin) else (
        spec.origin if spec.has_location else
        ", ".join(spec.submodule_search_locations or []))
  if other is not None:
    sys.stderr.write("%s: note: another module named compat (%s) comes first "
                     "on sys.path; using legacy-pipeline's (%s)\n" % (
                         prog, other, _OURS))
    for name in [n for n in sys.modules
                 if n == "compat" or n.startswith("compat.")]:
      del sys.modules[name]
  sys.path.insert(0, _HERE)
  try:
    import compat._cli  # pylint: disable=g-import-not-at-top
  finally:
    sys.path.remove(_HERE)
  return sys.modules["compat._cli"]


def _tool(function_name, prog):
  return getattr(_own_compat(prog), function_name)(sys.argv[1:], prog)


def run():
  """``tf1-run [--quiet] [--keras 2|3] SCRIPT|-m MODULE [ARGS]``."""
  sys.exit(_tool("run_main", "tf1-run"))


def check():
  """``tf1-check [--verbose] [--json] [--keras 2|3] PATH...``."""
  sys.exit(_tool("check_main", "tf1-check"))


def coverage():
  """``tf1-coverage [--json] [--all] [--keras 2|3]``."""
  sys.exit(_tool("coverage_main", "tf1-coverage"))
