"""tf.contrib.crf on any TF: TF 1.15's outputs, gradients and variable.

The fixture in tests/fixtures/tf115_crf was written by
``python tests/crf_fixture.py`` under TF 1.15.5 with the real
``tf.contrib.crf``.  Each env rebuilds its graph with the names compat
routes (on TF 1.15: the real contrib, and legacy_pipeline.nn.crf beside
it), checks that the variables are the checkpoint's, restores it by name
and compares every output and gradient (and viterbi_decode's) to 1e-5.
"""
from __future__ import absolute_import, division, print_function

import inspect
import os

import numpy as np
import pytest
import tensorflow as tf

import crf_fixture
import fixture_io
from compat import _routes
from legacy_pipeline.nn import crf as ours

v1 = tf.compat.v1
TF1 = tf.version.VERSION.startswith("1.")
NAMES = sorted(ours.__all__)


class _Namespace(object):
  """The eleven names, each from `get(path)`."""

  def __init__(self, get):
    self._get = get

  def __getattr__(self, name):
    return self._get("tf.contrib.crf." + name)


# On TF 2.x the routed names are the in-house ones: one run covers both.
SOURCES = ["routed", "inhouse"] if TF1 else ["routed"]


@pytest.mark.parametrize("source", SOURCES)
def test_matches_tf115_fixture(source):
  crf = _Namespace(_routes.resolve if source == "routed" else _routes.inhouse)
  expected = np.load(os.path.join(crf_fixture.FIXTURE, "expected.npz"))
  assert str(expected["tf_version"]) == "1.15.5"
  prefix = os.path.join(crf_fixture.FIXTURE, "crf")
  with tf.Graph().as_default():
    fetches, runs, sizes = crf_fixture.build(tf, crf)
    assert sizes == [3, 3, 3, 3, 1, 1]
    names = {v.op.name: v.get_shape().as_list()
             for v in v1.global_variables()}
    assert names == dict(v1.train.list_variables(prefix))
    assert names["crf/transitions"] == [3, 3]
    with v1.Session() as sess:
      v1.train.Saver().restore(sess, prefix)
      values = crf_fixture.run(sess, fetches, runs)
      by_name = {v.op.name: v for v in v1.global_variables()}
      unary, trans = sess.run([by_name["unary"], by_name["crf/transitions"]])
  values.update(crf_fixture.viterbi_values(crf, unary, trans))
  assert fixture_io.compare(values, expected) == len(expected.files) - 1
  # viterbi_decode agrees with crf_decode on each example's length.
  for b, n in enumerate(crf_fixture.LENGTHS):
    if n:
      np.testing.assert_array_equal(values["viterbi_%d" % b][0],
                                    values["int32"][5][b, :n])


def test_transitions_variable_and_a_training_step():
  """Created as TF 1.15 does: scope initializer, else Glorot uniform."""
  with tf.Graph().as_default():
    v1.set_random_seed(1)
    unary = tf.constant(np.random.RandomState(0).uniform(
        -1, 1, [2, 4, 5]).astype(np.float32))
    tags = tf.constant([[0, 1, 2, 3], [4, 4, 1, 0]])
    lengths = tf.constant([4, 2])
    with v1.variable_scope("default"):
      _, glorot = ours.crf_log_likelihood(unary, tags, lengths)
    with v1.variable_scope(
        "scoped", initializer=v1.constant_initializer(0.25)):
      ll, scoped = ours.crf_log_likelihood(unary, tags, lengths)
    assert [(v.op.name, v.get_shape().as_list(), v.dtype.base_dtype)
            for v in v1.trainable_variables()] == [
                ("default/transitions", [5, 5], tf.float32),
                ("scoped/transitions", [5, 5], tf.float32)]
    loss = -tf.reduce_mean(ll)
    train = v1.train.GradientDescentOptimizer(0.5).minimize(loss)
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      g = sess.run(glorot)
      assert np.abs(g).max() <= np.sqrt(6.0 / 10) and g.std() > 0.1
      np.testing.assert_array_equal(sess.run(scoped), np.full([5, 5], 0.25))
      before = sess.run(loss)
      for _ in range(3):
        sess.run(train)
      assert sess.run(loss) < before - 0.1


@pytest.mark.skipif(not TF1, reason="compares with the real tf.contrib.crf")
def test_signatures_and_viterbi_types_are_tf115s():
  real = tf.contrib.crf
  for name in NAMES:
    theirs, mine = getattr(real, name), getattr(ours, name)
    for attr in ("__init__", "__call__") if inspect.isclass(mine) else (
        None,):
      t = getattr(theirs, attr) if attr else theirs
      m = getattr(mine, attr) if attr else mine
      assert inspect.signature(m) == inspect.signature(t), (name, attr)
  score = np.random.RandomState(1).uniform(-1, 1, [4, 3]).astype(np.float32)
  trans = np.random.RandomState(2).uniform(-1, 1, [3, 3]).astype(np.float32)
  t_tags, t_score = real.viterbi_decode(score, trans)
  m_tags, m_score = ours.viterbi_decode(score, trans)
  assert [type(x) for x in m_tags] == [type(x) for x in t_tags]
  assert (m_tags, type(m_score)) == (t_tags, type(t_score))
  assert m_score == t_score
