"""Readable output for the programs: TensorFlow's logs kept out of the way.

The training program and the tutorial example call ``quiet_tensorflow`` before
anything imports TensorFlow.  It hides what TensorFlow prints on its own
account: the C++ log lines of the import (CPU features, CUDA probing, oneDNN),
of a session (``Local rendezvous is aborting``, ``Enqueue operation was
cancelled`` when the queue runners are stopped at a clean end), and the Python
deprecation warnings of the ``tf.compat.v1`` API.  Errors are not hidden: they
reach the programs as exceptions and are printed there.

A variable the user set (``TF_CPP_MIN_LOG_LEVEL``) is left as set, and
``verbose=True`` (the programs' ``--verbose``) changes nothing at all.  This
module changes process-wide state, so the library itself never calls it.
"""
from __future__ import absolute_import, division, print_function

import contextlib
import logging
import os
import sys
import warnings

VERBOSE_FLAG = "--verbose"


def wants_verbose(argv=None):
  """True when `argv` (default ``sys.argv[1:]``) holds ``--verbose``."""
  argv = sys.argv[1:] if argv is None else argv
  return VERBOSE_FLAG in argv


@contextlib.contextmanager
def _stderr_to_devnull():
  """Points file descriptor 2 at /dev/null for the block (C++ writes too)."""
  try:
    sys.stderr.flush()
    saved = os.dup(2)
  except (OSError, ValueError, AttributeError):
    yield
    return
  devnull = os.open(os.devnull, os.O_WRONLY)
  try:
    os.dup2(devnull, 2)
    yield
  finally:
    os.dup2(saved, 2)
    os.close(saved)
    os.close(devnull)


def quiet_tensorflow(verbose=False, import_only=False):
  """Imports TensorFlow with its own log output hidden; returns the module.

  Args:
    verbose: True leaves every setting alone and imports TensorFlow plainly.
    import_only: hide only what the import itself prints (CPU features,
      CUDA probing), leaving the log level, TensorFlow's logger and the
      warning filters as they are -- for running somebody else's program.

  Returns:
    The ``tensorflow`` module.

  Raises:
    ImportError: TensorFlow cannot be imported.  The import is retried with
      stderr open, so its own messages are shown in full.
  """
  if verbose:
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    return tf
  if not import_only:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
  already = "tensorflow" in sys.modules
  try:
    with _stderr_to_devnull():
      import tensorflow as tf  # pylint: disable=g-import-not-at-top
  except ImportError:
    if already:
      raise
    # A failed import is an error: import again with its output visible.
    for name in [m for m in sys.modules if m.split(".")[0] == "tensorflow"]:
      del sys.modules[name]
    import tensorflow as tf  # pylint: disable=g-import-not-at-top,reimported
  if import_only:
    return tf
  tf.get_logger().setLevel(logging.ERROR)
  warnings.filterwarnings("ignore", category=DeprecationWarning)
  warnings.filterwarnings("ignore", category=FutureWarning)
  warnings.filterwarnings("ignore", message=".*deprecated.*")
  return tf
