"""A CNN + BiLSTM + CTC line recognizer, written the TF 1.x way (2018).

Synthetic 8-pixel-high images of "digit" stripes are written as TFRecords,
read back with string_input_producer -> TFRecordReader ->
parse_single_example, bucketed by width with
tf.contrib.training.bucket_by_sequence_length (dynamic_pad), and fed to
tf.layers conv / batch norm / pooling / dropout, a bidirectional_dynamic_rnn
of LSTMCells, tf.nn.ctc_loss and tf.nn.ctc_greedy_decoder, trained with
tf.contrib.layers.optimize_loss.  Prints one JSON line.
"""
from __future__ import print_function

import json
import os
import tempfile

import numpy as np
import tensorflow as tf

HEIGHT = 8
NUM_DIGITS = 5
BATCH = 4
STEPS = 12
# 2-8 digits: 8-26 px wide.  All widths fall in the middle bucket: the
# order in which batches of *different* buckets reach the top queue depends
# on the timing of the per-bucket threads, so a reference run that must be
# repeatable batches within one bucket (dynamically padded to the batch's
# widest image).
MIN_DIGITS, MAX_DIGITS = 2, 8
BOUNDARIES = [7, 30]


def make_image(digits, rng):
  """A [width, HEIGHT] image: 2 bright columns per digit, 1 noise gap."""
  columns = [rng.rand(HEIGHT) * 0.1]
  for d in digits:
    stripe = rng.rand(HEIGHT) * 0.1
    stripe[d] += 0.9
    stripe[d + 3] += 0.6
    columns += [stripe, stripe * 0.8, rng.rand(HEIGHT) * 0.1]
  columns.append(rng.rand(HEIGHT) * 0.1)
  return np.stack(columns).astype(np.float32)


def write_data(path, n=24, seed=0):
  rng = np.random.RandomState(seed)
  writer = tf.python_io.TFRecordWriter(path)
  for _ in range(n):
    digits = rng.randint(0, NUM_DIGITS,
                         size=rng.randint(MIN_DIGITS, MAX_DIGITS + 1))
    image = make_image(digits, rng)
    ex = tf.train.Example()
    ex.features.feature["image"].float_list.value.extend(image.ravel())
    ex.features.feature["width"].int64_list.value.append(image.shape[0])
    ex.features.feature["label"].int64_list.value.extend(digits)
    writer.write(ex.SerializeToString())
  writer.close()


def input_fn(path):
  filenames = tf.train.string_input_producer([path], shuffle=False)
  _, record = tf.TFRecordReader().read(filenames)
  features = tf.parse_single_example(record, features={
      "image": tf.VarLenFeature(tf.float32),
      "width": tf.FixedLenFeature([], tf.int64),
      "label": tf.VarLenFeature(tf.int64)})
  image = tf.reshape(tf.sparse_tensor_to_dense(features["image"]),
                     [-1, HEIGHT])
  label = tf.cast(tf.sparse_tensor_to_dense(features["label"]), tf.int32)
  width = tf.cast(features["width"], tf.int32)
  _, batch = tf.contrib.training.bucket_by_sequence_length(
      input_length=width,
      tensors={"image": image, "label": label, "width": width,
               "label_length": tf.size(label)},
      batch_size=BATCH, bucket_boundaries=BOUNDARIES, num_threads=1,
      capacity=8, dynamic_pad=True)
  return batch


def dense_to_sparse(labels, lengths):
  indices = tf.where(tf.sequence_mask(lengths, tf.shape(labels)[1]))
  return tf.SparseTensor(indices, tf.gather_nd(labels, indices),
                         tf.shape(labels, out_type=tf.int64))


def model_fn(batch, mode):
  training = mode == tf.contrib.learn.ModeKeys.TRAIN
  init = tf.random_uniform_initializer(-0.2, 0.2, seed=11)
  # [batch, width, height] -> NHWC [batch, height, width, 1]
  net = tf.expand_dims(tf.transpose(batch["image"], [0, 2, 1]), -1)
  for i, filters in enumerate((8, 12)):
    # No bias before batch norm: its gradient is zero up to rounding, which
    # Adam would turn into build-dependent steps.
    net = tf.layers.conv2d(net, filters, 3, padding="same", use_bias=False,
                           kernel_initializer=init, name="conv%d" % i)
    net = tf.layers.batch_normalization(net, training=training,
                                        name="bn%d" % i)
    net = tf.nn.relu(net)
    net = tf.layers.max_pooling2d(net, [2, 1], [2, 1], name="pool%d" % i)
  # [batch, 2, width, 12] -> [batch, width, 24]
  net = tf.transpose(net, [0, 2, 1, 3])
  net = tf.reshape(net, [tf.shape(net)[0], tf.shape(net)[1], 2 * 12])
  net = tf.layers.dropout(net, rate=0.2, seed=5, training=training)
  (fw, bw), _ = tf.nn.bidirectional_dynamic_rnn(
      tf.nn.rnn_cell.LSTMCell(8, initializer=init),
      tf.nn.rnn_cell.LSTMCell(8, initializer=init), net,
      sequence_length=batch["width"], dtype=tf.float32, scope="birnn")
  logits = tf.layers.dense(tf.concat([fw, bw], -1), NUM_DIGITS + 1,
                           kernel_initializer=init, name="logits")
  logits = tf.transpose(logits, [1, 0, 2])  # time major
  labels = dense_to_sparse(batch["label"], batch["label_length"])
  loss = tf.reduce_mean(tf.nn.ctc_loss(labels, logits, batch["width"]))
  decoded, _ = tf.nn.ctc_greedy_decoder(logits, batch["width"])
  errors = tf.reduce_sum(tf.edit_distance(
      tf.cast(decoded[0], tf.int32), labels, normalize=False))
  return loss, errors


def main():
  path = os.path.join(tempfile.mkdtemp(), "lines.tfrecords")
  write_data(path)
  tf.set_random_seed(1)
  batch = input_fn(path)
  with tf.variable_scope("model"):
    loss, _ = model_fn(batch, tf.contrib.learn.ModeKeys.TRAIN)
  with tf.variable_scope("model", reuse=True):
    eval_loss, eval_errors = model_fn(batch, tf.contrib.learn.ModeKeys.EVAL)
  update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
  with tf.control_dependencies(update_ops):
    loss = tf.identity(loss)
  global_step = tf.train.get_or_create_global_step()
  train_op = tf.contrib.layers.optimize_loss(
      loss, global_step, learning_rate=0.02, optimizer="Adam",
      clip_gradients=5.0, summaries=["loss"])
  losses = []
  with tf.Session() as sess:
    sess.run([tf.global_variables_initializer(),
              tf.local_variables_initializer()])
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess=sess, coord=coord)
    try:
      for _ in range(STEPS):
        losses.append(round(float(sess.run(train_op)), 5))
      last_loss, errors = sess.run([eval_loss, eval_errors])
    finally:
      coord.request_stop()
      coord.join(threads)
  print(json.dumps({
      "variables": sorted([v.op.name, v.get_shape().as_list()]
                          for v in tf.global_variables()),
      "losses": losses, "eval_loss": round(float(last_loss), 5),
      "eval_errors": float(errors), "update_ops": len(update_ops)}))


if __name__ == "__main__":
  main()
