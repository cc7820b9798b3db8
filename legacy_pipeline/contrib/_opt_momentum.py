"""LARSOptimizer and RegAdagradOptimizer: TF 1.15's tf.contrib.opt ports.

LARS (You et al., "Large Batch Training of Convolutional Networks") scales
each variable's learning rate by a trust ratio and runs TF's momentum
kernels (slot ``momentum``).  RegAdagrad is TF's own
``tf.compat.v1.train.AdagradOptimizer`` (slot ``accumulator``) whose
updates can leave the accumulator alone (``avoid_updating_slots``), through
the ``update_slots`` attribute of TF's Adagrad kernels.
"""
from __future__ import absolute_import, division, print_function

import contextlib

from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.contrib import _opt_util as util


class LARSOptimizer(tf1.train.Optimizer):
  """Layer-wise Adaptive Rate Scaling, with momentum.

  For a dense gradient: ``trust_ratio = eeta * |w| / (|g| + weight_decay *
  |w| + epsilon)`` (1 when either norm is 0), ``g += weight_decay * w``,
  then momentum with learning rate ``learning_rate * trust_ratio``.
  Variables whose name contains an entry of `skip_list` get neither the
  ratio nor the decay.  A sparse gradient gets plain momentum (no ratio, no
  decay), as in TF 1.15.
  """

  def __init__(self, learning_rate, momentum=0.9, weight_decay=0.0001,
               eeta=0.001, epsilon=0.0, name="LARSOptimizer", skip_list=None,
               use_nesterov=False):
    """Builds the optimizer.

    Args:
      learning_rate: float or `Tensor`: the base learning rate.
      momentum: float: the momentum.
      weight_decay: float: the weight decay, added to dense gradients.
      eeta: float: LARS coefficient of the trust ratio.
      epsilon: float added to the trust ratio's denominator.
      name: prefix of the operations' and slots' names.
      skip_list: substrings of the names of the variables to update
        without the ratio and decay (e.g. biases, batch norm).
      use_nesterov: use Nesterov momentum.

    Raises:
      ValueError: negative momentum or weight decay.
    """
    if momentum < 0.0:
      raise ValueError("momentum should be positive: %s" % momentum)
    if weight_decay < 0.0:
      raise ValueError("weight_decay should be positive: %s" % weight_decay)
    super(LARSOptimizer, self).__init__(use_locking=False, name=name)
    self._learning_rate = learning_rate
    self._momentum = momentum
    self._weight_decay = weight_decay
    self._eeta = eeta
    self._epsilon = epsilon
    self._name = name
    self._skip_list = skip_list
    self._use_nesterov = use_nesterov
    self._learning_rate_tensor = None
    self._momentum_tensor = None

  def _create_slots(self, var_list):
    for v in var_list:
      self._zeros_slot(v, "momentum", self._name)

  def compute_lr(self, grad, var):
    """The scaled learning rate and the decayed gradient of `var`.

    Args:
      grad: dense gradient of `var`.
      var: the variable.

    Returns:
      (learning rate, gradient): ``learning_rate * trust_ratio`` and
      ``grad + weight_decay * var``, or `learning_rate` and `grad` for a
      variable of the skip list.
    """
    scaled_lr = self._learning_rate
    if self._skip_list is None or not any(v in var.name
                                          for v in self._skip_list):
      w_norm = tf.norm(var, ord=2)
      g_norm = tf.norm(grad, ord=2)
      trust_ratio = tf1.where(
          tf.greater(w_norm, 0),
          tf1.where(
              tf.greater(g_norm, 0),
              (self._eeta * w_norm /
               (g_norm + self._weight_decay * w_norm + self._epsilon)), 1.0),
          1.0)
      scaled_lr = self._learning_rate * trust_ratio
      grad = grad + self._weight_decay * var
    return scaled_lr, grad

  def _apply_dense(self, grad, var):
    scaled_lr, grad = self.compute_lr(grad, var)
    return tf.raw_ops.ApplyMomentum(
        var=var, accum=self.get_slot(var, "momentum"),
        lr=util.cast_like(1.0, var), grad=grad * scaled_lr,
        momentum=util.cast_like(self._momentum, var), use_locking=False,
        use_nesterov=self._use_nesterov)

  def _resource_apply_dense(self, grad, var):
    scaled_lr, grad = self.compute_lr(grad, var)
    return tf.raw_ops.ResourceApplyMomentum(
        var=var.handle, accum=self.get_slot(var, "momentum").handle,
        lr=util.cast_like(1.0, var), grad=grad * scaled_lr,
        momentum=util.cast_like(self._momentum, var), use_locking=False,
        use_nesterov=self._use_nesterov)

  def _apply_sparse(self, grad, var):
    return tf.raw_ops.SparseApplyMomentum(
        var=var, accum=self.get_slot(var, "momentum"),
        lr=util.cast_like(self._learning_rate_tensor, var), grad=grad.values,
        indices=grad.indices,
        momentum=util.cast_like(self._momentum_tensor, var),
        use_locking=self._use_locking,
        use_nesterov=self._use_nesterov).op

  def _resource_apply_sparse(self, grad, var, indices):
    return tf.raw_ops.ResourceSparseApplyMomentum(
        var=var.handle, accum=self.get_slot(var, "momentum").handle,
        lr=tf.cast(self._learning_rate_tensor, grad.dtype), grad=grad,
        indices=indices, momentum=tf.cast(self._momentum_tensor, grad.dtype),
        use_locking=self._use_locking, use_nesterov=self._use_nesterov)

  def _prepare(self):
    self._learning_rate_tensor = tf.convert_to_tensor(
        util.call_if_callable(self._learning_rate), name="learning_rate")
    self._momentum_tensor = tf.convert_to_tensor(
        util.call_if_callable(self._momentum), name="momentum")


class RegAdagradOptimizer(tf1.train.AdagradOptimizer):
  """Adagrad whose updates can leave the accumulator unchanged.

  Inside ``with opt.avoid_updating_slots():`` the updates built apply the
  current accumulator without adding the gradient's square to it, e.g. for
  a regularization loss that should not slow the learning rate down::

    loss_update = opt.minimize(loss)
    with opt.avoid_updating_slots():
      reg_update = opt.minimize(reg_loss)

  Slot ``accumulator`` (TF's Adagrad).
  """

  def __init__(self, learning_rate, initial_accumulator_value=0.1,
               use_locking=False, name="RegAdagrad"):
    """Builds the optimizer.

    Args:
      learning_rate: float or `Tensor`: the learning rate.
      initial_accumulator_value: starting value of the accumulators (> 0).
      use_locking: use locks for the update operations.
      name: prefix of the operations' and slots' names.
    """
    super(RegAdagradOptimizer, self).__init__(
        learning_rate, initial_accumulator_value=initial_accumulator_value,
        use_locking=use_locking, name=name)
    self._should_update_slots = True

  @contextlib.contextmanager
  def avoid_updating_slots(self):
    """Context in which the updates built do not change the accumulators."""
    old = self._should_update_slots
    self._should_update_slots = False
    try:
      yield
    finally:
      self._should_update_slots = old

  def _apply_dense(self, grad, var):
    return tf.raw_ops.ApplyAdagrad(
        var=var, accum=self.get_slot(var, "accumulator"),
        lr=util.cast_like(self._learning_rate_tensor, var), grad=grad,
        use_locking=self._use_locking,
        update_slots=self._should_update_slots)

  def _resource_apply_dense(self, grad, var, update_slots=True):
    del update_slots  # the context decides, as in TF 1.15
    return tf.raw_ops.ResourceApplyAdagrad(
        var=var.handle, accum=self.get_slot(var, "accumulator").handle,
        lr=util.cast_like(self._learning_rate_tensor, grad), grad=grad,
        use_locking=self._use_locking,
        update_slots=self._should_update_slots)

  def _apply_sparse(self, grad, var, update_slots=True):
    del update_slots
    return tf.raw_ops.SparseApplyAdagrad(
        var=var, accum=self.get_slot(var, "accumulator"),
        lr=util.cast_like(self._learning_rate_tensor, var), grad=grad.values,
        indices=grad.indices, use_locking=self._use_locking,
        update_slots=self._should_update_slots)

  def _resource_apply_sparse(self, grad, var, indices, update_slots=True):
    del update_slots
    return tf.raw_ops.ResourceSparseApplyAdagrad(
        var=var.handle, accum=self.get_slot(var, "accumulator").handle,
        lr=tf.cast(self._learning_rate_tensor, grad.dtype), grad=grad,
        indices=indices, use_locking=self._use_locking,
        update_slots=self._should_update_slots)
