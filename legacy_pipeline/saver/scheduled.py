"""The scheduled store: contrib's batches, placed when each example is read.

Why it can exist.  With one consumer that runs ``save_state`` in the step that
takes a batch, contrib's batches do not depend on the state values: a take
returns the examples of the previous batch that have segments left (their
next segments, oldest first), then the oldest examples not yet started, up to
``batch_size`` rows.  So an example starts in the first batch that still has
a free row (the *frontier*), holds one row in each of its next ``n`` batches
(``n`` = its segment count), and its row in batch ``t`` is the number of
older examples already in batch ``t``.  Every segment's place in the batch
stream -- batch ``t``, row ``r`` -- is therefore known when its example is
stored, and the segments can be batched ahead, off the consumer's step.

The data path (all TF graph ops; no Python in a step):

* prefetch (one run per example, under the admission lock; or one run per
  batch of examples, ``admission``): reads the *schedule* table (rows used
  per batch not yet complete, the first such batch, the examples admitted so
  far), places the example, and pushes its context and initial states into
  the *firsts* FIFO (insertion order).  Batches complete in order.  A run
  that completes none pushes the example's segments into a PriorityQueue
  keyed by ``t * batch_size + r``; one that completes batches (``_publish``,
  behind a Switch on that condition) dequeues their segments stored before,
  adds its own, orders them by place and enqueues each batch whole -- number,
  row count, each row's row in the batch before, the sequences -- into the
  *batches* FIFO; its other segments wait in the PriorityQueue.
* take: one element of *batches* (batch ``t``: every earlier batch is
  taken), the new rows' contexts and initial states from *firsts* (new rows
  are the last rows of a batch), and the continuing rows' contexts and states
  gathered from the previous batch by the row each segment recorded at
  placement.
* ``save_state`` stores the batch's whole state (padded to ``batch_size``
  rows) with its batch number in a one-slot carry queue; the next take's
  ``state()`` drains it and checks the batch number, so a state that was not
  saved for the batch before is an InvalidArgumentError naming the state,
  never a stale state.

What it needs from the consumer: a static, positive int ``batch_size`` (the
store is chosen only then, see ``stores.choose_store``), and ``save_state`` for every
state in the run that takes each batch whose rows continue (as contrib: a
segment waited for it there).  Several consumer threads are safe: a take
holds a lock (a TF Mutex, kept by ConsumeMutexLock ops) until its own step's
``save_state`` ops have run, so the next take sees the saved state; the
batches then go to the threads in turn, as contrib's handoff did.

End of input, close, cancel and failures (the same contract as the Barrier
store; see SequenceQueueingStateSaver):

* plain close, under the admission lock (no example is half stored): later
  prefetches are refused; with ``allow_small_batch`` the segments still
  waiting are grouped into short batches (zero rows after the last, their row
  counts recorded for ``ready_size``) and enqueued in order; then *batches*
  closes.  A take already waiting gets a partial batch or OutOfRangeError.
* cancelling close: blocked prefetches fail (their capacity token is
  cancelled) and later ones are refused, ``save_state`` fails with
  CancelledError, incomplete batches are discarded.  Complete batches still
  come out while their states are there (as the Barrier store's ready
  segments do): the batch after the last one saved before the cancel, or
  any batch without continuing rows; a state that would have needed a save
  after the cancel, or an empty *batches* queue, ends the take with
  OutOfRangeError.
* a failing prefetch (``report_failure_op``): the message is recorded, a
  wake element is queued, and every later take (and one waiting now) fails
  with InvalidArgumentError carrying it.
"""
from __future__ import absolute_import, division, print_function

import collections

from legacy_pipeline.saver import _checks
from legacy_pipeline.saver import controls
from legacy_pipeline.saver import stores
from legacy_pipeline._tf import locked, raw, tf, tf1

# Columns of the int64 [4] facts of an example (carried from batch to batch
# like its context): total length, segment count, insertion index, and the
# segment of the row (the first stored one for a new row).
_TOTAL, _COUNT, _INDEX, _STEP = range(4)
# Keys of the schedule table besides the batch numbers (which are >= 0).
_BASE_BATCH, _ADMITTED = -1, -2
# After a close, the row counts of the flushed (short) batches, by position
# from the end of the batches queue: the last one at _SHORT, the one before
# at _SHORT - 1, ...  (a whole batch has no entry).
_SHORT = -3
_INT64_MIN = -(2 ** 63)
# A token that wakes a waiting take after an input failure.
_WAKE = -1


class _ScheduleView(object):
  """What the ``barrier`` property offers for the scheduled store: its name
  and sizes (for summaries and the stall watchdog)."""

  def __init__(self, segments, batches, batch_size, schedule):
    self._segments = segments
    self._batches = batches
    self._batch_size = batch_size
    self._schedule = schedule

  @property
  def name(self):
    return self._segments.name.split("/")[-1]

  @property
  def queue_ref(self):
    """The handle of the queue holding the placed segments."""
    return self._segments.queue_ref

  def ready_size(self, name=None):
    """int32: segments stored and not taken: those of batches not yet
    complete, and the rows of every batch waiting in the batches queue."""
    waiting = self._batches.size()
    at = _SHORT - tf.range(tf.cast(waiting, tf.int64))
    rows = raw.LookupTableFindV2(
        table_handle=self._schedule, keys=at,
        default_value=tf.constant(self._batch_size, tf.int64))
    return tf.add(self._segments.size(),
                  tf.cast(tf.reduce_sum(rows), tf.int32), name=name)

  def incomplete_size(self, name=None):
    """int32: always 0 (no segment here waits for a state)."""
    return tf.zeros([], tf.int32, name=name)


class ScheduledStore(stores.Store):
  """The scheduled store (see the module docstring and stores.Store).

  Chosen by ``SequenceQueueingStateSaver(..., store="scheduled")`` (or
  "auto"); same API, batches and errors as the Barrier store, and
  ``admission`` (several examples per run) besides.
  """

  kind = "scheduled"
  admits_batches = True

  def __init__(self, settings, controls_):
    """See stores.Store.

    Args:
      settings: the saver's settings (as in stores.Store).
      controls_: the saver's shared controls (as in stores.Store).
    """
    super(ScheduledStore, self).__init__(settings, controls_)
    # The settings the data path reads, by their short names; batch_size is
    # a static int (stores.choose_store).
    self._batch_size = settings.batch_size
    self._num_unroll = settings.num_unroll
    self._capacity = settings.capacity
    self._allow_small_batch = settings.allow_small_batch
    self._key, self._length = settings.key, settings.length
    self._sequences = settings.sequences
    self._context = settings.context
    self._states = settings.states
    # Built by take, read by save.
    self._lock = self._rows_taken = self._batch_no = None

  # -- construction ---------------------------------------------------------

  def layout(self):
    """The queues, table and lock of the store (see the module docstring);
    returns its _ScheduleView."""
    # The Barrier store's two bookkeeping components come first, so an
    # empty component is named by the same index with either store.
    stores.reject_empty(stores.component_shapes(self._settings, [[4], []]))
    u = self._num_unroll
    self._seq_names = list(self._sequences)
    self._ctx_names = list(self._context)
    self._state_names = list(self._states)
    self._segments = tf1.PriorityQueue(
        capacity=stores.UNBOUNDED,
        types=[tf.int64] + [v.dtype for v in self._sequences.values()],
        shapes=[[]] + [[u] + v.get_shape().as_list()[1:]
                       for v in self._sequences.values()],
        name="scheduled_segments")
    # Whole batches ready to take: batch number, row count, each row's row
    # in the batch before, and the sequences, batch_size rows each (rows past
    # the count are zeros).  Only segments of batches not yet complete wait
    # in the segments queue.
    b = self._batch_size
    self._batch_specs = [(tf.int64, []), (tf.int32, []), (tf.int64, [b])] + [
        (v.dtype, [b, u] + v.get_shape().as_list()[1:])
        for v in self._sequences.values()]
    self._batches = tf1.FIFOQueue(
        stores.UNBOUNDED, [d for d, _ in self._batch_specs],
        shapes=[sh for _, sh in self._batch_specs], name="scheduled_batches")
    # What a new row brings: its key, its facts, its context and initial
    # states (in insertion order, one element per example).
    firsts = ([tf.string, tf.int64] + [v.dtype for v in
                                       self._context.values()] +
              [v.dtype for v in self._states.values()])
    self._firsts = tf1.FIFOQueue(
        stores.UNBOUNDED, firsts,
        shapes=[[], [4]] + [v.get_shape() for v in self._context.values()] +
        [v.get_shape() for v in self._states.values()], name="firsts")
    self._schedule = raw.MutableHashTableV2(
        key_dtype=tf.int64, value_dtype=tf.int64, name="schedule")
    # One-slot carry queues, each element (batch number, values padded to
    # batch_size rows): "example" carries key, facts and contexts (stored by
    # the take), ("state", name) each state (stored by its save_state).
    b = self._batch_size
    self._carry = collections.OrderedDict()
    example = [(tf.string, []), (tf.int64, [4])] + [
        (v.dtype, v.get_shape().as_list()) for v in self._context.values()]
    self._carry["example"] = tf1.FIFOQueue(
        stores.UNBOUNDED, [tf.int64] + [d for d, _ in example],
        shapes=[[]] + [[b] + shape for _, shape in example],
        name="carry_example")
    for k, v in self._states.items():
      self._carry[("state", k)] = tf1.FIFOQueue(
          stores.UNBOUNDED, [tf.int64, v.dtype],
          shapes=[[], [b] + v.get_shape().as_list()],
          name="carry_state_%s" % k)
    graph = tf1.get_default_graph()
    shared = graph.unique_name("take_lock", mark_as_used=False)
    self._take_mutex = raw.MutexV2(shared_name=shared, name="take_lock")
    self._view = _ScheduleView(self._segments, self._batches,
                               self._batch_size, self._schedule)
    return self._view

  def stats(self):
    """As SequenceQueueingStateSaver.stats; ``ready`` counts the segments
    placed and not taken, ``incomplete`` is 0 (none waits for a state)."""
    return collections.OrderedDict([
        ("ready", self._view.ready_size()),
        ("incomplete", tf.zeros([], tf.int32)),
    ] + controls.in_flight_stats(self._controls))

  # -- prefetch ---------------------------------------------------------------

  def prefetch(self, start_segment):
    """One example: checks, schedule, firsts, segments, whole batches."""
    count, steps, stored = stores.segments_to_store(self._settings,
                                                    start_segment)
    u = self._num_unroll
    split = []
    for k, v in self._sequences.items():
      shape = v.get_shape().as_list()[1:]
      cut = tf.reshape(v, stores.dims([count, u], shape),
                       name="reshape_sequences_%s" % k)
      if start_segment is not None:
        cut = cut[start_segment:]
      split.append(cut)
    stop_key = tf.strings.join(["STOP:", self._key], name="StringJoinStop")
    facts = tf.cast(tf.stack([self._length, count, 0, steps[0]]), tf.int64)

    def admit():
      # Refused after close (as the Barrier store: a one-element enqueue into
      # the closed end-of-input queue fails with CancelledError).
      refuse = controls.refuse_after_close(self._controls)
      register = controls.register_key(self._controls, self._key, stop_key,
                                       [refuse])
      with tf.control_dependencies([register]):
        token = self._controls.token_queue.enqueue(
            (tf.constant(stores.TOKEN),), name="EnqueueCapacityToken")
      with tf.control_dependencies([token]):
        head = self._schedule_head()
      first_batch = head[0]
      batch_nos = first_batch + tf.range(tf.cast(stored, tf.int64))
      rows = raw.LookupTableFindV2(table_handle=self._schedule,
                                   keys=batch_nos,
                                   default_value=tf.constant(0, tf.int64))
      used = rows + 1
      # Rows used never grow along the batches (every example covers a run
      # of batches from the frontier), so the batches this example fills are
      # the leading ones.
      done = tf.reduce_sum(tf.cast(tf.equal(used, self._batch_size),
                                   tf.int32))
      done64 = tf.cast(done, tf.int64)
      with tf.control_dependencies([rows, head]):
        update = [
            raw.LookupTableInsertV2(table_handle=self._schedule,
                                    keys=batch_nos[done:], values=used[done:]),
            raw.LookupTableRemoveV2(table_handle=self._schedule,
                                    keys=batch_nos[:done]),
            raw.LookupTableInsertV2(
                table_handle=self._schedule,
                keys=tf.constant([_BASE_BATCH, _ADMITTED], tf.int64),
                values=head + tf.stack([done64, 1]))]
      # A segment's priority is its place in the batch stream; its value is
      # the row its example had in the batch before (-1: a new row).
      priorities = batch_nos * self._batch_size + rows
      prev = tf.concat([[-1], rows[:-1]], 0)
      example = facts + tf.stack([0, 0, head[1] + _INT64_MIN, 0])
      inserts = [
          self._firsts.enqueue([self._key, example] +
                               list(self._context.values()) +
                               list(self._states.values()),
                               name="EnqueueFirsts")]
      with tf.control_dependencies(inserts + update):
        complete = self._publish(priorities, prev, split, first_batch, done,
                                 tf.reduce_sum(rows[:done]))
      with tf.control_dependencies([complete]):
        return tf.constant(True)

    admitted_ok = locked(self._controls.admission,
                         lambda: tf.identity(admit(), name="Admitted"))
    return tf.group(admitted_ok, name="StateSaverPrefetchGroup")

  def admission(self, examples, name=None):
    """Op placing several examples in one run (the batched entry point).

    Args:
      examples: list of tensors, each with a leading dimension ``k`` (the
        examples, in order): key (string), length (int32), padded length
        (int32, a multiple of num_unroll), start segment (int32), then the
        saver's sequences ([k, T, ...], T >= every padded length), context
        and initial states, each in name order.  Checked by the caller.
      name: name scope (default ``Admission``).

    Returns:
      The op; it takes ``k`` capacity tokens under the admission lock, so
      ``k`` must not exceed ``admit_limit`` (see admit_limit).
    """
    with tf1.name_scope(name, "Admission"):
      admitted = locked(self._controls.admission,
                        lambda: tf.identity(self._admit_many(examples),
                                            name="Admitted"))
      return tf.group(admitted, name="StateSaverAdmitGroup")

  @property
  def admit_limit(self):
    """The most examples one ``admission`` run may place (see admit_limit)."""
    return admit_limit(self._capacity, self._batch_size)

  def _admit_many(self, got):
    """Places the examples `got` (see admission); runs under the admission
    lock.  Returns a bool scalar computed after every insert."""
    ns, nc = len(self._sequences), len(self._context)
    keys, lengths, padded, starts = got[:4]
    seqs = got[4:4 + ns]
    ctx = got[4 + ns:4 + ns + nc]
    states = got[4 + ns + nc:]
    b, u = self._batch_size, self._num_unroll
    k = tf.shape(keys)[0]
    head, table_keys, table_used = self._admit_head(keys, k)
    first_batch = head[0]
    count = padded // u
    stored = tf.cast(count - starts, tf.int64)
    # Lane j is free from the first batch with at most j rows used (rows used
    # never grow along the batches); each example takes the earliest lane.
    lanes = first_batch + tf.reduce_sum(tf.cast(
        tf.expand_dims(table_used, 1) > tf.range(b, dtype=tf.int64), tf.int64),
        axis=0)
    first = _place(lanes, stored)
    ends = first + stored
    # Every stored segment: its example and its batch, in insertion order.
    width = tf.reduce_max(count)
    steps = tf.range(width)
    valid = tf.logical_and(steps >= tf.expand_dims(starts, 1),
                           steps < tf.expand_dims(count, 1))
    owner = tf.boolean_mask(
        tf.tile(tf.expand_dims(tf.range(k), 1), tf.stack([1, width])), valid)
    offset = tf.cast(tf.boolean_mask(
        steps - tf.expand_dims(starts, 1), valid), tf.int64)
    batch_nos = tf.gather(first, owner) + offset
    old_end = tf.reduce_max(tf.concat([[first_batch], table_keys + 1], 0))
    window = tf.maximum(tf.reduce_max(ends), old_end) - first_batch
    before = tf.scatter_nd(tf.expand_dims(table_keys - first_batch, 1),
                           table_used, tf.expand_dims(window, 0))
    # A segment's row: the rows used before this run in its batch, plus the
    # older examples of this run in that batch.
    older = tf.expand_dims(tf.range(k), 0) < tf.expand_dims(owner, 1)
    active = tf.logical_and(
        tf.expand_dims(first, 0) <= tf.expand_dims(batch_nos, 1),
        tf.expand_dims(batch_nos, 1) < tf.expand_dims(ends, 0))
    rows = tf.gather(before, batch_nos - first_batch) + tf.reduce_sum(
        tf.cast(tf.logical_and(older, active), tf.int64), axis=1)
    used = before + tf.math.unsorted_segment_sum(
        tf.ones_like(batch_nos), batch_nos - first_batch,
        tf.cast(window, tf.int32))
    done = tf.reduce_sum(tf.cast(tf.equal(used, b), tf.int32))
    done64 = tf.cast(done, tf.int64)
    numbers = first_batch + tf.range(window)
    with tf.control_dependencies([head, table_keys]):
      update = [
          raw.LookupTableRemoveV2(table_handle=self._schedule,
                                  keys=numbers[:done]),
          raw.LookupTableInsertV2(table_handle=self._schedule,
                                  keys=numbers[done:], values=used[done:]),
          raw.LookupTableInsertV2(
              table_handle=self._schedule,
              keys=tf.constant([_BASE_BATCH, _ADMITTED], tf.int64),
              values=head + tf.stack([done64, tf.cast(k, tf.int64)]))]
    prev = tf1.where(offset > 0, tf.concat([[-1], rows[:-1]], 0),
                     -tf.ones_like(rows))
    split = []
    for v in seqs:
      shape = v.get_shape().as_list()[2:]
      # Time may be padded past the longest example (a batch of a larger
      # element, or a padding queue): keep the first `width` segments.
      cut = tf.reshape(v, stores.dims([k, tf.shape(v)[1] // u, u], shape))
      split.append(tf.boolean_mask(cut[:, :width], valid))
    facts = tf.stack([tf.cast(lengths, tf.int64), tf.cast(count, tf.int64),
                      head[1] + _INT64_MIN + tf.range(tf.cast(k, tf.int64)),
                      tf.cast(starts, tf.int64)], axis=1)
    inserts = [
        self._firsts.enqueue_many([keys, facts] + list(ctx) + list(states),
                                  name="EnqueueFirsts")]
    with tf.control_dependencies(inserts + update):
      complete = self._publish(batch_nos * b + rows, prev, split, first_batch,
                               done, tf.reduce_sum(before[:done]))
    with tf.control_dependencies([complete]):
      return tf.constant(True)

  def _admit_head(self, keys, k):
    """The start of an admission run of `k` examples: refuses it after a
    close, registers the `keys` (string [k]), takes their capacity tokens,
    then reads the schedule.

    Returns:
      (head, table_keys, table_used): the _schedule_head, and the batch
      numbers of the schedule table with the rows used in each.
    """
    refuse = controls.refuse_after_close(self._controls)
    stop_keys = tf.strings.join(["STOP:", keys], name="StringJoinStop")
    register = self._register_keys(keys, stop_keys, [refuse])
    with tf.control_dependencies([register]):
      tokens = self._controls.token_queue.enqueue_many(
          (tf.fill(tf.expand_dims(k, 0), stores.TOKEN),),
          name="EnqueueCapacityTokens")
    with tf.control_dependencies([tokens]):
      head = self._schedule_head()
      table_keys, table_used = raw.LookupTableExportV2(
          table_handle=self._schedule, Tkeys=tf.int64, Tvalues=tf.int64)
    table_keys = tf.reshape(table_keys, [-1])
    table_used = tf.reshape(table_used, [-1])
    batch_entry = table_keys >= 0
    table_keys = tf.boolean_mask(table_keys, batch_entry)
    table_used = tf.boolean_mask(table_used, batch_entry)
    return head, table_keys, table_used

  def _publish(self, places, prev, split, first_batch, done, waiting):
    """Op storing new segments: those of the `done` batches they complete
    (from first_batch on) go out as whole batches, with the `waiting`
    segments of those batches stored before; the rest wait.

    Args:
      places: int64 [S], ``batch * batch_size + row`` of each new segment.
      prev: int64 [S], the row of each one's example in the batch before.
      split: the new segments of each sequence, [S, num_unroll, ...].
      first_batch: int64, the first batch not complete before this run.
      done: int32, batches completed by this run (from first_batch on).
      waiting: int64, segments of those batches stored by earlier runs.
    """
    pred = done > 0
    columns = [places, prev] + list(split)
    # No batch completed (most runs of one example): every segment waits,
    # and none of the publishing ops runs.
    wait_all = self._segments.enqueue_many(
        [raw.Switch(data=c, pred=pred)[0] for c in columns],
        name="EnqueueSegmentsOnly")
    live = [raw.Switch(data=t, pred=pred)[1]
            for t in columns + [first_batch, done, waiting]]
    published = self._publish_batches(live[0], live[1], live[2:-3],
                                      *live[-3:])
    pred_false, pred_true = raw.Switch(data=pred, pred=pred)
    with tf.control_dependencies([wait_all]):
      idle = tf.identity(pred_false)
    with tf.control_dependencies([published]):
      busy = tf.identity(pred_true)
    return raw.Merge(inputs=[idle, busy]).output

  def _publish_batches(self, places, prev, split, first_batch, done,
                       waiting):
    """_publish when `done` > 0."""
    b = self._batch_size
    now = places < (first_batch + tf.cast(done, tf.int64)) * b
    later = tf.logical_not(now)
    old = self._segments.dequeue_many(tf.cast(waiting, tf.int32),
                                      name="DequeueCompleted")
    columns = [places, prev] + list(split)
    merged = [tf.concat([o, tf.boolean_mask(c, now)], 0)
              for o, c in zip(old, columns)]
    order = tf.argsort(merged[0])
    whole = []
    for c in merged[1:]:
      rest = c.get_shape().as_list()[1:]
      whole.append(tf.reshape(tf.gather(c, order),
                              stores.dims([done, b], rest)))
    with tf.control_dependencies([old[0]]):
      wait = self._segments.enqueue_many(
          [tf.boolean_mask(c, later) for c in columns],
          name="EnqueueSegments")
    numbers = first_batch + tf.range(tf.cast(done, tf.int64))
    with tf.control_dependencies([wait]):
      return self._batches.enqueue_many(
          [numbers, tf.fill(tf.expand_dims(done, 0), b)] + whole,
          name="EnqueueCompleteBatches")

  def _schedule_head(self):
    """int64 [2]: the first batch not yet complete, and the examples
    admitted so far (read under the admission lock)."""
    return raw.LookupTableFindV2(
        table_handle=self._schedule,
        keys=tf.constant([_BASE_BATCH, _ADMITTED], tf.int64),
        default_value=tf.constant(0, tf.int64))

  def _register_keys(self, keys, stop_keys, deps):
    """controls.register_key for many examples at once: fails
    (InvalidArgumentError naming the first offending key) if a key is in
    flight or repeats."""
    with tf.control_dependencies(deps):
      seen = raw.LookupTableFindV2(table_handle=self._controls.in_flight,
                                   keys=stop_keys,
                                   default_value=tf.constant(-1, tf.int64))
    unique, index = tf.unique(stop_keys)
    n = tf.size(stop_keys)
    first_seen = tf.math.unsorted_segment_min(tf.range(n), index,
                                              tf.size(unique))
    repeated = tf.gather(first_seen, index) < tf.range(n)
    bad = tf.logical_or(seen >= 0, repeated)
    culprit = _checks.first_where(keys, bad)
    ok = tf1.Assert(
        tf.logical_not(tf.reduce_any(bad)),
        [tf.strings.join(["Duplicate key in flight: '", culprit,
                          controls.DUPLICATE_KEY])],
        name="CheckKeysNotInFlight")
    with tf.control_dependencies([ok]):
      return raw.LookupTableInsertV2(
          table_handle=self._controls.in_flight, keys=stop_keys,
          values=tf.ones(tf.shape(stop_keys), tf.int64), name="RegisterKeys")


  # -- close ------------------------------------------------------------------

  def close(self, cancel_pending_enqueues=False, name=None):
    """As SequenceQueueingStateSaver.close (see the module doc).

    Args:
      cancel_pending_enqueues: as in stores.Store.close.
      name: optional name scope (default ``SQSSClose``).

    Returns:
      The closing Operation.
    """
    c = self._controls
    with tf1.name_scope(name, "SQSSClose") as scope:
      if cancel_pending_enqueues:
        ops = [c.end_of_input.close(cancel_pending_enqueues=True),
               c.cancelled.close(cancel_pending_enqueues=True)]
        with tf.control_dependencies(ops):
          tokens = c.token_queue.close(True, name="FIFOClose")
          batches = self._batches.close(True, name="BatchesClose")
        return tf.group(tokens, batches, name=scope)

      def shut():
        eoi = c.end_of_input.close(cancel_pending_enqueues=True)
        with tf.control_dependencies([eoi]):
          tokens = c.token_queue.close(False, name="FIFOClose")
        with tf.control_dependencies([tokens]):
          flush = [] if not self._allow_small_batch else [
              self._batches.enqueue_many(self._incomplete_batches(),
                                         name="EnqueueIncompleteBatches")]
        with tf.control_dependencies(flush):
          batches = self._batches.close(False, name="BatchesClose")
        with tf.control_dependencies([batches]):
          return tf.constant(True)
      return tf.group(locked(c.admission, shut), name=scope)

  def _incomplete_batches(self):
    """The batches not yet complete, whole and in order (each padded with
    zero rows to batch_size): every waiting segment, grouped by batch."""
    b = self._batch_size
    waiting = self._segments.dequeue_many(self._segments.size(),
                                          name="DequeueIncomplete")
    places = waiting[0]
    numbers, which = tf.unique(places // b)
    count = tf.size(numbers)
    rows = tf.math.unsorted_segment_sum(tf.ones_like(which), which, count)
    at = tf.stack([tf.cast(which, tf.int64), places % b], 1)
    out = [numbers, rows]
    for c, (_, shape) in zip(waiting[1:], self._batch_specs[2:]):
      out.append(tf.scatter_nd(at, c, tf.concat(
          [tf.cast(tf.expand_dims(count, 0), tf.int64),
           tf.constant(shape, tf.int64)], 0)))
    # ready_size's record of the short rows, the last batch at _SHORT.
    short = raw.LookupTableInsertV2(
        table_handle=self._schedule,
        keys=tf.range(tf.cast(count, tf.int64)) - tf.cast(count, tf.int64)
        + (_SHORT + 1),
        values=tf.cast(rows, tf.int64), name="RecordShortBatches")
    with tf.control_dependencies([short]):
      return [tf.identity(t) for t in out]

  def fail(self):
    """The wake-up after an input failure: a token that makes a waiting take
    check the failure (none once the batches queue is closed: a take there
    ends by itself; a zero-element enqueue is a no-op)."""
    open_ = tf.cast(tf.logical_not(self._batches.is_closed()), tf.int32)
    wake = [tf.fill(tf.expand_dims(open_, 0), tf.constant(_WAKE, d))
            if not sh else tf.zeros(stores.dims([open_], sh), d)
            for d, sh in self._batch_specs]
    return [self._batches.enqueue_many(wake, name="Wake")]

  # -- take -------------------------------------------------------------------

  def take(self):
    """One batch token and its segments under the take lock, the new rows'
    firsts, the continuing rows' carried example (see _rows_of)."""
    lock = raw.MutexLock(mutex=self._take_mutex, name="TakeLock")
    self._lock = lock
    with tf.control_dependencies([lock]):
      deps = [controls.raise_if_failed(self._controls)]
    with tf.control_dependencies(deps):
      batch = self._batches.dequeue(name="DequeueBatch")
    with tf.control_dependencies([controls.raise_if_failed(
        self._controls, after=[batch[1]])]):
      rows = tf.maximum(batch[1], 0)
    batch_no = batch[0]
    sequences = collections.OrderedDict(
        (k, v[:rows]) for k, v in zip(self._seq_names, batch[3:]))
    prev = tf.cast(batch[2][:rows], tf.int32)
    n_new = tf.reduce_sum(tf.cast(prev < 0, tf.int32))
    n_old = rows - n_new
    carried_rows = prev[:n_old]
    self._rows_taken = rows
    firsts = self._firsts.dequeue_many(n_new, name="DequeueFirsts")
    first = dict(zip([("example", "key"), ("example", "facts")] +
                     [("context", k) for k in self._ctx_names] +
                     [("state", k) for k in self._state_names], firsts))
    example_slots = [("example", "key"), ("example", "facts")] + [
        ("context", k) for k in self._ctx_names]
    carried = self._carried("example", [first[k] for k in example_slots],
                            carried_rows, step_index=1)
    carry_ops = [self._carry_put("example", batch_no, carried)]
    carried = dict(zip(example_slots, carried))
    self._batch_no = batch_no
    return self._rows_of(batch_no, rows, sequences, first, carried,
                         carried_rows, n_old, carry_ops)

  def _rows_of(self, batch_no, rows, sequences, first, carried, carried_rows,
               n_old, carry_ops):
    """The Batch of a take: keys, lengths and states of its `rows` rows,
    from the `first` values of new rows and the `carried` example of the
    rest; releases the finished examples and keeps the take lock held."""
    keys_base = carried[("example", "key")]
    facts = carried[("example", "facts")]
    total_length = tf.cast(facts[:, _TOTAL], tf.int32)
    count = tf.cast(facts[:, _COUNT], tf.int32)
    sequence = tf.cast(facts[:, _STEP], tf.int32)
    u = self._num_unroll
    length = tf.minimum(u, tf.maximum(0, total_length - u * sequence))
    context = collections.OrderedDict(
        (k, carried[("context", k)]) for k in self._ctx_names)

    width = dict(width=5, fill="0")
    of = tf.strings.join(["_of_", tf.strings.as_string(count, **width), ":"])
    keys = tf.strings.join([tf.strings.as_string(sequence, **width), of,
                            keys_base], name="StringJoinCurrentKeys")
    done = stores.last_segment(sequence, count)
    next_keys = tf1.where(
        done, tf.strings.join(["STOP:", keys_base]),
        tf.strings.join([tf.strings.as_string(sequence + 1, **width), of,
                         keys_base]), name="NextKeys")
    finished = tf.reduce_sum(tf.cast(done, tf.int32))
    release = self._controls.token_queue.dequeue_many(
        finished, name="ReleaseCapacityTokens")
    forget = raw.LookupTableRemoveV2(table_handle=self._controls.in_flight,
                                     keys=next_keys, name="ForgetFinishedKeys")
    # The lock is held until the take's own ops are done, then by the
    # save_state ops of the same step (each holds a reference to it).
    with tf.control_dependencies([release, forget, keys, next_keys] +
                                 carry_ops + list(sequences.values())):
      holder = self._consume_lock("HoldTakeLock")
    # Without small batches every batch has batch_size rows: say so in the
    # static shapes, as the Barrier store (and contrib) do.
    rows_known = None if self._allow_small_batch else self._batch_size

    def after(t):
      out = tf.identity(t)
      if out.get_shape().ndims:
        out.set_shape([rows_known] + out.get_shape().as_list()[1:])
      return out

    with tf.control_dependencies([holder]):
      states = collections.OrderedDict()
      for k in self._state_names:
        states[k] = after(self._state(k, first[("state", k)], carried_rows,
                                      n_old, batch_no))
      return stores.Batch(
          insertion_index=after(facts[:, _INDEX]),
          key=after(keys),
          length=after(length),
          total_length=after(total_length),
          next_key=after(next_keys),
          sequence=after(sequence),
          sequence_count=after(count),
          batch_size=after(rows),
          context=collections.OrderedDict(
              (k, after(v)) for k, v in context.items()),
          sequences=collections.OrderedDict(
              (k, after(v)) for k, v in sequences.items()),
          states=states,
          not_done_rows=stores.unfinished_rows(done))

  def _consume_lock(self, name):
    """An op that keeps the take lock held until it runs.

    The lock is released when the last tensor referring to it is dropped.
    An Identity of it does not reliably keep it: Grappler may replace an
    Identity used only for control dependencies by those dependencies, and
    the lock would be released as soon as it is taken.  ConsumeMutexLock is
    the op TF provides for this (stateful, never pruned; TF's
    CriticalSection uses it the same way).
    """
    with tf1.get_default_graph().colocate_with(self._take_mutex.op):
      return raw.ConsumeMutexLock(mutex_lock=self._lock, name=name)

  def _carried(self, slot, new_values, carried_rows, step_index=None,
               check=None):
    """For each component of carry queue `slot`: the rows continuing from the
    last stored batch, then the new rows (`new_values`, a list).

    `step_index`: the facts component, whose segment column advances by one
    for a continuing row.  `check`: a function of the batch number the stored
    value belongs to (-1: none) returning an op that must pass before the
    rows are read.
    """
    queue = self._carry[slot]
    name = slot if isinstance(slot, str) else "%s_%s" % slot
    # The size is read under the take lock (after the batch element): read
    # before it, it could miss the value a concurrent take is storing.
    with tf.control_dependencies([self._rows_taken]):
      size = queue.size()
    drained = queue.dequeue_many(size, name="DrainCarry_%s" % name)
    stored_no, stored = drained[0], drained[1:]
    last_no = tf.reduce_max(tf.concat([[-1], stored_no], 0))
    deps = [] if check is None else [check(last_no)]
    out = []
    for i, (value, new) in enumerate(zip(stored, new_values)):
      shape = value.get_shape().as_list()[2:]
      last = tf.reshape(value[-1:], [-1] + shape)
      with tf.control_dependencies(deps):
        old = tf.gather(last, carried_rows)
      if i == step_index:
        old += tf.one_hot(_STEP, 4, dtype=tf.int64)
      out.append(tf.concat([old, new], 0))
    return out

  def _carry_put(self, slot, batch_no, values):
    """Op storing `values` (each padded to batch_size rows) for the next
    take."""
    padded = []
    for value in values:
      shape = value.get_shape().as_list()[1:]
      pad = tf.zeros(stores.dims([self._batch_size - tf.shape(value)[0]],
                                 shape),
                     dtype=value.dtype)
      padded.append(tf.concat([value, pad], 0))
    name = slot if isinstance(slot, str) else "%s_%s" % slot
    return self._carry[slot].enqueue([batch_no] + padded,
                                     name="PutCarry_%s" % name)

  def _state(self, k, initial, carried_rows, n_old, batch_no):
    def check(saved_no):
      saved = tf.logical_or(tf.equal(n_old, 0),
                            tf.equal(saved_no, batch_no - 1))
      # After a cancelling close save_state is refused, so a batch whose
      # rows continue from a batch taken after the cancel has no state: that
      # is the end of the input (the Barrier store discards such segments),
      # not an error of the consumer.
      lost = controls.end_of_input_if(
          self._controls, tf.logical_and(
              tf.logical_not(saved), self._controls.cancelled.is_closed()),
          "CancelledBeforeSave_%s" % k)
      with tf.control_dependencies([lost]):
        saved = tf.identity(saved)
      return tf1.Assert(
          saved,
          # (No quotes in the text: TF's Assert prints them escaped.)
          ["State saver (scheduled store): state %s was not saved for the "
           "batch before this one (its save_state op did not run), so the "
           "rows that continue have no state; batch" % k, batch_no,
           "last saved batch", saved_no, ". Run every batch.save_state op "
           "in the same Session.run as the batch it belongs to "
           "(static_state_saving_rnn outputs depend on them), or build the "
           "saver with store=barrier."],
          name="CheckStateSaved_%s" % k)
    value, = self._carried(("state", k), [initial], carried_rows,
                           check=check)
    return tf.identity(value, name="state_%s" % k)

  def save(self, batch, state_name, value):
    """The scheduled store's part of save_state: the whole batch's value.

    Args:
      batch: the taken batch (as in stores.Store.save).
      state_name: name of the state being saved.
      value: the state's new value for the whole batch.

    Returns:
      An Operation storing `value` for the batch's next segments; when
      `value`'s dtype is not the state's, an Assert failing when run.
    """
    state = batch.states[state_name]
    if value.dtype != state.dtype:
      # A run-time error, as with the Barrier store (and contrib), whose
      # insert of the wrong dtype fails when it runs, not when it is built.
      with tf.control_dependencies([state]):
        return tf1.Assert(
            False, ["save_state('%s'): value has dtype %s but the state is "
                    "%s" % (state_name, value.dtype.name, state.dtype.name)],
            name="WrongDtype_%s" % state_name)
    # Refused after a cancelling close (CancelledError, as the Barrier
    # store's insert into a cancelled store).
    # Checked after the take succeeded: a take that ends the input fails
    # with OutOfRangeError, not with this.
    with tf.control_dependencies([state]):
      cancelled = tf.cast(self._controls.cancelled.is_closed(), tf.int32)
    refuse = self._controls.cancelled.enqueue_many(
        (tf.zeros(tf.expand_dims(cancelled, 0), tf.int32),),
        name="RefuseAfterCancel")
    # The state is drained (and checked) before the new one is stored.
    with tf.control_dependencies([state, refuse]):
      put = self._carry_put(("state", state_name), self._batch_no, [value])
    with tf.control_dependencies([put]):
      hold = self._consume_lock("HoldTakeLock_%s" % state_name)
    return tf.group(put, hold, name="SaveState_%s" % state_name)



#: The most examples one admission run places (further bounded by capacity).
ADMIT_MAX = 64


def admit_limit(capacity, batch_size):
  """How many examples one admission run may place: at most ADMIT_MAX, and
  with a capacity ``C`` at most ``C - B + 1``.

  Why that bound cannot deadlock.  An admission run takes its ``k`` capacity
  tokens while holding the admission lock, and the batches it completes are
  published only when it ends.  Every example already admitted that ends
  before the frontier batch lies in published batches, so takes finish it
  and free its token; at most ``B - 1`` examples (the frontier batch's rows)
  can wait for batches not yet complete.  So ``C - (B - 1)`` tokens always
  become free, and a run needing no more than that always gets them.

  Args:
    capacity: the saver's capacity ``C`` (None: unbounded).
    batch_size: the batch size ``B`` (a static int).

  Returns:
    The limit: an int, at least 1.
  """
  if capacity is None:
    return ADMIT_MAX
  return max(1, min(ADMIT_MAX, capacity - batch_size + 1))


def _place(lanes, stored):
  """First batch of each example: greedily, in order, the earliest free lane.

  Args:
    lanes: int64 [B], the batch each row lane is free from.
    stored: int64 [k], segments each example stores.

  Returns:
    int64 [k]: the batch each example starts in.
  """
  k = tf.size(stored)

  def body(i, lanes, starts):
    lane = tf.argmin(lanes, output_type=tf.int32)
    start = tf.gather(lanes, lane)
    lanes = raw.TensorScatterAdd(tensor=lanes, indices=[[lane]],
                                 updates=tf.expand_dims(stored[i], 0))
    starts = raw.TensorScatterUpdate(tensor=starts, indices=[[i]],
                                     updates=tf.expand_dims(start, 0))
    return i + 1, lanes, starts

  # A v1 loop (Enter/Merge/Switch/NextIteration) whatever the process's
  # setting: a few cheap ops per example, where a v2 While runs a function
  # per example.  (The toggle is process-wide, and restored at once: only
  # this loop is built while it is off.)
  v2 = tf1.control_flow_v2_enabled()
  tf1.disable_control_flow_v2()
  try:
    _, _, starts = tf1.while_loop(
        lambda i, *_: i < k, body,
        [tf.constant(0), lanes, tf.zeros(tf.expand_dims(k, 0), tf.int64)],
        back_prop=False, name="Place")
  finally:
    if v2:
      tf1.enable_control_flow_v2()
  return starts

