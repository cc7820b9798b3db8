"""In-house dense layers for TF builds whose Keras cannot run in graph mode.

With Keras 3 (TF >= 2.16, no ``tf_keras``) both ``tf.compat.v1.layers.dense``
and graph-mode ``tf.keras`` are gone.  TF 1.x recurrent code usually needs
only a dense projection on top of its RNN, so this module provides:

* ``dense`` -- ``tf.compat.v1.layers.dense``'s signature and variable names
  (``<scope>/dense/kernel``, ``<scope>/dense/bias``; ``dense_1``, ... for later
  unnamed layers);
* ``Dense`` and ``Sequential`` -- the graph-mode subset of ``tf.keras``'s
  ``layers.Dense`` / ``models.Sequential`` that such code uses: build on first
  call, reuse the variables on later calls, ``variables`` /
  ``trainable_variables`` / ``weights`` lists.

Variables are created with ``tf.compat.v1.get_variable``, so they land in the
global and trainable collections and ``tf.compat.v1.train.Saver``,
``global_variables_initializer`` and v1 optimizers see them.  Graph mode only.
"""
from __future__ import absolute_import, division, print_function

from legacy_pipeline import _tf
from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.nn.cells import unique_scope_name

_ACTIVATIONS = {
    "linear": None,
    "relu": tf.nn.relu,
    "relu6": tf.nn.relu6,
    "elu": tf.nn.elu,
    "selu": tf.nn.selu,
    "sigmoid": tf.sigmoid,
    "tanh": tf.tanh,
    "softplus": tf.nn.softplus,
    "softsign": tf.nn.softsign,
    "softmax": tf.nn.softmax,
    "exponential": tf.exp,
}

_INITIALIZERS = {
    "glorot_uniform": tf1.glorot_uniform_initializer,
    "glorot_normal": tf1.glorot_normal_initializer,
    "zeros": tf1.zeros_initializer,
    "ones": tf1.ones_initializer,
    "he_normal": tf1.initializers.he_normal,
    "he_uniform": tf1.initializers.he_uniform,
    "lecun_normal": tf1.initializers.lecun_normal,
    "lecun_uniform": tf1.initializers.lecun_uniform,
}


def _activation(value, who):
  if value is None or callable(value):
    return value
  if isinstance(value, str) and value in _ACTIVATIONS:
    return _ACTIVATIONS[value]
  raise ValueError("%s: unknown activation %r (expected a callable or one of "
                   "%s)" % (who, value, ", ".join(sorted(_ACTIVATIONS))))


def _initializer(value, who):
  if value is None or callable(value):
    return value
  if isinstance(value, str) and value in _INITIALIZERS:
    return _INITIALIZERS[value]()
  raise ValueError("%s: unknown initializer %r (expected an initializer or "
                   "one of %s)" % (who, value, ", ".join(sorted(_INITIALIZERS))))


def _check_units(units, who):
  if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
    raise ValueError("%s: units must be a positive int, got %r" % (who, units))


def _apply(inputs, units, activation, use_bias, kernel_initializer,
           bias_initializer, kernel_regularizer, bias_regularizer,
           kernel_constraint, bias_constraint, trainable, who):
  """inputs @ kernel (+ bias), activation; variables in the current scope."""
  inputs = tf.convert_to_tensor(inputs)
  depth = _tf.dim_value(inputs.get_shape().with_rank_at_least(2)[-1])
  if depth is None:
    raise ValueError("%s: the last dimension of the inputs must be known, got "
                     "shape %s" % (who, inputs.get_shape()))
  dtype = inputs.dtype.base_dtype
  if not dtype.is_floating:
    raise TypeError("%s: inputs must be floating point, got %s" % (who,
                                                                  dtype.name))
  kernel = tf1.get_variable(
      "kernel", [depth, units], dtype=dtype, initializer=kernel_initializer,
      regularizer=kernel_regularizer, constraint=kernel_constraint,
      trainable=trainable)
  if inputs.get_shape().ndims == 2:
    out = tf.matmul(inputs, kernel)
  else:
    out = tf.tensordot(inputs, kernel, [[inputs.get_shape().ndims - 1], [0]])
  if use_bias:
    bias = tf1.get_variable(
        "bias", [units], dtype=dtype,
        initializer=bias_initializer or tf1.zeros_initializer(),
        regularizer=bias_regularizer, constraint=bias_constraint,
        trainable=trainable)
    out = tf.nn.bias_add(out, bias)
  return activation(out) if activation is not None else out


def dense(inputs, units, activation=None, use_bias=True,
          kernel_initializer=None, bias_initializer=tf1.zeros_initializer(),
          kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None,
          bias_constraint=None, trainable=True, name=None, reuse=None):
  """Densely connected layer, as ``tf.compat.v1.layers.dense``.

  Args:
    inputs: float tensor `[..., depth]` with a known last dimension.
    units: positive int, output size.
    activation: callable, activation name (``"relu"``, ...) or None (linear).
    use_bias: whether to add a bias.
    kernel_initializer: initializer for the kernel; None means the variable
      scope's default (glorot uniform).
    bias_initializer: initializer for the bias.
    kernel_regularizer: callable variable -> scalar loss, added to
      ``REGULARIZATION_LOSSES``.
    bias_regularizer: same for the bias.
    activity_regularizer: callable output -> scalar loss, added to
      ``REGULARIZATION_LOSSES``.
    kernel_constraint: projection applied by v1 optimizers after updates.
    bias_constraint: same for the bias.
    trainable: add the variables to ``TRAINABLE_VARIABLES``.
    name: variable scope name; default ``dense`` made unique (``dense_1``...).
    reuse: reuse the variables of a previous layer with the same name.

  Returns:
    Tensor `[..., units]` of the inputs' dtype.

  Raises:
    ValueError: `units` is not a positive int, the last input dimension is
      unknown, or an activation/initializer name is unknown.
    TypeError: the inputs are not floating point.
    GraphModeError: called while executing eagerly.

  Compatibility: graph mode; same variable names as TF 1.x's layer.
  """
  who = "dense"
  _tf.require_graph_mode(who)
  _check_units(units, who)
  act = _activation(activation, who)
  scope_name = name or unique_scope_name("dense")
  with tf1.variable_scope(scope_name, reuse=reuse):
    out = _apply(inputs, units, act, use_bias,
                 _initializer(kernel_initializer, who),
                 _initializer(bias_initializer, who), kernel_regularizer,
                 bias_regularizer, kernel_constraint, bias_constraint,
                 trainable, who)
    if activity_regularizer is not None:
      tf1.add_to_collection(tf1.GraphKeys.REGULARIZATION_LOSSES,
                            activity_regularizer(out))
  return out


class _Layer(object):
  """Builds its variables under its own scope on the first call."""

  _base_name = "layer"

  def __init__(self, name=None, trainable=True):
    self._given_name = name
    self.name = name or self._base_name
    self.trainable = trainable
    self._scope = None
    self._graph = None

  def _enter(self):
    """Variable scope for this call: a new one first, then reuse."""
    graph = tf1.get_default_graph()
    if self._scope is not None and graph is not self._graph:
      raise ValueError("%s %r was built in another graph; make a new layer per "
                       "graph" % (type(self).__name__, self.name))
    if self._scope is None:
      self._graph = graph
      self.name = self._given_name or unique_scope_name(self._base_name)
      return tf1.variable_scope(self.name)
    return tf1.variable_scope(self._scope, reuse=True)

  def _scoped(self, collection):
    """Variables of `collection` created under this layer's scope."""
    if self._scope is None:
      return []
    prefix = self._scope.name + "/"
    return [v for v in self._graph.get_collection(collection)
            if v.op.name.startswith(prefix)]

  @property
  def variables(self):
    return self._scoped(tf1.GraphKeys.GLOBAL_VARIABLES)

  @property
  def trainable_variables(self):
    return self._scoped(tf1.GraphKeys.TRAINABLE_VARIABLES)

  @property
  def weights(self):
    return self.variables


class Dense(_Layer):
  """Graph-mode ``tf.keras.layers.Dense`` (the subset TF 1.x code uses).

  Args (constructor):
    units: positive int, output size.
    activation: callable, activation name or None (linear).
    use_bias: whether to add a bias.
    kernel_initializer: initializer or name; default ``"glorot_uniform"``.
    bias_initializer: initializer or name; default ``"zeros"``.
    kernel_regularizer, bias_regularizer: callables variable -> scalar loss.
    kernel_constraint, bias_constraint: projections applied by v1 optimizers.
    input_dim, input_shape: accepted for Keras compatibility; when given, the
      first call checks the inputs' last dimension against them.
    name: variable scope name; default ``dense`` made unique.
    trainable: add the variables to ``TRAINABLE_VARIABLES``.

  Calling it on a float tensor `[..., depth]` returns `[..., units]`.

  Raises:
    ValueError: bad units, unknown activation/initializer name, or inputs whose
      last dimension differs from `input_dim`/`input_shape`.
  """

  _base_name = "dense"

  def __init__(self, units, activation=None, use_bias=True,
               kernel_initializer="glorot_uniform", bias_initializer="zeros",
               kernel_regularizer=None, bias_regularizer=None,
               kernel_constraint=None, bias_constraint=None, input_dim=None,
               input_shape=None, name=None, trainable=True):
    super(Dense, self).__init__(name=name, trainable=trainable)
    who = "Dense"
    _check_units(units, who)
    self.units = units
    self.activation = _activation(activation, who)
    self.use_bias = use_bias
    self._kernel_init = _initializer(kernel_initializer, who)
    self._bias_init = _initializer(bias_initializer, who)
    self._regularizers = (kernel_regularizer, bias_regularizer)
    self._constraints = (kernel_constraint, bias_constraint)
    if input_dim is None and input_shape is not None:
      input_dim = tuple(input_shape)[-1]
    self.input_dim = input_dim

  def __call__(self, inputs):
    _tf.require_graph_mode("Dense")
    inputs = tf.convert_to_tensor(inputs)
    last = _tf.dim_value(inputs.get_shape()[-1]) \
        if inputs.get_shape().ndims else None
    if self.input_dim is not None and last is not None and \
        last != self.input_dim:
      raise ValueError("Dense %r: inputs have last dimension %d, the layer was "
                       "declared with input_dim %d" % (self.name, last,
                                                       self.input_dim))
    with self._enter() as vs:
      self._scope = vs
      return _apply(inputs, self.units, self.activation, self.use_bias,
                    self._kernel_init, self._bias_init, self._regularizers[0],
                    self._regularizers[1], self._constraints[0],
                    self._constraints[1], self.trainable, "Dense")


class Sequential(_Layer):
  """Graph-mode ``tf.keras.models.Sequential``: calls its layers in order.

  Args (constructor):
    layers: optional list of layers (anything callable on a tensor).
    name: variable scope name; default ``sequential`` made unique.

  Raises:
    TypeError: `add` was given something that is not callable.
    ValueError: called with no layers.
  """

  _base_name = "sequential"

  def __init__(self, layers=None, name=None):
    super(Sequential, self).__init__(name=name)
    self.layers = []
    for layer in layers or []:
      self.add(layer)

  def add(self, layer):
    """Appends a layer (a Dense, another Sequential, or any callable)."""
    if not callable(layer):
      raise TypeError("Sequential.add: expected a layer, got %r" % (layer,))
    self.layers.append(layer)

  def __call__(self, inputs):
    _tf.require_graph_mode("Sequential")
    if not self.layers:
      raise ValueError("Sequential %r has no layers" % self.name)
    with self._enter() as vs:
      self._scope = vs
      x = inputs
      for layer in self.layers:
        x = layer(x)
      return x
