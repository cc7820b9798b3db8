"""Checkpointing the sequences in flight (opt-in, tf.data input only).

contrib's state saver keeps the examples it is working on only in memory: after
a crash and a restart from a checkpoint, every sequence that was part-way
through restarts from its initial state, and the input (whose read position is
not in the checkpoint) starts again.  With
``batch_sequences_with_states_from_dataset(..., checkpoint_in_flight=True)`` a
``tf.compat.v1.train.Saver`` checkpoint (a MonitoredTrainingSession's too)
holds, next to the model:

* the dataset iterator's position;
* a journal of every example pulled from the iterator and not finished yet --
  its tensors, the segment it continues at and the states that segment starts
  from.

How it stays consistent.  Pulling an example (or a replayed one, below) and
journaling it happen inside one ``tf.CriticalSection``; the checkpoint reads
the iterator state and the journal inside the same critical section, so no
prefetch thread can have advanced the iterator without journaling what it
read.  The segment and states are written by ``save_state`` in the training
step itself, and checkpoints are written between steps.  Restoring the
checkpoint puts the journal's examples (in the order they were first read) on
a replay queue; prefetches drain it before reading the iterator again, and a
replayed example stores only its segments from the one it had reached, with
the saved states.

The journal's tables are keyed by a pull counter (int64) that travels with
each example through the saver as a hidden context value: ``records`` counter
-> serialized example tensors, ``progress`` counter -> next segment, one table
per state name counter -> the state saved for that segment.
"""
from __future__ import absolute_import, division, print_function

import collections

from legacy_pipeline._tf import locked, raw, tf, tf1
from legacy_pipeline.saver import state_saver
from legacy_pipeline.saver import stores

# Saver builds its save/restore ops from these; the module path has been the
# same from TF 1.15 to 2.21.
from tensorflow.python.training.saving import saveable_object  # pylint: disable=g-direct-tensorflow-import

# dtypes a state may have: the MutableHashTableOfTensors kernels with int64
# keys that exist on every supported TF version.
_STATE_DTYPES = (tf.float32, tf.float64, tf.int32, tf.int64)
_REPLAY_CAPACITY = 2 ** 31 - 1
# Context name under which the pull counter rides along with each example;
# removed from the batch's context before the batch is returned.
COUNTER_CONTEXT = "__in_flight_counter"
def _table(key_dtype, value_dtype, value_shape, name):
  if not tf.TensorShape(value_shape).as_list():
    return raw.MutableHashTableV2(key_dtype=key_dtype, value_dtype=value_dtype,
                                  name=name)
  return raw.MutableHashTableOfTensorsV2(
      key_dtype=key_dtype, value_dtype=value_dtype, value_shape=value_shape,
      name=name)


def _find(table, keys, default):
  return raw.LookupTableFindV2(table_handle=table, keys=keys,
                               default_value=default)


def _export(table, key_dtype, value_dtype):
  return raw.LookupTableExportV2(table_handle=table, Tkeys=key_dtype,
                                 Tvalues=value_dtype)


class Journal(object):
  """The in-flight journal of one saver; see the module docstring.

  Built by ``batch_sequences_with_states_from_dataset``; users touch it only
  through the checkpoint (it registers itself as a saveable object).
  """

  def __init__(self, dataset, initial_states, make_keys_unique,
               make_keys_unique_seed, prefetch):
    """Creates the iterator, the tables, the replay queue and the lock.

    Args:
      dataset: Dataset of dicts with "key", "sequences", optional "context"
        and "length"; dense tensors only.
      initial_states: dict name -> value for the first segment.
      make_keys_unique, make_keys_unique_seed: as batch_sequences_with_states.
        The suffix is drawn when an example is first read, so a replayed
        example keeps its key.
      prefetch: elements read ahead of the prefetch threads.

    Raises:
      TypeError: a sparse or ragged component, or a state dtype without a
        table kernel.
    """
    types = tf1.data.get_output_types(dataset)
    shapes = tf1.data.get_output_shapes(dataset)
    classes = tf1.data.get_output_classes(dataset)
    self._fields = []  # (path, dtype, static shape)
    for group in ("sequences", "context"):
      for name in sorted(types.get(group, {})):
        if classes[group][name] is not tf.Tensor:
          raise TypeError(
              "checkpoint_in_flight supports dense sequences and context "
              "only; %s '%s' is a %s" % (group, name,
                                         classes[group][name].__name__))
        self._fields.append(((group, name), types[group][name],
                             shapes[group][name]))
    if "length" in types:
      self._fields.append((("length",), types["length"], shapes["length"]))
    self._states = collections.OrderedDict()
    for name in sorted(initial_states):
      value = tf.convert_to_tensor(initial_states[name],
                                   name="initial_state_%s" % name)
      if value.dtype not in _STATE_DTYPES:
        raise TypeError(
            "checkpoint_in_flight: state '%s' has dtype %s; supported: %s" %
            (name, value.dtype.name,
             ", ".join(d.name for d in _STATE_DTYPES)))
      self._states[name] = value
    self._make_keys_unique = make_keys_unique
    self._seed = make_keys_unique_seed

    # Serializing (like the user's own parsing) happens in tf.data, and a
    # prefetch buffer keeps it off the lock: under the lock a pull only
    # dequeues from that buffer and writes the journal.  The buffer is part
    # of the iterator's saved state.
    def encode(counter, element):
      fields = [tf.io.serialize_tensor(_get(element, path))
                for path, _, _ in self._fields]
      return counter, element["key"], tf.stack(fields)

    counted = tf.data.Dataset.zip((tf.data.Dataset.range(2 ** 62), dataset))
    counted = counted.map(encode, num_parallel_calls=prefetch).prefetch(
        prefetch)
    self._iterator = tf1.data.make_one_shot_iterator(counted)
    self._records = _table(tf.int64, tf.string, [len(self._fields) + 1],
                           "journal_records")
    self._progress = _table(tf.int64, tf.int64, [], "journal_progress")
    # Tables hold scalars or vectors: states of rank >= 2 are flattened.
    self._state_tables = collections.OrderedDict(
        (k, _table(tf.int64, v.dtype, _flat(v.get_shape()),
                   "journal_state_%s" % k))
        for k, v in self._states.items())
    self._replay = tf1.FIFOQueue(_REPLAY_CAPACITY, [tf.int64], shapes=[[]],
                                 name="journal_replay")
    self._lock = tf.CriticalSection(name="journal_lock")
    self._batch_counter = None
    self._rows_cache = None

  # -- producer side ---------------------------------------------------------

  def pull(self):
    """The next example, replayed ones first, journaled under the lock.

    Under the lock, a pull either dequeues a replayed counter or reads the
    next element (already serialized by tf.data) and journals it; outside
    it, the example is read back from the journal, so both paths are one.

    Returns:
      (element, start_segment, states): element is a dict like the
      dataset's (key, sequences, context, maybe length, plus the hidden
      counter), start_segment an int32 scalar, states a dict name -> the
      states for that segment (initial states for a new example).
    """
    def fresh():
      counter, key, fields = self._iterator.get_next()
      if self._make_keys_unique:
        key = state_saver.with_unique_suffix(key, self._seed)
      record = tf.concat([tf.reshape(tf.io.serialize_tensor(key), [1]),
                          fields], 0)
      write = raw.LookupTableInsertV2(table_handle=self._records,
                                      keys=tf.reshape(counter, [1]),
                                      values=tf.expand_dims(record, 0))
      with tf.control_dependencies([write]):
        return tf.identity(counter)

    def replay_or_read():
      return tf.cond(self._replay.size() > 0, self._replay.dequeue, fresh)

    counter = locked(self._lock, replay_or_read)
    counter.set_shape([])
    # Only the training step removes journal entries, and only of examples
    # it has taken, so the entry read here is still there.
    record = _find(self._records, counter,
                   tf.fill([len(self._fields) + 1], ""))
    key = tf.io.parse_tensor(record[0], tf.string)
    key.set_shape([])
    element = {"key": key, "sequences": {}, "context": {}}
    for i, (path, dtype, shape) in enumerate(self._fields):
      value = tf.io.parse_tensor(record[i + 1], dtype)
      value.set_shape(shape)
      if len(path) == 1:
        element["length"] = value
      else:
        element[path[0]][path[1]] = value
    if COUNTER_CONTEXT in element["context"]:
      raise ValueError("checkpoint_in_flight: the context name '%s' is "
                       "reserved" % COUNTER_CONTEXT)
    element["context"][COUNTER_CONTEXT] = counter
    start = tf.cast(_find(self._progress, counter, tf.constant(0, tf.int64)),
                    tf.int32)
    states = collections.OrderedDict()
    for k, table in self._state_tables.items():
      initial = self._states[k]
      default = tf.reshape(initial, _flat(initial.get_shape()))
      states[k] = tf.reshape(_find(table, counter, default),
                             tf.shape(initial))
      states[k].set_shape(initial.get_shape())
    return element, start, states

  # -- consumer side ---------------------------------------------------------

  def bind(self, batch):
    """Takes the hidden pull counter out of `batch`'s context."""
    self._batch_counter = batch.context.pop(COUNTER_CONTEXT)

  def on_save_state(self, batch, state_name, value):
    """Ops recording `value` as the state of each row's next segment.

    Run in the same step as the take (the save_state op depends on them):
    unfinished rows get this state; the per-batch part (their next segment,
    forgetting finished examples) is one op shared by every state's save.

    Args:
      batch: the taken batch (bound with `bind`).
      state_name: name of the state being saved.
      value: the state's new value, one row per batch row.

    Returns:
      An Operation.
    """
    kept, keep, per_batch = self._rows(batch)
    shape = self._states[state_name].get_shape()
    insert = raw.LookupTableInsertV2(
        table_handle=self._state_tables[state_name], keys=kept,
        values=tf.reshape(tf.gather(value, keep), [-1] + _flat(shape)))
    return tf.group(insert, per_batch, name="JournalSaveState_%s" % state_name)

  def _rows(self, batch):
    """(counters of unfinished rows, their row indices, per-batch op)."""
    if self._rows_cache is None:
      counter = self._batch_counter
      done = stores.last_segment(batch.sequence, batch.sequence_count)
      keep = stores.unfinished_rows(done)
      kept = tf.gather(counter, keep)
      finished = tf.gather(counter, tf.reshape(tf.where(done), [-1]))
      ops = [raw.LookupTableInsertV2(
          table_handle=self._progress, keys=kept,
          values=tf.cast(tf.gather(batch.sequence, keep) + 1, tf.int64))]
      ops += [raw.LookupTableRemoveV2(table_handle=t, keys=finished)
              for t in [self._records, self._progress] +
              list(self._state_tables.values())]
      self._rows_cache = (kept, keep,
                          tf.group(*ops, name="JournalNextSegments"))
    return self._rows_cache

  # -- checkpoint ------------------------------------------------------------

  def saveable(self, name):
    """The SaveableObject writing/restoring the journal; see the module doc."""
    return _JournalSaveable(self, name)

  def _tables(self):
    """(name, handle, key dtype, value dtype) of every journal table."""
    out = [("records", self._records, tf.int64, tf.string),
           ("progress", self._progress, tf.int64, tf.int64)]
    out += [("state_" + k, t, tf.int64, self._states[k].dtype)
            for k, t in self._state_tables.items()]
    return out


class _JournalSaveable(saveable_object.SaveableObject):
  """Iterator state + journal tables, read atomically under the lock."""

  def __init__(self, journal, name):
    self._journal = journal
    resource = journal._iterator._iterator_resource  # pylint: disable=protected-access
    self._resource = resource

    def snapshot():
      out = [raw.SerializeIterator(resource_handle=resource)]
      for _, table, kt, vt in journal._tables():  # pylint: disable=protected-access
        out.extend(_export(table, kt, vt))
      return out

    tensors = locked(journal._lock, snapshot)  # pylint: disable=protected-access
    names = ["iterator"]
    for table_name, _, _, _ in journal._tables():  # pylint: disable=protected-access
      names += [table_name + "-keys", table_name + "-values"]
    specs = [saveable_object.SaveSpec(t, "", "%s/%s" % (name, n))
             for t, n in zip(tensors, names)]
    super(_JournalSaveable, self).__init__(tensors[0], specs, name)

  def restore(self, restored_tensors, restored_shapes):
    del restored_shapes
    journal = self._journal
    ops = [raw.DeserializeIterator(resource_handle=self._resource,
                                   serialized=restored_tensors[0])]
    pairs = restored_tensors[1:]
    for i, (_, table, _, _) in enumerate(journal._tables()):  # pylint: disable=protected-access
      ops.append(raw.LookupTableImportV2(table_handle=table,
                                         keys=pairs[2 * i],
                                         values=pairs[2 * i + 1]))
    replay = journal._replay  # pylint: disable=protected-access
    with tf.control_dependencies(ops):
      drained = replay.dequeue_many(replay.size())
    with tf.control_dependencies([drained]):
      refill = replay.enqueue_many([tf.sort(pairs[0])])
    return tf.group(*(ops + [refill]), name="RestoreJournal")


def _flat(shape):
  """Value shape of a journal table for a state of static `shape`."""
  shape = tf.TensorShape(shape)
  return [] if shape.ndims == 0 else [shape.num_elements()]


def _get(element, path):
  value = element
  for part in path:
    value = value[part]
  return value
