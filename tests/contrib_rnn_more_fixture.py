"""TF 1.15 fixture of legacy_pipeline.nn.contrib_rnn_more (tf.contrib.rnn).

``python tests/contrib_rnn_more_fixture.py`` (TF 1.15 only) builds one graph
holding every configuration below with the real ``tf.contrib.rnn``, gives
every variable seeded random values, and writes into FIXTURE a checkpoint and
``expected.npz``: each configuration's fetches and the gradients of one loss
over those of GRAD_CONFIGS with respect to their variables (by name).
``tests/test_contrib_rnn_more.py`` rebuilds the graph with the in-house names,
restores the checkpoint by variable name and compares.
"""
from __future__ import absolute_import, division, print_function

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_io  # pylint: disable=g-import-not-at-top,wrong-import-position

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures",
                       "tf115_contrib_rnn_more")
BATCH, STEPS = 2, 2
SEQ_LEN = np.array([2, 1], np.int32)


def _layer_cell(rc, tf):
  """A user cell built on LayerRNNCell (variables made in build())."""

  class MinimalCell(rc.LayerRNNCell):
    """h' = tanh([x, h] @ kernel + bias)."""

    def __init__(self, num_units, **kwargs):
      super(MinimalCell, self).__init__(**kwargs)
      self._units = num_units

    @property
    def state_size(self):
      return self._units

    @property
    def output_size(self):
      return self._units

    def build(self, inputs_shape):
      depth = inputs_shape[-1]
      depth = depth if isinstance(depth, int) or depth is None else \
          depth.value
      self._kernel = self.add_variable("kernel",
                                       [depth + self._units, self._units])
      self._bias = self.add_variable("bias", [self._units])
      self.built = True

    def call(self, inputs, state):
      out = tf.tanh(tf.matmul(tf.concat([inputs, state], 1), self._kernel) +
                    self._bias)
      return out, out

  return MinimalCell


def _x(rng, *shape):
  return rng.uniform(-1, 1, shape).astype(np.float32)


def _conv(tf, rc, rng):
  v1 = tf.compat.v1
  out = []
  with v1.variable_scope("conv2d"):
    cell = rc.Conv2DLSTMCell(input_shape=[4, 4, 2], output_channels=3,
                             kernel_shape=[3, 3])
    o, s = v1.nn.dynamic_rnn(cell, tf.constant(_x(rng, BATCH, STEPS, 4, 4, 2)),
                             sequence_length=SEQ_LEN, dtype=tf.float32)
    out += [o, s.c, s.h]
  with v1.variable_scope("conv1d"):
    cell = rc.Conv1DLSTMCell(input_shape=[5, 2], output_channels=2,
                             kernel_shape=[3], forget_bias=0.5)
    init = cell.zero_state(BATCH, tf.float32)
    xs = [tf.constant(_x(rng, BATCH, 5, 2)) for _ in range(STEPS)]
    o, s = v1.nn.static_rnn(cell, xs, initial_state=init)
    out += o + [s.c, s.h]
  with v1.variable_scope("conv3d"):
    cell = rc.Conv3DLSTMCell(input_shape=[2, 3, 2, 1], output_channels=2,
                             kernel_shape=[2, 2, 2], use_bias=False)
    o, s = v1.nn.dynamic_rnn(
        cell, tf.constant(_x(rng, STEPS, BATCH, 2, 3, 2, 1)),
        time_major=True, dtype=tf.float32)
    out += [o, s.c, s.h]
  with v1.variable_scope("generic"):
    # (skip_connection makes h wider than state_size says: TF 1.15 can only
    # run it for one step.  A plain RNNCell's scope is not numbered in
    # TF 1.15: a second unnamed cell here would clash with the first.)
    first = rc.ConvLSTMCell(1, [4, 1], 2, [2])
    second = rc.ConvLSTMCell(conv_ndims=1, input_shape=[4, 2],
                             output_channels=1, kernel_shape=[3],
                             skip_connection=True, name="second")
    x = tf.constant(_x(rng, BATCH, 4, 1))
    state = first.zero_state(BATCH, tf.float32)
    h1, _ = first(x, state)
    h2, _ = second(h1, second.zero_state(BATCH, tf.float32))
    out += [h1, h2]
  return out


def _fused(tf, rc, rng):
  v1 = tf.compat.v1
  out = []
  x = tf.constant(_x(rng, STEPS, BATCH, 3))
  with v1.variable_scope("fused"):
    cell = rc.LSTMBlockFusedCell(5, forget_bias=0.3, cell_clip=0.8,
                                 use_peephole=True)
    init = (tf.constant(_x(rng, BATCH, 5)), tf.constant(_x(rng, BATCH, 5)))
    o, s = cell(x, initial_state=init, sequence_length=SEQ_LEN)
    out += [o, s.c, s.h]
    plain = rc.LSTMBlockFusedCell(4)
    o, s = plain(x, dtype=tf.float32)
    out += [o, s.c, s.h]
    back = rc.TimeReversedFusedRNN(rc.LSTMBlockFusedCell(2))
    o, s = back(x, dtype=tf.float32, sequence_length=SEQ_LEN)
    out += [o, s.c, s.h]
  with v1.variable_scope("adaptor"):
    dyn = rc.FusedRNNCellAdaptor(rc.GRUCell(3), use_dynamic_rnn=True)
    o, s = dyn(tf.unstack(x), dtype=tf.float32, sequence_length=SEQ_LEN)
    out += o + [s]
    static = rc.TimeReversedFusedRNN(rc.FusedRNNCellAdaptor(rc.LSTMCell(2)))
    o, s = static(x, dtype=tf.float32, sequence_length=SEQ_LEN,
                  scope="reversed")
    out += [o, s.c, s.h]
  return out


def _stacked(tf, rc, rng):
  v1 = tf.compat.v1
  xs = [tf.constant(_x(rng, BATCH, 3)) for _ in range(STEPS)]
  o, fw, bw = rc.stack_bidirectional_rnn(
      [rc.GRUCell(3), rc.LSTMCell(2)], [rc.GRUCell(2), rc.GRUCell(3)], xs,
      initial_states_fw=[tf.constant(_x(rng, BATCH, 3)), None],
      dtype=tf.float32, sequence_length=SEQ_LEN)
  out = o + [fw[0], fw[1].c, fw[1].h, bw[0], bw[1]]
  with v1.variable_scope("layer_cell"):
    cell = _layer_cell(rc, tf)(4)
    o, s = v1.nn.dynamic_rnn(cell, tf.constant(_x(rng, BATCH, STEPS, 3)),
                             dtype=tf.float32)
    out += [o, s]
  t = rc.transpose_batch_time(tf.constant(_x(rng, BATCH, STEPS, 2)))
  out += [t]
  return out


def _random_state(tf, rng, state_size):
  """A random initial state shaped as `state_size` (ints, or a namedtuple)."""
  if isinstance(state_size, int):
    return tf.constant(_x(rng, BATCH, state_size))
  return type(state_size)(*[_random_state(tf, rng, s) for s in state_size])


def _grid(tf, rc, rng):
  v1 = tf.compat.v1
  out = []
  with v1.variable_scope("time_freq"):
    # 2 windows: TF 1.15's state_size (2 units) is too small, so the state
    # is given, 2 * 2 * 2 wide.
    cell = rc.TimeFreqLSTMCell(2, use_peepholes=True, cell_clip=0.9,
                               num_unit_shards=2, feature_size=3,
                               frequency_skip=2)
    o, s = cell(tf.constant(_x(rng, BATCH, 5)), _random_state(tf, rng, 8))
    out += [o, s]
  with v1.variable_scope("grid"):
    cell = rc.GridLSTMCell(2, use_peepholes=True, num_unit_shards=2,
                           feature_size=2, frequency_skip=2,
                           num_frequency_blocks=[2], forget_bias=0.6)
    o, s = v1.nn.dynamic_rnn(cell, tf.constant(_x(rng, BATCH, STEPS, 4)),
                             dtype=tf.float32)
    out += [o] + list(s)
  with v1.variable_scope("grid_blocks"):
    cell = rc.GridLSTMCell(2, use_peepholes=True, cell_clip=0.5,
                           share_time_frequency_weights=True,
                           couple_input_forget_gates=True, feature_size=2,
                           frequency_skip=2, num_frequency_blocks=[1, 1],
                           start_freqindex_list=[0, 2],
                           end_freqindex_list=[2, 5])
    o, s = cell(tf.constant(_x(rng, BATCH, 5)),
                _random_state(tf, rng, cell.state_size))
    out += [o] + list(s)
  with v1.variable_scope("grid_concat"):
    cell = rc.GridLSTMCell(2, feature_size=2, frequency_skip=2,
                           num_frequency_blocks=[2], state_is_tuple=False)
    o, s = cell(tf.constant(_x(rng, BATCH, 4)), _random_state(tf, rng, 8))
    out += [o, s]
  with v1.variable_scope("bidi_grid"):
    cell = rc.BidirectionalGridLSTMCell(
        2, use_peepholes=True, feature_size=2, frequency_skip=1,
        num_frequency_blocks=[2], backward_slice_offset=1)
    o, s = cell(tf.constant(_x(rng, BATCH, 3)),
                _random_state(tf, rng, cell.state_size))
    out += [o] + list(s)
  return out


CONFIGS = {"conv": _conv, "fused": _fused, "grid": _grid,
           "stacked": _stacked}
# The gradients recorded: of these configurations' outputs (the ones with
# their own kernels: convolutions and BlockLSTM), for a short test.
GRAD_CONFIGS = ("conv", "fused")


def build(tf, rc, gradients=True, configs=None):
  """The graph: ({config: fetches}, {variable name: gradient}).

  Args:
    tf: the tensorflow module.
    rc: namespace of contrib.rnn's names to build with.
    gradients: also the gradients (else an empty dict).
    configs: the CONFIGS to build (default all; the gradients need
      GRAD_CONFIGS).
  """
  v1 = tf.compat.v1
  fetches = {}
  for name in sorted(CONFIGS):
    rng = np.random.RandomState(sorted(CONFIGS).index(name))
    if configs is None or name in configs:
      fetches[name] = CONFIGS[name](tf, rc, rng)
  if not gradients:
    return fetches, {}
  loss = tf.add_n([tf.reduce_sum(tf.square(f)) for name in GRAD_CONFIGS
                   for f in fetches[name]])
  variables = v1.trainable_variables()
  grads = tf.gradients(loss, variables)
  return fetches, {v.op.name: g for v, g in zip(variables, grads)
                   if g is not None}


def main():
  """Writes the fixture (TF 1.15 with tf.contrib only)."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  if not tf.version.VERSION.startswith("1."):
    raise SystemExit("contrib_rnn_more_fixture: run this under TF 1.15")
  if not os.path.isdir(FIXTURE):
    os.makedirs(FIXTURE)
  v1 = tf.compat.v1
  with tf.Graph().as_default():
    fetches, grads = build(tf, tf.contrib.rnn)
    saver = v1.train.Saver()
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      fixture_io.load_random_values(v1, sess, np.random.RandomState(11))
      values, grad_values = sess.run((fetches, grads))
      saver.save(sess, os.path.join(FIXTURE, "model"), write_meta_graph=False,
                 write_state=False)
  extra = {"grad/" + name: value for name, value in grad_values.items()}
  count = fixture_io.write_expected(FIXTURE, values, tf.version.VERSION, extra)
  print("wrote %s (TF %s): %d arrays" % (FIXTURE, tf.version.VERSION, count))


if __name__ == "__main__":
  main()
