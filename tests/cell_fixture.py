"""Cross-version checkpoint fixture: TF 1.15's own cells -> any TF's cells.

``python tests/cell_fixture.py OUT_DIR`` (TF 1.15 only) builds one small RNN
per cell configuration with TF 1.15's native ``tf.nn.rnn_cell`` classes and
``tf.layers.dense``, gives every variable seeded random values, runs them on fixed inputs,
and writes a checkpoint plus ``expected.npz`` (inputs, initial states, outputs
and final states).  ``tests/test_checkpoint_compat.py`` rebuilds the same
graphs with whichever cells a TF version provides, restores the checkpoint by
variable name and compares the outputs.
"""
from __future__ import absolute_import, division, print_function

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_io  # pylint: disable=g-import-not-at-top,wrong-import-position

BATCH, STEPS, DEPTH = 3, 5, 4

# name -> (cell factory over an rnn_cell namespace, uses dense on top)
CONFIGS = {
    "lstm": lambda rc: rc.LSTMCell(7),
    "lstm_full": lambda rc: rc.LSTMCell(
        6, use_peepholes=True, cell_clip=0.8, num_proj=4, proj_clip=0.5,
        forget_bias=0.7),
    "lstm_concat": lambda rc: rc.LSTMCell(5, state_is_tuple=False),
    "basic_lstm": lambda rc: rc.BasicLSTMCell(6, forget_bias=0.5),
    "gru": lambda rc: rc.GRUCell(6),
    "multi": lambda rc: rc.MultiRNNCell(
        [rc.LSTMCell(5), rc.LSTMCell(4, use_peepholes=True), rc.GRUCell(3)]),
    "basic_rnn": lambda rc: rc.BasicRNNCell(5),
    "wrappers": lambda rc: rc.MultiRNNCell([
        rc.ResidualWrapper(rc.BasicRNNCell(DEPTH)),
        rc.DeviceWrapper(rc.LSTMCell(5), "/cpu:0"),
        rc.DropoutWrapper(rc.GRUCell(3), input_keep_prob=1.0,
                          output_keep_prob=1.0)]),
    "projections": lambda rc: rc.OutputProjectionWrapper(
        rc.InputProjectionWrapper(rc.LSTMCell(5), 6), 3),
    "lstm_block": lambda rc: rc.MultiRNNCell([
        rc.LSTMBlockCell(5, forget_bias=0.3),
        rc.LSTMBlockCell(4, cell_clip=0.2, use_peephole=True),
        rc.GRUBlockCellV2(3), _cudnn_cell(rc)(2)]),
    "layer_norm": lambda rc: rc.MultiRNNCell([
        rc.LayerNormBasicLSTMCell(5, forget_bias=0.4, norm_gain=1.2,
                                  norm_shift=0.1),
        rc.LayerNormBasicLSTMCell(4, layer_norm=False),
        rc.LayerNormBasicLSTMCell(3, dropout_keep_prob=0.7,
                                  dropout_prob_seed=9)]),
    "attention": lambda rc: rc.MultiRNNCell([
        rc.AttentionCellWrapper(rc.LSTMCell(5), attn_length=3),
        rc.AttentionCellWrapper(rc.GRUCell(4), attn_length=2, attn_size=3,
                                attn_vec_size=6, state_is_tuple=False)]),
    "dropout": lambda rc: rc.DropoutWrapper(
        rc.LSTMCell(5), input_keep_prob=0.8, output_keep_prob=0.7,
        state_keep_prob=0.6, seed=11),
    "dropout_stack": lambda rc: rc.DropoutWrapper(
        rc.MultiRNNCell([rc.LSTMCell(4), rc.GRUCell(3), rc.BasicLSTMCell(2)]),
        state_keep_prob=0.6, output_keep_prob=0.8, seed=21),
    "dropout_variational": lambda rc: rc.DropoutWrapper(
        rc.BasicLSTMCell(5), input_keep_prob=0.9, output_keep_prob=0.6,
        state_keep_prob=0.8, variational_recurrent=True, input_size=DEPTH,
        dtype=_float32(), seed=5),
}


def _cudnn_cell(rc):
  """CudnnCompatibleLSTMCell: contrib.cudnn_rnn's on TF 1.x, else `rc`'s."""
  try:
    return rc.CudnnCompatibleLSTMCell
  except AttributeError:
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    return tf.contrib.cudnn_rnn.CudnnCompatibleLSTMCell


# Graph-level seed of the fixture's graph (seeded dropout needs the same).
GRAPH_SEED = 1234


def _float32():
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  return tf.float32
DENSE_UNITS = 2


def _state_arrays(rng, state_size):
  """Random initial state(s) in `state_size`'s structure, as numpy."""
  if isinstance(state_size, int):
    return rng.uniform(-1, 1, (BATCH, state_size)).astype(np.float32)
  return _map(lambda s: _state_arrays(rng, s), state_size)


def _flatten(structure):
  if isinstance(structure, (tuple, list)):
    return [x for s in structure for x in _flatten(s)]
  return [structure]


def build(tf, rnn_cell, dense, name, rng):
  """One config's graph; returns (fetches, numpy inputs and initial state).

  Args:
    tf: ``tf.compat.v1``-like namespace (static_rnn, variable_scope, ...).
    rnn_cell: namespace with the cell classes to build with.
    dense: a ``tf.layers.dense``-compatible function.
    name: key of CONFIGS.
    rng: numpy RandomState giving the inputs and initial state.
  """
  cell = CONFIGS[name](rnn_cell)
  inputs = rng.uniform(-1, 1, (STEPS, BATCH, DEPTH)).astype(np.float32)
  init = _state_arrays(rng, cell.state_size)
  init_t = _map(tf.constant, init)
  with tf.variable_scope(name):
    outputs, final = tf.nn.static_rnn(
        cell, [tf.constant(x) for x in inputs], initial_state=init_t)
    logits = dense(outputs[-1], DENSE_UNITS)
  fetches = outputs + _flatten(final) + [logits]
  return fetches, inputs, init


def _map(fn, structure):
  if hasattr(structure, "_fields"):
    return type(structure)(*[_map(fn, s) for s in structure])
  if isinstance(structure, tuple):
    return tuple(_map(fn, s) for s in structure)
  return fn(structure)


def main(argv):
  """Writes the fixture to argv[1] (TF 1.15 with native cells only)."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  if not tf.version.VERSION.startswith("1."):
    raise SystemExit("cell_fixture: run this under TF 1.15 (native cells)")
  out = argv[1]
  if not os.path.isdir(out):
    os.makedirs(out)
  v1 = tf.compat.v1
  expected = {}
  with tf.Graph().as_default():
    v1.set_random_seed(GRAPH_SEED)
    rng = np.random.RandomState(7)
    all_fetches = {}
    for name in sorted(CONFIGS):
      # tf.contrib.rnn: TF 1.15's tf.nn.rnn_cell classes and the contrib ones.
      fetches, inputs, init = build(v1, tf.contrib.rnn, v1.layers.dense, name,
                                    rng)
      all_fetches[name] = fetches
      expected[name + "/inputs"] = inputs
      for i, s in enumerate(_flatten(init)):
        expected["%s/init_%d" % (name, i)] = s
    saver = v1.train.Saver()
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      fixture_io.load_random_values(v1, sess, rng)
      values = sess.run(all_fetches)
      saver.save(sess, os.path.join(out, "cells"), write_meta_graph=False,
                 write_state=False)
  fixture_io.write_expected(out, values, tf.version.VERSION, expected)
  print("wrote %s (TF %s): %d configs" % (out, tf.version.VERSION,
                                          len(CONFIGS)))


if __name__ == "__main__":
  main(sys.argv)
