"""A sequence classifier over a NextQueuedSequenceBatch.

Stacked LSTMs through ``tf.compat.v1.nn.static_state_saving_rnn`` (states kept
by the state saver between segments), optional dropout, a dense 32-unit ReLU
layer and a logits layer.  The class is either a per-step label sequence or
one int label of the whole sequence (a context feature, repeated over its
steps).  The loss counts every valid step of each segment (``batch.length``)
or only each sequence's last step; padding never contributes.  Accuracy is
reported both ways: per valid timestep, and at each sequence's last step (the
prediction after the whole sequence was read).
"""
from __future__ import absolute_import, division, print_function

import collections

import numpy as np

from legacy_pipeline.nn import cells
from legacy_pipeline.nn import layers
from legacy_pipeline._tf import tf, tf1

Model = collections.namedtuple("Model", [
    "logits", "loss", "loss_sum", "correct", "valid_steps", "predictions",
    "mask", "labels", "last_mask", "last_correct", "last_steps",
    "loss_steps"])

LOSS_ON = ("all", "last")


def state_names(num_layers):
  """((c, h) state names) per layer: ``lstm_<i>_c``, ``lstm_<i>_h``."""
  return tuple(("lstm_%d_c" % i, "lstm_%d_h" % i) for i in range(num_layers))


def initial_states(lstm_size, num_layers):
  """Zero initial states for `state_names(num_layers)`, float32 [lstm_size].

  Args:
    lstm_size: int, units per LSTM layer.
    num_layers: int, the number of LSTM layers.

  Returns:
    dict state name -> numpy zeros of shape [lstm_size].
  """
  return {name: np.zeros([lstm_size], np.float32)
          for pair in state_names(num_layers) for name in pair}


def sequence_classifier(batch, feature, label, num_classes, lstm_size,
                        num_layers, keep_prob=1.0, hidden_units=32, name=None,
                        label_context=None, loss_on="all", native=False):
  """Builds the classifier on one batch of segments.

  Args:
    batch: NextQueuedSequenceBatch whose states are `initial_states(...)`.
    feature: name of the input sequence, `[B, U]` or `[B, U, ...]`, numeric.
    label: name of the int label sequence, `[B, U]`, values in
      `[0, num_classes)`; unused with `label_context`.
    num_classes: 2 for a sigmoid output, more for a softmax.
    lstm_size: units per LSTM layer.
    num_layers: number of stacked LSTM layers.
    keep_prob: dropout keep probability on the LSTM outputs (1.0: none).
    hidden_units: width of the dense ReLU layer.
    name: variable scope (default ``sequence_classifier``).
    label_context: name of an int context feature, `[B]` or `[B, 1]`: the
      class of the whole sequence, the target of each of its steps.
    loss_on: "all" (every valid step) or "last" (each sequence's last step).
    native: build with TF's own cells and ``tf.layers.dense`` (TF 1.x) instead
      of the in-house ones; the variables and math are the same.

  Returns:
    Model: `logits`; `loss` (mean over the steps `loss_on` names) and
    `loss_sum` / `loss_steps`; `correct` / `valid_steps` (per-timestep
    accuracy sums over valid steps); `last_correct` / `last_steps` (sums over
    the last steps of the sequences that end in this batch); `predictions`,
    `labels` (`[B, U]` int32), `mask` (valid steps) and `last_mask` (each
    sequence's last step), float32 `[B, U]`.  The sums aggregate exactly
    across batches.

  Raises:
    ValueError: num_classes < 2, num_layers < 1, an unknown `loss_on`, or the
      feature's per-step shape is not fully defined.
  """
  _check_classifier_args(loss_on, num_classes, num_layers)
  with tf1.variable_scope(name, "sequence_classifier"):
    inputs, num_unroll = _feature_steps(batch, feature)
    lstm, multi, dense = (
        (tf1.nn.rnn_cell.LSTMCell, tf1.nn.rnn_cell.MultiRNNCell,
         tf1.layers.dense) if native else
        (cells.LSTMCell, cells.MultiRNNCell, layers.dense))
    stack = [lstm(lstm_size) for _ in range(num_layers)]
    names = state_names(num_layers)
    if num_layers == 1:
      cell, names = stack[0], names[0]
    else:
      cell = multi(stack)
    outputs, _ = tf1.nn.static_state_saving_rnn(
        cell, inputs, batch, names, sequence_length=batch.length)
    h = tf.stack(outputs, axis=1)  # [B, U, lstm_size]
    if keep_prob < 1.0:
      h = tf1.nn.dropout(h, keep_prob=keep_prob)
    h = dense(h, hidden_units, activation=tf.nn.relu, name="hidden")
    binary = num_classes == 2
    logits = dense(h, 1 if binary else num_classes, name="logits")
    labels = _step_labels(batch, label, label_context, num_unroll)
    logits, per_step, predictions = _per_step_loss(logits, labels, binary)
    mask = tf.sequence_mask(batch.length, num_unroll, dtype=tf.float32)
    last_mask = _last_step_mask(batch, num_unroll)
    hits = tf.cast(tf.equal(predictions, labels), tf.float32)
    loss_mask = mask if loss_on == "all" else last_mask
    loss_sum = tf.reduce_sum(per_step * loss_mask)
    loss_steps = tf.reduce_sum(loss_mask)
    loss = loss_sum / tf.maximum(loss_steps, 1.0)
    return Model(logits=logits, loss=loss, loss_sum=loss_sum,
                 correct=tf.reduce_sum(hits * mask),
                 valid_steps=tf.reduce_sum(mask), predictions=predictions,
                 mask=mask, labels=labels, last_mask=last_mask,
                 last_correct=tf.reduce_sum(hits * last_mask),
                 last_steps=tf.reduce_sum(last_mask), loss_steps=loss_steps)


def _check_classifier_args(loss_on, num_classes, num_layers):
  """Raises sequence_classifier's ValueErrors for its arguments.

  Args:
    loss_on: must be in LOSS_ON.
    num_classes: must be >= 2.
    num_layers: must be >= 1.

  Raises:
    ValueError: one of them is not as above.
  """
  if loss_on not in LOSS_ON:
    raise ValueError("sequence_classifier: loss_on must be one of %s, got %r"
                     % (LOSS_ON, loss_on))
  if num_classes < 2:
    raise ValueError("sequence_classifier: num_classes must be >= 2, got %r" %
                     num_classes)
  if num_layers < 1:
    raise ValueError("sequence_classifier: num_layers must be >= 1, got %r" %
                     num_layers)


def _feature_steps(batch, feature):
  """(list of U float32 [B, depth] step inputs, U) of the feature sequence.

  Raises:
    ValueError: the feature's per-step shape is not fully defined.
  """
  x = batch.sequences[feature]
  shape = x.get_shape()
  if shape.ndims is None or not shape[2:].is_fully_defined():
    raise ValueError("sequence_classifier: feature %r needs a defined "
                     "per-step shape, got %s" % (feature, shape))
  num_unroll = shape.as_list()[1]
  depth = int(np.prod(shape.as_list()[2:])) if shape.ndims > 2 else 1
  x = tf.reshape(tf.cast(x, tf.float32), [-1, num_unroll, depth])
  return tf.unstack(x, num=num_unroll, axis=1), num_unroll


def _step_labels(batch, label, label_context, num_unroll):
  """int32 [B, U] labels: the label sequence, or the context label tiled.

  Args:
    batch: the NextQueuedSequenceBatch.
    label: name of the int label sequence (unused with `label_context`).
    label_context: name of the int context label, or None.
    num_unroll: U, the segment length.

  Returns:
    int32 [B, U] tensor.
  """
  if label_context:
    per_sequence = tf.reshape(
        tf.cast(batch.context[label_context], tf.int32), [-1, 1])
    return tf.tile(per_sequence, [1, num_unroll])
  return tf.cast(batch.sequences[label], tf.int32)


def _per_step_loss(logits, labels, binary):
  """(logits, per-step loss, int32 predictions), sigmoid or softmax.

  Args:
    logits: the logits layer's output, [B, U, 1] when `binary`.
    labels: int32 [B, U] labels.
    binary: one sigmoid output (squeezed to [B, U]) instead of a softmax.

  Returns:
    (logits, per_step, predictions), each [B, U].
  """
  if binary:
    logits = tf.squeeze(logits, -1)
    per_step = tf.nn.sigmoid_cross_entropy_with_logits(
        logits=logits, labels=tf.cast(labels, tf.float32))
    predictions = tf.cast(logits > 0, tf.int32)
  else:
    per_step = tf.nn.sparse_softmax_cross_entropy_with_logits(
        logits=logits, labels=labels)
    predictions = tf.argmax(logits, -1, output_type=tf.int32)
  return logits, per_step, predictions


def _last_step_mask(batch, num_unroll):
  """float32 [B, U]: 1 at the last valid step of each sequence's last segment.

  A segment is its sequence's last when ``sequence == sequence_count - 1``;
  its last valid step is ``length - 1`` (a zero-length segment has none).
  """
  is_last = tf.cast(tf.equal(batch.sequence, batch.sequence_count - 1),
                    tf.float32)
  at_end = tf.one_hot(tf.cast(batch.length, tf.int32) - 1, num_unroll,
                      dtype=tf.float32)
  return at_end * tf.expand_dims(is_last, 1)
