"""Input-graph helpers: file globs, record checks, the TF 1.x reader graph.

``sequence_input`` builds the classic queue-runner input graph
(``string_input_producer`` -> ``TFRecordReader`` ->
``parse_single_sequence_example``); ``check_sequence_files`` reads the first
records of each file in Python first, so a wrong glob, an unreadable file, a
missing feature or a wrong shape is reported before any queue starts.
"""
from __future__ import absolute_import, division, print_function

import collections
import glob

import numpy as np

from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.errors import InputDataError

# name -> (dtype, per-step shape) of one sequence feature.
FeatureSpec = collections.namedtuple("FeatureSpec", ["dtype", "shape"])

_KINDS = {"float_list": tf.float32, "int64_list": tf.int64,
          "bytes_list": tf.string}


def resolve_files(patterns, what="files"):
  """Expands comma-separated globs into a sorted list of files.

  Args:
    patterns: string like ``"data/train-*.tfrecords,more/*.tfrecords"`` or a
      list of such strings.
    what: name used in the error message (e.g. ``"--train-files"``).

  Returns:
    Sorted list of distinct paths.

  Raises:
    InputDataError: a pattern matches nothing.
  """
  if isinstance(patterns, str):
    patterns = [p for p in patterns.split(",") if p.strip()]
  if not patterns:
    raise InputDataError("%s: no file pattern given" % what)
  files = set()
  for pattern in patterns:
    matched = [p for p in glob.glob(pattern.strip())]
    if not matched:
      raise InputDataError("%s: %r matches no file" % (what, pattern))
    files.update(matched)
  return sorted(files)


def _first_records(path, limit):
  out = []
  try:
    for record in tf1.io.tf_record_iterator(path):
      out.append(record)
      if len(out) >= limit:
        break
  except (IOError, OSError, tf.errors.OpError) as e:
    raise InputDataError("%s is not a readable TFRecord file: %s" %
                         (path, str(e).split("\n")[0]))
  return out


def check_sequence_files(files, features, records_per_file=2,
                         context_features=None):
  """Checks the first records of every file against `features`.

  Args:
    files: list of TFRecord paths of SequenceExamples.
    features: dict name -> FeatureSpec for the sequence features the program
      will parse.
    records_per_file: how many leading records of each file to check.
    context_features: optional dict name -> FeatureSpec of context features
      the program will parse (a missing one, a wrong kind or value count is
      an error too).

  Raises:
    InputDataError: a file is unreadable or empty, a record is not a
      SequenceExample, a feature list is missing, has the wrong kind, or a
      step's value count differs from the declared shape, or the feature lists
      of one record have different lengths.
  """
  for path in files:
    records = _first_records(path, records_per_file)
    if not records:
      raise InputDataError("%s holds no records" % path)
    for i, record in enumerate(records):
      try:
        example = tf.train.SequenceExample.FromString(record)
      except Exception as e:  # pylint: disable=broad-except
        raise InputDataError("%s record %d is not a SequenceExample: %s" %
                             (path, i, e))
      lists = example.feature_lists.feature_list
      lengths = {}
      for name, spec in sorted(features.items()):
        if name not in lists:
          raise InputDataError(
              "%s record %d has no sequence feature %r (it has: %s)" %
              (path, i, name, ", ".join(sorted(lists)) or "none"))
        steps = lists[name].feature
        lengths[name] = len(steps)
        want = int(np.prod(spec.shape)) if spec.shape else 1
        for t, step in enumerate(steps):
          kind = step.WhichOneof("kind")
          if _KINDS.get(kind) != tf.as_dtype(spec.dtype):
            raise InputDataError(
                "%s record %d: feature %r step %d is %s, declared %s" %
                (path, i, name, t, kind, tf.as_dtype(spec.dtype).name))
          got = len(getattr(step, kind).value)
          if got != want:
            raise InputDataError(
                "%s record %d: feature %r step %d has %d values, declared "
                "shape %s needs %d" % (path, i, name, t, got,
                                       list(spec.shape), want))
      _check_context(example, context_features or {}, path, i)
      if len(set(lengths.values())) > 1:
        raise InputDataError(
            "%s record %d: sequence features have different lengths %s" %
            (path, i, lengths))
      if lengths and not any(lengths.values()):
        raise InputDataError("%s record %d: zero-length sequence" % (path, i))


def _check_context(example, context_features, path, index):
  """Raises InputDataError when a context feature is missing or mistyped."""
  have = example.context.feature
  for name, spec in sorted(context_features.items()):
    if name not in have:
      raise InputDataError(
          "%s record %d has no context feature %r (it has: %s)" %
          (path, index, name, ", ".join(sorted(have)) or "none"))
    kind = have[name].WhichOneof("kind")
    if _KINDS.get(kind) != tf.as_dtype(spec.dtype):
      raise InputDataError("%s record %d: context feature %r is %s, declared "
                           "%s" % (path, index, name, kind,
                                   tf.as_dtype(spec.dtype).name))
    want = int(np.prod(spec.shape)) if spec.shape else 1
    got = len(getattr(have[name], kind).value)
    if got != want:
      raise InputDataError("%s record %d: context feature %r has %d values, "
                           "declared shape %s needs %d" % (
                               path, index, name, got, list(spec.shape), want))


def locate_bad_record(files):
  """Scans `files` fully; returns "<file> record <i>: <error>" or None.

  For a DataLossError raised by a reader op, whose message gives a byte
  offset but not the file.
  """
  for path in files:
    index = 0
    try:
      for _ in tf1.io.tf_record_iterator(path):
        index += 1
    except (IOError, OSError, tf.errors.OpError) as e:
      return "%s record %d: %s" % (path, index, str(e).split("\n")[0])
  return None


def count_timesteps(files, feature):
  """Total number of steps of `feature`, and of records, over `files`.

  Args:
    files: list of TFRecord files of SequenceExamples.
    feature: name of the feature list counted.

  Returns:
    ``(total steps, number of sequences)``.
  """
  total, sequences = 0, 0
  for path in files:
    for record in tf1.io.tf_record_iterator(path):
      example = tf.train.SequenceExample.FromString(record)
      total += len(example.feature_lists.feature_list[feature].feature)
      sequences += 1
  return total, sequences


# One parsed example of the reader graph.
Example = collections.namedtuple("Example",
                                 ["key", "context", "sequences", "length"])


def example_input(files, features, context_features=None, num_epochs=None,
                  shuffle=True, seed=None, shuffle_buffer=0, reader_threads=1,
                  name=None):
  """The TF 1.x reader graph over `files`, optionally shuffling examples.

  ``string_input_producer`` (files reshuffled every epoch when `shuffle`) ->
  ``TFRecordReader`` -> ``parse_single_sequence_example``; with
  `shuffle_buffer` > 0 the parsed examples then pass through a
  ``RandomShuffleQueue`` filled by `reader_threads` queue-runner threads, as
  TF 1.x input graphs shuffled examples.  Closing at the end of the last epoch
  hands out everything still buffered before OutOfRangeError, so shuffling
  never drops an example.

  Args:
    files: list of TFRecord paths.
    features: dict name -> FeatureSpec of sequence features.
    context_features: optional dict name -> FeatureSpec (shape per example)
      of context features.
    num_epochs: None (forever) or a positive int; the end of the last epoch
      surfaces as OutOfRangeError downstream.
    shuffle: shuffle the file order each epoch.
    seed: seed of the file and example shuffling.
    shuffle_buffer: examples kept in the shuffle queue (its
      ``min_after_dequeue``); 0 reads examples in file order.
    reader_threads: threads reading into the shuffle queue.
    name: name scope (default ``example_input``).

  Returns:
    Example(key, context, sequences, length): the reader's string key
    (``file:offset``), dict of context tensors, dict of `[T] + shape`
    tensors, and T as an int32 scalar.

  Raises:
    InputDataError: `files` is empty.
    ValueError: a negative `shuffle_buffer` or `reader_threads` < 1.
  """
  if not files:
    raise InputDataError("sequence_input: no files")
  if shuffle_buffer < 0 or reader_threads < 1:
    raise ValueError("example_input: shuffle_buffer must be >= 0 and "
                     "reader_threads >= 1, got %r and %r" % (shuffle_buffer,
                                                             reader_threads))
  context_features = context_features or {}
  with tf1.name_scope(name, "example_input"):
    queue = tf1.train.string_input_producer(
        list(files), num_epochs=num_epochs, shuffle=shuffle, seed=seed)
    key, record = tf1.TFRecordReader().read(queue)
    context, sequences = tf1.io.parse_single_sequence_example(
        record, context_features={
            n: tf1.io.FixedLenFeature(list(s.shape), dtype=s.dtype)
            for n, s in context_features.items()},
        sequence_features={
            n: tf1.io.FixedLenSequenceFeature(list(s.shape), dtype=s.dtype)
            for n, s in features.items()})
    if shuffle_buffer:
      key, context, sequences = _shuffled(key, context, sequences,
                                          shuffle_buffer, reader_threads, seed)
    first = sorted(sequences)[0]
    length = tf.shape(sequences[first], out_type=tf.int32)[0]
    return Example(key, context, sequences, length)


def _shuffled(key, context, sequences, buffer_size, threads, seed):
  """(key, context, sequences) taken through a RandomShuffleQueue."""
  names_c, names_s = sorted(context), sorted(sequences)
  tensors = [key] + [context[n] for n in names_c] + \
      [sequences[n] for n in names_s]
  # Room for every thread's pending example above the kept minimum, so a
  # reader thread blocks only when the buffer is really full.
  shuffle_queue = tf1.RandomShuffleQueue(
      capacity=buffer_size + 2 * threads + 1, min_after_dequeue=buffer_size,
      dtypes=[t.dtype for t in tensors], seed=seed, name="shuffle_queue")
  enqueue = shuffle_queue.enqueue(tensors)
  tf1.train.add_queue_runner(
      tf1.train.QueueRunner(shuffle_queue, [enqueue] * threads))
  out = shuffle_queue.dequeue()
  for before, after in zip(tensors, out):
    after.set_shape(before.get_shape())
  key = out[0]
  context = dict(zip(names_c, out[1:1 + len(names_c)]))
  sequences = dict(zip(names_s, out[1 + len(names_c):]))
  return key, context, sequences


def sequence_input(files, features, num_epochs=None, shuffle=True, seed=None,
                   name=None):
  """The TF 1.x reader graph over `files`, examples in file order.

  Args:
    files: list of TFRecord paths.
    features: dict name -> FeatureSpec of sequence features.
    num_epochs: None (forever) or a positive int; the end of the last epoch
      surfaces as OutOfRangeError downstream.
    shuffle: shuffle the file order each epoch.
    seed: file shuffling seed.
    name: name scope (default ``sequence_input``).

  Returns:
    (key, sequences, length): the reader's string key (``file:offset``), dict of
    `[T] + shape` tensors, and T as an int32 scalar.

  Raises:
    InputDataError: `files` is empty.
  """
  example = example_input(files, features, num_epochs=num_epochs,
                          shuffle=shuffle, seed=seed,
                          name=name or "sequence_input")
  return example.key, example.sequences, example.length
