"""Graph-mode ``tf.keras.initializers`` as TF 1.15's Keras had them.

TF 1.15's Keras initializers are TF's own v1 initializer classes
(``tf.compat.v1`` ``init_ops``), except that the random ones take Keras'
defaults: uniform in [-0.05, 0.05], normal and truncated normal with standard
deviation 0.05.  ``get`` resolves the names Keras layers accept.
"""
from __future__ import absolute_import, division, print_function

from legacy_pipeline._tf import tf1

_v1 = tf1.initializers

Initializer = type(_v1.zeros()).__mro__[1]  # init_ops' Initializer base
Zeros = type(_v1.zeros())
Ones = type(_v1.ones())
Constant = type(_v1.constant())
Identity = type(_v1.identity())
Orthogonal = type(_v1.orthogonal())
VarianceScaling = type(_v1.variance_scaling())
GlorotUniform = type(_v1.glorot_uniform())
GlorotNormal = type(_v1.glorot_normal())


class RandomUniform(type(_v1.random_uniform())):
  """Uniform in [minval, maxval]; Keras' defaults -0.05, 0.05.

  Args:
    minval: lower bound of the range.
    maxval: upper bound of the range.
    seed: op seed of the draws, or None.
    dtype: the default dtype of the values; None for the base class's.
  """

  def __init__(self, minval=-0.05, maxval=0.05, seed=None, dtype=None):
    kwargs = {} if dtype is None else {"dtype": dtype}
    super(RandomUniform, self).__init__(minval=minval, maxval=maxval,
                                        seed=seed, **kwargs)


class RandomNormal(type(_v1.random_normal())):
  """Normal(mean, stddev); Keras' defaults 0, 0.05.

  Args:
    mean: mean of the distribution.
    stddev: standard deviation.
    seed: op seed of the draws, or None.
    dtype: the default dtype of the values; None for the base class's.
  """

  def __init__(self, mean=0.0, stddev=0.05, seed=None, dtype=None):
    kwargs = {} if dtype is None else {"dtype": dtype}
    super(RandomNormal, self).__init__(mean=mean, stddev=stddev, seed=seed,
                                       **kwargs)


class TruncatedNormal(type(_v1.truncated_normal())):
  """Truncated normal(mean, stddev); Keras' defaults 0, 0.05.

  Values more than two standard deviations from the mean are redrawn.

  Args:
    mean: mean of the distribution.
    stddev: standard deviation (before truncation).
    seed: op seed of the draws, or None.
    dtype: the default dtype of the values; None for the base class's.
  """

  def __init__(self, mean=0.0, stddev=0.05, seed=None, dtype=None):
    kwargs = {} if dtype is None else {"dtype": dtype}
    super(TruncatedNormal, self).__init__(mean=mean, stddev=stddev,
                                          seed=seed, **kwargs)


zeros = Zeros
ones = Ones
constant = Constant
identity = Identity
orthogonal = Orthogonal
uniform = random_uniform = RandomUniform
normal = random_normal = RandomNormal
truncated_normal = TruncatedNormal
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal


def _scaling(scale, mode, distribution):
  def make(seed=None):
    return VarianceScaling(scale=scale, mode=mode, distribution=distribution,
                           seed=seed)
  return make


lecun_normal = _scaling(1., "fan_in", "truncated_normal")
lecun_uniform = _scaling(1., "fan_in", "uniform")
he_normal = _scaling(2., "fan_in", "truncated_normal")
he_uniform = _scaling(2., "fan_in", "uniform")
for _fn, _name in ((lecun_normal, "lecun_normal"),
                   (lecun_uniform, "lecun_uniform"), (he_normal, "he_normal"),
                   (he_uniform, "he_uniform")):
  _fn.__name__ = _name
  _fn.__doc__ = "VarianceScaling as TF 1.x's %s." % _name

_BY_NAME = {
    "zeros": Zeros, "Zeros": Zeros, "ones": Ones, "Ones": Ones,
    "constant": Constant, "Constant": Constant, "identity": Identity,
    "Identity": Identity, "orthogonal": Orthogonal, "Orthogonal": Orthogonal,
    "uniform": RandomUniform, "random_uniform": RandomUniform,
    "RandomUniform": RandomUniform, "normal": RandomNormal,
    "random_normal": RandomNormal, "RandomNormal": RandomNormal,
    "truncated_normal": TruncatedNormal, "TruncatedNormal": TruncatedNormal,
    "glorot_uniform": GlorotUniform, "GlorotUniform": GlorotUniform,
    "glorot_normal": GlorotNormal, "GlorotNormal": GlorotNormal,
    "VarianceScaling": VarianceScaling, "lecun_normal": lecun_normal,
    "lecun_uniform": lecun_uniform, "he_normal": he_normal,
    "he_uniform": he_uniform,
}


def get(identifier):
  """An initializer from a name, a config dict, or an initializer.

  Args:
    identifier: None, a name (``"glorot_uniform"``, ``"zeros"``, ...), a dict
      ``{"class_name": ..., "config": {...}}``, or a callable.

  Returns:
    An initializer object (or the callable itself; None for None).

  Raises:
    ValueError: an unknown name or an unsupported identifier.
  """
  if identifier is None or callable(identifier):
    return identifier
  if isinstance(identifier, dict):
    cls = _lookup(identifier.get("class_name"))
    return cls(**identifier.get("config", {}))
  if isinstance(identifier, str):
    return _lookup(identifier)()
  raise ValueError("tf.keras.initializers.get: could not interpret "
                   "initializer identifier %r" % (identifier,))


def _lookup(name):
  try:
    return _BY_NAME[name]
  except KeyError:
    raise ValueError("unknown initializer %r (expected one of %s)" % (
        name, ", ".join(sorted(k for k in _BY_NAME if k.islower()))))


def serialize(initializer):
  """{"class_name": ..., "config": ...} of an initializer object."""
  return {"class_name": type(initializer).__name__,
          "config": initializer.get_config()}


def deserialize(config):
  """The initializer a serialize() dict describes."""
  return get(config)

__all__ = sorted(["Initializer", "deserialize", "get", "serialize"] +
                 list(_BY_NAME))
