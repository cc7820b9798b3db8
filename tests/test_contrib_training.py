"""The rest of tf.contrib.training: bucketing, sampling, feeding, placement.

Every env runs the in-house ops with real queue runners over finite inputs
(a PaddingFIFOQueue filled then closed, or a TFRecord file read through
string_input_producer) and checks the batches against expectations computed
here; on TF 1.15 the same tests also run the real tf.contrib.training in the
same process (``impl`` "contrib") and parity tests compare both directly.
"""
from __future__ import absolute_import, division, print_function

import hashlib
import threading

import numpy as np
import pytest
import tensorflow as tf

from conftest import (HAS_CONTRIB, contrib_training, needs_contrib,
                      write_sequence_examples)
from legacy_pipeline.contrib import bucket_ops
from legacy_pipeline.contrib import device_setter
from legacy_pipeline.contrib import feeding
from legacy_pipeline.contrib import hparams
from legacy_pipeline.contrib import sampling_ops

tf1 = tf.compat.v1


class _Inhouse(object):
  """The in-house names, under contrib's flat namespace."""
  bucket = staticmethod(bucket_ops.bucket)
  bucket_by_sequence_length = staticmethod(
      bucket_ops.bucket_by_sequence_length)
  rejection_sample = staticmethod(sampling_ops.rejection_sample)
  stratified_sample = staticmethod(sampling_ops.stratified_sample)
  resample_at_rate = staticmethod(sampling_ops.resample_at_rate)
  weighted_resample = staticmethod(sampling_ops.weighted_resample)
  FeedingQueueRunner = feeding.FeedingQueueRunner
  RandomStrategy = device_setter.RandomStrategy
  GreedyLoadBalancingStrategy = device_setter.GreedyLoadBalancingStrategy
  byte_size_load_fn = staticmethod(device_setter.byte_size_load_fn)
  parse_values = staticmethod(hparams.parse_values)


def _impl(name):
  return _Inhouse if name == "inhouse" else contrib_training()


IMPLS = [pytest.param("inhouse", id="inhouse"),
         pytest.param("contrib", id="contrib", marks=needs_contrib)]


def _outcome(fn):
  """('ok', result) or (exception class name, message)."""
  try:
    return ("ok", fn())
  except Exception as e:  # pylint: disable=broad-except
    return (type(e).__name__, str(e))


# ---------------------------------------------------------------------------
# A finite input: (length, sequence, label) elements in a closed queue.

# Lengths 1..9 twice, in a fixed shuffled order; sequence i is
# [100 * i + 1, ..., 100 * i + length]; label is i % 3.
LENGTHS = [3, 7, 1, 9, 4, 4, 2, 8, 6, 5, 1, 3, 9, 2, 7, 5, 6, 8]


def _elements():
  return [(n, [100 * i + k for k in range(1, n + 1)], i % 3)
          for i, n in enumerate(LENGTHS)]


def _closed_source(h):
  """Tensors (length, seq, label) of one element, read from a queue that
  holds all of _elements() and is closed: the input ends after them."""
  queue = tf1.PaddingFIFOQueue(len(LENGTHS), [tf.int32, tf.int32, tf.int32],
                               shapes=[[], [None], []])
  n, seq, label = (tf1.placeholder(tf.int32, []),
                   tf1.placeholder(tf.int32, [None]),
                   tf1.placeholder(tf.int32, []))
  enqueue = queue.enqueue([n, seq, label])
  for e in _elements():
    h.run(enqueue, {n: e[0], seq: e[1], label: e[2]})
  h.run(queue.close())
  return queue.dequeue()


def _drain(h, fetches, limit=200):
  """Runs `fetches` until OutOfRangeError; the list of results."""
  out = []
  for _ in range(limit):
    try:
      out.append(h.run(fetches))
    except tf.errors.OutOfRangeError:
      return out
  raise AssertionError("the input did not end")


def _expected_buckets(boundaries, batch_sizes, keep, smaller):
  """bucket id -> list of batches of element indices, in input order."""
  edges = [-np.inf] + list(boundaries) + [np.inf]
  per_bucket = {}
  for i, n in enumerate(LENGTHS):
    if not keep(i):
      continue
    b = next(j for j in range(len(edges) - 1) if edges[j] <= n < edges[j + 1])
    per_bucket.setdefault(b, []).append(i)
  out = {}
  for b, items in per_bucket.items():
    size = batch_sizes[b]
    chunks = [items[k:k + size] for k in range(0, len(items), size)]
    if not smaller and chunks and len(chunks[-1]) < size:
      chunks.pop()
    if chunks:
      out[b] = chunks
  return out


def _padded(indices):
  """The padded [batch, max length] sequences of elements `indices`."""
  elements = _elements()
  width = max(LENGTHS[i] for i in indices)
  return np.array([elements[i][1] + [0] * (width - LENGTHS[i])
                   for i in indices])


def _bucket_of(lengths, boundaries):
  return int(np.searchsorted(boundaries, lengths[0], side="right"))


CONFIGS = {
    # name: (batch_size, allow_smaller_final_batch, keep (element -> bool))
    "full batches": (2, False, None),
    "smaller final": (3, True, None),
    "per-bucket sizes": ([1, 2, 4], True, None),
    "keep_input": (2, True, lambda i: i % 4 != 1),
}


def _run_by_length(h, impl, config, as_dict=True):
  batch_size, smaller, keep = CONFIGS[config]
  n, seq, label = _closed_source(h)
  keep_input = True
  if keep is not None:
    # Keep element i unless i % 4 == 1; elements know i through seq[0].
    keep_input = tf.not_equal((seq[0] // 100) % 4, 1)
  tensors = {"seq": seq, "label": label} if as_dict else [seq, label]
  lengths, out = impl.bucket_by_sequence_length(
      n, tensors, batch_size, [3, 6], dynamic_pad=True,
      allow_smaller_final_batch=smaller, keep_input=keep_input)
  h.start_queue_runners()
  results = _drain(h, [lengths, out])
  got = {}
  for lens, batch in results:
    seqs, labels = ((batch["seq"], batch["label"]) if as_dict else batch)
    indices = [int(s[0]) // 100 for s in seqs]
    got.setdefault(_bucket_of(lens, [3, 6]), []).append(
        (indices, lens.tolist(), seqs.tolist(), labels.tolist()))
  return got, (lengths, out)


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_bucket_by_sequence_length_batches(h, impl, config):
  """Per bucket, the batches in input order: ids, lengths, padded values,
  the partial batches at the end (or none), rejected elements absent."""
  batch_size, smaller, keep = CONFIGS[config]
  sizes = batch_size if isinstance(batch_size, list) else [batch_size] * 3
  got, _ = _run_by_length(h, _impl(impl), config)
  expected = _expected_buckets([3, 6], sizes, keep or (lambda i: True),
                               smaller)
  assert sorted(got) == sorted(expected)
  for b, batches in expected.items():
    assert [g[0] for g in got[b]] == batches
    for (indices, lens, seqs, labels), want in zip(got[b], batches):
      assert lens == [LENGTHS[i] for i in want]
      assert seqs == _padded(want).tolist()
      assert labels == [i % 3 for i in want]
  seen = [i for batches in got.values() for g in batches for i in g[0]]
  assert len(seen) == len(set(seen))  # nothing duplicated
  if smaller:  # nothing lost: exactly the kept elements
    assert sorted(seen) == [i for i in range(len(LENGTHS))
                            if keep is None or keep(i)]


@needs_contrib
@pytest.mark.parametrize("config,as_dict", [("per-bucket sizes", True),
                                            ("keep_input", False)],
                         ids=["per-bucket-dict", "keep-list"])
def test_bucket_by_sequence_length_parity(config, as_dict):
  """In-house and contrib, same input: same batches, output structure,
  static shapes, queue runners and summaries."""
  from conftest import Harness  # pylint: disable=g-import-not-at-top
  sides = []
  for name in ("inhouse", "contrib"):
    h = Harness()
    try:
      got, (lengths, out) = _run_by_length(h, _impl(name), config, as_dict)
      graph = h.graph
      sides.append((
          got, type(out).__name__,
          sorted(out) if as_dict else len(out),
          lengths.shape.as_list(),
          [t.shape.as_list() for t in (out.values() if as_dict else out)],
          [(qr.queue.name, len(qr.enqueue_ops)) for qr in
           graph.get_collection(tf1.GraphKeys.QUEUE_RUNNERS)],
          [op.name for op in graph.get_operations()
           if op.type == "ScalarSummary"]))
    finally:
      h.close()
  assert sides[0] == sides[1]


@pytest.mark.parametrize("impl", IMPLS)
def test_bucket_fixed_shapes_two_threads(h, impl):
  """bucket() without padding, two input threads, a one-element list
  (returned as the tensor itself), static batch shape; every element
  exactly once, full batches only."""
  impl = _impl(impl)
  value = tf1.train.range_input_producer(30, num_epochs=1,
                                         shuffle=False).dequeue()
  which, out = impl.bucket([tf.stack([value, -value])], value % 3,
                           batch_size=4, num_buckets=3, num_threads=2,
                           capacity=8)
  assert isinstance(out, tf.Tensor)
  assert out.shape.as_list() == [4, 2]
  h.run(tf1.local_variables_initializer())
  h.start_queue_runners()
  batches = _drain(h, [which, out])
  seen = []
  for b, batch in batches:
    assert batch.shape == (4, 2)
    assert (batch[:, 1] == -batch[:, 0]).all()
    assert (batch[:, 0] % 3 == b).all()
    seen.extend(batch[:, 0].tolist())
  assert len(seen) == len(set(seen))
  # 10 elements per bucket: two full batches each, the rest dropped.
  assert len(seen) == 24


@pytest.mark.parametrize("impl", IMPLS)
def test_bucket_sparse_and_smaller_final(h, impl):
  """A SparseTensor comes back as the same rows, with a dense component,
  also when keep_input (dynamic) drops elements; the final partial batch has
  a dynamic batch dimension."""
  impl = _impl(impl)
  value = tf1.train.range_input_producer(8, num_epochs=1,
                                         shuffle=False).dequeue()
  sparse = tf.SparseTensor(indices=[[0], [2]],
                           values=tf.stack([value, 10 * value]),
                           dense_shape=[3])
  which, out = impl.bucket({"v": value, "sp": sparse}, value % 2,
                           batch_size=3, num_buckets=2,
                           allow_smaller_final_batch=True,
                           keep_input=tf.not_equal(value % 3, 0))
  assert out["v"].shape.as_list() == [None]
  h.run(tf1.local_variables_initializer())
  h.start_queue_runners()
  seen = []
  for b, batch in _drain(h, [which, out]):
    v, sp = batch["v"], batch["sp"]
    dense = np.zeros(sp.dense_shape, np.int32)
    dense[tuple(sp.indices.T)] = sp.values
    assert dense.tolist() == [[x, 0, 10 * x] for x in v]
    assert (v % 2 == b).all()
    seen.extend(v.tolist())
  assert sorted(seen) == [1, 2, 4, 5, 7]


@pytest.mark.parametrize("impl", IMPLS)
def test_bucket_by_sequence_length_from_tfrecords(h, impl, tmp_path):
  """A real input graph: SequenceExamples in a TFRecord file, read with
  TFRecordReader through string_input_producer, parsed, bucketed."""
  impl = _impl(impl)
  path = write_sequence_examples(tmp_path / "data.tfrecord", [
      {"context": {"length": [n], "id": [i]},
       "sequences": {"tokens": [[100 * i + k] for k in range(1, n + 1)]}}
      for i, n in enumerate(LENGTHS)])
  files = tf1.train.string_input_producer([path], num_epochs=1,
                                          shuffle=False)
  _, record = tf1.TFRecordReader().read(files)
  context, sequence = tf1.parse_single_sequence_example(
      record,
      context_features={
          "length": tf1.FixedLenFeature([], tf.int64),
          "id": tf1.FixedLenFeature([], tf.int64)},
      sequence_features={
          "tokens": tf1.FixedLenSequenceFeature([], tf.int64)})
  lengths, out = impl.bucket_by_sequence_length(
      tf.cast(context["length"], tf.int32),
      {"tokens": sequence["tokens"], "id": context["id"]},
      batch_size=3, bucket_boundaries=[4, 7], dynamic_pad=True,
      allow_smaller_final_batch=True)
  h.run(tf1.local_variables_initializer())
  h.start_queue_runners()
  expected = _expected_buckets([4, 7], [3, 3, 3], lambda i: True, True)
  got = {}
  for lens, batch in _drain(h, [lengths, out]):
    got.setdefault(_bucket_of(lens, [4, 7]), []).append(batch["id"].tolist())
    assert batch["tokens"].tolist() == _padded(batch["id"]).tolist()
    assert lens.tolist() == [LENGTHS[i] for i in batch["id"]]
  assert got == expected


def _graph_builders(impl):
  """name -> function building one op of `impl` on fresh inputs."""
  x = lambda: tf1.placeholder(tf.int32, [None])
  n = lambda: tf1.placeholder(tf.int32, [])

  def by_length():
    seq = x()
    impl.bucket_by_sequence_length(
        n(), {"x": seq, "sp": tf.sparse.from_dense(tf.reshape(seq, [1, -1]))},
        2, [3, 5], dynamic_pad=True, keep_input=n() > 2, shared_name="q")

  def plain_bucket():
    impl.bucket([tf.zeros([2]), tf.ones([3])], n(), [2, 3], num_buckets=2,
                num_threads=2, bucket_capacities=[4, 5], capacity=7)

  return {
      "bucket_by_sequence_length": by_length,
      "bucket": plain_bucket,
      "stratified_sample": lambda: impl.stratified_sample(
          [x()[0]], n(), [0.5, 0.5], 4),
      "stratified_sample(init_probs)": lambda: impl.stratified_sample(
          [x()], tf.zeros([3], tf.int32), [0.5, 0.5], 4, init_probs=[.9, .1],
          enqueue_many=True),
      "rejection_sample": lambda: impl.rejection_sample(
          [x()[0], n()], lambda t: tf.cast(t[0], tf.float32), 4,
          runtime_checks=True),
      "weighted_resample": lambda: impl.weighted_resample(
          [x()], tf.cast(x(), tf.float32), 2.0),
  }


@needs_contrib
def test_same_graph_as_contrib():
  """Each op builds the same ops (names and types) as TF 1.15's."""
  graphs = []
  for name in ("inhouse", "contrib"):
    out = {}
    for what, build in sorted(_graph_builders(_impl(name)).items()):
      with tf.Graph().as_default() as graph:
        tf1.set_random_seed(1)
        build()
        out[what] = sorted((op.name, op.type)
                           for op in graph.get_operations())
    graphs.append(out)
  for what in graphs[0]:
    assert graphs[0][what] == graphs[1][what], what


@pytest.mark.parametrize("impl", IMPLS)
def test_output_structure(impl):
  """TF 1.15's return types, quirks included: a one-element list gives the
  tensor; a one-key dict through bucket_by_sequence_length gives a list."""
  impl = _impl(impl)
  with tf.Graph().as_default():
    x = tf.zeros([2])
    _, one = impl.bucket([x], 0, 2, num_buckets=1)
    _, one_dict = impl.bucket({"a": x}, 0, 2, num_buckets=1)
    _, by_length = impl.bucket_by_sequence_length(2, {"a": x}, 2, [3])
    _, by_length_list = impl.bucket_by_sequence_length(2, [x], 2, [3])
  assert isinstance(one, tf.Tensor)
  assert isinstance(one_dict["a"], tf.Tensor)
  assert isinstance(by_length["a"], list) and len(by_length["a"]) == 1
  assert isinstance(by_length_list, list) and len(by_length_list) == 1


def test_eager_refused():
  if not tf.executing_eagerly():
    pytest.skip("eager execution is off here (TF 1.x)")
  with pytest.raises(RuntimeError, match="graph mode"):
    bucket_ops.bucket([tf.zeros([2])], 0, 2, num_buckets=1)


@pytest.mark.parametrize("impl", IMPLS)
def test_build_time_errors(impl):
  """Argument errors: same class and message as TF 1.15 (messages written
  here; contrib checked against them on TF 1.15)."""
  impl = _impl(impl)
  with tf.Graph().as_default():
    x = tf.zeros([2])
    n = tf.constant(3)
    cases = [
        lambda: impl.bucket_by_sequence_length(n, [x], 2, 5),
        lambda: impl.bucket_by_sequence_length(n, [x], 2, []),
        lambda: impl.bucket_by_sequence_length(n, [x], 2, [1, 2.0]),
        lambda: impl.bucket_by_sequence_length(n, [x], 2, [4, 4]),
        lambda: impl.bucket([x], 0, [1, 2], num_buckets=3),
        lambda: impl.bucket([x], 0, 2, num_buckets=2,
                            bucket_capacities=[1]),
        lambda: impl.bucket([x], 0, 2, num_buckets=2,
                            keep_input=[True, False]),
        lambda: impl.bucket([], 0, 2, num_buckets=2),
    ]
    got = [_outcome(c) for c in cases]
  assert got == [
      ("TypeError", "bucket_boundaries must be a list or tuple, but "
                    "received: 5"),
      ("ValueError", "bucket_boundaries must not be empty"),
      ("TypeError", "bucket boundaries must be integers, but saw: 1 and 2.0"),
      ("ValueError", "Buckets must contain sequential increasing lengths, "
                     "but saw: 4 before 4"),
      ("ValueError", "If batch_size is a list it must have num_buckets "
                     "elements"),
      ("ValueError", "The list bucket_capacities ([1]) must have exactly "
                     "num_buckets (2) elements."),
      ("ValueError", "`keep_input` cannot be a vector when "
                     "`enqueue_many=False`."),
      ("ValueError", "Expected at least one tensor in bucket()."),
  ]


# ---------------------------------------------------------------------------
# Sampling.


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("enqueue_many", [False, True], ids=["one", "many"])
def test_rejection_sample_keeps_exactly_the_accepted(h, impl, enqueue_many):
  """Probability 1 for even values, 0 for odd: the batches are the even
  values, in order; the input's end ends the output."""
  impl = _impl(impl)
  if enqueue_many:
    # limit_epochs gives the whole [24] tensor once: one batch of 24.
    values = tf1.train.limit_epochs(tf.range(24), num_epochs=1)
  else:
    values = tf1.train.range_input_producer(24, num_epochs=1,
                                            shuffle=False).dequeue()
  accept = lambda t: tf.cast(tf.equal(t[0] % 2, 0), tf.float32)
  # Two tensors: with one, TF 1.15's enqueue_many path iterates a Tensor.
  batch = impl.rejection_sample([values, -values], accept, 3,
                                enqueue_many=enqueue_many,
                                runtime_checks=True)
  assert isinstance(batch, list) and len(batch) == 2
  h.run(tf1.local_variables_initializer())
  h.start_queue_runners()
  got = _drain(h, batch)
  assert [b[0].tolist() for b in got] == [
      [0, 2, 4], [6, 8, 10], [12, 14, 16], [18, 20, 22]]
  assert all((b[1] == -b[0]).all() for b in got)


def _labelled_stream(init):
  """An endless stream of (value, label) with labels drawn from `init`."""
  rng = np.random.RandomState(0)
  labels = rng.choice(len(init), size=1000, p=init).astype(np.int32)
  value, label = tf1.train.slice_input_producer(
      [tf.range(1000), tf.constant(labels)], shuffle=False)
  return value, label, labels


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("given", [True, False], ids=["init", "estimated"])
def test_stratified_sample_proportions(h, impl, given):
  """Data 80/20, target 40/60: the batches' classes are 40/60 (within 4.5
  standard deviations), each value keeps its label."""
  impl = _impl(impl)
  tf1.set_random_seed(3)
  init, target = [0.8, 0.2], [0.4, 0.6]
  value, label, labels = _labelled_stream(init)
  [values], out_labels = impl.stratified_sample(
      [value], label, target, batch_size=50,
      init_probs=init if given else None)
  h.init_variables()
  h.start_queue_runners()
  got_values, got_labels = [], []
  for _ in range(8):
    v, l = h.run([values, out_labels])
    got_values.extend(v.tolist())
    got_labels.extend(l.tolist())
  assert [labels[v] for v in got_values] == got_labels
  share = np.mean(got_labels)
  assert abs(share - 0.6) < 4.5 * np.sqrt(0.24 / len(got_labels))


@pytest.mark.parametrize("impl", IMPLS)
def test_resample_at_rate_statistics(h, impl):
  """Row i appears Poisson(rate_i) times, rows in input order."""
  impl = _impl(impl)
  rows = 3000
  rates = np.tile(np.array([0.0, 0.5, 2.0], np.float32), rows // 3)
  [out] = impl.resample_at_rate([tf.range(rows)], tf.constant(rates), seed=5)
  got = h.run(out)
  assert (np.diff(got) >= 0).all()
  counts = np.bincount(got, minlength=rows).reshape(-1, 3)
  assert counts[:, 0].sum() == 0
  for column, rate in ((1, 0.5), (2, 2.0)):
    mean = counts[:, column].mean()
    assert abs(mean - rate) < 5 * np.sqrt(rate / (rows // 3))


@needs_contrib
def test_resample_draws_equal_contrib():
  """With a graph seed and op seeds, the in-house draws are TF 1.15's."""
  outs = []
  for name in ("inhouse", "contrib"):
    impl = _impl(name)
    with tf.Graph().as_default():
      tf1.set_random_seed(11)
      rates = tf.constant([0.3, 1.0, 2.5, 0.0, 4.0])
      [a] = impl.resample_at_rate([tf.range(5)], rates, seed=2)
      weights = tf.constant([1.0, 2.0, 0.5, 4.0])
      [b], r = impl.weighted_resample([tf.range(4)], weights, 1.5, seed=4)
      with tf1.Session() as sess:
        sess.run([tf1.global_variables_initializer(),
                  tf1.local_variables_initializer()])
        draws = [sess.run([a, b, r]) for _ in range(3)]
      names = sorted(v.op.name for v in tf1.global_variables() +
                     tf1.local_variables())
    outs.append((names, [[x.tolist() for x in d] for d in draws]))
  assert outs[0] == outs[1]


@pytest.mark.parametrize("impl", IMPLS)
def test_seeded_draws_are_tf115s(h, impl):
  """With a graph seed and op seeds, every env draws what TF 1.15's contrib
  draws (the literals below; on TF 1.15 contrib runs this test too)."""
  impl = _impl(impl)
  tf1.set_random_seed(11)
  [a] = impl.resample_at_rate(
      [tf.range(6)], tf.constant([0.3, 1.0, 2.5, 0.0, 4.0, 0.7]), seed=2)
  [b], _ = impl.weighted_resample(
      [tf.range(4)], tf.constant([1.0, 2.0, 0.5, 4.0]), 1.5, seed=4)
  h.init_variables()
  assert [[x.tolist() for x in h.run([a, b])] for _ in range(2)] == [
      [[0, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 5], [1, 1, 3, 3, 3]],
      [[1, 4, 4, 4, 4, 4, 5, 5], [1, 1, 1, 3, 3, 3]]]


@pytest.mark.parametrize("impl", IMPLS)
def test_weighted_resample_rates(h, impl):
  """Rates are weight * overall_rate / running debiased mean weight, and
  the rows are drawn at those rates."""
  impl = _impl(impl)
  weights = tf1.placeholder(tf.float32, [None])
  [rows], rates = impl.weighted_resample([tf.range(tf.size(weights))],
                                         weights, 2.0, mean_decay=0.5,
                                         seed=1)
  h.init_variables()
  w1 = np.tile(np.array([1.0, 3.0], np.float32), 1000)  # mean 2
  r, got_rates = h.run([rows, rates], {weights: w1})
  np.testing.assert_allclose(got_rates, w1[r] * 2.0 / 2.0, rtol=1e-5)
  counts = np.bincount(r, minlength=len(w1)).reshape(-1, 2).mean(0)
  assert abs(counts[0] - 1.0) < 0.15 and abs(counts[1] - 3.0) < 0.25
  # Second batch, mean 4: debiased average (0.5*2*0.5 + 0.5*4) / 0.75 = 3.333.
  w2 = np.full([200], 4.0, np.float32)
  _, got_rates = h.run([rows, rates], {weights: w2})
  np.testing.assert_allclose(got_rates, 4.0 * 2.0 / (10.0 / 3.0), rtol=1e-5)


# ---------------------------------------------------------------------------
# FeedingQueueRunner.


@pytest.mark.parametrize("impl", IMPLS)
def test_feeding_queue_runner(h, impl):
  """Two threads fed from one python source: every value enqueued once;
  the source's end closes the queue (OutOfRangeError after the last)."""
  impl = _impl(impl)
  queue = tf1.FIFOQueue(5, [tf.int32], shapes=[[]])
  placeholders = [tf1.placeholder(tf.int32, []) for _ in range(2)]
  enqueues = [queue.enqueue(p) for p in placeholders]
  source, lock = iter(range(40)), threading.Lock()

  def feed_fn(p):
    def feed():
      with lock:
        value = next(source, None)
      if value is None:
        raise tf.errors.OutOfRangeError(None, None, "end of the source")
      return {p: value}
    return feed

  runner = impl.FeedingQueueRunner(
      queue, enqueues, feed_fns=[feed_fn(p) for p in placeholders])
  assert isinstance(runner, tf1.train.QueueRunner)
  tf1.train.add_queue_runner(runner)
  h.start_queue_runners()
  got = [v[0] if isinstance(v, list) else v
         for v in _drain(h, queue.dequeue())]
  assert sorted(got) == list(range(40))
  assert runner.exceptions_raised == []
  with pytest.raises(ValueError, match="same length as enqueue_ops"):
    impl.FeedingQueueRunner(queue, enqueues, feed_fns=[None])
  with pytest.raises(NotImplementedError, match="serialization to proto"):
    runner.to_proto()


# ---------------------------------------------------------------------------
# Device placement strategies.


def _greedy(sizes, tasks):
  loads, out = np.zeros(tasks), []
  for size in sizes:
    task = int(np.argmin(loads))
    loads[task] += size
    out.append(task)
  return out


SHAPES = [[100], [], [10, 10], [3], [50], [7, 2]]


def _place(impl, strategy, resource):
  with tf.Graph().as_default():
    with tf1.device(tf1.train.replica_device_setter(
        ps_tasks=3, ps_strategy=strategy)):
      variables = [tf1.get_variable("v%d" % i, shape, use_resource=resource)
                   for i, shape in enumerate(SHAPES)]
    return [v.device for v in variables]


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("resource", [False, True], ids=["ref", "resource"])
def test_greedy_load_balancing(impl, resource):
  """Variables go to the least-loaded ps task by byte size (a resource
  variable's bytes too: the in-house difference, see device_setter)."""
  impl = _impl(impl)
  if resource and impl is not _Inhouse:
    pytest.skip("TF 1.15 counts a resource handle as 1 byte")
  strategy = impl.GreedyLoadBalancingStrategy(3, impl.byte_size_load_fn)
  sizes = [4 * max(1, int(np.prod(s))) for s in SHAPES]
  assert _place(impl, strategy, resource) == [
      "/job:ps/task:%d" % t for t in _greedy(sizes, 3)]


@pytest.mark.parametrize("impl", IMPLS)
def test_random_strategy(impl):
  impl = _impl(impl)
  devices = _place(impl, impl.RandomStrategy(3, seed=7), False)
  assert devices == [
      "/job:ps/task:%d" % (
          int(hashlib.md5(("v%d_7" % i).encode()).hexdigest(), 16) % 3)
      for i in range(len(SHAPES))]


def test_byte_size_load_fn_errors():
  with tf.Graph().as_default():
    split = tf.split(tf.zeros([4]), 2)[0].op
    with pytest.raises(ValueError, match="must have a single output"):
      device_setter.byte_size_load_fn(split)
    unknown = tf1.placeholder(tf.float32, [None]).op
    with pytest.raises(ValueError):
      device_setter.byte_size_load_fn(unknown)


# ---------------------------------------------------------------------------
# parse_values.

PARSE_CASES = [
    ("a=1,b=2.5,c=x,d=true", {"a": int, "b": float, "c": str, "d": bool}),
    ("a=[1, 2 3],b=[0.5]", {"a": int, "b": float}),
    ("a[2]=4,a[0]=1", {"a": int}),
    ("d=[true,False,0]", {"d": bool}),
    ("a=1,zz=3", {"a": int}),
    ("a=x", {"a": int}),
    ("d=[true,yes]", {"d": bool}),
    ("a=1,a=2", {"a": int}),
    ("a=1,a[0]=2", {"a": int}),
    ("a[0]=1,a[0]=2", {"a": int}),
    ("a[0]=[1]", {"a": int}),
    ("a=[1],a=[2]", {"a": int}),
    ("a", {"a": int}),
    ("a=1,,", {"a": int}),
    ("", {}),
]


@pytest.mark.parametrize("impl", IMPLS)
def test_parse_values(impl):
  parse = _impl(impl).parse_values
  got = [_outcome(lambda v=v, t=t: parse(v, t)) for v, t in PARSE_CASES]
  got.append(_outcome(lambda: parse("a=1,zz=3", {"a": int},
                                    ignore_unknown=True)))
  assert got[:4] == [
      ("ok", {"a": 1, "b": 2.5, "c": "x", "d": True}),
      ("ok", {"a": [1, 2, 3], "b": [0.5]}),
      ("ok", {"a": {2: 4, 0: 1}}),
      ("ok", {"d": [True, False, False]})]
  assert got[4] == ("ValueError", "Unknown hyperparameter type for zz")
  assert got[6] == ("ValueError", "Could not parse hparam 'd' of type 'bool' "
                    "with value 'true,yes' in d=[true,yes]")
  assert got[-1] == ("ok", {"a": 1})
  assert all(kind in ("ok", "ValueError") for kind, _ in got)


@needs_contrib
def test_parse_values_parity():
  ours = [_outcome(lambda v=v, t=t: hparams.parse_values(v, t))
          for v, t in PARSE_CASES]
  real = [_outcome(lambda v=v, t=t: contrib_training().parse_values(v, t))
          for v, t in PARSE_CASES]
  assert ours == real


def test_public_surfaces():
  assert bucket_ops.__all__ == ["bucket", "bucket_by_sequence_length"]
  assert sorted(sampling_ops.__all__) == [
      "rejection_sample", "resample_at_rate", "stratified_sample",
      "weighted_resample"]
  assert feeding.__all__ == ["FeedingQueueRunner"]
  assert sorted(device_setter.__all__) == [
      "GreedyLoadBalancingStrategy", "RandomStrategy", "byte_size_load_fn"]
  if HAS_CONTRIB:
    import inspect  # pylint: disable=g-import-not-at-top
    real = contrib_training()
    for module in (bucket_ops, sampling_ops, device_setter, feeding):
      for name in module.__all__:
        ours, theirs = getattr(module, name), getattr(real, name)
        if inspect.isclass(ours):
          ours, theirs = ours.__init__, theirs.__init__
        assert (inspect.getfullargspec(ours) ==
                inspect.getfullargspec(theirs)), name
