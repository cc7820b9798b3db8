"""Evaluation of a checkpoint on held-out files, once per timestep.

``evaluate`` reads every held-out sequence once and reports the loss, the
per-timestep accuracy (every valid step), the last-step accuracy (each
sequence's prediction after its last step: the sequence accuracy of a
sequence classifier) and the confusion matrix of those last-step predictions.
Each evaluation goes to TensorBoard (scalars and the confusion matrix as an
image) and to ``<summary_dir>/metrics.json``.  ``EvalListener`` evaluates
checkpoints as training writes them, keeps the best one in ``model_dir/best``
and stops training early when asked to.
"""
from __future__ import absolute_import, division, print_function

import argparse
import glob
import json
import os
import shutil
import sys

import numpy as np

from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.saver.runners import queue_runners
from legacy_pipeline.training import graph

EVAL_RUN_TIMEOUT_MS = 120000
METRICS_FILE = "metrics.json"
BEST_DIR = "best"
# Pixels per confusion-matrix cell in the TensorBoard image.
_CELL_PIXELS = 16


def selection_metric(args):
  """The eval metric that picks the best checkpoint and drives early stopping.

  ``--eval-metric auto``: ``sequence_accuracy`` with --label-context (one
  class per sequence), ``accuracy`` (per timestep) otherwise.
  """
  if args.eval_metric != "auto":
    return args.eval_metric
  return "sequence_accuracy" if args.label_context else "accuracy"


def evaluate(args, eval_files, checkpoint, summary_dir=None):
  """Loss, accuracies and confusion matrix of `checkpoint` on `eval_files`.

  One pass (``num_epochs=1``, ``allow_small_batch=True``, no shuffling):
  every valid step of every sequence is counted exactly once; padding is
  masked out.

  Args:
    args: the parsed command-line arguments (model and input sizes).
    eval_files: list of TFRecord files of SequenceExamples.
    checkpoint: path prefix of the checkpoint to restore.
    summary_dir: if set, ``write_summaries`` writes the result there.

  Returns:
    dict: global_step, checkpoint, loss, accuracy (per timestep),
    sequence_accuracy (at each sequence's last step), timesteps, segments,
    sequences, last_steps (equal to sequences: one last step each),
    confusion_matrix (rows: true class, columns: predicted, of the last-step
    predictions).

  With ``--backend contrib`` the evaluation still reads through this
  library's saver and cells (the same variables): contrib's saver can stall
  at the end of a finite input, which would leave the count unfinished.

  Raises:
    tf.errors.OpError: from the input pipeline or the restore.
  """
  num_classes = args.num_classes
  args = argparse.Namespace(**dict(vars(args), backend="inhouse"))
  with tf.Graph().as_default():
    global_step = tf1.train.get_or_create_global_step()
    batch = graph.batch(args, eval_files, num_epochs=1, shuffle=False,
                        allow_small_batch=True, make_keys_unique=False,
                        num_threads=1)
    m = graph.classifier(args, batch, keep_prob=1.0)
    fetches = {"loss_sum": m.loss_sum, "loss_steps": m.loss_steps,
               "correct": m.correct, "valid": m.valid_steps,
               "last_correct": m.last_correct, "last": m.last_steps,
               "key": batch.key, "labels": m.labels,
               "predictions": m.predictions, "last_mask": m.last_mask}
    saver = tf1.train.Saver(tf1.global_variables())
    sums = dict.fromkeys(["loss_sum", "loss_steps", "correct", "valid",
                          "last_correct", "last"], 0.0)
    confusion = np.zeros([num_classes, num_classes], np.int64)
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
          for k in sums:
            sums[k] += float(out[k])
          at_last = out["last_mask"] > 0
          np.add.at(confusion, (out["labels"][at_last],
                                out["predictions"][at_last]), 1)
          segments += len(out["key"])
          keys.update(k.split(b":", 1)[1] for k in out["key"])
  result = {"global_step": step, "checkpoint": checkpoint,
            "timesteps": int(sums["valid"]), "segments": segments,
            "sequences": len(keys), "last_steps": int(sums["last"]),
            "loss": sums["loss_sum"] / max(sums["loss_steps"], 1.0),
            "accuracy": sums["correct"] / max(sums["valid"], 1.0),
            "sequence_accuracy": sums["last_correct"] / max(sums["last"], 1.0),
            "confusion_matrix": confusion.tolist()}
  if summary_dir:
    write_summaries(result, summary_dir)
  return result


def confusion_image(matrix):
  """uint8 [H, W, 1]: the row-normalized confusion matrix, one block a cell."""
  matrix = np.asarray(matrix, np.float64)
  rows = matrix.sum(axis=1, keepdims=True)
  share = np.where(rows > 0, matrix / np.maximum(rows, 1), 0.0)
  pixels = np.round(share * 255).astype(np.uint8)
  pixels = np.kron(pixels, np.ones([_CELL_PIXELS, _CELL_PIXELS], np.uint8))
  return pixels[:, :, None]


def _png(image):
  with tf.Graph().as_default():
    encoded = tf.image.encode_png(tf.constant(image))
    with tf1.Session() as sess:
      return sess.run(encoded)


def write_summaries(result, summary_dir):
  """Writes `result` to TensorBoard and to ``summary_dir/metrics.json``.

  The JSON file holds the latest result (with its confusion matrix) and the
  history of every evaluation's step, loss and accuracies.

  Args:
    result: a dict as ``evaluate`` returns.
    summary_dir: directory of the event file and JSON (created if missing).
  """
  if not os.path.isdir(summary_dir):
    os.makedirs(summary_dir)
  image = confusion_image(result["confusion_matrix"])
  png = _png(image)
  with tf.Graph().as_default():  # FileWriter refuses eager mode
    writer = tf1.summary.FileWriter(summary_dir)
    writer.add_summary(tf1.Summary(value=[
        tf1.Summary.Value(tag="eval/loss", simple_value=result["loss"]),
        tf1.Summary.Value(tag="eval/accuracy",
                          simple_value=result["accuracy"]),
        tf1.Summary.Value(tag="eval/sequence_accuracy",
                          simple_value=result["sequence_accuracy"]),
        tf1.Summary.Value(tag="eval/confusion_matrix",
                          image=tf1.Summary.Image(
                              height=image.shape[0], width=image.shape[1],
                              colorspace=1, encoded_image_string=png))]),
                       result["global_step"])
    writer.close()
  path = os.path.join(summary_dir, METRICS_FILE)
  history = []
  if os.path.exists(path):
    with open(path) as f:
      history = json.load(f).get("history", [])
  history.append({k: result[k] for k in ("global_step", "loss", "accuracy",
                                         "sequence_accuracy")})
  with open(path + ".tmp", "w") as f:
    json.dump({"latest": result, "history": history}, f, indent=1,
              sort_keys=True)
  os.rename(path + ".tmp", path)


def print_eval(result, what="eval"):
  """Prints one evaluation result as a line.

  Args:
    result: a dict as ``evaluate`` returns.
    what: the line's first word (``eval``, ``test``...).
  """
  print("%s at step %d: loss %.4f, accuracy per timestep %.4f, at the last "
        "step %.4f (%d sequences, %d timesteps, %d segments)" % (
            what, result["global_step"], result["loss"], result["accuracy"],
            result["sequence_accuracy"], result["sequences"],
            result["timesteps"], result["segments"]))
  sys.stdout.flush()


def _better(result, best, metric):
  """True when `result` beats `best`: a higher metric, or equal and lower loss."""
  if best is None:
    return True
  return (result[metric], -result["loss"]) > (best[metric], -best["loss"])


def keep_best(model_dir, checkpoint):
  """Copies `checkpoint`'s files to ``model_dir/best`` (replacing the last).

  Args:
    model_dir: the training directory.
    checkpoint: path prefix of the checkpoint to keep.
  """
  best_dir = os.path.join(model_dir, BEST_DIR)
  staging = best_dir + ".tmp"
  shutil.rmtree(staging, ignore_errors=True)
  os.makedirs(staging)
  for path in glob.glob(checkpoint + ".*"):
    shutil.copy(path, staging)
  shutil.rmtree(best_dir, ignore_errors=True)
  os.rename(staging, best_dir)
  tf1.train.update_checkpoint_state(
      best_dir, os.path.join(best_dir, os.path.basename(checkpoint)))


def best_checkpoint(model_dir):
  """The checkpoint kept in ``model_dir/best``, else the latest, or None."""
  best_dir = os.path.join(model_dir, BEST_DIR)
  if os.path.isdir(best_dir):
    path = tf1.train.latest_checkpoint(best_dir)
    if path:
      return path
  return tf1.train.latest_checkpoint(model_dir)


def evaluate_test(args, test_files):
  """Evaluates the best checkpoint on `test_files`; prints and returns it.

  Args:
    args: the parsed command-line arguments (with model_dir).
    test_files: list of TFRecord files of SequenceExamples.

  Returns:
    The ``evaluate`` result dict (summaries in ``model_dir/test``).
  """
  result = evaluate(args, test_files, best_checkpoint(args.model_dir),
                    os.path.join(args.model_dir, "test"))
  print_eval(result, "test")
  return result


class EvalListener(tf1.train.CheckpointSaverListener):
  """Evaluates fresh checkpoints every `eval_every_steps` steps (and the last).

  Keeps the best evaluation's checkpoint in ``model_dir/best`` and, with
  ``--early-stop-patience N``, asks training to stop after N evaluations in a
  row that did not beat the best.

  Args:
    args: the parsed command-line arguments (eval_every_steps,
      early_stop_patience, eval_metric...).
    eval_files: list of TFRecord files evaluated.
    model_dir: the directory the checkpoints are saved in.
  """

  def __init__(self, args, eval_files, model_dir):
    self._args, self._files, self._dir = args, eval_files, model_dir
    self._metric = selection_metric(args)
    self._last = None
    self._since_best = 0
    self.results = []
    self.best = None
    self.stopped = False

  def _run(self, global_step):
    checkpoint = tf1.train.latest_checkpoint(self._dir)
    result = evaluate(self._args, self._files, checkpoint,
                      os.path.join(self._dir, "eval"))
    self._last = global_step
    self.results.append(result)
    print_eval(result)
    if _better(result, self.best, self._metric):
      self.best, self._since_best = result, 0
      keep_best(self._dir, checkpoint)
    else:
      self._since_best += 1
    patience = self._args.early_stop_patience
    if patience and self._since_best >= patience and not self.stopped:
      self.stopped = True
      print("early stop at step %d: %s has not improved on %.4f (step %d) "
            "in %d evaluations" % (global_step, self._metric,
                                   self.best[self._metric],
                                   self.best["global_step"], patience))
      sys.stdout.flush()
    return self.stopped

  def after_save(self, session, global_step_value):
    """Evaluates when `eval_every_steps` passed since the last evaluation.

    Args:
      session: the training session (unused).
      global_step_value: int, the step of the checkpoint just saved.

    Returns:
      True to ask training to stop (early stop), else False.
    """
    if self._last is None or \
        global_step_value - self._last >= self._args.eval_every_steps:
      return self._run(global_step_value)
    return False

  def end(self, session, global_step_value):
    """Evaluates the final checkpoint unless it already was.

    Args:
      session: the training session (unused).
      global_step_value: int, the final step.
    """
    if self._last != global_step_value:
      self._run(global_step_value)
