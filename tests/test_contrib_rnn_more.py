"""legacy_pipeline.nn.contrib_rnn_more against TF 1.15's tf.contrib.rnn.

tests/fixtures/tf115_contrib_rnn_more was written by
``python tests/contrib_rnn_more_fixture.py`` under TF 1.15.5 with the real
``tf.contrib.rnn``.  Every env rebuilds its graph (ConvLSTM cells, the fused
LSTM and fused adaptors, the static stacked bidirectional RNN, a
LayerRNNCell subclass) twice: with the in-house objects only, and with what
compat routes (on TF 1.15 the real contrib; with tf_keras its native
GRUCell/LSTMCell inside the in-house fused adaptors).  Each time the
variables must have exactly the checkpoint's names and shapes, and after a
restore by name every output, final state and gradient must match TF 1.15's
to 1e-5.
"""
from __future__ import absolute_import, division, print_function

import inspect
import os

import numpy as np
import pytest
import tensorflow as tf

import contrib_rnn_more_fixture as fixture
import fixture_io
from compat import _routes
from conftest import needs_contrib
from legacy_pipeline.nn import contrib_rnn_more as ours

v1 = tf.compat.v1
EXPECTED = np.load(os.path.join(fixture.FIXTURE, "expected.npz"))

# TF 1.15's tf.contrib.rnn names served by contrib_rnn_more.
PROVIDED = sorted([
    "BidirectionalGridLSTMCell", "GridLSTMCell", "TimeFreqLSTMCell",
    "Conv1DLSTMCell", "Conv2DLSTMCell", "Conv3DLSTMCell", "ConvLSTMCell",
    "FusedRNNCell", "FusedRNNCellAdaptor", "LSTMBlockFusedCell",
    "LSTMBlockWrapper", "LayerRNNCell", "TimeReversedFusedRNN",
    "best_effort_input_batch_size", "stack_bidirectional_rnn",
    "transpose_batch_time"])


class _Inhouse(object):
  """contrib.rnn's names, all in-house."""

  def __getattr__(self, name):
    if name in PROVIDED:
      return getattr(ours, name)
    return _routes.inhouse("tf.contrib.rnn." + name)


class _Routed(object):
  """contrib.rnn's names as compat serves them (ours where still absent)."""

  def __getattr__(self, name):
    try:
      return _routes.resolve("tf.contrib.rnn." + name)
    except _routes.Unavailable:
      if name not in PROVIDED:
        raise
      return getattr(ours, name)


def _session(graph):
  config = v1.ConfigProto(inter_op_parallelism_threads=1,
                          intra_op_parallelism_threads=1)
  config.graph_options.rewrite_options.disable_meta_optimizer = True
  return v1.Session(graph=graph, config=config)


def _routed_configs():
  """The fixture configurations whose routed objects are not the in-house
  ones (all on TF 1.15; those with native GRUCell/LSTMCell where Keras 2
  serves them; none with Keras 3)."""
  routed, inhouse = _Routed(), _Inhouse()
  if any(getattr(routed, name) is not getattr(inhouse, name)
         for name in PROVIDED):
    return sorted(fixture.CONFIGS)
  if any(getattr(routed, name) is not getattr(inhouse, name)
         for name in ("GRUCell", "LSTMCell")):
    return ["fused", "stacked"]
  return []


@pytest.mark.parametrize("source", ["inhouse", "routed"])
def test_matches_tf115_fixture(source):
  """Names, values and (in-house) gradients equal TF 1.15's."""
  configs = sorted(fixture.CONFIGS)
  if source == "routed":
    configs = _routed_configs()
    if not configs:
      pytest.skip("compat serves the in-house objects here: the same graph "
                  "as the inhouse case")
  rc = _Inhouse() if source == "inhouse" else _Routed()
  prefix = os.path.join(fixture.FIXTURE, "model")
  shapes = v1.train.NewCheckpointReader(prefix).get_variable_to_shape_map()
  with tf.Graph().as_default() as graph:
    fetches, grads = fixture.build(tf, rc, gradients=source == "inhouse",
                                   configs=configs)
    names = {v.op.name: v.get_shape().as_list()
             for v in v1.global_variables()}
    for name, shape in names.items():
      assert shapes.get(name) == shape, name
    if len(configs) == len(fixture.CONFIGS):
      assert sorted(names) == sorted(shapes)
    saver = v1.train.Saver()
    with _session(graph) as sess:
      saver.restore(sess, prefix)
      values, grad_values = sess.run((fetches, grads))
  assert fixture_io.compare(values, EXPECTED) == sum(
      1 for k in EXPECTED.files
      if "/fetch_" in k and k.split("/")[0] in configs)
  if source == "routed":
    return
  assert sorted(grad_values) == sorted(k[len("grad/"):] for k in EXPECTED.files
                                       if k.startswith("grad/"))
  for name, value in grad_values.items():
    np.testing.assert_allclose(value, EXPECTED["grad/" + name], rtol=1e-5,
                               atol=1e-5, err_msg="gradient of " + name)


def test_helpers_and_errors():
  with tf.Graph().as_default():
    static = v1.placeholder(tf.float32, [4, 3, 2])
    dynamic = v1.placeholder(tf.float32, [None, None, 2])
    unknown = v1.placeholder(tf.float32)
    assert ours.best_effort_input_batch_size([unknown, static]) == 3
    assert isinstance(ours.best_effort_input_batch_size([dynamic]), tf.Tensor)
    with pytest.raises(ValueError, match="rank at least 2"):
      ours.best_effort_input_batch_size([v1.placeholder(tf.float32, [3])])
    assert ours.transpose_batch_time(static).get_shape().as_list() == [3, 4, 2]
    vector = tf.zeros([3])
    assert ours.transpose_batch_time(vector) is vector
    with pytest.raises(ValueError, match="same depth"):
      ours.stack_bidirectional_rnn([1, 2], [3], [static])
    with pytest.raises(ValueError, match="initial_states_fw"):
      ours.stack_bidirectional_rnn([1], [2], [static], initial_states_fw=[])
    with pytest.raises(ValueError, match="Invalid input_shape"):
      ours.Conv2DLSTMCell(input_shape=[4, 2], output_channels=1,
                          kernel_shape=[3, 3])
    with pytest.raises(ValueError, match="initial_state or dtype"):
      ours.LSTMBlockFusedCell(3)(static)
    with pytest.raises(TypeError):
      ours.FusedRNNCell()  # pylint: disable=abstract-class-instantiated
    cell = ours.Conv2DLSTMCell(input_shape=[5, 4, 2], output_channels=3,
                               kernel_shape=[3, 3], skip_connection=True)
    assert cell.output_size.as_list() == [5, 4, 5]
    assert cell.state_size.c.as_list() == [5, 4, 3]
    zeros = cell.zero_state(7, tf.float32)
    assert zeros.h.get_shape().as_list() == [7, 5, 4, 3]


@needs_contrib
def test_signatures_are_tf115s():
  real = tf.contrib.rnn  # pylint: disable=no-member
  for name in PROVIDED:
    theirs, mine = getattr(real, name), getattr(ours, name)
    if inspect.isclass(theirs):
      theirs, mine = theirs.__init__, mine.__init__
      if name in ("FusedRNNCell", "LSTMBlockWrapper", "LayerRNNCell"):
        continue  # abstract bases: their __init__ is the base class's
    assert (inspect.getfullargspec(mine)[:4] ==
            inspect.getfullargspec(theirs)[:4]), name



def test_cells_mix_with_the_routed_multi_rnn_cell():
  """In compat's MultiRNNCell (tf_keras's native one where it serves) next
  to compat's GRUCell, the cells keep TF 1.15's variable names."""
  routed = _Routed()
  with tf.Graph().as_default():
    stack = routed.MultiRNNCell([
        ours.Conv1DLSTMCell(input_shape=[4, 2], output_channels=2,
                            kernel_shape=[3]),
        ours.Conv1DLSTMCell(input_shape=[4, 2], output_channels=3,
                            kernel_shape=[2])])
    out, _ = v1.nn.dynamic_rnn(stack, tf.zeros([2, 3, 4, 2]),
                               dtype=tf.float32)
    minimal = fixture._layer_cell(ours, tf)  # pylint: disable=protected-access
    mixed = routed.MultiRNNCell([minimal(3), routed.GRUCell(2)])
    out2, _ = v1.nn.dynamic_rnn(mixed, tf.zeros([2, 3, 4]), dtype=tf.float32,
                                scope="x")
    assert out.get_shape().as_list() == [2, 3, 4, 3]
    assert out2.get_shape().as_list() == [2, 3, 2]
    assert [v.op.name for v in v1.global_variables()] == [
        "rnn/multi_rnn_cell/cell_0/conv_1d_lstm_cell/kernel",
        "rnn/multi_rnn_cell/cell_0/conv_1d_lstm_cell/biases",
        "rnn/multi_rnn_cell/cell_1/conv_1d_lstm_cell/kernel",
        "rnn/multi_rnn_cell/cell_1/conv_1d_lstm_cell/biases",
        "x/multi_rnn_cell/cell_0/minimal_cell/kernel",
        "x/multi_rnn_cell/cell_0/minimal_cell/bias",
        "x/multi_rnn_cell/cell_1/gru_cell/gates/kernel",
        "x/multi_rnn_cell/cell_1/gru_cell/gates/bias",
        "x/multi_rnn_cell/cell_1/gru_cell/candidate/kernel",
        "x/multi_rnn_cell/cell_1/gru_cell/candidate/bias"]
