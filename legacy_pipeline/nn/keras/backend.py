"""Graph-mode ``tf.keras.backend`` as TF 1.15's Keras had it.

Per-graph state (layer-name counters, the learning phase, the Keras session)
lives in a table keyed by graph, so a new ``tf.Graph()`` starts afresh as it
did in TF 1.x.  The math functions follow TF 1.15's Keras: the same defaults
(``axis=-1``, ``epsilon()`` clipping in the cross-entropies, ``sqrt`` of a
value clipped at 0, bool means cast to ``floatx()``), built from
``tf.compat.v1`` ops.  Only graph mode is supported.

Not provided (an AttributeError names the module): convolution, pooling,
padding, resizing, ``rnn``, ``ctc_*`` and the local/separable convolutions.
"""
from __future__ import absolute_import, division, print_function

import builtins as _builtins
import contextlib
import threading
import weakref

import numpy as np

from legacy_pipeline import _tf
from legacy_pipeline._tf import tf, tf1

_CONFIG = {"floatx": "float32", "epsilon": 1e-7,
           "image_data_format": "channels_last", "manual_init": False}
_STATE = weakref.WeakKeyDictionary()  # graph -> _GraphState
_LOCK = threading.Lock()
_SESSION = []  # a session set by set_session, whatever its graph


class _GraphState(object):
  """What TF 1.15's Keras kept per graph."""

  def __init__(self):
    self.object_names = {}  # layer-name prefix -> count, for unique names
    self.uids = {}  # get_uid's counters
    self.learning_phase = None  # the placeholder, made on first use
    self.fixed_phase = None  # set_learning_phase's 0/1
    self.session = None  # the session get_session made for this graph
    self.keras_initialized = set()  # ids of variables get_session has seen


def _state(graph=None):
  graph = graph or tf1.get_default_graph()
  with _LOCK:
    found = _STATE.get(graph)
    if found is None:
      found = _STATE[graph] = _GraphState()
    return found


# -- configuration ------------------------------------------------------------


def floatx():
  """The default float type name (``"float32"``)."""
  return _CONFIG["floatx"]


def set_floatx(value):
  """Sets the default float type.

  Raises:
    ValueError: `value` is not float16, float32 or float64.
  """
  if value not in ("float16", "float32", "float64"):
    raise ValueError("set_floatx: unknown float type %r (expected float16, "
                     "float32 or float64)" % (value,))
  _CONFIG["floatx"] = str(value)


def epsilon():
  """The fuzz factor used by the cross-entropies and clipping (1e-7)."""
  return _CONFIG["epsilon"]


def set_epsilon(value):
  """Sets the fuzz factor."""
  _CONFIG["epsilon"] = float(value)


def image_data_format():
  """``"channels_last"`` (default) or ``"channels_first"``."""
  return _CONFIG["image_data_format"]


def set_image_data_format(data_format):
  """Sets the image data format.

  Raises:
    ValueError: not ``channels_last`` or ``channels_first``.
  """
  if data_format not in ("channels_last", "channels_first"):
    raise ValueError("set_image_data_format: unknown format %r" %
                     (data_format,))
  _CONFIG["image_data_format"] = str(data_format)


def manual_variable_initialization(value):
  """True: get_session() leaves variables uninitialized (TF 1.x's switch)."""
  _CONFIG["manual_init"] = bool(value)


def cast_to_floatx(x):
  """A numpy array of `x` in ``floatx()``."""
  return np.asarray(x, dtype=floatx())


# -- names, uids, learning phase -----------------------------------------------


def get_uid(prefix=""):
  """1, 2, ... per prefix and graph."""
  uids = _state().uids
  with _LOCK:
    uids[prefix] = uids.get(prefix, 0) + 1
    return uids[prefix]


def reset_uids():
  """Restarts get_uid's and the layer names' counters of the current graph."""
  state = _state()
  with _LOCK:
    state.uids.clear()
    state.object_names.clear()


def unique_object_name(prefix):
  """`prefix`, then `prefix_1`, `prefix_2`, ... per graph (layer names)."""
  names = _state().object_names
  with _LOCK:
    n = names.get(prefix, 0)
    names[prefix] = n + 1
  return prefix if n == 0 else "%s_%d" % (prefix, n)


def learning_phase():
  """The learning phase: 0/1 if set_learning_phase fixed it, else a bool
  placeholder (``keras_learning_phase``, default False) of the current graph.
  """
  state = _state()
  if state.fixed_phase is not None:
    return state.fixed_phase
  if state.learning_phase is None:
    graph = tf1.get_default_graph()
    with tf1.init_scope(), graph.name_scope(None):
      state.learning_phase = tf1.placeholder_with_default(
          False, shape=(), name="keras_learning_phase")
  return state.learning_phase


def set_learning_phase(value):
  """Fixes the learning phase of the current graph to 0 (test) or 1 (train).

  Raises:
    ValueError: `value` is not 0 or 1.
  """
  if value not in (0, 1) or isinstance(value, float):
    raise ValueError("set_learning_phase: expected 0 or 1, got %r" % (value,))
  _state().fixed_phase = int(value)


@contextlib.contextmanager
def learning_phase_scope(value):
  """Fixes the learning phase inside the block, restores it after."""
  state = _state()
  before = state.fixed_phase
  set_learning_phase(value)
  try:
    yield value
  finally:
    state.fixed_phase = before


def _phase_value(training):
  """training as a Python bool when it is static, else the bool tensor."""
  if training is None:
    training = learning_phase()
  if isinstance(training, (bool, int, np.bool_, np.integer)):
    return bool(training)
  static = _static_bool(training)
  return training if static is None else static


def _static_bool(value):
  try:
    from tensorflow.python.framework import tensor_util  # pylint: disable=g-direct-tensorflow-import,g-import-not-at-top
    const = tensor_util.constant_value(tf.convert_to_tensor(value))
  except (TypeError, ValueError):
    return None
  return None if const is None else bool(const)


def smart_cond(pred, true_fn, false_fn, name=None):
  """true_fn() / false_fn() when `pred` is static, else tf.cond.

  Args:
    pred: Python bool, or bool (or castable) scalar tensor.
    true_fn: callable for the true branch.
    false_fn: callable for the false branch.
    name: name of the cond op, when one is built.

  Returns:
    The chosen branch's outputs.
  """
  static = pred if isinstance(pred, bool) else _static_bool(pred)
  if static is not None:
    return true_fn() if static else false_fn()
  return tf1.cond(tf.cast(pred, tf.bool), true_fn, false_fn, name=name)


# -- sessions and values ---------------------------------------------------------


def get_session():
  """The session Keras uses: the default session if one is active, else the
  one set_session gave, else one made for the current graph.  Initializes
  the graph's global variables that are not initialized yet (unless
  manual_variable_initialization(True)), as TF 1.x's Keras did.
  """
  _tf.require_graph_mode("tf.keras.backend.get_session")
  graph = tf1.get_default_graph()
  session = tf1.get_default_session()
  if session is None and _SESSION and _SESSION[0].graph is graph:
    session = _SESSION[0]
  state = _state(graph)
  if session is None:
    if state.session is None or state.session._closed:  # pylint: disable=protected-access
      state.session = tf1.Session(graph=graph)
    session = state.session
  if not _CONFIG["manual_init"]:
    _initialize_new_variables(session, state)
  return session


def _initialize_new_variables(session, state):
  fresh = [v for v in session.graph.get_collection(
      tf1.GraphKeys.GLOBAL_VARIABLES) if id(v) not in state.keras_initialized]
  if not fresh:
    return
  with session.graph.as_default():
    flags = session.run([tf1.is_variable_initialized(v) for v in fresh])
    todo = [v for v, done in zip(fresh, flags) if not done]
    if todo:
      session.run(tf1.variables_initializer(todo))
  state.keras_initialized.update(id(v) for v in fresh)


def set_session(session):
  """Makes `session` the one get_session returns for its graph."""
  del _SESSION[:]
  if session is not None:
    _SESSION.append(session)


def clear_session():
  """Resets the default graph and Keras' state (names, learning phase)."""
  del _SESSION[:]
  tf1.reset_default_graph()
  _state()  # the new graph's fresh state


def eval(x):  # pylint: disable=redefined-builtin
  """The value of tensor or variable `x` (numpy)."""
  return get_session().run(x)


def get_value(x):
  """The value of variable `x` (numpy)."""
  return get_session().run(x)


def batch_get_value(tensors):
  """Values of a list of variables, in one run."""
  return get_session().run(list(tensors)) if tensors else []


def set_value(x, value):
  """Assigns the numpy `value` to variable `x`.

  Args:
    x: the variable.
    value: numpy value (cast to x's dtype).
  """
  batch_set_value([(x, value)])


def batch_set_value(tuples):
  """Assigns (variable, numpy value) pairs in one run."""
  if not tuples:
    return
  ops, feed = [], {}
  for var, value in tuples:
    value = np.asarray(value, dtype=var.dtype.base_dtype.as_numpy_dtype)
    ph = tf1.placeholder(var.dtype.base_dtype, value.shape)
    ops.append(tf1.assign(var, ph))
    feed[ph] = value
  get_session().run(ops, feed)


class _Function(object):
  """K.function: runs `outputs` (and `updates`) for a list of input values."""

  def __init__(self, inputs, outputs, updates=None, name=None, **session_kw):
    self.inputs = list(inputs)
    self.outputs = outputs
    self._single = not isinstance(outputs, (list, tuple))
    self._fetches = [outputs] if self._single else list(outputs)
    updates = [tf1.assign(*u) if isinstance(u, tuple) else u
               for u in (updates or [])]
    with tf.control_dependencies(self._fetches):
      self._updates = tf.group(*updates) if updates else None
    self.name = name
    self._session_kw = session_kw

  def __call__(self, inputs):
    inputs = list(inputs)
    if len(inputs) != len(self.inputs):
      raise ValueError("K.function: expected %d input values, got %d" %
                       (len(self.inputs), len(inputs)))
    feed = dict(zip(self.inputs, inputs))
    fetches = self._fetches + ([self._updates] if self._updates is not None
                               else [])
    out = get_session().run(fetches, feed, **self._session_kw)
    return out[:len(self._fetches)]


def function(inputs, outputs, updates=None, name=None, **kwargs):
  """A callable list-of-values -> list of output values (TF 1.x K.function).

  Args:
    inputs: list of placeholders fed by the call.
    outputs: a tensor or a list of tensors to fetch.
    updates: ops, or (variable, value) pairs assigned, run after outputs.
    name: kept as the function's ``name``.
    **kwargs: passed to ``Session.run`` on each call.

  Returns:
    A callable taking a list of input values and returning the list of
    output values.

  Raises:
    ValueError: called with a different number of values than `inputs`.
  """
  return _Function(inputs, outputs, updates=updates, name=name, **kwargs)


# -- tensors, variables, shapes ------------------------------------------------


def _dtype(dtype):
  return tf.as_dtype(dtype or floatx())


def variable(value, dtype=None, name=None, constraint=None):
  """A variable holding `value` (numpy or list), in floatx by default.

  Args:
    value: numpy array or list.
    dtype: default floatx().
    name: the variable's name.
    constraint: projection applied by v1
      optimizers, or None.

  Returns:
    A ``tf.compat.v1.Variable``.
  """
  dtype = _dtype(dtype)
  v = tf1.Variable(np.asarray(value, dtype=dtype.as_numpy_dtype),
                   dtype=dtype, name=name, constraint=constraint)
  return v


def constant(value, dtype=None, shape=None, name=None):
  """tf.constant in floatx by default.

  Args:
    value: the constant's value.
    dtype: default floatx().
    shape: optional shape.
    name: the op's name.

  Returns:
    A constant tensor.
  """
  return tf1.constant(value, dtype=_dtype(dtype), shape=shape, name=name)


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None):
  """A placeholder of `shape` (or of rank `ndim`, every dimension unknown).

  Args:
    shape: the shape, or None.
    ndim: rank, used when shape is None (every dimension unknown).
    dtype: default floatx().
    sparse: make a sparse placeholder.
    name: the op's name.

  Returns:
    A placeholder (or sparse placeholder).
  """
  dtype = _dtype(dtype)
  if shape is None and ndim is not None:
    shape = (None,) * ndim
  if sparse:
    return tf1.sparse_placeholder(dtype, shape=shape, name=name)
  return tf1.placeholder(dtype, shape=shape, name=name)


def is_sparse(tensor):
  """Whether `tensor` is a SparseTensor."""
  return isinstance(tensor, tf.SparseTensor)


def to_dense(tensor):
  """A dense tensor (SparseTensor converted, others unchanged)."""
  return tf.sparse.to_dense(tensor) if is_sparse(tensor) else tensor


def int_shape(x):
  """The static shape as a tuple of ints/None, or None if the rank is unknown."""
  shape = x.get_shape() if hasattr(x, "get_shape") else tf.TensorShape(
      np.shape(x))
  if shape.ndims is None:
    return None
  return tuple(_tf.dim_value(d) for d in shape)


def shape(x):
  """The dynamic shape (int32 tensor)."""
  return tf.shape(x)


def ndim(x):
  """The static rank, or None."""
  return x.get_shape().ndims


def dtype(x):
  """The base dtype's name, e.g. ``"float32"``."""
  return x.dtype.base_dtype.name


def count_params(x):
  """Number of elements of a fully defined variable or tensor."""
  return int(np.prod(x.get_shape().as_list()))


def zeros(shape, dtype=None, name=None):  # pylint: disable=redefined-outer-name
  """A variable of zeros (as TF 1.x's K.zeros: a variable, not a tensor).

  Args:
    shape: the variable's shape.
    dtype: default floatx().
    name: the variable's name.

  Returns:
    A variable of zeros.
  """
  dt = _dtype(dtype)
  return variable(np.zeros(shape, dt.as_numpy_dtype), dt, name)


def ones(shape, dtype=None, name=None):  # pylint: disable=redefined-outer-name
  """A variable of ones.

  Args:
    shape: the variable's shape.
    dtype: default floatx().
    name: the variable's name.

  Returns:
    A variable of ones.
  """
  dt = _dtype(dtype)
  return variable(np.ones(shape, dt.as_numpy_dtype), dt, name)


def eye(size, dtype=None, name=None):
  """An identity-matrix variable.

  Args:
    size: the number of rows and columns.
    dtype: default floatx().
    name: the variable's name.

  Returns:
    A [size, size] identity variable.
  """
  dt = _dtype(dtype)
  return variable(np.eye(size, dtype=dt.as_numpy_dtype), dt, name)


def zeros_like(x, dtype=None, name=None):
  """Zeros shaped like `x`.

  Args:
    x: input tensor.
    dtype: dtype of the result; default x's.
    name: the op's name.

  Returns:
    A tensor of zeros shaped like `x`.
  """
  return tf.zeros_like(x, dtype=dtype, name=name)


def ones_like(x, dtype=None, name=None):
  """Ones shaped like `x`.

  Args:
    x: input tensor.
    dtype: dtype of the result; default x's.
    name: the op's name.

  Returns:
    A tensor of ones shaped like `x`.
  """
  return tf.ones_like(x, dtype=dtype, name=name)


def cast(x, dtype):  # pylint: disable=redefined-outer-name
  """tf.cast.

  Args:
    x: input tensor.
    dtype: the target dtype.

  Returns:
    `x` in `dtype`.
  """
  return tf.cast(x, dtype)


def update(x, new_x):
  """x := new_x (an assign op).

  Args:
    x: the variable.
    new_x: its new value.

  Returns:
    The assign op's result.
  """
  return tf1.assign(x, new_x)


def update_add(x, increment):
  """x += increment.

  Args:
    x: the variable.
    increment: value added.

  Returns:
    The assign_add result.
  """
  return tf1.assign_add(x, increment)


def update_sub(x, decrement):
  """x -= decrement.

  Args:
    x: the variable.
    decrement: value subtracted.

  Returns:
    The assign_sub result.
  """
  return tf1.assign_sub(x, decrement)


def moving_average_update(x, value, momentum):
  """x := x * momentum + value * (1 - momentum).

  Args:
    x: the moving-average variable.
    value: the new observation.
    momentum: weight of the old value.

  Returns:
    The assign op's result.
  """
  return tf1.assign(x, x * momentum + value * (1. - momentum))


# -- math ---------------------------------------------------------------------------


def _axis(axis):
  return list(axis) if isinstance(axis, tuple) else axis


def _float_if_bool(x):
  return tf.cast(x, floatx()) if x.dtype.base_dtype == tf.bool else x


def dot(x, y):
  """Matrix product over x's last and y's second-to-last axis (any rank).

  Args:
    x: tensor of rank >= 1.
    y: tensor of rank >= 1.

  Returns:
    The product tensor.
  """
  x, y = tf.convert_to_tensor(x), tf.convert_to_tensor(y)
  if x.get_shape().ndims == 2 and y.get_shape().ndims == 2:
    return tf.matmul(x, y)
  y_axis = y.get_shape().ndims - 2 if y.get_shape().ndims > 1 else 0
  return tf.tensordot(x, y, [[x.get_shape().ndims - 1], [y_axis]])


def transpose(x):
  """Reverses the axes."""
  return tf.transpose(x)


def gather(reference, indices):
  """reference[indices] along axis 0.

  Args:
    reference: the tensor indexed.
    indices: int tensor of indices.

  Returns:
    The gathered slices.
  """
  return tf.gather(reference, indices)


def max(x, axis=None, keepdims=False):  # pylint: disable=redefined-builtin
  """Maximum along `axis` (all axes if None).

  Args:
    x: input tensor.
    axis: int or list of ints; None for all axes.
    keepdims: keep the reduced axes with size 1.

  Returns:
    The reduced tensor.
  """
  return tf.reduce_max(x, _axis(axis), keepdims=keepdims)


def min(x, axis=None, keepdims=False):  # pylint: disable=redefined-builtin
  """Minimum along `axis`.

  Args:
    x: input tensor.
    axis: int or list of ints; None for all axes.
    keepdims: keep the reduced axes with size 1.

  Returns:
    The reduced tensor.
  """
  return tf.reduce_min(x, _axis(axis), keepdims=keepdims)


def sum(x, axis=None, keepdims=False):  # pylint: disable=redefined-builtin
  """Sum along `axis`.

  Args:
    x: input tensor.
    axis: int or list of ints; None for all axes.
    keepdims: keep the reduced axes with size 1.

  Returns:
    The reduced tensor.
  """
  return tf.reduce_sum(x, _axis(axis), keepdims=keepdims)


def prod(x, axis=None, keepdims=False):
  """Product along `axis`.

  Args:
    x: input tensor.
    axis: int or list of ints; None for all axes.
    keepdims: keep the reduced axes with size 1.

  Returns:
    The reduced tensor.
  """
  return tf.reduce_prod(x, _axis(axis), keepdims=keepdims)


def cumsum(x, axis=0):
  """Cumulative sum.

  Args:
    x: input tensor.
    axis: the axis accumulated.

  Returns:
    A tensor of x's shape.
  """
  return tf.cumsum(x, axis=axis)


def cumprod(x, axis=0):
  """Cumulative product.

  Args:
    x: input tensor.
    axis: the axis accumulated.

  Returns:
    A tensor of x's shape.
  """
  return tf.math.cumprod(x, axis=axis)


def mean(x, axis=None, keepdims=False):
  """Mean along `axis` (bools counted in floatx).

  Args:
    x: input tensor.
    axis: int or list of ints; None for all axes.
    keepdims: keep the reduced axes with size 1.

  Returns:
    The reduced tensor.
  """
  return tf.reduce_mean(_float_if_bool(x), _axis(axis), keepdims=keepdims)


def var(x, axis=None, keepdims=False):
  """Variance along `axis`.

  Args:
    x: input tensor.
    axis: int or list of ints; None for all axes.
    keepdims: keep the reduced axes with size 1.

  Returns:
    The (biased) variance.
  """
  x = _float_if_bool(x)
  m = tf.reduce_mean(x, _axis(axis), keepdims=True)
  return tf.reduce_mean(tf.square(x - m), _axis(axis), keepdims=keepdims)


def std(x, axis=None, keepdims=False):
  """Standard deviation along `axis`.

  Args:
    x: input tensor.
    axis: int or list of ints; None for all axes.
    keepdims: keep the reduced axes with size 1.

  Returns:
    The square root of ``var``.
  """
  return tf.sqrt(var(x, axis=axis, keepdims=keepdims))


def any(x, axis=None, keepdims=False):  # pylint: disable=redefined-builtin
  """Logical or along `axis`.

  Args:
    x: input tensor (cast to bool).
    axis: int or list of ints; None for all axes.
    keepdims: keep the reduced axes with size 1.

  Returns:
    A bool tensor.
  """
  return tf.reduce_any(tf.cast(x, tf.bool), _axis(axis), keepdims=keepdims)


def all(x, axis=None, keepdims=False):  # pylint: disable=redefined-builtin
  """Logical and along `axis`.

  Args:
    x: input tensor (cast to bool).
    axis: int or list of ints; None for all axes.
    keepdims: keep the reduced axes with size 1.

  Returns:
    A bool tensor.
  """
  return tf.reduce_all(tf.cast(x, tf.bool), _axis(axis), keepdims=keepdims)


def argmax(x, axis=-1):
  """Index of the maximum along `axis`.

  Args:
    x: input tensor.
    axis: the axis searched.

  Returns:
    int64 indices.
  """
  return tf.argmax(x, axis)


def argmin(x, axis=-1):
  """Index of the minimum along `axis`.

  Args:
    x: input tensor.
    axis: the axis searched.

  Returns:
    int64 indices.
  """
  return tf.argmin(x, axis)


def square(x):
  """x ** 2."""
  return tf.square(x)


def abs(x):  # pylint: disable=redefined-builtin
  """|x|."""
  return tf.abs(x)


def sqrt(x):
  """sqrt of x clipped at 0 (as TF 1.x's Keras: no NaN for small negatives)."""
  x = tf.convert_to_tensor(x)
  zero = tf.constant(0., x.dtype.base_dtype)
  inf = tf.constant(np.inf, x.dtype.base_dtype)
  return tf.sqrt(tf.clip_by_value(x, zero, inf))


def exp(x):
  """e ** x."""
  return tf.exp(x)


def log(x):
  """Natural logarithm."""
  return tf.math.log(x)


def round(x):  # pylint: disable=redefined-builtin
  """Rounds half to even."""
  return tf.round(x)


def sign(x):
  """-1, 0 or 1."""
  return tf.sign(x)


def pow(x, a):  # pylint: disable=redefined-builtin
  """x ** a.

  Args:
    x: input tensor.
    a: the exponent.

  Returns:
    ``x ** a``.
  """
  return tf.pow(x, a)


def clip(x, min_value, max_value):
  """x clipped to [min_value, max_value] (None: unbounded; max < min: min).

  Args:
    x: input tensor.
    min_value: lower bound, or None.
    max_value: upper bound, or None.

  Returns:
    The clipped tensor, in x's dtype.
  """
  if max_value is not None and min_value is not None and \
      max_value < min_value:
    max_value = min_value
  if min_value is None:
    min_value = -np.inf
  if max_value is None:
    max_value = np.inf
  x = tf.convert_to_tensor(x)
  return tf.clip_by_value(x, tf.cast(min_value, x.dtype.base_dtype),
                          tf.cast(max_value, x.dtype.base_dtype))


def equal(x, y):
  """x == y elementwise.

  Args:
    x: tensor.
    y: tensor (broadcast against x).

  Returns:
    A bool tensor.
  """
  return tf.equal(x, y)


def not_equal(x, y):
  """x != y elementwise.

  Args:
    x: tensor.
    y: tensor (broadcast against x).

  Returns:
    A bool tensor.
  """
  return tf.not_equal(x, y)


def greater(x, y):
  """x > y.

  Args:
    x: tensor.
    y: tensor (broadcast against x).

  Returns:
    A bool tensor.
  """
  return tf.greater(x, y)


def greater_equal(x, y):
  """x >= y.

  Args:
    x: tensor.
    y: tensor (broadcast against x).

  Returns:
    A bool tensor.
  """
  return tf.greater_equal(x, y)


def less(x, y):
  """x < y.

  Args:
    x: tensor.
    y: tensor (broadcast against x).

  Returns:
    A bool tensor.
  """
  return tf.less(x, y)


def less_equal(x, y):
  """x <= y.

  Args:
    x: tensor.
    y: tensor (broadcast against x).

  Returns:
    A bool tensor.
  """
  return tf.less_equal(x, y)


def maximum(x, y):
  """Elementwise maximum.

  Args:
    x: tensor.
    y: tensor (broadcast against x).

  Returns:
    The elementwise maximum.
  """
  return tf.maximum(x, y)


def minimum(x, y):
  """Elementwise minimum.

  Args:
    x: tensor.
    y: tensor (broadcast against x).

  Returns:
    The elementwise minimum.
  """
  return tf.minimum(x, y)


def sin(x):
  """sin."""
  return tf.sin(x)


def cos(x):
  """cos."""
  return tf.cos(x)


def l2_normalize(x, axis=None):
  """x / ||x|| along `axis`.

  Args:
    x: input tensor.
    axis: the axis (or axes) normalized; None for all.

  Returns:
    A tensor of x's shape.
  """
  return tf.math.l2_normalize(x, axis=axis)


def in_top_k(predictions, targets, k):
  """Whether each target is among the top k predictions.

  Args:
    predictions: float [batch, classes] tensor.
    targets: int [batch] class ids.
    k: number of top elements considered.

  Returns:
    A bool [batch] tensor.
  """
  return tf.math.in_top_k(predictions=predictions, targets=targets, k=k)


# -- shapes and structure ------------------------------------------------------


def concatenate(tensors, axis=-1):
  """Concatenates along `axis` (negative axes count from the last).

  Args:
    tensors: list of tensors; densified unless all are sparse.
    axis: the axis joined.

  Returns:
    The concatenated (sparse if all inputs are) tensor.
  """
  if axis < 0:
    rank = ndim(tensors[0])
    axis = axis % rank if rank else 0
  if tensors and _builtins.all(is_sparse(t) for t in tensors):
    return tf.sparse.concat(axis, tensors)
  return tf.concat([to_dense(t) for t in tensors], axis)


def reshape(x, shape):  # pylint: disable=redefined-outer-name
  """tf.reshape.

  Args:
    x: input tensor.
    shape: the new shape.

  Returns:
    The reshaped tensor.
  """
  return tf.reshape(x, shape)


def permute_dimensions(x, pattern):
  """Transposes to `pattern`.

  Args:
    x: input tensor.
    pattern: the permutation of the axes.

  Returns:
    The transposed tensor.
  """
  return tf.transpose(x, perm=pattern)


def repeat_elements(x, rep, axis):
  """Repeats each slice along `axis` `rep` times (np.repeat).

  Args:
    x: input tensor.
    rep: number of repetitions.
    axis: the axis repeated along.

  Returns:
    The repeated tensor.
  """
  return tf.repeat(x, rep, axis=axis)


def repeat(x, n):
  """[batch, d] -> [batch, n, d].

  Args:
    x: [batch, d] tensor.
    n: number of repetitions.

  Returns:
    A [batch, n, d] tensor.
  """
  return tf.tile(tf.expand_dims(x, 1), [1, n, 1])


def arange(start, stop=None, step=1, dtype="int32"):
  """tf.range in `dtype`.

  Args:
    start: first value (the limit when stop is None).
    stop: the limit (excluded), or None.
    step: the increment.
    dtype: dtype of the result.

  Returns:
    A 1-D tensor.
  """
  if stop is None and start < 0:
    start = 0
  return tf.cast(tf.range(start, limit=stop, delta=step), dtype)


def tile(x, n):
  """tf.tile (an int n: a list of one).

  Args:
    x: input tensor.
    n: int, or list of multiples per axis.

  Returns:
    The tiled tensor.
  """
  return tf.tile(x, [n] if isinstance(n, int) else n)


def flatten(x):
  """A 1-D view of x."""
  return tf.reshape(x, [-1])


def batch_flatten(x):
  """[batch, ...] -> [batch, prod(...)]."""
  return tf.reshape(x, tf.stack([-1, tf.reduce_prod(tf.shape(x)[1:])]))


def expand_dims(x, axis=-1):
  """Adds a size-1 axis.

  Args:
    x: input tensor.
    axis: position of the new axis.

  Returns:
    The expanded tensor.
  """
  return tf.expand_dims(x, axis)


def squeeze(x, axis):
  """Removes the size-1 axis `axis`.

  Args:
    x: input tensor.
    axis: the size-1 axis removed.

  Returns:
    The squeezed tensor.
  """
  return tf.squeeze(x, [axis])


def stack(x, axis=0):
  """tf.stack.

  Args:
    x: list of tensors of the same shape.
    axis: the new axis.

  Returns:
    The stacked tensor.
  """
  return tf.stack(x, axis=axis)


def one_hot(indices, num_classes):
  """One-hot encoding along a new last axis.

  Args:
    indices: int tensor of class ids.
    num_classes: the depth.

  Returns:
    A tensor with a new last axis of size num_classes.
  """
  return tf.one_hot(indices, depth=num_classes, axis=-1)


def reverse(x, axes):
  """Reverses along `axes` (an int or a list).

  Args:
    x: input tensor.
    axes: int or list of ints.

  Returns:
    The reversed tensor.
  """
  return tf.reverse(x, [axes] if isinstance(axes, int) else list(axes))


def bias_add(x, bias, data_format=None):
  """x + bias along the channel axis.

  Args:
    x: input tensor.
    bias: 1-D bias tensor.
    data_format: ``channels_first`` or ``channels_last``; default
      ``image_data_format()``.

  Returns:
    `x` plus the bias.
  """
  fmt = data_format or image_data_format()
  if fmt == "channels_first" and ndim(x) > 2:
    b = tf.reshape(bias, [1, -1] + [1] * (ndim(x) - 2))
    return x + b
  return tf.nn.bias_add(x, bias)


def stop_gradient(variables):
  """No gradient through `variables` (a tensor or a list)."""
  if isinstance(variables, (list, tuple)):
    return [tf.stop_gradient(v) for v in variables]
  return tf.stop_gradient(variables)


def print_tensor(x, message=""):
  """x, printing its value to stderr when evaluated.

  Args:
    x: input tensor.
    message: printed before the value.

  Returns:
    `x` (an identity).
  """
  printed = tf.print(message, x)
  with tf.control_dependencies([printed]):
    return tf.identity(x)


def gradients(loss, variables):
  """d loss / d variables.

  Args:
    loss: the scalar tensor differentiated.
    variables: list of variables or tensors.

  Returns:
    A list of gradients (None where unconnected).
  """
  return tf1.gradients(loss, variables, colocate_gradients_with_ops=True)


def map_fn(fn, elems, name=None, dtype=None):
  """tf.map_fn.

  Args:
    fn: callable on one element.
    elems: tensor unstacked on axis 0.
    name: name scope.
    dtype: output dtype (structure), if not elems'.

  Returns:
    The stacked outputs.
  """
  return tf1.map_fn(fn, elems, name=name, dtype=dtype)


def foldl(fn, elems, initializer=None, name=None):
  """tf.foldl.

  Args:
    fn: callable (accumulator, element) -> accumulator.
    elems: tensor unstacked on axis 0.
    initializer: first accumulator;
      default elems[0].
    name: name scope.

  Returns:
    The final accumulator.
  """
  return tf1.foldl(fn, elems, initializer=initializer, name=name)


def foldr(fn, elems, initializer=None, name=None):
  """tf.foldr.

  Args:
    fn: callable (accumulator, element) -> accumulator.
    elems: tensor unstacked on axis 0 (folded from the last).
    initializer: first accumulator; default elems[-1].
    name: name scope.

  Returns:
    The final accumulator.
  """
  return tf1.foldr(fn, elems, initializer=initializer, name=name)


def switch(condition, then_expression, else_expression):
  """then/else by a scalar bool (tf.cond) or elementwise (tf.where).

  Args:
    condition: scalar or elementwise condition (cast to bool).
    then_expression: tensor, or callable returning one.
    else_expression: tensor, or callable returning one.

  Returns:
    The selected tensor.
  """
  condition = tf.convert_to_tensor(condition)
  if condition.dtype != tf.bool:
    condition = tf.cast(condition, tf.bool)
  then_fn = then_expression if callable(then_expression) else \
      (lambda: then_expression)
  else_fn = else_expression if callable(else_expression) else \
      (lambda: else_expression)
  if condition.get_shape().ndims == 0:
    return tf1.cond(condition, then_fn, else_fn)
  then_t, else_t = then_fn(), else_fn()
  rank = ndim(then_t)
  while ndim(condition) < rank:
    condition = tf.expand_dims(condition, -1)
  condition = tf.logical_and(condition, tf.ones_like(then_t, tf.bool))
  return tf1.where(condition, then_t, else_t)


def in_train_phase(x, alt, training=None):
  """x in the training phase, alt otherwise (callables are called lazily).

  Args:
    x: tensor (or callable) for the training phase.
    alt: tensor (or callable) otherwise.
    training: Python bool, bool tensor, or None for the learning phase.

  Returns:
    `x` or `alt`, through a switch when the phase is not static.
  """
  phase = _phase_value(training)
  x_fn = x if callable(x) else (lambda: x)
  alt_fn = alt if callable(alt) else (lambda: alt)
  if isinstance(phase, bool):
    return x_fn() if phase else alt_fn()
  return switch(phase, x_fn, alt_fn)


def in_test_phase(x, alt, training=None):
  """x in the test phase, alt otherwise.

  Args:
    x: tensor (or callable) for the test phase.
    alt: tensor (or callable) otherwise.
    training: Python bool, bool tensor, or None for the learning phase.

  Returns:
    `x` or `alt`.
  """
  return in_train_phase(alt, x, training=training)


# -- activations and losses ------------------------------------------------------


def relu(x, alpha=0., max_value=None, threshold=0):
  """Rectified linear unit with TF 1.x Keras' leak, cap and threshold.

  Args:
    x: input tensor.
    alpha: slope below the threshold.
    max_value: cap of the output,
      or None.
    threshold: values not above it are zeroed.

  Returns:
    A tensor of x's shape.
  """
  x = tf.convert_to_tensor(x)
  if alpha == 0 and threshold == 0 and max_value is None:
    return tf.nn.relu(x)
  if alpha == 0 and threshold == 0 and max_value == 6:
    return tf.nn.relu6(x)
  dt = x.dtype.base_dtype
  if alpha != 0.:
    negative = tf.nn.relu(-x + threshold) if threshold != 0 else \
        tf.nn.relu(-x)
  if threshold != 0:
    x = x * tf.cast(tf.greater(x, threshold), dt)
  else:
    x = tf.nn.relu(x)
  if max_value is not None:
    x = tf.clip_by_value(x, tf.constant(0., dt), tf.constant(max_value, dt))
  if alpha != 0.:
    x -= alpha * negative
  return x


def elu(x, alpha=1.):
  """Exponential linear unit (alpha scales the negative part).

  Args:
    x: input tensor.
    alpha: scale of the negative part.

  Returns:
    A tensor of x's shape.
  """
  out = tf.nn.elu(x)
  if alpha == 1:
    return out
  return tf1.where(x > 0, out, alpha * out)


def softmax(x, axis=-1):
  """Softmax along `axis`.

  Args:
    x: input tensor.
    axis: the axis normalized.

  Returns:
    A tensor of x's shape.
  """
  return tf.nn.softmax(x, axis=axis)


def softplus(x):
  """log(1 + e^x)."""
  return tf.nn.softplus(x)


def softsign(x):
  """x / (1 + |x|)."""
  return tf.nn.softsign(x)


def sigmoid(x):
  """Logistic sigmoid."""
  return tf.sigmoid(x)


def hard_sigmoid(x):
  """clip(0.2 x + 0.5, 0, 1)."""
  x = tf.convert_to_tensor(x)
  dt = x.dtype.base_dtype
  return tf.clip_by_value(x * tf.constant(0.2, dt) + tf.constant(0.5, dt),
                          tf.constant(0., dt), tf.constant(1., dt))


def tanh(x):
  """Hyperbolic tangent."""
  return tf.tanh(x)


def _eps(dt):
  return tf.constant(epsilon(), dt)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
  """Cross-entropy of one-hot (or soft) targets and probabilities/logits.

  Args:
    target: tensor of output's shape, one-hot or soft.
    output: probabilities (renormalized), or logits.
    from_logits: whether `output` is logits.
    axis: the class axis.

  Returns:
    The loss, without the class axis.
  """
  target, output = tf.convert_to_tensor(target), tf.convert_to_tensor(output)
  if from_logits:
    return tf1.nn.softmax_cross_entropy_with_logits_v2(
        labels=target, logits=output, axis=axis)
  output = output / tf.reduce_sum(output, axis, keepdims=True)
  dt = output.dtype.base_dtype
  output = tf.clip_by_value(output, _eps(dt), 1. - _eps(dt))
  return -tf.reduce_sum(target * tf.math.log(output), axis)


def sparse_categorical_crossentropy(target, output, from_logits=False,
                                    axis=-1):
  """Cross-entropy of integer targets and probabilities/logits.

  Args:
    target: integer class ids.
    output: probabilities, or logits.
    from_logits: whether `output` is logits.
    axis: the class axis of `output`.

  Returns:
    The loss: output's shape without the class axis.
  """
  output = tf.convert_to_tensor(output)
  rank = ndim(output)
  axis = axis % rank
  if axis != rank - 1:
    perm = [i for i in range(rank) if i != axis] + [axis]
    output = tf.transpose(output, perm)
  if not from_logits:
    dt = output.dtype.base_dtype
    output = tf.math.log(tf.clip_by_value(output, _eps(dt), 1 - _eps(dt)))
  target = tf.cast(tf.convert_to_tensor(target), tf.int64)
  out_shape = tf.shape(output)
  flat_target = tf.reshape(target, [-1])
  flat_logits = tf.reshape(output, [-1, out_shape[-1]])
  loss = tf.nn.sparse_softmax_cross_entropy_with_logits(
      labels=flat_target, logits=flat_logits)
  if rank >= 3:
    return tf.reshape(loss, out_shape[:-1])
  return loss


def binary_crossentropy(target, output, from_logits=False):
  """Elementwise binary cross-entropy of probabilities/logits.

  Args:
    target: tensor of 0/1 (or soft) labels.
    output: probabilities, or logits.
    from_logits: whether `output` is logits.

  Returns:
    The elementwise loss.
  """
  target, output = tf.convert_to_tensor(target), tf.convert_to_tensor(output)
  if from_logits:
    return tf.nn.sigmoid_cross_entropy_with_logits(labels=target,
                                                   logits=output)
  dt = output.dtype.base_dtype
  output = tf.clip_by_value(output, _eps(dt), 1. - _eps(dt))
  bce = target * tf.math.log(output + epsilon())
  bce += (1 - target) * tf.math.log(1 - output + epsilon())
  return -bce


# -- randomness ------------------------------------------------------------------


def _seed(seed):
  return np.random.randint(10e6) if seed is None else seed


def dropout(x, level, noise_shape=None, seed=None):
  """Drops entries with probability `level`, scales the rest by 1/(1-level).

  Args:
    x: input tensor.
    level: the fraction dropped.
    noise_shape: shape of the
      keep/drop mask, or None.
    seed: op seed; None draws one from numpy.

  Returns:
    A tensor of x's shape.
  """
  return tf.nn.dropout(x, rate=level, noise_shape=noise_shape,
                       seed=_seed(seed))


def random_uniform(shape, minval=0., maxval=1., dtype=None, seed=None):  # pylint: disable=redefined-outer-name
  """Uniform samples (seeded from numpy when `seed` is None, as TF 1.x).

  Args:
    shape: the output shape.
    minval: lower bound.
    maxval: upper bound (excluded).
    dtype: default floatx().
    seed: op seed; None draws one from numpy.

  Returns:
    A tensor of samples.
  """
  return tf1.random_uniform(shape, minval=minval, maxval=maxval,
                            dtype=_dtype(dtype), seed=_seed(seed))


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):  # pylint: disable=redefined-outer-name
  """Normal samples.

  Args:
    shape: the output shape.
    mean: the mean.
    stddev: the standard deviation.
    dtype: default floatx().
    seed: op seed; None draws one from numpy.

  Returns:
    A tensor of samples.
  """
  return tf1.random_normal(shape, mean=mean, stddev=stddev,
                           dtype=_dtype(dtype), seed=_seed(seed))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):  # pylint: disable=redefined-outer-name
  """Normal samples within two standard deviations.

  Args:
    shape: the output shape.
    mean: the mean.
    stddev: the standard deviation.
    dtype: default floatx().
    seed: op seed; None draws one from numpy.

  Returns:
    A tensor of samples.
  """
  return tf1.truncated_normal(shape, mean, stddev, dtype=_dtype(dtype),
                              seed=_seed(seed))


def random_binomial(shape, p=0.0, dtype=None, seed=None):  # pylint: disable=redefined-outer-name
  """1 with probability p, else 0.

  Args:
    shape: the output shape.
    p: probability of a 1.
    dtype: default floatx().
    seed: op seed; None draws one from numpy.

  Returns:
    A tensor of 0s and 1s.
  """
  dt = _dtype(dtype)
  return tf1.where(
      tf1.random_uniform(shape, dtype=dt, seed=_seed(seed)) <= p,
      tf.ones(shape, dtype=dt), tf.zeros(shape, dtype=dt))


name_scope = tf1.name_scope


# The public names, literal (tests/test_keras.py checks that
# every public function and class of this module is listed, and nothing else).
__all__ = [
    "abs", "all", "any", "arange", "argmax", "argmin", "batch_flatten",
    "batch_get_value", "batch_set_value", "bias_add", "binary_crossentropy",
    "cast", "cast_to_floatx", "categorical_crossentropy", "clear_session",
    "clip", "concatenate", "constant", "cos", "count_params", "cumprod",
    "cumsum", "dot", "dropout", "dtype", "elu", "epsilon", "equal", "eval",
    "exp", "expand_dims", "eye", "flatten", "floatx", "foldl", "foldr",
    "function", "gather", "get_session", "get_uid", "get_value", "gradients",
    "greater", "greater_equal", "hard_sigmoid", "image_data_format",
    "in_test_phase", "in_top_k", "in_train_phase", "int_shape", "is_sparse",
    "l2_normalize", "learning_phase", "learning_phase_scope", "less",
    "less_equal", "log", "manual_variable_initialization", "map_fn", "max",
    "maximum", "mean", "min", "minimum", "moving_average_update",
    "name_scope", "ndim", "not_equal", "one_hot", "ones", "ones_like",
    "permute_dimensions", "placeholder", "pow", "print_tensor", "prod",
    "random_binomial", "random_normal", "random_uniform", "relu", "repeat",
    "repeat_elements", "reset_uids", "reshape", "reverse", "round",
    "set_epsilon", "set_floatx", "set_image_data_format",
    "set_learning_phase", "set_session", "set_value", "shape", "sigmoid",
    "sign", "sin", "smart_cond", "softmax", "softplus", "softsign",
    "sparse_categorical_crossentropy", "sqrt", "square", "squeeze", "stack",
    "std", "stop_gradient", "sum", "switch", "tanh", "tile", "to_dense",
    "transpose", "truncated_normal", "unique_object_name", "update",
    "update_add", "update_sub", "var", "variable", "zeros", "zeros_like",
]
