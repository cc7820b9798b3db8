"""The training program's graphs: input, state saver, model, optimizer step."""
from __future__ import absolute_import, division, print_function

import math

from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.errors import InputDataError
from legacy_pipeline.saver import datasets
from legacy_pipeline.saver.batching import batch_sequences_with_states
from legacy_pipeline.training import model as model_lib
from legacy_pipeline.training import readers

OPTIMIZERS = {
    "adadelta": lambda lr: tf1.train.AdadeltaOptimizer(learning_rate=lr),
    "adam": lambda lr: tf1.train.AdamOptimizer(learning_rate=lr),
    "sgd": lambda lr: tf1.train.GradientDescentOptimizer(learning_rate=lr),
}

LR_DECAYS = ("none", "exponential", "cosine")
BACKENDS = ("inhouse", "contrib")


def features(args):
  """The reader specs of the sequence features named by `args`."""
  specs = {args.sequence_feature: readers.FeatureSpec(
      tf.as_dtype(args.feature_dtype), list(args.feature_shape))}
  if not args.label_context:
    specs[args.label_feature] = readers.FeatureSpec(tf.int64, [])
  return specs


def context_features(args):
  """The reader specs of the context features (the sequence label, if any)."""
  if not args.label_context:
    return {}
  return {args.label_context: readers.FeatureSpec(tf.int64, [])}


def contrib_training():
  """``tf.contrib.training`` of TF 1.x, for ``--backend contrib``.

  Raises:
    InputDataError: this TensorFlow has no ``tf.contrib``.
  """
  try:
    return tf.contrib.training  # pylint: disable=no-member
  except AttributeError:
    raise InputDataError(
        "--backend contrib needs TensorFlow 1.x with tf.contrib; this is "
        "TensorFlow %s (use --backend inhouse)" % tf.version.VERSION)


def check_backend(args):
  """Raises InputDataError for a --backend the rest of `args` cannot use."""
  if args.backend != "contrib":
    return
  contrib_training()
  if args.input != "queue":
    raise InputDataError("--backend contrib reads with --input queue (contrib "
                         "has no tf.data entry point)")


def batch(args, files, num_epochs, shuffle, allow_small_batch,
          make_keys_unique, num_threads, checkpoint_in_flight=False,
          shuffle_buffer=0):
  """The state saver's batch over `files`, from the queue or tf.data input.

  `shuffle` reshuffles the files every epoch; `shuffle_buffer` > 0 also
  shuffles examples (a RandomShuffleQueue or ``Dataset.shuffle``).

  Args:
    args: the parsed command-line arguments (input, backend, store, sizes,
      capacity, seed...).
    files: list of TFRecord files of SequenceExamples.
    num_epochs: epochs to read, or None for no limit.
    shuffle: reshuffle the files every epoch.
    allow_small_batch: deliver a last, partial batch.
    make_keys_unique: make the example keys unique (seeded by args.seed).
    num_threads: prefetch (and reader) threads.
    checkpoint_in_flight: with ``--input tfdata``, let a checkpoint save and
      restore the sequences in flight.
    shuffle_buffer: examples shuffled at once; 0 for no example shuffle.

  Returns:
    The state saver's ``NextQueuedSequenceBatch``.
  """
  common = dict(
      initial_states=model_lib.initial_states(args.lstm_size, args.num_layers),
      num_unroll=args.num_unroll, batch_size=args.batch_size,
      num_threads=num_threads, capacity=args.capacity,
      allow_small_batch=allow_small_batch, make_keys_unique=make_keys_unique,
      make_keys_unique_seed=args.seed if make_keys_unique else None)
  if args.input == "tfdata":
    dataset = datasets.sequence_example_dataset(
        files, {n: tf1.io.FixedLenSequenceFeature(list(s.shape), s.dtype)
                for n, s in features(args).items()},
        context_features={
            n: tf1.io.FixedLenFeature(list(s.shape), s.dtype)
            for n, s in context_features(args).items()},
        num_epochs=num_epochs, shuffle_files=shuffle, seed=args.seed,
        shuffle_buffer=shuffle_buffer)
    return datasets.batch_sequences_with_states_from_dataset(
        dataset, checkpoint_in_flight=checkpoint_in_flight, store=args.store,
        **common)
  example = readers.example_input(
      files, features(args), context_features(args), num_epochs=num_epochs,
      shuffle=shuffle, seed=args.seed, shuffle_buffer=shuffle_buffer,
      reader_threads=num_threads)
  inputs = dict(input_key=example.key, input_sequences=example.sequences,
                input_context=example.context, input_length=example.length)
  if args.backend == "contrib":
    return contrib_training().batch_sequences_with_states(**dict(common,
                                                                 **inputs))
  return batch_sequences_with_states(store=args.store, **dict(common, **inputs))


def classifier(args, batch, keep_prob):  # pylint: disable=redefined-outer-name
  """The sequence classifier of `args` on `batch` (variable scope "model").

  Args:
    args: the parsed command-line arguments.
    batch: a ``NextQueuedSequenceBatch``.
    keep_prob: dropout keep probability (float or scalar tensor).

  Returns:
    What ``model.sequence_classifier`` returns.
  """
  return model_lib.sequence_classifier(
      batch, args.sequence_feature, args.label_feature, args.num_classes,
      args.lstm_size, args.num_layers, keep_prob=keep_prob, name="model",
      label_context=args.label_context, loss_on=args.loss_on,
      native=args.backend == "contrib")


def saver_gauges(batch):  # pylint: disable=redefined-outer-name
  """TensorBoard gauges of the state saver behind `batch`."""
  stats = batch.state_saver.stats()
  tf1.summary.scalar("state_saver/ready_segments", stats["ready"])
  tf1.summary.scalar("state_saver/incomplete_segments", stats["incomplete"])
  tf1.summary.scalar("state_saver/sequences_in_flight", stats["in_flight"])


def learning_rate(args, global_step):
  """The learning rate of `args` at `global_step` (TF 1.x decay ops).

  ``exponential``: ``lr * rate ** (step / decay_steps)``; ``cosine``: from lr
  down to ``lr * min_fraction`` over `decay_steps`, then flat.

  Args:
    args: the parsed command-line arguments (learning_rate, lr_decay,
      lr_decay_steps or steps, lr_decay_rate, lr_min_fraction).
    global_step: the global step tensor.

  Returns:
    A float scalar tensor.
  """
  steps = args.lr_decay_steps or args.steps
  if args.lr_decay == "exponential":
    return tf1.train.exponential_decay(args.learning_rate, global_step, steps,
                                       args.lr_decay_rate)
  if args.lr_decay == "cosine":
    return tf1.train.cosine_decay(args.learning_rate, global_step, steps,
                                  alpha=args.lr_min_fraction)
  return tf.constant(args.learning_rate, tf.float32)


def expected_learning_rate(args, step):
  """What `learning_rate` gives at `step`, in Python (for checks and tests).

  Args:
    args: the parsed command-line arguments, as for ``learning_rate``.
    step: int, the global step.

  Returns:
    The learning rate as a Python float.
  """
  steps = args.lr_decay_steps or args.steps
  if args.lr_decay == "exponential":
    return args.learning_rate * args.lr_decay_rate ** (step / float(steps))
  if args.lr_decay == "cosine":
    done = min(step, steps) / float(steps)
    cosine = 0.5 * (1 + math.cos(math.pi * done))
    return args.learning_rate * ((1 - args.lr_min_fraction) * cosine +
                                 args.lr_min_fraction)
  return args.learning_rate


def train_op(args, loss, global_step):
  """(optimizer step, learning rate) of `args` on `loss`, clipped by norm.

  Args:
    args: the parsed command-line arguments (optimizer, clip_norm and the
      learning-rate ones); clip_norm <= 0 means no clipping.
    loss: the scalar loss tensor.
    global_step: the global step variable, incremented by the step.

  Returns:
    ``(train_op, learning_rate_tensor)``.
  """
  lr = learning_rate(args, global_step)
  optimizer = OPTIMIZERS[args.optimizer](lr)
  grads, variables = zip(*optimizer.compute_gradients(loss))
  if args.clip_norm > 0:
    grads, _ = tf.clip_by_global_norm(grads, args.clip_norm)
  return optimizer.apply_gradients(zip(grads, variables),
                                   global_step=global_step), lr
