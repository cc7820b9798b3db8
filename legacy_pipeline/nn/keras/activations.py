"""Graph-mode ``tf.keras.activations`` as TF 1.15's Keras had them."""
from __future__ import absolute_import, division, print_function

from legacy_pipeline._tf import tf
from legacy_pipeline.nn.keras import backend as K


def linear(x):
  """The identity."""
  return x


def relu(x, alpha=0., max_value=None, threshold=0):
  """Rectified linear unit (see backend.relu).

  Args:
    x: input tensor.
    alpha: slope of the part below `threshold` (0: plain relu).
    max_value: float cap of the output, or None.
    threshold: values not above it are zeroed (before the leak).

  Returns:
    A tensor of `x`'s shape and dtype.
  """
  return K.relu(x, alpha=alpha, max_value=max_value, threshold=threshold)


def elu(x, alpha=1.0):
  """Exponential linear unit.

  Args:
    x: input tensor.
    alpha: scale of the negative part.

  Returns:
    ``x`` where x > 0, else ``alpha * (exp(x) - 1)``.
  """
  return K.elu(x, alpha)


def selu(x):
  """Scaled exponential linear unit."""
  return tf.nn.selu(x)


def softmax(x, axis=-1):
  """Softmax along `axis`.

  Args:
    x: input tensor of rank >= 2 (or unknown rank).
    axis: the axis normalized.

  Returns:
    A tensor of `x`'s shape.

  Raises:
    ValueError: `x` has rank < 2.
  """
  rank = x.get_shape().ndims
  if rank is not None and rank < 2:
    raise ValueError("softmax: cannot apply softmax to a tensor that is 1D; "
                     "received input: %s" % (x,))
  return tf.nn.softmax(x, axis=axis)


def softplus(x):
  """log(1 + e^x)."""
  return tf.nn.softplus(x)


def softsign(x):
  """x / (1 + |x|)."""
  return tf.nn.softsign(x)


def tanh(x):
  """Hyperbolic tangent."""
  return tf.tanh(x)


def sigmoid(x):
  """Logistic sigmoid."""
  return tf.sigmoid(x)


def exponential(x):
  """e ** x."""
  return tf.exp(x)


def hard_sigmoid(x):
  """clip(0.2 x + 0.5, 0, 1)."""
  return K.hard_sigmoid(x)


_BY_NAME = {f.__name__: f for f in (
    linear, relu, elu, selu, softmax, softplus, softsign, tanh, sigmoid,
    exponential, hard_sigmoid)}


def get(identifier):
  """An activation function from None (linear), a name or a callable.

  Raises:
    ValueError: an unknown name or an unsupported identifier.
  """
  if identifier is None:
    return linear
  if callable(identifier):
    return identifier
  if isinstance(identifier, str):
    try:
      return _BY_NAME[identifier]
    except KeyError:
      raise ValueError("unknown activation function %r (expected a callable "
                       "or one of %s)" % (identifier,
                                          ", ".join(sorted(_BY_NAME))))
  raise ValueError("could not interpret activation function identifier %r" %
                   (identifier,))


def serialize(activation):
  """The name of a built-in activation."""
  return activation.__name__


def deserialize(name):
  """The activation called `name`."""
  return get(name)

__all__ = sorted(list(_BY_NAME) + ["get", "serialize", "deserialize"])
