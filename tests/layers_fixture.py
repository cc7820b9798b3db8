"""Cross-version fixture: TF 1.15's own ``tf.layers`` -> any TF's layers.

``python tests/layers_fixture.py OUT_DIR`` (TF 1.15 only) builds one graph
using every class and function of TF 1.15's ``tf.layers`` in several
configurations (paddings, strides, dilations, depth multipliers, channels
first where TF 1.15 runs it on a CPU, regularizers, reuse, dropout and batch
norm with Python and tensor ``training``), gives every variable seeded random
values, runs it on fixed inputs, then runs ``UPDATE_OPS`` once and reads the
batch-norm moving statistics.  It writes a checkpoint (``layers``) plus
``expected.npz``: the outputs, the ``REGULARIZATION_LOSSES`` values, the
moving statistics after the update, the trainable variables' names, the
``MOVING_AVERAGE_VARIABLES`` names and the number of ``UPDATE_OPS``.
``tests/test_tf_layers.py`` rebuilds the graph with
``legacy_pipeline.nn.layers``, restores the checkpoint by name and compares.
"""
from __future__ import absolute_import, division, print_function

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_io  # pylint: disable=g-import-not-at-top,wrong-import-position

GRAPH_SEED = 4321
SHAPES = {
    "x1": (2, 6, 3),  # [batch, steps, channels]
    "x1_cf": (2, 3, 5),
    "x2": (2, 4, 5, 3),  # [batch, height, width, channels]
    "x2_cf": (2, 3, 4, 3),
    "x3": (2, 3, 4, 3, 2),  # [batch, depth, height, width, channels]
    "x3_cf": (2, 2, 3, 4, 3),
    "xd": (4, 5),
}


def inputs(rng):
  """The fixed numpy inputs, by name."""
  return {k: rng.uniform(-1, 1, SHAPES[k]).astype(np.float32)
          for k in sorted(SHAPES)}


def build(tf, L, values):
  """Builds the graph with layers namespace `L`; returns the fetches.

  Args:
    tf: the ``tensorflow`` module.
    L: a ``tf.layers``-like namespace (TF 1.15's, or legacy_pipeline's).
    values: the numpy inputs (see ``inputs``).

  Returns:
    (outputs: name -> tensor, moving: name -> moving-statistics variable).
  """
  v1 = tf.compat.v1
  x = {k: tf.constant(v, name=k) for k, v in values.items()}
  l2 = lambda w: 0.1 * tf.nn.l2_loss(w)  # noqa: E731
  out = {}
  with v1.variable_scope("model"):
    out["dense"] = L.dense(x["xd"], 3, activation=tf.nn.relu,
                           kernel_regularizer=l2)
    out["dense_rank3"] = L.dense(x["x1"], 2, use_bias=False)
    out["dense_named"] = L.dense(x["xd"], 2, name="proj",
                                 activity_regularizer=tf.reduce_sum)
    out["dense_reuse"] = L.dense(x["xd"] * 2., 2, name="proj", reuse=True)
    layer = L.Dense(4, activation="tanh", bias_regularizer=l2)
    out["Dense"] = layer(x["xd"])
    out["Dense_again"] = layer(x["xd"] * 0.5)
  with v1.variable_scope("conv"):
    out["conv1d"] = L.conv1d(x["x1"], 4, 3, padding="same", dilation_rate=2)
    out["conv1d_causal"] = L.conv1d(x["x1"], 2, 2, padding="causal",
                                    activation="sigmoid")
    out["Conv1D"] = L.Conv1D(3, 2, strides=2)(x["x1"])
    out["conv2d"] = L.conv2d(x["x2"], 4, (3, 2), strides=(2, 1),
                             padding="same", activation="relu",
                             kernel_regularizer=l2, bias_regularizer=l2)
    out["conv2d_dilated"] = L.conv2d(x["x2"], 2, 2, dilation_rate=(2, 1))
    out["Conv2D"] = L.Conv2D(2, 3, padding="same", use_bias=False)(x["x2"])
    out["conv3d"] = L.conv3d(x["x3"], 3, 2, padding="same")
    out["Conv3D"] = L.Conv3D(2, (2, 3, 2), strides=(1, 2, 1))(x["x3"])
    out["conv2d_transpose"] = L.conv2d_transpose(x["x2"], 3, 3, strides=2,
                                                 padding="same")
    out["conv2d_transpose_valid"] = L.conv2d_transpose(
        x["x2"], 2, (2, 3), strides=(2, 1), activation=tf.tanh)
    out["conv2d_transpose_cf"] = L.conv2d_transpose(
        x["x2_cf"], 2, 2, strides=2, data_format="channels_first")
    out["Conv2DTranspose"] = L.Conv2DTranspose(2, 2)(x["x2"])
    out["conv3d_transpose"] = L.conv3d_transpose(
        x["x3"], 2, 2, strides=(2, 1, 2), padding="same")
    out["Conv3DTranspose"] = L.Conv3DTranspose(2, 3, use_bias=False)(x["x3"])
    out["separable_conv1d"] = L.separable_conv1d(
        x["x1"], 4, 3, depth_multiplier=2, padding="same",
        pointwise_regularizer=l2)
    out["SeparableConv1D"] = L.SeparableConv1D(2, 2, dilation_rate=2)(x["x1"])
    out["separable_conv2d"] = L.separable_conv2d(
        x["x2"], 4, 3, strides=2, depth_multiplier=2, padding="same")
    out["SeparableConv2D"] = L.SeparableConv2D(
        3, (2, 2), dilation_rate=2, use_bias=False)(x["x2"])
  with v1.variable_scope("pool"):
    out["average_pooling1d"] = L.average_pooling1d(x["x1"], 2, 2)
    out["max_pooling1d_same"] = L.max_pooling1d(x["x1"], 3, 2,
                                                padding="same")
    out["AveragePooling1D_cf"] = L.AveragePooling1D(
        2, 1, data_format="channels_first")(x["x1_cf"])
    out["MaxPooling1D"] = L.MaxPooling1D(2, 1)(x["x1"])
    out["average_pooling2d"] = L.average_pooling2d(x["x2"], (2, 3), 1,
                                                   padding="same")
    out["max_pooling2d"] = L.max_pooling2d(x["x2"], 2, 2)
    out["AveragePooling2D"] = L.AveragePooling2D(3, (1, 2))(x["x2"])
    out["MaxPooling2D"] = L.MaxPooling2D((2, 2), 2, padding="same")(x["x2"])
    out["average_pooling3d"] = L.average_pooling3d(x["x3"], 2, 1)
    out["max_pooling3d_cf"] = L.max_pooling3d(
        x["x3_cf"], 2, 2, padding="same", data_format="channels_first")
    out["AveragePooling3D"] = L.AveragePooling3D(2, 2, padding="same")(
        x["x3"])
    out["MaxPooling3D"] = L.MaxPooling3D((1, 2, 2), 1)(x["x3"])
    out["flatten"] = L.flatten(x["x2"])
    out["flatten_cf"] = L.flatten(x["x3_cf"], data_format="channels_first")
    out["Flatten"] = L.Flatten()(x["x1"])
  with v1.variable_scope("dropout"):
    out["dropout_off"] = L.dropout(x["x2"], 0.3)
    out["dropout_on"] = L.dropout(x["x2"], 0.4, seed=3, training=True)
    out["Dropout_noise_shape"] = L.Dropout(0.5, noise_shape=[None, 1, 1, 3],
                                           seed=5)(x["x2"], training=True)
    on = v1.placeholder_with_default(True, [], name="dropout_training")
    out["dropout_tensor"] = L.dropout(x["x1"], 0.5, seed=7, training=on)
  on = v1.placeholder_with_default(True, [], name="bn_on")
  off = v1.placeholder_with_default(False, [], name="bn_off")
  with v1.variable_scope("bn"):
    out["bn_fused_train"] = L.batch_normalization(x["x2"], momentum=0.9,
                                                  training=True)
    out["bn_infer"] = L.batch_normalization(x["x2"], name="bn_infer",
                                            gamma_regularizer=l2)
    out["bn_infer_reuse"] = L.batch_normalization(
        x["x2"] * 2., name="bn_infer", reuse=True)
    out["bn_rank3_train"] = L.batch_normalization(
        x["x1"], momentum=0.8, epsilon=0.01, training=True)
    out["bn_axis1"] = L.batch_normalization(x["x2"], axis=1, fused=False,
                                            training=True, center=False)
    out["bn_multi_axis"] = L.batch_normalization(x["x3"], axis=[1, 4],
                                                 training=True, scale=False)
    out["bn_fused_tensor_on"] = L.BatchNormalization(momentum=0.5)(
        x["x2"], training=on)
    out["bn_fused_tensor_off"] = L.BatchNormalization(momentum=0.5)(
        x["x2"], training=off)
    out["bn_plain_tensor_on"] = L.BatchNormalization(fused=False,
                                                     momentum=0.7)(
                                                         x["x1"], training=on)
    out["bn_plain_tensor_off"] = L.BatchNormalization(axis=1)(
        x["x1_cf"], training=off)
    out["bn_untrainable"] = L.batch_normalization(x["x1"], training=True,
                                                  trainable=False)
  moving = {v.op.name: v for v in v1.global_variables()
            if "moving_" in v.op.name}
  return out, moving


def expected_extras(v1, graph_losses):
  """Graph facts recorded beside the values (names as numpy strings)."""
  return {
      "trainable_names": np.array(sorted(
          v.op.name for v in v1.trainable_variables())),
      "moving_average_names": np.array(sorted(
          v.op.name for v in v1.moving_average_variables()) or [""]),
      "update_ops_count": np.array(len(v1.get_collection(
          v1.GraphKeys.UPDATE_OPS))),
      "regularization_count": np.array(len(graph_losses)),
  }


def main(argv):
  """Writes the fixture to argv[1] (TF 1.15 only)."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  if not tf.version.VERSION.startswith("1."):
    raise SystemExit("layers_fixture: run this under TF 1.15 (tf.layers)")
  out_dir = argv[1]
  if not os.path.isdir(out_dir):
    os.makedirs(out_dir)
  v1 = tf.compat.v1
  rng = np.random.RandomState(11)
  values = inputs(rng)
  with tf.Graph().as_default():
    v1.set_random_seed(GRAPH_SEED)
    outputs, moving = build(tf, v1.layers, values)
    losses = v1.get_collection(v1.GraphKeys.REGULARIZATION_LOSSES)
    saver = v1.train.Saver()
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      fixture_io.load_random_values(v1, sess, rng)
      for name in moving:  # variances must stay positive
        if "variance" in name:
          moving[name].load(rng.uniform(0.5, 1.5, moving[name].shape
                                        .as_list()).astype(np.float32), sess)
      saver.save(sess, os.path.join(out_dir, "layers"),
                 write_meta_graph=False, write_state=False)
      got = {k: [v] for k, v in sess.run(outputs).items()}
      got["regularization_losses"] = [np.array(sess.run(losses))]
      sess.run(v1.get_collection(v1.GraphKeys.UPDATE_OPS))
      for name, value in sess.run(moving).items():
        got["moving/" + name] = [value]
    extras = dict(expected_extras(v1, losses))
    extras.update({"input/" + k: v for k, v in values.items()})
    count = fixture_io.write_expected(out_dir, got, tf.version.VERSION,
                                      extras)
  print("wrote %s (TF %s): %d arrays" % (out_dir, tf.version.VERSION, count))


if __name__ == "__main__":
  main(sys.argv)
