"""Public name -> (preferred source, fallback), resolved by the probe."""
from __future__ import absolute_import, division, print_function

import importlib

from compat import _probe

# name: (module when the choice is contrib/native, in-house module)
SAVER = {
    "batch_sequences_with_states": ("tensorflow.contrib.training",
                                    "legacy_pipeline"),
    "SequenceQueueingStateSaver": ("tensorflow.contrib.training",
                                   "legacy_pipeline"),
    "NextQueuedSequenceBatch": ("tensorflow.contrib.training",
                                "legacy_pipeline"),
}

# tf.contrib.<module> names that legacy_pipeline.contrib ports (on TF 1.x the
# real contrib module serves them).
CONTRIB_INHOUSE = {
    "training": ("HParams",),
    "seq2seq": ("sequence_loss",),
    "learn": ("run_n", "run_feeds", "run_feeds_iter"),
    "layers": ("embed_sequence",),
}
_CONTRIB_INHOUSE_MODULES = {
    "training": "legacy_pipeline.contrib.hparams",
    "seq2seq": "legacy_pipeline.contrib.seq2seq",
    "learn": "legacy_pipeline.contrib.learn",
    "layers": "legacy_pipeline.contrib.layers",
}

# tf.nn.rnn_cell names (TF 1.x's own module; on TF 2.x tf.compat.v1's with a
# Keras 2, else legacy_pipeline.nn's).
CELLS = ("RNNCell", "LSTMCell", "BasicLSTMCell", "GRUCell", "MultiRNNCell",
         "LSTMStateTuple", "BasicRNNCell", "DropoutWrapper", "ResidualWrapper",
         "DeviceWrapper")
# tf.contrib.rnn's own names (beyond CELLS) that legacy_pipeline.nn provides
# on TF 2.x, and the tf.compat.v1.nn functions it re-exports.
CONTRIB_RNN_INHOUSE = ("OutputProjectionWrapper", "InputProjectionWrapper",
                       "LSTMBlockCell", "GRUBlockCellV2",
                       "LayerNormBasicLSTMCell", "AttentionCellWrapper",
                       "stack_bidirectional_dynamic_rnn")
CONTRIB_RNN_FROM_NN = ("static_rnn", "static_bidirectional_rnn",
                       "static_state_saving_rnn")
_NN_MODULES = ("legacy_pipeline.nn.cells", "legacy_pipeline.nn.wrappers",
               "legacy_pipeline.nn.rnn")


def saver_symbol(name):
  """The object `name` of the chosen state-saver backend."""
  preferred, fallback = SAVER[name]
  module = preferred if _probe.decision().saver == "contrib" else fallback
  return getattr(importlib.import_module(module), name)


def contrib_symbol(module, name):
  """tf.contrib.<module>.<name> from the chosen backend (probe's `slim`)."""
  if _probe.decision().slim == "contrib":
    return getattr(importlib.import_module("tensorflow.contrib." + module),
                   name)
  return getattr(importlib.import_module(_CONTRIB_INHOUSE_MODULES[module]),
                 name)


def cell_symbol(name):
  """The RNN cell class `name` from the chosen cells backend."""
  if _probe.decision().cells == "native" and name in CELLS:
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    return getattr(tf.compat.v1.nn.rnn_cell, name)
  return inhouse_nn_symbol(name)


def inhouse_nn_symbol(name):
  """legacy_pipeline.nn's class `name` (cells or wrappers)."""
  for module in _NN_MODULES:
    found = getattr(importlib.import_module(module), name, None)
    if found is not None:
      return found
  raise AttributeError("legacy_pipeline.nn has no %s" % name)


def dense_symbol():
  """``tf.layers.dense`` from the chosen layers backend."""
  if _probe.decision().layers == "native":
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    return tf.compat.v1.layers.dense
  return importlib.import_module("legacy_pipeline.nn.layers").dense
