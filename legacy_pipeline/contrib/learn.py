"""tf.contrib.learn outside the estimators: TF 1.15's names, no Estimator.

* graph actions: ``run_n``, ``run_feeds``, ``run_feeds_iter``, ``infer``;
* constants: ``ModeKeys`` (TRAIN 'train', EVAL 'eval', INFER 'infer'; the
  same strings as tf.estimator.ModeKeys, whose third name is PREDICT),
  ``PredictionKey``, ``ProblemType``, ``TaskType``;
* holders: ``ModelFnOps`` (validated namedtuple; no ``estimator_spec``),
  ``InputFnOps``, ``build_parsing_serving_input_fn``;
* exceptions: ``NotFittedError``, ``NanLossDuringTrainingError``;
* queue-runner readers over file patterns: ``read_batch_examples``,
  ``read_keyed_batch_examples``, ``read_keyed_batch_examples_shared_queue``,
  ``read_batch_features``, ``read_keyed_batch_features``,
  ``read_keyed_batch_features_shared_queue``, ``read_batch_record_features``
  and ``queue_parsed_features`` (tf.contrib.learn.io's) -- TF 1.15's
  signatures, defaults, checks, op names and queue structure, built from
  tf.compat.v1's string_input_producer, readers, batch_join,
  shuffle_batch_join, FIFOQueue and QueueRunner.  The shared-queue variants
  replace contrib's custom ``seek_next`` kernel with graph ops (same
  variables, same file order, same end of input);
* ``extract_pandas_data``, ``extract_pandas_labels``,
  ``extract_pandas_matrix``: pandas is imported when called.

Deliberate differences from TF 1.15: no deprecation log lines;
``extract_pandas_matrix`` reads ``DataFrame.values`` (pandas >= 1.0 removed
``as_matrix``); without pandas the ``extract_pandas_*`` functions raise
BackendUnavailableError (TF 1.15 raised NameError).

Compatibility: graph mode (tf.compat.v1), TF 1.15 and TF 2.x.
"""
from __future__ import absolute_import, division, print_function

import collections
import itertools
import random

from legacy_pipeline import errors
from legacy_pipeline._tf import require_graph_mode, tf, tf1

__all__ = [
    "InputFnOps",
    "ModeKeys",
    "ModelFnOps",
    "NanLossDuringTrainingError",
    "NotFittedError",
    "PredictionKey",
    "ProblemType",
    "TaskType",
    "build_parsing_serving_input_fn",
    "extract_pandas_data",
    "extract_pandas_labels",
    "extract_pandas_matrix",
    "infer",
    "queue_parsed_features",
    "read_batch_examples",
    "read_batch_features",
    "read_batch_record_features",
    "read_keyed_batch_examples",
    "read_keyed_batch_examples_shared_queue",
    "read_keyed_batch_features",
    "read_keyed_batch_features_shared_queue",
    "run_feeds",
    "run_feeds_iter",
    "run_n",
]


def run_feeds_iter(output_dict, feed_dicts, restore_checkpoint_path=None):
  """Yields ``session.run(output_dict, feed)`` for each feed of `feed_dicts`.

  One new Session on the tensors' graph: variables are restored from
  `restore_checkpoint_path` (by the graph's Saver, or a new one) or
  initialized; local variables and tables are initialized; queue runners run
  for the duration and are stopped and joined at the end.

  Args:
    output_dict: dict name -> tensor, all of one graph.
    feed_dicts: iterable of feed dicts (None for no feed).
    restore_checkpoint_path: checkpoint to restore, or None.

  Yields:
    dict name -> value per feed.

  Raises:
    ValueError: `output_dict` or `feed_dicts` is empty or None.
  """
  if not output_dict:
    raise ValueError("output_dict is invalid: %s." % output_dict)
  if not feed_dicts:
    raise ValueError("feed_dicts is invalid: %s." % feed_dicts)
  graph = next(iter(output_dict.values())).graph
  with graph.as_default():
    with tf1.Session("") as session:
      if restore_checkpoint_path:
        savers = tf1.get_collection(tf1.GraphKeys.SAVERS)
        saver = savers[0] if savers else tf1.train.Saver()
        saver.restore(session, restore_checkpoint_path)
      else:
        session.run(tf1.global_variables_initializer())
      session.run([tf1.local_variables_initializer(),
                   tf1.tables_initializer()])
      coord = tf1.train.Coordinator()
      threads = None
      try:
        threads = tf1.train.start_queue_runners(session, coord=coord)
        for feed in feed_dicts:
          yield session.run(output_dict, feed)
      finally:
        coord.request_stop()
        if threads:
          coord.join(threads, stop_grace_period_secs=120)


def run_feeds(output_dict, feed_dicts, restore_checkpoint_path=None):
  """run_feeds_iter's results as a list.

  Args:
    output_dict: dict name -> tensor, all of one graph.
    feed_dicts: iterable of feed dicts (None for no feed).
    restore_checkpoint_path: checkpoint to restore, or None to initialize.

  Returns:
    A list of dicts name -> value, one per feed.
  """
  return list(run_feeds_iter(output_dict, feed_dicts,
                             restore_checkpoint_path=restore_checkpoint_path))


def run_n(output_dict, feed_dict=None, restore_checkpoint_path=None, n=1):
  """Runs `output_dict` `n` times with the same `feed_dict` (see run_feeds).

  Args:
    output_dict: dict name -> tensor, all of one graph.
    feed_dict: feed dict, or None.
    restore_checkpoint_path: checkpoint to restore, or None to initialize.
    n: number of runs.

  Returns:
    A list of `n` dicts name -> value.
  """
  return run_feeds(output_dict, itertools.repeat(feed_dict, n),
                   restore_checkpoint_path=restore_checkpoint_path)


def infer(restore_checkpoint_path, output_dict, feed_dict=None):
  """Runs `output_dict` once (see run_feeds): restored or initialized.

  Args:
    restore_checkpoint_path: checkpoint to restore, or None to initialize.
    output_dict: dict name -> tensor, all of one graph.
    feed_dict: feed dict, or None.

  Returns:
    dict name -> value.

  Raises:
    ValueError: `output_dict` is empty or None.
  """
  return run_feeds(output_dict=output_dict, feed_dicts=[feed_dict],
                   restore_checkpoint_path=restore_checkpoint_path)[0]


# -- constants -------------------------------------------------------------------


class ModeKeys(object):
  """The modes of a contrib model_fn: TRAIN, EVAL, INFER."""

  TRAIN = "train"
  EVAL = "eval"
  INFER = "infer"

  @classmethod
  def validate(cls, key):
    """Raises ValueError unless `key` is one of the three modes."""
    if key not in (cls.TRAIN, cls.EVAL, cls.INFER):
      raise ValueError("Invalid mode %s." % key)


class PredictionKey(object):
  """Keys of a contrib head's predictions dict."""

  CLASSES = "classes"
  PROBABILITIES = "probabilities"
  LOGITS = "logits"
  LOGISTIC = "logistic"
  SCORES = "scores"
  TOP_K = "top_k"
  GENERIC = "output"


class ProblemType(object):
  """The kind of problem a model solves (picks the export signature)."""

  UNSPECIFIED = 0
  CLASSIFICATION = 1
  LINEAR_REGRESSION = 2
  LOGISTIC_REGRESSION = 3


class TaskType(object):
  """The job names of a contrib RunConfig's cluster."""

  MASTER = "master"
  PS = "ps"
  WORKER = "worker"


# -- exceptions ------------------------------------------------------------------


class NotFittedError(ValueError, AttributeError):
  """An estimator was used before fitting (kept for programs that catch it)."""


class NanLossDuringTrainingError(RuntimeError):
  """The training loss became NaN (kept for programs that catch it)."""

  def __str__(self):
    return "NaN loss during training."


# -- model_fn / input_fn holders -------------------------------------------------


class ModelFnOps(collections.namedtuple("ModelFnOps", [
    "predictions", "loss", "train_op", "eval_metric_ops",
    "output_alternatives", "training_chief_hooks", "training_hooks",
    "scaffold", "mode"])):
  """What a contrib model_fn returns, validated as TF 1.15 validates it.

  TF 1.15's ``estimator_spec()`` (conversion to tf.estimator.EstimatorSpec)
  is not provided.
  """

  def __new__(cls, mode, predictions=None, loss=None, train_op=None,
              eval_metric_ops=None, output_alternatives=None,
              training_chief_hooks=None, training_hooks=None, scaffold=None):
    """Validates and builds the tuple.

    Args:
      mode: a ModeKeys value.
      predictions: tensor or dict of tensors (required in EVAL and INFER).
      loss: scalar tensor (required in TRAIN and EVAL); a one-element
        tensor is reshaped to a scalar.
      train_op: op or tensor (required in TRAIN); a tensor becomes its op.
      eval_metric_ops: dict, default {}.
      output_alternatives: dict submodel -> (ProblemType, {name: tensor}).
      training_chief_hooks: list of SessionRunHook, default [].
      training_hooks: list of SessionRunHook, default [].
      scaffold: a tf.compat.v1.train.Scaffold.

    Returns:
      The ModelFnOps.

    Raises:
      ValueError: a bad mode, a missing value the mode needs, a non-scalar
        loss, eval_metric_ops not a dict, or tensors from different graphs.
      TypeError: a hook is not a SessionRunHook.
    """
    ModeKeys.validate(mode)
    _check_same_graph((predictions, loss, train_op))
    if train_op is None:
      if mode == ModeKeys.TRAIN:
        raise ValueError("Missing train_op.")
    elif not isinstance(train_op, tf1.Operation):
      train_op = tf1.convert_to_tensor(train_op).op
    if loss is None:
      if mode in (ModeKeys.TRAIN, ModeKeys.EVAL):
        raise ValueError("Missing loss.")
    else:
      loss = tf1.convert_to_tensor(loss)
      loss_shape = loss.get_shape()
      if loss_shape.num_elements() not in (None, 1):
        raise ValueError("Loss must be scalar: %s." % loss)
      if not loss_shape.is_compatible_with(tf.TensorShape([])):
        loss = tf.reshape(loss, [])
    if predictions is None:
      if mode in (ModeKeys.INFER, ModeKeys.EVAL):
        raise ValueError("Missing predictions.")
    elif isinstance(predictions, dict):
      predictions = {k: tf1.convert_to_tensor_or_sparse_tensor(v)
                     for k, v in predictions.items()}
    else:
      predictions = tf1.convert_to_tensor_or_sparse_tensor(predictions)
    if eval_metric_ops is None:
      eval_metric_ops = {}
    elif not isinstance(eval_metric_ops, dict):
      raise ValueError("eval_metric_ops must be a dict.")
    if training_chief_hooks is None:
      training_chief_hooks = []
    if training_hooks is None:
      training_hooks = []
    for hook in training_hooks + training_chief_hooks:
      if not isinstance(hook, tf1.train.SessionRunHook):
        raise TypeError("All hooks returned from model_fn must be "
                        "SessionRunHook instances, got instance of %s: %s" %
                        (type(hook), hook))
    return super(ModelFnOps, cls).__new__(
        cls, predictions=predictions, loss=loss, train_op=train_op,
        eval_metric_ops=eval_metric_ops,
        output_alternatives=output_alternatives,
        training_chief_hooks=training_chief_hooks,
        training_hooks=training_hooks, scaffold=scaffold, mode=mode)


def _check_same_graph(values):
  """Raises ValueError if the tensors/ops among `values` span two graphs."""
  first = None
  for value in values:
    graph = getattr(value, "graph", None)
    if graph is None or not isinstance(
        value, (tf1.Operation, tf.Tensor, tf.SparseTensor, tf1.Variable)):
      continue
    if first is None:
      first = value
    elif graph is not first.graph:
      raise ValueError("%s must be from the same graph as %s." %
                       (value, first))


class InputFnOps(collections.namedtuple("InputFnOps",
                                        ["features", "labels",
                                         "default_inputs"])):
  """What a serving input_fn returns: features, labels (None), placeholders.

  Fields:
    features: dict name -> Tensor or SparseTensor.
    labels: Tensor, SparseTensor, dict of them, or None when serving.
    default_inputs: dict name -> the placeholders to feed.
  """


def build_parsing_serving_input_fn(feature_spec, default_batch_size=None):
  """An input_fn parsing serialized tf.Examples fed to a string placeholder.

  Args:
    feature_spec: dict name -> FixedLenFeature / VarLenFeature.
    default_batch_size: static batch size of the placeholder, or None.

  Returns:
    A function of no arguments returning InputFnOps(features, None,
    {'examples': placeholder named 'input_example_tensor'}).
  """
  def input_fn():
    serialized = tf1.placeholder(dtype=tf.string, shape=[default_batch_size],
                                 name="input_example_tensor")
    features = tf1.parse_example(serialized, feature_spec)
    return InputFnOps(features, None, {"examples": serialized})
  return input_fn


# -- pandas ----------------------------------------------------------------------

# pandas dtype names extract_pandas_* accept.
_PANDAS_DTYPES = frozenset([
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "bool"])


def _pandas(caller):
  try:
    import pandas  # pylint: disable=g-import-not-at-top
  except ImportError:
    raise errors.BackendUnavailableError(
        "%s needs pandas, which is not installed (pip install pandas)." %
        caller)
  return pandas


def extract_pandas_data(data):
  """A DataFrame's values as a float array; anything else unchanged.

  Args:
    data: a pandas.DataFrame of int, float or bool columns, or anything.

  Returns:
    numpy float array, or `data` itself when it is not a DataFrame.

  Raises:
    ValueError: a column is not int, float or bool.
    BackendUnavailableError: pandas is not installed.
  """
  pd = _pandas("extract_pandas_data")
  if not isinstance(data, pd.DataFrame):
    return data
  bad = [c for c in data if data[c].dtype.name not in _PANDAS_DTYPES]
  if bad:
    raise ValueError(
        "Data types for extracting pandas data must be int, float, or bool. "
        "Found: " + ", ".join("'%s' type='%s'" % (c, data[c].dtype.name)
                              for c in bad))
  return data.values.astype("float")


def extract_pandas_matrix(data):
  """A DataFrame's values array; anything else unchanged.

  Args:
    data: a pandas.DataFrame, or anything.

  Returns:
    numpy array, or `data` itself when it is not a DataFrame.

  Raises:
    BackendUnavailableError: pandas is not installed.
  """
  pd = _pandas("extract_pandas_matrix")
  if not isinstance(data, pd.DataFrame):
    return data
  return data.values


def extract_pandas_labels(labels):
  """A one-column DataFrame's values array; anything else unchanged.

  Args:
    labels: a pandas.DataFrame of one int, float or bool column, or anything.

  Returns:
    numpy array, or `labels` itself when it is not a DataFrame.

  Raises:
    ValueError: more than one column, or a column of another type.
    BackendUnavailableError: pandas is not installed.
  """
  pd = _pandas("extract_pandas_labels")
  if not isinstance(labels, pd.DataFrame):
    return labels
  if len(labels.columns) > 1:
    raise ValueError("Only one column for labels is allowed.")
  bad = [c for c in labels if labels[c].dtype.name not in _PANDAS_DTYPES]
  if bad:
    raise ValueError(
        "Data types for extracting labels must be int, float, or bool. "
        "Found: " + ", ".join("'%s' type=%s" % (c, labels[c].dtype.name)
                              for c in bad))
  return labels.values


# -- queue-runner readers --------------------------------------------------------

# Key under which a parse_fn's dict carries the record keys through batching.
_KEY_FEATURE_NAME = "__key__"


def read_batch_examples(file_pattern, batch_size, reader, randomize_input=True,
                        num_epochs=None, queue_capacity=10000, num_threads=1,
                        read_batch_size=1, parse_fn=None, name=None,
                        seed=None):
  """Batches of serialized records read from files (keys dropped).

  See read_keyed_batch_examples.

  Args:
    file_pattern: glob pattern, or list of patterns.
    batch_size: int or scalar int Tensor, 0 < batch_size < queue_capacity.
    reader: callable returning a reader (e.g. tf.compat.v1.TFRecordReader).
    randomize_input: shuffle files and records.
    num_epochs: passes over the files, or None for forever.
    queue_capacity: capacity of the batching queue.
    num_threads: number of parallel readers (1 keeps the order).
    read_batch_size: records per read (read_up_to when > 1).
    parse_fn: function records -> parsed value (dict or tensor), or None.
    name: name scope, default 'read_batch_examples'.
    seed: seed of the shuffles.

  Returns:
    string Tensor [batch_size] of records (or parse_fn's batched output).

  Raises:
    ValueError: no file matches, or an argument is out of range.
    tf.errors.OutOfRangeError: at run time, after `num_epochs`.
  """
  _, examples = read_keyed_batch_examples(
      file_pattern=file_pattern, batch_size=batch_size, reader=reader,
      randomize_input=randomize_input, num_epochs=num_epochs,
      queue_capacity=queue_capacity, num_threads=num_threads,
      read_batch_size=read_batch_size, parse_fn=parse_fn, name=name,
      seed=seed)
  return examples


def read_keyed_batch_examples(file_pattern, batch_size, reader,
                              randomize_input=True, num_epochs=None,
                              queue_capacity=10000, num_threads=1,
                              read_batch_size=1, parse_fn=None, name=None,
                              seed=None):
  """Keys and records read from files, batched by queue runners.

  A string_input_producer over the matching files (sorted unless
  `randomize_input`), `num_threads` readers, then batch_join (or, with
  `randomize_input`, shuffle_batch_join with min_after_dequeue
  max(queue_capacity - 3 * batch_size, batch_size)).  With `num_epochs` the
  last batch may be smaller and OutOfRangeError follows; `num_epochs` makes
  a local variable (run local_variables_initializer).

  Args:
    file_pattern: glob pattern, or list of patterns.
    batch_size: int or scalar int Tensor, 0 < batch_size < queue_capacity.
    reader: callable returning a reader (e.g. tf.compat.v1.TFRecordReader).
    randomize_input: shuffle files and records.
    num_epochs: passes over the files, or None for forever.
    queue_capacity: capacity of the batching queue.
    num_threads: number of parallel readers (1 keeps the order).
    read_batch_size: records per read (read_up_to when > 1).
    parse_fn: function records -> parsed value (dict or tensor), or None.
    name: name scope, default 'read_batch_examples'.
    seed: seed of the shuffles.

  Returns:
    (keys, records): string Tensors [batch_size], records replaced by the
    batched parse_fn output when given.

  Raises:
    ValueError: no file matches, or an argument is out of range.
    tf.errors.OutOfRangeError: at run time, after `num_epochs`.
  """
  return _read_keyed_batch_examples_helper(
      file_pattern, batch_size, reader, randomize_input=randomize_input,
      num_epochs=num_epochs, queue_capacity=queue_capacity,
      num_threads=num_threads, read_batch_size=read_batch_size,
      parse_fn=parse_fn, setup_shared_queue=False, name=name, seed=seed)


def read_keyed_batch_examples_shared_queue(file_pattern, batch_size, reader,
                                           randomize_input=True,
                                           num_epochs=None,
                                           queue_capacity=10000,
                                           num_threads=1, read_batch_size=1,
                                           parse_fn=None, name=None,
                                           seed=None):
  """read_keyed_batch_examples with file names from shared variables.

  The file names come from a list held in global (not local) variables
  `obtain_next/obtain_next_expanded_list` and `obtain_next/...counter`
  (plus `obtain_next/obtain_next_filename_counter` with `num_epochs`), fed
  through a FIFOQueue of capacity 1, so that workers sharing the variables
  visit each file once per epoch.  The list repeats the files `num_epochs`
  times, each copy reshuffled with Python's `random` (seeded by `seed`) when
  `randomize_input`.  Run global_variables_initializer.

  Args:
    file_pattern: glob pattern, or list of patterns.
    batch_size: int or scalar int Tensor, 0 < batch_size < queue_capacity.
    reader: callable returning a reader (e.g. tf.compat.v1.TFRecordReader).
    randomize_input: shuffle files and records.
    num_epochs: passes over the files, or None for forever.
    queue_capacity: capacity of the batching queue.
    num_threads: number of parallel readers (1 keeps the order).
    read_batch_size: records per read (read_up_to when > 1).
    parse_fn: function records -> parsed value (dict or tensor), or None.
    name: name scope, default 'read_batch_examples'.
    seed: seed of the shuffles.

  Returns:
    (keys, records), as read_keyed_batch_examples.

  Raises:
    ValueError: no file matches, or an argument is out of range.
    tf.errors.OutOfRangeError: at run time, after `num_epochs`.
  """
  return _read_keyed_batch_examples_helper(
      file_pattern, batch_size, reader, randomize_input=randomize_input,
      num_epochs=num_epochs, queue_capacity=queue_capacity,
      num_threads=num_threads, read_batch_size=read_batch_size,
      parse_fn=parse_fn, setup_shared_queue=True, name=name, seed=seed)


def _get_file_names(file_pattern, randomize_input):
  """The files matching `file_pattern` (a pattern or a list), sorted unless
  `randomize_input`; ValueError when none."""
  if isinstance(file_pattern, list):
    if not file_pattern:
      raise ValueError("No files given to dequeue_examples.")
    file_names = []
    for entry in file_pattern:
      file_names.extend(tf.io.gfile.glob(entry))
  else:
    file_names = list(tf.io.gfile.glob(file_pattern))
  if not file_names:
    raise ValueError("No files match %s." % file_pattern)
  if not randomize_input:
    file_names = sorted(file_names)
  return file_names


def _smart_cond(pred, true_fn, false_fn):
  """true_fn() or false_fn() when `pred` is known at build time, else cond."""
  if isinstance(pred, tf.Tensor):
    value = tf.get_static_value(pred)
    if value is None:
      return tf1.cond(pred, true_fn, false_fn)
    pred = bool(value)
  return true_fn() if pred else false_fn()


def _get_examples(file_name_queue, reader, num_threads, read_batch_size,
                  filter_fn, parse_fn):
  """One (keys, records) -- or parse_fn's dict with the keys -- per reader."""
  with tf1.name_scope("read"):
    example_list = []
    for _ in range(num_threads):
      keys, records = _smart_cond(
          read_batch_size > 1,
          lambda: reader().read_up_to(file_name_queue, read_batch_size),
          lambda: reader().read(file_name_queue))
      if filter_fn:
        mask = filter_fn(keys, records)
        keys = tf1.boolean_mask(keys, mask)
        records = tf1.boolean_mask(records, mask)
      if parse_fn:
        parsed = parse_fn(records)
        if isinstance(parsed, dict):
          parsed[_KEY_FEATURE_NAME] = keys
          example_list.append(parsed)
        else:
          example_list.append((keys, parsed))
      else:
        example_list.append((keys, records))
    return example_list


def _expanded_file_list(file_names, shuffle, seed, num_epochs):
  """The file order of contrib's seek_next: one copy per epoch (one copy
  when num_epochs is None), each reshuffled in place from the previous."""
  rng = random.Random(seed) if (shuffle and seed) else random
  names = list(file_names)
  if shuffle:
    rng.shuffle(names)
  expanded = names[:]
  for _ in range((num_epochs or 1) - 1):
    if shuffle:
      rng.shuffle(names)
    expanded.extend(names)
  return expanded


def _seek_next(file_names, shuffle=False, seed=None, num_epochs=None):
  """The next file name of a list held in variables, round robin.

  contrib's ``input_pipeline_ops.seek_next`` (a custom kernel) rebuilt from
  graph ops: the counter advances atomically by CountUpTo.

  Returns:
    scalar string Tensor; OutOfRangeError after the list's end when
    `num_epochs` is set.
  """
  expanded = _expanded_file_list(file_names, shuffle, seed, num_epochs)
  with tf1.variable_scope("obtain_next"):
    counter = tf1.get_variable(
        name="obtain_next_counter",
        initializer=tf.constant(-1, dtype=tf.int64), dtype=tf.int64,
        trainable=False)
    with tf1.colocate_with(counter):
      names = tf1.get_variable(
          name="obtain_next_expanded_list",
          initializer=tf.constant(expanded), dtype=tf.string,
          trainable=False)
    dependencies = []
    if num_epochs:
      filename_counter = tf1.get_variable(
          name="obtain_next_filename_counter",
          initializer=tf.constant(0, dtype=tf.int64), dtype=tf.int64,
          trainable=False)
      dependencies = [filename_counter.count_up_to(len(expanded))]
    with tf1.control_dependencies(dependencies):
      # CountUpTo returns the value before its increment, atomically; the
      # limit is never reached in practice.
      previous = counter.count_up_to(tf.int64.max)
      position = tf.math.floormod(previous + 1, len(expanded))
      return tf.gather(names, position, name="ObtainNext")


def _read_keyed_batch_examples_helper(file_pattern, batch_size, reader,
                                      randomize_input=True, num_epochs=None,
                                      queue_capacity=10000, num_threads=1,
                                      read_batch_size=1, filter_fn=None,
                                      parse_fn=None, setup_shared_queue=False,
                                      name=None, seed=None):
  """read_keyed_batch_examples(_shared_queue) with an optional filter_fn."""
  require_graph_mode("read_keyed_batch_examples")
  file_names = _get_file_names(file_pattern, randomize_input)
  if (not queue_capacity) or (queue_capacity <= 0):
    raise ValueError("Invalid queue_capacity %s." % queue_capacity)
  if (batch_size is None) or (
      (not isinstance(batch_size, tf.Tensor)) and
      (batch_size <= 0 or batch_size >= queue_capacity)):
    raise ValueError("Invalid batch_size %s, with queue_capacity %s." %
                     (batch_size, queue_capacity))
  if (read_batch_size is None) or (
      (not isinstance(read_batch_size, tf.Tensor)) and
      (read_batch_size <= 0)):
    raise ValueError("Invalid read_batch_size %s." % read_batch_size)
  if (not num_threads) or (num_threads <= 0):
    raise ValueError("Invalid num_threads %s." % num_threads)
  if (num_epochs is not None) and (num_epochs <= 0):
    raise ValueError("Invalid num_epochs %s." % num_epochs)

  with tf1.name_scope(name, "read_batch_examples", [file_pattern]) as scope:
    with tf1.name_scope("file_name_queue") as file_name_queue_scope:
      if setup_shared_queue:
        file_name_queue = tf1.FIFOQueue(capacity=1, dtypes=[tf.string],
                                        shapes=[[]])
        enqueue_op = file_name_queue.enqueue(_seek_next(
            file_names, shuffle=randomize_input, num_epochs=num_epochs,
            seed=seed))
        tf1.train.add_queue_runner(
            tf1.train.QueueRunner(file_name_queue, [enqueue_op]))
      else:
        file_name_queue = tf1.train.string_input_producer(
            tf.constant(file_names, name="input"), shuffle=randomize_input,
            num_epochs=num_epochs, name=file_name_queue_scope, seed=seed)

    example_list = _get_examples(file_name_queue, reader, num_threads,
                                 read_batch_size, filter_fn, parse_fn)
    enqueue_many = read_batch_size > 1
    allow_smaller_final_batch = num_epochs is not None
    if randomize_input:
      if isinstance(batch_size, tf.Tensor):
        min_after_dequeue = int(queue_capacity * 0.4)
      else:
        min_after_dequeue = max(queue_capacity - (3 * batch_size), batch_size)
      batched = tf1.train.shuffle_batch_join(
          example_list, batch_size, capacity=queue_capacity,
          min_after_dequeue=min_after_dequeue, enqueue_many=enqueue_many,
          name=scope, allow_smaller_final_batch=allow_smaller_final_batch,
          seed=seed)
    else:
      batched = tf1.train.batch_join(
          example_list, batch_size, capacity=queue_capacity,
          enqueue_many=enqueue_many, name=scope,
          allow_smaller_final_batch=allow_smaller_final_batch)
    if parse_fn and isinstance(batched, dict):
      keys = batched.pop(_KEY_FEATURE_NAME)
      return keys, batched
    return batched


def read_keyed_batch_features(file_pattern, batch_size, features, reader,
                              randomize_input=True, num_epochs=None,
                              queue_capacity=10000, reader_num_threads=1,
                              feature_queue_capacity=100,
                              num_enqueue_threads=2, parse_fn=None, name=None,
                              read_batch_size=None):
  """Keys and parsed features of batches of tf.Examples read from files.

  read_keyed_batch_examples (reading `read_batch_size`, default
  `batch_size`, records at a time), tf.compat.v1.parse_example with
  `features`, then queue_parsed_features.

  Args:
    file_pattern: glob pattern, or list of patterns.
    batch_size: int or scalar int Tensor.
    features: dict name -> FixedLenFeature / VarLenFeature.
    reader: callable returning a reader.
    randomize_input: shuffle files and records.
    num_epochs: passes over the files, or None for forever.
    queue_capacity: capacity of the batching queue.
    reader_num_threads: parallel readers (1 keeps the order).
    feature_queue_capacity: capacity of the parsed-features queue.
    num_enqueue_threads: threads filling it (1 keeps the order).
    parse_fn: function records -> records, applied before batching.
    name: name scope, default 'read_batch_features'.
    read_batch_size: records per read, default `batch_size`.

  Returns:
    (keys, features): string Tensor [batch_size] and dict name -> Tensor or
    SparseTensor.

  Raises:
    ValueError: no file matches, or an argument is out of range.
    tf.errors.OutOfRangeError: at run time, after `num_epochs`.
  """
  with tf1.name_scope(name, "read_batch_features", [file_pattern]) as scope:
    if read_batch_size is None:
      read_batch_size = batch_size
    keys, examples = read_keyed_batch_examples(
        file_pattern, batch_size, reader, randomize_input=randomize_input,
        num_epochs=num_epochs, queue_capacity=queue_capacity,
        num_threads=reader_num_threads, read_batch_size=read_batch_size,
        parse_fn=parse_fn, name=scope)
    feature_map = tf1.parse_example(examples, features)
    return queue_parsed_features(
        feature_map, keys=keys, feature_queue_capacity=feature_queue_capacity,
        num_enqueue_threads=num_enqueue_threads, name=scope)


def read_keyed_batch_features_shared_queue(file_pattern, batch_size, features,
                                           reader, randomize_input=True,
                                           num_epochs=None,
                                           queue_capacity=10000,
                                           reader_num_threads=1,
                                           feature_queue_capacity=100,
                                           num_queue_runners=2, parse_fn=None,
                                           name=None):
  """read_keyed_batch_features over read_keyed_batch_examples_shared_queue.

  Records are read `batch_size` at a time; `num_queue_runners` threads fill
  the parsed-features queue.  See read_keyed_batch_features.

  Args:
    file_pattern: glob pattern, or list of patterns.
    batch_size: int or scalar int Tensor.
    features: dict name -> FixedLenFeature / VarLenFeature.
    reader: callable returning a reader.
    randomize_input: shuffle files and records.
    num_epochs: passes over the files, or None for forever.
    queue_capacity: capacity of the batching queue.
    reader_num_threads: parallel readers (1 keeps the order).
    feature_queue_capacity: capacity of the parsed-features queue.
    num_queue_runners: threads filling it (1 keeps the order).
    parse_fn: function records -> records, applied before batching.
    name: name scope, default 'read_batch_features'.

  Returns:
    (keys, features): string Tensor [batch_size] and dict name -> Tensor or
    SparseTensor.

  Raises:
    ValueError: no file matches, or an argument is out of range.
    tf.errors.OutOfRangeError: at run time, after `num_epochs`.
  """
  with tf1.name_scope(name, "read_batch_features", [file_pattern]) as scope:
    keys, examples = read_keyed_batch_examples_shared_queue(
        file_pattern, batch_size, reader, randomize_input=randomize_input,
        num_epochs=num_epochs, queue_capacity=queue_capacity,
        num_threads=reader_num_threads, read_batch_size=batch_size,
        parse_fn=parse_fn, name=scope)
    feature_map = tf1.parse_example(examples, features)
    return queue_parsed_features(
        feature_map, keys=keys, feature_queue_capacity=feature_queue_capacity,
        num_enqueue_threads=num_queue_runners, name=scope)


def queue_parsed_features(parsed_features, keys=None,
                          feature_queue_capacity=100, num_enqueue_threads=2,
                          name=None):
  """Moves parsed features (and keys) through a FIFOQueue filled by threads.

  Sparse features travel as their indices, values and dense_shape, in
  sorted feature order, keys last; a scalar summary reports how full the
  queue is.  One QueueRunner with `num_enqueue_threads` enqueue ops.

  Args:
    parsed_features: dict name -> Tensor or SparseTensor.
    keys: string Tensor of keys, or None.
    feature_queue_capacity: queue capacity.
    num_enqueue_threads: enqueue threads (1 keeps the order).
    name: name scope, default 'queue_parsed_features'.

  Returns:
    (keys or None, dict name -> Tensor or SparseTensor), dequeued.
  """
  args = list(parsed_features.values())
  if keys is not None:
    args += [keys]
  with tf1.name_scope(name, "queue_parsed_features", args):
    to_enqueue = []
    layout = []  # (feature name, is sparse)
    for key in sorted(parsed_features.keys()):
      tensor = parsed_features[key]
      if isinstance(tensor, tf.SparseTensor):
        layout.append((key, True))
        to_enqueue.extend([tensor.indices, tensor.values, tensor.dense_shape])
      else:
        layout.append((key, False))
        to_enqueue.append(tensor)
    if keys is not None:
      to_enqueue.append(keys)
    queue = tf1.FIFOQueue(feature_queue_capacity,
                          [t.dtype for t in to_enqueue])
    tf1.summary.scalar(
        "queue/parsed_features/%s/fraction_of_%d_full" %
        (queue.name, feature_queue_capacity),
        tf.cast(queue.size(), tf.float32) * (1. / feature_queue_capacity))
    enqueue_ops = [queue.enqueue(to_enqueue)
                   for _ in range(num_enqueue_threads)]
    tf1.train.add_queue_runner(tf1.train.QueueRunner(
        queue, enqueue_ops,
        queue_closed_exception_types=(tf.errors.OutOfRangeError,
                                      tf.errors.CancelledError)))
    dequeued = queue.dequeue()
    if not isinstance(dequeued, list):
      dequeued = [dequeued]
    for tensor, original in zip(dequeued, to_enqueue):
      tensor.set_shape(original.get_shape())
    features = {}
    index = 0
    for key, is_sparse in layout:
      if is_sparse:
        features[key] = tf.SparseTensor(dequeued[index], dequeued[index + 1],
                                        dequeued[index + 2])
        index += 3
      else:
        features[key] = dequeued[index]
        index += 1
    dequeued_keys = dequeued[-1] if keys is not None else None
    return dequeued_keys, features


def read_batch_features(file_pattern, batch_size, features, reader,
                        randomize_input=True, num_epochs=None,
                        queue_capacity=10000, feature_queue_capacity=100,
                        reader_num_threads=1, num_enqueue_threads=2,
                        parse_fn=None, name=None, read_batch_size=None):
  """read_keyed_batch_features without the keys.

  Args:
    file_pattern: glob pattern, or list of patterns.
    batch_size: int or scalar int Tensor.
    features: dict name -> FixedLenFeature / VarLenFeature.
    reader: callable returning a reader.
    randomize_input: shuffle files and records.
    num_epochs: passes over the files, or None for forever.
    queue_capacity: capacity of the batching queue.
    feature_queue_capacity: capacity of the parsed-features queue.
    reader_num_threads: parallel readers (1 keeps the order).
    num_enqueue_threads: threads filling it (1 keeps the order).
    parse_fn: function records -> records, applied before batching.
    name: name scope, default 'read_batch_features'.
    read_batch_size: records per read, default `batch_size`.

  Returns:
    dict name -> Tensor or SparseTensor.
  """
  _, parsed = read_keyed_batch_features(
      file_pattern, batch_size, features, reader,
      randomize_input=randomize_input, num_epochs=num_epochs,
      queue_capacity=queue_capacity, reader_num_threads=reader_num_threads,
      feature_queue_capacity=feature_queue_capacity,
      num_enqueue_threads=num_enqueue_threads,
      read_batch_size=read_batch_size, parse_fn=parse_fn, name=name)
  return parsed


def read_batch_record_features(file_pattern, batch_size, features,
                               randomize_input=True, num_epochs=None,
                               queue_capacity=10000, reader_num_threads=1,
                               name="dequeue_record_examples"):
  """read_batch_features over TFRecord files (TFRecordReader).

  Args:
    file_pattern: glob pattern, or list of patterns.
    batch_size: int or scalar int Tensor.
    features: dict name -> FixedLenFeature / VarLenFeature.
    randomize_input: shuffle files and records.
    num_epochs: passes over the files, or None for forever.
    queue_capacity: capacity of the batching queue.
    reader_num_threads: parallel readers (1 keeps the order).
    name: name scope.

  Returns:
    dict name -> Tensor or SparseTensor.
  """
  return read_batch_features(
      file_pattern=file_pattern, batch_size=batch_size, features=features,
      reader=tf1.TFRecordReader, randomize_input=randomize_input,
      num_epochs=num_epochs, queue_capacity=queue_capacity,
      reader_num_threads=reader_num_threads, name=name)
