"""TF 1.15's tf.contrib.training sampling: rejection, stratified, resampling.

``rejection_sample`` and ``stratified_sample`` keep each example with a
probability and batch the kept ones with ``tf.compat.v1.train.maybe_batch``
(TF's own queue-based batching, the same on TF 1.15 and TF 2.x), so they
register queue runners and end with
``tf.errors.OutOfRangeError`` when their input ends.  The acceptance draw is
``tf.compat.v1.random_uniform([])`` per example, seeded by the graph seed as
in TF 1.15.

``stratified_sample`` accepts class ``i`` with probability
``(t_i / p_i) / max_j(t_j / p_j)`` (``t`` the target class probabilities,
``p`` the data's, given or estimated online from the labels seen), which
makes the batches' class proportions ``t``.

``resample_at_rate`` repeats each row of a batch a Poisson(rate) number of
times (``tf.compat.v1.random_poisson``, the same op and seeding as TF 1.15),
in row order.  ``weighted_resample`` turns weights into rates through a
running mean of the weights (a zero-debiased exponential moving average,
written here as TF 1.15's ``assign_moving_average`` builds it, which TF 2.x
does not export).

Compatibility: TF 1.15 and TF 2.x; graph mode only except
``resample_at_rate``.  Variables are made as in TF 1.15: the
``class_count`` of stratified_sample's online estimate (global,
non-trainable), weighted_resample's local ``estimated_mean`` and the
global non-trainable ``biased`` and ``local_step`` of its debiasing.  On
TF 2.x they are resource variables (TF 1.15: ref variables).
"""
from __future__ import absolute_import, division, print_function

from legacy_pipeline._tf import require_graph_mode, tf, tf1

__all__ = ["rejection_sample", "stratified_sample", "resample_at_rate",
           "weighted_resample"]


def _with_dependencies(dependencies, output):
  """`output` through an identity that runs after `dependencies`."""
  with tf1.name_scope(None, "control_dependency",
                      list(dependencies) + [output]) as scope:
    with tf1.colocate_with(output):
      with tf1.control_dependencies(dependencies):
        return tf.identity(output, name=scope)


def rejection_sample(tensors,
                     accept_prob_fn,
                     batch_size,
                     queue_threads=1,
                     enqueue_many=False,
                     prebatch_capacity=16,
                     prebatch_threads=1,
                     runtime_checks=False,
                     name=None):
  """Batches of examples each kept with probability ``accept_prob_fn(x)``.

  Args:
    tensors: list of tensors of one example (or of a batch of examples with
      `enqueue_many`).
    accept_prob_fn: python function: the example's list of tensors -> float
      scalar acceptance probability in [0, 1].
    batch_size: size of the returned batches.
    queue_threads: threads of the queue that builds the batches.
    enqueue_many: `tensors` hold a batch (first dimension) of examples.
    prebatch_capacity: capacity of the queue that splits batched input into
      single examples (`enqueue_many` only).
    prebatch_threads: threads of that queue.
    runtime_checks: assert at run time that the probability is in [0, 1].
    name: variable scope (default ``rejection_sample``).

  Returns:
    A list like `tensors`, each [batch_size, ...].

  Raises:
    ValueError: with `enqueue_many`, tensors whose first dimensions differ
      or that have no first dimension.
    GraphModeError: called while executing eagerly.
    tf.errors.InvalidArgumentError: (at run time, with `runtime_checks`) a
      probability outside [0, 1].
    tf.errors.OutOfRangeError: (at run time) the input has ended.
  """
  require_graph_mode("rejection_sample")
  with tf1.variable_scope(name, "rejection_sample", tensors):
    tensor_list = [tf.convert_to_tensor(t) for t in tensors]
    if enqueue_many:
      tensor_list = _verify_data_inputs(tensor_list)
      batched = tf1.train.batch(
          tensor_list, batch_size=1, num_threads=prebatch_threads,
          capacity=prebatch_capacity, enqueue_many=True)
      tensor_list = [tf.squeeze(x, [0]) for x in batched]

    prob = accept_prob_fn(tensor_list)
    if runtime_checks:
      prob = tf.identity(
          _with_dependencies([tf1.assert_less_equal(0.0, prob),
                              tf1.assert_less_equal(prob, 1.0)], prob),
          name="prob_with_checks")
    minibatch = tf1.train.maybe_batch(
        tensor_list, keep_input=tf1.random_uniform([]) < prob,
        batch_size=batch_size, num_threads=queue_threads)
    # One tensor in gives one tensor out of a queue: always give a list.
    if isinstance(minibatch, tf.Tensor):
      minibatch = [minibatch]
    return minibatch


def stratified_sample(tensors,
                      labels,
                      target_probs,
                      batch_size,
                      init_probs=None,
                      enqueue_many=False,
                      queue_capacity=16,
                      threads_per_queue=1,
                      name=None):
  """Batches whose class proportions are `target_probs`, by rejection.

  Examples go through one queue of single examples (`queue_capacity`),
  are kept with their class's acceptance probability, and the kept ones are
  batched.  A run-time warning is printed (tf.Print, first 10 times) when
  more than half the examples are rejected.

  Args:
    tensors: list of tensors of one example (or a batch with
      `enqueue_many`).
    labels: int class id of the example (or [batch] with `enqueue_many`),
      in ``[0, num classes)``.
    target_probs: float [num classes], the batches' class proportions (sum
      1).
    batch_size: size of the returned batches.
    init_probs: float [num classes], the data's class proportions, or None
      to estimate them from the labels seen (a non-trainable int64
      ``class_count`` variable, starting at 10 per class).
    enqueue_many: `tensors` and `labels` hold a batch of examples.
    queue_capacity: capacity of the single-example queue.
    threads_per_queue: threads of each of the two queues.
    name: name scope (default ``stratified_sample``).

  Returns:
    ``(data_batch, label_batch)``: a list like `tensors` of
    [batch_size, ...] tensors, and the [batch_size] labels.

  Raises:
    ValueError: probabilities of different lengths or not fully defined,
      labels of the wrong rank, batch dimensions that differ.
    TypeError: labels that are not integers.
    GraphModeError: called while executing eagerly.
    tf.errors.InvalidArgumentError: (at run time) probabilities that are
      negative or do not sum to 1, labels out of range, a class with zero
      initial probability and a non-zero target.
    tf.errors.OutOfRangeError: (at run time) the input has ended.
  """
  require_graph_mode("stratified_sample")
  with tf1.name_scope(name, "stratified_sample", list(tensors) + [labels]):
    tensor_list = [tf.convert_to_tensor(t) for t in tensors]
    labels = tf.convert_to_tensor(labels)
    target_probs = tf.convert_to_tensor(target_probs, dtype=tf.float32)
    if not enqueue_many:
      tensor_list = [tf.expand_dims(t, 0) for t in tensor_list]
      labels = tf.expand_dims(labels, 0)

    init_probs = _initial_probs(init_probs, labels, target_probs)
    tensor_list, labels, [init_probs, target_probs] = _verify_input(
        tensor_list, labels, [init_probs, target_probs])
    accept_probs = _stratified_acceptance(init_probs, target_probs)

    batched = tf1.train.batch(
        tensor_list + [labels], batch_size=1, num_threads=threads_per_queue,
        capacity=queue_capacity, enqueue_many=True)
    val_list = [tf.squeeze(x, [0]) for x in batched[:-1]]
    label = tf.squeeze(batched[-1], [0])

    prob = tf.gather(accept_probs, label)
    batched = tf1.train.maybe_batch(
        val_list + [label], keep_input=tf1.random_uniform([]) < prob,
        batch_size=batch_size, num_threads=threads_per_queue)
    return batched[:-1], batched[-1]


def _initial_probs(init_probs, labels, target_probs):
  """The data's class proportions: `init_probs`, or estimated from `labels`.

  Args:
    init_probs: float [num classes], or None to estimate them.
    labels: the [batch] labels.
    target_probs: float32 [num classes], the target proportions (their
      static shape gives the number of classes).

  Returns:
    float32 [num classes] tensor.

  Raises:
    ValueError: estimating with a `target_probs` not fully defined.
  """
  if init_probs is None:
    # The number of classes comes from target_probs' static shape.
    target_probs.get_shape().assert_is_fully_defined()
    return _estimate_data_distribution(
        labels, target_probs.get_shape().num_elements())
  return tf.convert_to_tensor(init_probs, dtype=tf.float32)


def _stratified_acceptance(init_probs, target_probs):
  """Each class's acceptance probability, checked, warning when too low.

  Asserts (at run time) that no class the data never has is asked for, and
  prints a warning (first 10 times) when more than half the examples are
  rejected.

  Args:
    init_probs: float32 [num classes], the data's class proportions.
    target_probs: float32 [num classes], the target proportions.

  Returns:
    float32 [num classes] acceptance probabilities.
  """
  # A class the data never has cannot be asked for.
  zero_ok = tf1.Assert(
      tf.reduce_all(tf.logical_or(tf.not_equal(init_probs, 0),
                                  tf.equal(target_probs, 0))),
      ["All classes with zero initial probability must also have zero "
       "target probability: ", init_probs, target_probs])
  init_probs = _with_dependencies([zero_ok], init_probs)

  accept_probs = _calculate_acceptance_probabilities(init_probs,
                                                     target_probs)
  proportion_rejected = tf.reduce_sum((1 - accept_probs) * init_probs)
  return tf1.cond(
      tf.less(proportion_rejected, .5),
      lambda: accept_probs,
      lambda: tf1.Print(  # pylint: disable=g-long-lambda
          accept_probs, [accept_probs],
          message="Proportion of examples rejected by sampler is high.",
          first_n=10))


def _estimate_data_distribution(labels, num_classes, smoothing_constant=10):
  """Class proportions of the labels seen so far (counts start at 10).

  Raises:
    ValueError: smoothing_constant is not positive.
  """
  if smoothing_constant <= 0:
    raise ValueError("smoothing_constant must be nonzero.")
  counts = tf1.Variable(
      initial_value=[smoothing_constant] * num_classes, trainable=False,
      name="class_count", dtype=tf.int64)
  counts = counts.assign_add(
      tf.reduce_sum(tf.one_hot(labels, num_classes, dtype=tf.int64), 0))
  # A copy: other threads update the variable while this step normalizes.
  counts = counts + 0
  estimate = tf.truediv(counts, tf.reduce_sum(counts))
  return tf.cast(estimate, tf.float32)


def _verify_data_inputs(tensor_list):
  """Checks that batched tensors share a (static) first dimension.

  Raises:
    ValueError: a tensor without a first dimension, or first dimensions
      that differ.
  """
  for tensor in tensor_list:
    shape = tensor.get_shape().with_rank_at_least(1)
    tf1.dimension_at_index(shape, 0).assert_is_compatible_with(
        tf1.dimension_at_index(tensor_list[0].get_shape(), 0))
  return tensor_list


def _verify_input(tensor_list, labels, probs_list):
  """Build-time shape checks, and run-time asserts on values.

  Returns:
    (tensor_list, labels, probs_list), each behind its run-time checks.

  Raises:
    ValueError: probabilities not fully defined, not 1-D or of different
      lengths; labels not 1-D; batch dimensions that differ.
    TypeError: labels that are not integers.
  """
  checked_probs_list = []
  for probs in probs_list:
    probs.get_shape().assert_is_fully_defined()
    probs.get_shape().assert_has_rank(1)
    tol = 1e-6
    prob_sum = tf.reduce_sum(probs)
    checked_probs_list.append(_with_dependencies([
        tf1.assert_non_negative(probs),
        tf1.assert_less(prob_sum, 1.0 + tol),
        tf1.assert_less(1.0 - tol, prob_sum)], probs))

  prob_length = checked_probs_list[0].get_shape().num_elements()
  for checked in checked_probs_list:
    if checked.get_shape().num_elements() != prob_length:
      raise ValueError("Probability parameters must have the same length.")

  labels.get_shape().assert_has_rank(1)
  for tensor in tensor_list:
    shape = tensor.get_shape().with_rank_at_least(1)
    tf1.dimension_at_index(shape, 0).assert_is_compatible_with(
        tf1.dimension_at_index(labels.get_shape(), 0))

  # The batch size may be dynamic: it must be positive and shared.
  labels_batch_size = tf.shape(labels)[0]
  positive = tf1.assert_positive(labels_batch_size)
  labels = _with_dependencies([positive], labels)
  tensor_list = [
      _with_dependencies([positive, tf1.assert_equal(tf.shape(x)[0],
                                                     labels_batch_size)], x)
      for x in tensor_list]

  labels = _with_dependencies([
      tf1.assert_integer(labels), tf1.assert_non_negative(labels),
      tf1.assert_less(labels, tf.cast(prob_length, labels.dtype))], labels)
  return tensor_list, labels, checked_probs_list


def _calculate_acceptance_probabilities(init_probs, target_probs):
  """Per-class acceptance ``(t_i / p_i) / max_j(t_j / p_j)``; 0/0 gives 0.

  Accepting class i with probability a_i makes its share of the accepted
  examples ``p_i a_i / sum_j(p_j a_j)``; with a_i proportional to t_i / p_i
  that share is t_i, and dividing by the largest ratio keeps every a_i in
  [0, 1] with the fewest rejections.
  """
  ratio = target_probs / init_probs
  ratio = tf.compat.v2.where(tf.math.is_nan(ratio), tf.zeros_like(ratio),
                             ratio)
  return ratio / tf.reduce_max(ratio)


# ----------------------------------------------------------------------------
# Resampling.


def _repeat_range(counts, name=None):
  """[0] * counts[0] + [1] * counts[1] + ...: int32 [sum(counts)].

  Args:
    counts: int32 [n].
    name: name scope (default ``repeat_range``).

  Returns:
    int32 [sum(counts)].
  """
  with tf1.name_scope(name, "repeat_range", [counts]) as scope:
    counts = tf.convert_to_tensor(counts, name="counts")
    size = tf.shape(counts)[0]

    def body(output, i):
      return output.write(i, tf.fill(counts[i:i + 1], i)), i + 1

    pieces, written = tf1.while_loop(
        lambda unused_output, i: i < size, body,
        loop_vars=[tf1.TensorArray(dtype=tf.int32, size=size,
                                   infer_shape=False), 0])
    return tf1.cond(written > 0, pieces.concat,
                    lambda: tf.zeros(shape=[0], dtype=tf.int32), name=scope)


def resample_at_rate(inputs, rates, scope=None, seed=None, back_prop=False):
  """Repeats each row i of `inputs` a Poisson(rates[i]) number of times.

  Args:
    inputs: list of tensors, each [batch_size, ...].
    rates: float [batch_size], the mean number of copies of each row.
    scope: name scope (default ``resample_at_rate``).
    seed: op seed of the Poisson draw.
    back_prop: let gradients through the selection.

  Returns:
    A list like `inputs`, each [n, ...] with n the sum of the draws, rows in
    their input order.
  """
  with tf1.name_scope(scope, "resample_at_rate", list(inputs) + [rates]):
    rates = tf.convert_to_tensor(rates, name="rates")
    counts = tf.cast(tf1.random_poisson(rates, (), rates.dtype, seed=seed),
                     tf.int32)
    indices = _repeat_range(counts)
    if not back_prop:
      indices = tf.stop_gradient(indices)
    return [tf.gather(x, indices) for x in inputs]


def _unique_variable_name(name):
  """`name`, or `name_<k>` if the scope already has a global variable so
  named (unless the scope reuses)."""
  scope = tf1.get_variable_scope()
  if scope.reuse:
    return name
  taken = set(v.op.name for v in scope.global_variables())
  full = scope.name + "/" + name
  if full not in taken:
    return name
  k = 1
  while "%s_%d" % (full, k) in taken:
    k += 1
  return "%s_%d" % (name, k)


def _assign_moving_average(variable, value, decay):
  """TF 1.15's zero-debiased ``assign_moving_average(variable, value, decay)``.

  Keeps ``biased`` (the plain average from 0) and ``local_step`` beside
  `variable` and assigns ``biased / (1 - decay ** local_step)`` to it.

  Returns:
    The new value of `variable`.
  """
  with tf1.name_scope(None, "AssignMovingAvg", [variable, value, decay]):
    rate = tf.convert_to_tensor(1.0 - decay, name="decay")
    if rate.dtype != variable.dtype.base_dtype:
      rate = tf.cast(rate, variable.dtype.base_dtype)
    with tf1.variable_scope(variable.op.name, values=[variable, value, rate]):
      biased = tf1.get_variable(
          _unique_variable_name("biased"),
          initializer=tf1.zeros_initializer(), shape=variable.get_shape(),
          dtype=variable.dtype.base_dtype, trainable=False)
      local_step = tf1.get_variable(
          _unique_variable_name("local_step"), shape=[],
          dtype=variable.dtype.base_dtype,
          initializer=tf1.zeros_initializer(), trainable=False)
    new_biased = tf1.assign_sub(biased, (biased - value) * rate)
    step = tf1.assign_add(local_step, 1)
    bias_factor = 1 - tf.pow(1.0 - rate, step)
    # The assignment takes the scope's own name ("AssignMovingAvg").
    return tf1.assign(variable, new_biased / bias_factor,
                      name=tf1.get_default_graph().get_name_scope() + "/")


def weighted_resample(inputs, weights, overall_rate, scope=None,
                      mean_decay=0.999, seed=None):
  """Resamples rows at rates proportional to `weights`, `overall_rate` on
  average.

  Row i's rate is ``weights[i] * overall_rate / mean``, with ``mean`` a
  running (debiased, `mean_decay`) average of the batches' mean weight.

  Args:
    inputs: list of tensors, each [batch_size, ...].
    weights: float tensor [batch_size].
    overall_rate: the mean rate (python number or scalar).
    scope: name and variable scope (default ``weighted_resample`` for the
      ops, ``estimate_mean`` for the variables).
    mean_decay: decay of the running mean weight.
    seed: op seed of the Poisson draw.

  Returns:
    ``(outputs, rates)``: the resampled `inputs` (each [n, ...]) and the
    float [n] rate each output row was drawn at.

  Raises:
    GraphModeError: called while executing eagerly.
  """
  require_graph_mode("weighted_resample")
  with tf1.name_scope(scope, "weighted_resample", inputs) as op_scope:
    with tf1.variable_scope(scope, "estimate_mean", inputs):
      estimated_mean = tf1.get_local_variable(
          "estimated_mean", initializer=tf.cast(0, weights.dtype),
          dtype=weights.dtype)
      batch_mean = tf.reduce_mean(weights)
      mean = _assign_moving_average(estimated_mean, batch_mean, mean_decay)

    rates = weights * overall_rate / mean
    results = resample_at_rate([rates] + list(inputs), rates, scope=op_scope,
                               seed=seed, back_prop=False)
    return results[1:], results[0]
