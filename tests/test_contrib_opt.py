"""legacy_pipeline.contrib.opt against TF 1.15's tf.contrib.opt.

tests/fixtures/tf115_opt was written by ``python tests/opt_fixture.py`` under
TF 1.15.5 with the real ``tf.contrib.opt``.  Every env rebuilds each
configuration with ``legacy_pipeline.contrib.opt`` on ref and on resource
variables and checks: the global variables (slots and non-slot variables
included) have TF 1.15's names and shapes; their values after every step
match TF 1.15's to 1e-5; restoring TF 1.15's checkpoint taken after
CKPT_STEP steps and training on gives TF 1.15's later values; the
MovingAverageOptimizer's swapping saver writes TF 1.15's checkpoint.  On
TF 1.15 the same graph is also built with the real contrib and trained
alongside in the same test, step by step, and the constructors' signatures
are compared.
"""
from __future__ import absolute_import, division, print_function

import inspect
import os

import numpy as np
import pytest
import tensorflow as tf

import opt_fixture
from conftest import HAS_CONTRIB, needs_contrib
from legacy_pipeline.contrib import opt as ours

tf1 = tf.compat.v1
EXPECTED = np.load(os.path.join(opt_fixture.FIXTURE, "expected.npz"))
CASES = [pytest.param(name, kind, id="%s-%s" % (name, kind))
         for name in sorted(opt_fixture.CONFIGS) for kind in opt_fixture.KINDS]

# TF 1.15's tf.contrib.opt names that legacy_pipeline.contrib.opt provides.
PROVIDED = sorted(["AdaMaxOptimizer", "AdamGSOptimizer", "AdamWOptimizer",
                   "AddSignOptimizer", "DecoupledWeightDecayExtension",
                   "DropStaleGradientOptimizer", "LARSOptimizer",
                   "LazyAdamGSOptimizer", "LazyAdamOptimizer",
                   "MomentumWOptimizer", "MovingAverageOptimizer",
                   "MultitaskOptimizerWrapper", "NadamOptimizer",
                   "PowerSignOptimizer", "RegAdagradOptimizer",
                   "VariableClippingOptimizer",
                   "clip_gradients_by_global_norm",
                   "extend_with_decoupled_weight_decay"])


def _real_opt():
  return tf.contrib.opt  # pylint: disable=no-member


def _compare(values, flat, what):
  """Asserts {name: value} equals the flat fixture vector, name by name."""
  offset = 0
  for name in sorted(values):
    value = np.asarray(values[name], np.float64)
    np.testing.assert_allclose(
        value, flat[offset:offset + value.size].reshape(value.shape),
        rtol=1e-5, atol=1e-5, err_msg="%s: %s" % (what, name))
    offset += value.size
  assert offset == flat.size


def _checkpoint_values(prefix):
  reader = tf1.train.NewCheckpointReader(prefix)
  return {name: reader.get_tensor(name)
          for name in reader.get_variable_to_shape_map()}


def _session(graph):
  """A session without Grappler's rewrites (they cost more than these tiny
  graphs' steps) and with one inter-op thread."""
  config = tf1.ConfigProto(inter_op_parallelism_threads=1,
                           intra_op_parallelism_threads=1)
  config.graph_options.rewrite_options.disable_meta_optimizer = True
  return tf1.Session(graph=graph, config=config)


def _init(run, sess):
  for init in run.init:
    sess.run(init)


@pytest.mark.parametrize("name,kind", CASES)
def test_matches_tf115_fixture(name, kind, tmp_path):
  key = "%s/%s" % (name, kind)
  prefix = os.path.join(opt_fixture.FIXTURE, "%s_%s" % (name, kind))
  expected = EXPECTED[key + "/values"]
  run = opt_fixture.Run(tf, ours, name, kind)
  assert sorted(run.variables) == [str(n) for n in EXPECTED[key + "/names"]]
  assert run.shapes() == {n: s for n, s in tf1.train.list_variables(prefix)}
  # On TF 1.15 the real contrib optimizer trains alongside, in-process.
  real = opt_fixture.Run(tf, _real_opt(), name, kind) if HAS_CONTRIB else None
  if real is not None:
    assert sorted(real.variables) == sorted(run.variables)
    assert real.shapes() == run.shapes()
  with _session(run.graph) as sess, _session(
      real.graph if real else tf.Graph()) as real_sess:
    _init(run, sess)
    if real is not None:
      _init(real, real_sess)
    for step in range(1, opt_fixture.STEPS + 1):
      values = run.step(sess)
      _compare(values, expected[step - 1], "%s step %d" % (key, step))
      if real is not None:
        theirs = real.step(real_sess)
        for var in theirs:
          np.testing.assert_allclose(
              values[var], theirs[var], rtol=1e-6, atol=1e-6,
              err_msg="real contrib: %s step %d" % (var, step))
    if run.swapping_saver is not None:
      mine = str(tmp_path / "swapped")
      run.swapping_saver.save(sess, mine, write_meta_graph=False,
                              write_state=False)
      theirs = _checkpoint_values(prefix + "_swapped")
      got = _checkpoint_values(mine)
      assert sorted(got) == sorted(theirs)
      for n in theirs:
        np.testing.assert_allclose(got[n], theirs[n], rtol=1e-5, atol=1e-5,
                                   err_msg="swapped " + n)
    # TF 1.15's checkpoint after CKPT_STEP steps, then the later steps.
    run.saver().restore(sess, prefix)
    for step in range(opt_fixture.CKPT_STEP + 1, opt_fixture.STEPS + 1):
      _compare(run.step(sess), expected[step - 1],
               "%s restored, step %d" % (key, step))


def test_all_is_the_provided_names():
  assert sorted(ours.__all__) == PROVIDED
  for n in PROVIDED:
    assert getattr(ours, n) is not None


@needs_contrib
def test_signatures_are_tf115s():
  real = _real_opt()
  for n in PROVIDED:
    theirs, mine = getattr(real, n), getattr(ours, n)
    if inspect.isclass(theirs):
      theirs, mine = theirs.__init__, mine.__init__
    assert inspect.signature(mine) == inspect.signature(theirs), n
  for cls in ("DecoupledWeightDecayExtension", "AdamWOptimizer",
              "AddSignOptimizer", "PowerSignOptimizer"):
    for method in ("minimize", "apply_gradients"):
      if method == "minimize" and "Sign" in cls:
        continue
      assert (inspect.signature(getattr(getattr(ours, cls), method)) ==
              inspect.signature(getattr(getattr(real, cls), method))), (
                  cls, method)


def _namespaces():
  return [pytest.param(ours, id="inhouse"),
          pytest.param(_real_opt() if HAS_CONTRIB else None, id="contrib",
                       marks=needs_contrib)]


@pytest.mark.parametrize("ns", _namespaces())
@pytest.mark.parametrize("cls", ["AddSignOptimizer", "PowerSignOptimizer"])
def test_sign_optimizers_refuse_sparse_resource_updates(ns, cls):
  with tf.Graph().as_default():
    problem = opt_fixture.Problem(tf, "res", sparse=True)
    with pytest.raises(NotImplementedError):
      getattr(ns, cls)().minimize(problem.loss)


@pytest.mark.parametrize("ns", _namespaces())
def test_argument_errors(ns):
  with pytest.raises(TypeError, match="tf.train.Optimizer"):
    ns.MultitaskOptimizerWrapper("adam")
  with pytest.raises(ValueError, match="momentum should be positive"):
    ns.LARSOptimizer(0.1, momentum=-0.5)
  with pytest.raises(ValueError, match="weight_decay should be positive"):
    ns.LARSOptimizer(0.1, weight_decay=-0.5)
  with pytest.raises(RuntimeError, match="apply_gradients or minimize"):
    ns.MovingAverageOptimizer(tf1.train.AdamOptimizer()).swapping_saver()


def test_clip_gradients_by_global_norm_takes_indexed_slices():
  """Our one extension: TF 1.15's cond refused IndexedSlices gradients."""
  with tf.Graph().as_default():
    sparse = opt_fixture.Problem(tf, "res", sparse=True)
    sgd = tf1.train.GradientDescentOptimizer(1.0)
    pairs = sgd.compute_gradients(sparse.loss)
    assert any(isinstance(g, tf.IndexedSlices) for g, _ in pairs)
    clipped, norm = ours.clip_gradients_by_global_norm(pairs, clip_norm=0.5)
    values = [g.values if isinstance(g, tf.IndexedSlices) else g
              for g, _ in pairs]
    expected_norm = tf.sqrt(tf.add_n([tf.reduce_sum(tf.square(v))
                                      for v in values]))
    with tf1.Session() as sess:
      sess.run(tf1.global_variables_initializer())
      got_norm, want_norm, got, raw = sess.run(
          [norm, expected_norm, [g for g, _ in clipped], pairs])
  np.testing.assert_allclose(got_norm, want_norm, rtol=1e-6)
  for g, (r, _) in zip(got, raw):
    g_values = getattr(g, "values", g)
    r_values = getattr(r, "values", r)
    np.testing.assert_allclose(g_values, r_values * 0.5 / want_norm,
                               rtol=1e-5)


def test_adamw_takes_a_callable_weight_decay():
  """Deliberate difference: TF 1.15 multiplied by the callable itself."""
  results = []
  for weight_decay in (0.1, lambda: tf.constant(0.1)):
    with tf.Graph().as_default():
      problem = opt_fixture.Problem(tf, "res", sparse=True)
      train = ours.AdamWOptimizer(weight_decay, learning_rate=0.05).minimize(
          problem.loss)
      with tf1.Session() as sess:
        sess.run(tf1.global_variables_initializer())
        sess.run(train)
        results.append(sess.run(problem.vars))
  # Same math; the float32 rounding may differ by an ulp or so (the two graphs
  # fold the decay differently, and under load Grappler may skip a pass), which
  # near zero is a large relative error: hence atol at the variables' scale.
  for name in results[0]:
    np.testing.assert_allclose(results[1][name], results[0][name], rtol=1e-6,
                               atol=1e-7)
