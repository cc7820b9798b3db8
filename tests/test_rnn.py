"""tf.compat.v1.nn.static_state_saving_rnn with the state saver: SPEC §10.

TF's own ``static_state_saving_rnn`` is used unchanged.  Cells: TF's native
LSTMCell where the installed TF still has it, and the in-house one everywhere.
"""
from __future__ import absolute_import, division, print_function

import collections

import numpy as np
import pytest
import tensorflow as tf

import legacy_pipeline

tf1 = tf.compat.v1


def _native_cells():
  try:
    return tf1.nn.rnn_cell
  except (AttributeError, ImportError):
    return None


def _native_available():
  try:
    _native_cells().LSTMCell  # pylint: disable=pointless-statement
    return True
  except Exception:  # pylint: disable=broad-except
    return False


CELL_PARAMS = [
    pytest.param("inhouse", id="inhouse-cells"),
    pytest.param("native", id="native-cells", marks=pytest.mark.skipif(
        not _native_available(),
        reason="this TF has no tf.compat.v1.nn.rnn_cell (Keras 3)")),
]


@pytest.fixture(params=CELL_PARAMS)
def cells(request):
  return legacy_pipeline if request.param == "inhouse" else _native_cells()


class RecordingSaver(object):
  """A plain state saver: zero states, records what is saved."""

  def __init__(self, batch_size, sizes):
    self._batch_size = batch_size
    self._sizes = sizes
    self.saved = {}
    self.state_calls = collections.Counter()
    self.save_calls = collections.Counter()

  def state(self, name):
    self.state_calls[name] += 1
    return tf.zeros([self._batch_size, self._sizes[name]])

  def save_state(self, name, value):
    self.save_calls[name] += 1
    self.saved[name] = value
    return tf.no_op(name="save_%s" % name)


def _inputs(batch=2, steps=8, depth=5, seed=0):
  rng = np.random.RandomState(seed)
  return [tf.constant(rng.randn(batch, depth).astype(np.float32))
          for _ in range(steps)]


def test_non_tuple_state(h, cells):
  """§13.21."""
  cell = cells.LSTMCell(3, state_is_tuple=False)
  saver = RecordingSaver(2, {"save_lstm": 6})
  outputs, state = tf1.nn.static_state_saving_rnn(
      cell, _inputs(), saver, "save_lstm")
  assert len(outputs) == 8
  assert all(o.get_shape().as_list() == [2, 3] for o in outputs)
  h.init_variables()
  state_v, saved_v = h.run([state, saver.saved["save_lstm"]])
  np.testing.assert_allclose(state_v, saved_v)


def test_tuple_state(h, cells):
  """§13.22."""
  cell = cells.LSTMCell(3, state_is_tuple=True)
  saver = RecordingSaver(2, {"c": 3, "m": 3})
  _, state = tf1.nn.static_state_saving_rnn(cell, _inputs(), saver, ("c", "m"))
  h.init_variables()
  (c, m), sc, sm = h.run([state, saver.saved["c"], saver.saved["m"]])
  np.testing.assert_allclose(c, sc)
  np.testing.assert_allclose(m, sm)


def test_nested_state_names(h, cells):
  """§13.23: four stacked LSTMs with nested names."""
  num_units = 4
  stack = cells.MultiRNNCell(
      [cells.LSTMCell(num_units + i, state_is_tuple=True) for i in range(4)],
      state_is_tuple=True)
  names = tuple(("c%d" % i, "m%d" % i) for i in range(4))
  sizes = dict(("%s%d" % (k, i), num_units + i) for i in range(4)
               for k in "cm")
  saver = RecordingSaver(2, sizes)
  outputs, state = tf1.nn.static_state_saving_rnn(stack, _inputs(), saver,
                                                  names)
  assert outputs[-1].get_shape().as_list() == [2, num_units + 3]
  h.init_variables()
  flat_state = tf.nest.flatten(state)
  flat_names = tf.nest.flatten(names)
  values = h.run([flat_state, [saver.saved[n] for n in flat_names]])
  for got, saved in zip(*values):
    np.testing.assert_allclose(got, saved)


def test_name_mismatch_errors(h, cells):
  """§10: structure and leaf-count mismatches."""
  cell = cells.LSTMCell(3, state_is_tuple=True)
  saver = RecordingSaver(2, {"c": 3, "m": 3, "x": 3})
  # TF 2.x words it "Argument `state_name` should be the same type ...".
  with pytest.raises(ValueError, match="state_name`? should be the same type"):
    tf1.nn.static_state_saving_rnn(cell, _inputs(), saver, "c")
  with pytest.raises(ValueError, match=r"state_name|state_size"):
    tf1.nn.static_state_saving_rnn(cell, _inputs(), saver, ("c", "m", "x"))


@pytest.mark.parametrize("scope", [None, "my_scope", "object"])
def test_variable_scope(h, cells, scope):
  """§13.24: variables live under the given scope, default "rnn"."""
  cell = cells.LSTMCell(3)
  saver = RecordingSaver(2, {"c": 3, "m": 3})
  if scope == "object":
    with tf1.variable_scope("obj_scope") as vs:
      pass
    arg, want = vs, "obj_scope/"
  else:
    arg, want = scope, (scope or "rnn") + "/"
  tf1.nn.static_state_saving_rnn(cell, _inputs(), saver, ("c", "m"),
                                 scope=arg)
  names = [v.op.name for v in tf1.global_variables()]
  assert names and all(n.startswith(want) for n in names), names


def test_zero_state_equals_static_rnn(h, cells):
  """§13.25: with zero states the result equals static_rnn."""
  cell = cells.LSTMCell(3)
  saver = RecordingSaver(2, {"h": 3, "c": 3})
  inputs = _inputs()
  outputs, state = tf1.nn.static_state_saving_rnn(cell, inputs, saver,
                                                  ("c", "h"))
  ref_outputs, ref_state = tf1.nn.static_rnn(cell, inputs, dtype=tf.float32,
                                             scope="rnn")
  h.init_variables()
  a, b = h.run([(outputs, state), (ref_outputs, ref_state)])
  for x, y in zip(tf.nest.flatten(a), tf.nest.flatten(b)):
    np.testing.assert_allclose(x, y, rtol=1e-6, atol=1e-6)


def test_state_and_save_called_equally(h, cells):
  """§13.26: state() and save_state() once per leaf."""
  cell = cells.LSTMCell(3)
  saver = RecordingSaver(2, {"c": 3, "m": 3})
  tf1.nn.static_state_saving_rnn(cell, _inputs(), saver, ("c", "m"))
  assert saver.state_calls == saver.save_calls == {"c": 1, "m": 1}


def test_segments_equal_one_unrolled_run(h, cells):
  """Issue 2 item 4: the state carried across segments is exact.

  Outputs over all segments of each sequence (with sequence_length=length,
  lengths not multiples of num_unroll, a trailing zero-length segment) equal
  one static_rnn over the whole sequence from the same initial state.
  """
  num_unroll, depth, units = 3, 2, 4
  rng = np.random.RandomState(7)
  data = {b"A": rng.randn(9, depth), b"B": rng.randn(5, depth),
          b"C": rng.randn(7, depth), b"D": rng.randn(2, depth)}
  lengths = {b"A": 4, b"B": 5, b"C": 7, b"D": 2}  # A ends two segments early
  init_c = rng.randn(units).astype(np.float32)
  init_h = rng.randn(units).astype(np.float32)

  key = tf1.placeholder(tf.string, [])
  seq = tf1.placeholder(tf.float32, [None, depth])
  length = tf1.placeholder(tf.int32, [])
  padded = tf.concat([seq, tf.zeros([tf.math.floormod(
      -tf.shape(seq)[0], num_unroll), depth])], 0)
  saver = legacy_pipeline.SequenceQueueingStateSaver(
      batch_size=2, num_unroll=num_unroll, input_length=length, input_key=key,
      input_sequences={"x": padded}, input_context={},
      initial_states={"c": init_c, "h": init_h}, allow_small_batch=True)
  batch = saver.next_batch
  cell = cells.LSTMCell(units)
  inputs = tf.unstack(batch.sequences["x"], num=num_unroll, axis=1)
  outputs, final = tf1.nn.static_state_saving_rnn(
      cell, inputs, batch, ("c", "h"), sequence_length=batch.length)

  full = tf1.placeholder(tf.float32, [None, depth])
  steps = tf1.placeholder(tf.int32, [])
  ref_inputs = tf.unstack(tf.reshape(full, [1, -1, depth]), num=9, axis=1)
  ref_state = (tf.constant(init_c[None]), tf.constant(init_h[None]))
  state_tuple = (legacy_pipeline.LSTMStateTuple if cells is legacy_pipeline
                 else cells.LSTMStateTuple)
  ref_outputs, _ = tf1.nn.static_rnn(
      cell, ref_inputs, initial_state=state_tuple(*ref_state),
      sequence_length=tf.reshape(steps, [1]), scope="rnn")
  h.init_variables()
  for k, v in data.items():
    h.run(saver.prefetch_op, {key: k, seq: v, length: lengths[k]})
  h.run(saver.close())
  got = collections.defaultdict(list)
  while True:
    try:
      keys, out = h.run([batch.key, outputs])
    except tf.errors.OutOfRangeError:
      break
    for r, k in enumerate(keys):
      name = k.split(b":", 1)[1]
      got[name].append(np.stack([o[r] for o in out]))
  assert sorted(got) == sorted(data)
  for k, v in data.items():
    seg_outputs = np.concatenate(got[k])
    full_in = np.zeros([9, depth], np.float32)
    full_in[:len(v)] = v
    ref = np.stack(h.run(ref_outputs, {full: full_in, steps: lengths[k]}))[:, 0]
    n = lengths[k]
    np.testing.assert_allclose(seg_outputs[:n], ref[:n], rtol=1e-5, atol=1e-6)
    # Past the length: zero outputs (static_rnn's sequence_length rule).
    assert not seg_outputs[n:].any()
