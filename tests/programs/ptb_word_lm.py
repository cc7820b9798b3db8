"""A PTB-style word language model, written the TF 1.x way (cf. the 2017
tensorflow/models PTB tutorial): range_input_producer batches, LSTMBlockCell +
DropoutWrapper in a MultiRNNCell, static_rnn, contrib.seq2seq.sequence_loss,
gradient clipping, tf.train.Supervisor.  It makes its own corpus (a noisy
repeating pattern over a 30-word vocabulary) and prints one JSON line: the
per-epoch perplexities and the first losses.
"""
from __future__ import print_function

import json
import sys
import tempfile

import numpy as np
import tensorflow as tf


class SmallConfig(object):
  init_scale = 0.1
  learning_rate = 1.0
  max_grad_norm = 5
  num_layers = 2
  num_steps = 5
  hidden_size = 16
  max_epoch = 2
  keep_prob = 1.0
  batch_size = 4
  vocab_size = 30


def make_corpus(n=2000, seed=0):
  rng = np.random.RandomState(seed)
  pattern = [1, 5, 9, 2, 7, 7, 3, 11, 4, 20]
  words = [pattern[i % len(pattern)] if rng.rand() > 0.1 else
           rng.randint(SmallConfig.vocab_size) for i in range(n)]
  return np.array(words, np.int32)


def ptb_producer(raw_data, batch_size, num_steps, name=None):
  with tf.name_scope(name, "PTBProducer", [raw_data, batch_size, num_steps]):
    raw_data = tf.convert_to_tensor(raw_data, name="raw_data", dtype=tf.int32)
    data_len = tf.size(raw_data)
    batch_len = data_len // batch_size
    data = tf.reshape(raw_data[0: batch_size * batch_len],
                      [batch_size, batch_len])
    epoch_size = (batch_len - 1) // num_steps
    i = tf.train.range_input_producer(epoch_size, shuffle=False).dequeue()
    x = tf.strided_slice(data, [0, i * num_steps],
                         [batch_size, (i + 1) * num_steps])
    x.set_shape([batch_size, num_steps])
    y = tf.strided_slice(data, [0, i * num_steps + 1],
                         [batch_size, (i + 1) * num_steps + 1])
    y.set_shape([batch_size, num_steps])
    return x, y


class PTBModel(object):

  def __init__(self, is_training, config, input_data, targets):
    size = config.hidden_size
    vocab_size = config.vocab_size
    batch_size, num_steps = config.batch_size, config.num_steps

    def lstm_cell():
      cell = tf.contrib.rnn.LSTMBlockCell(size, forget_bias=0.0)
      if is_training and config.keep_prob < 1:
        cell = tf.contrib.rnn.DropoutWrapper(
            cell, output_keep_prob=config.keep_prob)
      return cell

    cell = tf.contrib.rnn.MultiRNNCell(
        [lstm_cell() for _ in range(config.num_layers)], state_is_tuple=True)
    self.initial_state = cell.zero_state(batch_size, tf.float32)

    with tf.device("/cpu:0"):
      embedding = tf.get_variable("embedding", [vocab_size, size],
                                  dtype=tf.float32)
      inputs = tf.nn.embedding_lookup(embedding, input_data)

    inputs = tf.unstack(inputs, num=num_steps, axis=1)
    outputs, state = tf.contrib.rnn.static_rnn(
        cell, inputs, initial_state=self.initial_state)
    output = tf.reshape(tf.concat(outputs, 1), [-1, size])
    softmax_w = tf.get_variable("softmax_w", [size, vocab_size],
                                dtype=tf.float32)
    softmax_b = tf.get_variable("softmax_b", [vocab_size], dtype=tf.float32)
    logits = tf.nn.xw_plus_b(output, softmax_w, softmax_b)
    logits = tf.reshape(logits, [batch_size, num_steps, vocab_size])
    loss = tf.contrib.seq2seq.sequence_loss(
        logits, targets, tf.ones([batch_size, num_steps], dtype=tf.float32),
        average_across_timesteps=False, average_across_batch=True)
    self.cost = tf.reduce_sum(loss)
    self.final_state = state
    if not is_training:
      return
    self.lr = tf.Variable(0.0, trainable=False)
    tvars = tf.trainable_variables()
    grads, _ = tf.clip_by_global_norm(tf.gradients(self.cost, tvars),
                                      config.max_grad_norm)
    optimizer = tf.train.GradientDescentOptimizer(self.lr)
    self.train_op = optimizer.apply_gradients(
        zip(grads, tvars),
        global_step=tf.contrib.framework.get_or_create_global_step())
    self.new_lr = tf.placeholder(tf.float32, shape=[], name="new_lr")
    self.lr_update = tf.assign(self.lr, self.new_lr)


def run_epoch(session, model, epoch_size, eval_op=None, losses=None):
  costs, iters = 0.0, 0
  state = session.run(model.initial_state)
  fetches = {"cost": model.cost, "final_state": model.final_state}
  if eval_op is not None:
    fetches["eval_op"] = eval_op
  for _ in range(epoch_size):
    feed_dict = {}
    for i, (c, h) in enumerate(model.initial_state):
      feed_dict[c] = state[i].c
      feed_dict[h] = state[i].h
    vals = session.run(fetches, feed_dict)
    state = vals["final_state"]
    costs += vals["cost"]
    iters += SmallConfig.num_steps
    if losses is not None:
      losses.append(float(vals["cost"]))
  return np.exp(costs / iters)


def main(_):
  config = SmallConfig()
  data = make_corpus()
  epoch_size = ((len(data) // config.batch_size) - 1) // config.num_steps
  tf.set_random_seed(1)
  with tf.Graph().as_default():
    tf.set_random_seed(1)
    initializer = tf.random_uniform_initializer(-config.init_scale,
                                                config.init_scale, seed=7)
    with tf.name_scope("Train"):
      x, y = ptb_producer(data, config.batch_size, config.num_steps)
      with tf.variable_scope("Model", reuse=None, initializer=initializer):
        m = PTBModel(True, config, x, y)
    names = sorted(v.op.name for v in tf.global_variables())
    sv = tf.train.Supervisor(logdir=tempfile.mkdtemp(), save_model_secs=0,
                             save_summaries_secs=0)
    perplexities, losses = [], []
    with sv.managed_session() as session:
      for i in range(config.max_epoch):
        session.run(m.lr_update, feed_dict={m.new_lr: config.learning_rate})
        perplexities.append(float(run_epoch(
            session, m, epoch_size, eval_op=m.train_op,
            losses=losses if i == 0 else None)))
  print(json.dumps({"variables": names, "perplexities": perplexities,
                    "first_losses": losses[:10], "epoch_size": epoch_size}))


if __name__ == "__main__":
  main(sys.argv)
