"""TF 1.15's tf.contrib.nn ops that TF 2.x does not have.

``alpha_dropout``, ``scaled_softplus``, the three
``deprecated_flipped_*_cross_entropy_with_logits`` (TF's losses with
``logits`` first), ``sampled_sparse_softmax_loss`` and
``rank_sampled_softmax_loss``; TF 1.15's math, argument names and defaults.
(``conv1d_transpose`` and ``nth_element`` are TF's own ops: ``compat`` routes
them there.)  Graph mode; TF 1.15 and TF 2.x.

Differences from contrib: ``scaled_softplus``'s gradient is TF's automatic
one, equal in value to contrib's hand-written gradient (contrib adds 1e-8
inside a log of the alpha gradient; with ``clip``, a value exactly at the
clip sends its gradient to `x` rather than to `clip`).
``rank_sampled_softmax_loss`` looks the sampled weights up and then reduces,
where contrib reduced next to each weight shard: same numbers.
"""
from __future__ import absolute_import, division, print_function

import numbers

from legacy_pipeline._tf import tf, tf1

__all__ = [
    "alpha_dropout",
    "deprecated_flipped_sigmoid_cross_entropy_with_logits",
    "deprecated_flipped_softmax_cross_entropy_with_logits",
    "deprecated_flipped_sparse_softmax_cross_entropy_with_logits",
    "rank_sampled_softmax_loss",
    "sampled_sparse_softmax_loss",
    "scaled_softplus",
]

# SELU's negative saturation value, -scale * alpha.
_ALPHA_PRIME = -1.7580993408473766


def alpha_dropout(x, keep_prob, noise_shape=None, seed=None, name=None):  # pylint: disable=invalid-name
  """Dropout that keeps a SELU network's mean and variance (Klambauer 2017).

  Dropped units are set to SELU's saturation value, then the result is
  scaled and shifted so that a zero-mean unit-variance input stays so.

  Args:
    x: float tensor.
    keep_prob: scalar in (0, 1], the probability to keep each unit.
    noise_shape: 1-D int32 shape of the keep/drop draws (default
      ``shape(x)``), broadcast against `x`.
    seed: op seed (see ``tf.compat.v1.set_random_seed``).
    name: name scope (default ``alpha_dropout``).

  Returns:
    A tensor shaped like `x` (`x` itself when `keep_prob` is constant 1).

  Raises:
    ValueError: a Python `keep_prob` outside (0, 1], or a non-scalar one.
  """
  with tf1.name_scope(name, "alpha_dropout", [x]):
    x = tf.convert_to_tensor(x, name="x")
    if isinstance(keep_prob, numbers.Real) and not 0 < keep_prob <= 1.:
      raise ValueError("keep_prob must be a scalar tensor or a float in the "
                       "range (0, 1], got %g" % keep_prob)
    keep_prob = tf.convert_to_tensor(keep_prob, dtype=x.dtype,
                                     name="keep_prob")
    keep_prob.get_shape().assert_has_rank(0)
    if tf.get_static_value(keep_prob) == 1:
      return x
    if noise_shape is None:
      noise_shape = tf.shape(x)
    draws = tf1.random_uniform(noise_shape, seed=seed, dtype=x.dtype)
    kept = tf.cast(tf.greater_equal(draws, 1 - keep_prob), x.dtype)
    x = x * kept + _ALPHA_PRIME * (1 - kept)
    a = (keep_prob + keep_prob * (1 - keep_prob) * _ALPHA_PRIME ** 2) ** -0.5
    b = -a * _ALPHA_PRIME * (1 - keep_prob)
    return a * x + b


def scaled_softplus(x, alpha, clip=None, name=None):
  """``y = alpha * log(1 + exp(x / alpha))``, or ``min(y, clip)``.

  Tends to ``relu(x)`` as `alpha` -> 0 (to ``relu6`` with ``clip=6``).

  Args:
    x: float tensor.
    alpha: tensor > 0 broadcastable to `x`, the smoothness.
    clip: optional upper bound.
    name: name scope (default ``scaled_softplus``).

  Returns:
    The broadcast result, differentiable in `x`, `alpha` and `clip`.
  """
  inputs = [x, alpha] + ([clip] if clip is not None else [])
  with tf1.name_scope(name, "scaled_softplus", inputs):
    x = tf.convert_to_tensor(x, name="x")
    alpha = tf.convert_to_tensor(alpha, dtype=x.dtype, name="alpha")
    y = alpha * tf.nn.softplus(x / alpha)
    if clip is not None:
      clip = tf.convert_to_tensor(clip, dtype=x.dtype, name="clip")
      y = tf.minimum(y, clip)
    return y


def deprecated_flipped_softmax_cross_entropy_with_logits(logits, labels,
                                                         dim=-1, name=None):
  """``tf.compat.v1.nn.softmax_cross_entropy_with_logits``, logits first.

  Args:
    logits: unscaled log probabilities.
    labels: a probability distribution per row (no gradient flows to them).
    dim: the class dimension.
    name: op name.

  Returns:
    The per-row loss.
  """
  return tf1.nn.softmax_cross_entropy_with_logits(labels=labels,
                                                  logits=logits, dim=dim,
                                                  name=name)


def deprecated_flipped_sparse_softmax_cross_entropy_with_logits(logits,
                                                                labels,
                                                                name=None):
  """``tf.nn.sparse_softmax_cross_entropy_with_logits``, logits first.

  Args:
    logits: [d_0, ..., d_{r-2}, num_classes] unscaled log probabilities.
    labels: [d_0, ..., d_{r-2}] int class ids.
    name: op name.

  Returns:
    The loss, shaped like `labels`.
  """
  return tf1.nn.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                         logits=logits,
                                                         name=name)


def deprecated_flipped_sigmoid_cross_entropy_with_logits(logits, targets,
                                                         name=None):
  """``tf.nn.sigmoid_cross_entropy_with_logits``, logits first.

  Args:
    logits: float tensor.
    targets: tensor of the same type and shape.
    name: op name.

  Returns:
    The elementwise logistic loss.
  """
  return tf1.nn.sigmoid_cross_entropy_with_logits(labels=targets,
                                                  logits=logits, name=name)


def _rank_resample(weights, biases, inputs, sampled_values, num_resampled,
                   resampling_temperature, partition_strategy):
  """Keeps the `num_resampled` sampled classes of highest LogSumExp logit.

  A class's score is ``logsumexp_j(w . x_j / T) + b / T`` over the rows x_j
  of `inputs`.

  Returns:
    (resampled classes, true expected count, their sampled expected count).
  """
  sampled, true_expected, sampled_expected = sampled_values
  sampled = tf.cast(tf.stop_gradient(sampled), tf.int64)
  true_expected = tf.stop_gradient(true_expected)
  sampled_expected = tf.stop_gradient(sampled_expected)
  scaled_inputs = inputs / resampling_temperature
  sampled_w = tf1.nn.embedding_lookup(weights, sampled, partition_strategy)
  scores = tf.reduce_logsumexp(
      tf.matmul(sampled_w, scaled_inputs, transpose_b=True), axis=1)
  sampled_b = tf.reshape(
      tf1.nn.embedding_lookup(biases, sampled, partition_strategy), [-1])
  scores += sampled_b / resampling_temperature
  _, keep = tf.nn.top_k(scores, k=num_resampled, sorted=False)
  return (tf.gather(sampled, indices=keep), true_expected,
          tf.gather(sampled_expected, indices=keep))


def rank_sampled_softmax_loss(weights, biases, labels, inputs, num_sampled,
                              num_resampled, num_classes, num_true,
                              sampled_values, resampling_temperature,
                              remove_accidental_hits, partition_strategy,
                              name=None):
  """Sampled softmax loss over classes resampled by rank (TAPAS, 2017).

  Samples `num_sampled` classes (``learned_unigram_candidate_sampler`` unless
  `sampled_values` is given), keeps the `num_resampled` whose logits summed
  over the batch (LogSumExp at `resampling_temperature`) are highest, and
  returns ``tf.nn.sampled_softmax_loss`` over those.

  Args:
    weights: [num_classes, dim] tensor, or a list of shards.
    biases: [num_classes] tensor, or a list of shards.
    labels: [batch, num_true] int64 target classes.
    inputs: [batch, dim] activations.
    num_sampled: classes sampled first.
    num_resampled: classes kept; less than `num_sampled`.
    num_classes: number of classes.
    num_true: target classes per example.
    sampled_values: (sampled, true_expected_count, sampled_expected_count)
      from a ``*_candidate_sampler``, or None.
    resampling_temperature: scalar temperature of the resampling.
    remove_accidental_hits: mask sampled classes equal to a target.
    partition_strategy: ``"div"`` or ``"mod"`` for sharded weights.
    name: name scope (default ``rank_sampled_softmax_loss``).

  Returns:
    [batch] per-example losses.

  Raises:
    ValueError: `num_sampled` > `num_classes`, `num_sampled` <=
      `num_resampled`, or an unknown `partition_strategy`.
  """
  if num_sampled > num_classes:
    raise ValueError("num_sampled ({}) cannot be greater than num_classes ({})"
                     .format(num_sampled, num_classes))
  if num_sampled <= num_resampled:
    raise ValueError("num_resampled ({}) must be less than num_sampled ({})"
                     .format(num_resampled, num_sampled))
  if partition_strategy not in ("div", "mod"):
    raise ValueError(
        "unsupported partition_strategy ({})".format(partition_strategy))
  with tf1.name_scope(name, "rank_sampled_softmax_loss", [
      weights, biases, labels, inputs, sampled_values, resampling_temperature
  ]) as name:
    if not sampled_values:
      sampled_values = tf1.nn.learned_unigram_candidate_sampler(
          true_classes=labels, num_true=num_true, num_sampled=num_sampled,
          unique=True, range_max=num_classes)
    resampled = _rank_resample(weights, biases, inputs, sampled_values,
                               num_resampled, resampling_temperature,
                               partition_strategy)
    return tf1.nn.sampled_softmax_loss(
        weights=weights, biases=biases, labels=labels, inputs=inputs,
        num_sampled=num_resampled, num_classes=num_classes,
        num_true=num_true, sampled_values=resampled,
        remove_accidental_hits=remove_accidental_hits,
        partition_strategy=partition_strategy, name=name)


def sampled_sparse_softmax_loss(weights, biases, labels, inputs, num_sampled,
                                num_classes, sampled_values=None,
                                remove_accidental_hits=True,
                                partition_strategy="mod",
                                name="sampled_sparse_softmax_loss"):
  """Sampled softmax loss with one target class per example.

  The loss of ``tf.nn.sampled_softmax_loss`` with ``num_true=1`` (contrib
  computed it as a sparse softmax cross-entropy against the true logit; the
  numbers are the same).

  Args:
    weights: [num_classes, dim] tensor, or a list of shards.
    biases: [num_classes] tensor, or a list of shards.
    labels: [batch, 1] int64 target class per example.
    inputs: [batch, dim] activations.
    num_sampled: classes to sample per batch.
    num_classes: number of classes.
    sampled_values: (sampled, true_expected_count, sampled_expected_count),
      or None for ``log_uniform_candidate_sampler``.
    remove_accidental_hits: mask sampled classes equal to the target.
    partition_strategy: ``"div"`` or ``"mod"`` for sharded weights.
    name: name scope.

  Returns:
    [batch] per-example losses.
  """
  return tf1.nn.sampled_softmax_loss(
      weights=weights, biases=biases, labels=labels, inputs=inputs,
      num_sampled=num_sampled, num_classes=num_classes, num_true=1,
      sampled_values=sampled_values,
      remove_accidental_hits=remove_accidental_hits,
      partition_strategy=partition_strategy, name=name)
