"""legacy-pipeline: TF 1.x segment batching with saved state on any TensorFlow.

Public API (graph mode, ``tf.compat.v1``):

* ``batch_sequences_with_states`` -- contrib's truncated-BPTT batching.
* ``SequenceQueueingStateSaver``, ``NextQueuedSequenceBatch`` -- the state saver.
* ``LSTMCell``, ``BasicLSTMCell``, ``GRUCell``, ``MultiRNNCell``,
  ``LSTMStateTuple``, ``RNNCell`` -- TF 1.x cells for TF builds without them.
* ``dense``, ``Dense``, ``Sequential`` -- ``tf.layers.dense`` and TF 1.15's
  graph-mode Keras ``Dense``/``Sequential`` for TF builds whose Keras cannot
  build graphs (Keras 3); the rest of that Keras is ``legacy_pipeline.nn.keras``.
* ``queue_runners`` -- start/stop/join queue-runner threads safely.
* ``add_stall_watchdog`` -- opt-in: a stalled saver becomes a StallError.
* ``batch_sequences_with_states_from_dataset``, ``sequence_example_dataset``
  -- the state saver fed from tf.data; ``constant_input_allowed`` -- opt out
  of the constant-input check.
* ``batch_sequences_with_states_from_batches``, ``sequence_example_batches``
  -- the same from batches of examples, parsed and placed many per run.
"""
from __future__ import absolute_import, division, print_function

import importlib

# Public name -> the module that defines it.  Imported on first use (PEP 562),
# so `import legacy_pipeline.train` or `legacy_pipeline.quiet` runs before
# TensorFlow is imported and can configure its logging first.
_HOMES = {
    "BasicLSTMCell": "legacy_pipeline.nn.cells",
    "Dense": "legacy_pipeline.nn.keras.layers",
    "Error": "legacy_pipeline.errors",
    "GRUCell": "legacy_pipeline.nn.cells",
    "LSTMCell": "legacy_pipeline.nn.cells",
    "LSTMStateTuple": "legacy_pipeline.nn.cells",
    "MultiRNNCell": "legacy_pipeline.nn.cells",
    "NextQueuedSequenceBatch": "legacy_pipeline.saver.state_saver",
    "RNNCell": "legacy_pipeline.nn.cells",
    "SequenceQueueingStateSaver": "legacy_pipeline.saver.state_saver",
    "Sequential": "legacy_pipeline.nn.keras.models",
    "add_stall_watchdog": "legacy_pipeline.saver.watchdog",
    "batch_sequences_with_states": "legacy_pipeline.saver.batching",
    "batch_sequences_with_states_from_batches": "legacy_pipeline.saver.batched",
    "batch_sequences_with_states_from_dataset": "legacy_pipeline.saver.datasets",
    "constant_input_allowed": "legacy_pipeline.saver.constant_input",
    "dense": "legacy_pipeline.nn.layers",
    "queue_runners": "legacy_pipeline.saver.runners",
    "sequence_example_batches": "legacy_pipeline.saver.batched",
    "sequence_example_dataset": "legacy_pipeline.saver.datasets",
}

__version__ = "0.1.0"

__all__ = [
    "BasicLSTMCell",
    "Dense",
    "Error",
    "GRUCell",
    "LSTMCell",
    "LSTMStateTuple",
    "MultiRNNCell",
    "NextQueuedSequenceBatch",
    "RNNCell",
    "SequenceQueueingStateSaver",
    "Sequential",
    "add_stall_watchdog",
    "batch_sequences_with_states",
    "batch_sequences_with_states_from_batches",
    "batch_sequences_with_states_from_dataset",
    "constant_input_allowed",
    "dense",
    "queue_runners",
    "sequence_example_batches",
    "sequence_example_dataset",
]


def __getattr__(name):
  home = _HOMES.get(name)
  if home is None:
    raise AttributeError("module 'legacy_pipeline' has no attribute %r" % name)
  value = getattr(importlib.import_module(home), name)
  globals()[name] = value
  return value


def __dir__():
  return sorted(set(globals()) | set(_HOMES))
