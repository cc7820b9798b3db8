"""A character-level RNN language model, written the TF 1.x way (cf. the
2016-2018 sherjilozair/char-rnn-tensorflow): a MultiRNNCell of LSTMCells,
an embedding looked up by hand and split into time steps,
legacy_seq2seq.rnn_decoder (with a loop_function feeding back the argmax
character when sampling, sharing the training model's variables), legacy_seq2seq.sequence_loss_by_example, clipped
gradients and Adam.  It makes its own tiny text and prints one JSON line:
the variables, the training losses and a string sampled greedily.
"""
from __future__ import print_function

import json

import numpy as np
import tensorflow as tf
from tensorflow.contrib import legacy_seq2seq

TEXT = ("the cat sat on the mat. " * 12 +
        "the dog ate the hat. " * 6)
BATCH, SEQ, RNN_SIZE, LAYERS, STEPS = 4, 12, 16, 2, 40
SAMPLE_LEN = 24


class Model(object):

  def __init__(self, vocab_size, infer=False):
    batch, seq = (1, SAMPLE_LEN) if infer else (BATCH, SEQ)
    cells = [tf.contrib.rnn.LSTMCell(RNN_SIZE) for _ in range(LAYERS)]
    self.cell = cell = tf.contrib.rnn.MultiRNNCell(cells, state_is_tuple=True)
    self.input_data = tf.placeholder(tf.int32, [batch, seq])
    self.targets = tf.placeholder(tf.int32, [batch, seq])
    self.initial_state = cell.zero_state(batch, tf.float32)

    with tf.variable_scope("rnnlm"):
      softmax_w = tf.get_variable("softmax_w", [RNN_SIZE, vocab_size])
      softmax_b = tf.get_variable("softmax_b", [vocab_size])
      embedding = tf.get_variable("embedding", [vocab_size, RNN_SIZE])
      inputs = tf.nn.embedding_lookup(embedding, self.input_data)
      inputs = tf.split(inputs, seq, 1)
      inputs = [tf.squeeze(input_, [1]) for input_ in inputs]

    def loop(prev, _):
      prev = tf.matmul(prev, softmax_w) + softmax_b
      prev_symbol = tf.stop_gradient(tf.argmax(prev, 1))
      return tf.nn.embedding_lookup(embedding, prev_symbol)

    outputs, last_state = legacy_seq2seq.rnn_decoder(
        inputs, self.initial_state, cell,
        loop_function=loop if infer else None, scope="rnnlm")
    output = tf.reshape(tf.concat(outputs, 1), [-1, RNN_SIZE])
    self.logits = tf.matmul(output, softmax_w) + softmax_b
    self.probs = tf.nn.softmax(self.logits)
    loss = legacy_seq2seq.sequence_loss_by_example(
        [self.logits], [tf.reshape(self.targets, [-1])],
        [tf.ones([batch * seq])])
    self.cost = tf.reduce_sum(loss) / batch / seq
    self.final_state = last_state
    if infer:
      return
    tvars = tf.trainable_variables()
    grads, _ = tf.clip_by_global_norm(tf.gradients(self.cost, tvars), 5.0)
    optimizer = tf.train.AdamOptimizer(0.05)
    self.train_op = optimizer.apply_gradients(zip(grads, tvars))


def batches(data):
  n = len(data) - 1
  span = n // BATCH
  xs = np.array([data[i * span:(i + 1) * span] for i in range(BATCH)])
  ys = np.array([data[i * span + 1:(i + 1) * span + 1] for i in range(BATCH)])
  num = span // SEQ
  return [(xs[:, k * SEQ:(k + 1) * SEQ], ys[:, k * SEQ:(k + 1) * SEQ])
          for k in range(num)]


def main():
  chars = sorted(set(TEXT))
  vocab = {c: i for i, c in enumerate(chars)}
  data = np.array([vocab[c] for c in TEXT], np.int32)
  tf.set_random_seed(7)
  initializer = tf.random_uniform_initializer(-0.1, 0.1, seed=3)
  with tf.variable_scope("model", initializer=initializer):
    model = Model(len(chars))
  with tf.variable_scope("model", reuse=True, initializer=initializer):
    sampler = Model(len(chars), infer=True)
  pairs = batches(data)
  losses = []
  with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    state = sess.run(model.initial_state)
    for step in range(STEPS):
      x, y = pairs[step % len(pairs)]
      if step % len(pairs) == 0:
        state = sess.run(model.initial_state)
      feed = {model.input_data: x, model.targets: y}
      for i, (c, h) in enumerate(model.initial_state):
        feed[c] = state[i].c
        feed[h] = state[i].h
      cost, state, _ = sess.run([model.cost, model.final_state,
                                 model.train_op], feed)
      losses.append(round(float(cost), 5))
    # Greedy sampling: the first character is fed, the loop_function feeds
    # back each step's most likely character.
    start = np.zeros([1, SAMPLE_LEN], np.int32)
    start[0, 0] = vocab["t"]
    probs = sess.run(sampler.probs, {sampler.input_data: start})
    text = "t" + "".join(chars[i] for i in np.argmax(probs, 1))
  print(json.dumps({
      "variables": sorted([v.op.name, v.get_shape().as_list()]
                          for v in tf.global_variables()),
      "losses": losses, "sample": text}))


if __name__ == "__main__":
  main()
