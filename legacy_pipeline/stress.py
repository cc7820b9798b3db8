"""End-of-input stress runs: every segment delivered exactly once, no hang.

One *run* pushes a few sequences through ``batch_sequences_with_states`` for
one epoch (``range_input_producer`` -> the saver's queue-runner threads), and a
single consumer takes and saves in one ``Session.run`` until
``OutOfRangeError``.  The run passes when the delivered ``(sequence,
segment)`` pairs are exactly the expected ones (with ``allow_small_batch=True``;
with ``False`` only the tail of fewer than ``batch_size`` sequences may be
missing), each once, in order, with the exact state chain, and no
``Session.run`` exceeded its timeout.  Each scenario names its store
(``store``: "barrier" or "scheduled"); ``--store both`` (the default) runs
every scenario through each store in turn.

The race this guards against needs CPU contention (an idle machine hides
it), so ``busy_processes`` starts CPU-bound processes beside the runs.

Used by tests/test_end_of_input.py (a short version in the suite) and by
``python -m legacy_pipeline.stress`` / benchmarks/stress.py (>= 2,000 runs).
"""
from __future__ import absolute_import, division, print_function

import argparse
import contextlib
import math
import multiprocessing
import random
import sys
import time

import numpy as np

from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.saver.batching import batch_sequences_with_states
from legacy_pipeline.saver.runners import queue_runners

RUN_TIMEOUT_MS = 20000

# The scenario first seen losing a segment (issue 12), then its neighbours.
FIRST_SEEN = dict(lengths=[16, 8], num_unroll=8, batch_size=4, capacity=4,
                  num_threads=1, pad=False, allow_small_batch=True)


def _spin(deadline):
  x = 0
  while time.time() < deadline:
    x += 1


@contextlib.contextmanager
def busy_processes(count, seconds):
  """Runs `count` CPU-bound processes for at most `seconds` (or until exit).

  A context manager: the processes start on entry and are terminated (and
  joined for up to 5 s each) on exit.

  Args:
    count: number of spinning processes (spawned, daemonic).
    seconds: how long each spins at most.
  """
  ctx = multiprocessing.get_context("spawn")
  procs = [ctx.Process(target=_spin, args=(time.time() + seconds,))
           for _ in range(count)]
  for p in procs:
    p.daemon = True
    p.start()
  try:
    yield
  finally:
    for p in procs:
      p.terminate()
    for p in procs:
      p.join(5)


def scenario(rng):
  """A neighbour of FIRST_SEEN drawn from `rng` (a random.Random); its store
  is the default (the Barrier store) until stress() sets one."""
  num_unroll = rng.randint(1, 8)
  batch_size = rng.randint(1, 4)
  pad = rng.random() < 0.5
  lengths = [rng.randint(1, 3 * num_unroll) for _ in range(rng.randint(1, 5))]
  if not pad:
    lengths = [int(math.ceil(n / float(num_unroll))) * num_unroll
               for n in lengths]
  return dict(lengths=lengths, num_unroll=num_unroll, batch_size=batch_size,
              capacity=batch_size + rng.randint(0, 2),
              num_threads=rng.randint(1, 4), pad=pad,
              allow_small_batch=rng.random() < 0.75)


class Pipeline(object):
  """The graph of one scenario, built once; each run() uses a fresh session.

  A new Session on the same graph gets fresh queues, barrier and tables, so
  repeated runs cost a session, not a graph build.

  Args:
    lengths: list of sequence lengths; sequence i holds i * 1000 + step.
    num_unroll: steps per segment.
    batch_size: segments per batch.
    capacity: batch_sequences_with_states's capacity.
    num_threads: its prefetch threads.
    pad: pad the sequences (else they are given as multiples of num_unroll
      and the lengths are passed as input_length).
    allow_small_batch: allow a final partial batch.
    store: the state saver's store (``"barrier"``, ``"scheduled"``...).
  """

  def __init__(self, lengths, num_unroll, batch_size, capacity, num_threads,
               pad, allow_small_batch, store="barrier"):
    self.batch_size = batch_size
    self.allow_small_batch = allow_small_batch
    n = len(lengths)
    table = np.zeros([n, max(lengths)], np.float32)
    for i, length in enumerate(lengths):
      table[i, :length] = i * 1000 + np.arange(length)
    self.graph = tf.Graph()
    with self.graph.as_default():
      index = tf1.train.range_input_producer(
          n, num_epochs=1, shuffle=False).dequeue()
      length = tf.gather(tf.constant(lengths, tf.int32), index)
      x = tf.gather(tf.constant(table), index)[:length]
      key = tf.strings.join(["seq", tf.strings.as_string(index)])
      batch = batch_sequences_with_states(
          input_key=key, input_sequences={"x": x}, input_context={},
          input_length=None if pad else length,
          initial_states={"step": np.int32(0), "prev": np.float32(-1)},
          num_unroll=num_unroll, batch_size=batch_size,
          num_threads=num_threads, capacity=capacity,
          allow_small_batch=allow_small_batch, pad=pad, store=store)
      assert batch.state_saver.store == store
      saves = tf.group(
          batch.save_state("step", batch.state("step") + 1),
          batch.save_state("prev", batch.sequences["x"][:, 0]))
      self.fetches = {"key": batch.key, "sequence": batch.sequence,
                      "count": batch.sequence_count, "length": batch.length,
                      "x": batch.sequences["x"], "step": batch.state("step"),
                      "prev": batch.state("prev"), "save": saves}
      self.init = tf1.local_variables_initializer()

  def run(self):
    """One epoch; returns the delivered rows (dicts), in delivery order."""
    rows = []
    options = tf1.RunOptions(timeout_in_ms=RUN_TIMEOUT_MS)
    with tf1.Session(graph=self.graph) as sess:
      sess.run(self.init)
      with queue_runners(sess):
        while True:
          try:
            out = sess.run(self.fetches, options=options)
          except tf.errors.OutOfRangeError:
            break
          size = len(out["key"])
          if not 1 <= size <= self.batch_size or (
              not self.allow_small_batch and size != self.batch_size):
            raise AssertionError("batch of %d rows (batch_size %d, "
                                 "allow_small_batch %s)" %
                                 (size, self.batch_size,
                                  self.allow_small_batch))
          for r in range(size):
            rows.append(dict((k, out[k][r]) for k in self.fetches
                             if k != "save"))
    return rows


_PIPELINES = {}


def deliver(**s):
  """Runs scenario `s` once (its graph cached); returns the rows."""
  key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                     for k, v in s.items()))
  if key not in _PIPELINES:
    _PIPELINES[key] = Pipeline(**s)
  return _PIPELINES[key].run()


def problems(s, rows):
  """What is wrong with `rows` delivered for scenario `s` (list of str).

  Args:
    s: the scenario dict (lengths, num_unroll, batch_size,
      allow_small_batch...).
    rows: the rows ``deliver(**s)`` returned.

  Returns:
    A list of problem descriptions; empty when the delivery was right.
  """
  u = s["num_unroll"]
  counts = [int(math.ceil(n / float(u))) for n in s["lengths"]]
  expected = set((i, k) for i, c in enumerate(counts) for k in range(c))
  found, seen = [], []
  for row in rows:
    prefix, name = row["key"].decode().split(":", 1)
    i, k = int(name[len("seq"):]), int(row["sequence"])
    seen.append((i, k))
    valid = min(u, s["lengths"][i] - k * u)
    want = np.zeros([u], np.float32)
    want[:valid] = i * 1000 + k * u + np.arange(valid)
    prev = -1 if k == 0 else i * 1000 + (k - 1) * u
    if (prefix != "%05d_of_%05d" % (k, counts[i]) or row["length"] != valid
        or row["count"] != counts[i] or not np.array_equal(row["x"], want)
        or row["step"] != k or row["prev"] != prev):
      found.append("wrong row for (%d, %d): %r" % (i, k, row))
  if len(seen) != len(set(seen)):
    found.append("delivered twice: %r" % sorted(
        p for p in set(seen) if seen.count(p) > 1))
  by_seq = {}
  for i, k in seen:
    by_seq.setdefault(i, []).append(k)
  for i, ks in sorted(by_seq.items()):
    if ks != list(range(len(ks))):
      found.append("sequence %d out of order or with gaps: %r" % (i, ks))
  missing = expected - set(seen)
  if s["allow_small_batch"]:
    if missing:
      found.append("lost: %r" % sorted(missing))
  elif len(set(i for i, _ in missing)) >= s["batch_size"]:
    found.append("lost more than a final partial batch: %r" % sorted(missing))
  return found


def run_one(s):
  """(ok, message) for one run of scenario `s`."""
  try:
    rows = deliver(**s)
  except tf.errors.DeadlineExceededError as e:
    return False, "hung (run timed out): %s" % e.message.splitlines()[0]
  except Exception as e:  # pylint: disable=broad-except
    return False, "%s: %s" % (type(e).__name__, str(e).splitlines()[0])
  found = problems(s, rows)
  return not found, "; ".join(found)


def stress(runs, seed=0, first_seen_share=0.5, neighbours=40, report=None,
           stores=("barrier",)):
  """Runs `runs` scenarios: FIRST_SEEN, or one of `neighbours` others; run r
  uses store ``stores[r % len(stores)]``.

  Args:
    runs: number of runs.
    seed: seed of the scenario choices.
    first_seen_share: probability of running FIRST_SEEN.
    neighbours: number of random neighbour scenarios drawn.
    report: optional callable(str) told of failures and every 250 runs.
    stores: the stores to cycle through.

  Returns:
    (passed, failures): failures is a list of (scenario, message).
  """
  rng = random.Random(seed)
  pool = [scenario(rng) for _ in range(neighbours)]
  passed, failures = 0, []
  for r in range(runs):
    s = dict(FIRST_SEEN) if rng.random() < first_seen_share else dict(
        rng.choice(pool))
    s["store"] = stores[r % len(stores)]
    ok, message = run_one(s)
    if ok:
      passed += 1
    else:
      failures.append((s, message))
      if report:
        report("run %d failed: %s %s" % (r, s, message))
    if report and (r + 1) % 250 == 0:
      report("%d runs, %d failed" % (r + 1, len(failures)))
  return passed, failures


def main(argv=None):
  parser = argparse.ArgumentParser(
      prog="python -m legacy_pipeline.stress",
      description="End-of-input stress runs of the state saver under CPU "
                  "load; prints 'stress: N passed, M failed'.")
  parser.add_argument("--runs", type=int, default=2000)
  parser.add_argument("--seed", type=int, default=0)
  parser.add_argument("--busy", type=int, default=2,
                      help="CPU-bound processes beside the runs")
  parser.add_argument("--store", choices=["barrier", "scheduled", "both"],
                      default="both",
                      help="the store under test; 'both' alternates them")
  args = parser.parse_args(argv)
  tf1.logging.set_verbosity(tf1.logging.ERROR)
  start = time.time()

  def report(line):
    print(line, flush=True)

  with busy_processes(args.busy, 24 * 3600):
    stores = (("barrier", "scheduled") if args.store == "both" else
              (args.store,))
    passed, failures = stress(args.runs, args.seed, report=report,
                              stores=stores)
  print("TF %s, %d busy processes, stores %s, %.0f s" % (
      tf.version.VERSION, args.busy, "+".join(stores), time.time() - start))
  print("stress: %d passed, %d failed" % (passed, len(failures)))
  return 1 if failures else 0


if __name__ == "__main__":
  sys.exit(main())
