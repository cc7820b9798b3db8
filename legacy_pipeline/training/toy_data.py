"""The toy task's data: cumulative-sum classification, as TFRecord files."""
from __future__ import absolute_import, division, print_function

import os

import numpy as np

from legacy_pipeline._tf import tf, tf1

TOY_THRESHOLD = 5.0


def write_toy_data(data_dir, num_sequences, seed, train_shards=4):
  """The toy task: per-step label 1 once the running sum exceeds a threshold.

  The tutorial's task (uniform floats, the label flips when the cumulative sum
  passes a threshold) with longer, more varied sequences: 10-60 steps, so
  most span several segments.  The threshold is a fixed 5.0 rather than the
  tutorial's length / 4, which a model reading one segment at a time cannot
  know.  Writes ``train-0000<i>-of-0000<n>.tfrecords`` (90%, sharded) and
  ``eval.tfrecords`` (10%).

  Args:
    data_dir: output directory (created if missing).
    num_sequences: total number of sequences written.
    seed: seed of the numpy random generator.
    train_shards: number of training files.

  Returns:
    (train glob, eval path).
  """
  if not os.path.isdir(data_dir):
    os.makedirs(data_dir)
  rng = np.random.RandomState(seed)
  num_eval = max(1, num_sequences // 10)
  train_paths = [os.path.join(data_dir, "train-%05d-of-%05d.tfrecords" %
                              (i, train_shards)) for i in range(train_shards)]
  eval_path = os.path.join(data_dir, "eval.tfrecords")
  writers = [tf1.python_io.TFRecordWriter(p) for p in train_paths]
  eval_writer = tf1.python_io.TFRecordWriter(eval_path)
  try:
    for i in range(num_sequences):
      n = rng.randint(10, 61)
      tokens = rng.rand(n)
      labels = (np.cumsum(tokens) > TOY_THRESHOLD).astype(np.int64)
      ex = tf.train.SequenceExample()
      fl = ex.feature_lists.feature_list
      for tk, lb in zip(tokens, labels):
        fl["token"].feature.add().float_list.value.append(tk)
        fl["label"].feature.add().int64_list.value.append(lb)
      w = eval_writer if i < num_eval else writers[i % train_shards]
      w.write(ex.SerializeToString())
  finally:
    for w in writers + [eval_writer]:
      w.close()
  return (os.path.join(data_dir, "train-*.tfrecords"), eval_path)
