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
"""
from __future__ import absolute_import, division, print_function

from legacy_pipeline.saver.batching import batch_sequences_with_states
from legacy_pipeline.nn.cells import BasicLSTMCell
from legacy_pipeline.saver.datasets import batch_sequences_with_states_from_dataset
from legacy_pipeline.saver.constant_input import constant_input_allowed
from legacy_pipeline.saver.datasets import sequence_example_dataset
from legacy_pipeline.nn.cells import GRUCell
from legacy_pipeline.nn.cells import LSTMCell
from legacy_pipeline.nn.cells import LSTMStateTuple
from legacy_pipeline.nn.cells import MultiRNNCell
from legacy_pipeline.nn.cells import RNNCell
from legacy_pipeline.errors import Error
from legacy_pipeline.nn.keras.layers import Dense
from legacy_pipeline.nn.keras.models import Sequential
from legacy_pipeline.nn.layers import dense
from legacy_pipeline.saver.runners import queue_runners
from legacy_pipeline.saver.state_saver import NextQueuedSequenceBatch
from legacy_pipeline.saver.state_saver import SequenceQueueingStateSaver
from legacy_pipeline.saver.watchdog import add_stall_watchdog

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
    "batch_sequences_with_states_from_dataset",
    "constant_input_allowed",
    "dense",
    "queue_runners",
    "sequence_example_dataset",
]
