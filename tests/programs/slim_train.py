"""A small regression trained with tf.contrib.slim.learning.train (TF 1.x).

slim.arg_scope over slim.fully_connected, slim.losses, slim.learning's
create_train_op and train loop, and contrib.learn.run_n to read predictions
back from the written checkpoint.  Prints one JSON line.
"""
from __future__ import print_function

import json
import tempfile

import numpy as np
import tensorflow as tf

slim = tf.contrib.slim


def main():
  rng = np.random.RandomState(0)
  features = rng.rand(64, 3).astype(np.float32)
  targets = features.dot([[1.5], [-2.0], [0.5]]).astype(np.float32) + 0.25
  logdir = tempfile.mkdtemp()
  with tf.Graph().as_default():
    tf.set_random_seed(2)
    x = tf.constant(features)
    y = tf.constant(targets)
    with slim.arg_scope([slim.fully_connected],
                        weights_initializer=tf.truncated_normal_initializer(
                            stddev=0.3, seed=4),
                        weights_regularizer=slim.l2_regularizer(1e-4)):
      net = slim.fully_connected(x, 8, scope="fc1")
      predictions = slim.fully_connected(net, 1, activation_fn=None,
                                         scope="fc2")
    slim.losses.mean_squared_error(predictions, y)
    total_loss = slim.losses.get_total_loss()
    optimizer = tf.train.GradientDescentOptimizer(0.1)
    train_op = slim.learning.create_train_op(total_loss, optimizer)
    final_loss = slim.learning.train(train_op, logdir, number_of_steps=30,
                                     save_summaries_secs=10000,
                                     save_interval_secs=10000)
    names = sorted(v.op.name for v in slim.get_model_variables())
  checkpoint = tf.train.latest_checkpoint(logdir)
  with tf.Graph().as_default():
    x = tf.constant(features[:4])
    net = slim.fully_connected(x, 8, scope="fc1")
    out = slim.fully_connected(net, 1, activation_fn=None, scope="fc2")
    restored = tf.contrib.learn.run_n({"y": out}, n=1,
                                      restore_checkpoint_path=checkpoint)
  print(json.dumps({"final_loss": float(final_loss), "model_variables": names,
                    "restored": np.asarray(restored[0]["y"]).ravel().tolist(),
                    "step": int(tf.train.load_variable(checkpoint,
                                                       "global_step"))}))


if __name__ == "__main__":
  main()
