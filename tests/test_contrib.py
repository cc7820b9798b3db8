"""legacy_pipeline.contrib: HParams, sequence_loss, run_n/run_feeds.

Every env checks the behaviour against numbers and strings written here; on
TF 1.15 the same cases also run through the real tf.contrib in the same
process and must give the same results (or the same error and message).
"""
from __future__ import absolute_import, division, print_function

import itertools

import numpy as np
import pytest
import tensorflow as tf

from conftest import HAS_CONTRIB, needs_contrib
from legacy_pipeline.contrib import hparams as hparams_lib
from legacy_pipeline.contrib import learn
from legacy_pipeline.contrib import seq2seq

tf1 = tf.compat.v1


def _real(module):
  import importlib  # pylint: disable=g-import-not-at-top
  return importlib.import_module("tensorflow.contrib." + module)


def _outcome(fn):
  """('ok', result) or (exception class name, message)."""
  try:
    return ("ok", fn())
  except Exception as e:  # pylint: disable=broad-except
    return (type(e).__name__, str(e))


# (description, operation on a fresh HParams class) -> comparable result.
def _fresh(cls):
  return cls(lr=0.1, steps=10, name="lstm", flag=False, sizes=[64, 32],
             rates=[0.5])


HPARAM_CASES = [
    ("parse scalars", lambda c: _fresh(c).parse(
        "lr=0.25,steps=20,name=gru,flag=true").values()),
    ("parse lists", lambda c: _fresh(c).parse(
        "sizes=[8, 16 32],rates=[1,2.5]").values()),
    ("parse bools", lambda c: [_fresh(c).parse("flag=%s" % v).flag for v in (
        "True", "false", "1", "0", "7")]),
    ("int from float text", lambda c: _fresh(c).parse("steps=2.0")),
    ("bad bool", lambda c: _fresh(c).parse("flag=yes")),
    ("unknown name", lambda c: _fresh(c).parse("nope=1")),
    ("twice", lambda c: _fresh(c).parse("lr=1,lr=2")),
    ("malformed", lambda c: _fresh(c).parse("lr")),
    ("list to scalar", lambda c: _fresh(c).parse("lr=[1,2]")),
    ("scalar to list", lambda c: _fresh(c).parse("sizes=3")),
    ("index", lambda c: _fresh(c).parse("sizes[1]=3")),
    ("empty", lambda c: _fresh(c).parse("").values()),
    ("override", lambda c: _fresh(c).override_from_dict(
        {"lr": 1, "sizes": [1, 2, 3]}).values()),
    ("override float into int", lambda c: _fresh(c).override_from_dict(
        {"steps": 2.5})),
    ("override int into bool", lambda c: _fresh(c).override_from_dict(
        {"flag": 1})),
    ("override str into float", lambda c: _fresh(c).override_from_dict(
        {"lr": "0.1"})),
    ("override unknown", lambda c: _fresh(c).override_from_dict({"x": 1})),
    ("json", lambda c: _fresh(c).to_json(sort_keys=True)),
    ("parse_json", lambda c: _fresh(c).parse_json(
        '{"lr": 0.5, "sizes": [2]}').values()),
    ("get", lambda c: [_fresh(c).get("lr"), _fresh(c).get("x", 3),
                       _fresh(c).get("sizes", [1])]),
    ("get bad default", lambda c: _fresh(c).get("lr", "a")),
    ("get list default for scalar", lambda c: _fresh(c).get("lr", [1.0])),
    ("str", lambda c: sorted(str(_fresh(c)).split(","))),
    ("repr", lambda c: repr(_fresh(c))),
    ("contains", lambda c: ["lr" in _fresh(c), "x" in _fresh(c)]),
    ("reserved name", lambda c: c(parse=1)),
    ("empty list", lambda c: c(sizes=[])),
    ("add and del", lambda c: (lambda h: (h.add_hparam("extra", 2), h.del_hparam(
        "lr"), sorted(h.values().items())))(_fresh(c))),
    ("model structure", lambda c: c(model_structure=[1, 2], a=1)
     .get_model_structure()),
]


def _result(value):
  # A parse result is an HParams: compare its values.
  if hasattr(value, "values") and callable(value.values) and \
      not isinstance(value, dict):
    return sorted(value.values().items())
  return value


@pytest.mark.parametrize("case", [c[0] for c in HPARAM_CASES])
def test_hparams_behaviour(case):
  op = dict(HPARAM_CASES)[case]
  kind, value = _outcome(lambda: _result(op(hparams_lib.HParams)))
  expected = {
      "parse scalars": ("ok", {"lr": 0.25, "steps": 20, "name": "gru",
                               "flag": True, "sizes": [64, 32],
                               "rates": [0.5]}),
      "parse lists": ("ok", {"lr": 0.1, "steps": 10, "name": "lstm",
                             "flag": False, "sizes": [8, 16, 32],
                             "rates": [1.0, 2.5]}),
      "parse bools": ("ok", [True, False, True, False, True]),
      "empty": ("ok", {"lr": 0.1, "steps": 10, "name": "lstm",
                       "flag": False, "sizes": [64, 32], "rates": [0.5]}),
      "json": ("ok", '{"flag": false, "lr": 0.1, "name": "lstm", "rates": '
                     '[0.5], "sizes": [64, 32], "steps": 10}'),
      "get": ("ok", [0.1, 3, [64, 32]]),
      "contains": ("ok", [True, False]),
      "model structure": ("ok", [1, 2]),
  }
  if case in expected:
    assert (kind, value) == expected[case]
  elif case in ("override", "parse_json", "str", "repr", "add and del"):
    assert kind == "ok", value
  else:
    assert kind in ("ValueError", "KeyError"), (kind, value)


@needs_contrib
@pytest.mark.parametrize("case", [c[0] for c in HPARAM_CASES])
def test_hparams_same_as_contrib(case):
  op = dict(HPARAM_CASES)[case]
  ours = _outcome(lambda: _result(op(hparams_lib.HParams)))
  theirs = _outcome(lambda: _result(op(_real("training").HParams)))
  assert ours == theirs


def test_hparams_refuses_the_proto():
  with pytest.raises(NotImplementedError, match="HParamDef"):
    hparams_lib.HParams(hparam_def=object())


# -- sequence_loss -----------------------------------------------------------

FLAGS = list(itertools.product([False, True], repeat=4))


def _loss_inputs():
  rng = np.random.RandomState(3)
  logits = rng.randn(3, 4, 5).astype(np.float32)
  targets = rng.randint(0, 5, size=(3, 4)).astype(np.int32)
  weights = (rng.rand(3, 4) > 0.3).astype(np.float32) * 0.5
  weights[2] = 0.0  # a row with no weight: division by zero gives 0
  return logits, targets, weights


def _numpy_loss(logits, targets, weights, avg_t, avg_b, sum_t, sum_b):
  shifted = logits - logits.max(-1, keepdims=True)
  logp = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
  per = -np.take_along_axis(logp, targets[..., None], -1)[..., 0] * weights

  def div(a, b):
    return np.where(b == 0, 0.0, a / np.where(b == 0, 1.0, b))

  if avg_t and avg_b:
    return div(per.sum(), weights.sum())
  if sum_t and sum_b:
    return div(per.sum(), np.count_nonzero(weights))
  if avg_t or avg_b:
    axis = 0 if avg_b else 1
    return div(per.sum(axis), weights.sum(axis))
  if sum_t or sum_b:
    axis = 0 if sum_b else 1
    return div(per.sum(axis), np.count_nonzero(weights, axis))
  return per


def _loss(fn, flags):
  avg_t, avg_b, sum_t, sum_b = flags
  logits, targets, weights = _loss_inputs()
  return fn(tf.constant(logits), tf.constant(targets), tf.constant(weights),
            average_across_timesteps=avg_t, average_across_batch=avg_b,
            sum_over_timesteps=sum_t, sum_over_batch=sum_b)


@pytest.mark.parametrize("flags", FLAGS, ids=lambda f: "".join(
    "1" if x else "0" for x in f))
def test_sequence_loss_matches_numpy(h, flags):
  avg_t, avg_b, sum_t, sum_b = flags
  if (avg_t and sum_t) or (avg_b and sum_b):
    with pytest.raises(ValueError, match="cannot be set to True"):
      _loss(seq2seq.sequence_loss, flags)
    return
  got = h.run(_loss(seq2seq.sequence_loss, flags))
  np.testing.assert_allclose(got, _numpy_loss(*(_loss_inputs() + flags)),
                             rtol=1e-5, atol=1e-6)


@needs_contrib
@pytest.mark.parametrize("flags", [f for f in FLAGS if not (
    (f[0] and f[2]) or (f[1] and f[3]))])
def test_sequence_loss_same_as_contrib(h, flags):
  ours = h.run(_loss(seq2seq.sequence_loss, flags))
  theirs = h.run(_loss(_real("seq2seq").sequence_loss, flags))
  np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)


def test_sequence_loss_custom_loss_and_rank_errors(h):
  logits, targets, weights = (tf.constant(a) for a in _loss_inputs())
  seen = {}

  def loss_fn(labels, logits):
    seen["shapes"] = (labels.get_shape().as_list(),
                      logits.get_shape().as_list())
    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                          logits=logits) * 2
  doubled = seq2seq.sequence_loss(logits, targets, weights,
                                  softmax_loss_function=loss_fn)
  plain = seq2seq.sequence_loss(logits, targets, weights)
  a, b = h.run([doubled, plain])
  assert np.isclose(a, 2 * b) and seen["shapes"][0] == [12]
  with pytest.raises(ValueError, match="Logits must be a"):
    seq2seq.sequence_loss(targets, targets, weights)
  with pytest.raises(ValueError, match="Targets must be a"):
    seq2seq.sequence_loss(logits, logits, weights)
  with pytest.raises(ValueError, match="Weights must be a"):
    seq2seq.sequence_loss(logits, targets, logits)


# -- run_n / run_feeds ---------------------------------------------------------


def _counting_graph():
  v = tf1.get_variable("v", initializer=tf.constant(2.0))
  x = tf1.placeholder_with_default(1.0, [])
  queue = tf1.FIFOQueue(10, [tf.int32], shapes=[[]])
  runner = tf1.train.QueueRunner(queue, [queue.enqueue(7)])
  tf1.train.add_queue_runner(runner)
  return {"y": v * x, "q": queue.dequeue()}, x, v


@pytest.mark.parametrize("impl", ["inhouse", pytest.param(
    "contrib", marks=needs_contrib)])
def test_run_n_and_run_feeds(tmp_path, impl):
  lib = learn if impl == "inhouse" else _real("learn")
  with tf.Graph().as_default():
    outputs, x, v = _counting_graph()
    results = lib.run_n(outputs, n=3)
    assert [r["y"] for r in results] == [2.0] * 3
    assert [r["q"] for r in results] == [7] * 3
    fed = lib.run_feeds(outputs, [{x: 1.5}, {x: -1.0}])
    assert [r["y"] for r in fed] == [3.0, -2.0]
    with tf1.Session() as sess:
      sess.run(v.assign(5.0))
      path = tf1.train.Saver().save(sess, str(tmp_path / "ckpt"))
    restored = lib.run_n(outputs, feed_dict={x: 2.0},
                         restore_checkpoint_path=path, n=1)
    assert restored[0]["y"] == 10.0
    with pytest.raises(ValueError, match="output_dict is invalid"):
      lib.run_n({}, n=1)
    with pytest.raises(ValueError, match="feed_dicts is invalid"):
      lib.run_feeds(outputs, [])
  assert impl == "inhouse" or HAS_CONTRIB


# -- embed_sequence ------------------------------------------------------------


@pytest.mark.parametrize("unique", [False, True])
@pytest.mark.parametrize("impl", ["inhouse", pytest.param(
    "contrib", marks=needs_contrib)])
def test_embed_sequence(h, impl, unique):
  from legacy_pipeline.contrib import layers  # pylint: disable=g-import-not-at-top
  fn = layers.embed_sequence if impl == "inhouse" else \
      _real("layers").embed_sequence
  table = np.arange(12, dtype=np.float32).reshape(6, 2)
  ids = tf.constant([[1, 5, 1], [0, 0, 3]])
  out = fn(ids, vocab_size=6, embed_dim=2, unique=unique,
           initializer=tf.constant_initializer(table),
           regularizer=lambda w: tf.reduce_sum(w) * 0.0)
  again = fn(ids, unique=unique, scope="EmbedSequence", reuse=True)
  assert out.get_shape().as_list() == [2, 3, 2]
  assert [v.op.name for v in tf1.get_collection(
      tf1.GraphKeys.MODEL_VARIABLES)] == ["EmbedSequence/embeddings"]
  assert len(tf1.get_collection(tf1.GraphKeys.REGULARIZATION_LOSSES)) == 1
  h.init_variables()
  a, b = h.run([out, again])
  np.testing.assert_array_equal(a, table[np.array([[1, 5, 1], [0, 0, 3]])])
  np.testing.assert_array_equal(a, b)
  with pytest.raises(ValueError, match="Must specify vocab size"):
    fn(ids, vocab_size=6)
