"""A BiLSTM-CRF sequence tagger, written the TF 1.x way (2018).

Synthetic sentences of word ids whose tags follow from each word and its left
neighbour are fed through placeholders (max length unknown at graph build),
embedded, run through a tf.nn.bidirectional_dynamic_rnn of
tf.contrib.rnn.LSTMCells, projected with tf.layers.dense and scored by a
linear-chain CRF: tf.contrib.crf.crf_log_likelihood for the loss (it creates
the transition matrix), tf.contrib.crf.crf_decode in the graph and
tf.contrib.crf.viterbi_decode in NumPy after a session run.  Prints one JSON
line.
"""
from __future__ import print_function

import json

import numpy as np
import tensorflow as tf

VOCAB = 12
NUM_TAGS = 4
EMBED = 6
UNITS = 8
BATCH = 6
STEPS = 30


def make_batch(rng):
  """Padded word ids, tags and lengths: tag = f(word, previous word)."""
  lengths = rng.randint(2, 8, size=BATCH)
  words = np.zeros([BATCH, lengths.max()], np.int32)
  tags = np.zeros([BATCH, lengths.max()], np.int32)
  for b, n in enumerate(lengths):
    words[b, :n] = rng.randint(1, VOCAB, size=n)
    prev = 0
    for t in range(n):
      tags[b, t] = (words[b, t] + (prev > 6)) % NUM_TAGS
      prev = words[b, t]
  return words, tags, lengths.astype(np.int32)


def model(words, lengths):
  init = tf.random_uniform_initializer(-0.3, 0.3, seed=7)
  embeddings = tf.get_variable("embeddings", [VOCAB, EMBED], initializer=init)
  net = tf.nn.embedding_lookup(embeddings, words)
  (fw, bw), _ = tf.nn.bidirectional_dynamic_rnn(
      tf.contrib.rnn.LSTMCell(UNITS, initializer=init),
      tf.contrib.rnn.LSTMCell(UNITS, initializer=init), net,
      sequence_length=lengths, dtype=tf.float32, scope="bilstm")
  return tf.layers.dense(tf.concat([fw, bw], -1), NUM_TAGS,
                         kernel_initializer=init, name="logits")


def main():
  tf.set_random_seed(1)
  rng = np.random.RandomState(0)
  batches = [make_batch(rng) for _ in range(2)]
  words = tf.placeholder(tf.int32, [None, None], name="words")
  tags = tf.placeholder(tf.int32, [None, None], name="tags")
  lengths = tf.placeholder(tf.int32, [None], name="lengths")
  logits = model(words, lengths)
  with tf.variable_scope(
      "crf", initializer=tf.random_uniform_initializer(-0.1, 0.1, seed=3)):
    log_likelihood, transition_params = tf.contrib.crf.crf_log_likelihood(
        logits, tags, lengths)
  loss = tf.reduce_mean(-log_likelihood)
  train_op = tf.train.AdamOptimizer(0.05).minimize(loss)
  decoded, best_score = tf.contrib.crf.crf_decode(logits, transition_params,
                                                  lengths)
  losses = []
  with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(STEPS):
      w, t, n = batches[step % 2]
      value, _ = sess.run([loss, train_op],
                          {words: w, tags: t, lengths: n})
      if step % 5 == 0 or step == STEPS - 1:
        losses.append(round(float(value), 5))
    w, t, n = batches[0]
    feed = {words: w, tags: t, lengths: n}
    tf_tags, tf_scores, scores, trans = sess.run(
        [decoded, best_score, logits, transition_params], feed)
  viterbi, viterbi_scores = [], []
  for score, length in zip(scores, n):
    seq, seq_score = tf.contrib.crf.viterbi_decode(score[:length], trans)
    viterbi.append([int(x) for x in seq])
    viterbi_scores.append(round(float(seq_score), 4))
  decoded_tags = [[int(x) for x in row[:length]]
                  for row, length in zip(tf_tags, n)]
  correct = sum(int(np.sum(np.asarray(d) == row[:length]))
                for d, row, length in zip(decoded_tags, t, n))
  print(json.dumps({
      "variables": sorted([v.op.name, v.get_shape().as_list()]
                          for v in tf.global_variables()),
      "losses": losses, "decoded": decoded_tags, "viterbi": viterbi,
      "viterbi_scores": viterbi_scores,
      "best_scores": [round(float(s), 4) for s in tf_scores],
      "accuracy": round(correct / float(np.sum(n)), 4)}))


if __name__ == "__main__":
  main()
