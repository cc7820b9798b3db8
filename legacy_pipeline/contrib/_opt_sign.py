"""AddSign and PowerSign (Bello et al., "Neural Optimizer Search with
Reinforcement Learning"): TF 1.15's tf.contrib.opt ports.

Both keep one slot ``m``, the moving average of the gradient, and scale the
gradient by how its sign agrees with ``m``'s.  Dense updates run TF's
``ApplyAddSign``/``ApplyPowerSign`` kernels.  As in TF 1.15, a sparse
gradient is supported on ref variables only (``m`` is updated in full with
the densified gradient); a resource variable with a sparse gradient raises
``NotImplementedError`` from ``tf.compat.v1.train.Optimizer``.
"""
from __future__ import absolute_import, division, print_function

import math

from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.contrib import _opt_util as util


class _SignOptimizer(tf1.train.Optimizer):
  """What AddSign and PowerSign share: the slot, sign decay, sparse path.

  Subclasses set ``_kernels`` (ref kernel, resource kernel), name the
  tensor of their second hyper-parameter (``_param_name``, the kernel's
  argument ``_param_arg``) and implement ``_param_value`` and
  ``_multiplier``.
  """

  _kernels = (None, None)
  _param_name = None
  _param_arg = None

  def __init__(self, learning_rate, param, beta, sign_decay_fn, use_locking,
               name):
    super(_SignOptimizer, self).__init__(use_locking, name)
    self._lr = learning_rate
    self._param = param
    self._beta = beta
    self._sign_decay_fn = sign_decay_fn
    self._lr_t = None
    self._param_t = None
    self._beta_t = None
    self._sign_decay_t = None

  def apply_gradients(self, grads_and_vars, global_step=None, name=None):
    """Optimizer.apply_gradients; calls sign_decay_fn(global_step) first.

    Args:
      grads_and_vars: (gradient, variable) pairs from compute_gradients().
      global_step: optional `Variable` incremented after the update, and
        passed to `sign_decay_fn`.
      name: name of the returned operation (default: the optimizer's).

    Returns:
      The operation applying the gradients.
    """
    if self._sign_decay_fn is not None:
      self._sign_decay_t = tf.convert_to_tensor(
          self._sign_decay_fn(global_step), name="sign_decay")
    return super(_SignOptimizer, self).apply_gradients(
        grads_and_vars, global_step=global_step, name=name)

  def _create_slots(self, var_list):
    for v in var_list:
      self._zeros_slot(v, "m", self._name)

  def _prepare(self):
    self._lr_t = tf.convert_to_tensor(self._lr, name="learning_rate")
    self._beta_t = tf.convert_to_tensor(self._beta, name="beta")
    self._param_t = tf.convert_to_tensor(self._param_value(),
                                         name=self._param_name)
    if self._sign_decay_fn is None:
      self._sign_decay_t = tf.convert_to_tensor(1.0, name="sign_decay")

  def _kernel_args(self, grad, var):
    args = dict(lr=util.cast_like(self._lr_t, var),
                sign_decay=util.cast_like(self._sign_decay_t, var),
                beta=util.cast_like(self._beta_t, var), grad=grad,
                use_locking=self._use_locking)
    args[self._param_arg] = util.cast_like(self._param_t, var)
    return args

  def _apply_dense(self, grad, var):
    return self._kernels[0](var=var, m=self.get_slot(var, "m"),
                            **self._kernel_args(grad, var)).op

  def _resource_apply_dense(self, grad, var):
    return self._kernels[1](var=var.handle,
                            m=self.get_slot(var, "m").handle,
                            **self._kernel_args(grad, var))

  def _apply_sparse(self, grad, var):
    lr_t = util.cast_like(self._lr_t, var)
    beta_t = util.cast_like(self._beta_t, var)
    m = self.get_slot(var, "m")
    dense_grad = tf.convert_to_tensor(grad)
    m_t = tf1.assign(m, (m * beta_t) + (dense_grad * (1 - beta_t)),
                     use_locking=self._use_locking)
    agreement = tf.gather(tf.sign(m_t), grad.indices) * tf.sign(grad.values)
    multiplier = self._multiplier(
        agreement, util.cast_like(self._sign_decay_t, var), var)
    var_update = tf1.scatter_sub(var, grad.indices,
                                 lr_t * multiplier * grad.values,
                                 use_locking=self._use_locking)
    return tf.group(var_update, m_t)

  def _param_value(self):
    raise NotImplementedError

  def _multiplier(self, agreement, sign_decay, var):
    raise NotImplementedError


class AddSignOptimizer(_SignOptimizer):
  """AddSign: ``var -= lr * (alpha + sign_decay * sign(g) * sign(m)) * g``.

  ``m = beta * m + (1 - beta) * g`` (slot ``m``).
  """

  _kernels = (tf.raw_ops.ApplyAddSign, tf.raw_ops.ResourceApplyAddSign)
  _param_name = "alpha"
  _param_arg = "alpha"

  def __init__(self, learning_rate=0.1, alpha=1.0, beta=0.9,
               sign_decay_fn=None, use_locking=False,
               name="AddSignOptimizer"):
    """Builds the optimizer.

    Args:
      learning_rate: float or `Tensor`: the learning rate.
      alpha: float or `Tensor`: the constant term of the multiplier.
      beta: decay rate of the moving average ``m``.
      sign_decay_fn: optional fn(global_step) -> scalar sign decay (e.g.
        linear or cosine decay); default: no decay (1.0).
      use_locking: use locks for the update operations.
      name: prefix of the operations' and slots' names.
    """
    super(AddSignOptimizer, self).__init__(learning_rate, alpha, beta,
                                           sign_decay_fn, use_locking, name)

  def _param_value(self):
    return self._param

  def _multiplier(self, agreement, sign_decay, var):
    return util.cast_like(self._param_t, var) + sign_decay * agreement


class PowerSignOptimizer(_SignOptimizer):
  """PowerSign: ``var -= lr * base ** (sign_decay * sign(g) * sign(m)) * g``.

  ``m = beta * m + (1 - beta) * g`` (slot ``m``).
  """

  _kernels = (tf.raw_ops.ApplyPowerSign, tf.raw_ops.ResourceApplyPowerSign)
  _param_name = "logbase"
  _param_arg = "logbase"

  def __init__(self, learning_rate=0.1, base=math.e, beta=0.9,
               sign_decay_fn=None, use_locking=False,
               name="PowerSignOptimizer"):
    """Builds the optimizer.

    Args:
      learning_rate: float or `Tensor`: the learning rate.
      base: float, the base of the multiplier's power.
      beta: decay rate of the moving average ``m``.
      sign_decay_fn: optional fn(global_step) -> scalar sign decay (e.g.
        linear or cosine decay); default: no decay (1.0).
      use_locking: use locks for the update operations.
      name: prefix of the operations' and slots' names.
    """
    super(PowerSignOptimizer, self).__init__(learning_rate, base, beta,
                                             sign_decay_fn, use_locking, name)

  def _param_value(self):
    return math.log(self._param)

  def _multiplier(self, agreement, sign_decay, var):
    e_t = util.cast_like(math.e, var)
    return tf.pow(e_t, util.cast_like(self._param_t, var) * sign_decay *
                  agreement)
