"""Decides, once per process, which implementation each fallback uses.

Four choices, all made here and nowhere else:

* saver -- ``"contrib"``: TF 1.x's real ``tf.contrib.training``;
  ``"inhouse"``: ``legacy_pipeline``'s state saver.
* cells -- ``"native"``: ``tf.compat.v1.nn.rnn_cell`` (TF <= 2.15, or
  ``tf_keras`` with ``TF_USE_LEGACY_KERAS=1``); ``"inhouse"``:
  ``legacy_pipeline.nn.cells``.
* layers -- ``"native"``: ``tf.compat.v1.layers.dense`` and a Keras 2
  ``tf.compat.v1.keras`` (both work in graph mode); ``"inhouse"``:
  ``legacy_pipeline.nn.layers`` (``dense``, ``Dense``, ``Sequential``).
* slim -- the rest of ``tf.contrib`` (slim, layers, metrics, framework,
  training's HParams and loops, seq2seq, learn): ``"contrib"``: TF 1.x's real
  modules; ``"tf_slim"``: the maintained ``tf-slim`` package for what it
  ports (slim, layers, metrics, framework's variables and arg scopes,
  training loops) and ``legacy_pipeline.contrib`` for the rest;
  ``"missing"``: as ``tf_slim`` but ``tf-slim`` is not installed, so its
  names raise AttributeError saying so.

``LEGACY_PIPELINE_BACKEND=auto|contrib|inhouse`` overrides: ``auto`` (the
default) prefers contrib and native cells where they exist, ``contrib`` demands
them (error if absent), ``inhouse`` uses the in-house pieces for both.
"""
from __future__ import absolute_import, division, print_function

import collections
import importlib
import os

import tensorflow as tf

from legacy_pipeline.errors import BackendUnavailableError

ENV_VAR = "LEGACY_PIPELINE_BACKEND"
CHOICES = ("auto", "contrib", "inhouse")

Decision = collections.namedtuple(
    "Decision",
    ["tf_version", "saver", "cells", "layers", "slim", "requested",
     "reason"])


def _contrib_available():
  if not tf.version.VERSION.startswith("1."):
    return False, "TF %s has no tf.contrib" % tf.version.VERSION
  try:
    importlib.import_module("tensorflow.contrib.training")
  except ImportError as e:
    return False, "tf.contrib.training does not import: %s" % e
  return True, "tf.contrib.training imports"


def _native_cells_available():
  try:
    tf.compat.v1.nn.rnn_cell.LSTMCell  # pylint: disable=pointless-statement
  except (AttributeError, ImportError) as e:
    return False, "no tf.compat.v1.nn.rnn_cell (%s)" % str(e).split("\n")[0]
  return True, "tf.compat.v1.nn.rnn_cell.LSTMCell exists"


def _graph_mode_keras_available():
  # tf.compat.v1.layers exists exactly when a Keras 2 (TF's own before 2.16,
  # or tf_keras under TF_USE_LEGACY_KERAS=1) backs tf.compat.v1.keras; Keras 3
  # replaces each of its names with an error.
  try:
    tf.compat.v1.layers.dense  # pylint: disable=pointless-statement
    dense_cls = tf.compat.v1.keras.layers.Dense
  except (AttributeError, ImportError) as e:
    return False, "no graph-mode Keras (%s)" % str(e).split("\n")[0]
  return True, "graph-mode Keras 2 (%s)" % dense_cls.__module__.split(".")[0]


def _tf_slim_available():
  try:
    importlib.import_module("tf_slim")
  except ImportError as e:
    return False, "no tf_slim (%s)" % str(e).split("\n")[0]
  return True, "tf_slim imports"


def decide(environ=None):
  """Makes the choice from the installed TF and the environment.

  Args:
    environ: mapping to read LEGACY_PIPELINE_BACKEND from (os.environ if None).

  Returns:
    A Decision(tf_version, saver, cells, layers, slim, requested, reason).

  Raises:
    ValueError: the variable has a value other than auto, contrib, inhouse.
    BackendUnavailableError: contrib was demanded but is not installed.
  """
  environ = os.environ if environ is None else environ
  requested = environ.get(ENV_VAR, "auto").strip().lower() or "auto"
  if requested not in CHOICES:
    raise ValueError("%s=%r: expected one of %s" %
                     (ENV_VAR, environ.get(ENV_VAR), ", ".join(CHOICES)))
  has_contrib, contrib_why = _contrib_available()
  has_cells, cells_why = _native_cells_available()
  has_keras, keras_why = _graph_mode_keras_available()
  has_slim, slim_why = _tf_slim_available()
  slim = "tf_slim" if has_slim else "missing"
  if requested == "inhouse":
    return Decision(tf.version.VERSION, "inhouse", "inhouse", "inhouse", slim,
                    requested, "%s=inhouse; %s" % (ENV_VAR, slim_why))
  if requested == "contrib" and not has_contrib:
    raise BackendUnavailableError(
        "%s=contrib but %s: install tensorflow==1.15.5 (Python 3.7) or unset "
        "%s" % (ENV_VAR, contrib_why, ENV_VAR))
  saver = "contrib" if has_contrib else "inhouse"
  cells = "native" if has_cells else "inhouse"
  layers = "native" if has_keras else "inhouse"
  if has_contrib:
    slim, slim_why = "contrib", "tf.contrib imports"
  return Decision(tf.version.VERSION, saver, cells, layers, slim, requested,
                  "%s; %s; %s; %s" % (contrib_why, cells_why, keras_why,
                                      slim_why))


_DECISION = []


def decision():
  """The process-wide Decision (made on first call, then cached)."""
  if not _DECISION:
    _DECISION.append(decide())
  return _DECISION[0]
