"""A TF 1.x program driven by tf.contrib.learn's run_n and run_feeds.

Trains a small softmax classifier with a plain Session and Saver, then reads
everything back the contrib.learn way: run_n over a queue-fed evaluation graph
(run_n starts and stops its queue runners) and run_feeds over feed dicts, both
restoring the checkpoint.  Prints one JSON line.
"""
from __future__ import print_function

import json
import os
import tempfile

import numpy as np
import tensorflow as tf


def model(x):
  with tf.variable_scope("classifier", reuse=tf.AUTO_REUSE):
    w = tf.get_variable("w", [4, 3], initializer=tf.random_uniform_initializer(
        -0.5, 0.5, seed=3))
    b = tf.get_variable("b", [3], initializer=tf.zeros_initializer())
    return tf.matmul(x, w) + b


def main():
  rng = np.random.RandomState(1)
  data = rng.rand(60, 4).astype(np.float32)
  labels = (data[:, 0] * 3).astype(np.int64).clip(0, 2)
  checkpoint = os.path.join(tempfile.mkdtemp(), "model.ckpt")
  with tf.Graph().as_default():
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.placeholder(tf.int64, [None])
    loss = tf.losses.sparse_softmax_cross_entropy(y, model(x))
    step = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    saver = tf.train.Saver()
    losses = []
    with tf.Session() as sess:
      sess.run(tf.global_variables_initializer())
      for _ in range(40):
        losses.append(float(sess.run([step, loss], {x: data, y: labels})[1]))
      saver.save(sess, checkpoint)
  with tf.Graph().as_default():
    rows = tf.train.slice_input_producer([data, labels], shuffle=False)
    bx, by = tf.train.batch(rows, batch_size=20)
    logits = model(bx)
    correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(logits, 1), by),
                                    tf.int32))
    evaluated = tf.contrib.learn.run_n({"correct": correct}, n=3,
                                       restore_checkpoint_path=checkpoint)
  with tf.Graph().as_default():
    x = tf.placeholder(tf.float32, [None, 4])
    probabilities = tf.nn.softmax(model(x))
    fed = tf.contrib.learn.run_feeds(
        {"p": probabilities}, [{x: data[:2]}, {x: data[2:4]}],
        restore_checkpoint_path=checkpoint)
  print(json.dumps({
      "losses": losses[::10] + losses[-1:],
      "correct": [int(r["correct"]) for r in evaluated],
      "probabilities": [np.asarray(r["p"]).round(6).tolist() for r in fed],
  }))


if __name__ == "__main__":
  main()
