"""Graph-mode ``tf.keras.regularizers`` as TF 1.15's Keras had them.

``l2(0.01)(w)`` is ``0.01 * sum(w ** 2)`` -- no factor 1/2, unlike
``tf.nn.l2_loss`` and ``tf.contrib.layers.l2_regularizer``.
"""
from __future__ import absolute_import, division, print_function

import numpy as np

from legacy_pipeline._tf import tf


class Regularizer(object):
  """Base class: a callable variable -> scalar loss."""

  def __call__(self, x):
    return 0.

  @classmethod
  def from_config(cls, config):
    return cls(**config)


class L1L2(Regularizer):
  """l1 * sum(|x|) + l2 * sum(x ** 2).

  Args:
    l1: float, the L1 factor.
    l2: float, the L2 factor.
  """

  def __init__(self, l1=0., l2=0.):  # pylint: disable=redefined-outer-name
    self.l1 = np.asarray(l1, dtype="float32").item()
    self.l2 = np.asarray(l2, dtype="float32").item()

  def __call__(self, x):
    if not self.l1 and not self.l2:
      return tf.constant(0., dtype=tf.as_dtype(x.dtype).base_dtype)
    total = 0.
    if self.l1:
      total += self.l1 * tf.reduce_sum(tf.abs(x))
    if self.l2:
      total += self.l2 * tf.reduce_sum(tf.square(x))
    return total

  def get_config(self):
    return {"l1": float(self.l1), "l2": float(self.l2)}


def l1(l=0.01):  # pylint: disable=invalid-name
  """L1 penalty l * sum(|x|)."""
  return L1L2(l1=l)


def l2(l=0.01):  # pylint: disable=invalid-name
  """L2 penalty l * sum(x ** 2)."""
  return L1L2(l2=l)


def l1_l2(l1=0.01, l2=0.01):  # pylint: disable=redefined-outer-name
  """Both penalties: l1 * sum(|x|) + l2 * sum(x ** 2).

  Args:
    l1: the L1 factor.
    l2: the L2 factor.

  Returns:
    An ``L1L2`` regularizer.
  """
  return L1L2(l1=l1, l2=l2)


_BY_NAME = {"l1": l1, "l2": l2, "l1_l2": l1_l2, "L1L2": L1L2}


def get(identifier):
  """A regularizer from None, a name, a config dict or a callable.

  Raises:
    ValueError: an unknown name or an unsupported identifier.
  """
  if identifier is None or callable(identifier):
    return identifier
  if isinstance(identifier, dict):
    return _lookup(identifier.get("class_name"))(
        **identifier.get("config", {}))
  if isinstance(identifier, str):
    return _lookup(identifier)()
  raise ValueError("tf.keras.regularizers.get: could not interpret "
                   "regularizer identifier %r" % (identifier,))


def _lookup(name):
  try:
    return _BY_NAME[name]
  except KeyError:
    raise ValueError("unknown regularizer %r (expected one of %s)" % (
        name, ", ".join(sorted(_BY_NAME))))


def serialize(regularizer):
  """{"class_name": ..., "config": ...}."""
  return {"class_name": type(regularizer).__name__,
          "config": regularizer.get_config()}


def deserialize(config):
  """The regularizer a serialize() dict describes."""
  return get(config)

__all__ = ["L1L2", "Regularizer", "deserialize", "get", "l1", "l1_l2", "l2",
           "serialize"]
