"""Evaluation of a checkpoint on held-out files, once per timestep."""
from __future__ import absolute_import, division, print_function

import os
import sys

from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.saver.runners import queue_runners
from legacy_pipeline.training import graph

EVAL_RUN_TIMEOUT_MS = 120000


def evaluate(args, eval_files, checkpoint, summary_dir=None):
  """Loss and per-timestep accuracy of `checkpoint` on `eval_files`.

  One pass (``num_epochs=1``, ``allow_small_batch=True``): every valid step of
  every sequence is counted exactly once; padding is masked out.

  Returns:
    dict: global_step, loss, accuracy, timesteps, segments, sequences.
  """
  with tf.Graph().as_default():
    global_step = tf1.train.get_or_create_global_step()
    batch = graph.batch(args, eval_files, num_epochs=1, shuffle=False,
                   allow_small_batch=True, make_keys_unique=False,
                   num_threads=1)
    m = graph.classifier(args, batch, keep_prob=1.0)
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


def print_eval(result):
  """Prints one evaluation result as a line."""
  print("eval at step %(global_step)d: loss %(loss).4f, per-timestep accuracy "
        "%(accuracy).4f over %(timesteps)d timesteps (%(sequences)d sequences, "
        "%(segments)d segments)" % result)
  sys.stdout.flush()


class EvalListener(tf1.train.CheckpointSaverListener):
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
    print_eval(result)

  def after_save(self, session, global_step_value):
    if self._last is None or \
        global_step_value - self._last >= self._args.eval_every_steps:
      self._run(global_step_value)

  def end(self, session, global_step_value):
    if self._last != global_step_value:
      self._run(global_step_value)
