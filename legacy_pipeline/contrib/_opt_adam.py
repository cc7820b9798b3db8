"""The Adam family of TF 1.15's tf.contrib.opt.

``AdaMaxOptimizer``, ``LazyAdamOptimizer`` and ``NadamOptimizer`` derive from
TF's own ``tf.compat.v1.train.AdamOptimizer`` (unchanged since 1.15): slots
``m`` and ``v``, non-slot ``beta1_power`` (and ``beta2_power`` except for
AdaMax).  ``AdamGSOptimizer`` and ``LazyAdamGSOptimizer`` take the powers of
beta from a global step instead, and keep no non-slot variable.  Dense
updates run TF's training kernels (``ApplyAdaMax``, ``ApplyAdam`` with
``use_nesterov``...); sparse ones are built from gathers and scatters as TF
1.15's were.
"""
from __future__ import absolute_import, division, print_function

from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.contrib import _opt_util as util


def _ref_scatter(fn, use_locking):
  """A scatter(x, i, v) on ref variables from tf1.scatter_add & co."""
  return lambda x, i, v: fn(x, i, v, use_locking=use_locking)


def _lazy_sparse_apply(opt, grad, var, indices, beta1_power, beta2_power,
                       resource):
  """Adam's update of the rows `indices` only (LazyAdam's sparse update).

  Args:
    opt: the optimizer (its ``_lr_t``, ``_beta1_t``, ``_beta2_t``,
      ``_epsilon_t`` and slots).
    grad: the gradient's rows, ``[len(indices)] + var.shape[1:]``.
    var: the variable.
    indices: unique row ids.
    beta1_power, beta2_power: beta1 ** t and beta2 ** t.
    resource: `var` is a resource variable.

  Returns:
    The grouped update of `var`, ``m`` and ``v``.
  """
  beta1_power = util.cast_like(beta1_power, var)
  beta2_power = util.cast_like(beta2_power, var)
  # pylint: disable=protected-access
  lr_t, beta1_t, beta2_t, epsilon_t = [
      util.cast_like(t, var)
      for t in (opt._lr_t, opt._beta1_t, opt._beta2_t, opt._epsilon_t)]
  # pylint: enable=protected-access
  lr = lr_t * tf.sqrt(1 - beta2_power) / (1 - beta1_power)
  m = opt.get_slot(var, "m")
  v = opt.get_slot(var, "v")
  m_t_slice = beta1_t * tf.gather(m, indices) + (1 - beta1_t) * grad
  v_t_slice = (beta2_t * tf.gather(v, indices) +
               (1 - beta2_t) * tf.square(grad))
  step = lr * m_t_slice / (tf.sqrt(v_t_slice) + epsilon_t)
  if resource:
    updates = [
        tf.raw_ops.ResourceScatterSub(resource=var.handle, indices=indices,
                                      updates=step),
        tf.raw_ops.ResourceScatterUpdate(resource=m.handle, indices=indices,
                                         updates=m_t_slice),
        tf.raw_ops.ResourceScatterUpdate(resource=v.handle, indices=indices,
                                         updates=v_t_slice)]
  else:
    locking = opt._use_locking  # pylint: disable=protected-access
    m_t = tf1.scatter_update(m, indices, m_t_slice, use_locking=locking)
    v_t = tf1.scatter_update(v, indices, v_t_slice, use_locking=locking)
    # The step from the rows just written, as TF 1.15 computed it.
    step = lr * tf.gather(m_t, indices) / (
        tf.sqrt(tf.gather(v_t, indices)) + epsilon_t)
    updates = [tf1.scatter_sub(var, indices, step, use_locking=locking),
               m_t, v_t]
  return tf.group(*updates)


class _DenseKernel(object):
  """Dense updates through one of TF's fused training kernels.

  The kernels (``_KERNELS``: the ref-variable op and the resource one, Adam's
  by default) take ``var``, the ``m`` and ``v`` slots and the subclass's
  ``_kernel_args(grad, like)``.
  """

  _KERNELS = ("ApplyAdam", "ResourceApplyAdam")

  def _apply_dense(self, grad, var):
    return getattr(tf.raw_ops, self._KERNELS[0])(
        var=var, m=self.get_slot(var, "m"), v=self.get_slot(var, "v"),
        **self._kernel_args(grad, var)).op

  def _resource_apply_dense(self, grad, var):
    return getattr(tf.raw_ops, self._KERNELS[1])(
        var=var.handle, m=self.get_slot(var, "m").handle,
        v=self.get_slot(var, "v").handle, **self._kernel_args(grad, grad))


class AdaMaxOptimizer(_DenseKernel, tf1.train.AdamOptimizer):
  """AdaMax (Kingma & Ba, section 7): Adam with the infinity norm.

  ``m_t = beta1 * m + (1 - beta1) * g``, ``v_t = max(beta2 * v, |g|)``,
  ``var -= lr / (1 - beta1 ** t) * m_t / (v_t + epsilon)``.  A sparse
  gradient updates only its rows of ``m`` and ``v``.  Slots ``m`` and
  ``v``; non-slot variable ``beta1_power``.
  """

  _KERNELS = ("ApplyAdaMax", "ResourceApplyAdaMax")

  def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999,
               epsilon=1e-8, use_locking=False, name="AdaMax"):
    """Builds the optimizer.

    Args:
      learning_rate: float or `Tensor`: the learning rate.
      beta1: decay rate of the first moment estimates.
      beta2: decay rate of the weighted infinity norm.
      epsilon: small constant for numerical stability.
      use_locking: use locks for the update operations.
      name: prefix of the operations' and slots' names.
    """
    super(AdaMaxOptimizer, self).__init__(learning_rate, beta1, beta2,
                                          epsilon, use_locking, name)

  def _get_beta_accumulators(self):
    graph = None if tf.executing_eagerly() else tf1.get_default_graph()
    return self._get_non_slot_variable("beta1_power", graph=graph)

  def _create_slots(self, var_list):
    first_var = min(var_list, key=lambda x: x.name)
    self._create_non_slot_variable(initial_value=self._beta1,
                                   name="beta1_power",
                                   colocate_with=first_var)
    for v in var_list:
      self._zeros_slot(v, "m", self._name)
      self._zeros_slot(v, "v", self._name)

  def _kernel_args(self, grad, like):
    beta1_power = self._get_beta_accumulators()
    return dict(
        beta1_power=util.cast_like(beta1_power, like),
        lr=util.cast_like(self._lr_t, like),
        beta1=util.cast_like(self._beta1_t, like),
        beta2=util.cast_like(self._beta2_t, like),
        epsilon=util.cast_like(self._epsilon_t, like),
        grad=grad, use_locking=self._use_locking)

  def _apply_sparse_shared(self, grad, var, indices, scatter_add,
                           scatter_update):
    beta1_power = util.cast_like(self._get_beta_accumulators(), var)
    lr_t = util.cast_like(self._lr_t, var)
    beta1_t = util.cast_like(self._beta1_t, var)
    beta2_t = util.cast_like(self._beta2_t, var)
    epsilon_t = util.cast_like(self._epsilon_t, var)
    m = self.get_slot(var, "m")
    m_t_slice = tf.gather(m, indices) * beta1_t + grad * (1 - beta1_t)
    with tf.control_dependencies([m_t_slice]):
      m_t = scatter_update(m, indices, m_t_slice)
    v = self.get_slot(var, "v")
    v_t_slice = tf.maximum(tf.gather(v, indices) * beta2_t, tf.abs(grad))
    with tf.control_dependencies([v_t_slice]):
      v_t = scatter_update(v, indices, v_t_slice)
    var_slice = -lr_t / (1 - beta1_power) * (m_t_slice /
                                             (v_t_slice + epsilon_t))
    with tf.control_dependencies([var_slice]):
      var_update = scatter_add(var, indices, var_slice)
    return tf.group(var_update, m_t, v_t)

  def _apply_sparse(self, grad, var):
    return self._apply_sparse_shared(
        grad.values, var, grad.indices,
        _ref_scatter(tf1.scatter_add, self._use_locking),
        _ref_scatter(tf1.scatter_update, self._use_locking))

  def _resource_scatter_update(self, x, i, v):
    return util.resource_scatter_update(x, i, v)

  def _resource_apply_sparse(self, grad, var, indices):
    return self._apply_sparse_shared(grad, var, indices,
                                     self._resource_scatter_add,
                                     self._resource_scatter_update)

  def _finish(self, update_ops, name_scope):
    with tf.control_dependencies(update_ops):
      beta1_power = self._get_beta_accumulators()
      with tf1.colocate_with(beta1_power):
        update_beta1 = beta1_power.assign(beta1_power * self._beta1_t,
                                          use_locking=self._use_locking)
    return tf.group(*(list(update_ops) + [update_beta1]), name=name_scope)


class LazyAdamOptimizer(tf1.train.AdamOptimizer):
  """Adam whose sparse updates touch only the gradient's rows.

  A dense gradient gets Adam's update; an ``IndexedSlices`` one (from
  ``tf.gather`` or an embedding lookup) updates ``m``, ``v`` and the
  variable on its rows only, leaving the other rows' moments undecayed.
  Slots and non-slot variables are Adam's.
  """

  def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999,
               epsilon=1e-8, use_locking=False, name="Adam"):
    """Builds the optimizer (TF 1.15's AdamOptimizer signature).

    Args:
      learning_rate: float, `Tensor` or callable: the learning rate.
      beta1: decay rate of the first moment estimates.
      beta2: decay rate of the second moment estimates.
      epsilon: "epsilon hat" of the Adam paper, for numerical stability.
      use_locking: use locks for the update operations.
      name: prefix of the operations' and slots' names.
    """
    super(LazyAdamOptimizer, self).__init__(learning_rate, beta1, beta2,
                                            epsilon, use_locking, name)

  def _apply_sparse(self, grad, var):
    beta1_power, beta2_power = self._get_beta_accumulators()
    return _lazy_sparse_apply(self, grad.values, var, grad.indices,
                              beta1_power, beta2_power, resource=False)

  def _resource_apply_sparse(self, grad, var, indices):
    beta1_power, beta2_power = self._get_beta_accumulators()
    return _lazy_sparse_apply(self, grad, var, indices, beta1_power,
                              beta2_power, resource=True)


class NadamOptimizer(_DenseKernel, tf1.train.AdamOptimizer):
  """Adam with Nesterov momentum (Dozat, "Incorporating Nesterov Momentum
  into Adam").

  Dense updates run TF's Adam kernel with ``use_nesterov=True``.  Slots and
  non-slot variables are Adam's.
  """

  def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999,
               epsilon=1e-8, use_locking=False, name="Adam"):
    """Builds the optimizer (TF 1.15's AdamOptimizer signature).

    Args:
      learning_rate: float, `Tensor` or callable: the learning rate.
      beta1: decay rate of the first moment estimates.
      beta2: decay rate of the second moment estimates.
      epsilon: "epsilon hat" of the Adam paper, for numerical stability.
      use_locking: use locks for the update operations.
      name: prefix of the operations' and slots' names.
    """
    super(NadamOptimizer, self).__init__(learning_rate, beta1, beta2,
                                         epsilon, use_locking, name)

  def _kernel_args(self, grad, like):
    beta1_power, beta2_power = self._get_beta_accumulators()
    return dict(
        beta1_power=util.cast_like(beta1_power, like),
        beta2_power=util.cast_like(beta2_power, like),
        lr=util.cast_like(self._lr_t, like),
        beta1=util.cast_like(self._beta1_t, like),
        beta2=util.cast_like(self._beta2_t, like),
        epsilon=util.cast_like(self._epsilon_t, like),
        grad=grad, use_locking=self._use_locking, use_nesterov=True)

  def _apply_sparse_shared(self, grad, var, indices, scatter_add):
    beta1_power, beta2_power = self._get_beta_accumulators()
    beta1_power = util.cast_like(beta1_power, var)
    beta2_power = util.cast_like(beta2_power, var)
    lr_t = util.cast_like(self._lr_t, var)
    beta1_t = util.cast_like(self._beta1_t, var)
    beta2_t = util.cast_like(self._beta2_t, var)
    epsilon_t = util.cast_like(self._epsilon_t, var)
    lr = lr_t * tf.sqrt(1 - beta2_power) / (1 - beta1_power)
    # m and v decay in full, then take the gradient's rows; the Nesterov
    # term uses the rows of the new m (as TF 1.15).
    m = self.get_slot(var, "m")
    m_scaled_g_values = grad * (1 - beta1_t)
    m_t = tf1.assign(m, m * beta1_t, use_locking=self._use_locking)
    with tf.control_dependencies([m_t]):
      m_t = scatter_add(m, indices, m_scaled_g_values)
      m_bar = m_scaled_g_values + beta1_t * tf.gather(m_t, indices)
    v = self.get_slot(var, "v")
    v_scaled_g_values = (grad * grad) * (1 - beta2_t)
    v_t = tf1.assign(v, v * beta2_t, use_locking=self._use_locking)
    with tf.control_dependencies([v_t]):
      v_t = scatter_add(v, indices, v_scaled_g_values)
    v_sqrt = tf.sqrt(tf.gather(v_t, indices))
    var_update = scatter_add(var, indices, -lr * m_bar / (v_sqrt + epsilon_t))
    return tf.group(var_update, m_bar, v_t)


class AdamGSOptimizer(_DenseKernel, tf1.train.Optimizer):
  """Adam whose powers of beta come from a global step.

  ``beta1 ** t`` and ``beta2 ** t`` are computed from ``global_step + 1``
  rather than kept in ``beta1_power``/``beta2_power``, so this optimizer has
  only the slots ``m`` and ``v``.  A sparse gradient decays ``m`` and ``v``
  in full and updates the whole variable, as Adam.
  """

  def __init__(self, global_step=0, learning_rate=0.001, beta1=0.9,
               beta2=0.999, epsilon=1e-8, use_locking=False, name="Adam"):
    """Builds the optimizer.

    Args:
      global_step: integer `Variable` (or value) counting the steps taken;
        the step being taken is ``global_step + 1``.
      learning_rate: float, `Tensor` or callable: the learning rate.
      beta1: decay rate of the first moment estimates.
      beta2: decay rate of the second moment estimates.
      epsilon: "epsilon hat" of the Adam paper, for numerical stability.
      use_locking: use locks for the update operations.
      name: prefix of the operations' and slots' names.
    """
    super(AdamGSOptimizer, self).__init__(use_locking, name)
    self._lr = learning_rate
    self._beta1 = beta1
    self._beta2 = beta2
    self._epsilon = epsilon
    self._global_step = global_step
    self._global_step_on_worker = None
    self._lr_t = None
    self._beta1_t = None
    self._beta2_t = None
    self._epsilon_t = None

  def _get_beta_accumulators(self):
    return (tf.pow(self._beta1_t, self._global_step_on_worker),
            tf.pow(self._beta2_t, self._global_step_on_worker))

  def _create_slots(self, var_list):
    for v in var_list:
      self._zeros_slot(v, "m", self._name)
      self._zeros_slot(v, "v", self._name)

  def _prepare(self):
    self._lr_t = tf.convert_to_tensor(util.call_if_callable(self._lr),
                                      name="learning_rate")
    self._beta1_t = tf.convert_to_tensor(util.call_if_callable(self._beta1),
                                         name="beta1")
    self._beta2_t = tf.convert_to_tensor(util.call_if_callable(self._beta2),
                                         name="beta2")
    self._epsilon_t = tf.convert_to_tensor(
        util.call_if_callable(self._epsilon), name="epsilon")
    self._global_step_on_worker = tf.cast(
        tf.identity(self._global_step) + 1, tf.float32)

  def _kernel_args(self, grad, like):
    beta1_power, beta2_power = self._get_beta_accumulators()
    return dict(
        beta1_power=util.cast_like(beta1_power, like),
        beta2_power=util.cast_like(beta2_power, like),
        lr=util.cast_like(self._lr_t, like),
        beta1=util.cast_like(self._beta1_t, like),
        beta2=util.cast_like(self._beta2_t, like),
        epsilon=util.cast_like(self._epsilon_t, like),
        grad=grad, use_locking=self._use_locking)

  def _apply_sparse_shared(self, grad, var, indices, scatter_add):
    beta1_power, beta2_power = self._get_beta_accumulators()
    beta1_power = util.cast_like(beta1_power, var)
    beta2_power = util.cast_like(beta2_power, var)
    lr_t = util.cast_like(self._lr_t, var)
    beta1_t = util.cast_like(self._beta1_t, var)
    beta2_t = util.cast_like(self._beta2_t, var)
    epsilon_t = util.cast_like(self._epsilon_t, var)
    lr = lr_t * tf.sqrt(1 - beta2_power) / (1 - beta1_power)
    m = self.get_slot(var, "m")
    m_scaled_g_values = grad * (1 - beta1_t)
    m_t = tf1.assign(m, m * beta1_t, use_locking=self._use_locking)
    with tf.control_dependencies([m_t]):
      m_t = scatter_add(m, indices, m_scaled_g_values)
    v = self.get_slot(var, "v")
    v_scaled_g_values = (grad * grad) * (1 - beta2_t)
    v_t = tf1.assign(v, v * beta2_t, use_locking=self._use_locking)
    with tf.control_dependencies([v_t]):
      v_t = scatter_add(v, indices, v_scaled_g_values)
    v_sqrt = tf.sqrt(v_t)
    var_update = tf1.assign_sub(var, lr * m_t / (v_sqrt + epsilon_t),
                                use_locking=self._use_locking)
    return tf.group(var_update, m_t, v_t)

  def _apply_sparse(self, grad, var):
    return self._apply_sparse_shared(
        grad.values, var, grad.indices,
        _ref_scatter(tf1.scatter_add, self._use_locking))

  def _resource_scatter_add(self, x, i, v):
    return util.resource_scatter_add(x, i, v)

  def _resource_apply_sparse(self, grad, var, indices):
    return self._apply_sparse_shared(grad, var, indices,
                                     self._resource_scatter_add)


class LazyAdamGSOptimizer(AdamGSOptimizer):
  """AdamGSOptimizer whose sparse updates touch only the gradient's rows.

  As LazyAdamOptimizer, with the powers of beta from the global step.
  Constructor: AdamGSOptimizer's.
  """

  def _apply_sparse(self, grad, var):
    beta1_power, beta2_power = self._get_beta_accumulators()
    return _lazy_sparse_apply(self, grad.values, var, grad.indices,
                              beta1_power, beta2_power, resource=False)

  def _resource_apply_sparse(self, grad, var, indices):
    beta1_power, beta2_power = self._get_beta_accumulators()
    return _lazy_sparse_apply(self, grad, var, indices, beta1_power,
                              beta2_power, resource=True)
