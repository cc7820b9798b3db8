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

CELLS = ("RNNCell", "LSTMCell", "BasicLSTMCell", "GRUCell", "MultiRNNCell",
         "LSTMStateTuple")


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
  if _probe.decision().cells == "native":
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    return getattr(tf.compat.v1.nn.rnn_cell, name)
  return getattr(importlib.import_module("legacy_pipeline"), name)


def dense_symbol():
  """``tf.layers.dense`` from the chosen layers backend."""
  if _probe.decision().layers == "native":
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    return tf.compat.v1.layers.dense
  return importlib.import_module("legacy_pipeline.nn.layers").dense
