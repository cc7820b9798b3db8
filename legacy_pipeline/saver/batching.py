"""batch_sequences_with_states: contrib's segment batching, in-house.

Wraps SequenceQueueingStateSaver with what the contrib function added on top:
padding to a multiple of ``num_unroll``, SparseTensor sequences and context,
unique keys, the ready-segments summary and the queue runner.
"""
from __future__ import absolute_import, division, print_function

import collections
import threading
import weakref

from legacy_pipeline.saver import _checks
from legacy_pipeline.saver import constant_input
from legacy_pipeline._tf import is_sparse, raw, require_graph_mode, tf, tf1
from legacy_pipeline.saver import state_saver
from legacy_pipeline.saver.state_saver import SequenceQueueingStateSaver

# Sparse context values travel as sequences under this prefix.
_SPARSE_CONTEXT_PREFIX = "_context_in_seq_"


def batch_sequences_with_states(input_key, input_sequences, input_context,
                                input_length, initial_states, num_unroll,
                                batch_size, num_threads=3, capacity=1000,
                                allow_small_batch=True, pad=True,
                                make_keys_unique=False,
                                make_keys_unique_seed=None, name=None, *,
                                store=None):
  """Batches segments of sequences, keeping a saved state per sequence.

  Drop-in replacement for TF 1.15's
  ``tf.contrib.training.batch_sequences_with_states``: same arguments,
  defaults, keys, order and run-time errors.  It builds a
  ``SequenceQueueingStateSaver`` and registers a ``QueueRunner`` with
  ``num_threads`` threads running its prefetch op, so the caller starts queue
  runners (``tf.train.start_queue_runners`` or a MonitoredSession) and fetches
  the returned batch.

  Args:
    input_key: string scalar Tensor, unique among examples in flight.
    input_sequences: dict name -> Tensor [T, ...] or SparseTensor; dim 0 is
      time and must agree between the dense entries.
    input_context: dict name -> Tensor (fully static shape) or SparseTensor.
    input_length: int32 scalar, the true length, or None (needs pad=True: the
      dynamic length of the alphabetically first dense sequence is used).
    initial_states: non-empty dict name -> value with a static shape.
    num_unroll: Python int, steps per segment.
    batch_size: int, or int32 scalar Tensor (may be a placeholder).
    num_threads: int > 0, queue-runner threads running the prefetch.
    capacity: max examples in flight (not segments); None for no bound.
    allow_small_batch: after the input ends, deliver partial batches.
    pad: zero-pad (``""`` for strings) every sequence to a multiple of
      num_unroll; with False the lengths must already be multiples.
    make_keys_unique: append a random int in [0, 1e8) to the key (no
      separator), drawn per example with ``make_keys_unique_seed``.
    make_keys_unique_seed: op seed of that draw.
    name: name scope (default ``batch_sequences_with_states``).
    store: which store batches the segments: "barrier" (contrib's),
      "scheduled" (the same batches, placed as examples are read: faster;
      needs a static batch_size), "auto" (scheduled when batch_size is a
      static int) or None (the LEGACY_PIPELINE_STORE environment variable,
      else "barrier").  A legacy_pipeline addition; see docs/state_saver.md.

  Returns:
    A ``NextQueuedSequenceBatch``.  SparseTensor sequences come back as
    SparseTensors with dense_shape ``[batch_size, num_unroll, ...]``, sparse
    context as ``[batch_size, ...]``.

  Raises:
    TypeError: a dict argument is not a dict, a key is not a string, bool
      sequences with pad=True, wrong length/key dtypes.
    ValueError: num_unroll not an int (pad=True), empty dicts, shapes not
      static, capacity < batch_size, batch_size < 0, num_threads < 1,
      input_length None with pad=False.
    ConstantInputError (a ValueError), only with LEGACY_PIPELINE_STRICT=1:
      no input comes from a queue, reader or iterator, so every prefetch
      would store the same example; by default this is a
      ConstantInputWarning and the graph is built as contrib built it.
      Build inside ``legacy_pipeline.constant_input_allowed()`` to silence
      it when intended.
    tf.errors.InvalidArgumentError (run time, from the queue runner):
      sequence lengths differ or are not a multiple of num_unroll (pad=False),
      a zero-length sequence, input_length above the padded length, a key
      already in flight.
    tf.errors.OutOfRangeError (run time, from a take): the input has ended
      and no (full, unless allow_small_batch) batch is left.

  Compatibility:
    Graph mode only, on TF 1.15 and TF 2.x (``tf.compat.v1``).  The changes
    against contrib are listed in ``SequenceQueueingStateSaver``.
  """
  return build(input_key, input_sequences, input_context, input_length,
               initial_states, num_unroll, batch_size, num_threads, capacity,
               allow_small_batch, pad, make_keys_unique, make_keys_unique_seed,
               name, store=store)


def build(input_key, input_sequences, input_context, input_length,
          initial_states, num_unroll, batch_size, num_threads, capacity,
          allow_small_batch, pad, make_keys_unique, make_keys_unique_seed,
          name, start_segment=None, journal=None,
          caller="batch_sequences_with_states", store=None):
  """batch_sequences_with_states, plus the in-flight journal's two hooks.

  Args:
    (as batch_sequences_with_states), and
    start_segment: int32 scalar, the segment the example starts at (a
      replayed example, see legacy_pipeline.saver.in_flight), or None.
    journal: the in_flight.Journal that save_state reports to, or None.
    caller: name used in messages and as the default name scope.
    store: as batch_sequences_with_states.

  Returns:
    A NextQueuedSequenceBatch.
  """
  require_graph_mode(caller)
  _checks.check_dict(input_sequences, "input_sequences", caller)
  _checks.check_dict(input_context, "input_context", caller)
  _checks.check_dict(initial_states, "initial_states", caller)
  _checks.check_num_unroll(num_unroll, caller)
  if not _checks.is_int(num_threads) or num_threads < 1:
    raise ValueError("%s: num_threads must be a positive int, got %r "
                     "(a QueueRunner needs at least one enqueue op)" %
                     (caller, num_threads))
  values = [v for v in list(input_sequences.values()) +
            list(input_context.values()) + list(initial_states.values())
            if isinstance(v, (tf.Tensor, tf.SparseTensor))]
  given = (input_key, dict(input_sequences), dict(input_context),
           input_length)
  with tf1.name_scope(name, caller, values):
    input_sequences = dict(input_sequences)
    input_context = dict(input_context)
    if pad:
      length, input_sequences = _padding(input_sequences, num_unroll,
                                         input_key)
      if input_length is None:
        input_length = length
    else:
      input_sequences = _check_multiples(input_sequences, num_unroll,
                                         input_key)
    _sparse_context_to_sequences(input_context, input_sequences, num_unroll)
    input_sequences, sparse_keys, sparse_maps = _sparse_to_handles(
        input_sequences)
    if make_keys_unique:
      input_key = state_saver.with_unique_suffix(input_key,
                                                 make_keys_unique_seed)
    saver = SequenceQueueingStateSaver(
        batch_size, num_unroll,
        input_length=input_length,
        input_key=input_key,
        input_sequences=input_sequences,
        input_context=input_context,
        initial_states=initial_states,
        capacity=capacity,
        allow_small_batch=allow_small_batch,
        store=store)
    if start_segment is not None or journal is not None:
      saver.set_replay(start_segment, journal)
    # Last, after every argument check: constant inputs would be stored again
    # at every prefetch (make_keys_unique's random suffix does not count).
    constant_input.check_inputs_advance(caller, *given)
    store = saver.barrier
    tf1.summary.scalar("queue/%s/ready_segment_batches_" % store.name,
                       tf.cast(store.ready_size(), tf.float32))
    runner = SaverQueueRunner(saver, num_threads)
    tf1.train.add_queue_runner(runner)
    batch = saver.next_batch
    _handles_to_sparse(batch.sequences, sparse_keys, sparse_maps, batch_size,
                       num_unroll)
    _sequences_to_sparse_context(batch.context, batch.sequences)
    return batch


class SaverQueueRunner(tf1.train.QueueRunner):
  """The saver's QueueRunner: contrib's, plus failures reach the consumer.

  ``num_threads`` threads run the prefetch op.  As in contrib, a thread that
  gets OutOfRangeError or CancelledError stops, and the last one to stop
  closes the saver (plain close: the input has ended).  Any other error (bad
  data, a corrupt record, a duplicate key) is first recorded in the graph
  (``SequenceQueueingStateSaver.report_failure_op``), so the consumer's next
  take -- or one already waiting -- fails with InvalidArgumentError carrying
  the error's class and message, with or without a Coordinator; then the
  error goes to the Coordinator (``request_stop(e)``, re-raised by ``join``)
  or, without one, is logged and raised in the thread, as contrib did.

  Exported to a MetaGraph it is a plain QueueRunner (contrib's behaviour).
  """

  def __init__(self, saver, num_threads, op=None):
    """Runs `op` (default: the saver's prefetch op) in `num_threads` threads.

    Args:
      saver: the SequenceQueueingStateSaver fed and closed by the threads.
      num_threads: number of threads, each running `op`.
      op: the op to run; None for ``saver.prefetch_op``.
    """
    super(SaverQueueRunner, self).__init__(
        saver, [saver.prefetch_op if op is None else op] * num_threads,
        queue_closed_exception_types=(tf.errors.OutOfRangeError,
                                      tf.errors.CancelledError))
    self._saver = saver
    self._message, self._report = saver.report_failure_op()
    self._reported = weakref.WeakKeyDictionary()  # session -> True
    self._report_lock = threading.RLock()

  def _run(self, sess, enqueue_op, coord=None):
    prefetch = sess.make_callable(enqueue_op)
    ended = False
    try:
      while not (coord and coord.should_stop()):
        try:
          prefetch()
        except self._queue_closed_exception_types:  # pylint: disable=catching-non-exception
          ended = True
          return
    except Exception as e:  # pylint: disable=broad-except
      if coord:
        # The Coordinator holds the error before any take can see the
        # report (so join re-raises it), and its cancelling close waits for
        # the report (see _close_on_stop), so a waiting take is not ended by
        # that close with OutOfRangeError first.
        with self._report_lock:
          coord.request_stop(e)
          self._report_failure(sess, e)
        return
      self._report_failure(sess, e)
      tf1.logging.error("Exception in the state saver's QueueRunner: %s", e)
      with self._lock:
        self._exceptions_raised.append(e)
      raise
    finally:
      with self._lock:
        self._runs_per_session[sess] -= 1
        last = self._runs_per_session[sess] == 0
        if ended and last:
          try:
            sess.run(self._close_op)
          except tf.errors.OpError:
            pass  # already closed or cancelled: nothing left to do

  def _close_on_stop(self, sess, cancel_op, coord):
    """Cancels the saver once the Coordinator stops, after any report."""
    coord.wait_for_stop()
    with self._report_lock:
      pass
    try:
      sess.run(cancel_op)
    except (tf.errors.OpError, RuntimeError):
      pass  # already cancelled, or the session is closing

  def _report_failure(self, sess, error):
    """Records the first failure of this session's input in the graph.

    Threads failing at the same time wait here until the first report is
    stored, so none tells its Coordinator (whose cancel would end a waiting
    take with OutOfRangeError) before the takes can see the failure.
    """
    with self._report_lock:
      if sess in self._reported:
        return
      self._reported[sess] = True
      message = "%s in the input of state saver %s (a prefetch thread): %s" % (
          type(error).__name__, self._saver.name, _error_text(error))
      try:
        sess.run(self._report, {self._message: message})
      except (tf.errors.OpError, RuntimeError):
        pass  # the session is closing: nobody is left to tell


def _error_text(error):
  """The error's own message on one line, without TF 2.x's graph traceback."""
  lines = (getattr(error, "message", None) or str(error)).splitlines()
  for i in range(len(lines) - 1, -1, -1):
    if lines[i].startswith("Node: "):  # TF 2.x: traceback, then the message
      lines = lines[i + 1:]
      break
  return " ".join(l.strip() for l in lines if l.strip())


def _padding(sequences, num_unroll, key=None):
  """Pads every sequence to a multiple of num_unroll.

  Returns:
    (length, padded): the unpadded length of the first dense sequence by name
    (or the largest sparse dense_shape[0] if all are sparse) and the dict of
    padded sequences.
  """
  _checks.check_names(sequences.keys(), "sequences")
  if not sequences:
    return 0, {}
  ordered = collections.OrderedDict()
  for k in sorted(sequences):
    v = sequences[k]
    ordered[k] = v if is_sparse(v) else tf.convert_to_tensor(v)
  for k, v in ordered.items():
    if not is_sparse(v) and v.dtype == tf.bool:
      raise TypeError("batch_sequences_with_states: sequence '%s' is bool, "
                      "which cannot be zero-padded; cast it to an integer "
                      "type or use pad=False" % k)
  dense_lengths = [tf.shape(v)[0] for v in ordered.values()
                   if not is_sparse(v)]
  if dense_lengths:
    length = dense_lengths[0]
    named = [tf.strings.join([k, "=", tf.strings.as_string(tf.shape(v)[0])])
             for k, v in ordered.items() if not is_sparse(v)]
    message = ["All sequence lengths must match, but received lengths: ",
               tf.strings.reduce_join(tf.stack(named), separator=", ")]
    if key is not None:
      message += ["; example key: ", key]
    same = tf1.Assert(
        tf.reduce_all(tf.equal(tf.stack(dense_lengths), length)),
        [tf.strings.join(message)], name="CheckSequenceLengthsMatch")
    with tf.control_dependencies([same]):
      length = tf.identity(length)
  else:
    length = tf.reduce_max(tf.cast(
        [v.dense_shape[0] for v in ordered.values()], tf.int32))
  padded_length = length + tf.math.floormod(num_unroll - length % num_unroll,
                                            num_unroll)
  padded = {}
  for k, v in ordered.items():
    if is_sparse(v):
      padded[k] = tf.SparseTensor(
          indices=v.indices, values=v.values,
          dense_shape=tf.concat(
              [[tf.cast(padded_length, tf.int64)], v.dense_shape[1:]], 0))
    else:
      fill_shape = tf.concat([[padded_length - tf.shape(v)[0]],
                              tf.shape(v)[1:]], 0)
      filler = tf.fill(fill_shape, tf.constant(
          "" if v.dtype == tf.string else 0, dtype=v.dtype))
      padded[k] = tf.concat([v, filler], 0)
  return length, padded


def _check_multiples(sequences, num_unroll, key):
  """pad=False: asserts every dim 0 is a non-zero multiple of num_unroll."""
  checked = {}
  for k, v in sequences.items():
    if is_sparse(v):
      n = v.dense_shape[0]
      check = _checks.check_multiple_of(n, tf.cast(num_unroll, n.dtype),
                                        "SparseTensor %s first dimension" % k,
                                        key=key)
      with tf.control_dependencies([check]):
        checked[k] = tf.SparseTensor(
            tf.identity(v.indices, name="multiple_of_checked"),
            tf.identity(v.values, name="multiple_of_checked"),
            tf.identity(v.dense_shape, name="multiple_of_checked"))
    else:
      try:
        v = tf.convert_to_tensor(v)
      except TypeError:
        raise TypeError("Unsupported input_sequences expected Tensor or "
                        "SparseTensor values, got: %s for key %s" %
                        (type(v), k))
      n = tf.shape(v)[0]
      check = _checks.check_multiple_of(
          n, num_unroll, "Tensor %s first dimension" % k, key=key)
      with tf.control_dependencies([check]):
        checked[k] = tf.identity(v, name="multiple_of_checked")
  return checked


def _sparse_context_to_sequences(context, sequences, num_unroll):
  """Moves sparse context values into sequences (one copy per segment).

  The copy sits at time step 0 of every segment, so after batching it can be
  read back from any row with a plain reshape.
  """
  names = sorted(k for k, v in context.items() if is_sparse(v))
  if not names:
    return
  if sequences:
    first = next(iter(sequences.values()))
    steps = first.dense_shape[0] if is_sparse(first) else tf.shape(first)[0]
  else:
    steps = tf.constant(1)
  steps = tf.cast(steps, tf.int64)
  for k in names:
    sp = context.pop(k)
    sp = tf.SparseTensor(sp.indices, sp.values, sp.dense_shape) if not \
        isinstance(sp, tf.SparseTensor) else sp
    copies = tf.cast(steps // num_unroll, tf.int32)
    nnz = tf.shape(sp.indices)[0]
    rank = tf.shape(sp.indices)[1]
    starts = tf.range(0, steps, num_unroll, dtype=tf.int64)  # [copies]
    time = tf.tile(tf.reshape(starts, [-1, 1, 1]), [1, nnz, 1])
    idx = tf.tile(tf.expand_dims(sp.indices, 0), tf.stack([copies, 1, 1]))
    indices = tf.reshape(tf.concat([time, idx], 2),
                         tf.stack([copies * nnz, rank + 1]))
    sequences[_SPARSE_CONTEXT_PREFIX + k] = tf.SparseTensor(
        indices=indices,
        values=tf.tile(sp.values, tf.expand_dims(copies, 0)),
        dense_shape=tf.concat([tf.expand_dims(steps, 0), sp.dense_shape], 0))


def _sequences_to_sparse_context(context, sequences):
  """Inverse of _sparse_context_to_sequences on a batch."""
  for key in sorted(k for k in sequences if k.startswith(
      _SPARSE_CONTEXT_PREFIX)):
    sp = sequences.pop(key)
    shape = sp.dense_shape
    context[key[len(_SPARSE_CONTEXT_PREFIX):]] = tf1.sparse.reshape(
        tf.SparseTensor(sp.indices, sp.values,
                        tf.concat([shape[:1], [1], shape[2:]], 0)),
        tf.concat([shape[:1], shape[2:]], 0))


def _sparse_to_handles(sequences):
  """Stores SparseTensor sequences in a map; one int64 handle per time step.

  Returns:
    (sequences with handles in place of sparse values, sorted sparse names,
    {name: shared map name}).
  """
  names = sorted(k for k, v in sequences.items() if is_sparse(v))
  if not names:
    return sequences, [], {}
  out = dict(sequences)
  maps = {}
  for k in names:
    sp = sequences[k]
    graph = tf1.get_default_graph()
    shared = graph.unique_name("sparse_map_%s" % k, mark_as_used=True)
    out[k] = raw.AddManySparseToTensorsMap(
        sparse_indices=sp.indices, sparse_values=sp.values,
        sparse_shape=sp.dense_shape, shared_name=shared,
        name="StoreSparse_%s" % k)
    maps[k] = (out[k].op, shared, sp.values.dtype)
  return out, names, maps


def _handles_to_sparse(sequences, names, maps, batch_size, num_unroll):
  """Turns [B, num_unroll] handles back into [B, num_unroll, ...] sparse."""
  for k in names:
    store_op, shared, dtype = maps[k]
    handles = tf.reshape(sequences[k], [-1])
    with tf1.colocate_with(store_op):
      sp = raw.TakeManySparseFromTensorsMap(
          sparse_handles=handles, dtype=dtype, shared_name=shared,
          name="RestoreSparse_%s" % k)
    indices, values, shape = sp.sparse_indices, sp.sparse_values, sp.sparse_shape
    u = tf.constant(num_unroll, tf.int64)
    rows = indices[:, 0]
    new_indices = tf.concat([tf.stack([rows // u, rows % u], 1),
                             indices[:, 1:]], 1)
    new_shape = tf.concat([[tf.cast(batch_size, tf.int64)], [u], shape[1:]], 0)
    sequences[k] = tf.SparseTensor(new_indices, values, new_shape)
