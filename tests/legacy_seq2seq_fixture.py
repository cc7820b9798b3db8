"""TF 1.15 fixture for tf.contrib.legacy_seq2seq (and contrib.rnn's
EmbeddingWrapper, which its seq2seq models use).

``python tests/legacy_seq2seq_fixture.py OUT_DIR`` (TF 1.15 only) builds one
graph with every legacy_seq2seq function (feed_previous as a bool and as a
tensor, output projections, loop functions, two attention heads, buckets),
gives every variable seeded random values, runs it on fixed inputs and
writes a checkpoint plus ``expected.npz`` (outputs, final states, losses and
the gradient of the summed losses with respect to every variable).
``tests/test_legacy_seq2seq.py`` rebuilds the graph with any TF's objects,
restores by variable name and compares.
"""
from __future__ import absolute_import, division, print_function

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_io  # pylint: disable=g-import-not-at-top,wrong-import-position

BATCH, DEPTH, SYMBOLS, EMB = 2, 3, 5, 3
GRAPH_SEED = 77
# The cases whose feed_previous is the tensor: also run with it False.
COND_CASES = ("emb_rnn_cond", "emb_tied", "emb_attn_proj", "one2many_a",
              "one2many_b")


def _flatten(structure):
  if isinstance(structure, (tuple, list)):
    return [x for s in structure for x in _flatten(s)]
  return [structure]


def build(tf, ls, rc, rng):
  """The whole graph; returns {case: [fetches]}.

  Args:
    tf: ``tf.compat.v1``-like namespace.
    ls: namespace with the legacy_seq2seq functions.
    rc: namespace with the cell classes (tf.contrib.rnn's names).
    rng: numpy RandomState giving the inputs.
  """
  def floats(n, depth=DEPTH):
    return [tf.constant(rng.uniform(-1, 1, (BATCH, depth)).astype(np.float32))
            for _ in range(n)]

  def ids(n, symbols=SYMBOLS):
    return [tf.constant(rng.randint(0, symbols, BATCH).astype(np.int32))
            for _ in range(n)]

  feed = tf.placeholder_with_default(True, [], name="feed_previous")
  out = {}
  losses = []

  def keep(name, outputs, state=None):
    out[name] = list(outputs) + ([] if state is None else _flatten(state))

  with tf.variable_scope("dec"):
    init = tf.constant(rng.uniform(-1, 1, (BATCH, 4)).astype(np.float32))
    keep("rnn_decoder", *ls.rnn_decoder(
        floats(3), init, rc.GRUCell(4),
        loop_function=lambda prev, i: tf.tanh(prev[:, :DEPTH]) * i))
  with tf.variable_scope("attn"):
    states = tf.constant(rng.uniform(-1, 1, (BATCH, 3, 4)).astype(np.float32))
    keep("attention_decoder", *ls.attention_decoder(
        floats(3), rc.GRUCell(4).zero_state(BATCH, tf.float32), states,
        rc.GRUCell(4), output_size=DEPTH, num_heads=2,
        loop_function=lambda prev, _: prev * 0.5))
  keep("basic", *ls.basic_rnn_seq2seq(floats(2), floats(3), rc.LSTMCell(4)))
  keep("tied", *ls.tied_rnn_seq2seq(floats(2), floats(3), rc.GRUCell(3),
                                    loop_function=lambda prev, _: prev))
  keep("emb_rnn", *ls.embedding_rnn_seq2seq(
      ids(3), ids(3), rc.MultiRNNCell([rc.LSTMCell(4), rc.GRUCell(3)]),
      SYMBOLS, SYMBOLS + 1, EMB, feed_previous=True))
  with tf.variable_scope("proj"):
    w = tf.get_variable("w", [4, SYMBOLS])
    b = tf.get_variable("b", [SYMBOLS])
    outputs, state = ls.embedding_rnn_seq2seq(
        ids(2), ids(3), rc.GRUCell(4), SYMBOLS, SYMBOLS, EMB,
        output_projection=(w, b), feed_previous=feed)
    keep("emb_rnn_cond", outputs, state)
  targets, weights = ids(3), floats(3, 1)
  weights = [tf.reshape(tf.abs(x), [-1]) for x in weights]
  keep("emb_tied", *ls.embedding_tied_rnn_seq2seq(
      ids(2), ids(3), rc.LSTMCell(3), SYMBOLS, EMB,
      num_decoder_symbols=SYMBOLS + 2, feed_previous=feed))
  attn_outputs, attn_state = ls.embedding_attention_seq2seq(
      ids(3), ids(3), rc.LSTMCell(4), SYMBOLS, SYMBOLS, EMB, num_heads=2,
      feed_previous=True, initial_state_attention=True)
  keep("emb_attn", attn_outputs, attn_state)
  out["losses"] = [
      ls.sequence_loss(attn_outputs, targets, weights),
      ls.sequence_loss_by_example(attn_outputs, targets, weights,
                                  average_across_timesteps=False),
      ls.sequence_loss(
          attn_outputs, targets, weights, average_across_batch=False,
          softmax_loss_function=lambda labels, logits: tf.reduce_sum(
              tf.square(logits), 1) * tf.cast(labels, tf.float32))]
  losses += out["losses"][:1]
  with tf.variable_scope("attn_proj"):
    w = tf.get_variable("w", [4, SYMBOLS])
    b = tf.get_variable("b", [SYMBOLS])
    keep("emb_attn_proj", *ls.embedding_attention_seq2seq(
        ids(2), ids(3), rc.GRUCell(4), SYMBOLS, SYMBOLS, EMB,
        output_projection=(w, b), feed_previous=feed))
  with tf.variable_scope("buckets"):
    bucket_outputs, bucket_losses = ls.model_with_buckets(
        ids(3), ids(3), targets, weights, [(2, 2), (3, 3)],
        lambda x, y: ls.embedding_rnn_seq2seq(
            x, y, rc.GRUCell(3), SYMBOLS, SYMBOLS, EMB),
        per_example_loss=True)
    out["buckets"] = _flatten(bucket_outputs) + bucket_losses
  losses += [tf.reduce_sum(x) for x in bucket_losses]
  outputs_dict, state_dict = ls.one2many_rnn_seq2seq(
      ids(2), {"a": ids(2), "b": ids(3)}, rc.GRUCell(3),
      {"a": rc.GRUCell(3), "b": rc.GRUCell(3)}, SYMBOLS,
      {"a": SYMBOLS, "b": SYMBOLS + 1}, EMB, feed_previous=feed)
  for key in sorted(outputs_dict):
    keep("one2many_" + key, outputs_dict[key], state_dict[key])
  # Its own inputs' random numbers, and variables created last, so the draws
  # of everything above stay as they were recorded.
  own = np.random.RandomState(17)
  with tf.variable_scope("emb_dec"):
    init = tf.constant(own.uniform(-1, 1, (BATCH, 4)).astype(np.float32))
    keep("emb_rnn_decoder", *ls.embedding_rnn_decoder(
        [tf.constant(own.randint(0, SYMBOLS, BATCH).astype(np.int32))
         for _ in range(3)], init, rc.GRUCell(4), SYMBOLS, EMB,
        feed_previous=True, update_embedding_for_previous=False))
  # A training step's gradients: of the attention model's and the buckets'
  # losses, with respect to every variable they reach.
  total = tf.add_n(losses)
  variables = sorted(tf.trainable_variables(), key=lambda v: v.op.name)
  grads = [(v, g) for v, g in zip(variables, tf.gradients(total, variables))
           if g is not None]
  out["gradient_names"] = [v.op.name for v, _ in grads]
  out["gradients"] = [tf.convert_to_tensor(g) for _, g in grads]
  return out, feed


def main(argv):
  """Writes the fixture to argv[1] (TF 1.15 with the real tf.contrib)."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  if not tf.version.VERSION.startswith("1."):
    raise SystemExit("legacy_seq2seq_fixture: run this under TF 1.15")
  out = argv[1]
  if not os.path.isdir(out):
    os.makedirs(out)
  v1 = tf.compat.v1
  with tf.Graph().as_default():
    v1.set_random_seed(GRAPH_SEED)
    rng = np.random.RandomState(3)
    fetches, feed = build(v1, tf.contrib.legacy_seq2seq, tf.contrib.rnn, rng)
    saver = v1.train.Saver()
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      fixture_io.load_random_values(v1, sess, rng)
      names = fetches.pop("gradient_names")
      values = sess.run(fetches)
      fed = sess.run({k: fetches[k] for k in COND_CASES}, {feed: False})
      saver.save(sess, os.path.join(out, "seq2seq"), write_meta_graph=False,
                 write_state=False)
  values.update({"fed_" + k: v for k, v in fed.items()})
  n = fixture_io.write_expected(out, values, tf.version.VERSION,
                                {"gradient_names": np.array(names)})
  print("wrote %s (TF %s): %d arrays" % (out, tf.version.VERSION, n))


if __name__ == "__main__":
  main(sys.argv)
