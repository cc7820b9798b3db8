"""compat: TF 1.x pieces resolved for the installed TensorFlow.

``compat.BACKEND`` says which state saver is used (``"contrib"`` or
``"inhouse"``), ``compat.CELLS`` which RNN cells (``"native"`` or
``"inhouse"``); ``compat.describe()`` gives both in one line.  The choice is
made once, in ``compat._probe`` (see there for LEGACY_PIPELINE_BACKEND).
Importing this package changes no global TensorFlow state.
"""
from __future__ import absolute_import, division, print_function

from compat import _probe
from compat import _table

DECISION = _probe.decision()
BACKEND = DECISION.saver
CELLS = DECISION.cells


def describe():
  """One line: TF version, saver backend, cells backend and why."""
  d = DECISION
  return "TF %s: state saver=%s, rnn cells=%s (requested %s; %s)" % (
      d.tf_version, d.saver, d.cells, d.requested, d.reason)


class _RNNCells(object):
  """Namespace like tf.compat.v1.nn.rnn_cell, from the chosen backend."""

  def __getattr__(self, name):
    if name not in _table.CELLS:
      raise AttributeError("compat.rnn_cell has no %r" % name)
    return _table.cell_symbol(name)


rnn_cell = _RNNCells()

__all__ = ["BACKEND", "CELLS", "DECISION", "describe", "rnn_cell"]
