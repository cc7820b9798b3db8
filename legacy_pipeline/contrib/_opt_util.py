"""Helpers shared by the tf.contrib.opt ports (legacy_pipeline.contrib.opt).

Each optimizer works on both kinds of TF 1.x variable: ref variables
(``use_resource=False``), updated by the ref kernels (``ApplyAdaMax``,
``tf1.scatter_add``...), and resource variables, updated through their
handles (``ResourceApplyAdaMax``, ``ResourceScatterAdd``...).
"""
from __future__ import absolute_import, division, print_function

from legacy_pipeline._tf import tf, tf1


def cast_like(value, var):
  """`value` cast to the base dtype of `var` (a variable or a tensor)."""
  return tf.cast(value, var.dtype.base_dtype)


def call_if_callable(value):
  """value() when `value` is callable (a hyper-parameter schedule), else it."""
  return value() if callable(value) else value


def contains(variables, var):
  """True when `var` is one of `variables` (compared by identity)."""
  return any(v is var for v in variables)


def resource_scatter_add(var, indices, updates):
  """Adds `updates` to rows `indices` of resource `var`; returns its value.

  Args:
    var: a resource variable.
    indices: int tensor of row ids.
    updates: rows to add, ``[len(indices)] + var.shape[1:]``.

  Returns:
    The variable's value read after the addition.
  """
  with tf.control_dependencies([tf.raw_ops.ResourceScatterAdd(
      resource=var.handle, indices=indices, updates=updates)]):
    return var.value()


def resource_scatter_update(var, indices, updates):
  """Writes `updates` into rows `indices` of resource `var`; returns its value.

  Args:
    var: a resource variable.
    indices: int tensor of row ids.
    updates: the new rows, ``[len(indices)] + var.shape[1:]``.

  Returns:
    The variable's value read after the write.
  """
  with tf.control_dependencies([tf.raw_ops.ResourceScatterUpdate(
      resource=var.handle, indices=indices, updates=updates)]):
    return var.value()


def graph_cond(pred, true_fn, false_fn, name=None):
  """A TF 1.x (Switch/Merge) conditional that may update ref variables.

  ``tf.compat.v1.cond`` builds a functional ``If`` on TF 2.x, whose branches
  cannot take ref variables (TF 1.15's contrib optimizers update variables
  inside conds).  This builds the conditional as TF 1.x did, from the
  ``Switch`` and ``Merge`` kernels: every op the branch functions create
  depends on that branch's pivot, so the ops of the branch not taken are dead
  and do not run.

  Args:
    pred: scalar bool tensor.
    true_fn: builds the ops run when `pred` is true; returns one tensor or
      an op.
    false_fn: the same for false; returns the same dtype as `true_fn`, or an
      op when `true_fn` does.
    name: name scope (default ``cond``).

  Returns:
    The taken branch's tensor, or (when the branches return ops) an op that
    runs after the taken branch.
  """
  with tf1.name_scope(name, "cond", [pred]):
    pred = tf.convert_to_tensor(pred)
    when_false, when_true = tf.raw_ops.Switch(data=pred, pred=pred)
    outputs = []
    returned_ops = False
    for branch, pivot_input in ((false_fn, when_false), (true_fn, when_true)):
      pivot = tf.identity(pivot_input)
      with tf.control_dependencies([pivot]):
        out = branch()
        if isinstance(out, tf.Operation):
          returned_ops = True
          with tf.control_dependencies([out]):
            out = tf.identity(pivot)
        else:
          out = tf.identity(out)
      outputs.append(out)
    merged = tf.raw_ops.Merge(inputs=outputs)[0]
  return merged.op if returned_ops else merged
