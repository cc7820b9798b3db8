"""The routed contrib.data/lookup/nn/util/stateless/signal/cudnn_rnn names
behave as TF 1.15's.

``tests/routes_data_fixture.py`` recorded, under TF 1.15.5 with the real
``tf.contrib``, the values of small graphs built from these modules (and a
checkpoint of a CudnnCompatibleGRUCell).  Here every env builds the same
graphs with the objects ``compat._routes`` serves and compares to 1e-5
(strings, ints and error names exactly).  On TF 1.15 the router serves the
real contrib objects; the in-house ports are then run too (``inhouse``
cases), so they are compared with TF 1.15 in every env.
"""
from __future__ import absolute_import, division, print_function

import importlib
import os

import numpy as np
import pytest
import tensorflow as tf

import routes_data_fixture as fx
from compat import _routes

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixtures", "tf115_routes_data")
TF1 = tf.version.VERSION.startswith("1.")
MODULES = ("tf.contrib.data", "tf.contrib.lookup", "tf.contrib.nn",
           "tf.contrib.util", "tf.contrib.stateless", "tf.contrib.signal",
           "tf.contrib.cudnn_rnn")


@pytest.fixture(scope="module")
def expected():
  with np.load(os.path.join(FIXTURE, "expected.npz")) as f:
    return {k: f[k] for k in f.files}


def _inhouse_first(path):
  """The row's in-house object if it has one, else what the router serves."""
  r = _routes.row(path)
  if r is not None and r.inhouse:
    mod, _, attr = r.inhouse.partition(":")
    return getattr(importlib.import_module(mod), attr or r.name)
  return _routes.resolve(path)


GETTERS = {"routed": _routes.resolve, "inhouse": _inhouse_first}


def _compare(values, expected, prefix):
  want = sorted(k for k in expected if k.startswith(prefix + "/"))
  assert sorted(values) == want
  for key in want:
    got, exp = values[key], expected[key]
    if exp.dtype.kind in "fc":
      np.testing.assert_allclose(got, exp, rtol=1e-5, atol=1e-5,
                                 err_msg=key)
    else:
      np.testing.assert_array_equal(np.asarray(got).astype(exp.dtype), exp,
                                    err_msg=key)


# TF 2.x's shuffle kernel draws another order than TF 1.15's for the same
# seeds when it reshuffles each epoch (even TF 1.15's ShuffleAndRepeatDataset
# op, run on TF 2.x, does): shuffle_and_repeat keeps each epoch a permutation
# of the input, in a different order.  Compared as sorted epochs there.
RESHUFFLED = {"data_natives/shuffle_repeat": 5}


def _sort_epochs(values):
  out = dict(values)
  for prefix, epoch in RESHUFFLED.items():
    n = int(values.get(prefix + "/count", 0))
    flat = [int(values["%s/%d" % (prefix, i)]) for i in range(n)]
    flat = [x for e in range(0, n, epoch) for x in sorted(flat[e:e + epoch])]
    for i, x in enumerate(flat):
      out["%s/%d" % (prefix, i)] = np.asarray(x)
  return out


def _modes():
  # Off TF 1.x the router already serves the in-house ports.
  return ["routed", "inhouse"] if TF1 else ["routed"]


@pytest.mark.parametrize("mode", _modes())
@pytest.mark.parametrize("case", sorted(fx.CASES))
def test_case_matches_tf115(case, mode, expected, tmp_path):
  if mode == "inhouse" and not case.startswith(("data", "lookup", "nn")):
    pytest.skip("no in-house names in this case")
  getter = GETTERS[mode]
  values = fx.run_case(case, lambda p: fx.Namespace(p, getter), str(tmp_path))
  if not TF1:
    values, expected = _sort_epochs(values), _sort_epochs(expected)
  _compare(values, expected, case)


@pytest.mark.parametrize("mode", _modes())
def test_cudnn_compatible_gru_restores_tf115_checkpoint(mode, expected):
  getter = GETTERS[mode]
  values = fx.run_gru(lambda p: fx.Namespace(p, getter), FIXTURE, save=False)
  # Kernels start from a seeded random draw that depends on the whole graph;
  # the biases' initial values (gates 1, candidate 0) are compared.
  names = list(expected["gru/variables"])
  for i, name in enumerate(names):
    key = "gru/initial_values/%d" % i
    if not name.endswith("/bias"):
      del values[key]
      expected = dict((k, v) for k, v in expected.items() if k != key)
  _compare(values, expected, "gru")


@pytest.mark.parametrize("name", ["CudnnLSTM", "CudnnGRU", "CudnnRNNTanh",
                                  "CudnnRNNRelu"])
def test_cudnn_layers_say_what_to_use(name):
  from legacy_pipeline.nn import cudnn_rnn  # pylint: disable=g-import-not-at-top
  cls = getattr(cudnn_rnn, name)
  with pytest.raises(NotImplementedError) as e:
    cls(1, 8)
  msg = str(e.value)
  assert "tf.contrib.cudnn_rnn.%s is not provided" % name in msg
  assert "GPU" in msg
  if name in ("CudnnLSTM", "CudnnGRU"):
    assert "CudnnCompatible%sCell" % name[5:] in msg
  if not TF1:
    assert _routes.resolve("tf.contrib.cudnn_rnn." + name) is cls


def test_every_row_resolves_or_says_why():
  for module in MODULES:
    for name in sorted(_routes.inventory()[module]["names"]):
      status = _routes.status(module + "." + name)
      assert status.source not in ("broken", "unrouted"), status
      if status.source == "absent":
        assert "TODO" not in status.detail, status
  if not TF1:
    hook = _routes.status("tf.contrib.data.CheckpointInputPipelineHook")
    assert hook.source == ("native" if hasattr(
        tf.compat.v1.data.experimental, "CheckpointInputPipelineHook")
                           else "absent")
    assert _routes.status("tf.contrib.data.LMDBDataset").source == "absent"


def test_sliding_window_batch_rejects_stride_and_shift():
  sliding = _inhouse_first("tf.contrib.data.sliding_window_batch")
  with pytest.raises(ValueError, match="Cannot specify both"):
    sliding(3, stride=1, window_shift=1)


def test_routed_tables_are_v1_graph_tables():
  v1 = tf.compat.v1
  with tf.Graph().as_default():
    table = _routes.resolve("tf.contrib.lookup.HashTable")(
        _routes.resolve("tf.contrib.lookup.KeyValueTensorInitializer")(
            ["k"], [3]), -1)
    if not TF1:  # contrib's own HashTable class on TF 1.x
      assert isinstance(table, v1.lookup.StaticHashTable)
    assert table.init in v1.get_collection(v1.GraphKeys.TABLE_INITIALIZERS)
    dense = _routes.resolve("tf.contrib.lookup.MutableDenseHashTable")
    assert isinstance(dense, type)
