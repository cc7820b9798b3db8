"""The routes of tf.contrib.slim/layers/framework/metrics/losses behave as TF 1.15.

Each case of ``routes_slim_fixture.py`` (recorded with TF 1.15's real contrib)
is rebuilt with what ``compat._routes.resolve`` serves on the running TF --
tf-slim, TF 2.x natives or ``legacy_pipeline.contrib`` ports -- and compared
to 1e-5: variable names and shapes, seeded initial values, outputs after a
restore by variable name, one training step.
"""
from __future__ import absolute_import, division, print_function

import json
import os

import numpy as np
import pytest
import tensorflow as tf

import routes_slim_fixture as fx
from compat import _routes

tf1 = tf.compat.v1
R = _routes.resolve

EXPECTED = np.load(os.path.join(fx.OUT, "expected.npz"))
with open(os.path.join(fx.OUT, "expected.json")) as _f:
  META = json.load(_f)


def _json(value):
  return json.loads(json.dumps(value, default=str))


def _close(actual, key):
  np.testing.assert_allclose(actual, EXPECTED[key], rtol=1e-5, atol=1e-5,
                             err_msg=key)


@pytest.mark.parametrize("variant", fx.BN_VARIANTS)
def test_slim_model_matches_tf115(h, variant):
  before, train_op, update, accuracy = fx.build_slim_model(variant)
  assert _json(fx.slim_variables()) == META["slim_variables"]
  h.init_variables()
  for k, v in h.run(fx.seeded_initial()).items():
    _close(v, "%s/initial/%s" % (variant, k))  # xavier_initializer(seed=3)
  restore = R("tf.contrib.framework.assign_from_checkpoint_fn")(
      os.path.join(fx.OUT, fx.CKPT),
      R("tf.contrib.slim.get_variables_to_restore")())
  restore(h.sess)
  for k, v in h.run(before).items():
    _close(v, "%s/before/%s" % (variant, k))
  h.run([train_op, update])
  for k, v in h.run(fx.slim_after_step(accuracy)).items():
    _close(v, "%s/after/%s" % (variant, k))


TF1 = tf.version.VERSION.startswith("1.")
# On TF 2.x the route serves legacy_pipeline's batch_norm itself; on TF 1.15
# it serves contrib's, and ours is checked beside it in-process.
BN_IMPLS = ["routed"] + (["inhouse"] if TF1 else [])


def _batch_norm(impl):
  if impl == "routed":
    return R("tf.contrib.layers.batch_norm")
  from legacy_pipeline.contrib import layers  # pylint: disable=g-import-not-at-top
  return layers.batch_norm


@pytest.mark.parametrize("impl", BN_IMPLS)
@pytest.mark.parametrize("case", sorted(fx.BN_CASES))
def test_batch_norm_matches_tf115(h, case, impl):
  if impl == "inhouse" and case == "arg_scope":
    pytest.skip("contrib's arg_scope registry knows contrib's batch_norm only "
                "(ours registers with tf-slim's, absent on TF 1.15)")
  outputs, static = fx.build_batch_norm(
      case, _batch_norm(impl), R("tf.contrib.framework.arg_scope"))
  assert _json(static) == META["batch_norm"][case]
  h.init_variables()
  run = lambda fetches, feed: h.run(fetches, feed)  # noqa: E731
  if case in fx.BN_INITIAL:
    for k, v in fx.run_batch_norm(run, outputs).items():
      _close(v, "bn/%s/initial/%s" % (case, k))
  fx.load_bn_random(h.sess)
  for k, v in fx.run_batch_norm(run, outputs).items():
    _close(v, "bn/%s/%s" % (case, k))


def test_batch_norm_routes_agree():
  assert R("tf.contrib.slim.batch_norm") is R("tf.contrib.layers.batch_norm")
  if not TF1:
    assert _routes.status("tf.contrib.layers.batch_norm").source == "inhouse"


@pytest.mark.parametrize("impl", BN_IMPLS)
def test_batch_norm_errors(impl):
  bn = _batch_norm(impl)
  with tf.Graph().as_default():
    x = tf.zeros([2, 3, 4])
    with pytest.raises(ValueError, match="NCHW or NHWC"):
      bn(x, data_format="NCW")
    with pytest.raises(ValueError, match="renorm is not supported"):
      bn(x, renorm=True, updates_collections=None)
    with pytest.raises(ValueError, match="undefined rank"):
      bn(tf1.placeholder(tf.float32))
    if impl == "inhouse":  # contrib's tf.layers had batch renormalization
      with pytest.raises(NotImplementedError, match="renorm"):
        bn(x, renorm=True)


def _zero_debias_graph(bn, kwargs):
  out = bn(tf.constant(fx.BN_X4), zero_debias_moving_mean=True, decay=0.5,
           scope="zd", **kwargs)
  names = sorted((v.op.name, v.get_shape().as_list())
                 for v in tf1.global_variables())
  return out, names


@pytest.mark.parametrize("impl", BN_IMPLS)
@pytest.mark.parametrize("kwargs", [{}, {"updates_collections": None},
                                    {"fused": False}],
                         ids=["fused", "in_place", "moments"])
def test_batch_norm_zero_debias(h, impl, kwargs):
  out, names = _zero_debias_graph(_batch_norm(impl), kwargs)
  assert ("zd/moving_mean", [fx.BN_X4.shape[-1]]) in names
  assert any("biased" in n for n, _ in names)
  h.init_variables()
  if "updates_collections" in kwargs:
    h.run(out)  # updated in place
  else:
    h.run(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS))
  mean = [v for v in tf1.global_variables() if v.op.name == "zd/moving_mean"]
  # A zero-debiased average equals the batch mean after one update.
  np.testing.assert_allclose(h.run(mean[0]), fx.BN_X4.mean(axis=(0, 1, 2)),
                             rtol=1e-5, atol=1e-5)
  assert h.run(out).shape == fx.BN_X4.shape
  if TF1 and impl == "inhouse":  # the same variables as contrib's
    with tf.Graph().as_default():
      _, contrib_names = _zero_debias_graph(
          tf.contrib.layers.batch_norm, kwargs)  # pylint: disable=no-member
    assert names == contrib_names


def _compare_flat(prefix, fetched):
  for k, v in fetched.items():
    if isinstance(v, (list, tuple)):
      for i, item in enumerate(v):
        _close(item, "%s/%s/%d" % (prefix, k, i))
    else:
      _close(v, "%s/%s" % (prefix, k))


def test_framework_matches_tf115(h):
  fetches, static, zero_op, zeroed = fx.build_framework()
  assert _json(static) == META["framework"]
  h.run(zero_op)
  _close(h.run(zeroed), "zero_initializer")
  with pytest.raises(tf.errors.OpError):
    h.run(zero_op)  # only an uninitialized variable
  _compare_flat("framework", h.run(fetches))


def test_framework_shape_checks(h):
  with_shape = R("tf.contrib.framework.with_shape")
  with pytest.raises(ValueError, match="Invalid shape"):
    with_shape([2, 2], tf.zeros([2, 3]))
  with pytest.raises(ValueError, match="SparseTensor"):
    with_shape([1], tf.SparseTensor([[0]], [1.], [1]))
  feed = tf1.placeholder(tf.float32, [None, 3])
  checked = with_shape([2, 3], feed)
  with pytest.raises(tf.errors.InvalidArgumentError, match="Wrong shape"):
    h.run(checked, {feed: np.zeros((1, 3))})
  with pytest.raises(ValueError, match="integer"):
    R("tf.contrib.framework.assert_scalar_int")(tf.constant(1.))
  with pytest.raises(ValueError, match="No tensors"):
    R("tf.contrib.framework.reduce_sum_n")([])


def test_fuse_op_and_nest_match_tf115():
  assert _json(fx.fuse_graph()) == META["fuse_op"]
  assert _json(fx.nest_cases()) == META["nest"]


def test_checkpoint_readers(h):
  path = os.path.join(fx.OUT, fx.CKPT)
  listed = R("tf.contrib.framework.list_variables")(checkpoint_dir=path)
  assert _json(listed) == sorted(META["slim_variables"])
  biases = R("tf.contrib.framework.load_variable")(path, "logits/biases:0")
  reader = R("tf.contrib.framework.load_checkpoint")(filepattern=path)
  np.testing.assert_array_equal(biases, reader.get_tensor("logits/biases"))
  with tf1.variable_scope("copy"):
    copy = tf1.get_variable("b", [4])
  R("tf.contrib.framework.init_from_checkpoint")(
      checkpoint_dir=path, assignment_map={"logits/biases": "copy/b"})
  h.init_variables()
  np.testing.assert_array_equal(h.run(copy), biases)


def test_layers_match_tf115(h):
  fetches, static = fx.build_layers()
  assert _json(static) == META["layers"]
  h.init_variables()
  for k, v in h.run(fetches).items():
    _close(v, "layers/" + k)


def test_experimental_and_deprecation_decorators():
  def f(x):
    """Doubles.

    More.
    """
    return 2 * x

  marked = R("tf.contrib.slim.experimental")(f)
  assert marked(3) == 6 and marked.__name__ == "f"
  assert marked.__doc__.startswith("Doubles. (experimental)")
  assert "THIS FUNCTION IS EXPERIMENTAL" in marked.__doc__
  old = R("tf.contrib.framework.deprecated_args")(None, "use y", "x")(
      lambda x=None, y=None: (x, y))
  assert old(y=1) == (None, 1)


def test_py_func_checks_arguments():
  py_func = R("tf.contrib.framework.py_func")
  with tf.Graph().as_default():
    with pytest.raises(TypeError, match="args must be list"):
      py_func(lambda: 1, args=tf.constant(1), output_types=tf.int32)
    with pytest.raises(TypeError, match="kwargs must be dict"):
      py_func(lambda: 1, kwargs=[1], output_types=tf.int32)


@pytest.mark.parametrize("path", [
    "tf.contrib.framework.with_shape", "tf.contrib.framework.zero_initializer",
    "tf.contrib.slim.zero_initializer", "tf.contrib.layers.bow_encoder",
    "tf.contrib.slim.embedding_lookup_unique",
    "tf.contrib.framework.arg_scope", "tf.contrib.metrics.confusion_matrix",
    "tf.contrib.framework.nest.is_sequence"])
def test_served_here(path):
  status = _routes.status(path)
  assert status.source in ("tf1", "native", "library", "inhouse"), status
  assert callable(R(path))
