"""The training program's graphs: input, state saver, model, optimizer step."""
from __future__ import absolute_import, division, print_function

from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.saver import datasets
from legacy_pipeline.saver.batching import batch_sequences_with_states
from legacy_pipeline.training import model as model_lib
from legacy_pipeline.training import readers

OPTIMIZERS = {
    "adadelta": lambda lr: tf1.train.AdadeltaOptimizer(learning_rate=lr),
    "adam": lambda lr: tf1.train.AdamOptimizer(learning_rate=lr),
    "sgd": lambda lr: tf1.train.GradientDescentOptimizer(learning_rate=lr),
}


def features(args):
  """The reader specs of the input and label features named by `args`."""
  return {
      args.sequence_feature: readers.FeatureSpec(tf.as_dtype(
          args.feature_dtype), list(args.feature_shape)),
      args.label_feature: readers.FeatureSpec(tf.int64, []),
  }


def batch(args, files, num_epochs, shuffle, allow_small_batch,
          make_keys_unique, num_threads, checkpoint_in_flight=False):
  """The state saver's batch over `files`, from the queue or tf.data input."""
  common = dict(
      initial_states=model_lib.initial_states(args.lstm_size, args.num_layers),
      num_unroll=args.num_unroll, batch_size=args.batch_size,
      num_threads=num_threads, capacity=args.capacity,
      allow_small_batch=allow_small_batch, make_keys_unique=make_keys_unique,
      make_keys_unique_seed=args.seed if make_keys_unique else None,
      store=args.store)
  if args.input == "tfdata":
    dataset = datasets.sequence_example_dataset(
        files, {n: tf1.io.FixedLenSequenceFeature(list(s.shape), s.dtype)
                for n, s in features(args).items()},
        num_epochs=num_epochs, shuffle_files=shuffle, seed=args.seed)
    return datasets.batch_sequences_with_states_from_dataset(
        dataset, checkpoint_in_flight=checkpoint_in_flight, **common)
  key, sequences, length = readers.sequence_input(
      files, features(args), num_epochs=num_epochs, shuffle=shuffle,
      seed=args.seed)
  return batch_sequences_with_states(
      input_key=key, input_sequences=sequences, input_context={},
      input_length=length, **common)


def classifier(args, batch, keep_prob):  # pylint: disable=redefined-outer-name
  """The sequence classifier of `args` on `batch` (variable scope "model")."""
  return model_lib.sequence_classifier(
      batch, args.sequence_feature, args.label_feature, args.num_classes,
      args.lstm_size, args.num_layers, keep_prob=keep_prob, name="model")


def saver_gauges(batch):  # pylint: disable=redefined-outer-name
  """TensorBoard gauges of the state saver behind `batch`."""
  stats = batch.state_saver.stats()
  tf1.summary.scalar("state_saver/ready_segments", stats["ready"])
  tf1.summary.scalar("state_saver/incomplete_segments", stats["incomplete"])
  tf1.summary.scalar("state_saver/sequences_in_flight", stats["in_flight"])


def train_op(args, loss, global_step):
  """The optimizer step of `args` on `loss`, gradients clipped by norm."""
  optimizer = OPTIMIZERS[args.optimizer](args.learning_rate)
  grads, variables = zip(*optimizer.compute_gradients(loss))
  if args.clip_norm > 0:
    grads, _ = tf.clip_by_global_norm(grads, args.clip_norm)
  return optimizer.apply_gradients(zip(grads, variables),
                                   global_step=global_step)
