"""The training loop: graph, hooks and session of one worker, and its report.

``train`` is the loop of ``python -m legacy_pipeline.train``: it builds the
input pipeline and the state saver on this worker, the model and its
optimizer step (on the parameter servers when there is a cluster), the hooks,
and runs the MonitoredSession until the last step.
"""
from __future__ import absolute_import, division, print_function

import collections
import json
import os

from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.errors import InputDataError
from legacy_pipeline.saver import watchdog
from legacy_pipeline.training import evaluation
from legacy_pipeline.training import graph
from legacy_pipeline.training import hooks as hooks_lib

# What the training graph hands to the hooks and the loop.
_Graph = collections.namedtuple("_Graph",
                                "global_step train_op loss accuracy lr")


def cluster_spec(args):
  """The ClusterSpec of --ps-hosts/--worker-hosts, or None without a job.

  Raises:
    ValueError: --job-name without both host lists.
  """
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


def _build_graph(args, files, cluster, worker, journal):
  """The training graph in the default graph (see the module docstring)."""
  tf1.set_random_seed(args.seed + args.task_index)
  # The input pipeline and its state saver stay on this worker.
  with tf1.device(worker or None):
    batch = graph.batch(args, files, num_epochs=None, shuffle=True,
                        allow_small_batch=False, make_keys_unique=True,
                        num_threads=args.num_threads,
                        checkpoint_in_flight=journal,
                        shuffle_buffer=args.shuffle_buffer)
    if args.backend == "inhouse":
      graph.saver_gauges(batch)
      if args.stall_timeout_secs > 0:
        watchdog.add_stall_watchdog(batch, args.stall_timeout_secs)
  setter = tf1.train.replica_device_setter(
      worker_device=worker, cluster=cluster) if cluster else None
  with tf1.device(setter):
    global_step = tf1.train.get_or_create_global_step()
    m = graph.classifier(args, batch, keep_prob=args.keep_prob)
    train_op, lr = graph.train_op(args, m.loss, global_step)
  accuracy = m.correct / tf.maximum(m.valid_steps, 1.0)
  tf1.summary.scalar("loss", m.loss)
  tf1.summary.scalar("accuracy_per_timestep", accuracy)
  tf1.summary.scalar("learning_rate", lr)
  return _Graph(global_step, train_op, m.loss, accuracy, lr)


def _session(args, hooks, chief_hooks, cluster, server, worker):
  """The MonitoredSession of this worker (the chief's writes checkpoints)."""
  config = tf1.ConfigProto(device_filters=[
      "/job:ps", worker]) if cluster else None
  master = server.target if server else ""
  if args.task_index == 0:
    return tf1.train.MonitoredTrainingSession(
        master=master, is_chief=True, checkpoint_dir=args.model_dir,
        hooks=hooks, chief_only_hooks=chief_hooks,
        save_checkpoint_secs=None, save_checkpoint_steps=None,
        save_summaries_steps=args.log_every, log_step_count_steps=None,
        config=config)
  return tf1.train.MonitoredSession(
      session_creator=hooks_lib.WorkerSessionCreator(master, config),
      hooks=hooks)


def train(args, train_files, eval_files, test_files=()):
  """Trains until the global step reaches ``args.steps``; returns a report.

  Training stops earlier on a signal, or when --early-stop-patience
  evaluations in a row did not improve on the best one.

  Args:
    args: the parsed command-line arguments.
    train_files: list of training TFRecord files (this worker reads its
      share).
    eval_files: files evaluated as checkpoints are saved; empty for none.
    test_files: files the kept checkpoint is evaluated on at the end.

  Returns:
    dict: worker, local_steps, final_checkpoint_step, resumed_from, signal
    (the signal that stopped training, or None), early_stopped, eval (the
    last evaluation's result, or None), best_eval (the best one, whose
    checkpoint is kept in ``model_dir/best``) and test (the evaluation of
    that best checkpoint, or of the last one without eval files, on
    `test_files`; None without them).

  Raises:
    InputDataError: this worker gets no train file, or --checkpoint-in-flight
      on with the queue input.
    StallError, tf.errors.OpError: from the input pipeline (see main).
  """
  cluster = cluster_spec(args)
  server = None
  if cluster is not None:
    server = tf1.train.Server(cluster, job_name="worker",
                              task_index=args.task_index)
  is_chief = args.task_index == 0
  files = _shard(train_files, cluster, args.task_index)
  worker = "/job:worker/task:%d" % args.task_index if cluster else ""
  prefix = "[worker %d] " % args.task_index if cluster else ""
  start_step = checkpoint_step(args.model_dir)
  journal = checkpoint_in_flight(args)
  if start_step:
    print("%sresuming from checkpoint at step %d" % (prefix, start_step))
    if journal and is_chief:
      print("%scontinuing %d sequence(s) in flight at that checkpoint" %
            (prefix, _in_flight_count(args.model_dir)))
  with tf.Graph().as_default():
    g = _build_graph(args, files, cluster, worker, journal)
    listener = evaluation.EvalListener(args, eval_files, args.model_dir) \
        if eval_files else None
    saver_hook = tf1.train.CheckpointSaverHook(
        args.model_dir,
        save_secs=args.checkpoint_every_secs,
        save_steps=None if args.checkpoint_every_secs else
        args.checkpoint_every_steps,
        listeners=[listener] if listener else None)
    progress = hooks_lib.ProgressHook(
        {"step": g.global_step, "loss": g.loss, "accuracy": g.accuracy,
         "lr": g.lr}, args.log_every, args.steps, prefix)
    stop_signal = hooks_lib.StopOnSignalHook()
    hooks = [tf1.train.StopAtStepHook(last_step=args.steps), progress,
             stop_signal]
    with _session(args, hooks, [saver_hook], cluster, server,
                  worker) as sess:
      while not sess.should_stop():
        sess.run(g.train_op)
  final = checkpoint_step(args.model_dir)
  report = {"worker": args.task_index, "local_steps": progress.local_steps,
            "final_checkpoint_step": final, "resumed_from": start_step,
            "signal": stop_signal.signal,
            "early_stopped": bool(listener and listener.stopped),
            "eval": listener.results[-1] if listener and listener.results
                    else None,
            "best_eval": listener.best if listener else None, "test": None}
  if test_files and is_chief:
    report["test"] = evaluation.evaluate_test(args, test_files)
  print("%sdone: %s" % (prefix, json.dumps(_brief(report), sort_keys=True)))
  return report


def _brief(report):
  """`report` for the final line: evaluations without their matrices."""
  out = dict(report)
  for k in ("eval", "best_eval", "test"):
    if out.get(k):
      out[k] = {n: v for n, v in out[k].items()
                if n not in ("confusion_matrix", "checkpoint")}
  return out


def checkpoint_in_flight(args):
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


def checkpoint_step(model_dir):
  """The global step of the latest checkpoint in `model_dir` (0 if none)."""
  path = tf1.train.latest_checkpoint(model_dir) if os.path.isdir(
      model_dir) else None
  if not path:
    return 0
  return int(tf1.train.load_variable(path, "global_step"))
