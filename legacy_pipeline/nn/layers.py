"""``tf.layers.dense`` for TF builds whose Keras cannot run in graph mode.

With Keras 3 (TF >= 2.16, no ``tf_keras``) ``tf.compat.v1.layers.dense`` is
gone.  ``dense`` here has its signature and variable names
(``<scope>/dense/kernel``, ``<scope>/dense/bias``; ``dense_1``, ... for later
unnamed layers).  The graph-mode Keras layers are in ``legacy_pipeline.nn.keras``.

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
