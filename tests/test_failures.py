"""Never hang, never lose data silently: bad input, faults, stalls, shutdown.

Each bad-input case runs a real pipeline (TFRecord files, reader, parse,
batch_sequences_with_states, queue runners) and a consumer whose every
Session.run has a 30 s RunOptions timeout: the consumer must end (the saver is
closed when the failing runner stops the Coordinator) well inside that, and
Coordinator.join must re-raise an error that names the bad input.
"""
from __future__ import absolute_import, division, print_function

import threading
import time

import numpy as np
import pytest
import tensorflow as tf

import legacy_pipeline
from conftest import write_sequence_examples

tf1 = tf.compat.v1

# Every test here runs against both of our stores (conftest.store).
pytestmark = pytest.mark.usefixtures("store")
LIMIT_MS = 30000


def _examples(lengths, extra=None):
  out = []
  for i, n in enumerate(lengths):
    seqs = {"x": [[float(i), float(t)] for t in range(n)],
            "y": [t for t in range(n)]}
    if extra:
      seqs.update(extra(i, n))
    out.append({"sequences": seqs, "context": {"n": [n]}})
  return out


def _pipeline(files, features=None, num_epochs=1, batch_size=2, capacity=8,
              length_from_context=False, pad=True):
  features = features or {
      "x": tf1.io.FixedLenSequenceFeature([2], tf.float32),
      "y": tf1.io.FixedLenSequenceFeature([], tf.int64)}
  queue = tf1.train.string_input_producer(files, num_epochs=num_epochs,
                                          shuffle=False)
  key, record = tf1.TFRecordReader().read(queue)
  ctx, seqs = tf1.io.parse_single_sequence_example(
      record, context_features={"n": tf1.io.FixedLenFeature([], tf.int64)},
      sequence_features=features)
  length = tf.cast(ctx["n"], tf.int32) if length_from_context else \
      tf.shape(seqs[sorted(seqs)[0]])[0]
  batch = legacy_pipeline.batch_sequences_with_states(
      input_key=key, input_sequences=seqs, input_context={},
      input_length=length, initial_states={"s": np.float32(0)}, num_unroll=3,
      batch_size=batch_size, num_threads=2, capacity=capacity, pad=pad,
      allow_small_batch=True)
  save = batch.save_state("s", batch.state("s") + 1)
  return batch, save


def _consume_until_error(h, fetches, limit_ms=LIMIT_MS):
  """Runs `fetches` until an error; returns (error, seconds, batches)."""
  start, batches = time.time(), 0
  while True:
    try:
      h.run(fetches, timeout_ms=limit_ms)
      batches += 1
    except tf.errors.DeadlineExceededError:
      raise AssertionError("the consumer hung for %d ms" % limit_ms)
    except tf.errors.OpError as e:
      return e, time.time() - start, batches
    assert time.time() - start < limit_ms / 1000.0, "no end in sight"


def _run_case(h, coordinator, files, expected_error, fragments,
              consume_after_failure=False, **kwargs):
  """A bad input reaches the consumer as an error naming it, within 5 s.

  The consumer's take fails with InvalidArgumentError carrying the prefetch
  error's class name and message (the saver's queue runner records it),
  with or without a Coordinator; never OutOfRangeError, never a hang.  With
  a Coordinator, join re-raises the original error (its own class).
  """
  batch, save = _pipeline(files, **kwargs)
  h.init_variables()
  if coordinator:
    coord, threads = h.start_queue_runners()
  else:  # TF 1.x code often starts the runners without a Coordinator
    threads = tf1.train.start_queue_runners(sess=h.sess)
  if consume_after_failure:
    # The failure must happen before anything is consumed (a consumer that
    # finishes examples first can make the bad input a good one); a failing
    # runner thread reports, then ends.
    deadline = time.time() + 10
    while all(t.is_alive() for t in threads):
      assert time.time() < deadline, "no runner thread failed"
      time.sleep(0.01)
  ended, seconds, _ = _consume_until_error(h, [batch.key, save])
  assert isinstance(ended, tf.errors.InvalidArgumentError), ended
  assert seconds < 5, seconds
  text = ended.message.replace("\\'", "'")  # tf.Assert escapes quotes
  assert expected_error.__name__ in text, text[:2000]
  for fragment in fragments:
    assert fragment in text, text[:2000]
  # Later takes keep failing the same way.
  with pytest.raises(tf.errors.InvalidArgumentError):
    h.run([batch.key, save], timeout_ms=LIMIT_MS)
  if coordinator:
    with pytest.raises(expected_error) as info:
      coord.request_stop()  # keeps the recorded error; join re-raises it
      coord.join(threads, stop_grace_period_secs=10)
    h.coord = None
    for fragment in fragments:
      assert fragment in str(info.value), str(info.value)[:2000]
  else:
    for runner in tf1.get_collection(tf1.GraphKeys.QUEUE_RUNNERS):
      h.run(runner.cancel_op)
    for t in threads:
      t.join(10)
  assert not any(t.is_alive() for t in threads)
  return ended


COORDINATOR = pytest.mark.parametrize("coordinator", [True, False],
                                      ids=["coordinator", "no_coordinator"])


def _record_bytes(path):
  with open(path, "rb") as f:
    return bytearray(f.read())


@COORDINATOR
def test_corrupt_tfrecord(h, tmp_path, coordinator):
  path = write_sequence_examples(tmp_path / "c.tfrecords", _examples(
      [4] * 10))
  data = _record_bytes(path)
  data[len(data) // 2] ^= 0xFF  # inside a record's payload: CRC mismatch
  open(path, "wb").write(bytes(data))
  _run_case(h, coordinator, [path], tf.errors.DataLossError,
            ["corrupted record at"])


def test_corrupt_tfrecord_monitored_session(h, tmp_path):
  # The usual TF 1.x loop: it stops (should_stop, or the consumer's run
  # fails with the reported error), and leaving the MonitoredSession (its
  # Coordinator's join) re-raises the prefetch's own DataLossError.
  path = write_sequence_examples(tmp_path / "c.tfrecords", _examples(
      [4] * 10))
  data = _record_bytes(path)
  data[len(data) // 2] ^= 0xFF
  open(path, "wb").write(bytes(data))
  batch, save = _pipeline([path])
  options = tf1.RunOptions(timeout_in_ms=LIMIT_MS)
  start, seen = time.time(), []
  with pytest.raises(tf.errors.DataLossError, match="corrupted record at"):
    with tf1.train.MonitoredSession() as sess:
      while not sess.should_stop():
        try:
          sess.run([batch.key, save], options=options)
        except tf.errors.DeadlineExceededError:
          raise AssertionError("the consumer hung for %d ms" % LIMIT_MS)
        except tf.errors.OpError as e:
          seen.append(e)
          raise
  assert time.time() - start < 10
  # The loop ends either at should_stop() (the runner stopped the
  # Coordinator first) or at a run failing with the reported error; never
  # at an OutOfRangeError.
  assert len(seen) <= 1, seen
  for e in seen:
    assert isinstance(e, tf.errors.InvalidArgumentError), e
    assert "DataLossError" in e.message, e.message[:2000]


@COORDINATOR
def test_truncated_tfrecord(h, tmp_path, coordinator):
  path = write_sequence_examples(tmp_path / "t.tfrecords", _examples(
      [4] * 10))
  data = _record_bytes(path)
  record = len(data) // 10  # ten records of the same size
  # Cut inside the fifth record's payload (a cut inside its 12-byte header
  # reads as a clean end of file to TF's reader).
  open(path, "wb").write(bytes(data[:4 * record + record // 2]))
  _run_case(h, coordinator, [path], tf.errors.DataLossError,
            ["truncated record at"])


@COORDINATOR
def test_missing_feature_list(h, tmp_path, coordinator):
  good = _examples([4, 5])
  bad = [{"sequences": {"x": [[1.0, 2.0]] * 4}, "context": {"n": [4]}}]
  path = write_sequence_examples(tmp_path / "m.tfrecords", good + bad + good)
  _run_case(h, coordinator, [path], tf.errors.InvalidArgumentError,
            ["Feature list", "'y'", "required but could not be found"])


@COORDINATOR
def test_zero_length_sequence(h, tmp_path, coordinator):
  path = write_sequence_examples(tmp_path / "z.tfrecords",
                                 _examples([4, 0, 5]))
  err = _run_case(h, coordinator, [path], tf.errors.InvalidArgumentError,
                  ["should be a multiple of: 3, but saw value: 0"])
  assert "example key: %s:" % path in str(err)


@COORDINATOR
def test_sequence_features_of_different_lengths(h, tmp_path, coordinator):
  examples = _examples([4, 5, 6])
  examples[1]["sequences"]["y"] = examples[1]["sequences"]["y"][:2]
  path = write_sequence_examples(tmp_path / "d.tfrecords", examples)
  _run_case(h, coordinator, [path], tf.errors.InvalidArgumentError,
            ["All sequence lengths must match", "x=5, y=2",
             "example key: %s:" % path])


@COORDINATOR
def test_input_length_above_padded_length(h, tmp_path, coordinator):
  examples = _examples([4, 5, 6])
  examples[1]["context"]["n"] = [9]  # claims 9 steps, has 5 (padded 6)
  path = write_sequence_examples(tmp_path / "l.tfrecords", examples)
  err = _run_case(h, coordinator, [path], tf.errors.InvalidArgumentError,
                  ["Input length should be <= than length from sequences"],
                  length_from_context=True)
  assert "example key:" in str(err) and path in str(err)


@COORDINATOR
def test_duplicate_keys_in_flight(h, tmp_path, coordinator):
  # The same file listed twice: its keys (file:offset) come round again while
  # the first copies are still in flight -- as long as nothing is consumed.
  # (A consumer that finishes the first copy of an example before its second
  # copy is read makes the second a legal new example; that race, not the
  # saver, made this case end with OutOfRangeError now and then.)
  path = write_sequence_examples(tmp_path / "k.tfrecords", _examples([9] * 3))
  _run_case(h, coordinator, [path, path], tf.errors.InvalidArgumentError,
            ["Duplicate key in flight:", "%s:" % path],
            consume_after_failure=True)


@COORDINATOR
def test_pad_false_length_not_a_multiple(h, tmp_path, coordinator):
  path = write_sequence_examples(tmp_path / "p.tfrecords",
                                 _examples([6, 4, 6]))
  err = _run_case(h, coordinator, [path], tf.errors.InvalidArgumentError,
                  ["should be a multiple of: 3, but saw value: 4",
                   "Consider setting pad=True"], pad=False)
  assert path in str(err)


def test_capacity_below_a_tensor_batch_size(h, tmp_path):
  # Not an input error but a misconfiguration: the take waits for 16 rows,
  # more than the fillers (capacity 4) can make up, so the consumer ends as
  # in contrib (the Coordinator's cancel) and join names the cause.
  path = write_sequence_examples(tmp_path / "b.tfrecords", _examples([4] * 4))
  fed = tf1.placeholder_with_default(16, [])
  batch, save = _pipeline([path], batch_size=fed, capacity=4)
  h.init_variables()
  coord, threads = h.start_queue_runners()
  ended, seconds, _ = _consume_until_error(h, [batch.key, save])
  assert isinstance(ended, (tf.errors.OutOfRangeError,
                            tf.errors.CancelledError,
                            tf.errors.InvalidArgumentError)), ended
  assert seconds < 30
  with pytest.raises(tf.errors.InvalidArgumentError,
                     match="capacity needs to be >= batch_size"):
    coord.request_stop()
    coord.join(threads, stop_grace_period_secs=10)
  h.coord = None


def _state_saver(capacity=None):
  return legacy_pipeline.SequenceQueueingStateSaver(
      batch_size=1, num_unroll=2, input_length=2,
      input_key=tf.constant("k"),
      input_sequences={"x": np.zeros([2], np.float32)}, input_context={},
      initial_states={"c": np.zeros([3], np.float32), "n": np.int32(0)},
      capacity=capacity)


def test_save_state_bad_values_name_the_state(h):
  batch = _state_saver().next_batch
  with pytest.raises(ValueError, match="Shape check failed for .*c"):
    batch.save_state("c", np.zeros([1, 4], np.float32))
  with pytest.raises(KeyError, match="state was not declared: h"):
    batch.save_state("h", batch.state("c"))
  with pytest.raises(KeyError, match="h"):
    batch.state("h")


def test_save_state_wrong_dtype_fails_fast(h):
  saver = _state_saver()
  batch = saver.next_batch
  save = batch.save_state("n", tf.cast(batch.state("n"), tf.float32))
  h.run(saver.prefetch_op)
  start = time.time()
  with pytest.raises(tf.errors.InvalidArgumentError):
    h.run(save, timeout_ms=LIMIT_MS)
  assert time.time() - start < 30


# -- faults and shutdown -----------------------------------------------------


def test_reader_error_mid_epoch_stops_every_thread(h, tmp_path):
  good = write_sequence_examples(tmp_path / "a.tfrecords", _examples([5] * 6))
  bad = write_sequence_examples(tmp_path / "b.tfrecords", _examples([5] * 6))
  data = _record_bytes(bad)
  data[len(data) * 3 // 4] ^= 0xFF
  open(bad, "wb").write(bytes(data))
  batch, save = _pipeline([good, bad, good], num_epochs=None)
  h.init_variables()
  before = set(threading.enumerate())
  coord, threads = h.start_queue_runners()
  ended, seconds, batches = _consume_until_error(h, [batch.key, save])
  assert batches > 0 and seconds < 30
  # The reader's DataLossError, recorded by the saver's runner.
  assert isinstance(ended, tf.errors.InvalidArgumentError), ended
  assert "DataLossError" in str(ended)
  with pytest.raises(tf.errors.DataLossError):
    coord.request_stop()
    coord.join(threads, stop_grace_period_secs=10)
  h.coord = None
  assert not any(t.is_alive() for t in threads)
  assert set(threading.enumerate()) - before == set()


def test_request_stop_and_join_leave_no_live_threads(h, tmp_path):
  path = write_sequence_examples(tmp_path / "r.tfrecords", _examples(
      [7] * 20))
  batch, save = _pipeline([path], num_epochs=None)
  legacy_pipeline.add_stall_watchdog(batch, timeout_secs=60)
  h.init_variables()
  before = set(threading.enumerate())
  coord, threads = h.start_queue_runners()
  for _ in range(10):
    h.run([batch.key, save])
  assert len(threads) >= 4  # producer, 2 prefetchers, close-on-stop, watchdog
  coord.request_stop()
  coord.join(threads, stop_grace_period_secs=10)
  h.coord = None
  assert [t.name for t in threads if t.is_alive()] == []
  assert set(threading.enumerate()) - before == set()


def test_close_while_a_take_waits_returns_promptly(h):
  saver = legacy_pipeline.SequenceQueueingStateSaver(
      batch_size=2, num_unroll=2, input_length=2,
      input_key=tf1.placeholder(tf.string, []),
      input_sequences={"x": np.zeros([2], np.float32)}, input_context={},
      initial_states={"s": np.float32(0)}, capacity=4,
      allow_small_batch=True)
  take = saver.next_batch.key
  close = saver.close()
  result = {}

  def consumer():
    start = time.time()
    try:
      h.run(take, timeout_ms=LIMIT_MS)
      result["outcome"] = "batch"
    except tf.errors.OpError as e:
      result["outcome"] = type(e).__name__
    result["seconds"] = time.time() - start

  h.sess  # pylint: disable=pointless-statement
  thread = threading.Thread(target=consumer)
  thread.start()
  time.sleep(0.5)
  assert thread.is_alive()  # nothing to take: it waits
  h.run(close)
  thread.join(timeout=30)
  assert not thread.is_alive()
  assert result["outcome"] == "OutOfRangeError"
  assert result["seconds"] < 5


def test_train_program_names_a_corrupt_file(tmp_path, capsys):
  from legacy_pipeline import train  # pylint: disable=g-import-not-at-top
  from legacy_pipeline.training import toy_data  # pylint: disable=g-import-not-at-top
  data = tmp_path / "data"
  toy_data.write_toy_data(str(data), 40, 0, train_shards=2)
  victim = str(data / "train-00001-of-00002.tfrecords")
  raw = _record_bytes(victim)
  raw[len(raw) * 2 // 3] ^= 0xFF
  open(victim, "wb").write(bytes(raw))
  with pytest.raises(SystemExit) as e:
    train.main(["--model-dir", str(tmp_path / "m"), "--train-files",
                str(data / "train-*"), "--steps", "2000", "--batch-size", "2",
                "--lstm-size", "4", "--eval-every-steps", "100000",
                "--checkpoint-every-steps", "100000"])
  assert e.value.code == 2
  err = capsys.readouterr().err
  assert "corrupt or truncated input: %s record" % victim in err, err
