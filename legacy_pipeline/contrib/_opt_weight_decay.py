"""Decoupled weight decay: TF 1.15's contrib.opt AdamW and MomentumW.

``DecoupledWeightDecayExtension`` is a mix-in placed before a
``tf.compat.v1.train.Optimizer`` subclass: before each variable's update it
subtracts ``weight_decay * var`` (the gradient's rows only, for a sparse
gradient), as Loshchilov & Hutter's "Decoupled Weight Decay Regularization".
The base optimizers (``tf.compat.v1.train.AdamOptimizer`` and
``MomentumOptimizer``) are TF's own, unchanged since 1.15, so the slots
(``m``/``v``, ``momentum``) and non-slot variables (``beta1_power``,
``beta2_power``) are named as TF 1.15's.

Deliberate difference: the decay uses the ``weight_decay`` tensor built in
``_prepare``, so a callable weight decay works in graph mode too (TF 1.15
multiplied by the raw argument, which failed for a callable).
"""
from __future__ import absolute_import, division, print_function

from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.contrib import _opt_util as util

_GATE_OP = tf1.train.Optimizer.GATE_OP


class DecoupledWeightDecayExtension(object):
  """Adds decoupled weight decay to the optimizer class it is mixed into.

  Put it first among the bases, e.g.
  ``class MyW(DecoupledWeightDecayExtension, tf1.train.AdamOptimizer)``.
  Each variable is decayed (``var -= weight_decay * var``) before the base
  optimizer's update, so it suits optimizers whose update does not read the
  variable.  Decay the weight decay together with the learning rate when
  scheduling one (pass a callable or a tensor).
  """

  def __init__(self, weight_decay, **kwargs):
    """Sets the weight decay, then builds the base optimizer.

    Args:
      weight_decay: float, scalar `Tensor` or callable returning one: the
        factor by which each variable is decayed per step.
      **kwargs: the base optimizer's constructor arguments.
    """
    self._decay_var_list = None  # set by minimize or apply_gradients
    self._weight_decay = weight_decay
    self._weight_decay_tensor = None
    super(DecoupledWeightDecayExtension, self).__init__(**kwargs)

  def minimize(self, loss, global_step=None, var_list=None,
               gate_gradients=_GATE_OP, aggregation_method=None,
               colocate_gradients_with_ops=False, name=None, grad_loss=None,
               decay_var_list=None):
    """Optimizer.minimize, decaying only `decay_var_list` when given.

    Args:
      loss: the `Tensor` to minimize.
      global_step: optional `Variable` incremented after the update.
      var_list: variables to update (default: the trainable ones).
      gate_gradients: GATE_NONE, GATE_OP or GATE_GRAPH.
      aggregation_method: how gradient terms are combined.
      colocate_gradients_with_ops: colocate gradients with their ops.
      name: name of the returned operation.
      grad_loss: optional gradient of `loss`.
      decay_var_list: variables to decay; None or empty decays them all.

    Returns:
      The training operation.
    """
    self._decay_var_list = list(decay_var_list) if decay_var_list else False
    return super(DecoupledWeightDecayExtension, self).minimize(
        loss, global_step=global_step, var_list=var_list,
        gate_gradients=gate_gradients,
        aggregation_method=aggregation_method,
        colocate_gradients_with_ops=colocate_gradients_with_ops, name=name,
        grad_loss=grad_loss)

  def apply_gradients(self, grads_and_vars, global_step=None, name=None,
                      decay_var_list=None):
    """Optimizer.apply_gradients, decaying only `decay_var_list` when given.

    Args:
      grads_and_vars: (gradient, variable) pairs from compute_gradients().
      global_step: optional `Variable` incremented after the update.
      name: name of the returned operation (default: the optimizer's).
      decay_var_list: variables to decay; None or empty decays them all.

    Returns:
      The operation applying the gradients.
    """
    self._decay_var_list = list(decay_var_list) if decay_var_list else False
    return super(DecoupledWeightDecayExtension, self).apply_gradients(
        grads_and_vars, global_step=global_step, name=name)

  def _prepare(self):
    self._weight_decay_tensor = tf.convert_to_tensor(
        util.call_if_callable(self._weight_decay), name="weight_decay")
    super(DecoupledWeightDecayExtension, self)._prepare()

  def _decays(self, var):
    return not self._decay_var_list or util.contains(self._decay_var_list,
                                                     var)

  def _decay_weights_op(self, var):
    if self._decays(var):
      decay = util.cast_like(self._weight_decay_tensor, var)
      return var.assign_sub(decay * var, self._use_locking)
    return tf.no_op()

  def _decay_weights_sparse_op(self, var, indices, scatter_add):
    if self._decays(var):
      decay = util.cast_like(self._weight_decay_tensor, var)
      return scatter_add(var, indices, -decay * tf.gather(var, indices),
                         self._use_locking)
    return tf.no_op()

  def _apply_dense(self, grad, var):
    with tf.control_dependencies([self._decay_weights_op(var)]):
      return super(DecoupledWeightDecayExtension, self)._apply_dense(grad,
                                                                     var)

  def _resource_apply_dense(self, grad, var):
    with tf.control_dependencies([self._decay_weights_op(var)]):
      return super(DecoupledWeightDecayExtension,
                   self)._resource_apply_dense(grad, var)

  def _apply_sparse(self, grad, var):
    decay_op = self._decay_weights_sparse_op(var, grad.indices,
                                             tf1.scatter_add)
    with tf.control_dependencies([decay_op]):
      return super(DecoupledWeightDecayExtension, self)._apply_sparse(grad,
                                                                      var)

  def _resource_scatter_add(self, x, i, v, _=None):
    return util.resource_scatter_add(x, i, v)

  def _resource_apply_sparse(self, grad, var, indices):
    decay_op = self._decay_weights_sparse_op(var, indices,
                                             self._resource_scatter_add)
    with tf.control_dependencies([decay_op]):
      return super(DecoupledWeightDecayExtension,
                   self)._resource_apply_sparse(grad, var, indices)


def extend_with_decoupled_weight_decay(base_optimizer):
  """A subclass of `base_optimizer` with decoupled weight decay.

  ``extend_with_decoupled_weight_decay(tf.compat.v1.train.AdamOptimizer)``
  behaves as ``AdamWOptimizer``.  The class's constructor takes the weight
  decay first, then the base optimizer's arguments; its ``minimize`` and
  ``apply_gradients`` take ``decay_var_list``.

  Args:
    base_optimizer: a subclass of ``tf.compat.v1.train.Optimizer``.

  Returns:
    A class deriving from DecoupledWeightDecayExtension and `base_optimizer`.
  """

  class OptimizerWithDecoupledWeightDecay(DecoupledWeightDecayExtension,
                                          base_optimizer):
    """`base_optimizer` whose variables are also decayed each step."""

    def __init__(self, weight_decay, *args, **kwargs):
      super(OptimizerWithDecoupledWeightDecay, self).__init__(
          weight_decay, *args, **kwargs)

  return OptimizerWithDecoupledWeightDecay


class MomentumWOptimizer(DecoupledWeightDecayExtension,
                         tf1.train.MomentumOptimizer):
  """SGD with momentum and decoupled weight decay (SGDW).

  tf.compat.v1.train.MomentumOptimizer's update (slot ``momentum``) after
  ``var -= weight_decay * var``.
  """

  def __init__(self, weight_decay, learning_rate, momentum, use_locking=False,
               name="MomentumW", use_nesterov=False):
    """Builds the optimizer.

    Args:
      weight_decay: float, `Tensor` or callable: the weight decay.
      learning_rate: float, `Tensor` or callable: the learning rate.
      momentum: float, `Tensor` or callable: the momentum.
      use_locking: use locks for the update operations.
      name: prefix of the operations' and slots' names.
      use_nesterov: use Nesterov momentum.
    """
    super(MomentumWOptimizer, self).__init__(
        weight_decay, learning_rate=learning_rate, momentum=momentum,
        use_locking=use_locking, name=name, use_nesterov=use_nesterov)


class AdamWOptimizer(DecoupledWeightDecayExtension,
                     tf1.train.AdamOptimizer):
  """Adam with decoupled weight decay (AdamW).

  tf.compat.v1.train.AdamOptimizer's update (slots ``m``, ``v``; non-slot
  ``beta1_power``, ``beta2_power``) after ``var -= weight_decay * var``.
  """

  def __init__(self, weight_decay, learning_rate=0.001, beta1=0.9,
               beta2=0.999, epsilon=1e-8, use_locking=False, name="AdamW"):
    """Builds the optimizer.

    Args:
      weight_decay: float, `Tensor` or callable: the weight decay.
      learning_rate: float or `Tensor`: the learning rate.
      beta1: decay rate of the first moment estimates.
      beta2: decay rate of the second moment estimates.
      epsilon: "epsilon hat" of the Adam paper, for numerical stability.
      use_locking: use locks for the update operations.
      name: prefix of the operations' and slots' names.
    """
    super(AdamWOptimizer, self).__init__(
        weight_decay, learning_rate=learning_rate, beta1=beta1, beta2=beta2,
        epsilon=epsilon, use_locking=use_locking, name=name)
