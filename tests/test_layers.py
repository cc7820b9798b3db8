"""legacy_pipeline.nn.layers: tf.layers.dense (graph-mode Keras: test_keras.py)."""
from __future__ import absolute_import, division, print_function

import numpy as np
import pytest
import tensorflow as tf

from legacy_pipeline.nn import layers

v1 = tf.compat.v1


def _names():
  return sorted(v.op.name for v in v1.global_variables())


def test_dense_names_shapes_and_math():
  with tf.Graph().as_default():
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    with v1.variable_scope("model"):
      y = layers.dense(x, 4, activation="relu")
      z = layers.dense(y, 1)
    assert _names() == ["model/dense/bias", "model/dense/kernel",
                        "model/dense_1/bias", "model/dense_1/kernel"]
    assert y.get_shape().as_list() == [2, 4]
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      by_name = {v.op.name: v for v in v1.global_variables()}
      kernel, bias = sess.run([by_name["model/dense/kernel"],
                               by_name["model/dense/bias"]])
      got = sess.run(y)
      sess.run(z)
    np.testing.assert_allclose(
        got, np.maximum(np.arange(6).reshape(2, 3).dot(kernel) + bias, 0),
        rtol=1e-5, atol=1e-6)


def test_dense_reuse_and_rank3_inputs():
  with tf.Graph().as_default():
    x = tf.ones([5, 2, 3])
    a = layers.dense(x, 2, name="proj")
    b = layers.dense(x, 2, name="proj", reuse=True)
    assert a.get_shape().as_list() == [5, 2, 2]
    assert _names() == ["proj/bias", "proj/kernel"]
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      va, vb = sess.run([a, b])
    np.testing.assert_array_equal(va, vb)


def test_dense_regularizer_goes_to_collection():
  with tf.Graph().as_default():
    layers.dense(tf.ones([1, 3]), 2, kernel_regularizer=tf.nn.l2_loss,
                 activity_regularizer=tf.reduce_sum)
    assert len(v1.get_collection(v1.GraphKeys.REGULARIZATION_LOSSES)) == 2


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(units=0), ValueError, "units must be a positive int, got 0"),
    (dict(units=2, activation="swishy"), ValueError, "unknown activation"),
    (dict(units=2, kernel_initializer="nope"), ValueError,
     "unknown initializer"),
])
def test_dense_bad_arguments(kwargs, exc, match):
  with tf.Graph().as_default():
    with pytest.raises(exc, match=match):
      layers.dense(tf.ones([1, 3]), **kwargs)


def test_dense_needs_known_depth_and_float_inputs():
  with tf.Graph().as_default():
    with pytest.raises(ValueError, match="last dimension"):
      layers.dense(v1.placeholder(tf.float32, [None, None]), 2)
    with pytest.raises(TypeError, match="floating point"):
      layers.dense(tf.ones([1, 3], tf.int32), 2)
