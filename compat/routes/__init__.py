"""The route table: one row per TF 1.x name, one file per TF 1.x module.

TF 1.15's own API listing, ``tf115_inventory.json`` (written by
``scripts/tf115_inventory.py`` under TF 1.15), is the checklist; the files
named in ``FILES`` say how each of its names is provided on the running
TensorFlow.  A row names its sources; ``compat._routes`` (the one resolver)
tries them in order, lazily, the first time the name is used:

* ``tf1``: on TF 1.x, the object at the same path of the real ``tensorflow``
  (implicit for every row);
* ``native``: TF 2.x's own object with the same behaviour -- ``True`` for the
  same path under ``tf.compat.v1``, ``"tf.data.experimental.unbatch"`` for a
  public path of ``tensorflow``, or ``"tensorflow.python.ops.lookup_ops:X"``
  for the module TF 1.15 itself took the name from;
* ``library``: a maintained package, ``"tf_slim.layers:conv2d"`` (the part
  after ``:`` defaults to the row's own name);
* ``inhouse``: this project's port, ``"legacy_pipeline.contrib.crf:NAME"``;
* ``absent``: not provided, with the reason and what to use instead;
  ``deferred`` names the issue that will provide it.

``arg_scoped=True`` marks a function TF 1.15 decorated with
``add_arg_scope``: where ``arg_scope`` is tf-slim's, the in-house port is
registered with tf-slim's ``add_arg_scope`` so ``slim.arg_scope`` reaches it.

This module is data only: importing it imports no TensorFlow.
"""
from __future__ import absolute_import, division, print_function

import importlib


# The reason shared by contrib's feature-column API (contrib.layers, slim):
# outside issue 24's target, so python -m compat coverage counts it apart.
FEATURE_COLUMNS = (
    "contrib's feature-column API served contrib.learn's estimators; TF 2.x "
    "offers tf.feature_column (TF <= 2.15) or Keras preprocessing layers")


class R(object):
  """One TF 1.x name and how it is provided (see the module docstring)."""

  __slots__ = ("path", "native", "library", "inhouse", "absent", "deferred",
               "arg_scoped")

  def __init__(self, path, native=None, library=None, inhouse=None,
               absent=None, deferred=None, arg_scoped=False):
    if absent is None and not (native or library or inhouse):
      raise ValueError("route %s: give a source or an absent reason" % path)
    self.path = path
    self.native = native
    self.library = library
    self.inhouse = inhouse
    self.absent = absent
    self.deferred = deferred
    self.arg_scoped = arg_scoped

  @property
  def module(self):
    return self.path.rsplit(".", 1)[0]

  @property
  def name(self):
    return self.path.rsplit(".", 1)[1]

  def __repr__(self):
    fields = ["%s=%r" % (k, getattr(self, k)) for k in self.__slots__[1:]
              if getattr(self, k) not in (None, False)]
    return "R(%r, %s)" % (self.path, ", ".join(fields))


class M(object):
  """A TF 1.x module: its rows, and what serves names beyond them.

  Args:
    path: ``"tf.contrib.data"``.
    rows: the module's ``R`` rows (each path under `path`).
    base: a native module whose other attributes pass through (``True``: the
      same path under ``tf.compat.v1``; a public ``tf.`` path), or None: the
      module has exactly its rows.
    absent: the whole module is not provided: why, and what to use instead.
    deferred: the issue that will provide it.
    doc: one line for ``dir()``/help and the coverage table.
    alias: the path of another module of the table that this one is (TF
      1.15's ``tf.contrib.slim.losses`` was ``tf.contrib.losses``).
  """

  __slots__ = ("path", "rows", "base", "absent", "deferred", "doc", "alias")

  def __init__(self, path, rows=(), base=None, absent=None, deferred=None,
               doc=None, alias=None):
    for row in rows:
      if row.module != path:
        raise ValueError("route %s listed under module %s" % (row.path, path))
    self.path = path
    self.rows = tuple(rows)
    self.base = base
    self.absent = absent
    self.deferred = deferred
    self.doc = doc
    self.alias = alias


# One file per TF 1.x module (a few files hold several whole-module entries).
FILES = (
    "contrib_training", "contrib_rnn", "contrib_cudnn_rnn", "contrib_seq2seq",
    "contrib_legacy_seq2seq", "contrib_crf", "contrib_layers",
    "contrib_framework", "contrib_metrics", "contrib_losses", "contrib_slim",
    "contrib_data", "contrib_lookup", "contrib_nn", "contrib_stateless",
    "contrib_signal", "contrib_util", "contrib_opt", "contrib_learn",
    "contrib_other", "contrib_aliases", "layers", "nn", "nn_rnn_cell", "train", "losses",
    "metrics", "estimator",
)


def modules():
  """Every ``M`` of the table, in ``FILES`` order."""
  out = []
  for f in FILES:
    routes = importlib.import_module("compat.routes." + f).ROUTES
    out.extend(routes if isinstance(routes, (list, tuple)) else [routes])
  return out
