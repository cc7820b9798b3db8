"""SequenceQueueingStateSaver: SPEC §5-§8, §13 (1-11), §14 O1/O4/O5.

Tests taking the ``backend`` fixture run against the in-house saver and, on TF
1.15, against contrib's -- the same assertions hold for both.
"""
from __future__ import absolute_import, division, print_function

import threading
import time

import numpy as np
import pytest
import tensorflow as tf

from legacy_pipeline.saver import state_saver as ss

tf1 = tf.compat.v1

# Every test here runs against both of our stores (conftest.store).
pytestmark = pytest.mark.usefixtures("store")


def ordinal(index):
  """insertion_index values as example numbers (index + 2**63), exact."""
  return [int(i) + 2 ** 63 for i in index]


def random_key(prefix="key_"):
  return tf.strings.join([prefix, tf.strings.as_string(
      tf1.random_uniform([], maxval=2 ** 30, dtype=tf.int32))])


def simple_saver(backend, batch_size=2, num_unroll=2, length=3, capacity=None,
                 allow_small_batch=False, name=None, key=None):
  seq1 = np.arange(8, dtype=np.float32).reshape(4, 2)
  seq2 = np.arange(4, dtype=np.int32) * 10
  return backend.SequenceQueueingStateSaver(
      batch_size=batch_size, num_unroll=num_unroll, input_length=length,
      input_key=random_key() if key is None else key,
      input_sequences={"seq1": seq1, "seq2": seq2},
      input_context={"context1": [3.0, 4.0]},
      initial_states={"state1": np.float32(0.0),
                      "state2": np.array([1.0, 2.0], np.float32)},
      capacity=capacity, allow_small_batch=allow_small_batch, name=name)


def test_inputs_are_converted_to_tensors():
  """§13.1: length, key, every sequence and context value become tensors."""
  with tf.Graph().as_default():
    inputs = ss._SequenceInputs(  # pylint: disable=protected-access
        3, "k", {"a": [[1.0]], "b": np.zeros([2, 3])}, {"c": 1.5}, "t")
    assert isinstance(inputs.length, tf.Tensor)
    assert isinstance(inputs.key, tf.Tensor)
    assert all(isinstance(v, tf.Tensor) for v in inputs.sequences.values())
    assert all(isinstance(v, tf.Tensor) for v in inputs.context.values())
    assert inputs.sequences["b"].dtype == tf.float64


def test_two_simple_steps(h, backend):
  """§13.2: two copies of an example through both segments."""
  batch_size = tf.constant(2)
  saver = simple_saver(backend, batch_size=batch_size)
  batch = saver.next_batch
  s1, s2 = batch.state("state1"), batch.state("state2")
  save = tf.group(batch.save_state("state1", s1 + 1),
                  batch.save_state("state2", s2 - 1))
  h.run(saver.prefetch_op)
  h.run(saver.prefetch_op)
  fetch = [batch.key, batch.next_key, batch.sequences["seq1"],
           batch.sequences["seq2"], batch.context["context1"], s1, s2,
           batch.length, batch.total_length, batch.sequence,
           batch.sequence_count, save]
  key, next_key, q1, q2, ctx, v1, v2, length, total, seq, count, _ = h.run(
      fetch)
  k = [x.split(b":", 1)[1] for x in key]
  assert len(set(k)) == 2
  assert [x.split(b":", 1)[0] for x in key] == [b"00000_of_00002"] * 2
  assert list(next_key) == [b"00001_of_00002:" + x for x in k]
  np.testing.assert_array_equal(q1, [[[0, 1], [2, 3]]] * 2)
  np.testing.assert_array_equal(q2, [[0, 10]] * 2)
  np.testing.assert_array_equal(ctx, [[3, 4]] * 2)
  np.testing.assert_array_equal(v1, [0, 0])
  np.testing.assert_array_equal(v2, [[1, 2]] * 2)
  np.testing.assert_array_equal(length, [2, 2])
  np.testing.assert_array_equal(total, [3, 3])
  np.testing.assert_array_equal(seq, [0, 0])
  np.testing.assert_array_equal(count, [2, 2])

  key, next_key, q1, q2, ctx, v1, v2, length, total, seq, count, _ = h.run(
      fetch)
  assert list(key) == [b"00001_of_00002:" + x for x in k]
  assert list(next_key) == [b"STOP:" + x for x in k]
  np.testing.assert_array_equal(q1, [[[4, 5], [6, 7]]] * 2)
  np.testing.assert_array_equal(q2, [[20, 30]] * 2)
  np.testing.assert_array_equal(v1, [1, 1])
  np.testing.assert_array_equal(v2, [[0, 1]] * 2)
  np.testing.assert_array_equal(length, [1, 1])
  np.testing.assert_array_equal(seq, [1, 1])
  assert h.run(saver.barrier.ready_size()) == 0
  assert h.run(saver.barrier.incomplete_size()) == 0


def test_static_shapes(h, backend):
  saver = simple_saver(backend, batch_size=2)
  batch = saver.next_batch
  assert batch.key.get_shape().as_list() == [2]
  assert batch.sequences["seq1"].get_shape().as_list() == [2, 2, 2]
  assert batch.context["context1"].get_shape().as_list() == [2, 2]
  assert batch.state("state2").get_shape().as_list() == [2, 2]
  assert batch.insertion_index.dtype == tf.int64
  assert list(batch.sequences) == ["seq1", "seq2"]
  saver = simple_saver(backend, batch_size=2, allow_small_batch=True)
  assert saver.next_batch.key.get_shape().as_list() == [None]


@pytest.mark.parametrize("rows,num_unroll,length", [(3, 17, 3), (0, 2, 0)],
                         ids=["not_a_multiple", "zero_length"])
def test_bad_padded_length_fails_at_prefetch(h, backend, rows, num_unroll,
                                             length):
  """§13.3 and §4: not a multiple of num_unroll; zero length always fails."""
  saver = backend.SequenceQueueingStateSaver(
      batch_size=1, num_unroll=num_unroll, input_length=length, input_key="k",
      input_sequences={"seq": tf1.placeholder_with_default(
          np.zeros([rows], np.float32), [None])},
      input_context={}, initial_states={"s": 0.0})
  with pytest.raises(tf.errors.InvalidArgumentError,
                     match="should be a multiple of: %d, but saw value: %d" %
                     (num_unroll, rows)):
    h.run(saver.prefetch_op)


def test_capacity_below_tensor_batch_size(h, backend):
  """§13.4: placeholder batch size -> run-time assertion."""
  batch_size = tf1.placeholder_with_default(32, [])
  saver = simple_saver(backend, batch_size=batch_size, capacity=10)
  with pytest.raises(tf.errors.InvalidArgumentError,
                     match="capacity needs to be >= batch_size"):
    h.run(saver.prefetch_op)


def test_capacity_below_constant_tensor_batch_size(h, backend):
  """§7: constants fold to a build-time InvalidArgumentError."""
  with pytest.raises(tf.errors.InvalidArgumentError,
                     match="capacity needs to be >= batch_size"):
    simple_saver(backend, batch_size=tf.constant(32), capacity=10)


def test_capacity_below_int_batch_size(h, backend):
  """§13.5."""
  with pytest.raises(ValueError,
                     match="capacity 10 needs to be >= batch_size 32"):
    simple_saver(backend, batch_size=32, capacity=10)


def test_mismatched_sequence_lengths(h, backend):
  """§13.6."""
  saver = backend.SequenceQueueingStateSaver(
      batch_size=1, num_unroll=17, input_length=3, input_key="k",
      input_sequences={
          "seq1": tf1.placeholder_with_default(np.zeros([17], np.float32),
                                               [None]),
          "seq2": tf1.placeholder_with_default(np.zeros([34], np.float32),
                                               [None])},
      input_context={}, initial_states={"s": 0.0})
  with pytest.raises(
      tf.errors.InvalidArgumentError,
      match="Dimension 0 of tensor labeled sorted_sequences_seq2 should be: "
      "17, shape received: 34"):
    h.run(saver.prefetch_op)


def test_input_length_above_padded_length(h, backend):
  saver = simple_saver(backend, length=5)
  with pytest.raises(tf.errors.InvalidArgumentError,
                     match="Input length should be <= than length from"):
    h.run(saver.prefetch_op)


def test_save_state_errors(h, backend):
  """§13.7 and §6: unknown names, rank, shape and dtype mismatches."""
  saver = backend.SequenceQueueingStateSaver(
      batch_size=1, num_unroll=2, input_length=2, input_key=random_key(),
      input_sequences={"seq": np.zeros([2], np.float32)}, input_context={},
      initial_states={"state1": np.float32(0), "state3": np.zeros(
          [2], np.float32)})
  batch = saver.next_batch
  with pytest.raises(KeyError, match="state was not declared: state2"):
    batch.save_state("state2", batch.state("state1"))
  with pytest.raises(KeyError):
    batch.state("state2")
  with pytest.raises(ValueError, match="Rank check failed for .*state1"):
    batch.save_state("state1", np.zeros([1, 1], np.float32))
  with pytest.raises(ValueError, match="Shape check failed for .*SaveState"):
    batch.save_state("state3", np.zeros([1, 3], np.float32))
  fed = tf1.placeholder(tf.float32, None)
  save = batch.save_state("state1", fed)
  h.run(saver.prefetch_op)
  with pytest.raises(tf.errors.InvalidArgumentError,
                     match=r"convert_state1:0 should be: 1, shape received:\] "
                     r"\[1 1\]"):
    h.run(save, {fed: [[1.0]]})


def test_save_state_wrong_dtype_fails_at_run_time(h, backend):
  saver = backend.SequenceQueueingStateSaver(
      batch_size=1, num_unroll=2, input_length=2, input_key=random_key(),
      input_sequences={"seq": np.zeros([4], np.float32)}, input_context={},
      initial_states={"state1": np.float32(0)})
  batch = saver.next_batch
  save = batch.save_state("state1", tf.cast(batch.state("state1"), tf.float64))
  h.run(saver.prefetch_op)
  with pytest.raises(tf.errors.InvalidArgumentError):
    h.run(save)


def test_scope_names(h, backend):
  """§13.11 and §5: lazily built ops re-enter the saver's scope."""
  with tf1.name_scope("outer"):
    saver = simple_saver(backend, name="unique_scope_name_for_sqss")
  assert saver.name == "outer/unique_scope_name_for_sqss/"
  prefix = "outer/unique_scope_name_for_sqss/"
  with tf1.name_scope("elsewhere"):
    store = saver.barrier  # the Barrier, or the scheduled store's view
    ref = getattr(store, "barrier_ref", None)
    assert (ref if ref is not None else store.queue_ref).name.startswith(
        prefix)
    assert saver.prefetch_op.name.startswith(prefix)
    assert saver.next_batch.key.name.startswith(prefix)
  assert simple_saver(backend).name.endswith("InputQueueingStateSaver/")


def test_prefetch_and_next_batch_are_cached(h, backend):
  saver = simple_saver(backend)
  assert saver.prefetch_op is saver.prefetch_op
  assert saver.next_batch is saver.next_batch
  assert saver.batch_size == 2 and saver.num_unroll == 2


def _builder(backend):
  """build(**overrides) -> a one-step saver with valid defaults."""
  defaults = dict(batch_size=1, num_unroll=2, input_length=2, input_key="k",
                  input_sequences={"s": np.zeros([2], np.float32)},
                  input_context={}, initial_states={"st": 0.0})

  def build(**over):
    args = dict(defaults)
    args.update(over)
    return backend.SequenceQueueingStateSaver(**args)

  return build


def test_build_time_errors(h, backend):
  """§12: errors raised while the graph is built."""
  build = _builder(backend)

  with pytest.raises(ValueError, match="initial_states may not be empty"):
    build(initial_states={})
  with pytest.raises(TypeError, match="initial_states must be a dict"):
    build(initial_states=[0.0])
  with pytest.raises(TypeError):
    build(initial_states={1: 0.0})
  with pytest.raises(ValueError, match="may not have a colon"):
    build(initial_states={"a:b": 0.0})
  with pytest.raises(ValueError, match="may not have a colon"):
    build(input_sequences={"a:b": np.zeros([2])})
  with pytest.raises(ValueError, match="may not have a colon"):
    build(input_context={"a:b": 1.0})
  with pytest.raises(ValueError, match="at least one sequence tensor"):
    build(input_sequences={})
  with pytest.raises(ValueError, match="not fully defined"):
    build(initial_states={"st": tf1.placeholder(tf.float32, [None])})
  with pytest.raises(ValueError, match="not fully defined"):
    build(input_context={"c": tf1.placeholder(tf.float32, [None])})
  with pytest.raises(ValueError, match="not fully defined"):
    build(input_sequences={"s": tf1.placeholder(tf.float32, [None, None])})
  with pytest.raises(ValueError, match="Empty tensors are not supported"):
    build(initial_states={"st": np.zeros([0], np.float32)})
  with pytest.raises(TypeError, match="length dtype must be int32"):
    build(input_length=tf.constant(2, tf.int64))
  with pytest.raises(TypeError, match="key dtype must be string"):
    build(input_key=tf.constant(1))
  with pytest.raises(ValueError, match="Rank check failed"):
    build(input_length=[2])
  with pytest.raises(ValueError, match="Rank check failed"):
    build(input_key=["k"])
  with pytest.raises(ValueError):
    build(input_length=None)
  with pytest.raises(ValueError):
    build(num_unroll=0)
  with pytest.raises(ValueError):
    build(num_unroll=-2)
  with pytest.raises(TypeError):
    build(num_unroll=2.0)


def test_inhouse_build_time_fixes(h, inhouse):
  """§15 fixes 2 and 4: negative batch_size, non-dict arguments."""
  build = _builder(inhouse)

  with pytest.raises(ValueError, match="batch_size must be >= 0, got -1"):
    build(batch_size=-1)
  with pytest.raises(ValueError, match="batch_size must be >= 0, got -3"):
    build(batch_size=tf.constant(-3))
  with pytest.raises(TypeError, match="input_sequences must be a dict"):
    build(input_sequences=[np.zeros([2])])
  with pytest.raises(TypeError, match="input_context must be a dict"):
    build(input_context=[1.0])
  with pytest.raises(TypeError, match="num_unroll must be a Python int"):
    build(num_unroll=True)
  with pytest.raises(ValueError, match="Unsupported num_unroll expected int"):
    build(num_unroll=2.5)  # both classes, as contrib raised either
  with pytest.raises(ValueError, match="num_unroll must be a positive int"):
    build(num_unroll=0)


def test_negative_fed_batch_size_fails_cleanly(h, inhouse):
  """§15 fix 2 at run time: an assertion instead of a process abort."""
  batch_size = tf1.placeholder(tf.int32, [])
  saver = simple_saver(inhouse, batch_size=batch_size)
  with pytest.raises(tf.errors.InvalidArgumentError,
                     match="batch_size must be >= 0"):
    h.run(saver.next_batch.key, {batch_size: -1})


def test_double_save_is_refused(h, inhouse):
  """§15 item 5: a second save of one state on one batch is a build error."""
  saver = simple_saver(inhouse)
  batch = saver.next_batch
  batch.save_state("state1", batch.state("state1"))
  with pytest.raises(ValueError, match="state 'state1' is already saved"):
    batch.save_state("state1", batch.state("state1") + 1)


def test_duplicate_single_segment_key_is_an_error(h, inhouse):
  """§15 item 3: a key in flight twice fails, naming the key."""
  saver = inhouse.SequenceQueueingStateSaver(
      batch_size=2, num_unroll=4, input_length=2, input_key="dup",
      input_sequences={"s": np.zeros([4], np.float32)}, input_context={},
      initial_states={"st": 0.0})
  batch = saver.next_batch
  h.run(saver.prefetch_op)
  with pytest.raises(tf.errors.InvalidArgumentError,
                     match=r"Duplicate key in flight: .*dup"):
    h.run(saver.prefetch_op)
  # The first copy is intact, and once it finished the key is free again.
  assert h.run(saver.barrier.ready_size()) == 1
  batch1 = inhouse.SequenceQueueingStateSaver(
      batch_size=1, num_unroll=4, input_length=2, input_key="again",
      input_sequences={"s": np.zeros([4], np.float32)}, input_context={},
      initial_states={"st": 0.0})
  b = batch1.next_batch
  save = b.save_state("st", b.state("st"))
  for _ in range(3):
    h.run(batch1.prefetch_op)
    h.run([b.key, save])
  del batch


def test_duplicate_multi_segment_key_names_key(h, backend):
  """§3: a multi-segment duplicate fails in both implementations."""
  saver = backend.SequenceQueueingStateSaver(
      batch_size=2, num_unroll=2, input_length=4, input_key="dup",
      input_sequences={"s": np.zeros([4], np.float32)}, input_context={},
      initial_states={"st": 0.0})
  h.run(saver.prefetch_op)
  with pytest.raises(tf.errors.InvalidArgumentError, match="dup"):
    h.run(saver.prefetch_op)


def _ordered_saver(backend, batch_size, capacity=None):
  key = tf1.placeholder(tf.string, [])
  length = tf1.placeholder(tf.int32, [])
  seq = tf1.placeholder(tf.float32, [None, 1])
  saver = backend.SequenceQueueingStateSaver(
      batch_size=batch_size, num_unroll=3, input_length=length, input_key=key,
      input_sequences={"x": seq}, input_context={},
      initial_states={"s": np.float32(0)}, capacity=capacity)
  batch = saver.next_batch
  st = batch.state("s")
  save = batch.save_state("s", st + 1)
  feeds = lambda k, rows, n: {key: k, seq: np.full([rows, 1], 1.0), length: n}
  return saver, batch, st, save, feeds


def test_o1_ordering_and_lengths(h, backend):
  """§14 O1: A(6,L=5) B(9,L=2) C(3,L=3) D(3,L=0), num_unroll 3, batch 2."""
  saver, batch, st, save, feeds = _ordered_saver(backend, 2)
  for k, rows, n in [("A", 6, 5), ("B", 9, 2), ("C", 3, 3), ("D", 3, 0)]:
    h.run(saver.prefetch_op, feeds(k, rows, n))
  fetch = [batch.key, batch.next_key, batch.length, batch.sequence_count,
           batch.insertion_index, st, save]
  key, nk, length, count, index, state, _ = h.run(fetch)
  assert list(key) == [b"00000_of_00002:A", b"00000_of_00003:B"]
  assert list(length) == [3, 2] and list(count) == [2, 3]
  assert ordinal(index) == [0, 1]
  key, nk, length, count, index, state, _ = h.run(fetch)
  assert list(key) == [b"00001_of_00002:A", b"00001_of_00003:B"]
  assert list(length) == [2, 0] and nk[0] == b"STOP:A"
  assert list(state) == [1, 1]
  key, nk, length, count, index, state, _ = h.run(fetch)
  assert list(key) == [b"00002_of_00003:B", b"00000_of_00001:C"]
  assert list(length) == [0, 3] and list(state) == [2, 0]
  # Only D is ready now: the next take must block (contrib and ours alike).
  assert h.run(saver.barrier.ready_size()) == 1
  with pytest.raises(tf.errors.DeadlineExceededError):
    h.run(batch.key, timeout_ms=500)


def test_rows_shift_up_when_an_older_example_finishes(h, backend):
  """§7: rows are not fixed slots; the newcomer takes the last row."""
  saver, batch, st, save, feeds = _ordered_saver(backend, 2)
  for k, rows in [("A", 3), ("B", 6), ("C", 6)]:
    h.run(saver.prefetch_op, feeds(k, rows, rows))
  key, _ = h.run([batch.key, save])
  assert list(key) == [b"00000_of_00001:A", b"00000_of_00002:B"]
  key, _ = h.run([batch.key, save])
  assert list(key) == [b"00001_of_00002:B", b"00000_of_00002:C"]


def test_o4_capacity_blocks_third_prefetch(h, backend, store):
  """§14 O4: at capacity a prefetch blocks until an example finishes."""
  saver, batch, st, save, feeds = _ordered_saver(backend, 2, capacity=2)
  h.run(saver.prefetch_op, feeds("A", 3, 3))
  h.run(saver.prefetch_op, feeds("B", 3, 3))
  with pytest.raises(tf.errors.DeadlineExceededError):
    h.run(saver.prefetch_op, feeds("C", 3, 3), timeout_ms=500)
  if store == "barrier":
    # The timed-out run already stored C's non-state parts.
    assert h.run(saver.barrier.incomplete_size()) >= 1
  else:
    # The scheduled store waits for capacity before it stores anything.
    assert h.run(saver.barrier.ready_size()) == 2
  key, _ = h.run([batch.key, save])
  assert sorted(key) == [b"00000_of_00001:A", b"00000_of_00001:B"]


def test_capacity_tokens_released_with_state(h, backend):
  """§6: reading state() releases finished examples' tokens."""
  saver, batch, st, save, feeds = _ordered_saver(backend, 1, capacity=1)
  for k in "ABC":
    h.run(saver.prefetch_op, feeds(k, 3, 3))
    key, _ = h.run([batch.key, save])
    assert key[0].endswith(k.encode())


def test_insertion_order_many_examples(h, backend):
  """§13.9: 3200 two-segment examples, 200 takes of 32."""
  saver = backend.SequenceQueueingStateSaver(
      batch_size=32, num_unroll=2, input_length=4,
      input_key=tf.strings.as_string(tf1.placeholder(tf.int32, [],
                                                     name="keyid")),
      input_sequences={"x": np.zeros([4], np.float32)}, input_context={},
      initial_states={"s": np.float32(0)})
  keyid = h.graph.get_tensor_by_name("keyid:0")
  batch = saver.next_batch
  save = batch.save_state("s", batch.state("s"))
  n = 3200
  for i in range(n):
    h.run(saver.prefetch_op, {keyid: i})
  for t in range(200):
    index, seq, _ = h.run([batch.insertion_index, batch.sequence, save])
    first = 32 * (t // 2)
    assert ordinal(index) == list(range(first, first + 32))
    assert set(seq) == {t % 2}
  assert h.run(saver.barrier.ready_size()) == 0
  assert h.run(saver.barrier.incomplete_size()) == 0


def test_fed_batch_size(h, backend):
  """§13.10: batch size as a placeholder fed 0..7 on two-segment examples."""
  batch_size = tf1.placeholder(tf.int32, [])
  keyid = tf1.placeholder(tf.int32, [])
  saver = backend.SequenceQueueingStateSaver(
      batch_size=batch_size, num_unroll=2, input_length=4,
      input_key=tf.strings.as_string(keyid),
      input_sequences={"x": np.zeros([4], np.float32)}, input_context={},
      initial_states={"s": np.float32(0)})
  batch = saver.next_batch
  save = batch.save_state("s", batch.state("s"))
  for i in range(128):
    h.run(saver.prefetch_op, {keyid: i})
  expected = [[], [0], [0, 1], [1, 2, 3], [2, 3, 4, 5], [4, 5, 6, 7, 8],
              [6, 7, 8, 9, 10, 11], [9, 10, 11, 12, 13, 14, 15]]
  for size, want in enumerate(expected):
    index, x, b, _ = h.run([batch.insertion_index, batch.sequences["x"],
                            batch.batch_size, save], {batch_size: size})
    assert ordinal(index) == want
    assert x.shape == (size, 2) and b == size


def test_batch_size_zero(h, backend):
  saver = simple_saver(backend, batch_size=0)
  key, b = h.run([saver.next_batch.key, saver.next_batch.batch_size])
  assert key.shape == (0,) and b == 0


def test_many_threads_many_readers(h, backend):
  """§13.8: 32 inserter threads x 20 examples, 100 reader threads."""
  num_unroll = 17
  keyid = tf1.placeholder(tf.string, [])
  padded = tf1.placeholder(tf.int32, [])
  length = tf1.placeholder(tf.int32, [])
  seq = tf.reshape(tf.cast(tf.range(padded), tf.float32), [-1, 1])
  saver = backend.SequenceQueueingStateSaver(
      batch_size=4, num_unroll=num_unroll, input_length=length,
      input_key=keyid, input_sequences={"seq": seq},
      input_context={"ctx": tf.stack([tf.cast(padded, tf.float32)])},
      initial_states={"up": np.float32(0), "down": np.float32(100)},
      capacity=2000)
  batch = saver.next_batch
  up, down = batch.state("up"), batch.state("down")
  save = tf.group(batch.save_state("up", up + 1),
                  batch.save_state("down", down - 1))
  fetch = [batch.key, batch.next_key, batch.total_length, batch.length,
           batch.sequence, batch.sequence_count, batch.context["ctx"],
           batch.sequences["seq"], up, down, save]
  rng = np.random.RandomState(0)
  plan = [[(("%d_%d" % (t, i)).encode(), 17 * (1 + rng.randint(10)))
           for i in range(20)] for t in range(32)]
  errors = []
  rows = [0]
  lock = threading.Lock()

  def insert(items):
    try:
      for k, p in items:
        h.run(saver.prefetch_op, {keyid: k, padded: p,
                                  length: rng.randint(1, p + 1)})
    except Exception as e:  # pylint: disable=broad-except
      errors.append(e)

  def read():
    while True:
      try:
        out = h.run(fetch, timeout_ms=300000)
      except (tf.errors.OutOfRangeError, tf.errors.CancelledError):
        return
      except Exception as e:  # pylint: disable=broad-except
        errors.append(e)
        return
      (key, nk, total, length_, seq_i, count, ctx, data, u, d, _) = out
      try:
        for r in range(len(key)):
          prefix, name = key[r].split(b":", 1)
          assert prefix == b"%05d_of_%05d" % (seq_i[r], count[r])
          want_next = (b"STOP:" + name if seq_i[r] + 1 == count[r] else
                       b"%05d_of_%05d:%s" % (seq_i[r] + 1, count[r], name))
          assert nk[r] == want_next
          assert count[r] * num_unroll == int(ctx[r][0])
          assert length_[r] == min(num_unroll, max(
              0, total[r] - seq_i[r] * num_unroll))
          assert u[r] == seq_i[r] and d[r] == 100 - seq_i[r]
          np.testing.assert_array_equal(
              data[r, :, 0], np.arange(num_unroll) + seq_i[r] * num_unroll)
        with lock:
          rows[0] += len(key)
      except AssertionError as e:
        errors.append(e)
        return

  inserters = [threading.Thread(target=insert, args=(p,)) for p in plan]
  readers = [threading.Thread(target=read) for _ in range(100)]
  for t in inserters + readers:
    t.start()
  for t in inserters:
    t.join(120)
  expected_rows = sum(p // num_unroll for items in plan for _, p in items)
  # Readers waiting for a full batch each hold the rows they gathered, so
  # the tail of the input can stall; wait until progress stops, then cancel.
  last, still = -1, 0
  while rows[0] < expected_rows and still < 20 and not errors:
    time.sleep(0.1)
    still = still + 1 if rows[0] == last else 0
    last = rows[0]
  h.run(saver.close(cancel_pending_enqueues=True))
  for t in readers:
    t.join(60)
  assert not any(t.is_alive() for t in readers)
  assert not errors, [str(e).splitlines()[-3:] for e in errors[:3]]
  assert rows[0] > 2 * 20 * 32
