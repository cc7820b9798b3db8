"""The batch_sequences_with_states tutorial, reproduced on data it makes itself.

Sections follow the original notebook: the toy cumulative-sum classification
data, writing ``toydata.tfrecords``, reading five records back through a
MonitoredSession, the batch walk (keys, padded segments, states rising by one
per segment), then the LSTM model trained with Adadelta, printing the mean loss
every 1,000 steps and saving a loss plot when matplotlib is installed.

Usage:
  python examples/reproduce_tutorial.py [--steps 30000] [--seed 0] [--out DIR]
"""
from __future__ import absolute_import, division, print_function

import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from legacy_pipeline import quiet  # noqa: E402

# TensorFlow's own log lines and deprecation warnings stay hidden unless
# --verbose (set before TensorFlow is imported).
tf = quiet.quiet_tensorflow(quiet.wants_verbose())

import compat  # noqa: E402
from compat.contrib.training import batch_sequences_with_states  # noqa: E402

tf1 = tf.compat.v1
F_TOKEN, F_LABEL = "token", "label"
RUN_TIMEOUT_MS = 60000


def make_toy_data(rng, num_seq=100, min_len=12, max_len=15):
  """Random sequences in [0, 1); label flips to 1 once cumsum > len / 4."""
  seqs, labels = [], []
  for _ in range(num_seq):
    n = rng.randint(min_len, max_len)
    tokens = rng.rand(n)
    seqs.append(tokens)
    labels.append((np.cumsum(tokens) > n / 4.0).astype(np.int64))
  return seqs, labels


def write_tfrecords(path, seqs, labels):
  with tf1.python_io.TFRecordWriter(path) as writer:
    for tokens, labs in zip(seqs, labels):
      ex = tf.train.SequenceExample()
      fl = ex.feature_lists.feature_list
      for tk, lb in zip(tokens, labs):
        fl[F_TOKEN].feature.add().float_list.value.append(tk)
        fl[F_LABEL].feature.add().int64_list.value.append(lb)
      writer.write(ex.SerializeToString())


def input_graph(path):
  """string_input_producer -> TFRecordReader -> parse_single_sequence_example."""
  file_queue = tf1.train.string_input_producer([path])
  key, record = tf1.TFRecordReader().read(file_queue)
  context, sequence = tf1.io.parse_single_sequence_example(
      record, sequence_features={
          F_TOKEN: tf1.io.FixedLenSequenceFeature([], dtype=tf.float32),
          F_LABEL: tf1.io.FixedLenSequenceFeature([], dtype=tf.int64)})
  return key, context, sequence


def batched_input(path, rng, seed, lstm_size, num_unroll, batch_size):
  """The notebook's batch: random initial LSTM states, unique keys."""
  tf1.set_random_seed(seed)
  key, context, sequence = input_graph(path)
  states = {"lstm_state_c": rng.rand(lstm_size),
            "lstm_state_h": rng.rand(lstm_size)}
  return batch_sequences_with_states(
      input_key=key, input_sequences=sequence, input_context=context,
      input_length=tf.shape(sequence[F_TOKEN])[0], initial_states=states,
      num_unroll=num_unroll, batch_size=batch_size, allow_small_batch=False,
      make_keys_unique=True, make_keys_unique_seed=29392)


def run(sess, fetches):
  return sess.run(fetches,
                  options=tf1.RunOptions(timeout_in_ms=RUN_TIMEOUT_MS))


def read_back(path):
  with tf.Graph().as_default():
    key, _, sequence = input_graph(path)
    with tf1.train.MonitoredSession() as sess:
      for _ in range(5):
        k, seq = sess.run([key, sequence])
        print(k.decode())
        print("tokens:\t", seq[F_TOKEN])
        print("labels:\t", seq[F_LABEL], "\n")


def batch_walk(path, rng, seed, iterations=8, lstm_size=8, num_unroll=3,
               batch_size=2):
  """Returns the printed values too, so tests can check them."""
  walk = []
  with tf.Graph().as_default():
    batch = batched_input(path, rng, seed, lstm_size, num_unroll, batch_size)
    state_c = batch.state("lstm_state_c")
    state_h = batch.state("lstm_state_h")
    update = tf.group(batch.save_state("lstm_state_c", state_c + 1),
                      batch.save_state("lstm_state_h", state_h + 1))
    with tf1.Session() as sess:
      coord = tf1.train.Coordinator()
      threads = tf1.train.start_queue_runners(sess=sess, coord=coord)
      try:
        for i in range(iterations):
          print("Iteration {}:".format(i + 1))
          out = run(sess, [batch.key, batch.next_key,
                           batch.sequences[F_TOKEN], batch.sequences[F_LABEL],
                           state_c, state_h, batch.length, update])
          names = ["keys", "next_keys", "sequences", "labels", "state_c",
                   "state_h", "length"]
          row = dict(zip(names, out[:7]))
          walk.append(row)
          for name in ["keys", "sequences", "labels", "state_c", "state_h"]:
            print(name, "\n", row[name])
          print("\n")
      finally:
        coord.request_stop()
        coord.join(threads, stop_grace_period_secs=10)
  return walk


def dense(x, units, name, activation=None):
  """A Keras-style dense layer (glorot kernel, zero bias) from get_variable."""
  with tf1.variable_scope(name):
    kernel = tf1.get_variable("kernel", [x.get_shape()[-1], units],
                              dtype=x.dtype)
    bias = tf1.get_variable("bias", [units], dtype=x.dtype,
                            initializer=tf1.zeros_initializer())
    y = tf.tensordot(x, kernel, axes=1) + bias
    return activation(y) if activation else y


def train(path, rng, seed, steps, log_every=1000, lstm_size=64, num_unroll=3,
          batch_size=2):
  """The notebook's model; returns the list of mean losses per phase."""
  means = []
  with tf.Graph().as_default():
    batch = batched_input(path, rng, seed, lstm_size, num_unroll, batch_size)
    inputs = tf.cast(batch.sequences[F_TOKEN], tf.float64)
    inputs_by_time = tf.split(inputs, num_unroll, axis=1)
    cell = compat.rnn_cell.LSTMCell(num_units=lstm_size)
    lstm_output, _ = tf1.nn.static_state_saving_rnn(
        cell, inputs_by_time, batch, state_name=("lstm_state_c",
                                                 "lstm_state_h"))
    lstm_output = tf1.nn.dropout(tf.stack(lstm_output), rate=0.5)
    hidden = dense(tf.cast(lstm_output, tf.float32), 32, "logits/dense",
                   tf.nn.relu)
    hidden = dense(hidden, 32, "logits/dense_1", tf.nn.relu)
    logits = tf.squeeze(dense(hidden, 1, "logits/dense_2"), -1)
    labels = tf.transpose(batch.sequences[F_LABEL])
    loss = tf.nn.sigmoid_cross_entropy_with_logits(
        logits=logits, labels=tf.cast(labels, tf.float32))
    train_op = tf1.train.AdadeltaOptimizer(learning_rate=0.01).minimize(loss)
    with tf.control_dependencies([train_op]):
      loss_val = tf.reduce_sum(loss)
    with tf1.Session() as sess:
      coord = tf1.train.Coordinator()
      threads = tf1.train.start_queue_runners(sess=sess, coord=coord)
      try:
        run(sess, tf1.global_variables_initializer())
        total = 0.0
        for i in range(1, steps + 1):
          total += run(sess, loss_val)
          if i % log_every == 0 or i == steps:
            n = log_every if i % log_every == 0 else i % log_every
            means.append((i, total / n))
            print("Mean loss at step {0:5}:  {1}".format(i, total / n))
            total = 0.0
      finally:
        coord.request_stop()
        coord.join(threads, stop_grace_period_secs=10)
  return means


def plot(means, path):
  try:
    import matplotlib  # pylint: disable=g-import-not-at-top
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=g-import-not-at-top
  except ImportError:
    print("matplotlib is not installed: no loss plot "
          "(pip install matplotlib to get %s)" % path)
    return None
  fig, ax = plt.subplots(figsize=(6, 4))
  ax.plot([s for s, _ in means], [m for _, m in means], marker="o")
  ax.set_xlabel("step")
  ax.set_ylabel("mean loss per phase")
  ax.set_title("batch_sequences_with_states tutorial (%s)" % compat.BACKEND)
  fig.tight_layout()
  fig.savefig(path)
  print("loss plot:", path)
  return path


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  parser.add_argument("--steps", type=int, default=30000,
                      help="training steps (default 30000, as the notebook)")
  parser.add_argument("--seed", type=int, default=0, help="numpy/TF seed")
  parser.add_argument("--out", default="tutorial_out",
                      help="directory for toydata.tfrecords and the plot")
  parser.add_argument("--log-every", type=int, default=1000)
  parser.add_argument("--verbose", action="store_true",
                      help="show TensorFlow's own log lines and warnings")
  args = parser.parse_args(argv)
  os.makedirs(args.out, exist_ok=True)
  rng = np.random.RandomState(args.seed)
  print("TensorFlow version:", tf.version.VERSION)
  print("Backend:", compat.describe())

  seqs, labels = make_toy_data(rng)
  for s, l in zip(seqs[:5], labels):
    print(repr(s))
    print(repr(l), "\n")
  path = os.path.join(args.out, "toydata.tfrecords")
  write_tfrecords(path, seqs, labels)
  read_back(path)
  walk = batch_walk(path, rng, args.seed)
  means = train(path, rng, args.seed, args.steps, args.log_every)
  plot(means, os.path.join(args.out, "loss.png"))
  return {"walk": walk, "means": means}


if __name__ == "__main__":
  main()
