"""Decides, once per process, which implementation each fallback uses.

The decision is a set of provider checks (``PROVIDERS``: TF 1.x's contrib,
Keras 2's graph-mode cells and layers, tf-slim) plus the user's request.  The
route table's resolver (compat._routes) reads it for every row: a source
whose provider is unavailable is skipped, and
``LEGACY_PIPELINE_BACKEND=inhouse`` puts in-house ports first.  The
providers lead to four branches, which ``compat.describe()`` reports:

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
     "reason", "providers"])


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


# The providers the route table's sources depend on, each checked once: name
# -> check() returning (available, why).  compat._routes skips a source whose
# provider is unavailable and says so.
PROVIDERS = collections.OrderedDict([
    ("contrib", _contrib_available),         # TF 1.x's own tf.contrib
    ("keras2_cells", _native_cells_available),  # tf.compat.v1.nn.rnn_cell
    ("keras2_layers", _graph_mode_keras_available),  # tf.compat.v1.layers
    ("tf_slim", _tf_slim_available),
])


def decide(environ=None):
  """Makes the choice from the installed TF and the environment.

  Args:
    environ: mapping to read LEGACY_PIPELINE_BACKEND from (os.environ if None).

  Returns:
    A Decision(tf_version, saver, cells, layers, slim, requested, reason,
    providers): `providers` maps each name of PROVIDERS to (available, why);
    saver, cells, layers and slim are the branches they lead to, for
    ``compat.describe()``.

  Raises:
    ValueError: the variable has a value other than auto, contrib, inhouse.
    BackendUnavailableError: contrib was demanded but is not installed.
  """
  environ = os.environ if environ is None else environ
  requested = environ.get(ENV_VAR, "auto").strip().lower() or "auto"
  if requested not in CHOICES:
    raise ValueError("%s=%r: expected one of %s" %
                     (ENV_VAR, environ.get(ENV_VAR), ", ".join(CHOICES)))
  providers = collections.OrderedDict(
      (name, check()) for name, check in PROVIDERS.items())
  has = {name: found for name, (found, _) in providers.items()}
  why = {name: reason for name, (_, reason) in providers.items()}
  slim = "tf_slim" if has["tf_slim"] else "missing"
  if requested == "inhouse":
    return Decision(tf.version.VERSION, "inhouse", "inhouse", "inhouse", slim,
                    requested, "%s=inhouse; %s" % (ENV_VAR, why["tf_slim"]),
                    providers)
  if requested == "contrib" and not has["contrib"]:
    raise BackendUnavailableError(
        "%s=contrib but %s: install tensorflow==1.15.5 (Python 3.7) or unset "
        "%s" % (ENV_VAR, why["contrib"], ENV_VAR))
  saver = "contrib" if has["contrib"] else "inhouse"
  cells = "native" if has["keras2_cells"] else "inhouse"
  layers = "native" if has["keras2_layers"] else "inhouse"
  slim_why = why["tf_slim"]
  if has["contrib"]:
    slim, slim_why = "contrib", "tf.contrib imports"
  return Decision(tf.version.VERSION, saver, cells, layers, slim, requested,
                  "%s; %s; %s; %s" % (why["contrib"], why["keras2_cells"],
                                      why["keras2_layers"], slim_why),
                  providers)


_DECISION = []


def decision():
  """The process-wide Decision (made on first call, then cached)."""
  if not _DECISION:
    _DECISION.append(decide())
  return _DECISION[0]
