"""Where a consumer step's time goes, op by op.  Not a test.

  python benchmarks/profile_step.py --case tutorial|pipeline
      --impl contrib|inhouse|scheduled [--steps 200] [--top 15]
  python benchmarks/profile_step.py --case prefetch --impl ...

``--case prefetch`` profiles W1's prefetch instead: the op one state saver
queue-runner thread runs per example (read, parse, and store one example), run
from the main thread with no consumer, as ops and op time per example grouped
as read+parse, the batch_sequences_with_states wrapper and the state saver.

Builds bench.py's graph (the tutorial's training step, or W1's take + save),
runs it with its queue runners, and prints: the wall time per step without
tracing; then, from ``RunMetadata`` step stats (``FULL_TRACE``, which adds
its own overhead, so compare parts with each other, not with the wall time),
the ops run per step and their op time grouped as the state saver (its name
scope), the model (``model/``), the optimizer (``optimizer/`` and the
gradients), and the rest; and the most expensive ops.
"""
from __future__ import absolute_import, division, print_function

import argparse
import collections
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import bench  # noqa: E402  (sets up sys.path and TF)

tf = bench.tf
tf1 = bench.tf1


def _group(node):
  if node.startswith("batch_sequences_with_states/") and \
      "InputQueueingStateSaver" not in node:
    return "wrapper"
  if "ReaderRead" in node or "ParseSingleSequenceExample" in node or \
      node.startswith("input_producer"):
    return "read+parse"
  if "InputQueueingStateSaver" in node or \
      node.startswith("batch_sequences_with_states"):
    return "state saver"
  if node.startswith("optimizer/") or node.startswith("gradients"):
    return "optimizer"
  if node.startswith("model/"):
    return "model"
  return "other"


def _traced(sess, op, steps, by_group, by_op, ops):
  """Runs `op` `steps` times with FULL_TRACE, adding up op time and counts."""
  options = tf1.RunOptions(trace_level=tf1.RunOptions.FULL_TRACE,
                           timeout_in_ms=120000)
  for _ in range(steps):
    meta = tf1.RunMetadata()
    sess.run(op, options=options, run_metadata=meta)
    for dev in meta.step_stats.dev_stats:
      for node in dev.node_stats:
        if node.node_name == "_SOURCE":
          continue
        us = node.op_end_rel_micros - node.op_start_rel_micros
        by_group[_group(node.node_name)] += us
        ops[_group(node.node_name)] += 1
        by_op[node.node_name] += us


def profile_prefetch(impl, steps, top, source="queue"):
  """Ops and op time per example of W1's prefetch (see the module doc)."""
  with tf.Graph().as_default():
    bench._pipeline_graph(impl, bench._files(bench.DEFAULT_DATA), 32, 20,  # pylint: disable=protected-access
                          source)
    runners = tf1.get_collection(tf1.GraphKeys.QUEUE_RUNNERS)
    saver_runner = runners[-1]  # batch_sequences_with_states' own runner
    prefetch = saver_runner.enqueue_ops[0]
    with tf1.Session() as sess:
      sess.run(tf1.local_variables_initializer())
      coord = tf1.train.Coordinator()
      threads = []
      for runner in runners[:-1]:
        threads += runner.create_threads(sess, coord=coord, daemon=True,
                                         start=True)
      # W1 has 1,000 examples in flight at most (capacity): stay below it.
      # (A batched run admits 32 examples.)
      batched = source == "tfdata-batched"
      steps = min(steps, 12 if batched else 400)
      measured = _measure(sess, prefetch, 5 if batched else 50, steps)
      coord.request_stop()
  _report("prefetch", impl, steps, top,
          ("read+parse", "wrapper", "state saver", "other"), "example",
          *measured)


def _measure(sess, op, warmup, steps):
  """(wall us per run untraced, by_group, by_op, ops) over `steps` runs."""
  for _ in range(warmup):
    sess.run(op, options=bench.TIMEOUT)
  start = time.time()
  for _ in range(steps):
    sess.run(op, options=bench.TIMEOUT)
  wall = 1e6 * (time.time() - start) / steps
  by_group, by_op, ops = (collections.Counter(), collections.Counter(),
                          collections.Counter())
  _traced(sess, op, steps, by_group, by_op, ops)
  return wall, by_group, by_op, ops


def _report(case, impl, steps, top, groups, unit, wall, by_group, by_op,
            ops):
  total = sum(by_group.values()) / float(steps)
  print("%s, %s, TF %s: %.0f us per %s (wall, untraced); traced: %.0f ops, "
        "%.0f us op time per %s" % (case, impl, tf.version.VERSION, wall, unit,
                                    sum(ops.values()) / float(steps), total,
                                    unit))
  for group in groups:
    print("  %-12s %5.0f ops %7.0f us (%2.0f%%)" % (
        group, ops[group] / float(steps), by_group[group] / float(steps),
        100.0 * by_group[group] / max(1, sum(by_group.values()))))
  print("  most expensive ops (us per %s):" % unit)
  for name, us in by_op.most_common(top):
    print("    %7.1f  %s" % (us / float(steps), name))
  # One machine-readable line, for run_all.py's table.
  print("RESULT " + json.dumps({
      "case": case, "impl": impl, "tf": tf.version.VERSION, "unit": unit,
      "wall_us": wall, "ops": sum(ops.values()) / float(steps),
      "op_us": total,
      "ops_by_part": dict((g, ops[g] / float(steps)) for g in groups),
      "us_by_part": dict((g, by_group[g] / float(steps)) for g in groups)},
                                 sort_keys=True))


def profile(case, impl, steps, top, source="queue"):
  if case == "prefetch":
    return profile_prefetch(impl, steps, top, source)
  with tf.Graph().as_default():
    if case == "tutorial":
      step = bench.tutorial_graph(impl)
    else:
      step = bench._pipeline_graph(impl, bench._files(bench.DEFAULT_DATA), 32,  # pylint: disable=protected-access
                                   20, source)
    with tf1.Session() as sess:
      sess.run([tf1.global_variables_initializer(),
                tf1.local_variables_initializer()])
      with bench.queue_runners(sess):
        measured = _measure(sess, step, 100, steps)
  _report(case, impl, steps, top,
          ("state saver", "model", "optimizer", "other"), "step", *measured)


def main(argv=None):
  p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  p.add_argument("--case", choices=["tutorial", "pipeline", "prefetch"],
                 default="tutorial")
  p.add_argument("--impl", choices=["contrib", "inhouse", "scheduled"],
                 default="scheduled")
  p.add_argument("--source", default="queue",
                 choices=["queue", "tfdata", "tfdata-batched"],
                 help="the pipeline case's input (bench.py --source)")
  p.add_argument("--steps", type=int, default=200)
  p.add_argument("--top", type=int, default=15)
  args = p.parse_args(argv)
  tf1.logging.set_verbosity(tf1.logging.ERROR)
  profile(args.case, args.impl, args.steps, args.top, args.source)


if __name__ == "__main__":
  main()
