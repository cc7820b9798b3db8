"""End of input: no segment lost, no hang, on every close and cancel path.

Issue 12: a take could see only close-time fillers while a real segment was
still on its way, so one segment was silently dropped -- about once in
twenty runs on a busy machine.  Here:

* a stress test of that exact scenario and its neighbours, repeated under
  CPU load the test makes itself (``legacy_pipeline.stress``; the long
  version is ``python -m legacy_pipeline.stress``);
* deterministic tests that force each ordering of close against takes,
  saves and a prefetch blocked on capacity (close or the take run from a
  second thread at chosen points);
* every dtype as a sequence, context and state through close and drain.

Every run has a timeout: a hang fails the test instead of CI.
"""
from __future__ import absolute_import, division, print_function

import os
import threading
import time

import numpy as np
import pytest
import tensorflow as tf

import legacy_pipeline
from legacy_pipeline import stress

tf1 = tf.compat.v1

# Every test here runs against both of our stores (conftest.store).
pytestmark = pytest.mark.usefixtures("store")

# The suite's short version (CI time); benchmarks/stress.sh runs 2,000, and
# LEGACY_PIPELINE_STRESS_RUNS=150 gives the rate quoted below.
STRESS_RUNS = int(os.environ.get("LEGACY_PIPELINE_STRESS_RUNS", "40"))


def test_stress_end_of_input_under_load(store):
  """STRESS_RUNS runs (70% the issue-12 scenario, 30% neighbours), 2 busy
  processes.

  Against the code before the fix, about 3% of the issue-12 runs lost a
  segment on this machine under such load (5 of 150 mixed runs), so 60
  runs catch it about 4 times in 5; test_issue12_ordering_... below catches
  it every time, so this is the smoke version of the long run
  (benchmarks/stress.sh, 2,000 runs alternating the stores).  The scheduled
  store (whose close path has no fillers and no issue-12 history) gets 2/5
  of the runs, to keep CI short.
  """
  runs = STRESS_RUNS if store == "barrier" else max(1, STRESS_RUNS * 2 // 5)
  with stress.busy_processes(2, 600):
    passed, failures = stress.stress(runs, seed=12, first_seen_share=0.7,
                                     stores=(store,))
  assert not failures, failures[:5]
  assert passed == runs


def test_stress_checker_catches_a_lost_segment():
  """The stress verdict is not vacuous: a lost or doubled row is reported."""
  s = dict(stress.FIRST_SEEN)
  rows = stress.deliver(**s)
  assert stress.problems(s, rows) == []
  assert "lost: [(0, 1)]" in stress.problems(
      s, [r for r in rows if not (r["key"].endswith(b"seq0")
                                  and r["sequence"] == 1)])
  assert any("twice" in p for p in stress.problems(s, rows + rows[:1]))


# -- forced orderings -------------------------------------------------------


def _fed_saver(batch_size, capacity=None, allow_small_batch=True,
               num_unroll=2):
  """A saver fed by placeholders: key and a [T] float sequence."""
  key = tf1.placeholder(tf.string, [])
  seq = tf1.placeholder(tf.float32, [None])
  saver = legacy_pipeline.SequenceQueueingStateSaver(
      batch_size=batch_size, num_unroll=num_unroll,
      input_length=tf.shape(seq)[0], input_key=key,
      input_sequences={"x": seq}, input_context={},
      initial_states={"s": np.float32(0)}, capacity=capacity,
      allow_small_batch=allow_small_batch)
  batch = saver.next_batch
  step = [batch.key, batch.state("s"),
          batch.save_state("s", batch.state("s") + 1)]
  return saver, batch, step, lambda k, n: {key: k, seq: np.ones([n],
                                                               np.float32)}


class _Later(object):
  """Runs `h.run(fetches, feed)` in a thread; result() joins it."""

  def __init__(self, h, fetches, feed=None, timeout_ms=15000):
    self._out = {}

    def body():
      try:
        self._out["value"] = h.run(fetches, feed, timeout_ms=timeout_ms)
      except Exception as e:  # pylint: disable=broad-except
        self._out["error"] = e

    self._thread = threading.Thread(target=body)
    self._thread.start()

  def waiting(self, secs=0.5):
    time.sleep(secs)
    return self._thread.is_alive()

  def result(self, secs=20):
    self._thread.join(secs)
    assert not self._thread.is_alive(), "still blocked"
    if "error" in self._out:
      raise self._out["error"]
    return self._out["value"]


def _drain(h, step):
  """Takes with saves until OutOfRangeError; returns the keys in order."""
  keys = []
  for _ in range(100):
    try:
      out = h.run(step, timeout_ms=10000)
    except tf.errors.OutOfRangeError:
      return keys
    keys.extend(k.decode() for k in out[0])
  raise AssertionError("no end of input after 100 takes")


def test_issue12_ordering_fillers_taken_before_the_next_take(h, store):
  """The lost-segment ordering, forced.

  A (2 segments) and B (1) are stored; a take of 4 is waiting; close()
  stores fillers and the take returns A0, B0 and two fillers; A1 becomes
  ready by that take's save; the next take must return A1 (it used to wait
  with A1 + the two remaining fillers, and a store close then dropped them
  all).
  """
  saver, batch, step, feed = _fed_saver(batch_size=4, capacity=4)
  h.run(saver.prefetch_op, feed("A", 4))
  h.run(saver.prefetch_op, feed("B", 2))
  first = _Later(h, step)
  assert first.waiting()
  h.run(saver.close())
  keys = [k.decode() for k in first.result()[0]]
  assert keys == ["00000_of_00002:A", "00000_of_00001:B"]
  if store == "barrier":
    # The take replaced the two fillers it removed: four are stored again.
    assert h.run(saver.barrier.ready_size()) == 1 + 4
  else:
    # The scheduled store has no fillers: A1 is the one segment left.
    assert h.run(saver.barrier.ready_size()) == 1
  assert _drain(h, step) == ["00001_of_00002:A"]
  assert h.run(saver.barrier.incomplete_size()) == 0


@pytest.mark.parametrize("allow_small_batch", [True, False])
def test_take_started_before_close_and_several_after(h, allow_small_batch):
  """Takes before and after close, each consuming fillers, never hang."""
  saver, batch, step, feed = _fed_saver(
      batch_size=3, capacity=6, allow_small_batch=allow_small_batch)
  for k, n in [("A", 6), ("B", 2), ("C", 4)]:
    h.run(saver.prefetch_op, feed(k, n))
  # A full batch before close.
  assert sorted(k.decode() for k in h.run(step)[0]) == [
      "00000_of_00001:B", "00000_of_00002:C", "00000_of_00003:A"]
  waiting = _Later(h, step)  # A1 and C1 ready: waits for a third
  assert waiting.waiting()
  h.run(saver.close())
  if allow_small_batch:
    assert [k.decode() for k in waiting.result()[0]] == [
        "00001_of_00003:A", "00001_of_00002:C"]
    assert _drain(h, step) == ["00002_of_00003:A"]
  else:
    with pytest.raises(tf.errors.OutOfRangeError):
      waiting.result()
    with pytest.raises(tf.errors.OutOfRangeError):
      h.run(step)
  for _ in range(3):  # later takes end at once, every time
    with pytest.raises(tf.errors.OutOfRangeError):
      h.run(step, timeout_ms=5000)


def test_close_while_a_prefetch_is_blocked_on_capacity(h):
  """The blocked example is admitted whole before close ends: not lost."""
  saver, batch, step, feed = _fed_saver(batch_size=1, capacity=1)
  h.run(saver.prefetch_op, feed("A", 2))
  blocked = _Later(h, saver.prefetch_op, feed("B", 4))
  assert blocked.waiting()
  closing = _Later(h, saver.close())
  assert closing.waiting()  # waits for the admission in progress
  assert _drain(h, step) == ["00000_of_00001:A", "00000_of_00002:B",
                             "00001_of_00002:B"]
  blocked.result()
  closing.result()
  # Later prefetches are refused, as after contrib's close.
  with pytest.raises(tf.errors.CancelledError):
    h.run(saver.prefetch_op, feed("C", 2))
  assert h.run(saver.barrier.incomplete_size()) == 0


def test_plain_close_then_cancelling_close(h):
  saver, batch, step, feed = _fed_saver(batch_size=2, capacity=4)
  h.run(saver.prefetch_op, feed("A", 4))
  h.run(saver.prefetch_op, feed("B", 4))
  h.run(saver.close())
  assert sorted(k.decode() for k in h.run(step)[0]) == [
      "00000_of_00002:A", "00000_of_00002:B"]
  h.run(saver.close(cancel_pending_enqueues=True))
  # Ready segments still come out; nothing waits; then the input ends.
  assert sorted(k.decode() for k in h.run(batch.key)) == [
      "00001_of_00002:A", "00001_of_00002:B"]
  with pytest.raises(tf.errors.OutOfRangeError):
    h.run(step, timeout_ms=5000)


def test_cancelling_close_wakes_a_waiting_take(h):
  saver, batch, step, feed = _fed_saver(batch_size=2, capacity=4)
  h.run(saver.prefetch_op, feed("A", 4))
  waiting = _Later(h, step)
  assert waiting.waiting()
  h.run(saver.close(cancel_pending_enqueues=True))
  with pytest.raises((tf.errors.OutOfRangeError, tf.errors.CancelledError)):
    waiting.result()


def test_fed_batch_size_end_of_input(h):
  """A fed batch size (fillers = capacity) drains every segment."""
  size = tf1.placeholder(tf.int32, [])
  key = tf1.placeholder(tf.string, [])
  saver = legacy_pipeline.SequenceQueueingStateSaver(
      batch_size=size, num_unroll=1, input_length=3, input_key=key,
      input_sequences={"x": np.zeros([3], np.float32)}, input_context={},
      initial_states={"s": np.float32(0)}, capacity=4, allow_small_batch=True)
  batch = saver.next_batch
  step = [batch.key, batch.save_state("s", batch.state("s"))]
  for k in "AB":  # the capacity >= batch_size check runs with the prefetch
    h.run(saver.prefetch_op, {key: k, size: 4})
  waiting = _Later(h, step, {size: 4})
  assert waiting.waiting()
  h.run(saver.close())
  got = [k.decode() for k in waiting.result()[0]]
  for n in [3, 1, 2]:
    try:
      got += [k.decode() for k in h.run(step, {size: n})[0]]
    except tf.errors.OutOfRangeError:
      break
  assert sorted(got) == sorted("%05d_of_00003:%s" % (i, k)
                               for k in "AB" for i in range(3))


def test_two_consumers_drain_everything_without_hanging(h):
  """Several consumer threads: the union of their rows is complete."""
  saver, batch, step, feed = _fed_saver(batch_size=2, capacity=8)
  lengths = {"A": 6, "B": 2, "C": 8, "D": 4, "E": 2}
  for k, n in lengths.items():
    h.run(saver.prefetch_op, feed(k, n))
  h.run(saver.close())
  got, errors = [], []

  def consume():
    try:
      got.extend(_drain(h, step))
    except Exception as e:  # pylint: disable=broad-except
      errors.append(e)

  threads = [threading.Thread(target=consume) for _ in range(2)]
  for t in threads:
    t.start()
  for t in threads:
    t.join(30)
  assert not any(t.is_alive() for t in threads) and not errors, errors
  want = ["%05d_of_%05d:%s" % (i, n // 2, k) for k, n in lengths.items()
          for i in range(n // 2)]
  assert sorted(got) == sorted(want)


# -- every dtype ------------------------------------------------------------

DTYPES = [tf.bool, tf.int8, tf.int16, tf.int32, tf.int64, tf.uint8,
          tf.float16, tf.float32, tf.float64, tf.complex64,
          tf.complex128, tf.string]


def _values(dtype, shape, offset):
  n = int(np.prod(shape))
  if dtype == tf.string:
    return np.array([b"v%d" % (offset + i) for i in range(n)],
                    object).reshape(shape)
  if dtype == tf.bool:
    return ((np.arange(n) + offset) % 3 == 0).reshape(shape)
  return (np.arange(n) + offset).reshape(shape).astype(dtype.as_numpy_dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.name)
def test_every_dtype_round_trips_through_close(h, backend, dtype):
  """A sequence, a context value and a state of `dtype` build, close, drain."""
  seq = _values(dtype, [4, 2], 0)
  ctx = _values(dtype, [3], 100)
  init = _values(dtype, [2], 200)
  key = tf1.placeholder(tf.string, [])
  saver = backend.SequenceQueueingStateSaver(
      batch_size=2, num_unroll=2, input_length=4, input_key=key,
      input_sequences={"x": tf.constant(seq, dtype)},
      input_context={"c": tf.constant(ctx, dtype)},
      initial_states={"s": tf.constant(init, dtype)}, capacity=2,
      allow_small_batch=True)
  batch = saver.next_batch
  later = tf.constant(_values(dtype, [2], 300), dtype)
  saved = tf.tile(tf.expand_dims(later, 0), [batch.batch_size, 1])
  step = [batch.key, batch.sequences["x"], batch.context["c"],
          batch.state("s"), batch.save_state("s", saved)]
  close = saver.close()
  h.run(saver.prefetch_op, {key: "a"})
  h.run(close)
  rows = []
  for _ in range(4):
    try:
      rows.append(h.run(step))
    except tf.errors.OutOfRangeError:
      break
  assert [list(r[0]) for r in rows] == [[b"00000_of_00002:a"],
                                        [b"00001_of_00002:a"]]
  for s, r in enumerate(rows):
    np.testing.assert_array_equal(r[1][0], seq[2 * s:2 * s + 2])
    np.testing.assert_array_equal(r[2][0], ctx)
  np.testing.assert_array_equal(rows[0][3][0], init)
  np.testing.assert_array_equal(rows[1][3][0], _values(dtype, [2], 300))


def test_bool_sequence_through_batch_sequences_with_states(h):
  """A per-step bool mask (pad=False) through the contrib entry point."""
  index = tf1.train.range_input_producer(2, num_epochs=1,
                                         shuffle=False).dequeue()
  mask = tf.gather(tf.constant([[True, False, True, True],
                                [False, False, True, False]]), index)
  batch = legacy_pipeline.batch_sequences_with_states(
      input_key=tf.strings.as_string(index), input_sequences={"m": mask},
      input_context={"flag": tf.equal(index, 0)}, input_length=4,
      initial_states={"seen": False}, num_unroll=2, batch_size=2,
      num_threads=1, pad=False)
  step = [batch.key, batch.sequences["m"], batch.context["flag"],
          batch.state("seen"),
          batch.save_state("seen", tf.reduce_any(batch.sequences["m"], 1))]
  h.init_variables()
  h.start_queue_runners()
  out = [h.run(step) for _ in range(2)]
  with pytest.raises(tf.errors.OutOfRangeError):
    h.run(step)
  assert [list(o[0]) for o in out] == [[b"00000_of_00002:0",
                                        b"00000_of_00002:1"],
                                       [b"00001_of_00002:0",
                                        b"00001_of_00002:1"]]
  assert out[0][1].tolist() == [[True, False], [False, False]]
  assert out[1][1].tolist() == [[True, True], [True, False]]
  assert out[0][2].tolist() == [True, False]
  assert out[1][3].tolist() == [True, False]
