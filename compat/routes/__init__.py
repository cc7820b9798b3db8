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
* ``absent``: not provided, with the reason.

Every absent entry (an ``R`` with ``absent``, or a whole ``M``) also says
where a program goes next, with at least one of (the constructors refuse an
absent entry without one):

* ``instead``: the replacement in TF 2.x or a maintained package -- an exact
  public path where the mapping is one to one
  (``"tf.data.experimental.sample_from_datasets"``,
  ``"tensorflow_probability.distributions.Normal"``), else a short text
  (``"tf.keras.layers.AdditiveAttention + a decoder loop"``);
* ``deferred``: the issue that will provide it here ("planned");
* ``pin``: the TensorFlow (or package) pin on which the original still runs
  (``PIN_TF115``, ``PIN_ESTIMATOR``).

``compat._routes`` words them into one line, the message of the
``AttributeError``/``ImportError`` a program gets and of the checker's
``MISSING`` entries: ``"<path> is not provided by legacy-pipeline: <why>.
Planned: issue 26. Instead: ... Still runs on: ..."``.

``arg_scoped=True`` marks a function TF 1.15 decorated with
``add_arg_scope``: where ``arg_scope`` is tf-slim's, the in-house port is
registered with tf-slim's ``add_arg_scope`` so ``slim.arg_scope`` reaches it.

This module is data only: importing it imports no TensorFlow.
"""
from __future__ import absolute_import, division, print_function

import importlib


# The reason shared by contrib's feature-column API (contrib.layers, slim):
# outside issue 24's target, so python -m compat coverage counts it apart.
# Each row's `instead` names its tf.feature_column counterpart.
FEATURE_COLUMNS = (
    "contrib's feature-column API served contrib.learn's estimators; TF 2.x "
    "has tf.feature_column (deprecated; its estimators need TF <= 2.15) or "
    "Keras preprocessing layers")

# What replaces each name under FEATURE_COLUMNS (contrib.layers, slim and
# contrib.learn share them).
FEATURE_COLUMNS_INSTEAD = {
    "DataFrameColumn": "tf.data.Dataset.from_tensor_slices(dict(dataframe)) with tf.feature_column columns",
    "InputLayer": "tf.compat.v1.feature_column.input_layer under a reused tf.compat.v1.variable_scope",
    "ProblemType": "tf.contrib.learn.ProblemType (served here: the same constants)",
    "SPARSE_FEATURE_CROSS_DEFAULT_HASH_KEY": "the constant 0xDECAFCAFFE (956888297470), the default hash_key of tf.sparse.cross_hashed",
    "binary_svm_target": "tf.compat.v1.losses.hinge_loss in a model_fn (on TF <= 2.15, tf.estimator.BinaryClassHead(loss_fn=...))",
    "bucketized_column": "tf.feature_column.bucketized_column",
    "check_feature_columns": "nothing to call: tf.compat.v1.feature_column.input_layer and linear_model reject duplicate column names themselves",
    "create_feature_spec_for_parsing": "tf.feature_column.make_parse_example_spec",
    "crossed_column": "tf.feature_column.crossed_column",
    "embedding_column": "tf.feature_column.embedding_column",
    "get_default_binary_metrics_for_eval": "tf.compat.v1.metrics.auc, tf.compat.v1.metrics.mean, tf.compat.v1.metrics.precision_at_thresholds and tf.compat.v1.metrics.recall_at_thresholds in eval_metric_ops",
    "infer_real_valued_columns": "tf.feature_column.numeric_column, one per feature",
    "infer_real_valued_columns_from_input": "tf.feature_column.numeric_column with the input's shape",
    "infer_real_valued_columns_from_input_fn": "tf.feature_column.numeric_column with the input's shape",
    "input_from_feature_columns": "tf.compat.v1.feature_column.input_layer",
    "joint_weighted_sum_from_feature_columns": "tf.compat.v1.feature_column.linear_model (one weight variable per column, not a joint one)",
    "make_place_holder_tensors_for_base_features": "a tf.compat.v1.placeholder per entry of tf.feature_column.make_parse_example_spec(columns)",
    "multi_class_target": "tf.estimator.MultiClassHead (TF <= 2.15)",
    "one_hot_column": "tf.feature_column.indicator_column",
    "parse_feature_columns_from_examples": "tf.io.parse_example(serialized, tf.feature_column.make_parse_example_spec(columns))",
    "parse_feature_columns_from_sequence_examples": "tf.io.parse_single_sequence_example with specs from tf.feature_column.make_parse_example_spec",
    "real_valued_column": "tf.feature_column.numeric_column",
    "regression_target": "tf.estimator.RegressionHead (TF <= 2.15)",
    "scattered_embedding_column": "no exact counterpart: tf.feature_column.embedding_column over tf.feature_column.categorical_column_with_hash_bucket",
    "sequence_input_from_feature_columns": "tf.keras.experimental.SequenceFeatures over tf.feature_column.sequence_numeric_column and the other sequence columns (Keras 2)",
    "shared_embedding_columns": "tf.compat.v1.feature_column.shared_embedding_columns",
    "sparse_column_with_hash_bucket": "tf.feature_column.categorical_column_with_hash_bucket",
    "sparse_column_with_integerized_feature": "tf.feature_column.categorical_column_with_identity (num_buckets=bucket_size)",
    "sparse_column_with_keys": "tf.feature_column.categorical_column_with_vocabulary_list",
    "sparse_column_with_vocabulary_file": "tf.feature_column.categorical_column_with_vocabulary_file",
    "sparse_feature_cross": "tf.sparse.cross (hashed_output=False) or tf.sparse.cross_hashed (its ids match contrib's only with an explicit hash_key)",
    "transform_features": "tf.compat.v1.feature_column.input_layer (it transforms and concatenates in one step)",
    "weighted_sparse_column": "tf.feature_column.weighted_categorical_column",
    "weighted_sum_from_feature_columns": "tf.compat.v1.feature_column.linear_model",
}

# The pins on which the originals still run.
PIN_TF115 = "tensorflow==1.15.5 (Python 3.7)"
PIN_ESTIMATOR = ("tensorflow<=2.15 with tensorflow-estimator==2.15 "
                 "(tf.estimator is native there)")

_NEXT_STEPS = ("instead", "deferred", "pin")


def _check_next_step(path, entry):
  """An absent entry names a next step; only an absent one does."""
  for field in ("absent",) + _NEXT_STEPS:
    value = getattr(entry, field)
    if value is not None and ("\n" in value or not value.strip()):
      raise ValueError("route %s: %s must be one non-empty line" % (
          path, field))
  steps = [f for f in _NEXT_STEPS if getattr(entry, f)]
  if entry.absent and not steps:
    raise ValueError("route %s: an absent entry needs a next step "
                     "(instead=, deferred= or pin=)" % path)
  if not entry.absent and steps:
    raise ValueError("route %s: %s= only goes with absent=" % (
        path, steps[0]))


class R(object):
  """One TF 1.x name and how it is provided (see the module docstring)."""

  __slots__ = ("path", "native", "library", "inhouse", "absent", "deferred",
               "instead", "pin", "arg_scoped")

  def __init__(self, path, native=None, library=None, inhouse=None,
               absent=None, deferred=None, instead=None, pin=None,
               arg_scoped=False):
    """Records one route (the fields are described in the module docstring).

    Args:
      path: the TF 1.x dotted name, e.g. ``"tf.contrib.layers.conv2d"``.
      native: TF 2.x's object with the same behaviour: True (same path under
        ``tf.compat.v1``) or its path, if any.
      library: ``"module:NAME"`` in a maintained package, if any.
      inhouse: ``"module:NAME"`` of this project's port, if any.
      absent: the reason the name is not provided, if it is not.
      deferred: for an absent name, the issue that will provide it.
      instead: for an absent name, its replacement.
      pin: for an absent name, the pin on which the original still runs.
      arg_scoped: whether TF 1.15 decorated it with ``add_arg_scope``.

    Raises:
      ValueError: no source and no absent reason, or the next-step fields
        are wrong (see _check_next_step).
    """
    if absent is None and not (native or library or inhouse):
      raise ValueError("route %s: give a source or an absent reason" % path)
    self.path = path
    self.native = native
    self.library = library
    self.inhouse = inhouse
    self.absent = absent
    self.deferred = deferred
    self.instead = instead
    self.pin = pin
    self.arg_scoped = arg_scoped
    _check_next_step(path, self)

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
    absent: the whole module is not provided: why.
    deferred: the issue that will provide it.
    instead: its replacement in TF 2.x or a maintained package.
    pin: the pin on which the original still runs.  (An absent module
      needs at least one of instead, deferred and pin.)
    doc: one line for ``dir()``/help and the coverage table.
    alias: the path of another module of the table that this one is (TF
      1.15's ``tf.contrib.slim.losses`` was ``tf.contrib.losses``).
  """

  __slots__ = ("path", "rows", "base", "absent", "deferred", "instead", "pin",
               "doc", "alias")

  def __init__(self, path, rows=(), base=None, absent=None, deferred=None,
               instead=None, pin=None, doc=None, alias=None):
    for row in rows:
      if row.module != path:
        raise ValueError("route %s listed under module %s" % (row.path, path))
    self.path = path
    self.rows = tuple(rows)
    self.base = base
    self.absent = absent
    self.deferred = deferred
    self.instead = instead
    self.pin = pin
    self.doc = doc
    self.alias = alias
    _check_next_step(path, self)


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
