"""The command line of the training program (``python -m legacy_pipeline.train``).

``build_parser`` defines every flag, ``resolve_inputs`` finds (or writes) the
data and checks it before any graph is built, and ``main`` runs the job: a
parameter server, one evaluation, or training (legacy_pipeline.training.loop).
"""
from __future__ import absolute_import, division, print_function

import argparse
import os
import shutil
import sys
import tempfile

from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.errors import InputDataError
from legacy_pipeline.errors import StallError
from legacy_pipeline.training import evaluation
from legacy_pipeline.training import graph
from legacy_pipeline.training import loop
from legacy_pipeline.training import readers
from legacy_pipeline.training import toy_data

DESCRIPTION = ("Graph-mode training of a sequence classifier (a label per "
               "timestep, or one per sequence with --label-context).")


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


def _non_negative(text):
  value = int(text)
  if value < 0:
    raise argparse.ArgumentTypeError("must be an int >= 0, got %s" % text)
  return value


def _fraction(text):
  value = float(text)
  if not 0.0 <= value <= 1.0:
    raise argparse.ArgumentTypeError("must be in [0, 1], got %s" % text)
  return value


def _positive(text):
  value = int(text)
  if value <= 0:
    raise argparse.ArgumentTypeError("must be a positive int, got %s" % text)
  return value


def build_parser():
  """The training program's argument parser, one group of flags at a time.

  Returns:
    An argparse.ArgumentParser.
  """
  p = argparse.ArgumentParser(
      prog="legacy-pipeline-train", description=DESCRIPTION,
      formatter_class=argparse.ArgumentDefaultsHelpFormatter)
  _add_data_flags(p.add_argument_group("data"))
  _add_backend_flags(p.add_argument_group("backend"))
  _add_feature_flags(p.add_argument_group("features"))
  _add_model_flags(p.add_argument_group("model and optimizer"))
  _add_run_flags(p.add_argument_group("run"))
  _add_cluster_flags(p.add_argument_group("cluster and logging"))
  return p


def _add_data_flags(g):
  """What to read, and where the model goes."""
  g.add_argument("--mode", choices=["train", "eval"], default="train",
                 help="train (with periodic eval when --eval-files is set) or "
                 "evaluate the latest checkpoint in --model-dir once")
  g.add_argument("--model-dir", default="legacy_pipeline_model",
                 help="checkpoints, summaries (and the toy data by default)")
  g.add_argument("--train-files", default=None,
                 help="comma-separated globs of TFRecord SequenceExamples; "
                 "default: write the toy task's data into --model-dir/data")
  g.add_argument("--eval-files", default=None,
                 help="held-out files (globs) evaluated during training: they "
                 "pick the best checkpoint and drive early stopping; default "
                 "with the toy data: its eval split")
  g.add_argument("--test-files", default=None,
                 help="files (globs) evaluated once at the end, with the best "
                 "checkpoint (model-dir/best; the last one without "
                 "--eval-files); results in model-dir/test")
  g.add_argument("--input", choices=["queue", "tfdata"], default="queue",
                 help="queue: string_input_producer + TFRecordReader; tfdata: "
                 "TFRecordDataset into the same state saver")
  g.add_argument("--shuffle-buffer", type=_non_negative, default=256,
                 help="shuffle training examples through a buffer of this "
                 "many (queue input: a RandomShuffleQueue; tfdata: "
                 "Dataset.shuffle), seeded by --seed; 0: file order. Files "
                 "are reshuffled every epoch either way; evaluation never "
                 "shuffles")


def _add_backend_flags(g):
  """Which state saver, store and checkpoint contents."""
  g.add_argument("--backend", choices=list(graph.BACKENDS), default="inhouse",
                 help="inhouse: this library's state saver and cells; "
                 "contrib: tf.contrib.training's state saver and TF's own "
                 "cells (TensorFlow 1.x only, queue input), for comparison")
  g.add_argument("--store", choices=["auto", "scheduled", "barrier"],
                 default="auto",
                 help="the state saver's store: scheduled (batches placed as "
                 "sequences are read; faster), barrier (TF's Barrier, as "
                 "contrib), auto (scheduled for a static batch size)")
  g.add_argument("--checkpoint-in-flight", choices=["auto", "on", "off"],
                 default="auto",
                 help="also checkpoint the sequences in flight and the read "
                 "position, so a restart continues each one at the segment "
                 "and state it reached (tfdata input only; auto: on with "
                 "--input tfdata)")


def _add_feature_flags(g):
  """The features of the SequenceExamples, and the labels."""
  g.add_argument("--sequence-feature", default="token",
                 help="name of the input feature list")
  g.add_argument("--feature-shape", type=_shape, default=[],
                 help="per-step shape of the input, e.g. '16' (empty: scalar)")
  g.add_argument("--feature-dtype", choices=["float32", "int64"],
                 default="float32")
  g.add_argument("--label-feature", default="label",
                 help="name of the int64 per-step label feature list")
  g.add_argument("--label-context", default=None,
                 help="name of an int64 context feature: the class of the "
                 "whole sequence (instead of --label-feature)")
  g.add_argument("--loss-on", choices=["all", "last"], default="all",
                 help="the loss on every valid step, or only on each "
                 "sequence's last step")
  g.add_argument("--num-classes", type=int, default=2)


def _add_model_flags(g):
  """The model, the optimizer and the learning-rate schedule."""
  g.add_argument("--num-unroll", type=_positive, default=5)
  g.add_argument("--batch-size", type=_positive, default=16)
  g.add_argument("--lstm-size", type=_positive, default=32)
  g.add_argument("--num-layers", type=_positive, default=1)
  g.add_argument("--keep-prob", type=float, default=1.0,
                 help="dropout keep probability on the LSTM outputs")
  g.add_argument("--optimizer", choices=sorted(graph.OPTIMIZERS),
                 default="adam")
  g.add_argument("--learning-rate", type=float, default=0.005)
  g.add_argument("--lr-decay", choices=list(graph.LR_DECAYS), default="none",
                 help="learning-rate schedule over --lr-decay-steps "
                 "(tf.train.exponential_decay / cosine_decay)")
  g.add_argument("--lr-decay-steps", type=_positive, default=None,
                 help="steps of the schedule (default: --steps)")
  g.add_argument("--lr-decay-rate", type=float, default=0.1,
                 help="exponential: the factor over --lr-decay-steps")
  g.add_argument("--lr-min-fraction", type=_fraction, default=0.0,
                 help="cosine: the final rate as a fraction of the first")
  g.add_argument("--clip-norm", type=float, default=1.0,
                 help="clip gradients to this global norm (0: no clipping)")


def _add_run_flags(g):
  """Length of the run, threads, checkpoints, evaluation, stalls."""
  g.add_argument("--steps", type=_positive, default=1500,
                 help="train until the global step reaches this")
  g.add_argument("--num-threads", type=_positive, default=2,
                 help="state saver prefetch threads")
  g.add_argument("--capacity", type=_positive, default=256,
                 help="sequences in flight in the state saver")
  g.add_argument("--seed", type=int, default=0)
  g.add_argument("--log-every", type=_positive, default=100,
                 help="steps between progress lines and summaries")
  g.add_argument("--checkpoint-every-steps", type=_positive, default=500)
  g.add_argument("--checkpoint-every-secs", type=float, default=None,
                 help="checkpoint by time instead of steps")
  g.add_argument("--eval-every-steps", type=_positive, default=500,
                 help="evaluate at the first checkpoint this many steps after "
                 "the previous evaluation (and at the end)")
  g.add_argument("--eval-metric",
                 choices=["auto", "accuracy", "sequence_accuracy"],
                 default="auto",
                 help="the eval metric that picks the best checkpoint and "
                 "drives early stopping (auto: sequence_accuracy with "
                 "--label-context, else accuracy per timestep)")
  g.add_argument("--early-stop-patience", type=_non_negative, default=0,
                 help="stop after this many evaluations in a row without a "
                 "better --eval-metric (0: never)")
  g.add_argument("--stall-timeout-secs", type=float, default=300.0,
                 help="stop with an error naming the cause when the state "
                 "saver can deliver no batch for this long (0: never)")
  g.add_argument("--toy-sequences", type=_positive, default=1000,
                 help="toy data size (train and eval together)")


def _add_cluster_flags(g):
  """TensorFlow's own cluster runtime, and logging."""
  g.add_argument("--ps-hosts", default="", help="host:port,... of the ps job")
  g.add_argument("--worker-hosts", default="",
                 help="host:port,... of the worker job")
  g.add_argument("--job-name", choices=["", "ps", "worker"], default="")
  g.add_argument("--task-index", type=int, default=0)
  g.add_argument("--verbose", action="store_true",
                 help="show TensorFlow's own log lines and deprecation "
                 "warnings (hidden by default when run as a program)")


def resolve_inputs(args):
  """(train, eval, test files), writing the toy data when none are given."""
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
      toy_data.write_toy_data(staging, args.toy_sequences, args.seed)
      try:
        os.rename(staging, data_dir)
      except OSError:
        shutil.rmtree(staging, ignore_errors=True)
    eval_glob = eval_glob or toy_eval
  train_files = readers.resolve_files(train_glob, "--train-files") \
      if args.mode == "train" else []
  eval_files = readers.resolve_files(eval_glob, "--eval-files") \
      if eval_glob else []
  test_files = readers.resolve_files(args.test_files, "--test-files") \
      if args.test_files and args.mode == "train" else []
  readers.check_sequence_files(
      train_files + eval_files + test_files, graph.features(args),
      context_features=graph.context_features(args))
  return train_files, eval_files, test_files


def main(argv=None):
  """Entry point of ``python -m legacy_pipeline.train``; returns a report."""
  args = build_parser().parse_args(argv)
  if args.job_name == "ps":
    cluster = loop.cluster_spec(args)
    server = tf1.train.Server(cluster, job_name="ps",
                              task_index=args.task_index)
    print("ps %d serving on %s" % (args.task_index, server.target))
    sys.stdout.flush()
    server.join()
    return None
  print("TensorFlow %s, %s" % (
      tf.version.VERSION, "tf.contrib state saver and TF cells"
      if args.backend == "contrib" else
      "legacy_pipeline state saver and cells"))
  try:
    loop.checkpoint_in_flight(args)
    graph.check_backend(args)
    train_files, eval_files, test_files = resolve_inputs(args)
    if args.early_stop_patience and args.mode == "train" and not eval_files:
      raise InputDataError("--early-stop-patience needs --eval-files: it "
                           "counts evaluations on them")
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
    result = evaluation.evaluate(args, eval_files, checkpoint,
                      os.path.join(args.model_dir, "eval"))
    evaluation.print_eval(result)
    return result
  try:
    return loop.train(args, train_files, eval_files, test_files)
  except StallError as e:
    print("error: %s" % e, file=sys.stderr)
    raise SystemExit(3)
  except tf.errors.DataLossError as e:
    # The reader's message has a byte offset but no file: find the file.
    where = readers.locate_bad_record(train_files + eval_files)
    print("error: corrupt or truncated input: %s" % (
        where or str(e).split("\n")[0]), file=sys.stderr)
    raise SystemExit(2)
