"""TF 1.15 fixture for tf.contrib.seq2seq's attention (AttentionWrapper & co).

``python tests/seq2seq_attention_fixture.py OUT_DIR`` (TF 1.15 only) builds,
with TF 1.15's own ``tf.contrib.seq2seq`` and ``tf.contrib.rnn`` cells, a few
attention-wrapped RNNs run by ``tf.nn.dynamic_rnn`` (every mechanism, masks,
alignment history, several mechanisms at once, attention layers, a custom
cell input, an initial cell state) and the functions ``hardmax``,
``safe_cumprod`` and ``monotonic_attention``; gives every variable seeded
values; and writes a checkpoint plus ``expected.npz``: the outputs, final
states, alignment histories and the gradient of one loss with respect to each
variable.  ``tests/test_seq2seq_attention.py`` rebuilds the same graph with
the routed (and the in-house) objects, restores the checkpoint by variable
name and compares.
"""
from __future__ import absolute_import, division, print_function

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_io  # pylint: disable=g-import-not-at-top,wrong-import-position

BATCH, STEPS, MEM_TIME, MEM_DEPTH, DEPTH = 3, 4, 5, 6, 2
GRAPH_SEED = 4321
LENGTHS = np.array([5, 3, 1], np.int32)


def _scaled_softmax(tf):
  return lambda score: tf.nn.softmax(1.5 * score)


def _sub_input(tf):
  """A cell_input_fn other than the default concat."""
  return lambda inputs, attention: tf.concat(
      [inputs * 2.0, tf.tanh(attention)], -1)


def _config_bahdanau(tf, seq, rc, memory, lengths):
  mech = seq.BahdanauAttention(5, memory, memory_sequence_length=lengths)
  cell = seq.AttentionWrapper(rc.LSTMCell(4), mech, attention_layer_size=3,
                              alignment_history=True)
  return cell, None


def _config_multi(tf, seq, rc, memory, lengths):
  mechs = [
      seq.BahdanauAttention(4, memory, normalize=True,
                            probability_fn=_scaled_softmax(tf)),
      seq.LuongAttention(4, memory, memory_sequence_length=lengths,
                         scale=True, score_mask_value=-50.0),
  ]
  cell = seq.AttentionWrapper(rc.GRUCell(4), mechs, attention_layer_size=[3, 2],
                              alignment_history=True, output_attention=False,
                              cell_input_fn=_sub_input(tf), name="multi_attn")
  return cell, None


def _config_monotonic(tf, seq, rc, memory, lengths):
  mechs = [
      seq.BahdanauMonotonicAttention(4, memory, memory_sequence_length=lengths,
                                     normalize=True, score_bias_init=-0.5),
      seq.LuongMonotonicAttention(4, memory, scale=True, mode="recursive",
                                  score_bias_init=0.3),
  ]
  inner = rc.LSTMCell(4)
  init = inner.zero_state(BATCH, tf.float32)
  init = type(init)(init.c + 0.25, init.h - 0.5)
  cell = seq.AttentionWrapper(inner, mechs, initial_cell_state=init)
  return cell, None


def _config_luong_clone(tf, seq, rc, memory, lengths):
  """Plain Luong, no attention layer; the initial state set by clone()."""
  mech = seq.LuongAttention(4, memory, memory_sequence_length=lengths)
  cell = seq.AttentionWrapper(rc.GRUCell(4), mech)
  zero = cell.zero_state(BATCH, tf.float32)
  start = zero.clone(cell_state=zero.cell_state + 0.3)
  return cell, start


CONFIGS = {
    "bahdanau": _config_bahdanau,
    "multi": _config_multi,
    "monotonic": _config_monotonic,
    "luong_clone": _config_luong_clone,
}


def _flat_state(state):
  """The final state's tensors, alignment histories stacked."""
  out = []
  for field in ("cell_state", "attention", "time", "alignments",
                "attention_state", "alignment_history"):
    for x in _flatten(getattr(state, field)):
      out.append(x.stack() if hasattr(x, "stack") else x)
  return out


def _flatten(structure):
  if isinstance(structure, (tuple, list)):
    return [x for s in structure for x in _flatten(s)]
  return [structure]


def build_functions(tf, seq, rng):
  """hardmax, safe_cumprod and monotonic_attention on fixed values."""
  p = rng.uniform(0.05, 0.95, (BATCH, MEM_TIME)).astype(np.float32)
  prev = rng.uniform(0, 1, (BATCH, MEM_TIME)).astype(np.float32)
  prev /= prev.sum(1, keepdims=True)
  hard_p = (p > 0.5).astype(np.float32)
  logits = rng.uniform(-1, 1, (BATCH, 2, MEM_TIME)).astype(np.float32)
  p_t, prev_t = tf.constant(p), tf.constant(prev)
  return [
      seq.hardmax(tf.constant(logits)),
      seq.hardmax(tf.placeholder_with_default(logits[0], [None, None])),
      seq.safe_cumprod(p_t, axis=1),
      seq.safe_cumprod(p_t, axis=1, exclusive=True, reverse=True),
      seq.monotonic_attention(p_t, prev_t, "parallel"),
      seq.monotonic_attention(p_t, prev_t, "recursive"),
      seq.monotonic_attention(tf.constant(hard_p), prev_t, "hard"),
  ]


def build(tf, seq, rc, rng):
  """The whole graph; returns (fetches by config, loss).

  Args:
    tf: ``tf.compat.v1``-like namespace (nn.dynamic_rnn, variable_scope...).
    seq: namespace with the tf.contrib.seq2seq attention names.
    rc: namespace with the LSTMCell and GRUCell classes.
    rng: numpy RandomState giving the memory and inputs.
  """
  memory = tf.constant(rng.uniform(-1, 1, (BATCH, MEM_TIME, MEM_DEPTH))
                       .astype(np.float32))
  lengths = tf.constant(LENGTHS)
  fetches = {}
  loss = 0.0
  for name in sorted(CONFIGS):
    inputs = rng.uniform(-1, 1, (BATCH, STEPS, DEPTH)).astype(np.float32)
    with tf.variable_scope(name):
      cell, start = CONFIGS[name](tf, seq, rc, memory, lengths)
      outputs, final = tf.nn.dynamic_rnn(
          cell, tf.constant(inputs), initial_state=start,
          dtype=tf.float32)
    fetches[name] = [outputs] + _flat_state(final)
    loss += tf.reduce_sum(tf.square(outputs)) + tf.reduce_sum(
        _flatten(final.attention)[0])
  fetches["functions"] = build_functions(tf, seq, rng)
  return fetches, loss


def gradients(tf, loss):
  """{variable name: gradient tensor} over the trainable variables."""
  variables = tf.trainable_variables()
  grads = tf.gradients(loss, variables)
  return {v.op.name: g for v, g in zip(variables, grads) if g is not None}


def main(argv):
  """Writes the fixture to argv[1] (TF 1.15 with the real contrib only)."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  if not tf.version.VERSION.startswith("1."):
    raise SystemExit("seq2seq_attention_fixture: run this under TF 1.15")
  out = argv[1]
  if not os.path.isdir(out):
    os.makedirs(out)
  v1 = tf.compat.v1
  with tf.Graph().as_default():
    v1.set_random_seed(GRAPH_SEED)
    fetches, loss = build(v1, tf.contrib.seq2seq, tf.contrib.rnn,
                          np.random.RandomState(3))
    grads = gradients(v1, loss)
    saver = v1.train.Saver()
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      fixture_io.load_random_values(v1, sess, np.random.RandomState(5))
      values, grad_values = sess.run((fetches, grads))
      saver.save(sess, os.path.join(out, "attention"), write_meta_graph=False,
                 write_state=False)
  extra = {"grad/" + k: v for k, v in grad_values.items()}
  fixture_io.write_expected(out, values, tf.version.VERSION, extra)
  print("wrote %s (TF %s): %d configs, %d gradients" % (
      out, tf.version.VERSION, len(CONFIGS), len(grad_values)))


if __name__ == "__main__":
  main(sys.argv)
