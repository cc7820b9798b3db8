"""The TF 1.x-style ``tf`` namespace behind ``from compat import tf``.

On TF 1.x with every native piece chosen it is the real ``tensorflow`` module.
Elsewhere it is ``tf.compat.v1`` with the TF 1.x modules of the route table
(``compat.routes``, resolved by ``compat._routes``) laid over it:
``tf.contrib`` and its modules, ``tf.layers``, ``tf.nn`` (and
``tf.nn.rnn_cell``), ``tf.train``, ``tf.losses``, ``tf.metrics`` and
``tf.estimator`` are ``Routed`` modules: each name is looked up in the table
the first time it is used, and the table says whether TF's own object, a
library's (tf-slim) or this project's port serves it, or why it is absent.
Also laid over ``tf.compat.v1``:

* ``tf.__version__``, ``tf.VERSION``, ``tf.GIT_VERSION``,
  ``tf.COMPILER_VERSION``, ``tf.GRAPH_DEF_VERSION``;
* ``tf.compat.v1``: the namespace itself (``tf.compat.v2`` stays TF's);
* a ``tf.keras`` (also ``tf.contrib.keras``) that builds graphs: Keras 2
  where installed, its ``Sequential`` taking higher-rank inputs as TF 1.x's
  did; else ``legacy_pipeline.nn.keras`` (Layer subclassing, Dense, Dropout,
  Embedding, Activation, Flatten, Lambda, Sequential, initializers,
  regularizers, activations, backend).

Building it on TF 2.x calls ``tf.compat.v1.disable_v2_behavior()`` -- graph
mode, v1 variables and control flow for the whole process -- because TF 1.x
code assumes all of that.  Routing to tf-slim also adds two class aliases
back to TF's ops module (see ``compat._routes``); nothing else changes global
state.
"""
from __future__ import absolute_import, division, print_function

import contextlib
import logging
import types

import tensorflow as tf

from compat import _probe
from compat import _routes

_KERAS2_HINT = (
    "install Keras 2 (pip install 'tf_keras~=%s') and set "
    "TF_USE_LEGACY_KERAS=1 before TensorFlow is imported, or use TF <= 2.15")

# The table's top-level TF 1.x modules that the namespace lays over v1.
ROUTED = ("contrib", "layers", "nn", "train", "losses", "metrics",
          "estimator")


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


def _keras2_hint(decision):
  if decision.requested == "inhouse":
    return ("LEGACY_PIPELINE_BACKEND=inhouse chose the in-house pieces; unset "
            "it to use TensorFlow's own")
  return _KERAS2_HINT % ".".join(tf.version.VERSION.split(".")[:2])


def _keras(decision, v1):
  """The namespace's graph-mode ``tf.keras``."""
  if decision.layers == "native":
    if tf.version.VERSION.startswith("1."):
      return v1.keras
    seq = _tf1_sequential(v1.keras.models.Sequential)
    hint = "not in tf.compat.v1.keras of TF %s" % tf.version.VERSION
    return Namespace("compat.tf.keras", v1.keras, {
        "Sequential": seq,
        "models": Namespace("compat.tf.keras.models", v1.keras.models,
                            {"Sequential": seq}, hint)}, hint)
  from legacy_pipeline.nn import keras as lk  # pylint: disable=g-import-not-at-top
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
  return Namespace("compat.tf.keras", None, subs, hint % (
      "layers, models, backend, initializers, regularizers, activations"))


class Routed(types.ModuleType):
  """A TF 1.x module of the route table (``compat.routes``), resolved lazily.

  ``tf.contrib.data.unbatch`` is looked up in the table the first time it is
  used (``compat._routes.resolve``) and kept; a sub-module of the table
  (``tf.contrib.slim.nets``) is another Routed; a name the table lacks passes
  to `base` (a native module) if there is one, else raises AttributeError
  saying TF 1.15 had no such name.  An absent name raises AttributeError with
  the table's reason and replacement.
  """

  def __init__(self, path, base=None, extra=None):
    super(Routed, self).__init__("compat." + path)
    self.__dict__["_path"] = path
    self.__dict__["_base"] = base
    self.__dict__.update(extra or {})

  def __getattr__(self, attr):
    if attr.startswith("__"):
      raise AttributeError(attr)
    here = self.__dict__["_path"]
    path = here + "." + attr
    if _routes.row(path) is not None:
      obj = _routes.resolve(path)
    elif _routes.module(path) is not None or _routes.submodules(path):
      obj = routed_module(path)
    else:
      base = self.__dict__["_base"]
      if base is None:
        raise _routes.Unavailable("TF 1.15's %s has no %r%s" % (
            here, attr, _routes.module_hint(here)))
      try:
        obj = getattr(base, attr)
      except (AttributeError, ImportError) as e:
        raise _routes.Unavailable("%s is not available here (%s)%s" % (
            path, str(e).split("\n")[0], _routes.module_hint(here)))
    self.__dict__[attr] = obj
    return obj

  def __dir__(self):
    path = self.__dict__["_path"]
    names = set(k for k in self.__dict__ if not k.startswith("_"))
    m = _routes.module(path)
    names.update(r.name for r in (m.rows if m is not None else ()))
    names.update(_routes.submodules(path))
    base = self.__dict__["_base"]
    if base is not None:
      names.update(n for n in dir(base) if not n.startswith("_"))
    return sorted(names)


def routed_module(path, extra=None):
  """The namespace's object for the table's module `path`.

  A module the table marks absent is the real one on TF 1.x and raises its
  reason elsewhere (AttributeError).
  """
  m = _routes.module(path)
  if m is not None and m.alias:
    return routed_module(m.alias, extra)
  if m is not None and m.absent:
    if _routes.TF1:
      return _routes.tf1_object(path)
    raise _routes.Unavailable(_routes.not_provided(path, m))
  base = _routes.native_module(m) if m is not None and m.base else None
  return Routed(path, base, extra)


@contextlib.contextmanager
def _deprecations_unprinted():
  """Hides the deprecation lines TensorFlow prints for calls made in the
  block (``disable_v2_behavior`` calls ``disable_resource_variables``, which
  is deprecated): the user did not make them.  TF prints each deprecation
  once per process and remembers that it did; what the block printed is
  forgotten again, so the user's own call of the same function still warns.
  """
  logger = logging.getLogger("tensorflow")
  level = logger.level
  try:
    from tensorflow.python.util import deprecation  # pylint: disable=g-import-not-at-top
    printed = deprecation._PRINTED_WARNING  # pylint: disable=protected-access
  except (ImportError, AttributeError):
    printed = {}
  before = set(printed)
  logger.setLevel(logging.ERROR)
  try:
    yield
  finally:
    logger.setLevel(level)
    for fn in set(printed) - before:
      printed.pop(fn, None)


def build(decision=None):
  """Builds the TF 1.x namespace for `decision` (the probe's if None).

  Args:
    decision: a compat._probe.Decision.

  Returns:
    The real ``tensorflow`` module (TF 1.x, every branch native/contrib), or
    a Namespace over ``tf.compat.v1`` with the routed modules laid over it.

  Side effects: on TF 2.x, ``tf.compat.v1.disable_v2_behavior()``.
  """
  decision = decision or _probe.decision()
  is_tf1 = tf.version.VERSION.startswith("1.")
  if is_tf1 and (decision.saver, decision.cells, decision.layers) == (
      "contrib", "native", "native"):
    return tf
  if not is_tf1:
    with _deprecations_unprinted():
      tf.compat.v1.disable_v2_behavior()
  v1 = tf.compat.v1
  keras = _keras(decision, v1)
  overrides = {
      "__version__": tf.version.VERSION,
      "VERSION": tf.version.VERSION,
      "GIT_VERSION": tf.version.GIT_VERSION,
      "COMPILER_VERSION": tf.version.COMPILER_VERSION,
      "GRAPH_DEF_VERSION": tf.version.GRAPH_DEF_VERSION,
      "keras": keras,
  }
  for name in ROUTED:
    # tf.contrib.keras was the same API as tf.keras: keep them one.
    extra = {"keras": keras} if name == "contrib" else None
    try:
      overrides[name] = routed_module("tf." + name, extra)
    except AttributeError:
      pass  # an absent module: the namespace's lookup gives the reason
  namespace = Namespace("compat.tf", v1, overrides,
                        "not in tf.compat.v1 of TF %s" % tf.version.VERSION)
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
