"""Optimizers of TF 1.15's tf.contrib.opt that wrap another optimizer.

``MovingAverageOptimizer`` (an ExponentialMovingAverage of the variables,
and a saver that swaps them in), ``VariableClippingOptimizer`` (clips
variables' norms after the update), ``MultitaskOptimizerWrapper`` (skips the
update of a variable whose gradient is all zeros), with
``clip_gradients_by_global_norm``, and ``DropStaleGradientOptimizer`` (drops
gradients computed too many global steps ago).

The wrapped optimizer's slots keep its own names; the moving averages are
named ``<var>/ExponentialMovingAverage`` by TF's own
``tf.compat.v1.train.ExponentialMovingAverage``.

Deliberate difference: ``clip_gradients_by_global_norm`` accepts
``IndexedSlices`` gradients (TF 1.15 raised a ValueError from its cond); the
norm is the one TF 1.15 computes for dense gradients.
"""
from __future__ import absolute_import, division, print_function

import contextlib
import types

from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.contrib import _opt_util as util


def _is_all_zeros(grad):
  """Scalar bool: `grad` (a Tensor or IndexedSlices) has no non-zero entry."""
  if isinstance(grad, tf.IndexedSlices):
    grad = grad.values
  return tf.equal(tf.math.count_nonzero(grad), 0)


def _is_variable_list(value):
  """True for a list of variables or a PartitionedVariable (iterable)."""
  if isinstance(value, list):
    return True
  return (not isinstance(value, tf.Variable) and not tf.is_tensor(value) and
          hasattr(value, "__iter__"))


def _saver_dict(var_list):
  """{checkpoint name: variable or list of slices}, as tf1.train.Saver names.

  Args:
    var_list: list, tuple or set of variables or PartitionedVariables.

  Returns:
    The dict.

  Raises:
    TypeError: `var_list` is not a list, tuple or set.
    ValueError: two entries share a name.
  """
  if not isinstance(var_list, (list, tuple, set)):
    raise TypeError("Variables to save should be passed in a dict or a "
                    "list: %s" % (var_list,))
  out = {}
  for var in sorted(var_list, key=lambda x: x.name):
    if _is_variable_list(var):
      name, entry = var.name, list(var)
    else:
      slice_info = getattr(var, "_save_slice_info", None)
      if slice_info:
        out.setdefault(slice_info.full_name, []).append(var)
        continue
      name, entry = var.op.name, var
    if name in out:
      raise ValueError("At least two variables have the same name: %s" % name)
    out[name] = entry
  return out


class MovingAverageOptimizer(tf1.train.Optimizer):
  """Keeps an exponential moving average of the variables it optimizes.

  ``apply_gradients`` runs the wrapped optimizer, then (after it, with
  `sequential_update`) ``ExponentialMovingAverage.apply`` on the updated
  variables.  ``swapping_saver()`` returns a saver that writes each average
  under its variable's name and the variable under its average's name, so
  a model restored from it evaluates with the averages.
  """

  def __init__(self, opt, average_decay=0.9999, num_updates=None,
               sequential_update=True):
    """Wraps `opt`.

    Args:
      opt: a tf.compat.v1.train.Optimizer computing the updates.
      average_decay: decay of the ExponentialMovingAverage.
      num_updates: optional count of updates, for the average's decay
        schedule (see ExponentialMovingAverage).
      sequential_update: update the averages after the optimizer's update
        (else concurrently with it).
    """
    super(MovingAverageOptimizer, self).__init__(False,
                                                 "MovingAverageOptimizer")
    self._optimizer = opt
    self._ema = tf1.train.ExponentialMovingAverage(average_decay,
                                                   num_updates=num_updates)
    self._swapped_variable_name_map = None
    self._sequential_update = sequential_update

  def compute_gradients(self, *args, **kwargs):
    """The wrapped optimizer's compute_gradients."""
    return self._optimizer.compute_gradients(*args, **kwargs)

  def apply_gradients(self, grads_and_vars, global_step=None, name=None):
    """Applies the gradients with the wrapped optimizer, then the averages.

    Args:
      grads_and_vars: (gradient, variable) pairs from compute_gradients().
      global_step: optional `Variable` incremented after the update.
      name: name of the wrapped optimizer's operation.

    Returns:
      An operation ``train_with_avg`` running both.
    """
    train_op = self._optimizer.apply_gradients(
        grads_and_vars, global_step=global_step, name=name)
    var_list = [v for g, v in grads_and_vars if g is not None]
    self._swapped_variable_name_map = {}
    if self._sequential_update:
      with tf.control_dependencies([train_op]):
        ma_op = self._ema.apply(var_list)
    else:
      ma_op = self._ema.apply(var_list)
    for v in var_list:
      v_avg = self._ema.average(v)
      self._swapped_variable_name_map[v.op.name] = v_avg.op.name
      self._swapped_variable_name_map[v_avg.op.name] = v.op.name
    return tf.group(train_op, ma_op, name="train_with_avg")

  def _find_swapped_variable(self, v_name_to_tensor, v_name, tensor):
    """The variable to save under `v_name`: its average's, if it has one."""
    swapped_v_name = self._swapped_variable_name_map.get(v_name, None)
    if swapped_v_name is None:
      return tensor
    if swapped_v_name in v_name_to_tensor:
      return v_name_to_tensor[swapped_v_name]
    raise ValueError(
        ("Variable to swap %s is not part of variables to save. "
         "This breaks MovingAverageOptimizer.") % swapped_v_name)

  def swapping_saver(self, var_list=None, name="swapping_saver", **kwargs):
    """A tf1.train.Saver that swaps the variables and their averages.

    Args:
      var_list: variables to save, as a list or a {name: variable} dict
        (default: all global variables).  Each averaged variable and its
        average must both be in it.
      name: the saver's name.
      **kwargs: more tf1.train.Saver arguments.

    Returns:
      The saver.

    Raises:
      RuntimeError: called before apply_gradients or minimize.
      ValueError: a variable is in `var_list` without its average (or
        the converse).
    """
    if self._swapped_variable_name_map is None:
      raise RuntimeError("Must call apply_gradients or minimize before "
                         "creating the swapping_saver")
    if var_list is None:
      var_list = tf1.global_variables()
    if not isinstance(var_list, dict):
      var_list = _saver_dict(var_list)
    v_name_to_tensor = {}
    for k, tensor_or_list in var_list.items():
      if _is_variable_list(tensor_or_list):
        for tensor in tensor_or_list:
          v_name_to_tensor[tensor.op.name] = tensor
      else:
        v_name_to_tensor[k] = tensor_or_list
    swapped_var_list = {}
    for k, tensor_or_list in var_list.items():
      if isinstance(tensor_or_list, list):
        swapped_var_list[k] = [
            self._find_swapped_variable(v_name_to_tensor, t.op.name, t)
            for t in tensor_or_list]
      else:
        swapped_var_list[k] = self._find_swapped_variable(
            v_name_to_tensor, k, tensor_or_list)
    return tf1.train.Saver(swapped_var_list, name=name, **kwargs)


class VariableClippingOptimizer(tf1.train.Optimizer):
  """Clips variables' norms along given dimensions after each update.

  After the wrapped optimizer's update, each variable of
  `vars_to_clip_dims` is rescaled (``tf.clip_by_norm``) so that its norm
  along the given dimensions is at most `max_norm`; for a sparse gradient
  only the gradient's rows are clipped (unless dimension 0 is among the
  clipped ones).  Typical use: the rows of an embedding matrix.
  """

  def __init__(self, opt, vars_to_clip_dims, max_norm, use_locking=False,
               colocate_clip_ops_with_vars=False, name="VariableClipping"):
    """Wraps `opt`.

    Args:
      opt: a tf.compat.v1.train.Optimizer computing the updates.
      vars_to_clip_dims: {variable: list of dimensions along which to
        compute the norm}.
      max_norm: the largest norm allowed.
      use_locking: use locks for the clipping updates.
      colocate_clip_ops_with_vars: place the norm computations with the
        variables.
      name: name scope of the returned operation.
    """
    super(VariableClippingOptimizer, self).__init__(use_locking, name)
    self._opt = opt
    self._vars_to_clip_dims = [(var, list(clip_dims))
                               for var, clip_dims in vars_to_clip_dims.items()]
    self._max_norm = max_norm
    self._colocate_clip_ops_with_vars = colocate_clip_ops_with_vars

  def _clip_dims(self, var):
    for v, dims in self._vars_to_clip_dims:
      if v is var:
        return dims
    return None

  def compute_gradients(self, *args, **kwargs):
    """The wrapped optimizer's compute_gradients."""
    return self._opt.compute_gradients(*args, **kwargs)

  def get_slot(self, *args, **kwargs):
    """The wrapped optimizer's get_slot."""
    return self._opt.get_slot(*args, **kwargs)

  def get_slot_names(self, *args, **kwargs):
    """The wrapped optimizer's get_slot_names."""
    return self._opt.get_slot_names(*args, **kwargs)

  def apply_gradients(self, grads_and_vars, global_step=None, name=None):
    """Applies the wrapped optimizer's update, then clips.

    Args:
      grads_and_vars: (gradient, variable) pairs from compute_gradients().
      global_step: optional `Variable` incremented after the update.
      name: name of the returned operation (default: the optimizer's).

    Returns:
      The operation updating and clipping the variables.
    """
    with tf1.name_scope(name, self._name) as name:
      update_op = self._opt.apply_gradients(grads_and_vars,
                                            global_step=global_step)
      clip_update_ops = []
      with tf.control_dependencies([update_op]):
        for grad, var in grads_and_vars:
          if grad is None or self._clip_dims(var) is None:
            continue
          with tf1.name_scope("clip_" + var.op.name):
            if isinstance(grad, tf.IndexedSlices):
              clip_update_ops.append(self._clip_sparse(grad, var))
            else:
              clip_update_ops.append(self._clip_dense(var))
      return tf.group(*([update_op] + clip_update_ops), name=name)

  def _clip_dense(self, var):
    with self._maybe_colocate_with(var):
      updated_var_value = var.read_value()
      normalized_var = tf.clip_by_norm(updated_var_value, self._max_norm,
                                       self._clip_dims(var))
      delta = updated_var_value - normalized_var
    with tf1.colocate_with(var):
      return var.assign_sub(delta, use_locking=self._use_locking)

  def _clip_sparse(self, grad, var):
    clip_dims = self._clip_dims(var)
    if 0 in clip_dims:
      tf1.logging.warning("Clipping norm across dims %s for %s is inefficient "
                          "when including sparse dimension 0.", clip_dims,
                          var.op.name)
      return self._clip_dense(var)
    with tf1.colocate_with(var):
      var_subset = tf.gather(var, grad.indices)
    with self._maybe_colocate_with(var):
      normalized_var_subset = tf.clip_by_norm(var_subset, self._max_norm,
                                              clip_dims)
      delta = tf.IndexedSlices(var_subset - normalized_var_subset,
                               grad.indices, grad.dense_shape)
    with tf1.colocate_with(var):
      return var.scatter_sub(delta, use_locking=self._use_locking)

  @contextlib.contextmanager
  def _maybe_colocate_with(self, var):
    if self._colocate_clip_ops_with_vars:
      with tf1.colocate_with(var):
        yield
    else:
      yield


def _skip_zero_gradients(fn, opt):
  """`fn` (a bound _apply method of `opt`) made a no-op on all-zero grads."""

  def wrapper(self, grad, *args, **kwargs):  # pylint: disable=unused-argument
    def call_fn():
      with tf.control_dependencies([fn(grad, *args, **kwargs)]):
        return tf.no_op()
    return util.graph_cond(_is_all_zeros(grad), tf.no_op, call_fn)

  return types.MethodType(wrapper, opt)


class MultitaskOptimizerWrapper(object):
  """Makes an optimizer skip variables whose gradient is all zeros.

  In multi-task training a variable used by one task only gets a zero
  gradient from the others' losses; this wrapper leaves such a variable and
  its slots (e.g. Adam's moments) untouched for that step.  Any other
  attribute is the wrapped optimizer's.
  """

  def __init__(self, opt):
    """Wraps `opt` (its _apply methods are replaced in place).

    Args:
      opt: a tf.compat.v1.train.Optimizer.

    Raises:
      TypeError: `opt` is not a tf.compat.v1.train.Optimizer.
    """
    if not isinstance(opt, tf1.train.Optimizer):
      raise TypeError(
          "Supplied optimizer must be an instance of tf.train.Optimizer")
    self._opt = opt
    for name in ("_apply_dense", "_resource_apply_dense", "_apply_sparse",
                 "_resource_apply_sparse"):
      setattr(self._opt, name,
              _skip_zero_gradients(getattr(self._opt, name), self._opt))

  def __getattr__(self, name):
    return getattr(self._opt, name)


def clip_gradients_by_global_norm(gradients_variables, clip_norm=20.):
  """Clips gradients by their global norm.

  Args:
    gradients_variables: (gradient, variable) pairs; gradients may be None
      or IndexedSlices.
    clip_norm: the largest global norm allowed.

  Returns:
    (list of (clipped gradient, variable) pairs, the global norm).
  """
  gradients, variables = zip(*gradients_variables)
  # TF 1.15 replaced an all-zero gradient by a scalar zero before taking the
  # norm: the norm is the same either way.
  fixed_global_norm = tf1.global_norm(list(gradients))
  gradients, _ = tf1.clip_by_global_norm(list(gradients), clip_norm,
                                         use_norm=fixed_global_norm)
  return list(zip(gradients, variables)), fixed_global_norm


class DropStaleGradientOptimizer(tf1.train.Optimizer):
  """Drops gradients computed more than `staleness` global steps ago.

  ``compute_gradients`` records the global step when the gradients are
  computed; ``apply_gradients`` applies them only when the global step has
  not moved by more than `staleness` since, and otherwise adds 1 to the
  variable ``stale_counter`` (also summarised as "Gradient staleness
  percentage").  Use it through ``minimize`` or both methods, with a global
  step.
  """

  def __init__(self, opt, staleness, use_locking=False,
               name="DropStaleGradient"):
    """Wraps `opt`.

    Args:
      opt: a tf.compat.v1.train.Optimizer computing the updates.
      staleness: the largest number of global steps a gradient may lag.
      use_locking: unused (the wrapped optimizer's setting counts).
      name: name of the optimizer.
    """
    super(DropStaleGradientOptimizer, self).__init__(use_locking, name)
    self._opt = opt
    self._staleness = staleness
    self._local_step = None

  def compute_gradients(self, loss, *args, **kwargs):
    """The wrapped optimizer's compute_gradients, noting the global step."""
    with tf1.colocate_with(loss):
      self._local_step = tf1.train.get_global_step() + 0
    with tf.control_dependencies([self._local_step]):
      loss = tf.identity(loss)
      return self._opt.compute_gradients(loss, *args, **kwargs)

  def get_slot(self, *args, **kwargs):
    """The wrapped optimizer's get_slot."""
    return self._opt.get_slot(*args, **kwargs)

  def get_slot_names(self, *args, **kwargs):
    """The wrapped optimizer's get_slot_names."""
    return self._opt.get_slot_names(*args, **kwargs)

  def apply_gradients(self, grads_and_vars, global_step=None, name=None):
    """Applies the gradients unless they are stale.

    Args:
      grads_and_vars: (gradient, variable) pairs from compute_gradients().
      global_step: the global step `Variable` (required).
      name: name of the wrapped optimizer's operation.

    Returns:
      The update of ``stale_counter`` (0 added when the gradients were
      applied, 1 when dropped).
    """
    with tf1.colocate_with(global_step):
      stale_counter = tf1.get_variable(
          "stale_counter", [], initializer=tf1.zeros_initializer(),
          trainable=False)

    def _accept_gradient_op():
      with tf.control_dependencies([self._opt.apply_gradients(
          grads_and_vars, global_step=global_step, name=name)]):
        return tf.identity(0.0)

    def _drop_gradient_op():
      return tf.identity(1.0)

    gradients = []
    for grad, _ in grads_and_vars:
      if isinstance(grad, tf.Tensor):
        gradients.append(grad)
      elif grad is not None:
        gradients.append(grad.op)
    with tf.control_dependencies(gradients), tf1.colocate_with(global_step):
      staleness = tf.reshape(global_step - self._local_step, shape=())
    conditional_update = stale_counter.assign_add(util.graph_cond(
        tf.less_equal(staleness, self._staleness), _accept_gradient_op,
        _drop_gradient_op))
    tf1.summary.scalar(
        "Gradient staleness percentage",
        stale_counter / (tf.cast(global_step + 1, tf.float32)))
    return conditional_update
