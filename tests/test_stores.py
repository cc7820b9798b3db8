"""Which store a saver uses (legacy_pipeline.saver.stores), and what the
scheduled store asks of its consumer.

The choice is made in one place, ``stores.choose_store``; every branch is
exercised here on every TF version of the matrix, and a saver says which
store it got and why (``saver.store``, ``saver.store_reason``).  There is one
saver class; the store is an object it holds (a ``stores.Store``).
"""
from __future__ import absolute_import, division, print_function

import numpy as np
import pytest
import tensorflow as tf

import legacy_pipeline
from legacy_pipeline.saver import barrier_store, scheduled, stores
from legacy_pipeline.saver import state_saver as ss

tf1 = tf.compat.v1


def _saver(batch_size=2, **kwargs):
  return legacy_pipeline.SequenceQueueingStateSaver(
      batch_size=batch_size, num_unroll=2, input_length=4, input_key="k",
      input_sequences={"x": np.zeros([4], np.float32)}, input_context={},
      initial_states={"s": np.float32(0)}, **kwargs)


@pytest.fixture
def no_env(monkeypatch):
  monkeypatch.delenv(stores.STORE_ENV, raising=False)


def test_default_is_the_barrier_store(h, no_env):
  assert stores.choose_store(None, 4) == (
      "barrier", "the default store (barrier) asks for the Barrier store")
  saver = _saver()
  assert type(saver) is legacy_pipeline.SequenceQueueingStateSaver
  assert type(_store_of(saver)) is barrier_store.BarrierStore
  assert saver.store == "barrier"
  assert "default" in saver.store_reason


def test_scheduled_on_request(h, no_env):
  saver = _saver(store="scheduled")
  assert type(saver) is legacy_pipeline.SequenceQueueingStateSaver
  assert type(_store_of(saver)) is scheduled.ScheduledStore
  assert saver.store == "scheduled"
  assert saver.store_reason == "store='scheduled' and batch_size 2 is static"


def test_auto_takes_scheduled_for_a_static_batch_size_from_32(h, no_env):
  big = stores.AUTO_MIN_BATCH_SIZE
  assert stores.choose_store("auto", big) == (
      "scheduled", "store='auto' and batch_size %d is static and >= %d" %
      (big, big))
  assert stores.choose_store("auto", tf.constant(64))[0] == "scheduled"
  assert _saver(batch_size=tf.constant(big), store="auto").store == \
      "scheduled"
  # Below the threshold the Barrier store is the faster one.
  kind, reason = stores.choose_store("auto", big - 1)
  assert kind == "barrier" and "is below %d" % big in reason
  assert _saver(batch_size=2, store="auto").store == "barrier"


def test_auto_falls_back_for_a_fed_or_zero_batch_size(h, no_env):
  fed = tf1.placeholder_with_default(2, [])
  kind, reason = stores.choose_store("auto", fed)
  assert kind == "barrier" and "not a static positive int" in reason
  assert stores.choose_store("auto", 0)[0] == "barrier"
  saver = _saver(batch_size=fed, store="auto")
  assert type(saver) is legacy_pipeline.SequenceQueueingStateSaver
  assert type(_store_of(saver)) is barrier_store.BarrierStore
  assert saver.store == "barrier"


def test_environment_variable(h, monkeypatch):
  monkeypatch.setenv(stores.STORE_ENV, "scheduled")
  kind, reason = stores.choose_store(None, 2)
  assert kind == "scheduled" and stores.STORE_ENV in reason
  assert _saver().store == "scheduled"
  # An explicit argument wins over the environment.
  assert _saver(store="barrier").store == "barrier"
  # From the environment, a saver that cannot use it keeps the Barrier store
  # (the argument itself would be an error, below).
  fed = tf1.placeholder_with_default(2, [])
  kind, reason = stores.choose_store(None, fed)
  assert kind == "barrier" and "LEGACY_PIPELINE_STORE=scheduled but" in reason
  assert _saver(batch_size=fed).store == "barrier"
  monkeypatch.setenv(stores.STORE_ENV, "fast")
  with pytest.raises(ValueError, match="LEGACY_PIPELINE_STORE=fast: unknown"):
    _saver()


def test_bad_store_arguments_are_clear_errors(h, no_env):
  with pytest.raises(ValueError, match=r"store='Scheduled': unknown state "
                     r"saver store, expected one of 'barrier', 'scheduled', "
                     r"'auto'"):
    _saver(store="Scheduled")
  fed = tf1.placeholder_with_default(2, [])
  with pytest.raises(ValueError, match="store='scheduled' needs a static "
                     "batch_size > 0"):
    _saver(batch_size=fed, store="scheduled")
  with pytest.raises(ValueError, match="needs a static batch_size > 0"):
    stores.choose_store("scheduled", 0)
  with pytest.raises(TypeError):  # contrib's parameters stay positional,
    legacy_pipeline.SequenceQueueingStateSaver(  # the addition is not
        2, 2, 4, "k", {"x": np.zeros([4], np.float32)}, {},
        {"s": np.float32(0)}, None, False, None, "scheduled")


def test_every_entry_point_passes_the_store_through(h, no_env):
  batch = legacy_pipeline.batch_sequences_with_states(
      input_key="k", input_sequences={"x": np.zeros([4], np.float32)},
      input_context={}, input_length=4, initial_states={"s": np.float32(0)},
      num_unroll=2, batch_size=2, store="scheduled")
  assert batch.state_saver.store == "scheduled"
  dataset = tf.data.Dataset.from_tensors(
      {"key": "k", "sequences": {"x": np.zeros([4], np.float32)},
       "context": {}, "length": np.int32(4)})
  batch = legacy_pipeline.batch_sequences_with_states_from_dataset(
      dataset, initial_states={"s": np.float32(0)}, num_unroll=2,
      batch_size=32, store="auto")
  assert batch.state_saver.store == "scheduled"


def _store_of(saver):
  return saver._store  # pylint: disable=protected-access


def test_one_saver_class_holding_a_store_object(h, no_env):
  # No subclass chosen at construction: the class is built as any other.
  assert "__new__" not in vars(ss.SequenceQueueingStateSaver)
  for cls, kind in ((barrier_store.BarrierStore, "barrier"),
                    (scheduled.ScheduledStore, "scheduled")):
    assert issubclass(cls, stores.Store) and cls.kind == kind
    saver = _saver(store=kind)
    store = _store_of(saver)
    assert type(store) is cls and store.kind == saver.store
    # The store's layout is what the saver shows as its barrier.
    assert saver.barrier.name.endswith(
        "barrier" if kind == "barrier" else "scheduled_segments")
    assert list(saver.stats()) == ["ready", "incomplete", "in_flight",
                                   "closed"]
  batch = saver.next_batch  # the scheduled store's, built by its take
  assert isinstance(batch.key, tf.Tensor)
  assert set(stores.Batch._fields) >= {"key", "states", "not_done_rows"}


def test_admission_needs_the_scheduled_store(h, no_env):
  saver = _saver(store="scheduled")
  assert saver.admit_limit == scheduled.admit_limit(None, 2)
  barrier = _saver(store="barrier")
  with pytest.raises(ValueError, match="uses the barrier store, which "
                     "cannot admit batches"):
    barrier.admission([])
  with pytest.raises(ValueError, match="uses the barrier store"):
    barrier.admit_limit  # pylint: disable=pointless-statement


# -- what the scheduled store needs from its consumer ------------------------


def _two_segment_steps(h, save):
  """A scheduled saver fed 3 two-segment examples; the step fetches the
  state and, when `save`, saves it."""
  key = tf1.placeholder(tf.string, [])
  saver = legacy_pipeline.SequenceQueueingStateSaver(
      batch_size=2, num_unroll=2, input_length=4, input_key=key,
      input_sequences={"x": np.arange(4, dtype=np.float32)},
      input_context={}, initial_states={"s": np.float32(0)},
      store="scheduled")
  batch = saver.next_batch
  step = [batch.key, batch.state("s")]
  if save:
    step.append(batch.save_state("s", batch.state("s") + 1))
  for k in "ABC":
    h.run(saver.prefetch_op, {key: k})
  return saver, batch, step


def test_a_skipped_save_state_is_an_error_naming_the_state(h):
  _, _, step = _two_segment_steps(h, save=False)
  h.run(step)  # batch 0: A0, B0 (new rows, initial states)
  with pytest.raises(tf.errors.InvalidArgumentError,
                     match="state s was not saved for the batch before"):
    h.run(step)  # batch 1: A1, B1 continue and have no saved state


def test_keys_only_consumers_need_no_save(h):
  """Without states fetched nothing is checked: a reader of keys only (or
  of sequences) drains every segment, as from the Barrier store."""
  saver, batch, _ = _two_segment_steps(h, save=False)
  keys = [list(h.run(batch.key)) for _ in range(2)]
  assert keys == [[b"00000_of_00002:A", b"00000_of_00002:B"],
                  [b"00001_of_00002:A", b"00001_of_00002:B"]]
  h.run(saver.close())  # C's batch is incomplete: small batches are off
  with pytest.raises(tf.errors.OutOfRangeError):
    h.run(batch.key)


def test_saved_states_chain_across_batches(h):
  _, _, step = _two_segment_steps(h, save=True)
  first = h.run(step)
  second = h.run(step)
  np.testing.assert_array_equal(first[1], [0, 0])
  np.testing.assert_array_equal(second[1], [1, 1])
