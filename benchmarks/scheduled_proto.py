"""Issue 16 design prototype: a state saver that schedules segments ahead.

NOT the library's store (that is issue 16's deliverable, unfinished): a
measurement tool for the idea the issue proposes, built from the same graph
ops the library would use, so its two claims can be checked before the real
store is written:

1. contrib's batches are fixed by the reading order and the segment counts:
   an example starts in the first batch with a free row (the *frontier*) and
   takes one row in each of its next ``n`` batches, after the rows of every
   older example there; the row order is the insertion order.  So each
   segment's place in the batch stream -- batch ``t``, row ``r``, priority
   ``t * batch_size + r`` -- is known when its example is read.  The prefetch
   (one CriticalSection per example) assigns the places and pushes all the
   example's segments into a PriorityQueue at once, then one token per batch
   it completed; a take is one token dequeue and one ``dequeue_many``.
2. only the state handoff waits for the consumer: each segment carries the
   row its example had in the previous batch, ``state()`` gathers those rows
   from a per-state variable (or takes the initial state for segment 0) and
   ``save_state`` assigns the whole batch's rows, checking that the previous
   batch's state was saved first (never a silently stale state).

Limits of the prototype: dense sequences only, an int batch size, one
consumer thread, ``allow_small_batch=True`` end semantics (the partial
batches after the input ends), no capacity bound, no journal, watchdog or
failure reports.  ``python benchmarks/scheduled_proto.py --check`` compares
its batches with the real contrib's (TF 1.15) row for row;
``--case pipeline`` measures W1 like benchmarks/bench.py.
"""
from __future__ import absolute_import, division, print_function

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402

tf1 = tf.compat.v1
INT64_MIN = np.iinfo(np.int64).min


def _local(value, name, dtype=None, validate_shape=True):
  return tf1.Variable(value, dtype=dtype, trainable=False, name=name,
                      collections=[tf1.GraphKeys.LOCAL_VARIABLES],
                      use_resource=True, validate_shape=validate_shape)


class ScheduledBatch(object):
  """The NextQueuedSequenceBatch-like result of `build`.

  Rows continuing an example come first (they are older), then the k new
  examples of this batch; `carried(var)` gathers the continuing rows of a
  per-row variable by their previous row and appends the new rows' values.
  """

  def __init__(self, ints, base_key, seqs, firsts, carry, states, batch_size):
    self.batch_size = batch_size
    self.length = tf.cast(ints[:, 0], tf.int32)
    self.total_length = tf.cast(ints[:, 1], tf.int32)
    self.sequence = tf.cast(ints[:, 2], tf.int32)
    self.sequence_count = tf.cast(ints[:, 3], tf.int32)
    self._prev = tf.cast(ints[:, 4], tf.int32)
    self._batch_no = ints[0, 5]
    self.insertion_index = ints[:, 6]
    self._states = states
    n = tf.shape(ints)[0]
    self._n_old = n - tf.shape(firsts[0])[0] if firsts else n
    self._firsts = firsts
    width = dict(width=5, fill="0")
    count = tf.strings.as_string(self.sequence_count, **width)
    self.key = tf.strings.join([tf.strings.as_string(self.sequence, **width),
                                "_of_", count, ":", base_key])
    last = tf.equal(self.sequence + 1, self.sequence_count)
    self.next_key = tf1.where(
        last, tf.strings.join(["STOP:", base_key]),
        tf.strings.join([tf.strings.as_string(self.sequence + 1, **width),
                         "_of_", count, ":", base_key]))
    self.sequences = seqs
    self.context = carry

  def _carried(self, var, new_rows):
    old = tf.gather(var, self._prev[:self._n_old])
    return tf.concat([old, new_rows], 0)

  def state(self, name):
    var, saved, index = self._states[name]
    # The previous batch's state must have been saved before this batch
    # reads it: a consumer that skipped save_state gets an error, not a
    # stale state.
    ok = tf1.Assert(
        tf.logical_or(tf.equal(saved, self._batch_no - 1),
                      tf.equal(self._n_old, 0)),
        ["state saver: save_state(%r) was not run for the batch before "
         "batch" % name, self._batch_no], name="CheckStateSaved_%s" % name)
    with tf.control_dependencies([ok]):
      return self._carried(var, self._firsts[index])

  def save_state(self, name, value):
    var, saved, _ = self._states[name]
    assign = tf1.assign(var, value, validate_shape=False)
    with tf.control_dependencies([assign]):
      return tf1.assign(saved, self._batch_no)


def build(key, sequences, context, length, initial_states, num_unroll,
          batch_size, num_threads=1, capacity=None, name="scheduled"):
  """The prefetch, runner and take of the prototype (see the module doc).

  Only the segments' priorities, one packed int64 vector, the base key and
  the sequences go through the PriorityQueue; an example's context and
  initial states go once through a FIFO in insertion order (new examples
  enter a batch in that order, after the continuing ones), and the take
  carries contexts from batch to batch like states.  `capacity` bounds the
  examples in flight (a token FIFO, as contrib's).
  """
  B, u = batch_size, num_unroll
  with tf1.variable_scope(name):
    room = None if capacity is None else tf1.FIFOQueue(
        capacity, [tf.int32], shapes=[[]], name="capacity")
    occ = _local(tf.zeros([8], tf.int32), "occupancy", validate_shape=False)
    base = _local(0, "base", tf.int64)
    next_index = _local(INT64_MIN, "next_index", tf.int64)
    section = tf.CriticalSection(name="schedule")
    seq_names = sorted(sequences)
    ctx_names = sorted(context)
    st_names = sorted(initial_states)
    inits = {k: tf.convert_to_tensor(initial_states[k]) for k in st_names}
    firsts_vals = [context[k] for k in ctx_names] + [inits[k]
                                                     for k in st_names]
    firsts = None if not firsts_vals else tf1.FIFOQueue(
        2 ** 30, [v.dtype for v in firsts_vals],
        shapes=[v.get_shape() for v in firsts_vals], name="firsts")
    pq = tf1.PriorityQueue(
        capacity=2 ** 30,
        types=[tf.string, tf.int64] + [sequences[k].dtype for k in seq_names],
        shapes=[[], [7]] + [[u] + sequences[k].get_shape().as_list()[1:]
                            for k in seq_names], name="segments")
    tokens = tf1.FIFOQueue(2 ** 30, [tf.int32], shapes=[[]], name="tokens")

    # -- one example: its segments --------------------------------------------
    length = tf.cast(length, tf.int32)
    count = tf.math.floordiv(length + u - 1, u)
    steps = tf.range(count)
    split = []
    for k in seq_names:
      v = sequences[k]
      inner = v.get_shape().as_list()[1:]
      pad = count * u - tf.shape(v)[0]
      v = tf.pad(v, [[0, pad]] + [[0, 0]] * len(inner))
      split.append(tf.reshape(v, [count, u] + inner))
    per_seg = tf.stack([tf.minimum(u, tf.maximum(0, length - u * steps)),
                        steps], 1)

    def schedule():
      """Places the example; returns the number of batches it completed."""
      b = base.read_value()
      cur = occ.read_value()
      index = next_index.read_value()
      grow = tf.maximum(0, count + 1 - tf.shape(cur)[0])
      cur = tf.concat([cur, tf.zeros([grow], tf.int32)], 0)
      rows = cur[:count]
      cur = cur + tf.pad(tf.ones([count], tf.int32),
                         [[0, tf.shape(cur)[0] - count]])
      # occupancy never increases along the batches, so the full ones are
      # exactly the leading ones.
      done = tf.reduce_sum(tf.cast(tf.equal(cur, B), tf.int32))
      cur = tf.concat([cur[done:], tf.zeros([done], tf.int32)], 0)
      # Every read above precedes the writes below (a read and a write of
      # one variable in one run are otherwise unordered).
      with tf.control_dependencies([rows, index, b]):
        updates = [tf1.assign(occ, cur, validate_shape=False),
                   tf1.assign_add(base, tf.cast(done, tf.int64)),
                   tf1.assign_add(next_index, 1)]
      batch_nos = b + tf.cast(steps, tf.int64)
      ints = tf.concat([
          tf.cast(per_seg[:, :1], tf.int64),
          tf.fill([count, 1], tf.cast(length, tf.int64)),
          tf.cast(per_seg[:, 1:], tf.int64),
          tf.fill([count, 1], tf.cast(count, tf.int64)),
          tf.cast(tf.expand_dims(tf.concat([[-1], rows[:-1]], 0), 1),
                  tf.int64),
          tf.expand_dims(batch_nos, 1), tf.fill([count, 1], index)], 1)
      enq = [pq.enqueue_many([batch_nos * B + tf.cast(rows, tf.int64),
                              tf.fill([count], key), ints] + split)]
      if firsts is not None:
        enq.append(firsts.enqueue(firsts_vals))
      with tf.control_dependencies(enq + updates):
        tok = tokens.enqueue_many([tf.fill([done], B)])
      with tf.control_dependencies([tok]):
        return tf.identity(done)

    admit = [] if room is None else [room.enqueue(0)]
    with tf.control_dependencies(admit):
      prefetch = section.execute(schedule, name="prefetch")

    def flush():
      """End of input: the partial batches left, then close the tokens."""
      cur = occ.read_value()
      sizes = tf.boolean_mask(cur, cur > 0)
      tok = tokens.enqueue_many([sizes])
      with tf.control_dependencies([tok]):
        return tf.identity(tf.size(sizes))

    with tf.control_dependencies([section.execute(flush, name="flush")]):
      end = tokens.close()
    runner = tf1.train.QueueRunner(tokens, [prefetch] * num_threads,
                                   close_op=end,
                                   cancel_op=tokens.close(True))
    tf1.train.add_queue_runner(runner)

    # -- the take ---------------------------------------------------------------
    n = tokens.dequeue()
    out = pq.dequeue_many(n)
    ints = out[2]
    new = tf.reduce_sum(tf.cast(tf.equal(ints[:, 2], 0), tf.int32))
    first_vals = [] if firsts is None else firsts.dequeue_many(new)
    if firsts is not None and len(firsts_vals) == 1:
      first_vals = [first_vals]
    if room is not None:
      stops = tf.reduce_sum(tf.cast(tf.equal(ints[:, 2] + 1, ints[:, 3]),
                                    tf.int32))
      with tf.control_dependencies([room.dequeue_many(stops)]):
        ints = tf.identity(ints)
    seqs = dict(zip(seq_names, out[3:]))
    batch = ScheduledBatch(ints, out[1], seqs, list(first_vals), {}, {}, B)
    # Contexts are carried by the take itself, states by save_state.
    carry = {}
    for i, k in enumerate(ctx_names):
      shape = context[k].get_shape().as_list()
      var = _local(tf.zeros([B] + shape, context[k].dtype), "context_" + k,
                   validate_shape=False)
      value = batch._carried(var, first_vals[i])  # pylint: disable=protected-access
      with tf.control_dependencies([tf1.assign(var, value,
                                               validate_shape=False)]):
        carry[k] = tf.identity(value)
    batch.context = carry
    for i, k in enumerate(st_names):
      shape = inits[k].get_shape().as_list()
      var = _local(tf.zeros([B] + shape, inits[k].dtype), "state_" + k,
                   validate_shape=False)
      batch._states[k] = (var, _local(-1, "saved_" + k, tf.int64),  # pylint: disable=protected-access
                          len(ctx_names) + i)
    return batch


def batch_sequences_with_states(input_key, input_sequences, input_context,
                                input_length, initial_states, num_unroll,
                                batch_size, num_threads=3, capacity=1000,
                                allow_small_batch=False, pad=True,
                                make_keys_unique=False,
                                make_keys_unique_seed=None, name=None):
  """contrib's signature over `build` (for benchmarks/bench.py)."""
  del allow_small_batch, pad
  key = input_key
  if make_keys_unique:
    from legacy_pipeline.saver.state_saver import with_unique_suffix  # pylint: disable=g-import-not-at-top
    key = with_unique_suffix(key, make_keys_unique_seed)
  return build(key, input_sequences, input_context, input_length,
               initial_states, num_unroll, batch_size, num_threads=num_threads,
               capacity=capacity, name=name or "scheduled")


# -- --check: row for row against the real contrib (TF 1.15) -----------------


def _toy_input(lengths, depth=3):
  q = tf1.FIFOQueue(len(lengths), [tf.string, tf.int32, tf.float32],
                    shapes=[[], [], [max(lengths), depth]])
  data = np.arange(len(lengths) * max(lengths) * depth, dtype=np.float32)
  data = data.reshape(len(lengths), max(lengths), depth)
  enq = q.enqueue_many(([b"k%04d" % i for i in range(len(lengths))],
                        lengths, data))
  key, length, seq = q.dequeue()
  return enq, q.close(), key, length, seq[:length]


def _run(make, lengths, num_unroll, batch_size, steps=100000):
  with tf.Graph().as_default():
    enq, close, key, length, seq = _toy_input(lengths)
    ctx = {"c": tf.stack([tf.cast(length, tf.float32) * 2.0])}
    batch = make(key, {"x": seq}, ctx, length, {"s": tf.zeros([2])},
                 num_unroll, batch_size)
    state = batch.state("s")
    save = batch.save_state("s", state + tf.cast(
        tf.expand_dims(batch.length, 1), tf.float32))
    fetch = [batch.key, batch.next_key, batch.length, batch.total_length,
             batch.sequence, batch.sequence_count, batch.insertion_index,
             batch.sequences["x"], batch.context["c"], state]
    out = []
    with tf1.Session() as sess:
      sess.run(tf1.local_variables_initializer())
      sess.run(enq)
      sess.run(close)
      coord = tf1.train.Coordinator()
      threads = tf1.train.start_queue_runners(sess, coord)
      try:
        for _ in range(steps):
          vals = sess.run(fetch + [save], options=tf1.RunOptions(
              timeout_in_ms=5000))[:-1]
          out.append([v.tolist() if hasattr(v, "tolist") else v
                      for v in vals])
      except tf.errors.OutOfRangeError:
        pass
      except tf.errors.DeadlineExceededError:
        out.append("TIMEOUT")
      coord.request_stop()
      try:
        coord.join(threads, stop_grace_period_secs=5)
      except RuntimeError:  # contrib's runner stuck in its end-of-input hang
        pass
  return out


def check(seed, n, num_unroll, batch_size):
  """Both stores on the same random lengths.

  Returns:
    (batches compared, equal, whether contrib hung at the end of input).
  """
  from tensorflow.contrib.training import batch_sequences_with_states  # pylint: disable=g-import-not-at-top
  rng = np.random.RandomState(seed)
  lengths = rng.randint(1, 6 * num_unroll, size=n).tolist()

  def contrib(key, seqs, ctx, length, init, u, b):
    return batch_sequences_with_states(key, seqs, ctx, length, init,
                                       num_unroll=u, batch_size=b,
                                       num_threads=1, capacity=max(n + 1, b),
                                       allow_small_batch=True)

  def ours(key, seqs, ctx, length, init, u, b):
    return build(key, seqs, ctx, length, init, u, b)

  want = _run(contrib, lengths, num_unroll, batch_size)
  got = _run(ours, lengths, num_unroll, batch_size)
  hung = bool(want) and want[-1] == "TIMEOUT"
  if hung:
    # contrib's end-of-input hang with allow_small_batch=True (SPEC): compare
    # every batch it did deliver.
    want = want[:-1]
    return len(want), got[:len(want)] == want and len(got) >= len(want), hung
  return len(want), got == want, hung


def main(argv=None):
  p = argparse.ArgumentParser()
  p.add_argument("--check", action="store_true")
  p.add_argument("--trials", type=int, default=20)
  p.add_argument("--first", type=int, default=0)
  args = p.parse_args(argv)
  if args.check:
    results = []
    for trial in range(args.first, args.first + args.trials):
      rng = np.random.RandomState(trial)
      u, b = int(rng.randint(1, 6)), int(rng.randint(1, 9))
      batches, equal, hung = check(trial, int(rng.randint(1, 60)), u, b)
      results.append({"trial": trial, "num_unroll": u, "batch": b,
                      "batches": batches, "equal": equal,
                      "contrib_hung_at_end": hung})
      print(json.dumps(results[-1]))
      sys.stdout.flush()
    print(json.dumps({"check": results,
                      "all_equal": all(r["equal"] for r in results)}))


if __name__ == "__main__":
  main()
