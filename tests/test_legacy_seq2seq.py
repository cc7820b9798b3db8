"""tf.contrib.legacy_seq2seq against TF 1.15's own, by checkpoint.

The fixture in tests/fixtures/tf115_legacy_seq2seq was written by
``python tests/legacy_seq2seq_fixture.py`` under TF 1.15.5 with the real
tf.contrib.  Every env rebuilds the same graph -- with the functions and
cells compat chose, with the in-house ones, and with the in-house functions
over the chosen cells (TF's own where it has them) -- checks that the
variable names and shapes are exactly the checkpoint's, restores it by name
and compares every output, final state, loss and gradient to 1e-5, with
feed_previous's tensor both True and False.
"""
from __future__ import absolute_import, division, print_function

import os

import numpy as np
import pytest
import tensorflow as tf

import compat
import fixture_io
import legacy_seq2seq_fixture as fixture
from compat import _routes
from legacy_pipeline.nn import wrappers

v1 = tf.compat.v1
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixtures", "tf115_legacy_seq2seq")
PREFIX = os.path.join(FIXTURE, "seq2seq")


class _Namespace(object):
  def __init__(self, module, get):
    self._module = module
    self._get = get

  def __getattr__(self, name):
    return self._get("tf.contrib.%s.%s" % (self._module, name))


def _chosen_cells():
  class Cells(object):
    def __getattr__(self, name):
      if _routes.row("tf.nn.rnn_cell." + name) is not None:
        return getattr(compat.rnn_cell, name)
      return _routes.resolve("tf.contrib.rnn." + name)
  return Cells()


# Grappler's rewrites cost more than this small graph's run.
_CONFIG = v1.ConfigProto()
_CONFIG.graph_options.rewrite_options.disable_meta_optimizer = True

SOURCES = {
    "chosen": lambda: (_Namespace("legacy_seq2seq", _routes.resolve),
                       _chosen_cells()),
    "inhouse": lambda: (_Namespace("legacy_seq2seq", _routes.inhouse),
                        _Namespace("rnn", _routes.inhouse)),
    "inhouse_over_chosen_cells": lambda: (
        _Namespace("legacy_seq2seq", _routes.inhouse), _chosen_cells()),
}


def _objects(ls, rc):
  return (ls.embedding_attention_seq2seq, ls.model_with_buckets, rc.GRUCell,
          rc.LSTMCell, rc.MultiRNNCell)


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_tf115_checkpoint_restores_with_same_results(source):
  ls, rc = SOURCES[source]()
  seen = {}
  for name in sorted(SOURCES):
    other_ls, other_rc = SOURCES[name]()
    seen.setdefault(_objects(other_ls, other_rc), name)
  if seen[_objects(ls, rc)] != source:
    pytest.skip("the same objects as %s here" % seen[_objects(ls, rc)])
  expected = np.load(os.path.join(FIXTURE, "expected.npz"))
  assert str(expected["tf_version"]) == "1.15.5"
  with tf.Graph().as_default():
    v1.set_random_seed(fixture.GRAPH_SEED)
    fetches, feed = fixture.build(v1, ls, rc, np.random.RandomState(3))
    ours = {v.op.name: v.get_shape().as_list()
            for v in v1.global_variables()}
    assert ours == dict(v1.train.list_variables(PREFIX))
    assert fetches.pop("gradient_names") == list(expected["gradient_names"])
    with v1.Session(config=_CONFIG) as sess:
      v1.train.Saver().restore(sess, PREFIX)
      values = sess.run(fetches)
      fed = sess.run({k: fetches[k] for k in fixture.COND_CASES},
                     {feed: False})
  values.update({"fed_" + k: v for k, v in fed.items()})
  assert fixture_io.compare(values, expected) == len(expected.files) - 2


def test_names_follow_tf115():
  names = {n for n, _ in v1.train.list_variables(PREFIX)}
  base = ("embedding_attention_seq2seq/embedding_attention_decoder/"
          "attention_decoder/")
  for want in (base + "AttnW_0", base + "AttnV_1", base + "Attention_0/kernel",
               base + "AttnOutputProjection/bias", base + "kernel",
               base + "output_projection_wrapper/lstm_cell/kernel",
               "embedding_attention_seq2seq/rnn/embedding_wrapper/embedding",
               "combined_tied_rnn_seq2seq/tied_rnn_seq2seq/gru_cell/gates/bias",
               "basic_rnn_seq2seq/rnn/lstm_cell/kernel",
               "basic_rnn_seq2seq/rnn_decoder/lstm_cell/kernel"):
    assert want in names, want


def test_a_training_step_lowers_the_loss_and_errors_say_what_arrived():
  ls = _Namespace("legacy_seq2seq", _routes.inhouse)
  rc = _Namespace("rnn", _routes.inhouse)
  with tf.Graph().as_default():
    v1.set_random_seed(5)
    rng = np.random.RandomState(0)
    enc = [tf.constant(rng.randint(0, 4, 3).astype(np.int32))
           for _ in range(3)]
    targets = [tf.constant(rng.randint(0, 4, 3).astype(np.int32))
               for _ in range(3)]
    weights = [tf.ones([3]) for _ in range(3)]
    outputs, _ = ls.embedding_attention_seq2seq(
        enc, [tf.zeros([3], tf.int32)] + targets[:-1], rc.GRUCell(6), 4, 4,
        3)
    loss = ls.sequence_loss(outputs, targets, weights)
    step = v1.train.GradientDescentOptimizer(0.5).minimize(loss)
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      first = sess.run(loss)
      for _ in range(5):
        sess.run(step)
      assert sess.run(loss) < first
    with pytest.raises(ValueError, match="Lengths of logits"):
      ls.sequence_loss_by_example(outputs, targets[:2], weights)
    with pytest.raises(ValueError, match="at least 1 input"):
      ls.attention_decoder([], None, tf.zeros([3, 2, 4]), rc.GRUCell(4))
    with pytest.raises(ValueError, match="last bucket"):
      ls.model_with_buckets(enc, enc, targets, weights, [(4, 2)], None)
    with pytest.raises(TypeError, match="not an RNNCell"):
      ls.one2many_rnn_seq2seq(enc, {}, object(), {}, 4, {}, 3)
    with pytest.raises(ValueError, match="must be > 0"):
      wrappers.EmbeddingWrapper(rc.GRUCell(4), 0, 3)
