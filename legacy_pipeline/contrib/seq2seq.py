"""sequence_loss: TF 1.15's tf.contrib.seq2seq.sequence_loss."""
from __future__ import absolute_import, division, print_function

from legacy_pipeline._tf import tf, tf1


def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                  average_across_batch=True, sum_over_timesteps=False,
                  sum_over_batch=False, softmax_loss_function=None, name=None):
  """Weighted cross-entropy of a batch of sequences of logits.

  Args:
    logits: float [batch, time, classes].
    targets: int [batch, time], class ids.
    weights: float [batch, time]; 0 masks a step out.
    average_across_timesteps: divide the sum over time by the weights' sum
      over time.
    average_across_batch: the same over the batch.
    sum_over_timesteps: divide the sum over time by the number of non-zero
      weights over time (instead of their sum).
    sum_over_batch: the same over the batch.
    softmax_loss_function: fn(labels=, logits=) -> per-step loss, instead of
      sparse softmax cross-entropy (it gets [batch * time] labels and
      [batch * time, classes] logits).
    name: name scope (default ``sequence_loss``).

  Returns:
    A scalar when both dimensions are reduced, [batch] or [time] when one
    is, else [batch, time].  Divisions by a zero total give 0.

  Raises:
    ValueError: wrong ranks, or averaging and summing the same dimension.
  """
  if logits.get_shape().ndims != 3:
    raise ValueError("Logits must be a "
                     "[batch_size x sequence_length x logits] tensor")
  if targets.get_shape().ndims != 2:
    raise ValueError("Targets must be a [batch_size x sequence_length] tensor")
  if weights.get_shape().ndims != 2:
    raise ValueError("Weights must be a [batch_size x sequence_length] tensor")
  if average_across_timesteps and sum_over_timesteps:
    raise ValueError("average_across_timesteps and sum_over_timesteps cannot "
                     "be set to True at same time.")
  if average_across_batch and sum_over_batch:
    raise ValueError("average_across_batch and sum_over_batch cannot be set "
                     "to True at same time.")
  with tf1.name_scope(name, "sequence_loss", [logits, targets, weights]):
    flat_logits = tf.reshape(logits, [-1, tf.shape(logits)[2]])
    flat_targets = tf.reshape(targets, [-1])
    if softmax_loss_function is None:
      per_step = tf.nn.sparse_softmax_cross_entropy_with_logits(
          labels=flat_targets, logits=flat_logits)
    else:
      per_step = softmax_loss_function(labels=flat_targets,
                                       logits=flat_logits)
    per_step *= tf.reshape(weights, [-1])

    def total(axis, count_nonzero):
      """Sum over `axis` (None: all) divided by the weights' sum or count."""
      loss = tf.reduce_sum(per_step if axis is None else tf.reshape(
          per_step, tf.shape(logits)[:2]), axis=axis)
      if count_nonzero:
        size = tf.cast(tf.math.count_nonzero(weights, axis=axis), loss.dtype)
      else:
        size = tf.reduce_sum(weights, axis=axis)
      return tf.math.divide_no_nan(loss, size)

    if average_across_timesteps and average_across_batch:
      return total(None, False)
    if sum_over_timesteps and sum_over_batch:
      return total(None, True)
    if average_across_timesteps or average_across_batch:
      return total([0] if average_across_batch else [1], False)
    if sum_over_timesteps or sum_over_batch:
      return total([0] if sum_over_batch else [1], True)
    return tf.reshape(per_step, tf.shape(logits)[:2])
