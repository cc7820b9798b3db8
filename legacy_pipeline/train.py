"""Graph-mode training of a per-timestep sequence classifier.

``python -m legacy_pipeline.train`` (console script ``legacy-pipeline-train``)
reads SequenceExamples from TFRecord files through the TF 1.x queue-runner
graph and ``batch_sequences_with_states``, trains stacked LSTMs with truncated
BPTT under ``tf.compat.v1.train.MonitoredTrainingSession`` (checkpoints,
TensorBoard summaries, resume after a crash), evaluates held-out files exactly
once per timestep, and runs between-graph replicated on a TensorFlow cluster.

With no flags it writes the toy task's data (cumulative-sum classification)
into ``--model-dir`` and trains on it.  ``--help`` lists every flag.
"""
from __future__ import absolute_import, division, print_function

import argparse
import json
import math
import os
import shutil
import signal
import sys
import tempfile
import time

import numpy as np

from legacy_pipeline import datasets
from legacy_pipeline import model as model_lib
from legacy_pipeline import readers
from legacy_pipeline import watchdog
from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.batching import batch_sequences_with_states
from legacy_pipeline.errors import InputDataError
from legacy_pipeline.errors import StallError
from legacy_pipeline.runners import queue_runners

OPTIMIZERS = {
    "adadelta": lambda lr: tf1.train.AdadeltaOptimizer(learning_rate=lr),
    "adam": lambda lr: tf1.train.AdamOptimizer(learning_rate=lr),
    "sgd": lambda lr: tf1.train.GradientDescentOptimizer(learning_rate=lr),
}
EVAL_RUN_TIMEOUT_MS = 120000
TOY_THRESHOLD = 5.0


def _shape(text):
  text = text.strip()
  if not text:
    return []
  try:
    dims = [int(d) for d in text.split(",")]
  except ValueError:
    raise argparse.ArgumentTypeError("shape must be comma-separated ints or "
                                     "empty, got %r" % text)
  if any(d <= 0 for d in dims):
    raise argparse.ArgumentTypeError("shape dims must be positive: %r" % text)
  return dims


def _positive(text):
  value = int(text)
  if value <= 0:
    raise argparse.ArgumentTypeError("must be a positive int, got %s" % text)
  return value


def build_parser():
  p = argparse.ArgumentParser(
      prog="legacy-pipeline-train", description=__doc__.split("\n\n")[0],
      formatter_class=argparse.ArgumentDefaultsHelpFormatter)
  p.add_argument("--mode", choices=["train", "eval"], default="train",
                 help="train (with periodic eval when --eval-files is set) or "
                 "evaluate the latest checkpoint in --model-dir once")
  p.add_argument("--model-dir", default="legacy_pipeline_model",
                 help="checkpoints, summaries (and the toy data by default)")
  p.add_argument("--train-files", default=None,
                 help="comma-separated globs of TFRecord SequenceExamples; "
                 "default: write the toy task's data into --model-dir/data")
  p.add_argument("--eval-files", default=None,
                 help="held-out files (globs); default with the toy data: its "
                 "eval split")
  p.add_argument("--input", choices=["queue", "tfdata"], default="queue",
                 help="queue: string_input_producer + TFRecordReader; tfdata: "
                 "TFRecordDataset into the same state saver")
  p.add_argument("--checkpoint-in-flight", choices=["auto", "on", "off"],
                 default="auto",
                 help="also checkpoint the sequences in flight and the read "
                 "position, so a restart continues each one at the segment "
                 "and state it reached (tfdata input only; auto: on with "
                 "--input tfdata)")
  p.add_argument("--sequence-feature", default="token",
                 help="name of the input feature list")
  p.add_argument("--feature-shape", type=_shape, default=[],
                 help="per-step shape of the input, e.g. '16' (empty: scalar)")
  p.add_argument("--feature-dtype", choices=["float32", "int64"],
                 default="float32")
  p.add_argument("--label-feature", default="label",
                 help="name of the int64 per-step label feature list")
  p.add_argument("--num-classes", type=int, default=2)
  p.add_argument("--num-unroll", type=_positive, default=5)
  p.add_argument("--batch-size", type=_positive, default=16)
  p.add_argument("--lstm-size", type=_positive, default=32)
  p.add_argument("--num-layers", type=_positive, default=1)
  p.add_argument("--keep-prob", type=float, default=1.0,
                 help="dropout keep probability on the LSTM outputs")
  p.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="adam")
  p.add_argument("--learning-rate", type=float, default=0.005)
  p.add_argument("--clip-norm", type=float, default=1.0,
                 help="clip gradients to this global norm (0: no clipping)")
  p.add_argument("--steps", type=_positive, default=1500,
                 help="train until the global step reaches this")
  p.add_argument("--num-threads", type=_positive, default=2,
                 help="state saver prefetch threads")
  p.add_argument("--capacity", type=_positive, default=256,
                 help="sequences in flight in the state saver")
  p.add_argument("--seed", type=int, default=0)
  p.add_argument("--log-every", type=_positive, default=100,
                 help="steps between progress lines and summaries")
  p.add_argument("--checkpoint-every-steps", type=_positive, default=500)
  p.add_argument("--checkpoint-every-secs", type=float, default=None,
                 help="checkpoint by time instead of steps")
  p.add_argument("--eval-every-steps", type=_positive, default=500,
                 help="evaluate at the first checkpoint this many steps after "
                 "the previous evaluation (and at the end)")
  p.add_argument("--stall-timeout-secs", type=float, default=300.0,
                 help="stop with an error naming the cause when the state "
                 "saver can deliver no batch for this long (0: never)")
  p.add_argument("--toy-sequences", type=_positive, default=1000,
                 help="toy data size (train and eval together)")
  p.add_argument("--ps-hosts", default="", help="host:port,... of the ps job")
  p.add_argument("--worker-hosts", default="",
                 help="host:port,... of the worker job")
  p.add_argument("--job-name", choices=["", "ps", "worker"], default="")
  p.add_argument("--task-index", type=int, default=0)
  return p


# -- toy data ---------------------------------------------------------------


def write_toy_data(data_dir, num_sequences, seed, train_shards=4):
  """The toy task: per-step label 1 once the running sum exceeds a threshold.

  The tutorial's task (uniform floats, the label flips when the cumulative sum
  passes a threshold) with longer, more varied sequences: 10-60 steps, so
  most span several segments.  The threshold is a fixed 5.0 rather than the
  tutorial's length / 4, which a model reading one segment at a time cannot
  know.  Writes ``train-0000<i>-of-0000<n>.tfrecords`` (90%, sharded) and
  ``eval.tfrecords`` (10%).

  Returns:
    (train glob, eval path).
  """
  if not os.path.isdir(data_dir):
    os.makedirs(data_dir)
  rng = np.random.RandomState(seed)
  num_eval = max(1, num_sequences // 10)
  train_paths = [os.path.join(data_dir, "train-%05d-of-%05d.tfrecords" %
                              (i, train_shards)) for i in range(train_shards)]
  eval_path = os.path.join(data_dir, "eval.tfrecords")
  writers = [tf1.python_io.TFRecordWriter(p) for p in train_paths]
  eval_writer = tf1.python_io.TFRecordWriter(eval_path)
  try:
    for i in range(num_sequences):
      n = rng.randint(10, 61)
      tokens = rng.rand(n)
      labels = (np.cumsum(tokens) > TOY_THRESHOLD).astype(np.int64)
      ex = tf.train.SequenceExample()
      fl = ex.feature_lists.feature_list
      for tk, lb in zip(tokens, labels):
        fl["token"].feature.add().float_list.value.append(tk)
        fl["label"].feature.add().int64_list.value.append(lb)
      w = eval_writer if i < num_eval else writers[i % train_shards]
      w.write(ex.SerializeToString())
  finally:
    for w in writers + [eval_writer]:
      w.close()
  return (os.path.join(data_dir, "train-*.tfrecords"), eval_path)


# -- graphs -----------------------------------------------------------------


def _features(args):
  return {
      args.sequence_feature: readers.FeatureSpec(tf.as_dtype(
          args.feature_dtype), list(args.feature_shape)),
      args.label_feature: readers.FeatureSpec(tf.int64, []),
  }


def _batch(args, files, num_epochs, shuffle, allow_small_batch,
           make_keys_unique, num_threads, checkpoint_in_flight=False):
  common = dict(
      initial_states=model_lib.initial_states(args.lstm_size, args.num_layers),
      num_unroll=args.num_unroll, batch_size=args.batch_size,
      num_threads=num_threads, capacity=args.capacity,
      allow_small_batch=allow_small_batch, make_keys_unique=make_keys_unique,
      make_keys_unique_seed=args.seed if make_keys_unique else None)
  if args.input == "tfdata":
    dataset = datasets.sequence_example_dataset(
        files, {n: tf1.io.FixedLenSequenceFeature(list(s.shape), s.dtype)
                for n, s in _features(args).items()},
        num_epochs=num_epochs, shuffle_files=shuffle, seed=args.seed)
    return datasets.batch_sequences_with_states_from_dataset(
        dataset, checkpoint_in_flight=checkpoint_in_flight, **common)
  key, sequences, length = readers.sequence_input(
      files, _features(args), num_epochs=num_epochs, shuffle=shuffle,
      seed=args.seed)
  return batch_sequences_with_states(
      input_key=key, input_sequences=sequences, input_context={},
      input_length=length, **common)


def _classifier(args, batch, keep_prob):
  return model_lib.sequence_classifier(
      batch, args.sequence_feature, args.label_feature, args.num_classes,
      args.lstm_size, args.num_layers, keep_prob=keep_prob, name="model")


def _saver_gauges(batch):
  store = batch._state_saver.barrier  # pylint: disable=protected-access
  tf1.summary.scalar("state_saver/ready_segments", store.ready_size())
  tf1.summary.scalar("state_saver/incomplete_segments",
                     store.incomplete_size())


# -- evaluation -------------------------------------------------------------


def evaluate(args, eval_files, checkpoint, summary_dir=None):
  """Loss and per-timestep accuracy of `checkpoint` on `eval_files`.

  One pass (``num_epochs=1``, ``allow_small_batch=True``): every valid step of
  every sequence is counted exactly once; padding is masked out.

  Returns:
    dict: global_step, loss, accuracy, timesteps, segments, sequences.
  """
  with tf.Graph().as_default():
    global_step = tf1.train.get_or_create_global_step()
    batch = _batch(args, eval_files, num_epochs=1, shuffle=False,
                   allow_small_batch=True, make_keys_unique=False,
                   num_threads=1)
    m = _classifier(args, batch, keep_prob=1.0)
    fetches = {"loss_sum": m.loss_sum, "correct": m.correct,
               "valid": m.valid_steps, "key": batch.key}
    saver = tf1.train.Saver(tf1.global_variables())
    totals = {"loss_sum": 0.0, "correct": 0.0, "valid": 0.0}
    keys, segments = set(), 0
    options = tf1.RunOptions(timeout_in_ms=EVAL_RUN_TIMEOUT_MS)
    with tf1.Session() as sess:
      sess.run(tf1.local_variables_initializer())
      saver.restore(sess, checkpoint)
      step = int(sess.run(global_step))
      with queue_runners(sess):
        while True:
          try:
            out = sess.run(fetches, options=options)
          except tf.errors.OutOfRangeError:
            break
          for k in totals:
            totals[k] += float(out[k])
          segments += len(out["key"])
          keys.update(k.split(b":", 1)[1] for k in out["key"])
    valid = totals["valid"]
    result = {"global_step": step, "timesteps": int(valid),
              "segments": segments, "sequences": len(keys),
              "loss": totals["loss_sum"] / max(valid, 1.0),
              "accuracy": totals["correct"] / max(valid, 1.0)}
    if summary_dir:
      writer = tf1.summary.FileWriter(summary_dir)
      writer.add_summary(tf1.Summary(value=[
          tf1.Summary.Value(tag="eval/loss", simple_value=result["loss"]),
          tf1.Summary.Value(tag="eval/accuracy",
                            simple_value=result["accuracy"])]), step)
      writer.close()
  return result


def _print_eval(result):
  print("eval at step %(global_step)d: loss %(loss).4f, per-timestep accuracy "
        "%(accuracy).4f over %(timesteps)d timesteps (%(sequences)d sequences, "
        "%(segments)d segments)" % result)
  sys.stdout.flush()


class _EvalListener(tf1.train.CheckpointSaverListener):
  """Evaluates a freshly written checkpoint every `every` steps (and last)."""

  def __init__(self, args, eval_files, model_dir):
    self._args, self._files, self._dir = args, eval_files, model_dir
    self._last = None
    self.results = []

  def _run(self, global_step):
    checkpoint = tf1.train.latest_checkpoint(self._dir)
    result = evaluate(self._args, self._files, checkpoint,
                      os.path.join(self._dir, "eval"))
    self._last = global_step
    self.results.append(result)
    _print_eval(result)

  def after_save(self, session, global_step_value):
    if self._last is None or \
        global_step_value - self._last >= self._args.eval_every_steps:
      self._run(global_step_value)

  def end(self, session, global_step_value):
    if self._last != global_step_value:
      self._run(global_step_value)


# -- hooks ------------------------------------------------------------------


class _ProgressHook(tf1.train.SessionRunHook):
  """Prints step, loss, accuracy, steps/s and ETA every `every` steps."""

  def __init__(self, fetches, every, last_step, worker):
    self._fetches, self._every, self._last_step = fetches, every, last_step
    self._worker = worker
    self._mark = None
    self.local_steps = 0

  def before_run(self, run_context):
    return tf1.train.SessionRunArgs(self._fetches)

  def after_run(self, run_context, run_values):
    self.local_steps += 1
    v = run_values.results
    step = int(v["step"])
    now = time.time()
    if self._mark is None:
      self._mark = (step, now)
      return
    if self.local_steps % self._every:
      return
    rate = (step - self._mark[0]) / max(now - self._mark[1], 1e-9)
    eta = (self._last_step - step) / rate if rate > 0 else float("inf")
    print("%sstep %d/%d  loss %.4f  acc %.4f  %.1f steps/s  ETA %s" % (
        self._worker, step, self._last_step, v["loss"], v["accuracy"], rate,
        _hms(eta)))
    sys.stdout.flush()
    self._mark = (step, now)


def _hms(seconds):
  if math.isinf(seconds):
    return "?"
  seconds = int(seconds)
  return "%d:%02d:%02d" % (seconds // 3600, seconds // 60 % 60, seconds % 60)


class _StopOnSignalHook(tf1.train.SessionRunHook):
  """SIGINT/SIGTERM end training cleanly (the chief then checkpoints)."""

  def __init__(self):
    self.signal = None
    self._previous = {}

  def begin(self):
    for sig in (signal.SIGINT, signal.SIGTERM):
      self._previous[sig] = signal.signal(sig, self._handle)

  def _handle(self, signum, frame):
    del frame
    self.signal = signum

  def after_run(self, run_context, run_values):
    if self.signal is not None:
      run_context.request_stop()

  def end(self, session):
    for sig, handler in self._previous.items():
      signal.signal(sig, handler)


# -- training ---------------------------------------------------------------


class _WorkerSessionCreator(tf1.train.SessionCreator):
  """A non-chief's session: waits for the chief's init, checking every second.

  MonitoredTrainingSession's own worker creator checks every 30 s, so a worker
  started a moment before its chief idles half a minute.
  """

  def __init__(self, master, config, max_wait_secs=1800):
    self._master, self._config = master, config
    self._max_wait_secs = max_wait_secs

  def create_session(self):
    scaffold = tf1.train.Scaffold()
    scaffold.finalize()
    manager = tf1.train.SessionManager(
        local_init_op=scaffold.local_init_op, ready_op=scaffold.ready_op,
        ready_for_local_init_op=scaffold.ready_for_local_init_op,
        graph=tf1.get_default_graph(), recovery_wait_secs=1)
    return manager.wait_for_session(self._master, config=self._config,
                                    max_wait_secs=self._max_wait_secs)


def _cluster(args):
  if not args.job_name:
    return None
  if not args.worker_hosts or not args.ps_hosts:
    raise ValueError("--job-name needs --ps-hosts and --worker-hosts")
  return tf1.train.ClusterSpec({"ps": args.ps_hosts.split(","),
                                "worker": args.worker_hosts.split(",")})


def _shard(files, cluster, task_index):
  if cluster is None:
    return files
  workers = cluster.num_tasks("worker")
  mine = files[task_index::workers]
  if not mine:
    raise InputDataError(
        "worker %d of %d gets no file: %d train file(s) for %d workers; write "
        "at least one file per worker" % (task_index, workers, len(files),
                                          workers))
  return mine


def train(args, train_files, eval_files):
  """Trains until the global step reaches ``args.steps``; returns a report."""
  cluster = _cluster(args)
  server = None
  if cluster is not None:
    server = tf1.train.Server(cluster, job_name="worker",
                              task_index=args.task_index)
  is_chief = args.task_index == 0
  files = _shard(train_files, cluster, args.task_index)
  worker = "/job:worker/task:%d" % args.task_index if cluster else ""
  prefix = "[worker %d] " % args.task_index if cluster else ""
  start_step = _checkpoint_step(args.model_dir)
  journal = _checkpoint_in_flight(args)
  if start_step:
    print("%sresuming from checkpoint at step %d" % (prefix, start_step))
    if journal and is_chief:
      print("%scontinuing %d sequence(s) in flight at that checkpoint" %
            (prefix, _in_flight_count(args.model_dir)))
  with tf.Graph().as_default():
    tf1.set_random_seed(args.seed + args.task_index)
    # The input pipeline and its state saver stay on this worker.
    with tf1.device(worker or None):
      batch = _batch(args, files, num_epochs=None, shuffle=True,
                     allow_small_batch=False, make_keys_unique=True,
                     num_threads=args.num_threads,
                     checkpoint_in_flight=journal)
      _saver_gauges(batch)
      if args.stall_timeout_secs > 0:
        watchdog.add_stall_watchdog(batch, args.stall_timeout_secs)
    setter = tf1.train.replica_device_setter(
        worker_device=worker, cluster=cluster) if cluster else None
    with tf1.device(setter):
      global_step = tf1.train.get_or_create_global_step()
      m = _classifier(args, batch, keep_prob=args.keep_prob)
      optimizer = OPTIMIZERS[args.optimizer](args.learning_rate)
      grads, variables = zip(*optimizer.compute_gradients(m.loss))
      if args.clip_norm > 0:
        grads, _ = tf.clip_by_global_norm(grads, args.clip_norm)
      train_op = optimizer.apply_gradients(zip(grads, variables),
                                           global_step=global_step)
    accuracy = m.correct / tf.maximum(m.valid_steps, 1.0)
    tf1.summary.scalar("loss", m.loss)
    tf1.summary.scalar("accuracy_per_timestep", accuracy)
    tf1.summary.scalar("learning_rate", tf.constant(args.learning_rate))
    listener = _EvalListener(args, eval_files, args.model_dir) \
        if eval_files else None
    saver_hook = tf1.train.CheckpointSaverHook(
        args.model_dir,
        save_secs=args.checkpoint_every_secs,
        save_steps=None if args.checkpoint_every_secs else
        args.checkpoint_every_steps,
        listeners=[listener] if listener else None)
    progress = _ProgressHook({"step": global_step, "loss": m.loss,
                              "accuracy": accuracy}, args.log_every,
                             args.steps, prefix)
    stop_signal = _StopOnSignalHook()
    hooks = [tf1.train.StopAtStepHook(last_step=args.steps), progress,
             stop_signal]
    config = tf1.ConfigProto(device_filters=[
        "/job:ps", worker]) if cluster else None
    master = server.target if server else ""
    if is_chief:
      session = tf1.train.MonitoredTrainingSession(
          master=master, is_chief=True, checkpoint_dir=args.model_dir,
          hooks=hooks, chief_only_hooks=[saver_hook],
          save_checkpoint_secs=None, save_checkpoint_steps=None,
          save_summaries_steps=args.log_every, log_step_count_steps=None,
          config=config)
    else:
      session = tf1.train.MonitoredSession(
          session_creator=_WorkerSessionCreator(master, config), hooks=hooks)
    with session as sess:
      while not sess.should_stop():
        sess.run(train_op)
  final = _checkpoint_step(args.model_dir)
  report = {"worker": args.task_index, "local_steps": progress.local_steps,
            "final_checkpoint_step": final, "resumed_from": start_step,
            "signal": stop_signal.signal,
            "eval": listener.results[-1] if listener and listener.results
                    else None}
  print("%sdone: %s" % (prefix, json.dumps(report, sort_keys=True)))
  return report


def _checkpoint_in_flight(args):
  """Whether in-flight sequences go into checkpoints (--checkpoint-in-flight).

  Raises:
    InputDataError: "on" with --input queue.
  """
  if args.checkpoint_in_flight == "on" and args.input != "tfdata":
    raise InputDataError(
        "--checkpoint-in-flight on needs --input tfdata: a queue input's "
        "filename queue and reader buffers cannot be checkpointed")
  return args.checkpoint_in_flight != "off" and args.input == "tfdata"


def _in_flight_count(model_dir):
  """Number of journaled sequences in the latest checkpoint (0 if none)."""
  path = tf1.train.latest_checkpoint(model_dir)
  names = [n for n, _ in tf1.train.list_variables(path)
           if n.endswith("in_flight/records-keys")] if path else []
  return sum(len(tf1.train.load_variable(path, n)) for n in names)


def _checkpoint_step(model_dir):
  path = tf1.train.latest_checkpoint(model_dir) if os.path.isdir(
      model_dir) else None
  if not path:
    return 0
  return int(tf1.train.load_variable(path, "global_step"))


def _resolve_inputs(args):
  """(train files, eval files), writing the toy data when none are given."""
  train_glob, eval_glob = args.train_files, args.eval_files
  if train_glob is None:
    data_dir = os.path.join(args.model_dir, "data")
    train_glob = os.path.join(data_dir, "train-*.tfrecords")
    toy_eval = os.path.join(data_dir, "eval.tfrecords")
    if not os.path.isdir(data_dir):
      print("no --train-files: writing the toy task's data to %s" % data_dir)
      # Written aside and renamed into place, so workers starting together
      # never read a half-written file (the first rename wins).
      parent = os.path.dirname(os.path.abspath(data_dir))
      if not os.path.isdir(parent):
        os.makedirs(parent)
      staging = tempfile.mkdtemp(prefix=".data-", dir=parent)
      write_toy_data(staging, args.toy_sequences, args.seed)
      try:
        os.rename(staging, data_dir)
      except OSError:
        shutil.rmtree(staging, ignore_errors=True)
    eval_glob = eval_glob or toy_eval
  train_files = readers.resolve_files(train_glob, "--train-files") \
      if args.mode == "train" else []
  eval_files = readers.resolve_files(eval_glob, "--eval-files") \
      if eval_glob else []
  features = _features(args)
  readers.check_sequence_files(train_files + eval_files, features)
  return train_files, eval_files


def main(argv=None):
  """Entry point of ``python -m legacy_pipeline.train``; returns a report."""
  args = build_parser().parse_args(argv)
  if args.job_name == "ps":
    cluster = _cluster(args)
    server = tf1.train.Server(cluster, job_name="ps",
                              task_index=args.task_index)
    print("ps %d serving on %s" % (args.task_index, server.target))
    sys.stdout.flush()
    server.join()
    return None
  print("TensorFlow %s, legacy_pipeline state saver and cells" %
        tf.version.VERSION)
  try:
    _checkpoint_in_flight(args)
    train_files, eval_files = _resolve_inputs(args)
  except InputDataError as e:
    print("error: %s" % e, file=sys.stderr)
    raise SystemExit(2)
  if args.mode == "eval":
    if not eval_files:
      print("error: --mode eval needs --eval-files", file=sys.stderr)
      raise SystemExit(2)
    checkpoint = tf1.train.latest_checkpoint(args.model_dir)
    if not checkpoint:
      print("error: no checkpoint in %s" % args.model_dir, file=sys.stderr)
      raise SystemExit(2)
    result = evaluate(args, eval_files, checkpoint,
                      os.path.join(args.model_dir, "eval"))
    _print_eval(result)
    return result
  try:
    return train(args, train_files, eval_files)
  except StallError as e:
    print("error: %s" % e, file=sys.stderr)
    raise SystemExit(3)
  except tf.errors.DataLossError as e:
    # The reader's message has a byte offset but no file: find the file.
    where = readers.locate_bad_record(train_files + eval_files)
    print("error: corrupt or truncated input: %s" % (
        where or str(e).split("\n")[0]), file=sys.stderr)
    raise SystemExit(2)


if __name__ == "__main__":
  main()
