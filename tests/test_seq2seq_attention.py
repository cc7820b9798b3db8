"""tf.contrib.seq2seq's attention against TF 1.15's own (a recorded fixture).

The fixture in tests/fixtures/tf115_seq2seq_attention was written by
``python tests/seq2seq_attention_fixture.py`` under TF 1.15.5 with the real
``tf.contrib.seq2seq`` and ``tf.contrib.rnn`` cells.  Every env rebuilds the
same graph -- with the objects compat routes to (on TF 1.15 the real contrib;
with tf_keras, our AttentionWrapper around tf_keras's native cells) and with
the in-house ones -- checks that the variable names and shapes are exactly the
checkpoint's, restores it by name, and compares outputs, final states,
alignment histories and the gradient of a loss w.r.t. every variable to
1e-5, then trains one step.
"""
from __future__ import absolute_import, division, print_function

import os

import numpy as np
import pytest
import tensorflow as tf

import fixture_io
import seq2seq_attention_fixture as fx
from compat import _routes

v1 = tf.compat.v1
FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures",
                       "tf115_seq2seq_attention")
PREFIX = os.path.join(FIXTURE, "attention")
TF1 = tf.version.VERSION.startswith("1.")


class _Names(object):
  """Attribute access to `module`'s TF 1.x names through `get`."""

  def __init__(self, module, get):
    self._module, self._get = module, get

  def __getattr__(self, name):
    return self._get("tf.contrib.%s.%s" % (self._module, name))


SOURCES = {
    "chosen": (_Names("seq2seq", _routes.resolve),
               _Names("rnn", _routes.resolve)),
    "inhouse": (_Names("seq2seq", _routes.inhouse),
                _Names("rnn", _routes.inhouse)),
}


def _source_params():
  """Both sources on TF 1.15 (the real contrib beside ours); elsewhere compat's
  choice only: our attention, around tf_keras's or TF 2.15's native cells or
  (Keras 3) the in-house ones -- the in-house cells' own fixtures are
  test_checkpoint_compat's."""
  return ["chosen", "inhouse"] if TF1 else ["chosen"]


def _session():
  """A session without grappler's rewrites (3x faster on these small loops;
  the fixture's 1e-5 tolerance covers any rounding difference)."""
  config = v1.ConfigProto()
  config.graph_options.rewrite_options.disable_meta_optimizer = True
  return v1.Session(config=config)


@pytest.mark.parametrize("source", _source_params())
def test_fixture_outputs_states_gradients_and_a_training_step(source):
  seq, rc = SOURCES[source]
  expected = np.load(os.path.join(FIXTURE, "expected.npz"))
  with tf.Graph().as_default():
    v1.set_random_seed(fx.GRAPH_SEED)
    fetches, loss = fx.build(v1, seq, rc, np.random.RandomState(3))
    grads = fx.gradients(v1, loss)
    ours = {v.op.name: v.get_shape().as_list()
            for v in v1.global_variables()}
    assert ours == dict(v1.train.list_variables(PREFIX))
    # One training step from the fetched gradients (fed, so the step does
    # not run the graph again).
    variables = {v.op.name: v for v in v1.trainable_variables()}
    step = v1.train.GradientDescentOptimizer(0.01).apply_gradients(
        [(grads[k], variables[k]) for k in sorted(grads)])
    with _session() as sess:
      v1.train.Saver().restore(sess, PREFIX)
      values, grad_values, before = sess.run((fetches, grads, loss))
      sess.run(step, {grads[k]: grad_values[k] for k in grads})
      after = sess.run(loss)
  assert fixture_io.compare(values, expected) == sum(
      len(v) for v in values.values())
  want = sorted(k[len("grad/"):] for k in expected.files
                if k.startswith("grad/"))
  assert sorted(grad_values) == want
  for name in want:
    np.testing.assert_allclose(grad_values[name], expected["grad/" + name],
                               rtol=1e-5, atol=1e-5, err_msg=name)
  assert after < before


@pytest.mark.parametrize("source", ["inhouse" if TF1 else "chosen"])
def test_checks_unrolled_calls_and_options(source):
  seq, rc = SOURCES[source]
  rng = np.random.RandomState(0)
  memory_np = rng.uniform(-1, 1, (fx.BATCH, 4, 3)).astype(np.float32)
  with tf.Graph().as_default():
    v1.set_random_seed(1)
    memory = tf.constant(memory_np)
    mech = seq.BahdanauMonotonicAttention(3, memory, sigmoid_noise=1.0,
                                          sigmoid_noise_seed=3, mode="hard")
    cell = seq.AttentionWrapper(rc.LSTMCell(3), mech, attention_layer_size=2,
                                alignment_history=True)
    assert isinstance(mech, seq.AttentionMechanism)
    assert cell.output_size == 2
    assert cell.state_size.attention == 2
    assert cell.state_size.alignments == 4
    # Static unrolling: the second call reuses the first call's variables.
    batch = v1.placeholder(tf.int32, [])
    start = cell.zero_state(batch, tf.float32)
    assert isinstance(start, seq.AttentionWrapperState)
    state = start
    x = tf.constant(rng.uniform(-1, 1, (fx.BATCH, 2)).astype(np.float32))
    with v1.variable_scope("unrolled"):
      out1, state = cell(x, state)
      out2, state = cell(x, state)
    names = sorted(v.op.name for v in v1.global_variables())
    assert names == [
        "memory_layer/kernel",
        "unrolled/attention_wrapper/attention_layer/kernel",
        "unrolled/attention_wrapper/bahdanau_monotonic_attention/"
        "attention_score_bias",
        "unrolled/attention_wrapper/bahdanau_monotonic_attention/attention_v",
        "unrolled/attention_wrapper/bahdanau_monotonic_attention/"
        "query_layer/kernel",
        "unrolled/attention_wrapper/lstm_cell/bias",
        "unrolled/attention_wrapper/lstm_cell/kernel"]
    history = state.alignment_history.stack()
    # clone(): same shapes only.
    zero = cell.zero_state(fx.BATCH, tf.float32)
    with pytest.raises(ValueError):
      zero.clone(attention=tf.zeros([fx.BATCH, 3]))
    # An attention layer given as a layer; two mechanisms; hardmax.
    mechs = [seq.LuongAttention(3, memory, probability_fn=seq.hardmax),
             seq.BahdanauAttention(2, memory, normalize=True)]
    dense = _routes.resolve("tf.layers.Dense")
    multi = seq.AttentionWrapper(rc.GRUCell(3), mechs,
                                 attention_layer=[dense(4), dense(1)])
    assert multi.output_size == 5
    multi_out, multi_state = multi(x, multi.zero_state(fx.BATCH, tf.float32))
    assert len(multi_state.alignments) == 2
    # Inside the namespace's MultiRNNCell (tf_keras's native one there).
    # (Each cell's zero_state, as TF 1.15's MultiRNNCell.zero_state does: the
    # in-house MultiRNNCell's own does not yet delegate to its cells.)
    layers_ = [
        seq.AttentionWrapper(rc.LSTMCell(3), seq.LuongAttention(3, memory)),
        rc.GRUCell(2)]
    stack = rc.MultiRNNCell(layers_)
    with v1.variable_scope("stacked"):
      stack_out, _ = stack(x, tuple(c.zero_state(fx.BATCH, tf.float32)
                                    for c in layers_))
    stacked = set(v.op.name for v in v1.global_variables()
                  if v.op.name.startswith("stacked/"))
    assert stacked == set(
        "stacked/multi_rnn_cell/" + n for n in (
            "cell_0/attention_wrapper/lstm_cell/kernel",
            "cell_0/attention_wrapper/lstm_cell/bias",
            "cell_1/gru_cell/gates/kernel", "cell_1/gru_cell/gates/bias",
            "cell_1/gru_cell/candidate/kernel",
            "cell_1/gru_cell/candidate/bias"))
    with pytest.raises(TypeError):
      seq.AttentionWrapper(rc.GRUCell(3), "not a mechanism")
    with pytest.raises(ValueError):
      seq.AttentionWrapper(rc.GRUCell(3), mechs, attention_layer_size=[2])
    with pytest.raises(ValueError):
      seq.AttentionWrapper(rc.GRUCell(3), mech, attention_layer_size=2,
                           attention_layer=dense(2))
    with pytest.raises(ValueError):
      seq.monotonic_attention(tf.ones([1, 2]), tf.ones([1, 2]), "soft")
    with _session() as sess:
      sess.run(v1.global_variables_initializer())
      o1, o2, h, mo, align, so = sess.run(
          (out1, out2, history, multi_out, multi_state.alignments[0],
           stack_out),
          {batch: fx.BATCH})
      with pytest.raises(tf.errors.InvalidArgumentError,
                         match="Non-matching batch sizes"):
        sess.run(start.cell_state, {batch: fx.BATCH + 1})
  assert o1.shape == o2.shape == (fx.BATCH, 2)
  assert h.shape == (2, fx.BATCH, 4)
  assert np.all(np.isin(h, [0.0, 1.0]))  # hard monotonic attention
  assert mo.shape == (fx.BATCH, 5)
  assert so.shape == (fx.BATCH, 2)
  np.testing.assert_array_equal(align.sum(1), np.ones(fx.BATCH))
