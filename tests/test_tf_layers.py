"""legacy_pipeline.nn.layers: all of TF 1.15's tf.layers, against TF 1.15.

The fixture in tests/fixtures/tf115_layers was written by
``python tests/layers_fixture.py`` under TF 1.15.5 with its own
``tf.layers``.  Every env rebuilds the graph with the in-house layers, checks
the variable names and shapes against the checkpoint (and the trainable and
moving-average names, the UPDATE_OPS and REGULARIZATION_LOSSES counts),
restores it by name and compares every output, the regularization losses and
the batch-norm moving statistics after one run of UPDATE_OPS, to 1e-5.  The
behaviour tests run on the in-house layers everywhere and, on TF 1.15, on
``tf.compat.v1.layers`` too with the same expectations.
"""
from __future__ import absolute_import, division, print_function

import os

import numpy as np
import pytest
import tensorflow as tf

import fixture_io
import layers_fixture
from legacy_pipeline.nn import layers
from legacy_pipeline.nn.keras import backend as keras_backend

v1 = tf.compat.v1
TF1 = tf.version.VERSION.startswith("1.")
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixtures", "tf115_layers")

IMPLS = [pytest.param("inhouse", id="inhouse"),
         pytest.param("tf115", id="tf115", marks=pytest.mark.skipif(
             not TF1, reason="TF 1.15's tf.layers exists on TF 1.x only"))]

TF115_NAMES = [
    "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
    "BatchNormalization", "Conv1D", "Conv2D", "Conv2DTranspose", "Conv3D",
    "Conv3DTranspose", "Dense", "Dropout", "Flatten", "InputSpec", "Layer",
    "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "SeparableConv1D",
    "SeparableConv2D", "average_pooling1d", "average_pooling2d",
    "average_pooling3d", "batch_normalization", "conv1d", "conv2d",
    "conv2d_transpose", "conv3d", "conv3d_transpose", "dense", "dropout",
    "flatten", "max_pooling1d", "max_pooling2d", "max_pooling3d",
    "separable_conv1d", "separable_conv2d"]


def _impl(name):
  return layers if name == "inhouse" else v1.layers


def _names(collection=v1.GraphKeys.GLOBAL_VARIABLES):
  return sorted(v.op.name for v in v1.get_collection(collection))


def _update_ops():
  return v1.get_collection(v1.GraphKeys.UPDATE_OPS)


def test_all_names():
  assert sorted(layers.__all__) == sorted(TF115_NAMES)
  for name in TF115_NAMES:
    assert getattr(layers, name) is not None
  if TF1:
    public = sorted(n for n in dir(v1.layers)
                    if not n.startswith("_") and n != "experimental")
    assert public == sorted(TF115_NAMES)


# -- the TF 1.15 fixture ------------------------------------------------------


def _build_fixture_graph(impl, expected):
  values = {k[len("input/"):]: expected[k] for k in expected.files
            if k.startswith("input/")}
  v1.set_random_seed(layers_fixture.GRAPH_SEED)
  outputs, moving = layers_fixture.build(tf, impl, values)
  losses = v1.get_collection(v1.GraphKeys.REGULARIZATION_LOSSES)
  return outputs, moving, losses


def test_fixture_names_values_and_updates():
  expected = np.load(os.path.join(FIXTURE, "expected.npz"))
  prefix = os.path.join(FIXTURE, "layers")
  with tf.Graph().as_default():
    outputs, moving, losses = _build_fixture_graph(layers, expected)
    ours = {v.op.name: v.get_shape().as_list()
            for v in v1.global_variables()}
    assert ours == dict(v1.train.list_variables(prefix))
    assert all(v.dtype.base_dtype == tf.float32
               for v in v1.global_variables())
    for key, value in layers_fixture.expected_extras(v1, losses).items():
      np.testing.assert_array_equal(value, expected[key], err_msg=key)
    for name, out in outputs.items():
      assert out.get_shape().as_list() == \
          list(expected[name + "/fetch_0"].shape), name
    with v1.Session() as sess:
      v1.train.Saver().restore(sess, prefix)
      got = {k: [v] for k, v in sess.run(outputs).items()}
      got["regularization_losses"] = [np.array(sess.run(losses))]
      sess.run(_update_ops())
      for name, value in sess.run(moving).items():
        got["moving/" + name] = [value]
  assert fixture_io.compare(got, expected) == len(outputs) + 1 + len(moving)


@pytest.mark.skipif(not TF1, reason="compares with TF 1.15's tf.layers")
def test_fixture_graph_same_as_tf115_in_process():
  expected = np.load(os.path.join(FIXTURE, "expected.npz"))

  def facts(impl):
    with tf.Graph().as_default():
      outputs, _, losses = _build_fixture_graph(impl, expected)
      return {
          "variables": [(v.op.name, v.get_shape().as_list(),
                         v.dtype.base_dtype.name)
                        for v in v1.global_variables()],
          "trainable": _names(v1.GraphKeys.TRAINABLE_VARIABLES),
          "moving_average": _names(v1.GraphKeys.MOVING_AVERAGE_VARIABLES),
          "local": _names(v1.GraphKeys.LOCAL_VARIABLES),
          "losses": len(losses),
          "updates": len(_update_ops()),
          "shapes": {k: v.get_shape().as_list() for k, v in outputs.items()},
      }

  assert facts(layers) == facts(v1.layers)


# -- naming, scopes and reuse --------------------------------------------------


def _naming_facts(L):
  x = tf.ones([2, 5, 5, 3])
  facts = {}
  a = L.conv2d(x, 2, 1)
  b = L.conv2d(x, 2, 1)
  with v1.variable_scope("outer"):
    L.conv2d(x, 2, 1)
    c = L.Conv2D(2, 1)
    c(x)
    c(x * 2.)  # same variables
  with v1.variable_scope("outer", reuse=True):
    L.conv2d(x, 2, 1)  # numbered afresh: reuses outer/conv2d
  facts["layer_name"] = c.name
  facts["scope_name"] = c.scope_name
  L.dense(tf.ones([2, 3]), 2, name="out")
  L.dense(tf.ones([2, 3]), 2, name="out", reuse=True)
  L.dense(tf.ones([2, 3]), 2, name="out", reuse=v1.AUTO_REUSE)
  L.separable_conv2d(x, 2, 1, depth_multiplier=2)
  L.batch_normalization(x)
  d1 = L.dropout(x, name="drop")
  d2 = L.dropout(x, name="drop")
  facts["ops"] = [t.op.name for t in (a, b, d1, d2, L.flatten(x),
                                      L.max_pooling2d(x, 2, 2),
                                      L.dense(tf.ones([1, 2]), 1,
                                              activation=tf.nn.relu))]
  facts["variables"] = _names()
  facts["trainable"] = _names(v1.GraphKeys.TRAINABLE_VARIABLES)
  return facts


NAMING = {
    "layer_name": "conv2d_4",  # unnamed layers' names count from 1
    "scope_name": "outer/conv2d_1",
    "ops": ["conv2d/BiasAdd", "conv2d_1/BiasAdd", "drop/Identity",
            "drop_1/Identity", "flatten/Reshape", "max_pooling2d/MaxPool",
            "dense/Relu"],
    "variables": [
        "batch_normalization/beta", "batch_normalization/gamma",
        "batch_normalization/moving_mean",
        "batch_normalization/moving_variance", "conv2d/bias",
        "conv2d/kernel", "conv2d_1/bias", "conv2d_1/kernel", "dense/bias",
        "dense/kernel", "out/bias", "out/kernel", "outer/conv2d/bias",
        "outer/conv2d/kernel", "outer/conv2d_1/bias", "outer/conv2d_1/kernel",
        "separable_conv2d/bias", "separable_conv2d/depthwise_kernel",
        "separable_conv2d/pointwise_kernel"],
}


@pytest.mark.parametrize("impl", IMPLS)
def test_naming_scopes_and_reuse(impl):
  with tf.Graph().as_default():
    facts = _naming_facts(_impl(impl))
  assert {k: facts[k] for k in NAMING} == NAMING
  assert facts["trainable"] == [n for n in NAMING["variables"]
                                if "moving" not in n]


@pytest.mark.parametrize("impl", IMPLS)
def test_reuse_shares_values_and_errors_without_reuse(impl):
  L = _impl(impl)
  with tf.Graph().as_default():
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    a = L.dense(x, 2, name="shared")
    b = L.dense(x, 2, name="shared", reuse=True)
    with pytest.raises(ValueError, match="already exists"):
      L.dense(x, 2, name="shared")
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      va, vb = sess.run([a, b])
  np.testing.assert_array_equal(va, vb)


# -- training, UPDATE_OPS, collections -----------------------------------------


@pytest.mark.parametrize("impl", IMPLS)
def test_batch_norm_update_ops_and_collections(impl):
  L = _impl(impl)
  with tf.Graph().as_default():
    x = tf.ones([4, 3])
    L.batch_normalization(x)  # training=False: no updates
    assert _update_ops() == []
    L.batch_normalization(x, training=tf.constant(False))
    assert _update_ops() == []
    L.batch_normalization(x, training=True)
    assert len(_update_ops()) == 2
    L.batch_normalization(x, training=v1.placeholder(tf.bool, []))
    assert len(_update_ops()) == 4
    frozen = L.BatchNormalization(trainable=False)
    frozen(x, training=True)
    assert frozen.updates == [] and len(_update_ops()) == 4
    bn = L.BatchNormalization(fused=True)
    bn(tf.ones([2, 2, 2, 3]), training=True)
    bn(tf.ones([2, 2, 2, 3]), training=True)
    assert len(bn.updates) == 4 and len(_update_ops()) == 8
    assert all(isinstance(op, tf.Operation) for op in _update_ops())
    assert [v.op.name for v in bn.trainable_weights] == [
        "batch_normalization_5/gamma", "batch_normalization_5/beta"]
    assert [v.op.name for v in bn.non_trainable_weights] == [
        "batch_normalization_5/moving_mean",
        "batch_normalization_5/moving_variance"]
    assert [v.op.name for v in frozen.trainable_weights] == []
    assert len(frozen.non_trainable_weights) == 4
    moving = [n for n in _names() if "moving" in n]
    assert len(moving) == 12
    assert not set(moving) & set(_names(v1.GraphKeys.TRAINABLE_VARIABLES))
    assert _names(v1.GraphKeys.MOVING_AVERAGE_VARIABLES) == []


@pytest.mark.parametrize("impl", IMPLS)
def test_training_tensor_switches_dropout_and_batch_norm(impl):
  L = _impl(impl)
  with tf.Graph().as_default():
    v1.set_random_seed(1)
    training = v1.placeholder_with_default(False, [])
    x = tf.constant(np.arange(24, dtype=np.float32).reshape(4, 6))
    dropped = L.dropout(x, 0.5, seed=2, training=training)
    normed = L.batch_normalization(x, momentum=0.5, training=training)
    with tf.control_dependencies(_update_ops()):
      step = tf.identity(normed)
    mean = [v for v in v1.global_variables() if "moving_mean" in v.op.name][0]
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      off = sess.run([dropped, step]) + [sess.run(mean)]
      on = sess.run([dropped, step], {training: True}) + [sess.run(mean)]
  np.testing.assert_array_equal(off[0], np.arange(24).reshape(4, 6))
  assert set(np.unique(on[0] / np.maximum(np.arange(24).reshape(4, 6), 1))) \
      <= {0., 2.}
  np.testing.assert_array_equal(off[2], np.zeros(6))  # no update when off
  np.testing.assert_allclose(on[2], 0.5 * np.arange(24).reshape(4, 6).mean(0),
                             rtol=1e-5)
  np.testing.assert_allclose(on[1].mean(0), np.zeros(6), atol=1e-4)


def test_training_none_follows_the_keras_learning_phase():
  with tf.Graph().as_default():
    x = tf.ones([4, 3])
    y = layers.dropout(x, 0.5, training=None)
    layers.batch_normalization(x, training=None)
    assert len(_update_ops()) == 2
    phase = keras_backend.learning_phase()
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      np.testing.assert_array_equal(sess.run(y), np.ones([4, 3]))
      assert set(np.unique(sess.run(y, {phase: True}))) <= {0., 2.}


@pytest.mark.parametrize("impl", IMPLS)
def test_regularization_losses(impl):
  L = _impl(impl)
  with tf.Graph().as_default():
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    y = L.dense(x, 2, kernel_regularizer=tf.nn.l2_loss,
                bias_regularizer=tf.nn.l2_loss,
                activity_regularizer=tf.reduce_sum, name="d")
    L.dense(x, 2, kernel_regularizer=tf.nn.l2_loss, name="d", reuse=True)
    conv = L.Conv1D(2, 1, kernel_regularizer=tf.nn.l2_loss)
    conv(tf.ones([1, 2, 3]))
    losses = v1.get_collection(v1.GraphKeys.REGULARIZATION_LOSSES)
    assert len(losses) == 4  # reuse adds none; activity once per call
    assert len(conv.losses) == 1
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      out, activity = sess.run([y, losses[2]])
  np.testing.assert_allclose(activity, out.sum() / 2., rtol=1e-5)


@pytest.mark.parametrize("impl", IMPLS)
def test_defaults_and_constraints(impl):
  L = _impl(impl)
  with tf.Graph().as_default():
    with v1.variable_scope("s", initializer=tf.constant_initializer(0.5)):
      L.conv1d(tf.ones([1, 4, 2]), 3, 2, kernel_constraint=tf.abs)
    kernel = [v for v in v1.global_variables() if "kernel" in v.op.name][0]
    assert kernel.constraint is tf.abs
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      np.testing.assert_array_equal(sess.run(kernel), np.full([2, 2, 3], 0.5))
    layer = L.Dense(2, name="dd")
    assert layer.dtype is None
    layer(tf.ones([1, 2], tf.float64))
    assert layer.dtype == "float64"
    assert layer.kernel.dtype.base_dtype == tf.float64


@pytest.mark.parametrize("impl", IMPLS)
def test_channels_first_graph_shapes(impl):
  L = _impl(impl)
  with tf.Graph().as_default():
    x = tf.ones([2, 3, 6, 5])
    shapes = [t.get_shape().as_list() for t in (
        L.conv2d(x, 4, 3, strides=2, padding="same",
                 data_format="channels_first"),
        L.separable_conv2d(x, 2, 2, data_format="channels_first"),
        L.conv2d_transpose(x, 2, 2, strides=2, data_format="channels_first"),
        L.max_pooling2d(x, 2, 2, data_format="channels_first"),
        L.conv1d(tf.ones([2, 3, 7]), 2, 3, data_format="channels_first"),
        L.conv3d_transpose(tf.ones([1, 2, 3, 3, 3]), 4, 2, strides=2,
                           data_format="channels_first"))]
    assert _names()[:2] == ["conv1d/bias", "conv1d/kernel"]
  assert shapes == [[2, 4, 3, 3], [2, 2, 5, 4], [2, 2, 12, 10],
                    [2, 3, 3, 2], [2, 2, 5], [1, 4, 6, 6, 6]]


# -- Layer and InputSpec -------------------------------------------------------


def _scale_layer(L):
  class Scale(L.Layer):
    """A user layer written TF 1.x style."""

    def build(self, input_shape):
      depth = int(input_shape[-1])
      self.w = self.add_weight("w", [depth],
                               initializer=v1.constant_initializer(2.0),
                               regularizer=tf.nn.l2_loss)
      self.count = self.add_variable("count", [],
                                     initializer=v1.zeros_initializer(),
                                     trainable=False)
      self.input_spec = L.InputSpec(min_ndim=2, axes={-1: depth})
      super(Scale, self).build(input_shape)

    def call(self, inputs, scope=None):  # pylint: disable=arguments-differ
      self.seen_scope = scope.name
      self.add_update(v1.assign_add(self.count, 1.0))
      return inputs * self.w

  return Scale


@pytest.mark.parametrize("impl", IMPLS)
def test_user_layer_subclass(impl):
  L = _impl(impl)
  with tf.Graph().as_default():
    layer = _scale_layer(L)()
    assert layer.name == "scale_1" and not layer.built
    with v1.variable_scope("net"):
      y = layer(tf.ones([2, 3]))
      y2 = layer(tf.ones([4, 3]))
    assert layer.built and layer.scope_name == "net/scale"
    assert layer.seen_scope == "net/scale"
    assert _names() == ["net/scale/count", "net/scale/w"]
    assert [v.op.name for v in layer.trainable_weights] == ["net/scale/w"]
    assert [v.op.name for v in layer.non_trainable_variables] == [
        "net/scale/count"]
    assert len(layer.weights) == 2 and len(layer.losses) == 1
    assert len(layer.updates) == 2 and len(_update_ops()) == 2
    assert y.op.name.startswith("net/scale/") and y2.op.name.startswith(
        "net/scale/")
    with pytest.raises(ValueError, match="axis -1"):
      layer(tf.ones([2, 4]))
    with pytest.raises(ValueError, match="min_ndim=2"):
      layer(tf.ones([3]))
    other = _scale_layer(L)(name="custom_name")
    other(tf.ones([1, 3]), scope="explicit")
    assert "explicit/w" in _names()
    assert other.name == "custom_name"
    layer.trainable = False
    assert layer.trainable_weights == [] and len(
        layer.non_trainable_weights) == 2 and layer.updates == []
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      np.testing.assert_array_equal(sess.run(y), np.full([2, 3], 2.0))


def test_input_spec_repr_and_checks():
  spec = layers.InputSpec(ndim=4, axes={-1: 3})
  assert spec.ndim == 4 and spec.axes == {-1: 3}
  assert "ndim=4" in repr(spec)
  with tf.Graph().as_default():
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
      layers.conv2d(tf.ones([1, 2, 3]), 2, 1)


# -- arguments -----------------------------------------------------------------


@pytest.mark.parametrize("kwargs, match", [
    (dict(renorm=True), "renorm"),
    (dict(virtual_batch_size=2), "virtual_batch_size"),
    (dict(adjustment=lambda shape: (1., 0.)), "adjustment"),
])
def test_batch_norm_unsupported_options(kwargs, match):
  with tf.Graph().as_default():
    with pytest.raises(NotImplementedError, match=match):
      layers.batch_normalization(tf.ones([2, 3]), **kwargs)


@pytest.mark.parametrize("build, exc, match", [
    (lambda x: layers.conv2d(x, 2, 1, padding="full"), ValueError, "padding"),
    (lambda x: layers.conv2d(x, 2, 1, padding="causal"), ValueError,
     "padding"),
    (lambda x: layers.conv2d(x, 2, 1, data_format="NHWC"), ValueError,
     "data_format"),
    (lambda x: layers.conv2d(x, 0, 1), ValueError, "filters"),
    (lambda x: layers.conv2d(x, 2, (1, 2, 3)), ValueError, "kernel_size"),
    (lambda x: layers.max_pooling2d(x, 2, 2, padding="x"), ValueError,
     "padding"),
    (lambda x: layers.separable_conv2d(x, 2, 1, depth_multiplier=0),
     ValueError, "depth_multiplier"),
    (lambda x: layers.batch_normalization(x, axis="x"), TypeError, "axis"),
    (lambda x: layers.batch_normalization(x, axis=7), ValueError, "axis"),
    (lambda x: layers.Layer(foo=1), TypeError, "foo"),
])
def test_bad_arguments(build, exc, match):
  with tf.Graph().as_default():
    with pytest.raises(exc, match=match):
      build(tf.ones([1, 4, 4, 3]))
