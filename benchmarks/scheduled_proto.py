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


class ScheduledBatch(object):
  """The NextQueuedSequenceBatch-like result of `build`."""

  def __init__(self, fields, states, init_states, batch_size):
    self._f = fields
    self._states = states  # name -> (variable, saved-batch counter)
    self._init = init_states
    self.batch_size = batch_size
    self.key = fields["key"]
    self.next_key = fields["next_key"]
    self.length = fields["length"]
    self.total_length = fields["total_length"]
    self.sequence = fields["sequence"]
    self.sequence_count = fields["sequence_count"]
    self.insertion_index = fields["insertion_index"]
    self.sequences = {k[4:]: v for k, v in fields.items()
                      if k.startswith("seq/")}
    self.context = {k[4:]: v for k, v in fields.items()
                    if k.startswith("ctx/")}

  def state(self, name):
    var, saved = self._states[name]
    # The previous batch's state must have been saved before this batch
    # reads it: a consumer that skipped save_state gets an error, not a
    # stale state.
    batch_no = self._f["batch_no"][0]
    ok = tf1.Assert(
        tf.logical_or(tf.equal(saved, batch_no - 1),
                      tf.reduce_all(tf.equal(self.sequence, 0))),
        ["state saver: save_state(%r) was not run for the batch before "
         "batch" % name, batch_no], name="CheckStateSaved_%s" % name)
    with tf.control_dependencies([ok]):
      prev = tf.maximum(self._f["prev_row"], 0)
      carried = tf.gather(var, prev)
    first = tf.equal(self.sequence, 0)
    init = self._f["init/" + name]
    rank = init.get_shape().ndims
    mask = tf.reshape(first, [-1] + [1] * (rank - 1))
    return tf1.where(tf.broadcast_to(mask, tf.shape(init)), init, carried)

  def save_state(self, name, value):
    var, saved = self._states[name]
    assign = tf1.assign(var, value, validate_shape=False)
    with tf.control_dependencies([assign]):
      return tf1.assign(saved, self._f["batch_no"][0])


def build(key, sequences, context, length, initial_states, num_unroll,
          batch_size, num_threads=1, capacity=None, name="scheduled"):
  """The prefetch, runner and take of the prototype (see the module doc).

  `capacity` bounds the examples in flight (a token FIFO, as contrib's).
  """
  B, u = batch_size, num_unroll
  with tf1.variable_scope(name):
    room = None if capacity is None else tf1.FIFOQueue(
        capacity, [tf.int32], shapes=[[]], name="capacity")
    occ = tf1.Variable(tf.zeros([8], tf.int32), validate_shape=False,
                       trainable=False, name="occupancy",
                       collections=[tf1.GraphKeys.LOCAL_VARIABLES],
                       use_resource=True)
    base = tf1.Variable(0, dtype=tf.int64, trainable=False, name="base",
                        collections=[tf1.GraphKeys.LOCAL_VARIABLES],
                       use_resource=True)
    next_index = tf1.Variable(INT64_MIN, dtype=tf.int64, trainable=False,
                              name="next_index",
                              collections=[tf1.GraphKeys.LOCAL_VARIABLES],
                       use_resource=True)
    section = tf.CriticalSection(name="schedule")
    seq_names = sorted(sequences)
    ctx_names = sorted(context)
    st_names = sorted(initial_states)
    comps = ([("key", tf.string, []), ("next_key", tf.string, []),
              ("meta", tf.int32, [4]), ("prev_row", tf.int32, []),
              ("insertion_index", tf.int64, []), ("batch_no", tf.int64, [])] +
             [("seq/" + k, sequences[k].dtype,
               [u] + sequences[k].get_shape().as_list()[1:])
              for k in seq_names] +
             [("ctx/" + k, context[k].dtype, context[k].get_shape().as_list())
              for k in ctx_names] +
             [("init/" + k, tf.as_dtype(np.asarray(initial_states[k]).dtype)
               if not isinstance(initial_states[k], tf.Tensor)
               else initial_states[k].dtype,
               list(np.shape(initial_states[k])) if not isinstance(
                   initial_states[k], tf.Tensor) else
               initial_states[k].get_shape().as_list()) for k in st_names])
    pq = tf1.PriorityQueue(capacity=2 ** 30, types=[c[1] for c in comps],
                           shapes=[c[2] for c in comps], name="segments")
    tokens = tf1.FIFOQueue(2 ** 30, [tf.int32], shapes=[[]], name="tokens")

    # -- one example: its segments --------------------------------------------
    length = tf.cast(length, tf.int32)
    count = tf.math.floordiv(length + u - 1, u)
    steps = tf.range(count)
    keys = tf.strings.join([tf.strings.as_string(steps, width=5, fill="0"),
                            "_of_", tf.strings.as_string(count, width=5,
                                                         fill="0"), ":", key])
    next_keys = tf.concat([keys[1:], [tf.strings.join(["STOP:", key])]], 0)
    ones = tf.ones([count], tf.int32)
    lengths = tf.minimum(u, tf.maximum(0, length - u * steps))
    meta = tf.stack([lengths, length * ones, steps, count * ones], 1)
    split = {}
    for k in seq_names:
      v = sequences[k]
      inner = v.get_shape().as_list()[1:]
      pad = count * u - tf.shape(v)[0]
      v = tf.pad(v, [[0, pad]] + [[0, 0]] * len(inner))
      split[k] = tf.reshape(v, [count, u] + inner)
    tiled = {k: tf.tile(tf.expand_dims(context[k], 0),
                        [count] + [1] * context[k].get_shape().ndims)
             for k in ctx_names}
    inits = {}
    for k in st_names:
      v = tf.convert_to_tensor(initial_states[k])
      inits[k] = tf.tile(tf.expand_dims(v, 0),
                         [count] + [1] * v.get_shape().ndims)

    def schedule():
      """Places the example; returns (rows, first batch, index, #completed)."""
      b = base.read_value()
      cur = occ.read_value()
      frontier = b  # the frontier is kept at base (compacted below)
      need = count + 1
      grow = tf.maximum(0, need - tf.shape(cur)[0])
      cur = tf.concat([cur, tf.zeros([grow], tf.int32)], 0)
      rows = cur[:count]
      cur = cur + tf.pad(tf.ones([count], tf.int32), [[0, tf.shape(cur)[0] -
                                                        count]])
      full = tf.cast(tf.equal(cur, B), tf.int32)
      done = tf.reduce_sum(tf.math.cumprod(full))  # leading full batches
      cur = tf.concat([cur[done:], tf.zeros([done], tf.int32)], 0)
      index = tf.identity(next_index)
      with tf.control_dependencies([rows, index, b]):
        updates = [tf1.assign(occ, cur, validate_shape=False),
                   tf1.assign_add(base, tf.cast(done, tf.int64)),
                   tf1.assign_add(next_index, 1)]
      prev = tf.concat([[-1], rows[:-1]], 0)
      first_batch = frontier
      batch_nos = first_batch + tf.cast(steps, tf.int64)
      prio = batch_nos * B + tf.cast(rows, tf.int64)
      values = ([prio, keys, next_keys, meta, prev,
                 tf.fill([count], index), batch_nos] +
                [split[k] for k in seq_names] + [tiled[k] for k in ctx_names] +
                [inits[k] for k in st_names])
      enq = pq.enqueue_many(values)
      with tf.control_dependencies([enq] + updates):
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
    if room is not None:
      stops = tf.reduce_sum(tf.cast(tf.equal(out[3][:, 2] + 1, out[3][:, 3]),
                                    tf.int32))
      with tf.control_dependencies([room.dequeue_many(stops)]):
        out = [tf.identity(t) for t in out]
    fields = {"key": out[1], "next_key": out[2], "prev_row": out[4],
              "insertion_index": out[5], "batch_no": out[6]}
    fields.update(length=out[3][:, 0], total_length=out[3][:, 1],
                  sequence=out[3][:, 2], sequence_count=out[3][:, 3])
    for i, (nm, _, _) in enumerate(comps[6:]):
      fields[nm] = out[7 + i]
    states = {}
    for k in st_names:
      shape = fields["init/" + k].get_shape().as_list()[1:]
      var = tf1.Variable(tf.zeros([B] + shape, fields["init/" + k].dtype),
                         validate_shape=False, trainable=False,
                         name="state_" + k,
                         collections=[tf1.GraphKeys.LOCAL_VARIABLES],
                       use_resource=True)
      saved = tf1.Variable(-1, dtype=tf.int64, trainable=False,
                           name="saved_" + k,
                           collections=[tf1.GraphKeys.LOCAL_VARIABLES],
                       use_resource=True)
      states[k] = (var, saved)
    return ScheduledBatch(fields, states, inits, B)


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
    batch = make(key, {"x": seq}, {}, length, {"s": tf.zeros([2])},
                 num_unroll, batch_size)
    state = batch.state("s")
    save = batch.save_state("s", state + tf.cast(
        tf.expand_dims(batch.length, 1), tf.float32))
    fetch = [batch.key, batch.next_key, batch.length, batch.total_length,
             batch.sequence, batch.sequence_count, batch.insertion_index,
             batch.sequences["x"], state]
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
                                       num_threads=1, capacity=n + 1,
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
