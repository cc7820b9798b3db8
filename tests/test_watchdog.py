"""The stall watchdog (legacy_pipeline.saver.watchdog): opt-in stall errors.

A saver that can never deliver another batch (save_state not run, states
fetched without saving, capacity exhausted by stranded sequences) blocks
forever in contrib.  With add_stall_watchdog the Coordinator stops with a
StallError naming the cause and the fix; without it the block stays, as in
contrib.
"""
from __future__ import absolute_import, division, print_function

import re

import numpy as np
import pytest
import tensorflow as tf

import legacy_pipeline
from conftest import write_sequence_examples
from legacy_pipeline import errors
from legacy_pipeline.saver import watchdog
from test_failures import LIMIT_MS, _consume_until_error, _examples, \
    _state_saver

tf1 = tf.compat.v1

# Every test here runs against both of our stores (conftest.store).
pytestmark = pytest.mark.usefixtures("store")


def _stall_pipeline(tmp_path, save_which):
  path = write_sequence_examples(tmp_path / "s.tfrecords", _examples(
      [9] * 30))
  queue = tf1.train.string_input_producer([path], shuffle=False)
  key, record = tf1.TFRecordReader().read(queue)
  _, seqs = tf1.io.parse_single_sequence_example(record, sequence_features={
      "x": tf1.io.FixedLenSequenceFeature([2], tf.float32)})
  batch = legacy_pipeline.batch_sequences_with_states(
      input_key=key, input_sequences=seqs, input_context={},
      input_length=tf.shape(seqs["x"])[0],
      initial_states={"a": np.float32(0), "b": np.float32(0)}, num_unroll=3,
      batch_size=2, num_threads=2, capacity=4, allow_small_batch=False,
      make_keys_unique=True)
  fetches = [batch.key, batch.state("a"), batch.state("b")]
  if save_which:
    fetches.append(batch.save_state(save_which, batch.state(save_which)))
  return batch, fetches


@pytest.mark.parametrize("save_which", [None, "a"],
                         ids=["no_save_state", "one_of_two_states_saved"])
def test_stall_watchdog_names_the_cause(h, tmp_path, save_which, store):
  batch, fetches = _stall_pipeline(tmp_path, save_which)
  dog = watchdog.add_stall_watchdog(batch, timeout_secs=2)
  h.init_variables()
  coord, threads = h.start_queue_runners()
  ended, seconds, batches = _consume_until_error(h, fetches)
  if store == "scheduled":
    _assert_unsaved_state_error(ended, "b" if save_which else "a|b", batches,
                                seconds)
    assert dog.stalls == 0  # nothing stalls: the take itself says why
    return
  assert batches >= 1 and seconds < 30
  assert isinstance(ended, (tf.errors.OutOfRangeError,
                            tf.errors.CancelledError))
  with pytest.raises(errors.StallError) as info:
    coord.request_stop()
    coord.join(threads, stop_grace_period_secs=10)
  h.coord = None
  message = str(info.value)
  assert "stalled" in message and "save_state" in message
  assert "capacity 4" in message
  assert dog.stalls == 1


def test_without_watchdog_a_stall_blocks_as_in_contrib(h, tmp_path, store):
  _, fetches = _stall_pipeline(tmp_path, None)
  h.init_variables()
  h.start_queue_runners()
  if store == "scheduled":
    # The scheduled store cannot stall here: the take after the unsaved one
    # fails at once, naming the state.
    ended, seconds, batches = _consume_until_error(h, fetches)
    _assert_unsaved_state_error(ended, "a|b", batches, seconds)
    return
  with pytest.raises(tf.errors.DeadlineExceededError):
    for _ in range(10):
      h.run(fetches, timeout_ms=3000)


def _assert_unsaved_state_error(ended, state, batches, seconds):
  """The scheduled store's answer to a skipped save_state: the first take
  whose rows continue fails with InvalidArgumentError naming the state."""
  assert isinstance(ended, tf.errors.InvalidArgumentError), ended
  assert re.search(r"state (%s) was not saved for the batch before this one"
                   % state, ended.message), ended.message
  assert "store=barrier" in ended.message
  assert 1 <= batches <= 2 and seconds < 30


def test_watchdog_argument_errors(h):
  saver = _state_saver()
  with pytest.raises(ValueError, match="capacity is unbounded"):
    watchdog.add_stall_watchdog(saver, 5)
  with pytest.raises(ValueError, match="timeout_secs must be positive"):
    watchdog.add_stall_watchdog(saver, 0)
  with pytest.raises(TypeError, match="expected a legacy_pipeline"):
    watchdog.add_stall_watchdog(object(), 5)


def test_watchdog_exports_as_an_inert_runner(h):
  # (A saver's own QueueRunner cannot be imported from a MetaGraph, in
  # contrib either: its queue name ends with "/".  So: a bare saver.)
  dog = watchdog.add_stall_watchdog(_state_saver(capacity=4), 5)
  meta = tf1.train.export_meta_graph()
  with tf.Graph().as_default():
    tf1.train.import_meta_graph(meta)
    runners = tf1.get_collection(tf1.GraphKeys.QUEUE_RUNNERS)
    imported = [r for r in runners if r.name == dog.name]
    assert len(imported) == 1 and type(imported[0]) is not type(dog)
    with tf1.Session() as sess:
      with pytest.raises(tf.errors.OutOfRangeError):
        sess.run(imported[0].enqueue_ops[0],
                 options=tf1.RunOptions(timeout_in_ms=LIMIT_MS))
