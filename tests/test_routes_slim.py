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


def _has_keras2_layers():
  """tensorflow.python.layers' Keras 2 classes load (TF 1.x, or tf_keras)."""
  from tensorflow.python.layers import normalization  # pylint: disable=g-import-not-at-top
  try:
    return normalization.BatchNormalization is not None
  except ImportError:
    return False


@pytest.mark.parametrize("variant", [
    "inplace",
    pytest.param("default", marks=pytest.mark.xfail(
        not _has_keras2_layers(), raises=ImportError, strict=True,
        reason="tf-slim's batch_norm builds tensorflow.python.layers' "
        "BatchNormalization, which needs tf_keras on TF >= 2.15"))])
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
