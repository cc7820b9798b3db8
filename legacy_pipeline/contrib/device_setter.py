"""PS placement strategies: TF 1.15's tf.contrib.training device_setter.

``RandomStrategy`` and ``GreedyLoadBalancingStrategy`` are callables
``op -> ps task index`` for
``tf.compat.v1.train.replica_device_setter(ps_strategy=...)``;
``byte_size_load_fn`` is the load function usually given to the greedy one.

One deliberate difference: for a resource variable's ``VarHandleOp`` (what
``tf.compat.v1.get_variable`` makes on TF 2.x, where TF 1.15 made a
``VariableV2``) ``byte_size_load_fn`` counts the variable's bytes, from the
op's ``dtype`` and ``shape``; TF 1.15 counted the handle (1 byte), which
would turn byte balancing into counting variables.  Every other op is
measured as TF 1.15 measures it.

Compatibility: TF 1.15 and TF 2.x; no graph ops are created.
"""
from __future__ import absolute_import, division, print_function

import hashlib

import numpy as np

from legacy_pipeline._tf import tf

__all__ = ["RandomStrategy", "GreedyLoadBalancingStrategy",
           "byte_size_load_fn"]


class RandomStrategy(object):
  """Places each op on the ps task chosen by the MD5 hash of its name.

  Deterministic across runs and processes (the same op name and seed give
  the same task), and spread evenly over many variables.
  """

  def __init__(self, num_ps_tasks, seed=0):
    """Creates the strategy.

    Args:
      num_ps_tasks: number of ps tasks.
      seed: an int mixed into the hash.
    """
    self._num_tasks = num_ps_tasks
    self._seed = seed

  def __call__(self, op):
    """The ps task index of `op`: md5("<op name>_<seed>") mod num_ps_tasks."""
    key = ("%s_%d" % (op.name, self._seed)).encode("utf-8")
    return int(int(hashlib.md5(key).hexdigest(), 16) % self._num_tasks)


class GreedyLoadBalancingStrategy(object):
  """Places each op on the least-loaded ps task so far.

  Loads (in the units of `load_fn`) are summed per task in the order ops
  are placed; ties go to the lowest task index.
  """

  def __init__(self, num_tasks, load_fn):
    """Creates the strategy.

    Args:
      num_tasks: number of ps tasks.
      load_fn: callable ``op -> number``, the load the op adds.
    """
    self._num_tasks = num_tasks
    self._load_fn = load_fn
    self._ps_loads = np.zeros(num_tasks)

  def __call__(self, op):
    """The index of the least-loaded task, which then carries `op`'s load.

    Args:
      op: the Operation to place.

    Returns:
      The ps task index (a numpy integer, as TF 1.15's).
    """
    task = np.argmin(self._ps_loads)
    self._ps_loads[task] += self._load_fn(op)
    return task


def _variable_handle_bytes(op):
  """Bytes of the variable behind a VarHandleOp, or None for other ops."""
  if op.type != "VarHandleOp":
    return None
  shape = tf.TensorShape(op.get_attr("shape"))
  shape.assert_is_fully_defined()
  return shape.num_elements() * tf.as_dtype(op.get_attr("dtype")).size


def byte_size_load_fn(op):
  """The byte size of `op`'s single output (a variable's value).

  Args:
    op: an Operation with one output, typically a variable op.

  Returns:
    The number of bytes: elements times the dtype's size.

  Raises:
    ValueError: `op` has more or fewer than one output, or its shape is not
      fully defined (also from the op's ``shape`` attribute, which a scalar
      ref variable's still unknown output shape falls back to).
  """
  if len(op.outputs) != 1:
    raise ValueError("Op %s must have a single output" % op)
  handle_bytes = _variable_handle_bytes(op)
  if handle_bytes is not None:
    return handle_bytes
  output = op.outputs[0]
  shape = output.get_shape()
  if not shape.is_fully_defined():
    # A ref variable op is placed before its output's shape is set.
    shape = tf.TensorShape(op.get_attr("shape"))
  shape.assert_is_fully_defined()
  return shape.num_elements() * output.dtype.size
