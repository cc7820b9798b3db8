"""Feeding the state saver from tf.data.

``batch_sequences_with_states_from_dataset`` takes a ``tf.data.Dataset`` of
dict elements (``key``, ``sequences``, optional ``context`` and ``length``)
and returns the same ``NextQueuedSequenceBatch`` as
``batch_sequences_with_states``: epochs, shuffling and sharding stay in
tf.data, each prefetch pulls the next element from a one-shot iterator, and
the end of the dataset ends the saver (takes then drain and fail with
``OutOfRangeError``).  ``sequence_example_dataset`` makes such a dataset from
TFRecord files of SequenceExamples, keyed ``<file>:<record index>``.
"""
from __future__ import absolute_import, division, print_function

from legacy_pipeline import _tf
from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.saver import _checks
from legacy_pipeline.saver import batching
from legacy_pipeline.saver import in_flight
from legacy_pipeline.saver.constant_input import constant_input_allowed

def sequence_example_dataset(files, sequence_features, context_features=None,
                             num_epochs=1, shuffle_files=False, seed=None,
                             num_shards=1, shard_index=0, shuffle_buffer=0):
  """A dataset of SequenceExamples from TFRecord files, ready for the saver.

  Args:
    files: list of TFRecord paths.
    sequence_features: dict name -> FixedLenSequenceFeature (or VarLen...).
    context_features: optional dict name -> FixedLenFeature.
    num_epochs: epochs (None: forever).
    shuffle_files: shuffle the file order each epoch.
    seed: shuffle seed.
    num_shards, shard_index: read every num_shards-th file from shard_index
      (one shard per worker).
    shuffle_buffer: shuffle the parsed examples through a buffer of this many
      (``Dataset.shuffle``, seeded by `seed`, a new order every epoch); 0
      keeps file order.

  Returns:
    Dataset of dicts {"key": "<file>:<index>", "sequences": {...},
    "context": {...}, "length": int32 steps of the first sequence by name}.

  Raises:
    ValueError: no files, or a negative shuffle_buffer.
  """
  files = list(files)
  if not files:
    raise ValueError("sequence_example_dataset: no files")
  if shuffle_buffer < 0:
    raise ValueError("sequence_example_dataset: shuffle_buffer must be >= 0, "
                     "got %r" % (shuffle_buffer,))
  first = sorted(sequence_features)[0]

  def parse(key, record):
    context, sequences = tf1.io.parse_single_sequence_example(
        record, context_features=context_features or {},
        sequence_features=sequence_features)
    length = tf.shape(sequences[first], out_type=tf.int32)[0]
    return {"key": key, "sequences": sequences, "context": context,
            "length": length}

  # Parsing runs on tf.data's threads, in order (the saver's prefetch threads
  # then only dequeue parsed elements).
  parsed = keyed_records(files, num_epochs, shuffle_files, seed, num_shards,
                         shard_index).map(
      parse, num_parallel_calls=tf.data.experimental.AUTOTUNE)
  if shuffle_buffer:
    parsed = parsed.shuffle(shuffle_buffer, seed=seed)
  return parsed


def keyed_records(files, num_epochs, shuffle_files, seed, num_shards,
                  shard_index):
  """Dataset of (key, record): the records of `files` keyed
  ``<file>:<record index>``, in file order (shuffled per epoch with
  `shuffle_files`), every num_shards-th file from shard_index.

  Args:
    files: list of TFRecord file names.
    num_epochs: times to repeat the files (None or -1: forever).
    shuffle_files: whether to shuffle the file order in each epoch.
    seed: seed of that shuffle.
    num_shards: number of shards the files are split into.
    shard_index: index of this shard's files.

  Returns:
    A Dataset of (string key, string record) pairs.
  """
  names = tf.data.Dataset.from_tensor_slices(tf.constant(files))
  names = names.shard(num_shards, shard_index)
  if shuffle_files:
    names = names.shuffle(len(files), seed=seed)
  names = names.repeat(num_epochs)

  def keyed(path):
    records = tf.data.TFRecordDataset(path)
    index = tf.data.Dataset.range(2 ** 62)
    return tf.data.Dataset.zip((index, records)).map(
        lambda i, r: (tf.strings.join([path, ":", tf.strings.as_string(i)]),
                      r))

  return names.flat_map(keyed)


def batch_sequences_with_states_from_dataset(
    dataset, initial_states, num_unroll, batch_size, num_threads=3,
    capacity=1000, allow_small_batch=True, pad=True, make_keys_unique=False,
    make_keys_unique_seed=None, name=None, checkpoint_in_flight=False, *,
    store=None):
  """batch_sequences_with_states fed from a tf.data.Dataset.

  Args:
    dataset: a Dataset whose elements are dicts with "key" (string scalar,
      unique among elements in flight), "sequences" (dict name -> [T, ...]),
      optional "context" (dict) and optional "length" (int32 scalar; without
      it, pad=True derives it). Epochs, shuffling and sharding belong to the
      dataset; it must be one-shot iterable (no placeholders captured).
    initial_states, num_unroll, batch_size, num_threads, capacity,
    allow_small_batch, pad, make_keys_unique, make_keys_unique_seed: as in
      batch_sequences_with_states.
    name: name scope (default ``batch_sequences_with_states_from_dataset``).
    checkpoint_in_flight: also checkpoint the examples in flight and the
      dataset's read position (see legacy_pipeline.saver.in_flight and
      docs/state_saver.md): a tf.compat.v1.train.Saver (or MonitoredTrainingSession)
      checkpoint written between training steps then restores every
      unfinished example at the segment it reached, with its saved states,
      and the dataset continues after the last example read.  Restore
      before starting the queue runners.  Dense sequences and context only;
      states float32/float64/int32/int64.
    store: as batch_sequences_with_states.

  Returns:
    A NextQueuedSequenceBatch. When the dataset ends, the saver closes:
    remaining segments drain, then takes fail with OutOfRangeError.

  Raises:
    TypeError: the dataset's elements are not dicts with "key" and
      "sequences"; with checkpoint_in_flight, a sparse component or an
      unsupported state dtype.
    GraphModeError: executing eagerly.
    Whatever batch_sequences_with_states raises for its arguments.
  """
  _tf.require_graph_mode("batch_sequences_with_states_from_dataset")
  spec = tf1.data.get_output_types(dataset)
  if not isinstance(spec, dict) or "key" not in spec or \
      "sequences" not in spec:
    raise TypeError("batch_sequences_with_states_from_dataset: dataset "
                    "elements must be dicts with 'key' and 'sequences' (and "
                    "optionally 'context', 'length'), got %r" % (spec,))
  with tf1.name_scope(name, "batch_sequences_with_states_from_dataset") as scope:
    if not checkpoint_in_flight:
      element = tf1.data.make_one_shot_iterator(dataset).get_next()
      return batching.batch_sequences_with_states(
          input_key=element["key"], input_sequences=element["sequences"],
          input_context=element.get("context", {}),
          input_length=element.get("length"), initial_states=initial_states,
          num_unroll=num_unroll, batch_size=batch_size,
          num_threads=num_threads, capacity=capacity,
          allow_small_batch=allow_small_batch, pad=pad,
          make_keys_unique=make_keys_unique,
          make_keys_unique_seed=make_keys_unique_seed, store=store)
    _checks.check_dict(initial_states, "initial_states",
                       "batch_sequences_with_states_from_dataset")
    journal = in_flight.Journal(dataset, initial_states, make_keys_unique,
                                make_keys_unique_seed, 2 * num_threads)
    element, start, states = journal.pull()
    # The inputs are read back from the journal after each iterator pull; the
    # constant-input check's graph walk does not count a table lookup as an
    # input that advances, though here it does.
    with constant_input_allowed():
      batch = batching.build(
          element["key"], element["sequences"], element.get("context", {}),
          element.get("length"), states, num_unroll, batch_size, num_threads,
          capacity, allow_small_batch, pad, False, None, None,
          start_segment=start, journal=journal, store=store)
    journal.bind(batch)
    tf1.add_to_collection(tf1.GraphKeys.SAVEABLE_OBJECTS,
                          journal.saveable(scope + "in_flight"))
    return batch
