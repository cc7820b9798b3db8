"""A next-note melody model on the state saver whose model is a Keras Layer.

Written the way TF 1.13-1.15 programs mixed Keras layers into graph code:
string_input_producer -> TFRecordReader -> parse_single_sequence_example
(a tempo context and a note sequence) ->
tf.contrib.training.batch_sequences_with_states (one saved state) -> a
tf.keras.layers.Layer subclass (Embedding, Dropout, Dense sub-layers, a GRU
step built from add_weight, a weight regularizer) unrolled over the segment
-> save_state; masked sparse cross-entropy from tf.keras.backend plus the
layer's losses; RMSProp; a Coordinator and start_queue_runners; the Keras
learning phase fed for training.  Makes its own data and prints one JSON line.
"""
from __future__ import print_function

import json
import os
import sys
import tempfile

import numpy as np
import tensorflow as tf

VOCAB = 12
NUM_UNROLL = 6
BATCH = 4
UNITS = 10
EMBED = 5


def write_data(path, n=24, seed=1):
  rng = np.random.RandomState(seed)
  writer = tf.python_io.TFRecordWriter(path)
  for _ in range(n):
    length = rng.randint(5, 26)
    step = rng.choice([1, 2, 5])
    start = rng.randint(VOCAB)
    notes = (start + step * np.arange(length)) % VOCAB
    ex = tf.train.SequenceExample()
    ex.context.feature["tempo"].float_list.value.append(rng.uniform(0.5, 2.0))
    for note in notes:
      ex.feature_lists.feature_list["notes"].feature.add(
      ).int64_list.value.append(note)
    writer.write(ex.SerializeToString())
  writer.close()


class MelodyRNN(tf.keras.layers.Layer):
  """Embedding + tempo -> a GRU step -> logits over the next note."""

  def __init__(self, vocab, embed, units, keep_prob, **kwargs):
    super(MelodyRNN, self).__init__(**kwargs)
    self.units = units
    self.embed = tf.keras.layers.Embedding(
        vocab, embed, embeddings_initializer=tf.keras.initializers.RandomUniform(
            -0.1, 0.1, seed=2))
    self.drop = tf.keras.layers.Dropout(1.0 - keep_prob, seed=4)
    self.logits = tf.keras.layers.Dense(
        vocab, kernel_initializer=tf.keras.initializers.glorot_uniform(seed=5),
        kernel_regularizer=tf.keras.regularizers.l2(1e-3))

  def build(self, input_shape):
    depth = EMBED + 1  # the note's embedding and the tempo
    glorot = tf.keras.initializers.glorot_uniform
    self.w_gates = self.add_weight(
        "w_gates", [depth + self.units, 2 * self.units],
        initializer=glorot(seed=6))
    self.b_gates = self.add_weight(
        "b_gates", [2 * self.units],
        initializer=tf.keras.initializers.Constant(1.0))
    self.w_cand = self.add_weight(
        "w_cand", [depth + self.units, self.units], initializer=glorot(seed=7))
    self.b_cand = self.add_weight("b_cand", [self.units], initializer="zeros")
    super(MelodyRNN, self).build(input_shape)

  def step(self, x, h):
    xh = tf.concat([x, h], 1)
    r, u = tf.split(tf.sigmoid(tf.matmul(xh, self.w_gates) + self.b_gates), 2,
                    axis=1)
    c = tf.tanh(tf.matmul(tf.concat([x, r * h], 1), self.w_cand) +
                self.b_cand)
    return u * h + (1 - u) * c

  def call(self, inputs, state=None, length=None, training=None):
    notes, tempo = inputs
    x = self.drop(self.embed(notes), training=training)
    tempo = tf.tile(tf.reshape(tempo, [-1, 1, 1]), [1, NUM_UNROLL, 1])
    x = tf.concat([x, tempo], 2)
    h, outputs = state, []
    for t in range(NUM_UNROLL):
      new_h = self.step(x[:, t], h)
      live = tf.expand_dims(tf.cast(t < length, tf.float32), 1)
      h = live * new_h + (1 - live) * h
      outputs.append(h)
    return self.logits(tf.stack(outputs, 1)), h


def main(argv):
  del argv
  path = os.path.join(tempfile.mkdtemp(), "melodies.tfrecords")
  write_data(path)
  tf.set_random_seed(11)
  filenames = tf.train.string_input_producer([path], shuffle=False)
  key, record = tf.TFRecordReader().read(filenames)
  context, seqs = tf.parse_single_sequence_example(
      record, context_features={"tempo": tf.FixedLenFeature([], tf.float32)},
      sequence_features={"notes": tf.FixedLenSequenceFeature([], tf.int64)})
  length = tf.shape(seqs["notes"])[0] - 1
  batch = tf.contrib.training.batch_sequences_with_states(
      input_key=key,
      input_sequences={"inputs": seqs["notes"][:-1],
                       "targets": seqs["notes"][1:]},
      input_context=context, input_length=length,
      initial_states={"h": tf.zeros([UNITS])}, num_unroll=NUM_UNROLL,
      batch_size=BATCH, num_threads=1, capacity=8)
  # dtype: a Keras layer takes its first input's (int64 notes) otherwise.
  model = MelodyRNN(VOCAB, EMBED, UNITS, keep_prob=0.9, name="melody",
                    dtype="float32")
  logits, final = model([batch.sequences["inputs"], batch.context["tempo"]],
                        state=batch.state("h"), length=batch.length)
  mask = tf.sequence_mask(batch.length, NUM_UNROLL, dtype=tf.float32)
  xent = tf.keras.backend.sparse_categorical_crossentropy(
      batch.sequences["targets"], logits, from_logits=True)
  data_loss = tf.reduce_sum(xent * mask) / tf.maximum(tf.reduce_sum(mask), 1.)
  loss = data_loss + tf.add_n(model.losses)
  save = batch.save_state("h", final)
  with tf.control_dependencies([save]):
    train_op = tf.train.RMSPropOptimizer(0.05).minimize(loss)
  phase = tf.keras.backend.learning_phase()
  results = {"losses": [], "eval": [], "keys": []}
  with tf.Session() as sess:
    sess.run([tf.global_variables_initializer(),
              tf.local_variables_initializer()])
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess=sess, coord=coord)
    try:
      for _ in range(150):
        _, l, k = sess.run([train_op, data_loss, batch.key], {phase: True})
        results["losses"].append(float(l))
        results["keys"].append([s.decode().split(":")[0] + ":" +
                                s.decode().rsplit(":", 1)[1] for s in k])
      for _ in range(4):
        l, _ = sess.run([data_loss, save], {phase: False})
        results["eval"].append(float(l))
    finally:
      coord.request_stop()
      coord.join(threads, stop_grace_period_secs=10)
  results["keys"] = results["keys"][:5]
  results["layer_losses"] = len(model.losses)
  results["variables"] = sorted(v.op.name for v in model.weights)
  print(json.dumps(results))


if __name__ == "__main__":
  main(sys.argv)
