"""The Barrier store: segments wait in a TF Barrier, as in contrib.

How it works. Each example is cut along time into segments of ``num_unroll``
steps. A prefetch writes every segment of one example into a key/value store (a
TF ``Barrier``) at once, each component (the packed int32 bookkeeping, the next
key, every sequence, every context value, ...) with one insert. A segment is
*ready* once all of its components are present. Segment 0 receives the initial
states during the prefetch; segment ``k + 1`` receives its states only when the
consumer calls ``save_state`` while processing segment ``k``. A take removes
the ``batch_size`` ready segments with the smallest insertion index -- a
counter fixed when an example's first component is inserted -- so unfinished
older examples always come before newer ones. A FIFO of capacity tokens (one
per example in flight, legacy_pipeline.saver.controls) bounds memory.

End of input, close and cancel (filler mode: the batch size is bounded by an
int ``batch_size`` or by ``capacity``).  What TF's kernels guarantee, from
their source: a Barrier insert that completes an entry removes it from the
incomplete set under the Barrier's lock but enqueues it into the ready queue
(a PriorityQueue) only after releasing it -- the insert op finishes after the
enqueue, so a later step sees the entry, but a concurrent close or take can
see it in neither place.  A Barrier close with nothing incomplete closes the
ready queue; a PriorityQueue closing under a waiting DequeueMany hands it what
there is and then fails it with OutOfRangeError, dropping those rows; after
that, a cancelling Barrier close never returns.  A plain close of a
FIFOQueue is queued behind pending enqueues.  So the design never closes
the store on a plain close, and each path is safe as follows:

* plain close (``_close_with_fillers``): under the admission lock, so every
  admitted example is wholly stored and none comes later; the fillers' indices
  are above every real one; a second plain close fails on the closed token
  queue (CancelledError "already closed"), like contrib's.
* take (``_drop_fillers``): reals always come before fillers; removed fillers
  are replaced in the same run before the take can end; the end is declared
  only from fillers, i.e. when no real segment was ready at that take, which
  for a consumer saving with every take means nothing is in flight.  The
  flags it reads (cancelled, failed) are read after the take returns.
* close while a prefetch is blocked on capacity: the prefetch holds the
  admission lock, so close waits until a take frees a token and the example
  is stored whole, then closes (as contrib's close waited behind the blocked
  token enqueue); tested.
* close while a take waits with allow_small_batch=False: the fillers wake it
  and it ends with OutOfRangeError (its rows are fewer than a batch); later
  takes fail at once (closed and fewer examples than a batch); tested.
* plain then cancelling close: the store was never closed, so the cancelling
  Barrier close cannot deadlock; ``cancelled`` is closed first, so takes stop
  replacing fillers before the store refuses new keys; tested.
* cancelling close alone: blocked prefetches fail (token enqueue cancelled,
  the admission lock is released with their step), waiting takes end with
  OutOfRangeError from the closed ready queue (a stop, not an end of input).
* the tf.data entry point ends like a reader: the iterator's OutOfRangeError
  ends each prefetch thread and the last one runs the plain close (the
  runner).  The in-flight journal replays examples through the same prefetch
  before reading the dataset, so replayed examples are admitted like new ones.
* a failing prefetch (``report_failure_op``): the flag and the message are
  stored before the runner tells its Coordinator, and fillers wake a waiting
  take, which then fails with the message; takes check the flag before and
  after taking.
* the stall watchdog only reads sizes; after a close it never reports a stall.
"""
from __future__ import absolute_import, division, print_function

import collections

from legacy_pipeline.saver import _checks
from legacy_pipeline.saver import controls
from legacy_pipeline.saver import stores
from legacy_pipeline._tf import locked, raw, tf, tf1

# Component order in the store: the int32 bookkeeping fields packed in one
# [4] vector (one insert per example instead of four), the next key, then the
# sorted sequences, contexts and states.
_META, _NEXT_KEY = range(2)
_META_FIELDS = ("length", "total_length", "sequence", "sequence_count")
_BOOKKEEPING = (("meta", tf.int32, [len(_META_FIELDS)]),
                ("next_key", tf.string, []))

# Keys of the filler entries written when the saver is closed (see close()).
# Real segment keys always start with "ddddd_of_ddddd:", so these never clash.
_FILLER_KEY_PREFIX = "~end_of_input~"
# Fillers stored when the input fails are numbered from here (close()'s are
# numbered from 0; the two ranges never meet).
_FAILURE_FILLERS = 2 ** 62


class Barrier(object):
  """A TF Barrier: keys -> tuples of components; see the module docstring.

  What the saver's ``barrier`` property returns for this store.  Exposes the
  parts of contrib's ``data_flow_ops.Barrier`` that users of the state saver
  touch: ``barrier_ref``, ``name``, ``ready_size()``, ``incomplete_size()``
  and ``close()``.
  """

  def __init__(self, types, shapes, name="barrier"):
    """Creates the Barrier op.

    Args:
      types: the dtypes of the components, in order.
      shapes: the shapes of the components (empty ones are rejected).
      name: name of the Barrier op.

    Raises:
      ValueError: one of `shapes` has no elements.
    """
    self._types = list(types)
    self._shapes = stores.reject_empty(shapes)
    self._ref = raw.Barrier(component_types=self._types, shapes=self._shapes,
                            name=name)

  @property
  def barrier_ref(self):
    """The store's handle (a string ref tensor)."""
    return self._ref

  @property
  def name(self):
    """Full name of the store's op."""
    return self._ref.op.name

  @property
  def types(self):
    return list(self._types)

  @property
  def shapes(self):
    return list(self._shapes)

  def insert_many(self, component_index, keys, values, name=None):
    """Sets component `component_index` of each key in `keys`.

    Args:
      component_index: index of the component to set.
      keys: string vector of the entries' keys.
      values: the values, one row per key.
      name: optional op name.

    Returns:
      The BarrierInsertMany Operation.
    """
    return raw.BarrierInsertMany(handle=self._ref, keys=keys, values=values,
                                 component_index=component_index, name=name)

  def take_many(self, num_elements, allow_small_batch=False, name=None):
    """Removes `num_elements` complete entries: (indices, keys, values).

    Args:
      num_elements: int32 scalar: number of entries to take.
      allow_small_batch: whether a closed store may return fewer.
      name: optional op name.

    Returns:
      (indices, keys, values): the insertion indices and keys (vectors) and
      the list of component values, shapes set from the components'.
    """
    out = raw.BarrierTakeMany(handle=self._ref, num_elements=num_elements,
                              component_types=self._types,
                              allow_small_batch=allow_small_batch,
                              wait_for_incomplete=False, timeout_ms=-1,
                              name=name)
    indices, keys, values = out[0], out[1], list(out[2])
    size = None if allow_small_batch else _checks.static_int(num_elements)
    indices.set_shape([size])
    keys.set_shape([size])
    for value, shape in zip(values, self._shapes):
      value.set_shape(tf.TensorShape([size]).concatenate(shape))
    return indices, keys, values

  def close(self, cancel_pending_enqueues=False, name=None):
    """Op closing the store (see SequenceQueueingStateSaver.close).

    Args:
      cancel_pending_enqueues: whether pending inserts are cancelled too.
      name: optional op name.

    Returns:
      The BarrierClose Operation.
    """
    return raw.BarrierClose(handle=self._ref,
                            cancel_pending_enqueues=cancel_pending_enqueues,
                            name=name)

  def ready_size(self, name=None):
    """int32 scalar: number of complete entries."""
    return raw.BarrierReadySize(handle=self._ref, name=name)

  def incomplete_size(self, name=None):
    """int32 scalar: number of incomplete entries."""
    return raw.BarrierIncompleteSize(handle=self._ref, name=name)


class BarrierStore(stores.Store):
  """The Barrier store (see the module docstring and stores.Store)."""

  kind = "barrier"

  def __init__(self, settings, controls_):
    """See stores.Store.

    Args:
      settings: the saver's settings (as in stores.Store).
      controls_: the saver's shared controls (as in stores.Store).
    """
    super(BarrierStore, self).__init__(settings, controls_)
    self._barrier = None
    self._index = None
    # How the end of input is delivered (see take and close): with a bound
    # on the batch size (a constant batch_size, or capacity), filler
    # entries wake takes and the store is never closed by a plain close;
    # without one, the store is closed as contrib did.
    self._fillers = settings.fillers

  # -- construction ---------------------------------------------------------

  def layout(self):
    """The Barrier: one component per bookkeeping field, sequence, context
    and state, in that order (names sorted); records their index by name."""
    s = self._settings
    names = ["__" + n for n, _, _ in _BOOKKEEPING]
    names += ["__sequence__" + k for k in s.sequences]
    names += ["__context__" + k for k in s.context]
    names += ["__state__" + k for k in s.states]
    self._index = dict((n, i) for i, n in enumerate(names))
    types = [t for _, t, _ in _BOOKKEEPING]
    types += [v.dtype for v in s.sequences.values()]
    types += [v.dtype for v in s.context.values()]
    types += [v.dtype for v in s.states.values()]
    self._barrier = Barrier(types, stores.component_shapes(
        s, [sh for _, _, sh in _BOOKKEEPING]))
    return self._barrier

  def _component_index(self, kind, name):
    return self._index["__%s__%s" % (kind, name)]

  def stats(self):
    """See stores.Store.stats; ``ready`` includes the fillers a close
    stores."""
    return collections.OrderedDict([
        ("ready", self._barrier.ready_size()),
        ("incomplete", self._barrier.incomplete_size()),
    ] + controls.in_flight_stats(self._controls))

  # -- prefetch -------------------------------------------------------------

  def prefetch(self, start_segment):
    """All inserts of one example; see the module docstring."""
    count, steps, stored = stores.segments_to_store(self._settings,
                                                    start_segment)
    keys, stop_key, next_keys = self._segment_keys(count, steps)
    columns = self._segment_columns(count, steps, stored, next_keys,
                                    start_segment)

    def store():
      return self._store_example(keys, stop_key, columns)

    if not self._fillers:
      return store()
    stored_ok = locked(self._controls.admission,
                       lambda: tf.identity(store(), name="Admitted"))
    return tf.group(stored_ok, name="StateSaverPrefetchGroup")

  def _segment_keys(self, count, steps):
    """(keys, stop_key, next_keys): contrib's "00001_of_00003:<key>" keys of
    the stored segments, "STOP:<key>", and each segment's successor key."""
    key = self._settings.key
    keys = tf.strings.join(
        [tf.strings.as_string(steps, width=5, fill="0"), "_of_",
         tf.strings.as_string(count, width=5, fill="0"), ":", key],
        name="StringJoinCurrentKeys")
    stop_key = tf.strings.join(["STOP:", key], name="StringJoinStop")
    next_keys = tf.concat([keys[1:], tf.expand_dims(stop_key, 0)], 0,
                          name="concat_next_keys")
    return keys, stop_key, next_keys

  def _segment_columns(self, count, steps, stored, next_keys, start):
    """[(component index, value [stored, ...], op name suffix)]: bookkeeping,
    sequences split into segments (from segment `start` on, if not None),
    context tiled per segment."""
    s = self._settings
    u = s.num_unroll
    ones = tf.ones(tf.expand_dims(stored, 0), dtype=tf.int32)
    lengths = tf.minimum(u, tf.maximum(0, s.length - u * steps))
    meta = tf.stack([lengths, s.length * ones, steps, count * ones],
                    axis=1, name="PackMeta")
    columns = [(_META, meta, "Meta"), (_NEXT_KEY, next_keys, "NextKey")]
    for k, v in s.sequences.items():
      shape = v.get_shape().as_list()[1:]
      split = tf.reshape(v, stores.dims([count, u], shape),
                         name="reshape_sequences_%s" % k)
      if start is not None:
        split = split[start:]
      split.set_shape([None, u] + shape)
      columns.append((self._component_index("sequence", k), split,
                      "Sequences_%s" % k))
    for k, v in s.context.items():
      rank = v.get_shape().ndims
      tiled = tf.tile(tf.expand_dims(v, 0), stores.dims([stored], [1] * rank),
                      name="tile_context_%s" % k)
      tiled.set_shape([None] + v.get_shape().as_list())
      columns.append((self._component_index("context", k), tiled,
                      "Context_%s" % k))
    return columns

  def _store_example(self, keys, stop_key, columns):
    """Registers the key, inserts every segment, takes a capacity token.

    In filler mode this runs under the admission lock, and first refuses
    (CancelledError, as a closed store would) once the saver is closed, so
    nothing is stored after close() has written its fillers.

    Returns:
      A bool scalar (filler mode, for the lock) or the prefetch op.
    """
    c = self._controls
    deps = []
    if self._fillers:
      deps.append(controls.refuse_after_close(c))
    register = controls.register_key(c, self._settings.key, stop_key, deps)
    with tf.control_dependencies([register]):
      inserts = [self._barrier.insert_many(i, keys, v,
                                           name="BarrierInsert" + n)
                 for i, v, n in columns]
    # The token follows the inserts: a prefetch that fails before storing its
    # example (end of input, bad data) must not take a token, or the count of
    # examples in flight that ends the input cleanly would be off.
    with tf.control_dependencies(inserts):
      token = c.token_queue.enqueue((tf.constant(stores.TOKEN),),
                                    name="EnqueueCapacityToken")
    # The initial states go in last: segment 0 must not become ready before
    # its example holds a capacity token.
    with tf.control_dependencies([token]):
      first_key = keys[:1]
      state_inserts = [
          self._barrier.insert_many(self._component_index("state", k),
                                    first_key, tf.expand_dims(v, 0),
                                    name="BarrierInitialInsertState_%s" % k)
          for k, v in self._settings.states.items()]
    everything = inserts + [token] + state_inserts
    if not self._fillers:
      return tf.group(*everything, name="StateSaverPrefetchGroup")
    with tf.control_dependencies(everything):
      return tf.constant(True)

  # -- take -----------------------------------------------------------------

  def take(self):
    """The take and everything derived from it (see stores.Store.take)."""
    s, c = self._settings, self._controls
    batch_size = s.batch_size
    deps = []
    if isinstance(batch_size, tf.Tensor) and _checks.static_int(
        batch_size) is None:
      deps.append(tf1.Assert(
          tf.greater_equal(batch_size, 0),
          ["batch_size must be >= 0, got: ", batch_size],
          name="CheckBatchSizeNotNegative"))
    if not s.allow_small_batch:
      # Closed and fewer examples left than a batch: no full batch can come.
      hopeless = tf.logical_and(c.token_queue.is_closed(),
                                c.token_queue.size() < batch_size)
      deps.append(controls.end_of_input_if(c, hopeless, "NoFullBatchLeft"))
    # A take after an input failure fails with it at once (also when the
    # store is closed and empty, where the take itself would end first).
    deps.append(controls.raise_if_failed(c))
    with tf.control_dependencies(deps):
      indices, keys, values = self._barrier.take_many(
          batch_size, s.allow_small_batch, name="BarrierTakeMany")

    if self._fillers:
      indices, keys, values = self._drop_fillers(indices, keys, values)
    else:
      with tf.control_dependencies([controls.raise_if_failed(
          c, after=[indices])]):
        indices = tf.identity(indices)
    return self._received(indices, keys, values)

  def _received(self, indices, keys, values):
    """The Batch of a take's real rows; releases the finished examples."""
    s, c = self._settings, self._controls
    length, total_length, sequence, count = tf.unstack(
        values[_META], len(_META_FIELDS), axis=1, name="UnpackMeta")
    done = stores.last_segment(sequence, count)
    finished = tf.reduce_sum(tf.cast(done, tf.int32))
    release = c.token_queue.dequeue_many(finished,
                                         name="ReleaseCapacityTokens")
    # The registry holds only "STOP:<key>" entries, which are exactly the
    # next keys of finished rows (others start with digits): removing every
    # next key forgets the finished examples, with no mask on the hot path.
    forget = raw.LookupTableRemoveV2(
        table_handle=c.in_flight, keys=values[_NEXT_KEY],
        name="ForgetFinishedKeys")
    with tf.control_dependencies([release, forget]):
      states = collections.OrderedDict(
          (k, tf.identity(values[self._component_index("state", k)]))
          for k in s.states)
    return stores.Batch(
        insertion_index=indices,
        key=keys,
        length=length,
        total_length=total_length,
        next_key=values[_NEXT_KEY],
        sequence=sequence,
        sequence_count=count,
        batch_size=tf.shape(length)[0],
        context=collections.OrderedDict(
            (k, values[self._component_index("context", k)])
            for k in s.context),
        sequences=collections.OrderedDict(
            (k, values[self._component_index("sequence", k)])
            for k in s.sequences),
        states=states,
        not_done_rows=stores.unfinished_rows(done))

  def _drop_fillers(self, indices, keys, values):
    """Removes fillers from a take, replaces them, ends the input if due.

    Why this cannot lose a segment.  Fillers exist only after close(), which
    ran under the admission lock: every example admitted before it is
    wholly stored with its initial states, and none is admitted after it.
    Fillers are stored after all of them, so their insertion indices are
    the largest and a take returns every ready real segment before any
    filler.  The store is never closed by a plain close, so TF's
    PriorityQueue never closes under a waiting take (a closing PriorityQueue
    drops what a waiting DequeueMany had gathered -- the cause of issue 12),
    and new keys stay insertable: each take stores as many new fillers as it
    removed (filler ``j`` is numbered ``j + F`` -- see _filler_keys), in the
    same run and before it can end, so after close the store always holds
    at least ``F`` fillers between runs and no take waits forever, however
    many consumers run.  A take that got only fillers (allow_small_batch) or
    any filler (otherwise: no full batch) ends with OutOfRangeError; for a
    consumer that runs save_state with each take, nothing real can become
    ready later: every example in flight has its current segment ready.

    Returns:
      (indices, keys, values) of the real rows only.
    """
    c = self._controls
    small = self._settings.allow_small_batch
    taken = tf.size(indices)
    n_real = tf.reduce_sum(tf.cast(tf.greater(values[_META][:, 3], 0),
                                   tf.int32))
    extra = taken - n_real
    # After a cancelling close the store refuses new keys (takes no longer
    # wait then: a closed store returns what it has).
    with tf.control_dependencies([taken]):  # read after the take returns
      cancelled = c.cancelled.is_closed()
    replace = tf.logical_and(extra > 0, tf.logical_not(cancelled))
    replaced = _run_if(
        replace, self._barrier.barrier_ref,
        lambda ref, removed: self._insert_fillers(
            ref, _filler_keys(_filler_numbers(removed) + self._fillers)),
        [keys[n_real:]])
    if small:
      over = tf.logical_and(taken > 0, tf.equal(n_real, 0))
      name = "NothingLeft"
    else:
      over = extra > 0
      name = "NoFullBatchLeft"
    # A recorded input failure wins over the end of input.
    with tf.control_dependencies([replaced, controls.raise_if_failed(
        c, after=[taken])]):
      end = controls.end_of_input_if(c, over, name)
    with tf.control_dependencies([end]):
      if not small:
        # Full batches only: nothing to cut, just wait for the check.
        return (tf.identity(indices), tf.identity(keys),
                [tf.identity(v) for v in values])
      n_real = tf.identity(n_real)
    # Fillers come last in a take: keep the first n_real rows (a
    # leading-dimension slice shares the take's buffers instead of copying
    # every component).
    return indices[:n_real], keys[:n_real], [v[:n_real] for v in values]

  def save(self, batch, state_name, value):
    """The store's part of save_state: the unfinished rows' states go to
    their next segments in the Barrier.

    Args:
      batch: the taken batch (as in stores.Store.save).
      state_name: name of the state being saved.
      value: the state's new value, one row per batch row.

    Returns:
      The BarrierInsertMany Operation.
    """
    keep = batch.not_done_rows
    return self._barrier.insert_many(
        self._component_index("state", state_name),
        tf.gather(batch.next_key, keep), tf.gather(value, keep),
        name="BarrierInsertState_%s" % state_name)

  # -- end of input, close, failures ----------------------------------------

  def _insert_fillers(self, ref, keys):
    """Op storing complete, empty entries under `keys` (string vector).

    Fillers are zeros ("" for strings, False for bools) with a
    sequence_count of 0, which no real segment has.  Their insertion indices
    are larger than every real example's (they are stored after the last
    example is admitted), so a take returns them after every ready segment.

    Args:
      ref: the store's handle (possibly gated by a Switch).
      keys: string vector of new, unique keys.
    """
    count = tf.size(keys)
    inserts = []
    for i, (dtype, shape) in enumerate(zip(self._barrier.types,
                                           self._barrier.shapes)):
      value = tf.zeros(stores.dims([count], shape.as_list()), dtype=dtype)
      inserts.append(raw.BarrierInsertMany(handle=ref, keys=keys, values=value,
                                           component_index=i,
                                           name="InsertFiller"))
    return tf.group(*inserts, name="InsertFillers")

  def close(self, cancel_pending_enqueues=False, name=None):
    """See SequenceQueueingStateSaver.close and the module docstring.

    Args:
      cancel_pending_enqueues: as in stores.Store.close: also cancel
        pending admissions and takes.
      name: optional name scope (default ``SQSSClose``).

    Returns:
      The closing Operation.
    """
    c = self._controls
    with tf1.name_scope(name, "SQSSClose",
                        [self._barrier.barrier_ref]) as scope:
      if cancel_pending_enqueues:
        return self._cancel_close(scope)
      if self._fillers:
        return self._close_with_fillers(scope)
      # No bound on the batch size: the store closes as contrib's did.
      eoi_close = c.end_of_input.close(cancel_pending_enqueues=True)
      with tf.control_dependencies([eoi_close]):
        store_close = self._barrier.close(False, "BarrierClose")
      with tf.control_dependencies([store_close]):
        token_close = c.token_queue.close(False, name="FIFOClose")
      return tf.group(store_close, token_close, name=scope)

  def _close_with_fillers(self, scope):
    """A plain close in filler mode: end of input without closing the store.

    Under the admission lock (so no example is half stored): the end-of-input
    queue closes (later prefetches are refused), then the token queue (a
    second close fails here with CancelledError), then ``F`` fillers are
    stored (``F`` = the filler count: the batch size, or capacity for a fed
    batch size).  The store itself stays open, so TF's PriorityQueue never
    closes under a waiting take (which would drop the rows it had gathered)
    and takes can replace the fillers they remove (see take).
    """
    c = self._controls

    def shut():
      eoi_close = c.end_of_input.close(cancel_pending_enqueues=True)
      with tf.control_dependencies([eoi_close]):
        token_close = c.token_queue.close(False, name="FIFOClose")
      with tf.control_dependencies([token_close]):
        keys = _filler_keys(tf.range(self._fillers, dtype=tf.int64))
        fill = self._insert_fillers(self._barrier.barrier_ref, keys)
      with tf.control_dependencies([fill]):
        return tf.constant(True)
    done = locked(c.admission, shut)
    return tf.group(done, name=scope)

  def _cancel_close(self, scope):
    """close(cancel_pending_enqueues=True); see close()."""
    c = self._controls
    ref = self._barrier.barrier_ref
    eoi_close = c.end_of_input.close(cancel_pending_enqueues=True)
    deps = [eoi_close]
    if self._fillers:
      # Takes stop replacing fillers before the store refuses new keys.
      deps.append(c.cancelled.close(cancel_pending_enqueues=True))
      with tf.control_dependencies(deps):
        store_close = raw.BarrierClose(handle=ref,
                                       cancel_pending_enqueues=True,
                                       name="BarrierClose")
    else:
      # TF's Barrier deadlocks on a cancelling close once a plain close has
      # already shut its ready queue (closed with nothing incomplete).  A
      # cancel has nothing left to do then, so it is skipped in that case.
      # (In filler mode a plain close never closes the store.)
      drained = tf.logical_and(c.token_queue.is_closed(), tf.equal(
          self._barrier.incomplete_size(), 0))
      with tf.control_dependencies(deps):
        store_close = _run_if(
            tf.logical_not(drained), ref,
            lambda gated: raw.BarrierClose(handle=gated,
                                           cancel_pending_enqueues=True,
                                           name="BarrierClose"))
    with tf.control_dependencies([store_close]):
      token_close = c.token_queue.close(True, name="FIFOClose")
    return tf.group(store_close, token_close, name=scope)

  def fail(self):
    """Ops (a list) that wake a take waiting when an input failure is
    recorded: fillers, with a bound on the batch size."""
    if not self._fillers:
      return []
    numbers = _FAILURE_FILLERS + tf.range(self._fillers, dtype=tf.int64)
    return [self._insert_fillers(self._barrier.barrier_ref,
                                 _filler_keys(numbers))]


def _run_if(run, ref, build, tensors=()):
  """Runs the op `build(ref, *tensors)` only when the bool scalar `run` holds.

  Built from TF's primitive Switch/Merge ops rather than tf.cond because the
  op takes a ref-typed handle, which cond_v2 (TF 2.x) cannot capture.  Ops
  computed from `tensors` inside `build` run only when `run` holds.

  Returns:
    A tensor that is always computed, after the op when it ran.
  """
  pred_false, pred_true = raw.Switch(data=run, pred=run)
  _, ref_true = raw.RefSwitch(data=ref, pred=run)
  gated = [raw.Switch(data=t, pred=run)[1] for t in tensors]
  op = build(ref_true, *gated)
  with tf.control_dependencies([op]):
    after = tf.identity(pred_true)
  return raw.Merge(inputs=[pred_false, after]).output


def _filler_keys(numbers):
  """Keys of fillers numbered `numbers` (int64 vector).

  close() stores fillers 0 .. F-1; a take that removes filler ``j`` stores
  filler ``j + F``.  So filler numbers stay distinct: ``j mod F`` is a slot
  that holds one filler at a time, and its number only grows.  (Insertion
  indices cannot name them: every key of one insert shares one index.)
  """
  return tf.strings.join([_FILLER_KEY_PREFIX, tf.strings.as_string(numbers)])


def _filler_numbers(keys):
  """Inverse of _filler_keys."""
  digits = tf.strings.substr(keys, len(_FILLER_KEY_PREFIX), 20)
  return tf.strings.to_number(digits, out_type=tf.int64)
