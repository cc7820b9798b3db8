"""The batched tf.data entry point: many examples parsed and placed per run.

The reference is the per-example tf.data entry point on the scheduled store,
fed the same records in the same order: both run in one graph and their
batches must be identical, row for row, with the states each consumer saved.
"""
from __future__ import absolute_import, division, print_function

import collections
import math

import numpy as np
import pytest
import tensorflow as tf

import legacy_pipeline
from conftest import write_sequence_examples
from legacy_pipeline.saver import batched

tf1 = tf.compat.v1
FEATURES = {"x": tf1.io.FixedLenSequenceFeature([2], tf.float32),
            "y": tf1.io.FixedLenSequenceFeature([], tf.int64)}
CONTEXT = {"label": tf1.io.FixedLenFeature([], tf.int64)}


def _examples(lengths, short_y=()):
  """Example i: x[t] = (i, t), y[t] = 100 i + t, label i; the examples in
  `short_y` get a y one step shorter than x (a bad record)."""
  out = []
  for i, n in enumerate(lengths):
    ny = n - 1 if i in short_y else n
    out.append({"sequences": {"x": [[float(i), float(t)] for t in range(n)],
                              "y": [100 * i + t for t in range(ny)]},
                "context": {"label": [i]}})
  return out


def _files(tmp_path, lengths, short_y=(), shards=2):
  examples = _examples(lengths, short_y)
  return [write_sequence_examples(tmp_path / ("b%d.tfrecords" % s),
                                  examples[s::shards])
          for s in range(shards)]


def _consumer(batch):
  """The fetches of one step: the batch, and a state saved from it."""
  state = batch.state("s")
  step = tf.stack([tf.reduce_sum(batch.sequences["x"], [1, 2]),
                   tf.cast(batch.length, tf.float32)], 1)
  save = batch.save_state("s", state + step)
  return ([batch.key, batch.sequence, batch.sequence_count, batch.length,
           batch.total_length] +
          [batch.sequences[k] for k in sorted(batch.sequences)] +
          [batch.context[k] for k in sorted(batch.context)] + [state, save])


def _drain(h, fetches, limit=500):
  out = []
  for _ in range(limit):
    try:
      values = h.run(fetches)
    except tf.errors.OutOfRangeError:
      return out
    out.append(values[:-1])
  raise AssertionError("the input did not end after %d batches" % limit)


def _pair(files, batch_size, num_unroll, records_per_run, **kw):
  """The per-example entry point and the batched one on `files`."""
  common = dict(initial_states={"s": np.zeros([2], np.float32)},
                num_unroll=num_unroll, batch_size=batch_size, num_threads=1)
  common.update(kw)
  with tf1.name_scope("per_example"):
    one = legacy_pipeline.batch_sequences_with_states_from_dataset(
        legacy_pipeline.sequence_example_dataset(files, FEATURES, CONTEXT),
        store="scheduled", **common)
  with tf1.name_scope("batched"):
    many = batched.batch_sequences_with_states_from_batches(
        batched.sequence_example_batches(files, FEATURES, CONTEXT,
                                         records_per_run=records_per_run),
        **common)
  return one, many


@pytest.mark.parametrize("lengths,batch_size,num_unroll,records,capacity,small", [
    ([5, 1, 12, 7, 3, 9, 2, 14, 6, 4, 8, 1, 10], 3, 3, 4, 1000, True),
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17], 4, 2, 5, 7,
     False),
    ([20, 1, 1, 1, 1, 1, 19, 2, 2, 3], 2, 4, 1, 2, True),
], ids=["small-batches", "capacity-bound", "one-per-run"])
def test_batches_equal_the_per_example_entry_points(
    h, tmp_path, lengths, batch_size, num_unroll, records, capacity, small):
  files = _files(tmp_path, lengths)
  one, many = _pair(files, batch_size, num_unroll, records, capacity=capacity,
                    allow_small_batch=small)
  assert many.state_saver.store == "scheduled"
  assert many.state_saver.admit_limit == min(64, capacity - batch_size + 1)
  h.init_variables()
  h.start_queue_runners()
  expected = _drain(h, _consumer(one))
  got = _drain(h, _consumer(many))
  assert len(got) == len(expected)
  for b, (want, have) in enumerate(zip(expected, got)):
    for i, (w, v) in enumerate(zip(want, have)):
      np.testing.assert_array_equal(v, w, "batch %d, field %d" % (b, i))
  # Every segment once (all of them with small batches), states chained.
  segments = collections.Counter(
      (k, s) for batch in got for k, s in zip(batch[0], batch[1]))
  assert set(segments.values()) == {1}
  total = sum(int(math.ceil(n / float(num_unroll))) for n in lengths)
  if small:
    assert len(segments) == total
  else:
    assert len(segments) == len(got) * batch_size


def test_elements_larger_than_one_run_admits_are_cut_and_never_block(
    h, tmp_path):
  # capacity == batch_size: one run may take one capacity token only (more
  # could deadlock, see scheduled.admit_limit), so each element of 3 records
  # is admitted one example per run; every segment comes out, then the end.
  lengths = [4, 1, 6, 2, 3, 8, 5]
  files = _files(tmp_path, lengths)
  many = batched.batch_sequences_with_states_from_batches(
      batched.sequence_example_batches(files, FEATURES, records_per_run=3),
      {"s": np.zeros([2], np.float32)}, 2, 2, capacity=2)
  assert many.state_saver.admit_limit == 1
  fetches = _consumer(many)
  h.init_variables()
  h.start_queue_runners()
  rows = [(k, s) for batch in _drain(h, fetches)
          for k, s in zip(batch[0], batch[1])]
  assert len(rows) == len(set(rows)) == sum((n + 1) // 2 for n in lengths)


def test_a_bad_record_fails_the_takes_naming_it(h, tmp_path):
  files = _files(tmp_path, [4, 5, 6, 3], short_y=(2,), shards=1)
  many = batched.batch_sequences_with_states_from_batches(
      batched.sequence_example_batches(files, FEATURES, records_per_run=4),
      {"s": np.zeros([2], np.float32)}, 2, 2)
  fetches = _consumer(many)
  h.init_variables()
  h.start_queue_runners()
  with pytest.raises(tf.errors.InvalidArgumentError) as info:
    h.run(fetches)
  assert "b0.tfrecords:2" in str(info.value)
  assert "sequences of different lengths" in str(info.value)
  with pytest.raises(tf.errors.InvalidArgumentError):  # and stays failed
    h.run(fetches)


def _hand_made(keys, lengths):
  steps = max(lengths)
  return tf.data.Dataset.from_tensors({
      "key": tf.constant(keys),
      "length": tf.constant(lengths, tf.int32),
      "sequences": {"x": tf.ones([len(keys), steps, 2])}})


@pytest.mark.parametrize("keys,lengths,message", [
    (["a", "b", "a"], [2, 2, 2],
     r"Duplicate key in flight: \W+a\W+ is already stored"),
    (["a", "empty"], [2, 0], r"Example \W+empty\W+ has a sequence of length 0"),
], ids=["key-twice-in-one-element", "zero-length"])
def test_a_bad_element_is_refused_naming_the_key(h, keys, lengths, message):
  many = batched.batch_sequences_with_states_from_batches(
      _hand_made(keys, lengths), {"s": np.zeros([2], np.float32)}, 2, 2)
  key = many.key
  h.init_variables()
  h.start_queue_runners()
  with pytest.raises(tf.errors.InvalidArgumentError, match=message):
    h.run(key)


def test_unique_keys_and_the_end_of_input(h):
  many = batched.batch_sequences_with_states_from_batches(
      _hand_made(["a", "b", "c"], [3, 1, 2]),
      {"s": np.zeros([2], np.float32)}, 2, 2, make_keys_unique=True,
      make_keys_unique_seed=3)
  fetches = _consumer(many)
  h.init_variables()
  h.start_queue_runners()
  rows = [(k, s) for batch in _drain(h, fetches)
          for k, s in zip(batch[0], batch[1])]
  names = sorted(set(k.split(b":", 1)[1] for k, _ in rows))
  assert [n[:1] for n in names] == [b"a", b"b", b"c"]
  assert all(n[1:].isdigit() for n in names)
  assert len(rows) == 2 + 1 + 1


def test_argument_errors(h, tmp_path):
  files = _files(tmp_path, [2])
  states = {"s": np.zeros([2], np.float32)}
  with pytest.raises(ValueError, match="batch_size must be a positive int"):
    batched.batch_sequences_with_states_from_batches(
        batched.sequence_example_batches(files, FEATURES), states, 2,
        tf1.placeholder(tf.int32, []))
  with pytest.raises(ValueError, match="capacity 1 needs to be >= "):
    batched.batch_sequences_with_states_from_batches(
        batched.sequence_example_batches(files, FEATURES), states, 2, 2,
        capacity=1)
  with pytest.raises(TypeError, match="dicts with 'key', 'sequences'"):
    batched.batch_sequences_with_states_from_batches(
        tf.data.Dataset.from_tensors(tf.zeros([3])), states, 2, 2)
  with pytest.raises(ValueError, match="records_per_run"):
    batched.sequence_example_batches(files, FEATURES, records_per_run=0)
  with pytest.raises(TypeError, match="FixedLenSequenceFeature only"):
    batched.sequence_example_batches(
        files, {"x": tf1.io.VarLenFeature(tf.float32)})
  with pytest.raises(ValueError, match="no files"):
    batched.sequence_example_batches([], FEATURES)


@pytest.mark.parametrize("run", range(4))
def test_several_admitting_threads_deliver_every_segment_once(h, tmp_path,
                                                              run):
  # Admissions from 3 threads interleave in any order; each example's
  # segments still come once, in order, with its own state chain.
  lengths = [(7 * i + 3 * run) % 17 + 1 for i in range(30)]
  files = _files(tmp_path, lengths, shards=3)
  many = batched.batch_sequences_with_states_from_batches(
      batched.sequence_example_batches(files, FEATURES, records_per_run=4),
      {"s": np.zeros([2], np.float32)}, 3, 3, num_threads=3, capacity=6)
  fetches = _consumer(many)
  h.init_variables()
  h.start_queue_runners()
  seen = collections.defaultdict(list)
  for batch in _drain(h, fetches):
    key, seq, count, length, total, state = (batch[0], batch[1], batch[2],
                                             batch[3], batch[4], batch[-1])
    for i in range(len(key)):
      seen[key[i].split(b":", 1)[1]].append(seq[i])
      assert state[i][1] == 3 * seq[i]  # lengths of the earlier segments
      assert count[i] == (total[i] + 2) // 3
  assert sorted(len(v) for v in seen.values()) == sorted(
      (n + 2) // 3 for n in lengths)
  assert all(v == list(range(len(v))) for v in seen.values())
