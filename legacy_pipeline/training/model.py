"""A per-timestep sequence classifier over a NextQueuedSequenceBatch.

Stacked LSTMs through ``tf.compat.v1.nn.static_state_saving_rnn`` (states kept
by the state saver between segments), optional dropout, a dense 32-unit ReLU
layer and a logits layer; loss and accuracy count only the valid steps of each
segment (``batch.length``), so padding never contributes.
"""
from __future__ import absolute_import, division, print_function

import collections

import numpy as np

from legacy_pipeline.nn import cells
from legacy_pipeline.nn import layers
from legacy_pipeline._tf import tf, tf1

Model = collections.namedtuple("Model", [
    "logits", "loss", "loss_sum", "correct", "valid_steps", "predictions",
    "mask"])


def state_names(num_layers):
  """((c, h) state names) per layer: ``lstm_<i>_c``, ``lstm_<i>_h``."""
  return tuple(("lstm_%d_c" % i, "lstm_%d_h" % i) for i in range(num_layers))


def initial_states(lstm_size, num_layers):
  """Zero initial states for `state_names(num_layers)`, float32 [lstm_size]."""
  return {name: np.zeros([lstm_size], np.float32)
          for pair in state_names(num_layers) for name in pair}


def sequence_classifier(batch, feature, label, num_classes, lstm_size,
                        num_layers, keep_prob=1.0, hidden_units=32, name=None):
  """Builds the classifier on one batch of segments.

  Args:
    batch: NextQueuedSequenceBatch whose states are `initial_states(...)`.
    feature: name of the input sequence, `[B, U]` or `[B, U, ...]`, numeric.
    label: name of the int label sequence, `[B, U]`, values in
      `[0, num_classes)`.
    num_classes: 2 for a sigmoid output, more for a softmax.
    lstm_size: units per LSTM layer.
    num_layers: number of stacked LSTM layers.
    keep_prob: dropout keep probability on the LSTM outputs (1.0: none).
    hidden_units: width of the dense ReLU layer.
    name: variable scope (default ``sequence_classifier``).

  Returns:
    Model(logits, loss, loss_sum, correct, valid_steps, predictions, mask):
    `loss` is the mean over valid steps; `loss_sum`, `correct` and
    `valid_steps` are sums for exact aggregation across batches.

  Raises:
    ValueError: num_classes < 2, num_layers < 1, or the feature's per-step
      shape is not fully defined.
  """
  if num_classes < 2:
    raise ValueError("sequence_classifier: num_classes must be >= 2, got %r" %
                     num_classes)
  if num_layers < 1:
    raise ValueError("sequence_classifier: num_layers must be >= 1, got %r" %
                     num_layers)
  with tf1.variable_scope(name, "sequence_classifier"):
    x = batch.sequences[feature]
    shape = x.get_shape()
    if shape.ndims is None or not shape[2:].is_fully_defined():
      raise ValueError("sequence_classifier: feature %r needs a defined "
                       "per-step shape, got %s" % (feature, shape))
    num_unroll = shape.as_list()[1]
    depth = int(np.prod(shape.as_list()[2:])) if shape.ndims > 2 else 1
    x = tf.reshape(tf.cast(x, tf.float32), [-1, num_unroll, depth])
    inputs = tf.unstack(x, num=num_unroll, axis=1)
    stack = [cells.LSTMCell(lstm_size) for _ in range(num_layers)]
    names = state_names(num_layers)
    if num_layers == 1:
      cell, names = stack[0], names[0]
    else:
      cell = cells.MultiRNNCell(stack)
    outputs, _ = tf1.nn.static_state_saving_rnn(
        cell, inputs, batch, names, sequence_length=batch.length)
    h = tf.stack(outputs, axis=1)  # [B, U, lstm_size]
    if keep_prob < 1.0:
      h = tf1.nn.dropout(h, keep_prob=keep_prob)
    h = layers.dense(h, hidden_units, activation=tf.nn.relu, name="hidden")
    binary = num_classes == 2
    logits = layers.dense(h, 1 if binary else num_classes, name="logits")
    labels = tf.cast(batch.sequences[label], tf.int32)
    if binary:
      logits = tf.squeeze(logits, -1)
      per_step = tf.nn.sigmoid_cross_entropy_with_logits(
          logits=logits, labels=tf.cast(labels, tf.float32))
      predictions = tf.cast(logits > 0, tf.int32)
    else:
      per_step = tf.nn.sparse_softmax_cross_entropy_with_logits(
          logits=logits, labels=labels)
      predictions = tf.argmax(logits, -1, output_type=tf.int32)
    mask = tf.sequence_mask(batch.length, num_unroll, dtype=tf.float32)
    loss_sum = tf.reduce_sum(per_step * mask)
    valid = tf.reduce_sum(mask)
    correct = tf.reduce_sum(
        tf.cast(tf.equal(predictions, labels), tf.float32) * mask)
    loss = loss_sum / tf.maximum(valid, 1.0)
    return Model(logits, loss, loss_sum, correct, valid, predictions, mask)
