"""A checkpoint of TF 1.15's own cells restores into this TF's cells.

The fixture in tests/fixtures/tf115_cells was written by
``python tests/cell_fixture.py`` under TF 1.15.5 with its native
``tf.nn.rnn_cell`` classes and ``tf.layers.dense``.  Every env rebuilds the
same graphs, checks that the variable names and shapes are exactly the
checkpoint's, restores it by name and compares every output and final state
to 1e-5 -- with the cells compat chose and with the in-house cells directly.
On TF 1.15 the fixture is also regenerated in the test run and compared.
"""
from __future__ import absolute_import, division, print_function

import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

import cell_fixture
import fixture_io
import keras_fixture
import compat
import legacy_pipeline
from compat import _routes
from legacy_pipeline.nn import layers

v1 = tf.compat.v1
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixtures", "tf115_cells")
TF1 = tf.version.VERSION.startswith("1.")


class _ChosenCells(object):
  """tf.nn.rnn_cell's names as compat chose them, and contrib.rnn's own."""

  def __getattr__(self, name):
    if _routes.row("tf.nn.rnn_cell." + name) is not None:
      return getattr(compat.rnn_cell, name)
    return _routes.resolve(_contrib_path(name))


def _contrib_path(name):
  """contrib.rnn's name, or contrib.cudnn_rnn's (CudnnCompatible*Cell)."""
  return "tf.contrib.%s.%s" % ("cudnn_rnn" if name.startswith("Cudnn")
                               else "rnn", name)


class _InhouseCells(object):
  def __getattr__(self, name):
    return _routes.inhouse(_contrib_path(name))


SOURCES = {
    "chosen": (_ChosenCells(), lambda: _routes.resolve("tf.layers.dense")),
    "inhouse": (_InhouseCells(), lambda: layers.dense),
}


def _restore_and_run(fixture_dir, rnn_cell, dense):
  expected = np.load(os.path.join(fixture_dir, "expected.npz"))
  prefix = os.path.join(fixture_dir, "cells")
  with tf.Graph().as_default():
    v1.set_random_seed(cell_fixture.GRAPH_SEED)
    rng = np.random.RandomState(7)
    fetches = {}
    for name in sorted(cell_fixture.CONFIGS):
      fetches[name], inputs, init = cell_fixture.build(v1, rnn_cell, dense,
                                                       name, rng)
      # Same seeded inputs as the fixture's writer drew.
      np.testing.assert_array_equal(inputs, expected[name + "/inputs"])
      for i, s in enumerate(cell_fixture._flatten(init)):  # pylint: disable=protected-access
        np.testing.assert_array_equal(s, expected["%s/init_%d" % (name, i)])
    ours = {v.op.name: v.get_shape().as_list()
            for v in v1.global_variables()}
    theirs = dict(v1.train.list_variables(prefix))
    assert ours == theirs
    with v1.Session() as sess:
      v1.train.Saver().restore(sess, prefix)
      values = sess.run(fetches)
  return fixture_io.compare(values, expected)


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_tf115_checkpoint_restores_with_same_outputs(source):
  rnn_cell, dense = SOURCES[source]
  expected = np.load(os.path.join(FIXTURE, "expected.npz"))
  assert str(expected["tf_version"]) == "1.15.5"
  assert _restore_and_run(FIXTURE, rnn_cell, dense()) >= 15 * 7


def test_fixture_names_cover_nested_and_optional_variables():
  names = {n for n, _ in v1.train.list_variables(
      os.path.join(FIXTURE, "cells"))}
  for want in ("multi/rnn/multi_rnn_cell/cell_0/lstm_cell/kernel",
               "multi/rnn/multi_rnn_cell/cell_1/lstm_cell/w_o_diag",
               "multi/rnn/multi_rnn_cell/cell_2/gru_cell/gates/bias",
               "lstm_full/rnn/lstm_cell/projection/kernel",
               "basic_lstm/rnn/basic_lstm_cell/bias",
               "gru/rnn/gru_cell/candidate/kernel",
               "lstm/dense/kernel",
               "basic_rnn/rnn/basic_rnn_cell/kernel",
               "wrappers/rnn/multi_rnn_cell/cell_0/basic_rnn_cell/bias",
               "wrappers/rnn/multi_rnn_cell/cell_1/lstm_cell/kernel",
               "wrappers/rnn/multi_rnn_cell/cell_2/gru_cell/gates/kernel",
               "projections/rnn/output_projection_wrapper/kernel",
               "projections/rnn/output_projection_wrapper/"
               "input_projection_wrapper/kernel",
               "projections/rnn/output_projection_wrapper/"
               "input_projection_wrapper/lstm_cell/kernel",
               "dropout/rnn/lstm_cell/kernel",
               "attention/rnn/multi_rnn_cell/cell_0/attention_cell_wrapper/"
               "attention/attn_w",
               "attention/rnn/multi_rnn_cell/cell_1/attention_cell_wrapper/"
               "attn_output_projection/kernel",
               "layer_norm/rnn/multi_rnn_cell/cell_0/"
               "layer_norm_basic_lstm_cell/state/gamma",
               "layer_norm/rnn/multi_rnn_cell/cell_1/"
               "layer_norm_basic_lstm_cell/bias",
               "lstm_block/rnn/multi_rnn_cell/cell_1/lstm_cell/w_f_diag",
               "lstm_block/rnn/multi_rnn_cell/cell_2/gru_cell/candidate/bias",
               "lstm_block/rnn/multi_rnn_cell/cell_3/"
               "cudnn_compatible_lstm_cell/kernel",
               "dropout_variational/rnn/basic_lstm_cell/kernel"):
    assert want in names


@pytest.mark.skipif(not TF1, reason="the fixture is written by TF 1.x cells")
@pytest.mark.parametrize("source", sorted(SOURCES))
def test_fixture_regenerated_in_this_run(tmp_path, source):
  out = str(tmp_path / "fresh")
  subprocess.check_call([sys.executable, os.path.join(HERE, "cell_fixture.py"),
                         out], timeout=300)
  assert dict(v1.train.list_variables(os.path.join(out, "cells"))) == dict(
      v1.train.list_variables(os.path.join(FIXTURE, "cells")))
  rnn_cell, dense = SOURCES[source]
  assert _restore_and_run(out, rnn_cell, dense()) >= 15 * 7


# -- graph-mode Keras and contrib.layers ------------------------------------------

KERAS_FIXTURE = os.path.join(HERE, "fixtures", "tf115_keras")
KERAS_FETCHES = 51


def _contrib_layers():
  """tf.contrib.layers as the namespace serves it, without building tf."""
  if TF1:
    return tf.contrib.layers  # pylint: disable=no-member
  from compat import _namespace  # pylint: disable=g-import-not-at-top
  return _namespace.routed_module("tf.contrib.layers")


def test_inhouse_keras_restores_tf115_keras_checkpoint():
  from legacy_pipeline.nn import keras  # pylint: disable=g-import-not-at-top
  expected = np.load(os.path.join(KERAS_FIXTURE, "expected.npz"))
  assert str(expected["tf_version"]) == "1.15.5"
  assert keras_fixture.check(KERAS_FIXTURE, v1, keras,
                             _contrib_layers()) == KERAS_FETCHES


def test_chosen_keras_restores_tf115_keras_checkpoint():
  # The namespace switches the process to graph mode: a fresh process.
  out = subprocess.check_output(
      [sys.executable, os.path.join(HERE, "keras_fixture.py"), "--check",
       KERAS_FIXTURE], timeout=300).decode()
  assert "compared %d" % KERAS_FETCHES in out


def test_keras_fixture_names_cover_each_layer_kind():
  names = {n for n, _ in v1.train.list_variables(
      os.path.join(KERAS_FIXTURE, "layers"))}
  for want in ("dense/kernel", "dense_2/bias",  # Sequential built at add()
               "deferred/sequential/dense_3/kernel",  # built at first call
               "custom/scale", "custom/gated/gate", "custom/gated/offset",
               "custom/gated/proj/kernel", "classifier/dense_5/kernel",
               "embedding/embeddings", "contrib/fc/weights",
               "contrib/fc/LayerNorm/gamma", "contrib/fully_connected/biases",
               "contrib/words/embeddings"):
    assert want in names


@pytest.mark.skipif(not TF1, reason="the fixture is written by TF 1.15's Keras")
def test_keras_fixture_regenerated_in_this_run(tmp_path):
  out = str(tmp_path / "fresh")
  subprocess.check_call([sys.executable, os.path.join(HERE, "keras_fixture.py"),
                         out], timeout=300)
  assert dict(v1.train.list_variables(os.path.join(out, "layers"))) == dict(
      v1.train.list_variables(os.path.join(KERAS_FIXTURE, "layers")))
  from legacy_pipeline.nn import keras  # pylint: disable=g-import-not-at-top
  assert keras_fixture.check(out, v1, keras, tf.contrib.layers) == \
      KERAS_FETCHES  # pylint: disable=no-member
