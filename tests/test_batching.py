"""batch_sequences_with_states: SPEC §2-§4, §9, §13 (12-20), §14 O2/O3/O5/O6."""
from __future__ import absolute_import, division, print_function

import time

import numpy as np
import pytest
import tensorflow as tf

import legacy_pipeline

from conftest import write_sequence_examples
from legacy_pipeline.saver import batching

tf1 = tf.compat.v1


def random_key():
  return tf.strings.join(["key_", tf.strings.as_string(
      tf1.random_uniform([], maxval=2 ** 30, dtype=tf.int32))])


def four_step_inputs():
  """§13.12's example: two dense, two sparse sequences, a sparse context."""
  sequences = {
      "seq1": np.arange(8, dtype=np.float32).reshape(4, 2),
      "seq2": np.array([10, 11, 12, 13], np.int32),
      "sp1": tf.SparseTensor(indices=[[0, 0], [1, 2], [3, 1]],
                             values=[1.0, 2.0, 3.0], dense_shape=[4, 5]),
      # Entries only in steps 0 and 1: empty in the second segment.
      "sp2": tf.SparseTensor(indices=[[0, 0, 1], [1, 1, 3]],
                             values=[7, 8], dense_shape=[4, 3, 5]),
  }
  context = {
      "ctx": np.array([5.0, 6.0], np.float32),
      "spctx": tf.SparseTensor(indices=[[0, 3], [4, 11]], values=[9, 10],
                               dense_shape=[5, 12]),
  }
  return sequences, context


def build_four_step(backend, pad=True, key=None, **kw):
  sequences, context = four_step_inputs()
  args = dict(
      input_key=random_key() if key is None else key,
      input_sequences=sequences, input_context=context, input_length=3,
      initial_states={"s1": np.float32(0), "s2": np.array([1.0, 2.0],
                                                          np.float32)},
      num_unroll=2, batch_size=2, num_threads=3, capacity=2, pad=pad)
  args.update(kw)
  batch = backend.batch_sequences_with_states(**args)
  s1, s2 = batch.state("s1"), batch.state("s2")
  save = tf.group(batch.save_state("s1", s1 + 1),
                  batch.save_state("s2", s2 - 1))
  return batch, s1, s2, save


def _prefixes(keys):
  return {k.split(b":", 1)[0] for k in keys}


def check_two_steps(h, batch, s1, s2, save):
  fetch = [batch.key, batch.next_key, batch.sequences, batch.context, s1, s2,
           batch.length, save]
  key, nk, seqs, ctx, v1, v2, length, _ = h.run(fetch)
  assert _prefixes(key) == {b"00000_of_00002"}
  assert _prefixes(nk) == {b"00001_of_00002"}
  np.testing.assert_array_equal(seqs["seq1"], [[[0, 1], [2, 3]]] * 2)
  np.testing.assert_array_equal(seqs["seq2"], [[10, 11]] * 2)
  sp1 = seqs["sp1"]
  np.testing.assert_array_equal(sp1.dense_shape, [2, 2, 5])
  np.testing.assert_array_equal(sp1.indices,
                                [[0, 0, 0], [0, 1, 2], [1, 0, 0], [1, 1, 2]])
  np.testing.assert_array_equal(sp1.values, [1, 2, 1, 2])
  sp2 = seqs["sp2"]
  np.testing.assert_array_equal(sp2.dense_shape, [2, 2, 3, 5])
  np.testing.assert_array_equal(
      sp2.indices, [[0, 0, 0, 1], [0, 1, 1, 3], [1, 0, 0, 1], [1, 1, 1, 3]])
  spctx = ctx["spctx"]
  np.testing.assert_array_equal(spctx.dense_shape, [2, 5, 12])
  np.testing.assert_array_equal(spctx.indices,
                                [[0, 0, 3], [0, 4, 11], [1, 0, 3], [1, 4, 11]])
  np.testing.assert_array_equal(spctx.values, [9, 10, 9, 10])
  np.testing.assert_array_equal(ctx["ctx"], [[5, 6]] * 2)
  np.testing.assert_array_equal(v1, [0, 0])
  np.testing.assert_array_equal(v2, [[1, 2]] * 2)
  np.testing.assert_array_equal(length, [2, 2])

  key, nk, seqs, ctx, v1, v2, length, _ = h.run(fetch)
  assert _prefixes(key) == {b"00001_of_00002"}
  assert _prefixes(nk) == {b"STOP"}
  np.testing.assert_array_equal(seqs["seq1"], [[[4, 5], [6, 7]]] * 2)
  np.testing.assert_array_equal(seqs["sp1"].indices, [[0, 1, 1], [1, 1, 1]])
  np.testing.assert_array_equal(seqs["sp1"].values, [3, 3])
  assert seqs["sp2"].indices.shape == (0, 4)
  np.testing.assert_array_equal(ctx["spctx"].indices,
                                [[0, 0, 3], [0, 4, 11], [1, 0, 3], [1, 4, 11]])
  np.testing.assert_array_equal(v1, [1, 1])
  np.testing.assert_array_equal(v2, [[0, 1]] * 2)
  np.testing.assert_array_equal(length, [1, 1])
  return key


def test_padded_four_step_example(h, backend):
  """§13.12: pad=True; queue runner survives export_meta_graph."""
  batch, s1, s2, save = build_four_step(backend, pad=True)
  runners = tf1.get_collection(tf1.GraphKeys.QUEUE_RUNNERS)
  assert len(runners) == 1 and len(runners[0].enqueue_ops) == 3
  meta = tf1.train.export_meta_graph()
  runner_defs = meta.collection_def[tf1.GraphKeys.QUEUE_RUNNERS].bytes_list
  assert len(runner_defs.value) == 1
  from tensorflow.core.protobuf import queue_runner_pb2
  proto = queue_runner_pb2.QueueRunnerDef.FromString(runner_defs.value[0])
  assert proto.queue_name.endswith("InputQueueingStateSaver/")
  assert len(proto.enqueue_op_name) == 3
  assert all(n.endswith("StateSaverPrefetchGroup") for n in
             proto.enqueue_op_name)
  h.start_queue_runners()
  check_two_steps(h, batch, s1, s2, save)


def test_unpadded_four_step_example(h, backend):
  """§13.13: the same with pad=False."""
  batch, s1, s2, save = build_four_step(backend, pad=False)
  h.start_queue_runners()
  check_two_steps(h, batch, s1, s2, save)


def test_make_keys_unique(h, backend):
  """§13.14: constant key, make_keys_unique=True, seed 9."""
  with legacy_pipeline.constant_input_allowed():  # repeats on purpose
    batch, s1, s2, save = build_four_step(
        backend, pad=False, key="fixed_key", make_keys_unique=True,
        make_keys_unique_seed=9)
  h.start_queue_runners()
  keys = check_two_steps(h, batch, s1, s2, save)
  for k in keys:
    name = k.split(b":", 1)[1]
    assert name.startswith(b"fixed_key") and name[9:].isdigit()
    assert 0 <= int(name[9:]) < 100000000


def test_ready_segments_summary(h, backend):
  batch, _, _, _ = build_four_step(backend)
  summaries = tf1.get_collection(tf1.GraphKeys.SUMMARIES)
  assert len(summaries) == 1
  proto = tf1.Summary.FromString(h.run(summaries[0]))
  name = proto.value[0].tag
  assert proto.value[0].simple_value == 0.0  # nothing prefetched yet
  assert name.endswith(
      "queue/batch_sequences_with_states/InputQueueingStateSaver/barrier/"
      "ready_segment_batches_")
  del batch


def test_not_multiple_error_reaches_caller(h, backend):
  """§13.15: pad=False, num_unroll 3, dynamic length 4."""
  seq = tf1.placeholder_with_default(np.zeros([4, 2], np.float32), [None, 2])
  batch = backend.batch_sequences_with_states(
      input_key=random_key(), input_sequences={"seq": seq}, input_context={},
      input_length=4, initial_states={"s": 0.0}, num_unroll=3, batch_size=2,
      pad=False)
  coord, threads = h.start_queue_runners()
  message = (".*should be a multiple of: 3, but saw value: 4. "
             "Consider setting pad=True.")
  if backend.name == "contrib":
    with pytest.raises(tf.errors.OutOfRangeError):
      h.run(batch.key)
  else:  # the failure reaches the consumer too (docs/state_saver.md, deviation 9)
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
      h.run(batch.key)
  with pytest.raises(tf.errors.InvalidArgumentError, match=message):
    coord.join(threads, stop_grace_period_secs=10)
  h.coord = None


def test_pad_with_unknown_length(h, backend):
  """§13.16: pad=True, num_unroll 3, input_length=None."""
  sequences, _ = four_step_inputs()
  batch = backend.batch_sequences_with_states(
      input_key=random_key(), input_sequences=sequences, input_context={},
      input_length=None, initial_states={"s": 0.0}, num_unroll=3,
      batch_size=2, capacity=2)
  save = batch.save_state("s", batch.state("s"))
  h.start_queue_runners()
  seqs, length, _ = h.run([batch.sequences, batch.length, save])
  np.testing.assert_array_equal(seqs["seq1"], [[[0, 1], [2, 3], [4, 5]]] * 2)
  np.testing.assert_array_equal(length, [3, 3])
  seqs, length, _ = h.run([batch.sequences, batch.length, save])
  np.testing.assert_array_equal(seqs["seq1"], [[[6, 7], [0, 0], [0, 0]]] * 2)
  np.testing.assert_array_equal(seqs["seq2"], [[13, 0, 0]] * 2)
  np.testing.assert_array_equal(length, [1, 1])
  np.testing.assert_array_equal(seqs["sp1"].indices, [[0, 0, 1], [1, 0, 1]])


def test_padding_lengths_must_match(h):
  """§13.17."""
  length, _ = batching._padding(  # pylint: disable=protected-access
      {"a": tf1.placeholder_with_default(np.zeros([3]), [None]),
       "b": tf1.placeholder_with_default(np.zeros([2]), [None])}, 2)
  with pytest.raises(tf.errors.InvalidArgumentError,
                     match="All sequence lengths must match, but received "
                     "lengths"):
    h.run(length)


def test_padding_values(h):
  """§13.18: ints and floats get 0, strings "", 2-D gets zero rows."""
  length, padded = batching._padding({  # pylint: disable=protected-access
      "i": np.array([1, 2, 3], np.int32), "f": np.array([1.5, 2, 3]),
      "s": np.array([b"a", b"b", b"c"]), "m": np.ones([3, 2], np.float32)}, 5)
  out, n = h.run([padded, length])
  assert n == 3
  np.testing.assert_array_equal(out["i"], [1, 2, 3, 0, 0])
  np.testing.assert_array_equal(out["f"], [1.5, 2, 3, 0, 0])
  assert list(out["s"]) == [b"a", b"b", b"c", b"", b""]
  np.testing.assert_array_equal(out["m"], [[1, 1]] * 3 + [[0, 0]] * 2)


def test_padding_only_sparse(h):
  """§13.19: only sparse sequences: base length is the largest dim 0."""
  a = tf.SparseTensor([[0, 0], [3, 1]], [1, 2], [4, 2])
  b = tf.SparseTensor([[4, 0]], [3], [5, 2])
  length, padded = batching._padding({"a": a, "b": b}, 4)  # pylint: disable=protected-access
  out, n = h.run([padded, length])
  assert n == 5
  np.testing.assert_array_equal(out["a"].dense_shape, [8, 2])
  np.testing.assert_array_equal(out["b"].dense_shape, [8, 2])
  np.testing.assert_array_equal(out["a"].indices, [[0, 0], [3, 1]])
  np.testing.assert_array_equal(out["b"].values, [3])


def test_padding_rejects_bool(h):
  with pytest.raises(TypeError, match="bool"):
    batching._padding({"b": np.array([True, False])}, 2)  # pylint: disable=protected-access


def test_sparse_round_trip_through_handles(h):
  """§13.20: a [2, 3] batch of handles rebuilds [2, 3, 5]."""
  sp = tf.SparseTensor(indices=[[1, 0], [3, 4], [4, 3]],
                       values=[b"c", b"d", b"e"], dense_shape=[6, 5])
  seqs, names, maps = batching._sparse_to_handles({"x": sp})  # pylint: disable=protected-access
  batch = {"x": tf.reshape(seqs["x"], [2, 3])}
  batching._handles_to_sparse(batch, names, maps, 2, 3)  # pylint: disable=protected-access
  out = h.run(batch["x"])
  np.testing.assert_array_equal(out.indices, [[0, 1, 0], [1, 0, 4], [1, 1, 3]])
  assert list(out.values) == [b"c", b"d", b"e"]
  np.testing.assert_array_equal(out.dense_shape, [2, 3, 5])


def test_build_time_errors(h, backend):
  """§12 rows for batch_sequences_with_states."""
  kw = dict(input_key="k", input_sequences={"s": np.zeros([4], np.float32)},
            input_context={}, input_length=4, initial_states={"st": 0.0},
            num_unroll=2, batch_size=1)

  def build(**over):
    args = dict(kw)
    args.update(over)
    return backend.batch_sequences_with_states(**args)

  with pytest.raises(ValueError, match="Unsupported num_unroll expected int"):
    build(num_unroll=2.0)
  with pytest.raises(ValueError, match="Unsupported num_unroll expected int"):
    build(num_unroll=tf.constant(2))
  with pytest.raises(ValueError):
    build(num_threads=0)
  with pytest.raises(ValueError, match="None values not supported"):
    build(input_length=None, pad=False)
  with pytest.raises(ValueError, match="capacity 1 needs to be >= batch_size 2"):
    build(capacity=1, batch_size=2)
  with pytest.raises(TypeError):
    build(input_sequences={"b": np.array([True, False])})
  with pytest.raises(ValueError, match="at least one sequence tensor"):
    build(input_sequences={})


def test_inhouse_non_dict_is_type_error(h, inhouse):
  """§15 fix 4."""
  kw = dict(input_key="k", input_sequences={"s": np.zeros([4], np.float32)},
            input_context={}, input_length=4, initial_states={"st": 0.0},
            num_unroll=2, batch_size=1)
  for arg in ("input_sequences", "input_context", "initial_states"):
    args = dict(kw)
    args[arg] = [1.0]
    with pytest.raises(TypeError, match="%s must be a dict" % arg):
      inhouse.batch_sequences_with_states(**args)


# -- end of input through TFRecords (§14 O2, O5, O6) -------------------------


def _records(tmp_path, lengths, name="data.tfrecords"):
  examples = [{"sequences": {"x": [[float(i * 100 + t)] for t in range(n)]}}
              for i, n in enumerate(lengths)]
  return write_sequence_examples(tmp_path / name, examples)


def _file_batch(backend, path, allow_small_batch, num_threads=1, **kw):
  queue = tf1.train.string_input_producer([path], num_epochs=1, shuffle=False)
  key, record = tf1.TFRecordReader().read(queue)
  _, seqs = tf1.io.parse_single_sequence_example(
      record, sequence_features={
          "x": tf1.io.FixedLenSequenceFeature([1], tf.float32)})
  args = dict(input_key=key, input_sequences=seqs, input_context={},
              input_length=tf.shape(seqs["x"])[0],
              initial_states={"s": np.float32(0)}, num_unroll=3, batch_size=2,
              num_threads=num_threads, allow_small_batch=allow_small_batch)
  args.update(kw)
  batch = backend.batch_sequences_with_states(**args)
  save = batch.save_state("s", batch.state("s") + 1)
  return batch, save


def _wait_for_runners(h, threads, timeout=30):
  """Lets every runner thread finish (so the saver is closed)."""
  def enqueuing(t):
    # QueueRunner also starts a thread per runner that only waits for the
    # coordinator to stop; it stays alive until the test ends.
    target = getattr(t, "_target", None)
    return t.is_alive() and getattr(target, "__name__", "") != "_close_on_stop"

  deadline = time.time() + timeout
  while any(enqueuing(t) for t in threads):
    assert time.time() < deadline, "queue runners did not finish"
    time.sleep(0.02)


def _segment_names(keys):
  # "00001_of_00003:<file>:<offset>" -> (offset, segment)
  out = []
  for k in keys:
    prefix, rest = k.split(b":", 1)
    out.append((int(rest.rsplit(b":", 1)[1]), int(prefix[:5])))
  return out


def _drain(h, batch, save, limit=20):
  batches = []
  for _ in range(limit):
    try:
      key, _ = h.run([batch.key, save])
    except tf.errors.OutOfRangeError:
      return batches, True
    batches.append(_segment_names(key))
  return batches, False


@pytest.mark.parametrize("wait", [True, False], ids=["after_close", "racing"])
def test_o2_small_batches_at_end(h, backend, tmp_path, wait):
  """§14 O2 with allow_small_batch=True: (A0,B0),(A1,B1),(B2,C0),(D0),(D1)."""
  if backend.name == "contrib" and not wait:
    pytest.skip("contrib can hang when a take races the close (SPEC O5)")
  path = _records(tmp_path, [5, 7, 2, 4])
  batch, save = _file_batch(backend, path, True)
  h.init_variables()
  _, threads = h.start_queue_runners()
  if wait:
    _wait_for_runners(h, threads)
  batches, ended = _drain(h, batch, save)
  assert ended
  seg = [[s for _, s in b] for b in batches]
  rec = [[o for o, _ in b] for b in batches]
  assert seg == [[0, 0], [1, 1], [2, 0], [0], [1]]
  order = sorted(set(o for b in rec for o in b))
  a, b_, c, d = order
  assert rec == [[a, b_], [a, b_], [b_, c], [d], [d]]


def test_o2_no_small_batches_ends_without_hang(h, backend, tmp_path):
  """§14 O2 with allow_small_batch=False: contrib hangs, ours ends."""
  path = _records(tmp_path, [5, 7, 2, 4])
  batch, save = _file_batch(backend, path, False)
  h.init_variables()
  _, threads = h.start_queue_runners()
  _wait_for_runners(h, threads)
  for _ in range(3):
    h.run([batch.key, save])
  if backend.name == "contrib":
    with pytest.raises(tf.errors.DeadlineExceededError):
      h.run([batch.key, save], timeout_ms=1000)
    return
  with pytest.raises(tf.errors.OutOfRangeError):
    h.run([batch.key, save])
  with pytest.raises(tf.errors.OutOfRangeError):
    h.run([batch.key, save])


def test_o2_leftover_single_example_dropped(h, backend, tmp_path):
  """§14 O2: lengths 5,7,2,1,1,1 without small batches."""
  path = _records(tmp_path, [5, 7, 2, 1, 1, 1])
  batch, save = _file_batch(backend, path, False)
  h.init_variables()
  _, threads = h.start_queue_runners()
  _wait_for_runners(h, threads)
  batches, ended = _drain(h, batch, save)
  assert ended
  assert [len(b) for b in batches] == [2, 2, 2, 2]
  assert [s for _, s in batches[3]] == [0, 0]


@pytest.mark.parametrize("allow_small_batch", [True, False])
def test_o5_take_waiting_at_close_returns(h, inhouse, tmp_path,
                                          allow_small_batch):
  """§14 O5 fixed: a take blocked when the saver closes does not hang."""
  key = tf1.placeholder(tf.string, [])
  saver = inhouse.SequenceQueueingStateSaver(
      batch_size=2, num_unroll=2, input_length=4, input_key=key,
      input_sequences={"x": np.zeros([4], np.float32)}, input_context={},
      initial_states={"s": np.float32(0)},
      allow_small_batch=allow_small_batch)
  batch = saver.next_batch
  save = batch.save_state("s", batch.state("s"))
  h.run(saver.prefetch_op, {key: "only"})
  result = {}

  def take():
    try:
      result["keys"] = h.run([batch.key, save], timeout_ms=15000)[0]
    except Exception as e:  # pylint: disable=broad-except
      result["error"] = e

  import threading
  t = threading.Thread(target=take)
  t.start()
  time.sleep(0.5)
  assert t.is_alive()  # waiting for a second ready segment
  h.run(saver.close())
  t.join(20)
  assert not t.is_alive()
  if allow_small_batch:
    assert list(result["keys"]) == [b"00000_of_00002:only"]
    keys, _ = h.run([batch.key, save])
    assert list(keys) == [b"00001_of_00002:only"]
    with pytest.raises(tf.errors.OutOfRangeError):
      h.run([batch.key, save])
  else:
    assert isinstance(result.get("error"), tf.errors.OutOfRangeError)
  # A second plain close is an error, a cancelling one is fine.
  with pytest.raises(tf.errors.CancelledError, match="already closed"):
    h.run(saver.close())
  h.run(saver.close(cancel_pending_enqueues=True))


def _two_segment_saver(backend):
  """A fed-key saver of two-segment examples, batch 1, small batches on."""
  key = tf1.placeholder(tf.string, [])
  saver = backend.SequenceQueueingStateSaver(
      batch_size=1, num_unroll=2, input_length=4, input_key=key,
      input_sequences={"x": np.zeros([4], np.float32)}, input_context={},
      initial_states={"s": np.float32(0)}, allow_small_batch=True)
  batch = saver.next_batch
  return key, saver, batch, batch.save_state("s", batch.state("s") + 1)


def test_close_semantics(h, backend):
  """§7: after close, saves still work, new examples are cancelled."""
  key, saver, batch, save = _two_segment_saver(backend)
  h.run(saver.prefetch_op, {key: "a"})
  h.run(saver.close())
  with pytest.raises(tf.errors.CancelledError):
    h.run(saver.prefetch_op, {key: "b"})
  keys, _ = h.run([batch.key, save])
  assert list(keys) == [b"00000_of_00002:a"]
  keys, s, _ = h.run([batch.key, batch.state("s"), save])
  assert list(keys) == [b"00001_of_00002:a"] and list(s) == [1]
  with pytest.raises(tf.errors.OutOfRangeError):
    h.run(batch.key)


def test_cancel_close_discards_incomplete(h, backend):
  key, saver, batch, save = _two_segment_saver(backend)
  h.run(saver.prefetch_op, {key: "a"})
  h.run(saver.close(cancel_pending_enqueues=True))
  with pytest.raises(tf.errors.CancelledError):
    h.run([batch.key, save])
  with pytest.raises(tf.errors.OutOfRangeError):
    h.run(batch.key)


def test_o6_zero_length_record(h, backend, tmp_path):
  """§14 O6: the consumer ends, coord.join raises the prefetch error."""
  path = _records(tmp_path, [4, 0, 5])
  batch, save = _file_batch(backend, path, True)
  h.init_variables()
  coord, threads = h.start_queue_runners()
  if backend.name == "contrib":
    # The failed runner's request_stop closes the saver with
    # cancel_pending_enqueues: a take finds the end of input, or a
    # save_state racing the close is cancelled, depending on timing.
    ending = (tf.errors.OutOfRangeError, tf.errors.CancelledError)
  else:
    # Fixed: the runner records the failure first, so the consumer gets it
    # instead of what looks like a normal end of input.
    ending = tf.errors.InvalidArgumentError
  with pytest.raises(ending) as info:
    for _ in range(10):
      h.run([batch.key, save])
  if backend.name == "inhouse":
    assert "should be a multiple of: 3, but saw value: 0" in str(info.value)
  with pytest.raises(tf.errors.InvalidArgumentError,
                     match="should be a multiple of: 3, but saw value: 0"):
    coord.join(threads, stop_grace_period_secs=10)
  h.coord = None


def _key_suffixes(h, backend, graph_seed, op_seed, n):
  if graph_seed is not None:
    tf1.set_random_seed(graph_seed)
  key = tf1.placeholder_with_default("file:0", [])
  with legacy_pipeline.constant_input_allowed():  # repeats on purpose
    saver_batch = backend.batch_sequences_with_states(
        input_key=key, input_sequences={"x": np.zeros([3], np.float32)},
        input_context={}, input_length=3, initial_states={"s": 0.0},
        num_unroll=3, batch_size=1, num_threads=1, capacity=None,
        make_keys_unique=True, make_keys_unique_seed=op_seed)
  save = saver_batch.save_state("s", saver_batch.state("s"))
  h.start_queue_runners()
  out = []
  for _ in range(n):
    k, _ = h.run([saver_batch.key, save])
    out.append(int(k[0].split(b":file:0")[1]))
  return out


def test_o3_key_suffix_stream_graph_seed(h, backend):
  """§3: graph seed 0, op seed 29392 -> 65906958, 98597737, ..."""
  assert _key_suffixes(h, backend, 0, 29392, 5) == [
      65906958, 98597737, 6962281, 16204974, 2960723]


def test_o3_key_suffix_stream_op_seed_only(h, backend):
  """§3: op seed 5 with the default graph seed -> 68415791, ..."""
  assert _key_suffixes(h, backend, None, 5, 3) == [68415791, 80848172,
                                                   33213402]
