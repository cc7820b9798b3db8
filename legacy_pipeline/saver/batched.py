"""The batched tf.data entry point: records parsed and admitted many per run.

``sequence_example_batches`` reads TFRecord files of SequenceExamples into a
dataset of *batches* of parsed examples (``parse_sequence_example`` on
``records_per_run`` records at once, on tf.data's threads), keyed as
``sequence_example_dataset`` keys them.
``batch_sequences_with_states_from_batches`` feeds such a dataset to a
scheduled-store state saver: each run of its queue runner takes one batch
from the iterator and places every example of it in one run
(``SequenceQueueingStateSaver.admission``), so no example costs a run of
its own.  The batches taken are the ones the per-example entry point makes
from the same examples in the same order.
"""
from __future__ import absolute_import, division, print_function

import collections

from legacy_pipeline import _tf
from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.saver import _checks
from legacy_pipeline.saver import batching
from legacy_pipeline.saver import datasets
from legacy_pipeline.saver import scheduled
from legacy_pipeline.saver import state_saver

_CALLER = "batch_sequences_with_states_from_batches"


def sequence_example_batches(files, sequence_features, context_features=None,
                             records_per_run=32, num_epochs=1,
                             shuffle_files=False, seed=None, num_shards=1,
                             shard_index=0):
  """A dataset of batches of SequenceExamples, for the batched entry point.

  Args:
    files: list of TFRecord paths.
    sequence_features: dict name -> FixedLenSequenceFeature.
    context_features: optional dict name -> FixedLenFeature.
    records_per_run: records per batch (the last batch of the input may be
      smaller).
    num_epochs, shuffle_files, seed, num_shards, shard_index: as
      sequence_example_dataset.

  Returns:
    Dataset of dicts {"key": string [k] ("<file>:<index>"), "sequences":
    {name: [k, T, ...]} (zero-padded to the longest of the batch),
    "context": {name: [k, ...]}, "length": int32 [k] (steps of the first
    sequence by name), "lengths": {name: int32 [k]}}.

  Raises:
    ValueError: no files, or records_per_run < 1.
    TypeError: a sequence feature is not a FixedLenSequenceFeature.
  """
  files = list(files)
  if not files:
    raise ValueError("sequence_example_batches: no files")
  if not _checks.is_int(records_per_run) or records_per_run < 1:
    raise ValueError("sequence_example_batches: records_per_run must be a "
                     "positive int, got %r" % (records_per_run,))
  for k, feature in sequence_features.items():
    if not isinstance(feature, tf1.io.FixedLenSequenceFeature):
      raise TypeError("sequence_example_batches: sequence feature '%s' is a "
                      "%s; batches hold FixedLenSequenceFeature only (use "
                      "sequence_example_dataset for the others)" %
                      (k, type(feature).__name__))
  first = sorted(sequence_features)[0]

  def parse(keys, records):
    context, sequences, lengths = tf1.io.parse_sequence_example(
        records, context_features=context_features or {},
        sequence_features=sequence_features)
    lengths = dict((k, tf.cast(v, tf.int32)) for k, v in lengths.items())
    return {"key": keys, "sequences": sequences, "context": context,
            "length": lengths[first], "lengths": lengths}

  records = datasets.keyed_records(files, num_epochs, shuffle_files, seed,
                                   num_shards, shard_index)
  return records.batch(records_per_run).map(
      parse, num_parallel_calls=tf.data.experimental.AUTOTUNE).prefetch(2)


def batch_sequences_with_states_from_batches(
    dataset, initial_states, num_unroll, batch_size, num_threads=1,
    capacity=1000, allow_small_batch=True, make_keys_unique=False,
    make_keys_unique_seed=None, name=None):
  """batch_sequences_with_states fed with batches of examples per run.

  The scheduled store only (a static int batch_size > 0).  Each run of the
  queue runner takes one element of `dataset` (``k`` examples) and places
  all of them; sequences are zero-padded to a multiple of num_unroll.

  Args:
    dataset: a Dataset of dicts as sequence_example_batches makes: "key"
      (string [k], unique among examples in flight), "sequences" (dict name
      -> [k, T, ...], padded past each example's length), "length" (int32
      [k]), optional "lengths" (dict name -> int32 [k]: each sequence's own
      length, checked equal to "length") and optional "context" (dict name
      -> [k, ...]).  ``k`` may vary from element to element, up to
      64; an element of more examples than one run may place
      (``admit_limit``: 64, and at most capacity - batch_size + 1) is cut
      into several runs.
    initial_states, num_unroll, batch_size, capacity, allow_small_batch,
      make_keys_unique, make_keys_unique_seed: as batch_sequences_with_states
      (the unique suffixes are drawn per batch of examples, so they differ
      from the per-example entry point's).
    num_threads: queue-runner threads admitting batches (1 keeps the
      dataset's order).
    name: name scope (default ``batch_sequences_with_states_from_batches``).

  Returns:
    A NextQueuedSequenceBatch.  When the dataset ends the saver closes:
    remaining segments drain, then takes fail with OutOfRangeError.

  Raises:
    TypeError: the elements are not dicts with "key", "sequences" and
      "length", or a sequence is sparse.
    ValueError: batch_size is not a static positive int, or
      capacity < batch_size; as batch_sequences_with_states for the rest.
    tf.errors.InvalidArgumentError (run time, from the takes): an example
      of length 0, lengths
      that differ between an example's sequences, a key already in flight.
  """
  _check_arguments(dataset, num_unroll, num_threads, batch_size, capacity)
  limit = scheduled.admit_limit(capacity, batch_size)
  states = collections.OrderedDict(
      (k, tf.convert_to_tensor(initial_states[k], name="state_%s" % k))
      for k in sorted(initial_states)) if isinstance(initial_states,
                                                     dict) else None
  with tf1.name_scope(name, _CALLER):
    prepare = _preparer(states, num_unroll, make_keys_unique,
                        make_keys_unique_seed)
    prepared = _split(dataset, limit).map(
        prepare, num_parallel_calls=tf.data.experimental.AUTOTUNE)
    element = tf1.data.make_one_shot_iterator(prepared.prefetch(1)).get_next()
    sequences, context = element["sequences"], element["context"]
    saver = state_saver.SequenceQueueingStateSaver(
        batch_size, num_unroll, input_length=element["length"][0],
        input_key=element["key"][0],
        input_sequences=dict((k, v[0]) for k, v in sequences.items()),
        input_context=dict((k, v[0]) for k, v in context.items()),
        initial_states=initial_states, capacity=capacity,
        allow_small_batch=allow_small_batch, store="scheduled")
    examples = [element["key"], element["length"], element["padded"],
                tf.zeros_like(element["length"])]
    examples += [sequences[k] for k in sorted(sequences)]
    examples += [context[k] for k in sorted(context)]
    examples += [element["states"][k] for k in sorted(element["states"])]
    admit = saver.admission(examples)
    tf1.summary.scalar(
        "queue/%s/ready_segment_batches_" % saver.barrier.name,
        tf.cast(saver.barrier.ready_size(), tf.float32))
    tf1.train.add_queue_runner(
        batching.SaverQueueRunner(saver, num_threads, op=admit))
    return saver.next_batch


def _check_arguments(dataset, num_unroll, num_threads, batch_size, capacity):
  """The build-time checks of batch_sequences_with_states_from_batches
  (see its Raises)."""
  _tf.require_graph_mode(_CALLER)
  spec = tf1.data.get_output_types(dataset)
  if not isinstance(spec, dict) or not {"key", "sequences",
                                        "length"} <= set(spec):
    raise TypeError("%s: dataset elements must be dicts with 'key', "
                    "'sequences' and 'length' (and optionally 'context', "
                    "'lengths'), e.g. from sequence_example_batches; got %r" %
                    (_CALLER, spec))
  _checks.check_num_unroll(num_unroll, _CALLER)
  if not _checks.is_int(num_threads) or num_threads < 1:
    raise ValueError("%s: num_threads must be a positive int, got %r" %
                     (_CALLER, num_threads))
  for k, v in tf1.data.get_output_classes(dataset)["sequences"].items():
    if v is not tf.Tensor:
      raise TypeError("%s: sequence '%s' is sparse; batches hold dense "
                      "sequences only" % (_CALLER, k))
  if not _checks.is_int(batch_size) or batch_size < 1:
    raise ValueError("%s: batch_size must be a positive int (the scheduled "
                     "store places batches when examples are read), got %r" %
                     (_CALLER, batch_size))
  if capacity is not None and capacity < batch_size:
    raise ValueError("capacity %d needs to be >= batch_size %d" %
                     (capacity, batch_size))


def _preparer(states, num_unroll, make_keys_unique, make_keys_unique_seed):
  """The function preparing each dataset element for admission (see
  batch_sequences_with_states_from_batches); `states`: the initial states
  by name, sorted (None: not a dict, refused by the saver)."""

  def prepare(element):
    # On tf.data's threads: unique keys, checks, padding, initial states.
    keys = element["key"]
    if make_keys_unique:
      suffix = tf1.random_uniform(
          tf.shape(keys), minval=0, maxval=state_saver.KEY_SUFFIX_MAX,
          dtype=tf.int32, seed=make_keys_unique_seed)
      keys = tf.strings.join([keys, tf.strings.as_string(suffix)])
    lengths = _checked_lengths(keys, tf.cast(element["length"], tf.int32),
                               element.get("lengths", {}))
    count = tf.shape(keys)[0]
    tiled = collections.OrderedDict(
        (k, tf.tile(tf.expand_dims(v, 0), tf.concat(
            [[count], tf.ones([v.get_shape().ndims], tf.int32)], 0)))
        for k, v in (states or {}).items())
    return {"key": keys, "length": lengths,
            "padded": (lengths + num_unroll - 1) // num_unroll * num_unroll,
            "sequences": _padded(element["sequences"], num_unroll),
            "context": dict(element.get("context", {})), "states": tiled}

  return prepare


def _split(dataset, limit):
  """`dataset` with each element of more than `limit` examples cut into
  consecutive elements of at most `limit` (order kept)."""

  def pieces(element):
    count = tf.cast(tf.shape(element["key"])[0], tf.int64)

    def piece(i):
      return tf.nest.map_structure(
          lambda t: t[i * limit:(i + 1) * limit], element)

    return tf.data.Dataset.range((count + limit - 1) // limit).map(piece)

  return dataset.flat_map(pieces)


def _padded(sequences, num_unroll):
  """Each [k, T, ...] sequence zero-padded along time to a multiple of
  num_unroll (``""`` for strings)."""
  out = collections.OrderedDict()
  for k in sorted(sequences):
    v = tf.convert_to_tensor(sequences[k])
    steps = tf.shape(v)[1]
    extra = (num_unroll - steps % num_unroll) % num_unroll
    rank = v.get_shape().ndims
    pad = [[0, 0], [0, extra]] + [[0, 0]] * (rank - 2)
    out[k] = tf.pad(v, pad, constant_values="" if v.dtype == tf.string else 0)
  return out


def _checked_lengths(keys, lengths, own_lengths):
  """`lengths`, after run-time checks of the element (the message names the
  first offending key): no length 0, and every sequence's own length equal
  to the example's.  (_split keeps elements within admit_limit.)"""
  bad = tf.equal(lengths, 0)
  for k in sorted(own_lengths):
    bad = tf.logical_or(bad, tf.not_equal(
        tf.cast(own_lengths[k], tf.int32), lengths))
  check = tf1.Assert(
      tf.logical_not(tf.reduce_any(bad)),
      [tf.strings.join(["Example '", _checks.first_where(keys, bad),
                        "' has a sequence of length 0 or sequences of "
                        "different lengths (every sequence of an example "
                        "must have its length, at least 1)"])],
      name="CheckLengths")
  with tf.control_dependencies([check]):
    return tf.identity(lengths)
