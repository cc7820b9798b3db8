"""A sentence classifier over tf.contrib.data and tf.contrib.lookup (2018).

A vocabulary file and a text file of "label word word ..." lines are
written to a temp dir; tf.contrib.lookup.index_table_from_file maps words to
ids (one OOV bucket), a TextLineDataset is split into tokens, bucketed by
length with tf.contrib.data.group_by_window + padded_batch, and read with an
initializable iterator.  Embedding + dynamic_rnn GRU + tf.layers.dense,
trained with Adam for two epochs.  Prints one JSON line.
"""
from __future__ import print_function

import json
import os
import tempfile

import numpy as np
import tensorflow as tf

VOCAB = ["the", "a", "cat", "dog", "sat", "ran", "on", "mat", "big", "red",
         "fast", "slow"]
EXTRA = ["zebra", "moon"]  # not in the vocabulary: the OOV bucket
BATCH = 4


def write_files(directory, n=22, seed=0):
  rng = np.random.RandomState(seed)
  vocab_path = os.path.join(directory, "vocab.txt")
  with open(vocab_path, "w") as f:
    f.write("\n".join(VOCAB) + "\n")
  words = VOCAB + EXTRA
  text_path = os.path.join(directory, "train.txt")
  with open(text_path, "w") as f:
    for _ in range(n):
      sentence = [words[i] for i in rng.randint(0, len(words),
                                                 size=rng.randint(2, 10))]
      label = int("cat" in sentence)
      f.write("%d %s\n" % (label, " ".join(sentence)))
  return vocab_path, text_path


def main():
  vocab_path, text_path = write_files(tempfile.mkdtemp())
  tf.set_random_seed(2)
  table = tf.contrib.lookup.index_table_from_file(vocab_path,
                                                  num_oov_buckets=1)

  def parse(line):
    tokens = tf.string_split([line]).values
    label = tf.string_to_number(tokens[0], out_type=tf.int32)
    ids = table.lookup(tokens[1:])
    return ids, label, tf.size(ids)

  dataset = tf.data.TextLineDataset(text_path).map(parse)
  dataset = dataset.apply(tf.contrib.data.group_by_window(
      key_func=lambda ids, label, length: tf.to_int64(
          tf.minimum(length // 4, 2)),
      reduce_func=lambda key, ds: ds.padded_batch(
          BATCH, padded_shapes=([None], [], [])),
      window_size=BATCH))
  iterator = dataset.make_initializable_iterator()
  ids, labels, lengths = iterator.get_next()

  init = tf.random_uniform_initializer(-0.3, 0.3, seed=4)
  embedding = tf.get_variable("embedding", [len(VOCAB) + 1, 6],
                              initializer=init)
  inputs = tf.nn.embedding_lookup(embedding, ids)
  cell = tf.nn.rnn_cell.GRUCell(8, kernel_initializer=init)
  _, state = tf.nn.dynamic_rnn(cell, inputs, sequence_length=lengths,
                               dtype=tf.float32)
  logits = tf.layers.dense(state, 2, kernel_initializer=init, name="logits")
  loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
  train_op = tf.train.AdamOptimizer(0.05).minimize(loss)

  losses, first_ids = [], None
  with tf.Session() as sess:
    sess.run([tf.global_variables_initializer(), tf.tables_initializer()])
    for _ in range(2):
      sess.run(iterator.initializer)
      while True:
        try:
          _, l, batch_ids = sess.run([train_op, loss, ids])
        except tf.errors.OutOfRangeError:
          break
        if first_ids is None:
          first_ids = batch_ids.tolist()
        losses.append(float(l))
  print(json.dumps({"first_ids": first_ids, "losses": losses,
                    "variables": sorted(v.op.name
                                        for v in tf.global_variables())}))


if __name__ == "__main__":
  main()
