"""A small TF 1.x program over tf.contrib's utilities (written as in 2018).

HParams, contrib.framework's global step / arg_scope / variables,
contrib.layers (fully_connected, regularizers, optimize_loss),
contrib.seq2seq.sequence_loss, contrib.metrics.streaming_accuracy and
contrib.learn.run_n.  Prints one JSON line of results.
"""
from __future__ import print_function

import json
import sys

import numpy as np
import tensorflow as tf

tf.set_random_seed(0)
hparams = tf.contrib.training.HParams(units=4, learning_rate=0.5, steps=3)
hparams.parse(sys.argv[1] if len(sys.argv) > 1 else "units=3")

inputs = tf.constant(np.arange(12, dtype=np.float32).reshape(4, 3) / 10.0)
global_step = tf.contrib.framework.get_or_create_global_step()
with tf.contrib.framework.arg_scope([tf.contrib.layers.fully_connected],
                                    activation_fn=None):
  hidden = tf.contrib.layers.fully_connected(
      inputs, hparams.units,
      weights_initializer=tf.constant_initializer(0.1),
      weights_regularizer=tf.contrib.layers.l2_regularizer(0.01),
      scope="hidden")
logits = tf.reshape(tf.tile(hidden, [1, 2]), [4, 2, hparams.units])
targets = tf.constant([[0, 1], [1, 2], [2, 0], [0, 0]], tf.int32)
weights = tf.constant([[1.0, 1.0], [1.0, 0.0], [0.5, 1.0], [0.0, 0.0]])
loss = tf.contrib.seq2seq.sequence_loss(logits, targets, weights)
reg = tf.losses.get_regularization_loss()
train_op = tf.contrib.layers.optimize_loss(
    loss + reg, global_step, learning_rate=hparams.learning_rate,
    optimizer="SGD", summaries=[])
accuracy, update_accuracy = tf.contrib.metrics.streaming_accuracy(
    tf.argmax(hidden, 1), tf.constant([0, 1, 2, 2], tf.int64))

first = tf.contrib.learn.run_n({"loss": loss, "reg": reg}, n=2)
losses = []
with tf.Session() as sess:
  sess.run([tf.global_variables_initializer(),
            tf.local_variables_initializer()])
  for _ in range(hparams.steps):
    losses.append(float(sess.run(train_op)))
  sess.run(update_accuracy)
  final = sess.run({"accuracy": accuracy, "step": global_step,
                    "hidden": hidden})
print(json.dumps({
    "hparams": json.loads(hparams.to_json()),
    "variables": sorted(v.op.name for v in
                        tf.contrib.framework.get_variables()),
    "model_variables": sorted(v.op.name for v in
                              tf.contrib.framework.get_model_variables()),
    "run_n": [[float(r["loss"]), float(r["reg"])] for r in first],
    "losses": losses,
    "accuracy": float(final["accuracy"]),
    "step": int(final["step"]),
    "hidden": np.asarray(final["hidden"]).round(6).tolist(),
}, sort_keys=True))
