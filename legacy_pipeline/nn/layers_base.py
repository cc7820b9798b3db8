"""The base of the in-house ``tf.layers``: TF 1.15's ``tf.layers.Layer``.

Every layer of ``legacy_pipeline.nn.layers`` is a subclass of ``Layer`` here,
and everything the layers share lives in this one module:

* naming: a layer without a name takes its class name in snake case
  (``Conv2D`` -> ``conv2d``); ``layer.name`` is made unique per graph
  (``conv2d_1``, ``conv2d_2``, ..., as TF 1.15 counted), and the layer's
  variable scope is opened once, on first use, as ``variable_scope(None,
  default_name=<base name>)`` inside the caller's variable scope -- so
  variables are ``<enclosing scope>/conv2d/kernel``, numbered per enclosing
  scope as TF 1.15 numbered them.  A layer built with ``_scope=`` (the
  function forms pass ``name``) opens that scope when it is constructed, and
  ``_reuse=True`` reuses ``<enclosing scope>/<name>``'s variables;
* variables: ``add_weight`` calls ``tf.compat.v1.get_variable`` in the layer's
  variable scope, so they land in the global (and, if trainable, trainable)
  collections and savers, ``global_variables_initializer`` and v1 optimizers
  see them; a weight regularizer's loss goes to ``layer.losses`` and
  ``REGULARIZATION_LOSSES`` when the variable is created (not when reused);
* ops: each call runs in the name scope the layer's variable scope opened
  (``conv2d/Conv2D``, ``conv2d/BiasAdd``); an activity regularizer's loss is
  divided by the batch size (``ActivityRegularizer/``) and collected as well;
* updates: ``add_update`` runs callables at once; after each call the layer's
  updates (none if the layer is not trainable) go to ``UPDATE_OPS``;
* argument lookups shared by the layers: activations and initializers by
  name, tuples, paddings, data formats, output lengths, ``smart_cond``.

Graph mode only (an eager call raises GraphModeError).  Not provided, as
TF 1.15's Keras-side features outside ``tf.layers``' contract: masks,
``keras_style_scope``, ``get_updates_for``/``get_losses_for``, initial
``weights=``, distribution strategies.
"""
from __future__ import absolute_import, division, print_function

import inspect
import re
import threading
import weakref

import numpy as np

from legacy_pipeline import _tf
from legacy_pipeline._tf import tf, tf1

# -- lookups by name ----------------------------------------------------------


def _hard_sigmoid(x):
  return tf.clip_by_value(0.2 * x + 0.5, 0., 1.)


ACTIVATIONS = {
    "linear": None,
    "relu": tf.nn.relu,
    "relu6": tf.nn.relu6,
    "elu": tf.nn.elu,
    "selu": tf.nn.selu,
    "sigmoid": tf.sigmoid,
    "hard_sigmoid": _hard_sigmoid,
    "tanh": tf.tanh,
    "softplus": tf.nn.softplus,
    "softsign": tf.nn.softsign,
    "softmax": tf.nn.softmax,
    "exponential": tf.exp,
}

INITIALIZERS = {
    "glorot_uniform": tf1.glorot_uniform_initializer,
    "glorot_normal": tf1.glorot_normal_initializer,
    "zeros": tf1.zeros_initializer,
    "ones": tf1.ones_initializer,
    "he_normal": tf1.initializers.he_normal,
    "he_uniform": tf1.initializers.he_uniform,
    "lecun_normal": tf1.initializers.lecun_normal,
    "lecun_uniform": tf1.initializers.lecun_uniform,
}


def get_activation(value, who):
  """An activation: a callable or None (linear), from a callable or a name.

  Args:
    value: callable, None or a key of ACTIVATIONS.
    who: the caller, for the message.

  Returns:
    A callable or None.

  Raises:
    ValueError: an unknown name or a value of another kind.
  """
  if value is None or callable(value):
    return value
  if isinstance(value, str) and value in ACTIVATIONS:
    return ACTIVATIONS[value]
  raise ValueError("%s: unknown activation %r (expected a callable or one of "
                   "%s)" % (who, value, ", ".join(sorted(ACTIVATIONS))))


def get_initializer(value, who):
  """An initializer (or None) from an initializer or a name.

  Args:
    value: an initializer (callable), None or a key of INITIALIZERS.
    who: the caller, for the message.

  Returns:
    A callable initializer or None (the variable scope's default).

  Raises:
    ValueError: an unknown name or a value of another kind.
  """
  if value is None or callable(value):
    return value
  if isinstance(value, str) and value in INITIALIZERS:
    return INITIALIZERS[value]()
  raise ValueError("%s: unknown initializer %r (expected an initializer or "
                   "one of %s)" % (who, value, ", ".join(sorted(INITIALIZERS))))


def get_callable(value, what, who):
  """`value` if it is None or callable (regularizers, constraints).

  Args:
    value: the argument given to the layer.
    what: the argument's name, for the error message.
    who: the layer's name, for the error message.

  Returns:
    `value`.

  Raises:
    ValueError: anything else (names such as ``"l2"`` are not supported: pass
      a function, e.g. ``tf.nn.l2_loss``).
  """
  if value is None or callable(value):
    return value
  raise ValueError("%s: %s must be a callable or None, got %r" % (who, what,
                                                                 value))


def snake_case(name):
  """``Conv2DTranspose`` -> ``conv2d_transpose`` (TF 1.15's layer names)."""
  out = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
  out = re.sub(r"([a-z])([A-Z])", r"\1_\2", out).lower()
  return "private" + out if out.startswith("_") else out


def normalize_tuple(value, n, what, who):
  """An int or n ints -> a tuple of n ints.

  Args:
    value: an int or an iterable of n ints.
    n: the length of the result.
    what: the argument's name, for the error message.
    who: the layer's name, for the error message.

  Returns:
    A tuple of n Python ints.

  Raises:
    ValueError: neither an int nor n ints.
  """
  if isinstance(value, int) and not isinstance(value, bool):
    return (value,) * n
  try:
    out = tuple(value)
  except TypeError:
    out = None
  if out is None or len(out) != n or not all(
      isinstance(v, (int, np.integer)) and not isinstance(v, bool)
      for v in out):
    raise ValueError("%s: %s must be an int or a tuple of %d ints, got %r" %
                     (who, what, n, value))
  return tuple(int(v) for v in out)


def normalize_padding(value, who, allow_causal=False):
  """``"valid"``/``"same"`` (any case; ``"causal"`` for 1-D convolutions).

  Args:
    value: the padding given to the layer.
    who: the layer's name, for the error message.
    allow_causal: also accept ``"causal"``.

  Returns:
    The padding in lower case.

  Raises:
    ValueError: another value.
  """
  allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
  out = value.lower() if isinstance(value, str) else value
  if out not in allowed:
    raise ValueError("%s: padding must be one of %s, got %r" % (
        who, ", ".join(repr(a) for a in allowed), value))
  return out


def normalize_data_format(value, who):
  """``"channels_last"`` (also for None) or ``"channels_first"``.

  Args:
    value: the data format given to the layer (any case), or None.
    who: the layer's name, for the error message.

  Returns:
    ``"channels_last"`` or ``"channels_first"``.

  Raises:
    ValueError: another value.
  """
  if value is None:
    return "channels_last"
  out = value.lower() if isinstance(value, str) else value
  if out not in ("channels_last", "channels_first"):
    raise ValueError("%s: data_format must be 'channels_last' or "
                     "'channels_first', got %r" % (who, value))
  return out


def tf_data_format(data_format, rank):
  """``channels_last`` -> NWC/NHWC/NDHWC, ``channels_first`` -> NCW/...

  Args:
    data_format: ``"channels_last"`` or ``"channels_first"``.
    rank: 1, 2 or 3, the number of spatial axes.

  Returns:
    The op-level data format string.
  """
  spatial = {1: "W", 2: "HW", 3: "DHW"}[rank]
  if data_format == "channels_first":
    return "NC" + spatial
  return "N" + spatial + "C"


def conv_output_length(length, size, padding, stride, dilation=1):
  """Output length of a convolution or pooling along one axis (or None).

  Args:
    length: the input length, or None when unknown.
    size: the window (kernel) size.
    padding: ``"valid"``, ``"same"`` or ``"causal"``.
    stride: the stride.
    dilation: the dilation rate.

  Returns:
    The output length, or None when `length` is None.
  """
  if length is None:
    return None
  dilated = size + (size - 1) * (dilation - 1)
  if padding in ("same", "causal"):
    out = length
  else:
    out = length - dilated + 1
  return (out + stride - 1) // stride


def deconv_output_length(length, size, padding, stride):
  """Output length of a transposed convolution along one axis (or None).

  Args:
    length: the input length: an int, None or a scalar int tensor.
    size: the kernel size.
    padding: ``"valid"`` or ``"same"``.
    stride: the stride.

  Returns:
    The output length (of `length`'s kind), or None when it is None.
  """
  if length is None:
    return None
  if padding == "valid":
    return length * stride + max(size - stride, 0)
  return length * stride


# -- training flags -----------------------------------------------------------


def constant_value(pred):
  """True/False for a Python bool, 0/1 or a constant bool tensor; else None.

  Raises:
    TypeError: `pred` is neither a bool, 0/1 nor a tensor.
  """
  if isinstance(pred, tf.Variable):
    return None
  if isinstance(pred, (bool, np.bool_)):
    return bool(pred)
  if isinstance(pred, (int, np.integer)) and pred in (0, 1):
    return bool(pred)
  if isinstance(pred, tf.Tensor):
    value = tf.get_static_value(pred)
    return None if value is None else bool(value)
  raise TypeError("`training` must be a Python bool, 0 or 1, or a bool "
                  "tensor, got %r" % (pred,))


def smart_cond(pred, true_fn, false_fn, name=None):
  """true_fn() or false_fn() when `pred` is known at build time, else a cond.

  Args:
    pred: Python bool, 0/1 or a bool tensor.
    true_fn: callable returning the outputs when `pred` is true.
    false_fn: callable returning the outputs when `pred` is false.
    name: name of the ``tf.compat.v1.cond`` op, when one is built.

  Returns:
    The chosen function's outputs (through a cond if `pred` is not known).

  Raises:
    TypeError: `pred` is neither a bool, 0/1 nor a tensor.
  """
  value = constant_value(pred)
  if value is None:
    return tf1.cond(pred, true_fn, false_fn, name=name)
  return true_fn() if value else false_fn()


# -- shared math --------------------------------------------------------------


def dense_math(inputs, kernel, bias, activation):
  """activation(inputs . kernel + bias) on the last axis of `inputs`.

  A matmul for rank-2 inputs, a tensordot (static shape kept) above.
  Args:
    inputs: tensor of rank >= 2.
    kernel: ``[depth, units]`` tensor.
    bias: ``[units]`` tensor, or None.
    activation: callable, or None.

  Returns:
    The ``[..., units]`` output tensor.
  """
  rank = inputs.get_shape().ndims
  if rank is not None and rank > 2:
    out = tf.tensordot(inputs, kernel, [[rank - 1], [0]])
  else:
    out = tf.matmul(inputs, kernel)
  if bias is not None:
    out = tf.nn.bias_add(out, bias)
  return out if activation is None else activation(out)


# -- names unique per graph ----------------------------------------------------

_NAMES = weakref.WeakKeyDictionary()  # graph -> {base name: count}
_NAMES_LOCK = threading.Lock()


def unique_layer_name(base):
  """`base_1`, `base_2`, ... per graph: ``layer.name`` of an unnamed layer.

  As in TF 1.15, the names of unnamed ``tf.layers`` objects count from 1
  (their variable scopes, chosen on first use, are ``base``, ``base_1``...).
  """
  graph = tf1.get_default_graph()
  with _NAMES_LOCK:
    counts = _NAMES.setdefault(graph, {})
    counts[base] = counts.get(base, 0) + 1
    return "%s_%d" % (base, counts[base])


def _add_to_collection(key, items):
  """Appends the items not yet in collection `key` (by identity)."""
  collection = tf1.get_collection_ref(key)
  present = set(id(x) for x in collection)
  for item in items:
    if id(item) not in present:
      collection.append(item)
      present.add(id(item))


def _flatten(structure):
  return tf.nest.flatten(structure)


def _as_tensor(x):
  if isinstance(x, (np.ndarray, float, int, np.generic)):
    return tf.convert_to_tensor(x)
  return x


# -- InputSpec -----------------------------------------------------------------


class InputSpec(object):
  """What a layer accepts as input: dtype, rank and some dimensions.

  Args:
    dtype: expected dtype (name or DType), or None.
    shape: expected shape (None entries match anything); implies ndim.
    ndim: expected rank.
    max_ndim: largest accepted rank.
    min_ndim: smallest accepted rank.
    axes: dict axis -> expected size.
  """

  def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None,
               min_ndim=None, axes=None):
    self.dtype = None if dtype is None else tf.as_dtype(dtype).name
    self.shape = None if shape is None else tuple(shape)
    self.ndim = len(self.shape) if shape is not None else ndim
    self.max_ndim = max_ndim
    self.min_ndim = min_ndim
    self.axes = dict(axes or {})

  def __repr__(self):
    spec = ["%s=%s" % (key, value) for key, value in (
        ("dtype", self.dtype), ("shape", self.shape), ("ndim", self.ndim),
        ("max_ndim", self.max_ndim), ("min_ndim", self.min_ndim),
        ("axes", self.axes or None)) if value is not None]
    return "InputSpec(%s)" % ", ".join(spec)


def assert_input_compatibility(input_spec, inputs, layer_name):
  """Raises ValueError when `inputs` do not meet `input_spec` (one or a list).

  Unknown ranks and dimensions pass, as in TF 1.15.

  Args:
    input_spec: an ``InputSpec``, a list of them (None entries skip), or
      None (no check).
    inputs: a tensor or a (nested) list of them.
    layer_name: the layer's name, for the error message.

  Raises:
    ValueError: a known rank, dtype or dimension that does not match, or a
      different number of inputs than of specs.
  """
  if not input_spec:
    return
  specs = input_spec if isinstance(input_spec, (list, tuple)) else [input_spec]
  inputs = _flatten(inputs)
  if len(inputs) != len(specs):
    raise ValueError("Layer %s expects %d input(s), but it received %d input "
                     "tensors" % (layer_name, len(specs), len(inputs)))
  for index, (x, spec) in enumerate(zip(inputs, specs)):
    if spec is None:
      continue
    shape = x.get_shape()
    rank = shape.ndims
    where = "Input %d of layer %s is incompatible with the layer" % (
        index, layer_name)
    if spec.ndim is not None and rank is not None and rank != spec.ndim:
      raise ValueError("%s: expected ndim=%d, found ndim=%d. Full shape "
                       "received: %s" % (where, spec.ndim, rank, shape))
    if spec.max_ndim is not None and rank is not None and \
        rank > spec.max_ndim:
      raise ValueError("%s: expected max_ndim=%d, found ndim=%d" % (
          where, spec.max_ndim, rank))
    if spec.min_ndim is not None and rank is not None and \
        rank < spec.min_ndim:
      raise ValueError("%s: expected min_ndim=%d, found ndim=%d. Full shape "
                       "received: %s" % (where, spec.min_ndim, rank, shape))
    if spec.dtype is not None and x.dtype.base_dtype.name != spec.dtype:
      raise ValueError("%s: expected dtype=%s, found dtype=%s" % (
          where, spec.dtype, x.dtype.base_dtype.name))
    if rank is not None:
      dims = shape.as_list()
      for axis, size in spec.axes.items():
        got = dims[axis] if -rank <= axis < rank else None
        if size is not None and got is not None and got != size:
          raise ValueError("%s: expected axis %d of input shape to have value "
                           "%d but received input with shape %s" % (
                               where, axis, size, shape))
      if spec.shape is not None:
        for want, got in zip(spec.shape, dims):
          if want is not None and got is not None and want != got:
            raise ValueError("%s: expected shape=%s, found shape=%s" % (
                where, spec.shape, shape))


# -- Layer ---------------------------------------------------------------------

_ACCEPTED_KWARGS = ("activity_regularizer", "input_shape", "batch_input_shape",
                    "batch_size", "autocast", "dtype_policy")


class Layer(object):
  """Base layer class of TF 1.15's ``tf.layers`` (variable-scope semantics).

  Subclass it as in TF 1.x: create weights in ``build(input_shape)`` (or in
  ``__init__``) with ``add_weight``, compute in ``call(inputs, ...)``; a
  ``call`` that takes ``scope`` receives the layer's variable scope.

  Args:
    trainable: whether the layer's variables are trainable.
    name: the layer's name and the base of its variable scope's name;
      default: the class name in snake case.
    dtype: the weights' dtype; default: the first input's dtype.
    **kwargs: ``activity_regularizer`` (callable: output -> scalar loss);
      ``_scope`` and ``_reuse`` (used by the function forms: open that
      variable scope now, reuse its variables).  ``input_shape``,
      ``batch_input_shape``, ``batch_size``, ``autocast`` are accepted and
      ignored.

  Raises:
    TypeError: an unknown keyword argument.
    NotImplementedError: ``weights=`` (initial values) was given.
  """

  def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
    scope = kwargs.pop("_scope", None)
    self._reuse = kwargs.pop("_reuse", None)
    if "weights" in kwargs:
      raise NotImplementedError(
          "%s: weights= (initial values) is not supported by the in-house "
          "tf.layers; assign the values after initialization" %
          type(self).__name__)
    for key in kwargs:
      if key not in _ACCEPTED_KWARGS:
        raise TypeError("%s: keyword argument not understood: %r" % (
            type(self).__name__, key))
    self._trainable = bool(trainable)
    self._dtype = None if dtype is None else tf.as_dtype(dtype).name
    self._trainable_weights = []
    self._non_trainable_weights = []
    self._losses = []
    self._weight_losses = []
    self._updates = []
    self.built = False
    self.input_spec = None
    self.stateful = False
    self.supports_masking = False
    self._activity_regularizer = get_callable(
        kwargs.get("activity_regularizer"), "activity_regularizer",
        type(self).__name__)
    base = snake_case(type(self).__name__)
    if isinstance(name, tf1.VariableScope):
      self._name, self._base_name = unique_layer_name(base), name.name
    elif name:
      self._name = self._base_name = name
    else:
      self._name, self._base_name = unique_layer_name(base), base
    self._scope = None
    self._current_scope = None
    self._reuse_scope = None
    if scope:
      with tf1.variable_scope(scope) as captured:
        self._scope = captured

  # -- properties -------------------------------------------------------------

  @property
  def name(self):
    """The layer's name (unique per graph unless given)."""
    return self._name

  @property
  def dtype(self):
    """The weights' dtype name (None until the first call if not given)."""
    return self._dtype

  @property
  def trainable(self):
    return self._trainable

  @trainable.setter
  def trainable(self, value):
    self._trainable = bool(value)

  @property
  def scope_name(self):
    """The name of the layer's variable scope.

    Raises:
      ValueError: the layer has not been used yet.
    """
    if not self._scope:
      raise ValueError("No name available for layer scope because the layer "
                       "%r has not been used yet; the scope name is chosen "
                       "when the layer is first called" % self._name)
    return self._scope.name

  @property
  def activity_regularizer(self):
    return self._activity_regularizer

  @property
  def trainable_weights(self):
    return list(self._trainable_weights) if self.trainable else []

  @property
  def non_trainable_weights(self):
    if self.trainable:
      return list(self._non_trainable_weights)
    return list(self._trainable_weights) + list(self._non_trainable_weights)

  @property
  def weights(self):
    return self.trainable_weights + self.non_trainable_weights

  @property
  def variables(self):
    return self.weights

  @property
  def trainable_variables(self):
    return self.trainable_weights

  @property
  def non_trainable_variables(self):
    return self.non_trainable_weights

  @property
  def losses(self):
    """Activity and add_loss losses, then weight regularization losses."""
    return list(self._losses) + list(self._weight_losses)

  @property
  def updates(self):
    """The update ops (none when the layer is not trainable, as TF 1.15)."""
    if not self.trainable and not self.stateful:
      return []
    return list(self._updates)

  # -- scopes -----------------------------------------------------------------

  def _set_scope(self, scope=None):
    """Opens the layer's variable scope once, in the current variable scope."""
    if self._scope is not None:
      return
    if self._reuse:
      with tf1.variable_scope(
          scope if scope is not None else self._base_name) as captured:
        self._scope = captured
    else:
      with tf1.variable_scope(scope, default_name=self._base_name) as captured:
        self._scope = captured

  def _enter_scope(self, reuse):
    return tf1.variable_scope(self._scope, reuse=reuse,
                              auxiliary_name_scope=False)

  # -- weights, losses, updates ------------------------------------------------

  def add_weight(self, name, shape, dtype=None, initializer=None,
                 regularizer=None, trainable=None, constraint=None,
                 use_resource=None, synchronization=None, aggregation=None,
                 partitioner=None, **kwargs):
    """Creates (or, reusing, gets) a variable in the layer's variable scope.

    Args:
      name: the variable's name inside the layer's scope (``kernel``).
      shape: its shape.
      dtype: default the layer's dtype, else float32.
      initializer: default the variable scope's (glorot uniform for floats).
      regularizer: callable variable -> scalar loss; the loss goes to
        ``layer.losses`` and ``REGULARIZATION_LOSSES`` if the variable is
        new.
      trainable: default True (False with ON_READ synchronization); the
        variable is trainable only if the layer is too.
      constraint: projection applied by v1 optimizers after updates.
      use_resource: passed to get_variable.
      synchronization, aggregation: passed to get_variable.
      partitioner: passed to get_variable.
      **kwargs: ``experimental_autocast`` is accepted and ignored.

    Returns:
      The variable (a PartitionedVariable with a partitioner).

    Raises:
      TypeError: an unknown keyword argument.
      ValueError: trainable=True with ON_READ synchronization.
      GraphModeError: called while executing eagerly.
    """
    trainable = self._checked_weight_args(kwargs, synchronization, trainable)
    dtype = tf.as_dtype(dtype or self._dtype or tf.float32)
    existing = set(id(v) for v in tf1.global_variables())
    self._set_scope(None)
    first_trainable = len(self._trainable_weights)
    extra = {}
    if synchronization is not None:
      extra["synchronization"] = synchronization
    if aggregation is not None:
      extra["aggregation"] = aggregation
    with self._enter_scope(self.built or self._reuse) as scope:
      self._current_scope = scope
      with tf1.name_scope(scope.original_name_scope):
        variable = tf1.get_variable(
            name, shape=shape, dtype=dtype,
            initializer=initializer if initializer is not None else
            scope.initializer, trainable=trainable and self.trainable,
            constraint=constraint, partitioner=partitioner,
            use_resource=use_resource, **extra)
        if trainable and self.trainable:
          self._trainable_weights.append(variable)
        else:
          self._non_trainable_weights.append(variable)
        # A PartitionedVariable (not a tf.Variable) iterates over its parts.
        parts = [variable] if isinstance(variable, tf.Variable) else \
            list(variable)
        if regularizer is not None and all(id(p) not in existing
                                           for p in parts):
          with tf1.name_scope(name + "/Regularizer"):
            loss = regularizer(variable)
          if loss is not None:
            self._weight_losses.append(loss)
            _add_to_collection(tf1.GraphKeys.REGULARIZATION_LOSSES, [loss])
    trainable_ids = set(id(v) for v in tf1.trainable_variables())
    if trainable and self.trainable and all(id(p) not in trainable_ids
                                            for p in parts):
      # A custom getter made the variable non-trainable.
      moved = self._trainable_weights[first_trainable:]
      del self._trainable_weights[first_trainable:]
      self._non_trainable_weights.extend(moved)
    return variable

  def _checked_weight_args(self, kwargs, synchronization, trainable):
    """Checks add_weight's arguments; returns `trainable` with its default.

    Args:
      kwargs: the extra keyword arguments (only ``experimental_autocast``).
      synchronization: the variable's synchronization.
      trainable: the requested trainable flag, or None.

    Returns:
      The trainable flag (default True, False with ON_READ synchronization).

    Raises:
      TypeError: an unknown keyword argument.
      ValueError: trainable=True with ON_READ synchronization.
      GraphModeError: called while executing eagerly.
    """
    for key in kwargs:
      if key != "experimental_autocast":
        raise TypeError("%s.add_weight: unknown keyword argument %r" % (
            type(self).__name__, key))
    _tf.require_graph_mode("%s.add_weight" % type(self).__name__)
    on_read = synchronization == tf.VariableSynchronization.ON_READ
    if on_read and trainable:
      raise ValueError("%s.add_weight: synchronization=ON_READ is only "
                       "possible for non-trainable variables, got "
                       "trainable=True" % type(self).__name__)
    if trainable is None:
      trainable = not on_read
    return trainable

  def add_variable(self, *args, **kwargs):
    """Deprecated alias of ``add_weight``."""
    return self.add_weight(*args, **kwargs)

  def add_loss(self, losses, inputs=None):
    """Adds loss tensors (or callables returning them) to ``layer.losses``
    and ``REGULARIZATION_LOSSES``.

    Args:
      losses: a tensor, a callable returning one, or a (nested) list of
        them; None values are skipped.
      inputs: ignored (kept for TF 1.15's signature).
    """
    del inputs
    new = []
    for loss in _flatten(losses) if not callable(losses) else [losses]:
      loss = loss() if callable(loss) else loss
      if loss is not None:
        new.append(loss)
    self._losses.extend(new)
    _add_to_collection(tf1.GraphKeys.REGULARIZATION_LOSSES, new)

  def add_update(self, updates, inputs=None):
    """Adds update ops; callables are called now (graph mode).

    Args:
      updates: an op, a tensor (its op is used), a callable returning one,
        or a (nested) list of them.
      inputs: ignored (kept for TF 1.15's signature).
    """
    del inputs
    for update in _flatten(updates) if not callable(updates) else [updates]:
      if callable(update):
        update = update()
      if not isinstance(update, tf.Operation):
        update = update.op if hasattr(update, "op") else \
            tf.convert_to_tensor(update).op
      self._updates.append(update)

  # -- building and calling ----------------------------------------------------

  def build(self, input_shape):
    """Creates the weights; called once, before the first call."""
    del input_shape
    self.built = True

  def call(self, inputs, **kwargs):
    """The layer's computation (the identity here)."""
    del kwargs
    return inputs

  def compute_output_shape(self, input_shape):
    raise NotImplementedError("%s does not implement compute_output_shape" %
                              type(self).__name__)

  def _call_takes(self, arg):
    try:
      params = inspect.signature(self.call).parameters
    except (TypeError, ValueError):
      return False
    return arg in params

  def __call__(self, inputs, *args, **kwargs):
    """Builds the layer on first use and applies ``call`` in its scope.

    Args:
      inputs: tensor(s) (numpy values are converted).
      *args: passed to ``call``.
      **kwargs: passed to ``call``; ``scope`` (reserved) names the layer's
        variable scope on first use.

    Returns:
      ``call``'s outputs.

    Raises:
      ValueError: the inputs do not meet the layer's input spec, or ``call``
        returned None.
      GraphModeError: called while executing eagerly.
    """
    _tf.require_graph_mode(type(self).__name__)
    scope = kwargs.pop("scope", None)
    self._set_scope(scope)
    if self.built:
      if self._reuse_scope is None:
        self._reuse_scope = self._enter_scope(True)
      manager = self._reuse_scope
    else:
      manager = self._enter_scope(self._reuse)
    with manager as var_scope:
      self._current_scope = var_scope
      if self._call_takes("scope"):
        kwargs["scope"] = var_scope
      with tf1.name_scope(var_scope.original_name_scope):
        inputs = tf.nest.map_structure(_as_tensor, inputs)
        assert_input_compatibility(self.input_spec, inputs, self.name)
        if not self.built:
          flat = _flatten(inputs)
          if self._dtype is None and flat and hasattr(flat[0], "dtype"):
            self._dtype = flat[0].dtype.base_dtype.name
          shapes = tf.nest.map_structure(lambda x: x.get_shape(), inputs) \
              if all(hasattr(x, "get_shape") for x in flat) else None
          self.build(shapes)
          self.built = True
        outputs = self.call(inputs, *args, **kwargs)
        if outputs is None:
          raise ValueError("A layer's `call` method should return a tensor or "
                           "a list of tensors, not None (layer: %s)" %
                           self.name)
        if self._activity_regularizer is not None:
          with tf1.name_scope("ActivityRegularizer"):
            for output in _flatten(outputs):
              loss = self._activity_regularizer(output)
              batch = tf.cast(tf.shape(output)[0], loss.dtype)
              self.add_loss(loss / batch)
    _add_to_collection(tf1.GraphKeys.UPDATE_OPS, self.updates)
    return outputs

  def apply(self, inputs, *args, **kwargs):
    """Same as calling the layer."""
    return self.__call__(inputs, *args, **kwargs)

  def count_params(self):
    """Number of scalars in the weights.

    Raises:
      ValueError: the layer is not built yet.
    """
    if not self.built:
      raise ValueError("%s.count_params: the layer is not built yet (call it "
                       "on a tensor first)" % self.name)
    return int(sum(np.prod(w.get_shape().as_list()) for w in self.weights))
