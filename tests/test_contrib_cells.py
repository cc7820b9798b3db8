"""tf.contrib.rnn's research cells against TF 1.15 (nn/contrib_cells.py).

The fixture in tests/fixtures/tf115_contrib_cells was written by
``python tests/contrib_cells_fixture.py`` under TF 1.15.5 with its own
``tf.contrib.rnn`` classes.  Each env rebuilds the same graph with the
classes compat routes to ("chosen": the real contrib on TF 1.15, native
tf_keras cells mixed with ours under TF_USE_LEGACY_KERAS) and with the
in-house ones, checks the variable names and shapes are exactly the
checkpoint's, restores by name, compares outputs, final states and the
gradients of one loss to 1e-5, then trains one step.
"""
from __future__ import absolute_import, division, print_function

import os

import numpy as np
import pytest
import tensorflow as tf

import contrib_cells_fixture as fx
import fixture_io
from compat import _routes
from legacy_pipeline.nn import contrib_cells

v1 = tf.compat.v1
FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures",
                       "tf115_contrib_cells")
OURS = ("NASCell", "GLSTMCell", "IndyLSTMCell", "IndyGRUCell", "IndRNNCell",
        "UGRNNCell", "IntersectionRNNCell", "PhasedLSTMCell",
        "CoupledInputForgetGateLSTMCell", "SRUCell", "HighwayWrapper",
        "GRUBlockCell")


class _Cells(object):
  """contrib.rnn's names as `lookup` gives them."""

  def __init__(self, lookup):
    self._lookup = lookup

  def __getattr__(self, name):
    return self._lookup("tf.contrib.rnn." + name)


SOURCES = {"chosen": _Cells(_routes.resolve),
           "inhouse": _Cells(_routes.inhouse)}
_RUNS = {}


def _differs(name):
  path = "tf.contrib.rnn." + name
  return _routes.resolve(path) is not _routes.inhouse(path)


def _configs(source):
  """The configs to build: for "chosen", those using a class that compat
  did not take in-house (the rest is the "inhouse" run again)."""
  if source == "inhouse":
    return sorted(fx.CONFIGS)
  picked = []
  for name, factory in sorted(fx.CONFIGS.items()):
    used = []

    def lookup(path, used=used):
      used.append(path.rsplit(".", 1)[1])
      return _routes.inhouse(path)

    factory(_Cells(lookup))
    if any(_differs(n) for n in used):
      picked.append(name)
  return picked


def _run(source):
  """Builds, restores and runs the fixture's graph once per source; the
  gradients and the training step only for the in-house cells (on TF 1.15
  "chosen" is the fixture's writer itself)."""
  if source in _RUNS:
    return _RUNS[source]
  configs = _configs(source)
  if not configs:
    pytest.skip("compat chose the in-house cells: tested as 'inhouse'")
  expected = np.load(os.path.join(FIXTURE, "expected.npz"))
  prefix = os.path.join(FIXTURE, "cells")
  with tf.Graph().as_default():
    v1.set_random_seed(fx.GRAPH_SEED)
    rng = np.random.RandomState(11)
    fetches, loss, arrays = fx.build(v1, SOURCES[source], rng, configs)
    for key, value in arrays.items():  # the writer's inputs and states
      np.testing.assert_array_equal(value, expected[key])
    names = {v.op.name: v.get_shape().as_list()
             for v in v1.global_variables()}
    grads, train = {}, None
    if source == "inhouse":
      grads = fx.gradients(v1, loss)
      tvars = {v.op.name: v for v in v1.trainable_variables()}
      train = v1.train.GradientDescentOptimizer(0.1).apply_gradients(
          [(g, tvars[n]) for n, g in sorted(grads.items())])
    with v1.Session(config=_fast_config()) as sess:
      v1.train.Saver().restore(sess, prefix)
      values, grad_values, loss0 = sess.run((fetches, grads, loss))
      loss1 = None
      if train is not None:
        sess.run(train)
        loss1 = sess.run(loss)
  built = tuple(c + "/" for c in configs)
  checkpoint = {n: s for n, s in v1.train.list_variables(prefix)
                if n.startswith(built)}
  _RUNS[source] = dict(expected=expected, names=names, values=values,
                       grads=grad_values, losses=(loss0, loss1),
                       checkpoint=checkpoint, built=built)
  return _RUNS[source]


def _fast_config():
  """No grappler: it takes most of the run time of a graph this size."""
  config = v1.ConfigProto()
  config.graph_options.rewrite_options.disable_meta_optimizer = True
  config.graph_options.optimizer_options.opt_level = v1.OptimizerOptions.L0
  return config


def test_routes_serve_the_inhouse_cells():
  for name in OURS:
    path = "tf.contrib.rnn." + name
    assert _routes.inhouse(path) is getattr(contrib_cells, name)
    if not tf.version.VERSION.startswith("1."):
      assert _routes.resolve(path) is getattr(contrib_cells, name)


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_variable_names_are_tf115s(source):
  run = _run(source)
  assert str(run["expected"]["tf_version"]) == "1.15.5"
  assert run["names"] == run["checkpoint"]
  if source == "inhouse":
    assert len(run["checkpoint"]) == 102  # all 15 configs


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_outputs_and_states_match_tf115(source):
  run = _run(source)
  assert fixture_io.compare(run["values"], run["expected"]) == sum(
      len(v) for v in run["values"].values())


def test_gradients_match_tf115_and_a_step_trains():
  run = _run("inhouse")
  expected = run["expected"]
  want = {k[len("grad/"):] for k in expected.files if k.startswith("grad/")}
  assert len(want) == 100 and set(run["grads"]) == want
  for name, g in run["grads"].items():
    np.testing.assert_allclose(g, expected["grad/" + name], rtol=1e-5,
                               atol=1e-5, err_msg=name)
  loss0, loss1 = run["losses"]
  assert loss1 < loss0


def test_constructor_checks_are_tf115s():
  with pytest.raises(ValueError, match="Exactly one of num_units"):
    contrib_cells.GRUBlockCell()
  with pytest.raises(ValueError, match="num_units must be divisible"):
    contrib_cells.GLSTMCell(5, number_of_groups=2)
  with pytest.raises(ValueError, match="num_proj must be divisible"):
    contrib_cells.GLSTMCell(4, num_proj=3, number_of_groups=2)
  with pytest.raises(TypeError, match="trainable"):
    contrib_cells.NASCell(3, trainable=False)
  with tf.Graph().as_default():
    x = v1.zeros([2, 3])
    cell = contrib_cells.IntersectionRNNCell(4)
    with pytest.raises(ValueError, match="num_in_proj"):
      cell(x, cell.zero_state(2, tf.float32))
    with pytest.raises(ValueError, match="Too many shards"):
      c = contrib_cells.CoupledInputForgetGateLSTMCell(2, num_proj=2,
                                                       num_proj_shards=3)
      c(x, c.zero_state(2, tf.float32))
