"""contrib.seq2seq decoding (helpers, BasicDecoder, beam search) vs TF 1.15.

The fixture (``tests/seq2seq_decode_fixture.py``, recorded on TF 1.15) holds a
checkpoint and the outputs of greedy, seeded sampled, scheduled, inference and
custom-helper decodes, beam searches with a length penalty and with a coverage
penalty, gather_tree, tile_batch and a TrainingHelper decode's loss gradients.
Each env rebuilds the graph with ``legacy_pipeline.nn.seq2seq_decode`` /
``seq2seq_beam_search`` (on TF 1.15 also with the real contrib), under control
flow v2 and v1, restores by variable name, compares to 1e-5 and trains a step.
"""
from __future__ import absolute_import, division, print_function

import os
import types

import numpy as np
import pytest
import tensorflow as tf

import fixture_io
import seq2seq_decode_fixture as fx
from compat import _routes
from legacy_pipeline.nn import seq2seq_beam_search
from legacy_pipeline.nn import seq2seq_decode

v1 = tf.compat.v1
TF1 = tf.version.VERSION.startswith("1.")
FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "fixtures", "tf115_seq2seq_decode")
NAMES = seq2seq_decode.__all__ + seq2seq_beam_search.__all__


def _inhouse():
  ns = types.SimpleNamespace()
  for mod in (seq2seq_decode, seq2seq_beam_search):
    for name in mod.__all__:
      setattr(ns, name, getattr(mod, name))
  return ns


def _namespace(impl):
  return tf.contrib.seq2seq if impl == "contrib" else _inhouse()


def _attention_state_class(impl):
  if impl == "contrib":
    return tf.contrib.seq2seq.AttentionWrapperState
  try:
    return _routes.resolve("tf.contrib.seq2seq.AttentionWrapperState")
  except _routes.Unavailable:
    return fx.LocalAttentionWrapperState


class _Cells(object):
  def __getattr__(self, name):
    return _routes.resolve("tf.nn.rnn_cell." + name)


# Graph building dominates the time (CI budget): the real contrib (TF 1.15)
# and the control flow other than TF 2.x's default rebuild a subset.
CONTRIB_CASES = ("greedy", "sched_emb", "beam", "gather_tree")
OTHER_FLOW_CASES = ("beam_cov", "train")
IMPLS = ["contrib", "inhouse"] if TF1 else ["inhouse"]


@pytest.fixture(scope="module")
def expected():
  return np.load(os.path.join(FIXTURE, "expected.npz"))


def _check(impl, expected, cases=fx.ALL_CASES):
  graph = tf.Graph()
  with graph.as_default():
    v1.set_random_seed(fx.GRAPH_SEED)
    values = fx.inputs(np.random.RandomState(0))
    out, loss, train_vars = fx.build(
        tf, _namespace(impl), _Cells(), _routes.resolve("tf.layers.Dense"),
        _attention_state_class(impl), values, cases=cases)
    names = sorted(v.op.name for v in v1.global_variables())
    fixture_names = [str(n) for n in expected["variable_names"]]
    if cases == fx.ALL_CASES:
      assert names == fixture_names
    assert set(names) <= set(fixture_names)
    if loss is not None:
      step = v1.train.GradientDescentOptimizer(0.5).minimize(
          loss, var_list=train_vars)
    saver = v1.train.Saver(v1.global_variables())
    config = v1.ConfigProto()
    config.graph_options.rewrite_options.disable_meta_optimizer = True
    with v1.Session(config=config) as sess:
      saver.restore(sess, os.path.join(FIXTURE, "seq2seq"))
      fetched = sess.run(out)
      assert sorted(fetched) == sorted(cases)
      assert fixture_io.compare(fetched, expected) == sum(
          len(v) for v in fetched.values())
      if loss is not None:
        sess.run(step)
        assert sess.run(loss) < fetched["train"][0]


@pytest.mark.parametrize("impl", IMPLS)
def test_decodes_equal_tf115_and_train(impl, expected):
  _check(impl, expected, fx.ALL_CASES if impl == "inhouse" else CONTRIB_CASES)


@pytest.mark.skipif(TF1, reason="TF 1.15 serves the real contrib; the other "
                    "control flow is checked on TF 2.x")
def test_control_flow_v1(expected):
  """TF 1.x programs may call tf.compat.v1.disable_control_flow_v2()."""
  was_v2 = v1.control_flow_v2_enabled()
  v1.disable_control_flow_v2()
  try:
    _check("inhouse", expected, OTHER_FLOW_CASES)
  finally:
    if was_v2:
      v1.enable_control_flow_v2()


def test_end_tokens_lengths_and_shapes(expected):
  """What the fixture's numbers mean: beams end on their end token."""
  ids = expected["beam/fetch_0"]
  assert ids.shape == (fx.B, 6, fx.W)
  lengths = expected["beam/fetch_6"]
  for b in range(fx.B):
    for k in range(fx.W):
      beam = list(ids[b, :, k])
      if fx.END_BEAM in beam:
        assert beam.index(fx.END_BEAM) + 1 == lengths[b, k]
        assert all(t == fx.END_BEAM for t in beam[beam.index(fx.END_BEAM):])
  sample_ids = expected["sample/fetch_1"]  # time major
  assert sample_ids.shape[1] == fx.B
  assert list(expected["greedy/fetch_2"]) == [1, 1]


def test_bad_arguments():
  s2s = _inhouse()
  cells = _Cells()
  with tf.Graph().as_default():
    emb = tf.zeros([5, 3])
    cell = cells.GRUCell(4)
    with pytest.raises(TypeError, match="Expected decoder to be type Decoder"):
      s2s.dynamic_decode(object())
    with pytest.raises(ValueError, match="start_tokens must be a vector"):
      s2s.GreedyEmbeddingHelper(emb, [[0]], 1)
    with pytest.raises(ValueError, match="end_token must be a scalar"):
      s2s.GreedyEmbeddingHelper(emb, [0], [1])
    with pytest.raises(ValueError, match="sequence_length to be a vector"):
      s2s.TrainingHelper(tf.zeros([2, 3, 3]), 3)
    with pytest.raises(ValueError, match="scalar or a vector"):
      s2s.ScheduledOutputTrainingHelper(tf.zeros([2, 3, 3]), [3, 3],
                                        [[0.5]])
    with pytest.raises(TypeError, match="helper must be a Helper"):
      s2s.BasicDecoder(cell, object(), tf.zeros([1, 4]))
    with pytest.raises(TypeError, match="is not an RNNCell"):
      s2s.BasicDecoder(object(), s2s.GreedyEmbeddingHelper(emb, [0], 1),
                       tf.zeros([1, 4]))
    with pytest.raises(TypeError, match="output_layer must be a Layer"):
      s2s.BeamSearchDecoder(cell, emb, [0], 1, tf.zeros([2, 4]), 2,
                            output_layer=lambda x: x)
    helper = s2s.CustomHelper(lambda: (tf.constant([False]), tf.zeros([1, 3])),
                              None, None)
    with pytest.raises(ValueError, match="before initialize"):
      helper.batch_size  # pylint: disable=pointless-statement
    decoder = s2s.BasicDecoder(cell, s2s.GreedyEmbeddingHelper(emb, [0], 1),
                               tf.zeros([1, 4]))
    with pytest.raises(ValueError, match="maximum_iterations must be a scalar"):
      s2s.dynamic_decode(decoder, maximum_iterations=[3])
    bs = s2s.BeamSearchDecoder(cell, emb, [0], 1, tf.zeros([2, 4]), 2,
                               coverage_penalty_weight=0.5)
    with pytest.raises(ValueError, match="no cell is attentional"):
      s2s.dynamic_decode(bs, maximum_iterations=2)
    with pytest.raises(ValueError, match="forgot to create a zero_state"):
      s2s.BeamSearchDecoder(cell, emb, [0], 1, tf.zeros([2, 5]), 2)
    with pytest.raises(ValueError, match="statically known rank"):
      s2s.tile_batch(tf.constant(1.0), 2)


def test_tensor_arrays_in_the_beam_state_are_reordered():
  """A cell state TensorArray comes back stacked and sorted along the beams."""
  s2s = _inhouse()
  gru = _Cells().GRUCell(3)

  class HistoryCell(object):
    """GRU whose state also records each step's output in a TensorArray."""
    output_size = 3
    state_size = (3, tf.TensorShape([]))

    def zero_state(self, batch_size, dtype):
      return (tf.zeros([batch_size, 3], dtype),
              tf.TensorArray(dtype, size=0, dynamic_size=True,
                             element_shape=tf.TensorShape([4])))

    def __call__(self, inputs, state):
      out, h = gru(inputs, state[0])
      return out, (h, state[1].write(state[1].size(), out[:, 0]))

  with tf.Graph().as_default():
    v1.set_random_seed(1)
    emb = v1.get_variable("emb", [3, 2])
    cell = HistoryCell()
    bs = s2s.BeamSearchDecoder(cell, emb, [0, 1], 2,
                               cell.zero_state(4, tf.float32), 2)
    out, state, _ = s2s.dynamic_decode(bs, maximum_iterations=3)
    history = state.cell_state[1]
    assert isinstance(history, tf.Tensor)
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      ids, hist = sess.run([out.predicted_ids, history])
  assert ids.shape[0] == 2 and hist.shape == (ids.shape[1], 4)


def test_routes_serve_these_objects():
  """Once the route rows point here, they resolve to these objects."""
  for name in NAMES:
    path = "tf.contrib.seq2seq." + name
    status = _routes.status(path)
    if TF1 or status.source != "inhouse":
      continue
    mod = (seq2seq_decode if name in seq2seq_decode.__all__ else
           seq2seq_beam_search)
    assert _routes.resolve(path) is getattr(mod, name), path


@pytest.mark.parametrize("impl", IMPLS)
def test_outputs_are_the_named_tuples(impl):
  """dynamic_decode returns the module's output and state classes, with TF
  1.15's fields, for the basic and the beam-search decoder."""
  ns = _namespace(impl)
  cells = _Cells()
  with tf.Graph().as_default():
    embedding = tf.constant(np.eye(5, dtype=np.float32))
    with v1.variable_scope("s", initializer=v1.constant_initializer(0.1)):
      cell = cells.GRUCell(5)
      helper = ns.GreedyEmbeddingHelper(embedding, tf.fill([2], 1), 0)
      basic = ns.BasicDecoder(cell, helper, cell.zero_state(2, tf.float32))
      out, state, lengths = ns.dynamic_decode(basic, maximum_iterations=3)
      beam = ns.BeamSearchDecoder(
          cell, embedding, tf.fill([2], 1), 0,
          ns.tile_batch(cell.zero_state(2, tf.float32), 3), 3)
      final, beam_state, _ = ns.dynamic_decode(beam, maximum_iterations=3)
  assert isinstance(out, ns.BasicDecoderOutput)
  assert out._fields == ("rnn_output", "sample_id")
  assert isinstance(final, ns.FinalBeamSearchDecoderOutput)
  assert final._fields == ("predicted_ids", "beam_search_decoder_output")
  assert isinstance(final.beam_search_decoder_output,
                    ns.BeamSearchDecoderOutput)
  assert final.beam_search_decoder_output._fields == (
      "scores", "predicted_ids", "parent_ids")
  assert isinstance(beam_state, ns.BeamSearchDecoderState)
  assert beam_state._fields == ("cell_state", "log_probs", "finished",
                                "lengths", "accumulated_attention_probs")
  assert lengths.dtype == tf.int32 and state.dtype == tf.float32
