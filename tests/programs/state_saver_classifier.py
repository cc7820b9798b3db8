"""A per-step sequence classifier on the state saver, written the TF 1.x way.

string_input_producer -> TFRecordReader -> parse_single_sequence_example ->
tf.contrib.training.batch_sequences_with_states -> static_state_saving_rnn
over a tf.contrib.rnn.LSTMCell, tf.contrib.layers.fully_connected logits,
contrib.framework's global step, contrib.metrics.streaming_accuracy, and
HParams; trained under MonitoredTrainingSession.  Makes its own data and
prints one JSON line.
"""
from __future__ import print_function

import json
import os
import sys
import tempfile

import numpy as np
import tensorflow as tf


def write_data(path, n=40, seed=0):
  rng = np.random.RandomState(seed)
  writer = tf.python_io.TFRecordWriter(path)
  for _ in range(n):
    length = rng.randint(4, 23)
    x = rng.rand(length)
    labels = (np.cumsum(x) > 3.0).astype(np.int64)
    ex = tf.train.SequenceExample()
    for v, l in zip(x, labels):
      ex.feature_lists.feature_list["x"].feature.add().float_list.value.append(v)
      ex.feature_lists.feature_list["y"].feature.add().int64_list.value.append(l)
    writer.write(ex.SerializeToString())
  writer.close()


def main(argv):
  hparams = tf.contrib.training.HParams(num_unroll=5, batch_size=4,
                                        lstm_size=8, learning_rate=0.05,
                                        steps=25)
  if len(argv) > 1:
    hparams.parse(argv[1])
  path = os.path.join(tempfile.mkdtemp(), "data.tfrecords")
  write_data(path)
  tf.set_random_seed(3)
  init = tf.random_uniform_initializer(-0.3, 0.3, seed=5)
  filenames = tf.train.string_input_producer([path], shuffle=False)
  key, record = tf.TFRecordReader().read(filenames)
  _, seqs = tf.parse_single_sequence_example(record, sequence_features={
      "x": tf.FixedLenSequenceFeature([], tf.float32),
      "y": tf.FixedLenSequenceFeature([], tf.int64)})
  state_names = ("c", "h")
  batch = tf.contrib.training.batch_sequences_with_states(
      input_key=key, input_sequences=seqs, input_context={},
      input_length=tf.shape(seqs["x"])[0],
      initial_states={n: tf.zeros([hparams.lstm_size]) for n in state_names},
      num_unroll=hparams.num_unroll, batch_size=hparams.batch_size,
      num_threads=1, capacity=8, allow_small_batch=False)
  inputs = tf.unstack(tf.expand_dims(batch.sequences["x"], -1),
                      num=hparams.num_unroll, axis=1)
  cell = tf.contrib.rnn.LSTMCell(hparams.lstm_size, initializer=init)
  outputs, _ = tf.nn.static_state_saving_rnn(
      cell, inputs, state_saver=batch, state_name=state_names,
      sequence_length=batch.length)
  logits = tf.contrib.layers.fully_connected(
      tf.stack(outputs, 1), 2, activation_fn=None,
      weights_initializer=init, scope="logits")
  labels = tf.cast(batch.sequences["y"], tf.int32)
  mask = tf.sequence_mask(batch.length, hparams.num_unroll, dtype=tf.float32)
  loss = tf.losses.sparse_softmax_cross_entropy(labels, logits, weights=mask)
  global_step = tf.contrib.framework.get_or_create_global_step()
  train_op = tf.train.AdamOptimizer(hparams.learning_rate).minimize(
      loss, global_step=global_step)
  accuracy, update = tf.contrib.metrics.streaming_accuracy(
      tf.argmax(logits, -1, output_type=tf.int32), labels, weights=mask)
  losses, keys = [], []
  with tf.train.MonitoredTrainingSession(
      hooks=[tf.train.StopAtStepHook(last_step=hparams.steps)]) as sess:
    while not sess.should_stop():
      _, l, _, k = sess.run([train_op, loss, update, batch.key])
      losses.append(float(l))
      keys.append([s.decode().split(":")[0] + ":" + s.decode().rsplit(
          ":", 1)[1] for s in k])
    acc = None
    if not sess.should_stop():
      acc = float(sess.run(accuracy))
  print(json.dumps({"losses": losses, "keys": keys[:6],
                    "hparams": json.loads(hparams.to_json()),
                    "variables": sorted(v.op.name for v in
                                        tf.global_variables())}))


if __name__ == "__main__":
  main(sys.argv)
