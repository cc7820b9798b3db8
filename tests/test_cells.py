"""legacy_pipeline.nn.cells: the in-house TF 1.x cells' API and state layouts.

Their math and variable names against TF 1.15's own cells are checked by
tests/test_checkpoint_compat.py (a TF 1.15 checkpoint restores, outputs agree
to 1e-5); this module checks what programs rely on around that: sizes, zero
states, tuple and concatenated state layouts, scope naming and reuse.
"""
from __future__ import absolute_import, division, print_function

import numpy as np
import pytest
import tensorflow as tf

from legacy_pipeline.nn import cells

tf1 = tf.compat.v1
BATCH, DEPTH = 3, 4


def _inputs():
  rng = np.random.RandomState(0)
  return tf.constant(rng.rand(BATCH, DEPTH).astype(np.float32))


def _state(rng, size):
  return tf.nest.map_structure(
      lambda n: tf.constant(rng.rand(BATCH, n).astype(np.float32)), size)


@pytest.mark.parametrize("make, state_size, output_size", [
    (lambda: cells.BasicLSTMCell(5), (5, 5), 5),
    (lambda: cells.LSTMCell(5, num_proj=2, use_peepholes=True), (5, 2), 2),
    (lambda: cells.GRUCell(5), 5, 5),
    (lambda: cells.MultiRNNCell([cells.LSTMCell(5), cells.GRUCell(2)]),
     ((5, 5), 2), 2),
], ids=["basic_lstm", "lstm_proj_peep", "gru", "multi"])
def test_sizes_zero_state_and_step_shapes(h, make, state_size, output_size):
  cell = make()
  assert tf.nest.flatten(cell.state_size) == tf.nest.flatten(state_size)
  assert cell.output_size == output_size
  zero = cell.zero_state(BATCH, tf.float32)
  out, new = cell(_inputs(), zero)
  assert out.get_shape().as_list() == [BATCH, output_size]
  tf.nest.assert_same_structure(new, zero)
  h.init_variables()
  values = h.run(tf.nest.flatten(zero))
  assert all(not v.any() for v in values)
  assert [v.shape[1] for v in h.run(tf.nest.flatten(new))] == \
      tf.nest.flatten(state_size)


def test_lstm_state_tuple_fields(h):
  cell = cells.LSTMCell(5, num_proj=2)
  state = cell.zero_state(BATCH, tf.float32)
  assert isinstance(state, cells.LSTMStateTuple)
  assert state.c.get_shape().as_list() == [BATCH, 5]
  assert state.h.get_shape().as_list() == [BATCH, 2]
  assert state.dtype == tf.float32


@pytest.mark.parametrize("kind", ["basic_lstm", "lstm", "multi"])
def test_concatenated_state_equals_tuple_state(h, kind):
  rng = np.random.RandomState(1)

  def make(is_tuple, name):
    if kind == "basic_lstm":
      return cells.BasicLSTMCell(5, state_is_tuple=is_tuple, name=name)
    if kind == "lstm":
      return cells.LSTMCell(5, num_proj=3, state_is_tuple=is_tuple, name=name)
    # (As in TF 1.x, a concatenated stack needs concatenated inner states.)
    return cells.MultiRNNCell(
        [cells.LSTMCell(5, state_is_tuple=is_tuple, name="a"),
         cells.GRUCell(2, name="b")], state_is_tuple=is_tuple)

  tuple_cell = make(True, "shared")
  tuple_state = _state(rng, tuple_cell.state_size)
  x = _inputs()
  with tf1.variable_scope("v"):
    out_t, new_t = tuple_cell(x, tuple_state)
  flat = tf.concat(tf.nest.flatten(tuple_state), 1)
  with tf1.variable_scope("v", reuse=True):
    concat_cell = make(False, "shared")
    assert concat_cell.state_size == sum(tf.nest.flatten(
        tuple_cell.state_size))
    out_c, new_c = concat_cell(x, flat)
  h.init_variables()
  a, b, c, d = h.run([out_t, tf.concat(tf.nest.flatten(new_t), 1), out_c,
                      new_c])
  np.testing.assert_allclose(a, c, rtol=1e-6)
  np.testing.assert_allclose(b, d, rtol=1e-6)


def test_scope_names_are_unique_and_calls_reuse(h):
  x = _inputs()
  first, second = cells.LSTMCell(5), cells.LSTMCell(5)
  s1 = first.zero_state(BATCH, tf.float32)
  first(x, s1)
  second(x, second.zero_state(BATCH, tf.float32))
  first(x, s1)  # second call: reuses, creates nothing
  names = sorted(v.op.name for v in tf1.global_variables())
  assert names == ["lstm_cell/bias", "lstm_cell/kernel", "lstm_cell_1/bias",
                   "lstm_cell_1/kernel"]


def test_lstm_cell_refuses_shards(h):
  with pytest.raises(ValueError, match="num_unit_shards"):
    cells.LSTMCell(5, num_unit_shards=2)
  with pytest.raises(ValueError, match="at least one cell"):
    cells.MultiRNNCell([])


@pytest.mark.parametrize("make", [
    lambda: cells.LSTMCell(5), lambda: cells.BasicLSTMCell(5),
    lambda: cells.GRUCell(5),
    lambda: cells.MultiRNNCell([cells.LSTMCell(5), cells.LSTMCell(5)])],
    ids=["lstm", "basic_lstm", "gru", "multi"])
def test_new_cell_in_a_reused_scope_shares_the_variables(h, make):
  # The TF 1.x pattern of a second (eval) graph built with fresh cells under
  # variable_scope(s, reuse=True): names restart at the scope's re-entry, as
  # TF 1.x layers' default names do, so the first cell's variables are found.
  x = _inputs()
  with tf1.variable_scope("model"):
    train_cell = make()
    out_train, _ = train_cell(x, train_cell.zero_state(BATCH, tf.float32))
  count = len(tf1.global_variables())
  with tf1.variable_scope("model", reuse=True):
    eval_cell = make()
    out_eval, _ = eval_cell(x, eval_cell.zero_state(BATCH, tf.float32))
  assert len(tf1.global_variables()) == count
  h.init_variables()
  a, b = h.run([out_train, out_eval])
  np.testing.assert_array_equal(a, b)


# -- wrappers (legacy_pipeline.nn.wrappers) ------------------------------------

from legacy_pipeline.nn import wrappers  # noqa: E402


def test_dropout_wrapper_argument_errors(h):
  with pytest.raises(ValueError, match="output_keep_prob must be between"):
    wrappers.DropoutWrapper(cells.LSTMCell(3), output_keep_prob=1.5)
  with pytest.raises(TypeError, match="dtype must be provided"):
    wrappers.DropoutWrapper(cells.LSTMCell(3), output_keep_prob=0.5,
                            variational_recurrent=True)
  with pytest.raises(ValueError, match="input_size"):
    wrappers.DropoutWrapper(cells.LSTMCell(3), input_keep_prob=0.5,
                            variational_recurrent=True, dtype=tf.float32)


def test_dropout_wrapper_keeps_the_lstm_memory_and_scales_the_rest(h):
  cell = wrappers.DropoutWrapper(cells.LSTMCell(64), state_keep_prob=0.5,
                                 output_keep_prob=0.5, seed=1)
  state = cell.zero_state(BATCH, tf.float32)
  out, new = cell(_inputs(), state)
  plain = cells.LSTMCell(64, name="lstm_cell")
  with tf1.variable_scope("", reuse=True):
    ref_out, ref_new = plain(_inputs(), state)
  h.init_variables()
  o, c, hh, ro, rc, rh = h.run([out, new.c, new.h, ref_out, ref_new.c,
                                ref_new.h])
  np.testing.assert_allclose(c, rc, rtol=1e-6)  # c is never dropped
  for got, ref in ((o, ro), (hh, rh)):
    kept = got != 0
    assert 0.2 < kept.mean() < 0.8  # about half dropped
    np.testing.assert_allclose(got[kept], 2 * ref[kept], rtol=1e-5)


def test_residual_device_and_projection_wrappers(h):
  x = _inputs()
  res = wrappers.ResidualWrapper(cells.BasicRNNCell(DEPTH))
  out, _ = res(x, res.zero_state(BATCH, tf.float32))
  dev = wrappers.DeviceWrapper(cells.GRUCell(2), "/cpu:0")
  dout, _ = dev(x, dev.zero_state(BATCH, tf.float32))
  assert "CPU:0" in dout.device.upper()
  proj = wrappers.OutputProjectionWrapper(
      wrappers.InputProjectionWrapper(cells.LSTMCell(5), 6), 3)
  assert proj.output_size == 3 and proj.state_size == (5, 5)
  pout, _ = proj(x, proj.zero_state(BATCH, tf.float32))
  assert pout.get_shape().as_list() == [BATCH, 3]
  h.init_variables()
  inner = [v for v in tf1.global_variables() if "basic_rnn_cell" in v.name]
  a, xs, k, b = h.run([out, x] + inner)
  np.testing.assert_allclose(a, xs + np.tanh(xs.dot(k[:DEPTH]) + b),
                             rtol=1e-5, atol=1e-6)
  with pytest.raises(ValueError, match="output_size must be > 0"):
    wrappers.OutputProjectionWrapper(cells.LSTMCell(5), 0)
  wide = wrappers.ResidualWrapper(cells.BasicRNNCell(DEPTH + 1))
  with pytest.raises(ValueError):
    wide(x, wide.zero_state(BATCH, tf.float32))


# -- stack_bidirectional_dynamic_rnn (legacy_pipeline.nn.rnn) ------------------

from legacy_pipeline.nn import rnn as rnn_lib  # noqa: E402


def _stack_bidi(fn, make_cell):
  rng = np.random.RandomState(5)
  x = tf.constant(rng.rand(BATCH, 6, DEPTH).astype(np.float32))
  lengths = tf.constant([6, 3, 1])
  with tf1.variable_scope("s", initializer=tf1.constant_initializer(0.05)):
    out, fw, bw = fn([make_cell(4), make_cell(3)],
                     [make_cell(4), make_cell(2)], x, dtype=tf.float32,
                     sequence_length=lengths)
  return out, fw, bw


def test_stack_bidirectional_dynamic_rnn(h):
  out, fw, bw = _stack_bidi(rnn_lib.stack_bidirectional_dynamic_rnn,
                            cells.GRUCell)
  assert out.get_shape().as_list() == [BATCH, 6, 5]
  assert len(fw) == len(bw) == 2
  names = sorted(v.op.name for v in tf1.global_variables())
  assert "s/stack_bidirectional_rnn/cell_0/bidirectional_rnn/fw/gru_cell/" \
      "gates/kernel" in names
  assert "s/stack_bidirectional_rnn/cell_1/bidirectional_rnn/bw/gru_cell/" \
      "candidate/bias" in names
  h.init_variables()
  o = h.run(out)
  assert not o[2, 1:].any()  # past the sequence length: zeros
  with pytest.raises(ValueError, match="same depth"):
    rnn_lib.stack_bidirectional_dynamic_rnn(
        [cells.GRUCell(2)], [cells.GRUCell(2), cells.GRUCell(2)], None)


@pytest.mark.skipif(not tf.version.VERSION.startswith("1."),
                    reason="compares with the real tf.contrib (TF 1.x)")
def test_stack_bidirectional_dynamic_rnn_same_as_contrib(h):
  from tensorflow.contrib import rnn as contrib_rnn  # pylint: disable=g-import-not-at-top
  ours = _stack_bidi(rnn_lib.stack_bidirectional_dynamic_rnn,
                     tf1.nn.rnn_cell.GRUCell)
  names = sorted(v.op.name for v in tf1.global_variables())
  with tf.Graph().as_default():
    theirs = _stack_bidi(contrib_rnn.stack_bidirectional_dynamic_rnn,
                         tf1.nn.rnn_cell.GRUCell)
    their_names = sorted(v.op.name for v in tf1.global_variables())
    with tf1.Session() as sess:
      sess.run(tf1.global_variables_initializer())
      want = sess.run(tf.nest.flatten(theirs))
  assert names == their_names
  h.init_variables()
  for a, b in zip(h.run(tf.nest.flatten(ours)), want):
    np.testing.assert_allclose(a, b, rtol=1e-6)
