"""compat: TF 1.x pieces resolved for the installed TensorFlow.

``compat.BACKEND`` says which state saver is used (``"contrib"`` or
``"inhouse"``), ``compat.CELLS`` which RNN cells (``"native"`` or
``"inhouse"``), ``compat.LAYERS`` which ``tf.layers``/graph-mode ``tf.keras``
(``"native"`` or ``"inhouse"``), ``compat.SLIM`` the rest of tf.contrib
(``"contrib"``, ``"tf_slim"`` or ``"missing"``); ``compat.describe()`` gives
all in one line.
The choice is made once, in ``compat._probe`` (see there for
LEGACY_PIPELINE_BACKEND).

``from compat import tf`` (or ``compat.v1_namespace()``) gives a TF 1.x-style
namespace; on TF 2.x building it calls
``tf.compat.v1.disable_v2_behavior()``, switching the process to graph mode.
Importing this package alone imports no TensorFlow and changes no global
state: the attributes above are computed on first use (PEP 562), so ``python
-m compat`` can set TensorFlow's environment (``TF_USE_LEGACY_KERAS``, log
level) before TensorFlow is imported.
"""
from __future__ import absolute_import, division, print_function

# compat.<name> -> the field of compat._probe.decision() it reads.
_DECIDED = {"BACKEND": "saver", "CELLS": "cells", "LAYERS": "layers",
            "SLIM": "slim"}


def _decision():
  from compat import _probe  # pylint: disable=g-import-not-at-top
  return _probe.decision()


def describe(short=False):
  """One line: TF version, saver backend, cells backend and why.

  Args:
    short: only the choices ("state saver=inhouse, rnn cells=native, ..."),
      without the TF version and the reasons.
  """
  d = _decision()
  choices = "state saver=%s, rnn cells=%s, layers/keras=%s, other contrib=%s" % (
      d.saver, d.cells, d.layers, d.slim)
  if short:
    return choices
  return "TF %s: %s (requested %s; %s)" % (d.tf_version, choices, d.requested,
                                           d.reason)


class _RNNCells(object):
  """Namespace like tf.compat.v1.nn.rnn_cell, from the chosen backend."""

  def __getattr__(self, name):
    from compat import _routes  # pylint: disable=g-import-not-at-top
    if _routes.row("tf.nn.rnn_cell." + name) is None:
      raise AttributeError("compat.rnn_cell has no %r" % name)
    return _routes.resolve("tf.nn.rnn_cell." + name)


rnn_cell = _RNNCells()


def v1_namespace():
  """The TF 1.x-style namespace (see compat._namespace).

  Returns:
    The real ``tensorflow`` module on TF 1.x when contrib and the native cells
    and layers are used; otherwise ``tf.compat.v1`` with the route table's
    TF 1.x modules (``tf.contrib``, ``tf.layers``, ``tf.nn``, ...; see
    compat.routes) and a graph-mode ``keras`` laid over it.

  Side effects: on TF 2.x, switches the process to TF 1.x behaviour
  (``tf.compat.v1.disable_v2_behavior()``: graph mode) the first time.
  """
  from compat import _namespace  # pylint: disable=g-import-not-at-top
  return _namespace.namespace()


def __getattr__(name):
  # `from compat import tf` builds the namespace on demand (PEP 562), so a
  # plain `import compat` keeps eager mode untouched.
  if name == "tf":
    return v1_namespace()
  if name == "DECISION":
    return _decision()
  if name in _DECIDED:
    return getattr(_decision(), _DECIDED[name])
  raise AttributeError("module 'compat' has no attribute %r" % name)


__all__ = ["BACKEND", "CELLS", "DECISION", "LAYERS", "SLIM", "describe",
           "rnn_cell", "v1_namespace"]
