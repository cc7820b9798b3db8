"""TF 1.15's contrib-only pieces of ``tf.contrib.framework`` (and slim's).

Most of ``tf.contrib.framework`` was TF core re-exported (routed by
``compat`` to the same TF 2.x objects) or variables and arg scopes (routed to
tf-slim).  What lived only in contrib is here: the shape and sum helpers of
its ``tensor_util`` (``assert_scalar_int``, ``reduce_sum_n``,
``remove_squeezable_dimensions``, ``with_shape``, ``with_same_shape``), its
``graph_util`` (``fuse_op``, ``get_placeholders``), ``zero_initializer``,
``py_func`` (nested arguments and results) and the ``experimental``
decorator; and contrib's spellings of the checkpoint readers (TF core's
``tf.train`` functions of the same job renamed the first argument).

Compatibility: TF 1.15 and TF 2.x, graph mode.  Deliberate differences from
contrib: ``zero_initializer`` is an assign of zeros guarded by a run-time
"not yet initialized" assert instead of contrib's custom kernel (same result,
same error kind); ``remove_squeezable_dimensions`` does not log contrib's
deprecation notice.
"""
from __future__ import absolute_import, division, print_function

import collections
import collections.abc
import copy
import functools

import numpy as np

from legacy_pipeline._tf import tf, tf1

__all__ = [
    "assert_scalar_int",
    "experimental",
    "fuse_op",
    "get_placeholders",
    "init_from_checkpoint",
    "list_variables",
    "load_checkpoint",
    "load_variable",
    "py_func",
    "reduce_sum_n",
    "remove_squeezable_dimensions",
    "with_same_shape",
    "with_shape",
    "zero_initializer",
]


# -- tensor_util ---------------------------------------------------------------


def assert_scalar_int(tensor, name=None):
  """Checks that `tensor` is a 0-D integer tensor.

  Args:
    tensor: a `Tensor` (or a value convertible to one).
    name: name scope of the check (default ``assert_scalar_int``).

  Returns:
    `tensor` as a `Tensor`, for chaining.

  Raises:
    ValueError: `tensor` is not of an integer type, or not 0-D.
  """
  with tf1.name_scope(name, "assert_scalar_int", [tensor]) as name_scope:
    tensor = tf1.convert_to_tensor(tensor)
    if not tensor.dtype.base_dtype.is_integer:
      raise ValueError("Expected integer type for %s, received type: %s." %
                       (tensor.name, tensor.dtype))
    return tf1.assert_scalar(tensor, name=name_scope)


def reduce_sum_n(tensors, name=None):
  """Sums every tensor of `tensors` to a scalar, then adds the scalars.

  Args:
    tensors: non-empty list of numeric tensors of one dtype.
    name: name of the result and scope of the other ops (default
      ``reduce_sum_n``).

  Returns:
    A scalar tensor.

  Raises:
    ValueError: `tensors` is empty.
  """
  if not tensors:
    raise ValueError("No tensors provided.")
  with tf1.name_scope(name, "reduce_sum_n", tensors) as name_scope:
    sums = [tf.reduce_sum(t, name="%s/sum" % t.op.name) for t in tensors]
    if len(sums) == 1:
      return sums[0]
    return tf.add_n(sums, name=name_scope)


def remove_squeezable_dimensions(predictions, labels, name=None):
  """Squeezes the last dimension of the one whose rank is larger by 1.

  Static ranks are used when both are known; otherwise the squeeze is decided
  at run time.  (``tf.confusion_matrix``'s function of this name takes and
  returns the pair in the other order.)

  Args:
    predictions: a `Tensor` of any rank.
    labels: a `Tensor` of the same rank, or one more or less.
    name: name scope (default ``remove_squeezable_dimensions``).

  Returns:
    `(predictions, labels)`, one of them possibly squeezed.
  """
  with tf1.name_scope(name, "remove_squeezable_dimensions",
                      [predictions, labels]):
    predictions = tf1.convert_to_tensor(predictions)
    labels = tf1.convert_to_tensor(labels)
    pred_shape = predictions.get_shape()
    pred_rank = pred_shape.ndims
    labels_shape = labels.get_shape()
    labels_rank = labels_shape.ndims
    if labels_rank is not None and pred_rank is not None:
      diff = pred_rank - labels_rank
      if diff == -1:
        labels = tf.squeeze(labels, [-1])
      elif diff == 1:
        predictions = tf.squeeze(predictions, [-1])
      return predictions, labels
    diff = tf.rank(predictions) - tf.rank(labels)
    if pred_rank is None or pred_shape[-1:].is_compatible_with([1]):
      predictions = tf1.cond(
          tf.equal(1, diff), lambda: tf.squeeze(predictions, [-1]),
          lambda: predictions)
    if labels_rank is None or labels_shape[-1:].is_compatible_with([1]):
      labels = tf1.cond(
          tf.equal(-1, diff), lambda: tf.squeeze(labels, [-1]),
          lambda: labels)
    return predictions, labels


def _shape_matches(expected_shape, actual_shape):
  """Scalar bool: each dim equal, or -1 in `expected_shape` (any size)."""
  with tf1.name_scope("shape_tensor_equal",
                      values=[expected_shape, actual_shape]) as scope:
    return tf.reduce_all(
        tf.logical_or(tf.equal(expected_shape, -1),
                      tf.equal(expected_shape, actual_shape, "equal"),
                      name="exclude_partial_shape"),
        name=scope)


def _has_shape(expected_shape, tensor, actual_shape):
  """Scalar bool: `tensor` has the rank and dims of `expected_shape`."""
  with tf1.name_scope("is_shape", values=[tensor]) as scope:
    with tf1.name_scope("is_rank", values=[tensor]) as rank_scope:
      rank_ok = tf.equal(
          tf1.convert_to_tensor(tf.size(expected_shape), name="expected"),
          tf.rank(tensor, name="actual"), name=rank_scope)
    dims_ok = _shape_matches(expected_shape, actual_shape)
    return tf.logical_and(rank_ok, dims_ok, name=scope)


def _assert_shape(expected_shape, tensor):
  """An Assert op failing when `tensor`'s shape is not `expected_shape`."""
  with tf1.name_scope("assert_shape", values=[tensor]) as scope:
    actual_shape = tf.shape(tensor, name="actual")
    if (isinstance(expected_shape, tf.TensorShape) and
        not expected_shape.is_fully_defined()):
      expected_shape = [d if d else -1 for d in expected_shape.as_list()]
    return tf1.Assert(
        _has_shape(expected_shape, tensor, actual_shape),
        ["Wrong shape for %s [expected] [actual]." % tensor.name,
         expected_shape, actual_shape],
        name=scope)


def with_same_shape(expected_tensor, tensor):
  """`tensor`, checked to have the shape of `expected_tensor`.

  Args:
    expected_tensor: `Tensor` whose shape is expected.
    tensor: `Tensor` to check.

  Returns:
    `tensor`, or an identity of it behind a run-time shape assert.

  Raises:
    ValueError: the static shapes are fully known and differ.
  """
  with tf1.name_scope("%s/" % tensor.op.name,
                      values=[expected_tensor, tensor]):
    static = expected_tensor.get_shape()
    expected_shape = (static.as_list() if static.is_fully_defined() else
                      tf.shape(expected_tensor, name="expected_shape"))
    return with_shape(expected_shape, tensor)


def _checked_shape(expected_shape, tensor):
  """`expected_shape` as an int32 1-D numpy array or tensor; checks it."""
  if tf.is_tensor(expected_shape):
    if expected_shape.dtype.base_dtype != tf.int32:
      raise ValueError("Invalid dtype %s for shape %s expected of tensor %s." %
                       (expected_shape.dtype, expected_shape, tensor.name))
    return expected_shape
  if isinstance(expected_shape, (list, tuple)):
    if not expected_shape:
      expected_shape = np.asarray([], dtype=np.int32)
    else:
      as_array = np.asarray(expected_shape)
      expected_shape = (np.asarray(expected_shape, dtype=np.int32)
                        if as_array.dtype == np.int64 else as_array)
  if isinstance(expected_shape, np.ndarray):
    if expected_shape.ndim > 1:
      raise ValueError("Invalid rank %s for shape %s expected of tensor %s." %
                       (expected_shape.ndim, expected_shape, tensor.name))
    if expected_shape.dtype != np.int32:
      raise ValueError("Invalid dtype %s for shape %s expected of tensor %s." %
                       (expected_shape.dtype, expected_shape, tensor.name))
  return expected_shape


def with_shape(expected_shape, tensor):
  """`tensor`, checked to have `expected_shape` (-1: any size).

  Fully known static shapes are compared at build time; otherwise a run-time
  assert is added and the static shape of the result is set.  An empty
  expected shape reshapes `tensor` to a scalar.

  Args:
    expected_shape: 1-D int list, int32 numpy array or int32 `Tensor`.
    tensor: `Tensor` to check (not a `SparseTensor`).

  Returns:
    `tensor`, or an identity (or reshape) of it behind a shape assert.

  Raises:
    ValueError: `tensor` is sparse, `expected_shape` is not a 1-D int32 shape,
      or the static shapes are fully known and differ.
  """
  if isinstance(tensor, tf.SparseTensor):
    raise ValueError("SparseTensor not supported.")
  expected_shape = _checked_shape(expected_shape, tensor)
  expected_is_tensor = tf.is_tensor(expected_shape)
  actual_shape = tensor.get_shape()
  if not actual_shape.is_fully_defined() or expected_is_tensor:
    with tf1.name_scope("%s/" % tensor.op.name, values=[tensor]):
      if not expected_is_tensor and len(expected_shape) < 1:
        return tf.reshape(tensor, [])
      with tf1.control_dependencies([_assert_shape(expected_shape, tensor)]):
        result = tf.identity(tensor)
      if not expected_is_tensor:
        result.set_shape(expected_shape)
      return result
  if not expected_is_tensor and not actual_shape.is_compatible_with(
      expected_shape):
    if len(expected_shape) < 1 and actual_shape.is_compatible_with([1]):
      with tf1.name_scope("%s/" % tensor.op.name, values=[tensor]):
        return tf.reshape(tensor, [])
    raise ValueError("Invalid shape for tensor %s, expected %s, got %s." %
                     (tensor.name, expected_shape, actual_shape))
  return tensor


# -- variables -----------------------------------------------------------------


def zero_initializer(ref, use_locking=True, name="zero_initializer"):
  """Sets the not yet initialized variable `ref` to zeros.

  Args:
    ref: a variable (reference or resource) of fully known shape.
    use_locking: lock the variable while assigning.
    name: name of the assign op.

  Returns:
    The assign's result (the initialized variable's value).

  Raises:
    tf.errors.InvalidArgumentError: at run time, if `ref` is already
      initialized.
  """
  with tf1.name_scope(None, "ZeroInitializer", [ref]):
    uninitialized = tf.logical_not(tf1.is_variable_initialized(ref))
    check = tf1.Assert(uninitialized, ["input is already initialized"])
    zeros = tf.zeros(ref.get_shape(), ref.dtype.base_dtype)
  with tf1.control_dependencies([check]):
    return tf1.assign(ref, zeros, use_locking=use_locking, name=name)


# -- checkpoint_utils ----------------------------------------------------------


def load_checkpoint(filepattern):
  """A `CheckpointReader` for a checkpoint file, or a directory's latest.

  Args:
    filepattern: checkpoint directory or checkpoint path prefix.

  Returns:
    `tf.compat.v1.train.NewCheckpointReader`'s reader.

  Raises:
    ValueError: a directory without a checkpoint.
  """
  return tf1.train.load_checkpoint(filepattern)


def load_variable(checkpoint_dir, name):
  """The value of the tensor `name` (``":0"`` suffix allowed) in a checkpoint.

  Args:
    checkpoint_dir: checkpoint directory or checkpoint path prefix.
    name: name of the saved tensor.

  Returns:
    numpy array.
  """
  return tf1.train.load_variable(checkpoint_dir, name)


def list_variables(checkpoint_dir):
  """Sorted ``(name, shape)`` pairs of a checkpoint's tensors.

  Args:
    checkpoint_dir: checkpoint directory or checkpoint path prefix.

  Returns:
    List of ``(str, list of int)``.
  """
  return tf1.train.list_variables(checkpoint_dir)


def init_from_checkpoint(checkpoint_dir, assignment_map):
  """Makes variables' initializers load their values from a checkpoint.

  Args:
    checkpoint_dir: checkpoint directory or checkpoint path prefix.
    assignment_map: dict, checkpoint name or scope (``"scope/"``) -> current
      variable, list of partitions, name or scope.

  Raises:
    ValueError: a name is missing in the checkpoint or the graph, or shapes
      differ.
    tf.errors.OpError: the checkpoint cannot be read.
  """
  tf1.train.init_from_checkpoint(checkpoint_dir, assignment_map)


# -- graph_util ----------------------------------------------------------------


def _node_name(input_name):
  """Node name of a GraphDef input (``^a`` and ``a:1`` give ``a``)."""
  if input_name.startswith("^"):
    input_name = input_name[1:]
  return input_name.split(":")[0]


def _reachable(targets, inputs_of):
  """Names of the nodes `targets` depend on, `targets` included."""
  seen = set()
  pending = collections.deque(targets)
  while pending:
    node = pending.popleft()
    if node in seen:
      continue
    seen.add(node)
    pending.extend(inputs_of[node])
  return seen


def fuse_op(graph_def, input_nodes, output_nodes, output_dtypes,
            output_quantized, op_name, op_type):
  """Replaces the subgraph between two node sets with one node.

  The result keeps every node `input_nodes` depend on (in their original
  order), then a node `op_name` of type `op_type` fed by `input_nodes`, then
  the `output_nodes` (each of which must have exactly one input) fed by its
  outputs, then the nodes outside both sets.

  Args:
    graph_def: a `GraphDef`.
    input_nodes: list of node names feeding the fused node.
    output_nodes: list of node names reading its outputs, in output order.
    output_dtypes: list of `DataType` enums, the fused node's
      ``_output_types`` attr.
    output_quantized: bool, its ``_output_quantized`` attr.
    op_name: name of the fused node.
    op_type: its op type.

  Returns:
    A new `GraphDef`.

  Raises:
    TypeError: `graph_def` is not a `GraphDef`, `input_nodes` or
      `output_nodes` is a string, or a node of the subgraph reads an input
      not in `input_nodes`.
    AssertionError: a node of `input_nodes` or `output_nodes` is missing.
  """
  if not isinstance(graph_def, tf1.GraphDef):
    raise TypeError("graph_def must be a graph_pb2.GraphDef proto.")
  if isinstance(input_nodes, str):
    raise TypeError("input_nodes must be a list.")
  if isinstance(output_nodes, str):
    raise TypeError("output_nodes must be a list.")
  inputs_of, node_of, position = {}, {}, {}
  for i, node in enumerate(graph_def.node):
    name = _node_name(node.name)
    inputs_of[name] = [_node_name(x) for x in node.input]
    node_of[name] = node
    position[name] = i
  for name in input_nodes + output_nodes:
    assert name in node_of, "%s is not in graph" % name
  before = _reachable(input_nodes, inputs_of)
  upto_out = _reachable(output_nodes, inputs_of)
  inputs, outputs = set(input_nodes), set(output_nodes)
  after = []
  for node in graph_def.node:
    name = _node_name(node.name)
    if name in upto_out:
      if name not in before and name not in outputs:
        _check_fused_inputs(name, before, inputs, inputs_of)
    elif name not in before:
      after.append(name)

  out = tf1.GraphDef()
  for name in sorted(before, key=lambda n: position[n]):
    out.node.extend([copy.deepcopy(node_of[name])])
  fused = tf1.NodeDef()
  fused.input.extend(input_nodes)
  fused.attr["_output_types"].list.type[:] = output_dtypes
  fused.attr["_output_quantized"].b = output_quantized
  fused.op = op_type
  fused.name = op_name
  out.node.extend([fused])
  for index, name in enumerate(output_nodes):
    assert len(node_of[name].input) == 1
    reader = copy.deepcopy(node_of[name])
    del reader.input[:]
    reader.input.append(op_name + (":%d" % index if index else ""))
    out.node.extend([reader])
  for name in after:
    out.node.extend([copy.deepcopy(node_of[name])])
  out.library.CopyFrom(graph_def.library)
  out.versions.CopyFrom(graph_def.versions)
  return out


def _check_fused_inputs(name, before, inputs, inputs_of):
  """Raises TypeError if fused node `name` reads past `inputs`."""
  pending, seen = [name], set()
  while pending:
    current = pending.pop(0)
    seen.add(current)
    if current in before and current not in inputs:
      raise TypeError("Node %s uses input %s not in input_nodes." %
                      (name, current))
    if current not in inputs:
      pending.extend(x for x in inputs_of[current] if x not in seen)


def get_placeholders(graph):
  """The outputs of `graph`'s Placeholder ops, in creation order.

  Args:
    graph: a `tf.Graph`.

  Returns:
    List of `Tensor`.

  Raises:
    TypeError: `graph` is not a `tf.Graph`.
  """
  if not isinstance(graph, tf.Graph):
    raise TypeError("Input graph needs to be a Graph: %s" % graph)
  return [op.outputs[0] for op in graph.get_operations()
          if op.type == "Placeholder"]


# -- script_ops ----------------------------------------------------------------


def _flat_shapes(types, shapes):
  """`shapes` flattened as far as `types` nests (its leaves are shapes)."""
  if not tf.nest.is_nested(types):
    return [tf.TensorShape(shapes)]
  if isinstance(types, collections.abc.Mapping):
    return [s for key in sorted(types)
            for s in _flat_shapes(types[key], shapes[key])]
  return [s for t, sh in zip(types, shapes) for s in _flat_shapes(t, sh)]


def py_func(func, args=(), kwargs=None, output_types=None, output_shapes=None,
            stateful=True, name=None):
  """``tf.py_func`` over nested arguments and results.

  Args:
    func: Python function called as ``func(*args, **kwargs)`` with the values
      (numpy arrays) of the tensors in `args` and `kwargs`; returns a
      structure matching `output_types`.
    args: list or tuple of (nested) tensors.
    kwargs: dict of (nested) tensors.
    output_types: (nested) dtypes of the results, or a callable returning them
      from ``(*args, **kwargs)``.
    output_shapes: (nested, up to `output_types`) static shapes of the
      results, or a callable returning them; None: unknown.
    stateful: whether the function has side effects.
    name: name of the op.

  Returns:
    Tensors packed as `output_types`.

  Raises:
    TypeError: `args` is not a list or tuple, or `kwargs` not a dict.
  """
  if kwargs is None:
    kwargs = {}
  if not isinstance(args, (list, tuple)):
    raise TypeError("args must be list and not {}. args: {}".format(
        type(args), args))
  if not isinstance(kwargs, dict):
    raise TypeError("kwargs must be dict and not {}. args: {}".format(
        type(kwargs), kwargs))
  if callable(output_types):
    output_types = output_types(*args, **kwargs)
  if callable(output_shapes):
    output_shapes = output_shapes(*args, **kwargs)
  structure = (args, kwargs)

  def call(*flat_values):
    call_args, call_kwargs = tf.nest.pack_sequence_as(structure, flat_values)
    result = func(*call_args, **call_kwargs)
    tf.nest.assert_same_structure(output_types, result)
    return tf.nest.flatten(result)

  flat_results = tf1.py_func(call, tf.nest.flatten(structure),
                             tf.nest.flatten(output_types),
                             stateful=stateful, name=name)
  if output_shapes is not None:
    for tensor, shape in zip(flat_results,
                             _flat_shapes(output_types, output_shapes)):
      tensor.set_shape(shape)
  return tf.nest.pack_sequence_as(output_types, flat_results)


# -- experimental ---------------------------------------------------------------


def experimental(func):
  """Decorator: `func` logs a warning that it is experimental when called.

  Args:
    func: the function to mark.

  Returns:
    The wrapped function; its docstring says it is experimental.

  Raises:
    ValueError: `func` is not callable.
  """
  if not callable(func):
    raise ValueError("%s is not a function. If this is a property, make sure "
                     "@property appears before @experimental in your source "
                     "code:\n\n@property\n@experimental\ndef method(...)"
                     % func)
  qualified = getattr(func, "__qualname__", getattr(func, "__name__", "?"))

  @functools.wraps(func)
  def wrapped(*args, **kwargs):
    tf1.logging.warning(
        "%s (from %s) is experimental and may change or be removed at any "
        "time, and without warning.", qualified, func.__module__)
    return func(*args, **kwargs)

  notice = ("THIS FUNCTION IS EXPERIMENTAL. It may change or be removed at "
            "any time, and without warning.")
  lines = (func.__doc__ or "").strip().split("\n")
  if not lines[0]:
    wrapped.__doc__ = "EXPERIMENTAL FUNCTION\n\n" + notice
  else:
    wrapped.__doc__ = "\n".join(
        [lines[0] + " (experimental)", "", notice] + lines[1:])
  return wrapped
