"""The TF 1.x-style ``tf`` namespace behind ``from compat import tf``.

On TF 1.x with every native piece chosen it is the real ``tensorflow`` module.
Elsewhere it is ``tf.compat.v1`` with the pieces TF 1.x code expects laid over
it, each taken from the branch ``compat._probe`` chose:

* ``tf.__version__``, ``tf.VERSION``, ``tf.GIT_VERSION``,
  ``tf.COMPILER_VERSION``, ``tf.GRAPH_DEF_VERSION``;
* ``tf.compat.v1``: the namespace itself (``tf.compat.v2`` stays TF's);
* ``tf.contrib``: the state saver, training.HParams, seq2seq.sequence_loss,
  learn.run_n/run_feeds, and (through tf-slim) slim, layers, metrics,
  framework and training's loops -- see compat._contrib;
* ``tf.nn.rnn_cell.{RNNCell, LSTMCell, BasicLSTMCell, GRUCell, MultiRNNCell,
  LSTMStateTuple}``;
* ``tf.layers.dense`` and a ``tf.keras`` (also ``tf.contrib.keras``) that
  builds graphs: Keras 2 where installed, its ``Sequential`` taking
  higher-rank inputs as TF 1.x's did; else ``legacy_pipeline.nn.keras``
  (Layer subclassing, Dense, Dropout, Embedding, Activation, Flatten, Lambda,
  Sequential, initializers, regularizers, activations, backend).

Building it on TF 2.x calls ``tf.compat.v1.disable_v2_behavior()`` -- graph
mode, v1 variables and control flow for the whole process -- because TF 1.x
code assumes all of that.  Routing to tf-slim also adds two class aliases
back to TF's ops module (see compat._contrib); nothing else changes global
state.
"""
from __future__ import absolute_import, division, print_function

import types

import tensorflow as tf

from compat import _contrib
from compat import _probe
from compat import _table

_KERAS2_HINT = (
    "install Keras 2 (pip install 'tf_keras~=%s') and set "
    "TF_USE_LEGACY_KERAS=1 before TensorFlow is imported, or use TF <= 2.15")


class Namespace(types.ModuleType):
  """A module-like object: `overrides` first, then `base`'s attributes.

  A name missing from both raises AttributeError saying what would provide it
  (`hint`), instead of TensorFlow's lazy-loader errors.
  """

  def __init__(self, name, base, overrides, hint):
    super(Namespace, self).__init__(name)
    self.__dict__.update(overrides)
    self.__dict__["_base"] = base
    self.__dict__["_hint"] = hint

  def __getattr__(self, attr):
    base = self.__dict__["_base"]
    if attr.startswith("__") or base is None:
      raise AttributeError("%s.%s is not available here: %s" %
                           (self.__name__, attr, self.__dict__["_hint"]))
    try:
      return getattr(base, attr)
    except (AttributeError, ImportError) as e:
      raise AttributeError("%s.%s is not available here (%s): %s" %
                           (self.__name__, attr, str(e).split("\n")[0],
                            self.__dict__["_hint"]))

  def __dir__(self):
    names = set(k for k in self.__dict__ if not k.startswith("_"))
    base = self.__dict__["_base"]
    if base is not None:
      names.update(dir(base))
    return sorted(names)


def _keras2_hint(decision):
  if decision.requested == "inhouse":
    return ("LEGACY_PIPELINE_BACKEND=inhouse chose the in-house pieces; unset "
            "it to use TensorFlow's own")
  return _KERAS2_HINT % ".".join(tf.version.VERSION.split(".")[:2])


def _contrib_namespace(v1_is_tf1, keras):
  if not v1_is_tf1:
    return _contrib.build(Namespace, keras)
  real = tf.contrib  # pylint: disable=no-member
  training = Namespace(
      "compat.tf.contrib.training", real.training,
      {n: _table.saver_symbol(n) for n in _table.SAVER},
      "not in TF %s's tf.contrib.training" % tf.version.VERSION)
  # tf.contrib.keras was the same API as tf.keras: keep them one (they
  # differ when LEGACY_PIPELINE_BACKEND=inhouse chose the in-house Keras).
  return Namespace("compat.tf.contrib", real,
                   {"training": training, "keras": keras},
                   "not in TF %s's tf.contrib" % tf.version.VERSION)


def _nn(decision, v1):
  if decision.cells == "native":
    return v1.nn
  cells = Namespace(
      "compat.tf.nn.rnn_cell", None,
      {n: _table.cell_symbol(n) for n in _table.CELLS},
      "the in-house cells are %s; for the other TF 1.x cells %s" %
      (", ".join(_table.CELLS), _keras2_hint(decision)))
  return Namespace("compat.tf.nn", v1.nn, {"rnn_cell": cells},
                   _keras2_hint(decision))


def _tf1_sequential(base):
  """`base` (a Keras 2 Sequential) that accepts inputs of higher rank.

  TF 1.x's Keras applied a Sequential declared with ``input_dim=d`` to any
  ``[..., d]`` tensor, layer by layer (the original tutorial relies on it:
  ``[num_unroll, batch, lstm_size]`` into ``Dense(..., input_dim=lstm_size)``);
  Keras 2 on TF 2.x rejects it.  This subclass keeps Keras 2 for every input it
  accepts and applies the layers in order otherwise.
  """

  class Sequential(base):  # pylint: disable=missing-docstring

    def __call__(self, inputs, *args, **kwargs):
      declared = getattr(self, "inputs", None)
      rank = getattr(getattr(inputs, "shape", None), "ndims", None)
      if declared and rank is not None and \
          declared[0].shape.ndims is not None and \
          rank > declared[0].shape.ndims:
        with tf.compat.v1.name_scope(self.name):
          x = inputs
          for layer in self.layers:
            x = layer(x)
          return x
      return super(Sequential, self).__call__(inputs, *args, **kwargs)

  Sequential.__name__ = Sequential.__qualname__ = "Sequential"
  Sequential.__module__ = __name__
  return Sequential


def _layers_and_keras(decision, v1):
  if decision.layers == "native":
    if tf.version.VERSION.startswith("1."):
      return v1.layers, v1.keras
    seq = _tf1_sequential(v1.keras.models.Sequential)
    hint = "not in tf.compat.v1.keras of TF %s" % tf.version.VERSION
    return v1.layers, Namespace("compat.tf.keras", v1.keras, {
        "Sequential": seq,
        "models": Namespace("compat.tf.keras.models", v1.keras.models,
                            {"Sequential": seq}, hint)}, hint)
  from legacy_pipeline.nn import keras as lk  # pylint: disable=g-import-not-at-top
  from legacy_pipeline.nn import layers  # pylint: disable=g-import-not-at-top
  hint = ("legacy-pipeline's graph-mode Keras (TF 1.15 semantics) provides "
          "%s; for the rest " + _keras2_hint(decision))

  def sub(name, module):
    return Namespace("compat.tf.keras." + name, None,
                     {n: getattr(module, n) for n in module.__all__},
                     hint % ("tf.keras.%s.{%s}" % (name, ", ".join(
                         module.__all__)) if len(module.__all__) < 12 else
                             "only part of tf.keras." + name))

  subs = {n: sub(n, getattr(lk, n)) for n in (
      "layers", "models", "backend", "initializers", "regularizers",
      "activations")}
  subs.update({n: getattr(lk, n) for n in ("Sequential", "Model", "Input")})
  tf_layers = Namespace(
      "compat.tf.layers", None, {"dense": layers.dense},
      "the in-house tf.layers has dense only; for the rest " +
      _keras2_hint(decision))
  keras = Namespace("compat.tf.keras", None, subs, hint % (
      "layers, models, backend, initializers, regularizers, activations"))
  return tf_layers, keras


def build(decision=None):
  """Builds the TF 1.x namespace for `decision` (the probe's if None).

  Args:
    decision: a compat._probe.Decision.

  Returns:
    The real ``tensorflow`` module (TF 1.x, every branch native/contrib), or
    a Namespace over ``tf.compat.v1`` with the chosen pieces laid over it.

  Side effects: on TF 2.x, ``tf.compat.v1.disable_v2_behavior()``.
  """
  decision = decision or _probe.decision()
  is_tf1 = tf.version.VERSION.startswith("1.")
  if is_tf1 and (decision.saver, decision.cells, decision.layers) == (
      "contrib", "native", "native"):
    return tf
  if not is_tf1:
    tf.compat.v1.disable_v2_behavior()
  v1 = tf.compat.v1
  tf_layers, keras = _layers_and_keras(decision, v1)
  namespace = Namespace("compat.tf", v1, {
      "__version__": tf.version.VERSION,
      "VERSION": tf.version.VERSION,
      "GIT_VERSION": tf.version.GIT_VERSION,
      "COMPILER_VERSION": tf.version.COMPILER_VERSION,
      "GRAPH_DEF_VERSION": tf.version.GRAPH_DEF_VERSION,
      "contrib": _contrib_namespace(is_tf1, keras),
      "nn": _nn(decision, v1),
      "layers": tf_layers,
      "keras": keras,
  }, "not in tf.compat.v1 of TF %s" % tf.version.VERSION)
  # TF 1.13+ code spells the namespace tf.compat.v1 (`import
  # tensorflow.compat.v1 as tf`): that path leads back here.
  namespace.__dict__["compat"] = Namespace(
      "compat.tf.compat", tf.compat, {"v1": namespace},
      "not in tf.compat of TF %s" % tf.version.VERSION)
  return namespace


_BUILT = []


def namespace():
  """The process-wide TF 1.x namespace (built on first call, then cached)."""
  if not _BUILT:
    _BUILT.append(build())
  return _BUILT[0]
