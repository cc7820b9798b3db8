"""SequenceQueueingStateSaver and NextQueuedSequenceBatch.

An in-house rebuild of TF 1.15's ``tf.contrib.training`` state saver from
``tf.compat.v1`` graph ops, so that truncated-BPTT segment batching runs on TF
1.15 and on TF 2.x alike.

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
per example in flight) bounds memory.

Behaviour matches contrib (key strings, order, lengths, dtypes, run-time error
classes).  The deliberate differences, all of them fixes of contrib quirks, are
listed in ``SequenceQueueingStateSaver``'s docstring and in the README.

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
from legacy_pipeline.saver import stores
from legacy_pipeline._tf import locked, raw, require_graph_mode, tf, tf1

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
# Value of the ignored capacity tokens.
_TOKEN = 1
# make_keys_unique draws its suffix from [0, KEY_SUFFIX_MAX), as contrib.
KEY_SUFFIX_MAX = 100000000
_UNBOUNDED = -1
# What follows the key in the error for a key already in flight.
DUPLICATE_KEY = ("' is already stored in the state saver (an example with "
                 "the same key has not finished). Keys must be unique among "
                 "examples in flight: use make_keys_unique=True or a capacity "
                 "below the number of distinct examples.")


def _sort_by_name(d):
  return collections.OrderedDict(sorted(d.items(), key=lambda kv: kv[0]))


class _SequenceInputs(object):
  """The user's inputs converted to tensors (length, key, sequences, context)."""

  def __init__(self, length, key, sequences, context, caller):
    _checks.check_dict(sequences, "input_sequences", caller)
    _checks.check_dict(context, "input_context", caller)
    if not sequences:
      raise ValueError("%s: input_sequences must have at least one sequence "
                       "tensor" % caller)
    _checks.check_names(sequences.keys(), "sequence")
    _checks.check_names(context.keys(), "context")
    if length is None:
      raise ValueError("%s: input_length is required (None values not "
                       "supported.)" % caller)
    self.length = tf.convert_to_tensor(length, name="length")
    self.key = tf.convert_to_tensor(key, name="key")
    self.sequences = dict(
        (k, tf.convert_to_tensor(v, name="sequence_%s" % k))
        for k, v in sequences.items())
    self.context = dict(
        (k, tf.convert_to_tensor(v, name="context_%s" % k))
        for k, v in context.items())


def reject_empty(shapes):
  """`shapes` as TensorShapes.

  Raises:
    ValueError: one of them has no elements (as TF's Barrier), naming its
      index among the store's components.
  """
  shapes = [tf.TensorShape(s) for s in shapes]
  for i, shape in enumerate(shapes):
    if shape.num_elements() == 0:
      raise ValueError("Empty tensors are not supported, but received shape "
                       "'%s' at index %d" % (shape, i))
  return shapes


class _Store(object):
  """A TF Barrier: keys -> tuples of components; see the module docstring.

  Exposes the parts of contrib's ``data_flow_ops.Barrier`` that users of the
  state saver touch: ``barrier_ref``, ``name``, ``ready_size()``,
  ``incomplete_size()`` and ``close()``.
  """

  def __init__(self, types, shapes, name="barrier"):
    self._types = list(types)
    self._shapes = reject_empty(shapes)
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
    """Sets component `component_index` of each key in `keys`."""
    return raw.BarrierInsertMany(handle=self._ref, keys=keys, values=values,
                                 component_index=component_index, name=name)

  def take_many(self, num_elements, allow_small_batch=False, name=None):
    """Removes `num_elements` complete entries: (indices, keys, values)."""
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
    """Op closing the store (see SequenceQueueingStateSaver.close)."""
    return raw.BarrierClose(handle=self._ref,
                            cancel_pending_enqueues=cancel_pending_enqueues,
                            name=name)

  def ready_size(self, name=None):
    """int32 scalar: number of complete entries."""
    return raw.BarrierReadySize(handle=self._ref, name=name)

  def incomplete_size(self, name=None):
    """int32 scalar: number of incomplete entries."""
    return raw.BarrierIncompleteSize(handle=self._ref, name=name)


class NextQueuedSequenceBatch(object):
  """The batch of segments delivered by a SequenceQueueingStateSaver.

  Every tensor here comes from one take: fetching any of them in a
  ``Session.run`` removes one batch from the saver, and all fields fetched in
  that run belong to the same batch.  ``B`` below is the number of rows
  actually delivered (``batch_size`` unless small batches are allowed).

  Properties:
    key, next_key: string [B]. ``"%05d_of_%05d:<key>"`` of this and of the
      following segment; ``"STOP:<key>"`` after the last one.
    length: int32 [B], valid steps in this segment,
      ``min(num_unroll, max(0, input_length - sequence * num_unroll))``.
    total_length: int32 [B], the example's input_length.
    sequence, sequence_count: int32 [B], segment index and number of segments.
    insertion_index: int64 [B], example counter (starts at -2**63), ascending.
    batch_size: int32 scalar, B.
    context: OrderedDict name -> [B, ...].
    sequences: OrderedDict name -> [B, num_unroll, ...].
  """

  def __init__(self, state_saver):
    self._state_saver = state_saver
    self._save_ops = {}

  @property
  def _received(self):
    return self._state_saver._received  # pylint: disable=protected-access

  @property
  def state_saver(self):
    """The SequenceQueueingStateSaver this batch comes from.

    A legacy_pipeline addition (contrib kept it private): for its ``stats()``,
    ``capacity`` and the stall watchdog.
    """
    return self._state_saver

  @property
  def total_length(self):
    """int32 [B]: input_length of each row's example."""
    return self._received["total_length"]

  @property
  def length(self):
    """int32 [B]: number of valid steps of each row in this segment."""
    return self._received["length"]

  @property
  def batch_size(self):
    """int32 scalar: number of rows delivered."""
    return self._received["batch_size"]

  @property
  def insertion_index(self):
    """int64 [B]: per-example insertion counter (ascending in a batch)."""
    return self._received["insertion_index"]

  @property
  def key(self):
    """string [B]: segment keys ``"%05d_of_%05d:<key>"``."""
    return self._received["key"]

  @property
  def next_key(self):
    """string [B]: key of the following segment, or ``"STOP:<key>"``."""
    return self._received["next_key"]

  @property
  def sequence(self):
    """int32 [B]: segment index within its example."""
    return self._received["sequence"]

  @property
  def sequence_count(self):
    """int32 [B]: number of segments of each row's example."""
    return self._received["sequence_count"]

  @property
  def context(self):
    """OrderedDict name -> Tensor [B, ...]: the example's context."""
    return self._received["context"]

  @property
  def sequences(self):
    """OrderedDict name -> Tensor [B, num_unroll, ...]: this segment's steps."""
    return self._received["sequences"]

  def state(self, state_name):
    """The state `state_name` for every row.

    Evaluating it also releases the capacity tokens of the examples that end in
    this batch.

    Args:
      state_name: a name from ``initial_states``.

    Returns:
      Tensor [B, ...] with the state's dtype: the initial value for segment 0,
      else the value saved while processing the previous segment.

    Raises:
      KeyError: `state_name` was not declared.
    """
    return self._received["states"][state_name]

  def save_state(self, state_name, value, name=None):
    """Stores `value` as the state the next segment of each row starts from.

    Rows whose segment is the last of their example are dropped.

    Args:
      state_name: a name from ``initial_states``.
      value: Tensor convertible, shape and dtype of ``state(state_name)``.
      name: name scope (default ``InputQueueingStateSaver_SaveState``).

    Returns:
      The save Operation.

    Raises:
      KeyError: `state_name` was not declared.
      ValueError: the static rank or shape of `value` is wrong, or this state
        already has a save op on this batch (contrib let two saves of one state
        race at run time; here it is refused when the graph is built).
      tf.errors.InvalidArgumentError (run time): the shape or dtype of `value`
        does not match the state.
    """
    states = self._received["states"]
    if state_name not in states:
      raise KeyError("state was not declared: %s" % state_name)
    if state_name in self._save_ops:
      raise ValueError(
          "save_state: state '%s' is already saved by op '%s' on this batch; "
          "each state may be saved once per batch (a second save in the same "
          "run would race)." % (state_name, self._save_ops[state_name].name))
    saver = self._state_saver
    with tf1.name_scope(name, "InputQueueingStateSaver_SaveState", [value]):
      value = tf.identity(value, name="convert_%s" % state_name)
      value = _checks.check_shape(value, tf.shape(states[state_name]))
      keep = self._received["not_done_rows"]
      op = saver._save(self, state_name, value, keep)  # pylint: disable=protected-access
      journal = saver._journal  # pylint: disable=protected-access
      if journal is not None:
        op = tf.group(op, journal.on_save_state(self, state_name, value),
                      name="SaveStateAndJournal_%s" % state_name)
    self._save_ops[state_name] = op
    return op


class SequenceQueueingStateSaver(object):
  """Batches segments of sequences and keeps a state per sequence.

  Same constructor, properties and run-time behaviour as TF 1.15's
  ``tf.contrib.training.SequenceQueueingStateSaver``; see ../SPEC and the
  README.  Build it in graph mode; run ``prefetch_op`` from queue-runner
  threads and fetch ``next_batch`` fields (with ``save_state`` ops) from the
  training loop.

  Differences from contrib (each fixes a contrib quirk):

  * End of input never hangs and never loses a segment.  With
    ``allow_small_batch=False``, once the saver is closed and fewer than
    ``batch_size`` examples remain in flight, takes fail with
    ``OutOfRangeError`` at once (contrib waited forever when the leftovers
    belonged to fewer than ``batch_size`` examples).  A take already waiting
    when the saver is closed ends too: with a partial batch when
    ``allow_small_batch=True``, else with ``OutOfRangeError``.  When the batch
    size is bounded (an int, or a ``capacity``) a plain ``close()`` leaves the
    store open and stores filler entries that takes strip and replace (see
    the module docstring); they show in ``barrier.ready_size()`` after a
    close.  With a ``batch_size`` tensor that is neither constant nor bounded
    by ``capacity``, the store closes and a take waiting at close behaves as
    in contrib.
  * A prefetch failure reaches the takes when the saver's queue runner
    reports it (``report_failure_op``; batch_sequences_with_states' runner
    does): every later take fails with ``InvalidArgumentError`` naming the
    original class and message, instead of a hang or an ``OutOfRangeError``.
  * A negative ``batch_size`` raises ``ValueError`` at build time (a negative
    fed value fails an assertion) instead of aborting the process.
  * A key already in flight is refused at prefetch with
    ``InvalidArgumentError`` naming the key, for single-segment examples too
    (contrib delivered those twice).  When the batch size is bounded the
    check runs under the admission lock, so it is atomic across threads.
  * Non-dict arguments raise ``TypeError`` (contrib: ``AttributeError``).
  * A second ``save_state`` of one state on one batch raises ``ValueError``
    at build time (contrib raced at run time).
  * A ``num_unroll`` that is not a positive Python int raises ``TypeError`` /
    ``ValueError`` naming it.
  """

  def __new__(cls, batch_size, *args, **kwargs):
    """The class of the store `store` resolves to (see stores.choose_store)."""
    del args
    if cls is SequenceQueueingStateSaver:
      checked = _check_batch_size(batch_size, "SequenceQueueingStateSaver")
      cls = stores.saver_class(
          stores.choose_store(kwargs.get("store"), checked)[0])
    return super(SequenceQueueingStateSaver, cls).__new__(cls)

  def __init__(self,
               batch_size,
               num_unroll,
               input_length,
               input_key,
               input_sequences,
               input_context,
               initial_states,
               capacity=None,
               allow_small_batch=False,
               name=None,
               *,
               store=None):
    """Builds the store and validates the inputs.

    Args:
      batch_size: int, or int32 scalar Tensor (may be fed per run).
      num_unroll: Python int > 0, the segment length.
      input_length: int32 scalar, the example's true length (<= padded length).
      input_key: string scalar, unique among examples in flight.
      input_sequences: dict name -> Tensor [T, ...]; T a non-zero multiple of
        num_unroll, the same for all.
      input_context: dict name -> Tensor with a fully static shape.
      initial_states: non-empty dict name -> initial value (static shape).
      capacity: max examples in flight, or None for no bound.
      allow_small_batch: after close, deliver partial batches.
      name: name scope (default ``InputQueueingStateSaver``).
      store: "barrier" (TF's Barrier, as contrib), "scheduled" (batches
        placed as examples are read; needs a static batch_size > 0, see
        legacy_pipeline.saver.scheduled), "auto" (scheduled when it applies)
        or None (the LEGACY_PIPELINE_STORE environment variable, else
        "barrier").  A legacy_pipeline addition, keyword only.

    Raises:
      TypeError: a dict argument is not a dict, a key is not a string, length
        is not int32, key is not a string tensor, num_unroll is not an int.
      ValueError: empty dicts, ':' in a key, shapes not static or empty,
        capacity < batch_size, negative batch_size, non-positive num_unroll,
        input_length None, length or key not scalar.
      tf.errors.InvalidArgumentError: a constant tensor batch_size exceeds
        capacity.
      GraphModeError: executing eagerly.
    """
    caller = "SequenceQueueingStateSaver"
    require_graph_mode(caller)
    batch_size = _check_batch_size(batch_size, caller)
    self._store_kind, self._store_reason = stores.choose_store(store,
                                                               batch_size)
    if capacity is not None and isinstance(batch_size, tf.Tensor):
      capacity_ok = tf1.assert_greater_equal(
          tf.cast(capacity, tf.int64), tf.cast(batch_size, tf.int64),
          message="capacity needs to be >= batch_size.")
      with tf.control_dependencies([capacity_ok]):
        input_key = tf.identity(input_key)
    elif capacity is not None and capacity < batch_size:
      raise ValueError("capacity %d needs to be >= batch_size %d" %
                       (capacity, batch_size))
    if self._store_kind == "scheduled":  # a static int (stores.choose_store)
      batch_size = _checks.static_int(batch_size)
    _checks.check_num_unroll(num_unroll, caller)
    _check_initial_states(initial_states, caller)

    self._token_queue = tf1.FIFOQueue(
        capacity=_UNBOUNDED if capacity is None else capacity,
        dtypes=[tf.int32], shapes=[[]], name="capacity_tokens")
    values = [input_length, input_key]
    values += list(input_sequences.values()) if isinstance(
        input_sequences, dict) else []
    values += list(input_context.values()) if isinstance(
        input_context, dict) else []
    with tf1.name_scope(name, "InputQueueingStateSaver", values) as scope:
      self._scope = scope
      inputs = _SequenceInputs(input_length, input_key, input_sequences,
                               input_context, caller)
      states = dict((k, tf.convert_to_tensor(v, name="state_%s" % k))
                    for k, v in initial_states.items())
      _checks.check_fully_defined("state", states)
      _checks.check_fully_defined("context", inputs.context)
      _checks.check_fully_defined("sequence", inputs.sequences, skip_first=True)
      self._states = _sort_by_name(states)
      sequences = _sort_by_name(inputs.sequences)
      self._context = _sort_by_name(inputs.context)

      length = _checks.check_rank(inputs.length, 0)
      key = _checks.check_rank(inputs.key, 0)
      if length.dtype != tf.int32:
        raise TypeError("length dtype must be int32, but received: %s" %
                        length.dtype)
      if key.dtype != tf.string:
        raise TypeError("key dtype must be string, but received: %s" %
                        key.dtype)
      self._key = key

      self._check_lengths(sequences, length, key, num_unroll)

      self._batch_size = batch_size
      self._num_unroll = num_unroll
      self._capacity = capacity
      self._allow_small_batch = bool(allow_small_batch)
      self._store = self._layout_store()
      self._build_controls()
    self._prefetch_op = None
    self._next_batch = None
    self._received = None
    # See set_replay.
    self._start_segment = None
    self._journal = None

  def _check_lengths(self, sequences, length, key, num_unroll):
    """Run-time length checks; sets _padded_length, _sequences, _length.

    Run-time messages end with the example's key, so a bad record in a
    queue-runner thread is named in the error the Coordinator re-raises.
    """
    first = next(iter(sequences.values()))
    padded_length = tf.identity(tf.shape(first)[0], name="padded_length")
    self._padded_length = _checks.check_multiple_of(padded_length,
                                                    num_unroll, key=key)
    self._sequences = collections.OrderedDict(
        (k, _checks.check_dim0(v, self._padded_length,
                               "sorted_sequences_%s" % k, key=key))
        for k, v in sequences.items())
    length_ok = tf1.Assert(
        tf.less_equal(length, self._padded_length),
        ["Input length should be <= than length from sequences:", length,
         " vs. ", self._padded_length, "; example key:", key])
    with tf.control_dependencies([length_ok]):
      self._length = tf.identity(length)

  def _build_controls(self):
    """The queues, tables and lock beside the store (see the comments)."""
    # A closed queue that nothing is ever enqueued to: dequeuing from it is
    # how a take reports the end of input (OutOfRangeError) without a cond.
    self._end_of_input = tf1.FIFOQueue(
        capacity=1, dtypes=[tf.int32], shapes=[[]],
        name="end_of_input_no_full_batch_left")
    self._in_flight = raw.MutableHashTableV2(
        key_dtype=tf.string, value_dtype=tf.int64, name="keys_in_flight")
    # How the end of input is delivered (see _build_take and close()):
    # with a bound on the batch size (a constant batch_size, or capacity),
    # filler entries wake takes and the store is never closed by a plain
    # close; without one, the store is closed as contrib did.
    self._fillers = self._filler_count()
    if self._fillers:
      # Admission (storing an example) and close() exclude each other, so
      # once close() has run every admitted example is wholly stored and
      # no example is stored after the fillers (see close()).
      self._admission = tf.CriticalSection(name="admission")
      # Closed by a cancelling close: takes stop replacing fillers then.
      self._cancelled = tf1.FIFOQueue(1, dtypes=[tf.int32], shapes=[[]],
                                      name="cancelled")
    # The first prefetch failure that is not an end of input, recorded by
    # the saver's queue runner (report_failure_op): a closed flag queue and
    # the message; takes check the flag (see _raise_if_failed).
    self._failed = tf1.FIFOQueue(1, dtypes=[tf.int32], shapes=[[]],
                                 name="input_failed")
    self._failure = raw.MutableHashTableV2(
        key_dtype=tf.int64, value_dtype=tf.string, name="input_failure")
    self._failure_report = None

  def _layout_store(self):
    """The Barrier: one component per bookkeeping field, sequence, context
    and state, in that order (names sorted), and their index by name."""
    names = ["__" + n for n, _, _ in _BOOKKEEPING]
    names += ["__sequence__" + k for k in self._sequences]
    names += ["__context__" + k for k in self._context]
    names += ["__state__" + k for k in self._states]
    self._index = dict((n, i) for i, n in enumerate(names))
    types = [t for _, t, _ in _BOOKKEEPING]
    types += [v.dtype for v in self._sequences.values()]
    types += [v.dtype for v in self._context.values()]
    types += [v.dtype for v in self._states.values()]
    return _Store(types, self._component_shapes())

  def _component_shapes(self):
    """The shape of each stored component, in the Barrier's order
    (bookkeeping, sequences, context, states): what every store checks."""
    shapes = [s for _, _, s in _BOOKKEEPING]
    shapes += [[self._num_unroll] + v.get_shape().as_list()[1:]
               for v in self._sequences.values()]
    shapes += [v.get_shape().as_list() for v in self._context.values()]
    shapes += [v.get_shape().as_list() for v in self._states.values()]
    return shapes

  # -- public properties ----------------------------------------------------

  @property
  def name(self):
    """The saver's name scope, with a trailing '/'."""
    return self._scope

  @property
  def store(self):
    """Which store this saver uses: "barrier" or "scheduled"."""
    return self._store_kind

  @property
  def store_reason(self):
    """Why that store was chosen (for logs and bug reports)."""
    return self._store_reason

  @property
  def barrier(self):
    """The store (a TF Barrier) holding every segment in flight."""
    return self._store

  @property
  def batch_size(self):
    return self._batch_size

  @property
  def num_unroll(self):
    return self._num_unroll

  @property
  def capacity(self):
    """The bound on examples in flight (an int), or None for no bound."""
    return self._capacity

  @property
  def allow_small_batch(self):
    """Whether takes deliver partial batches after close (a bool)."""
    return self._allow_small_batch

  def stats(self):
    """Run-time counts of the saver, for gauges and the stall watchdog.

    The ops are built at each call, in the caller's name scope.

    Returns:
      A dict of scalar tensors: ``ready`` and ``incomplete`` (int32, segments
      in the store's ready and incomplete sets; the ready count includes the
      fillers a close stores), ``in_flight`` (int32, examples stored and not
      finished: the capacity tokens held) and ``closed`` (bool, whether the
      saver no longer admits examples).
    """
    return collections.OrderedDict([
        ("ready", self._store.ready_size()),
        ("incomplete", self._store.incomplete_size()),
        ("in_flight", self._token_queue.size()),
        ("closed", self._token_queue.is_closed()),
    ])

  def set_replay(self, start_segment, journal):
    """Attaches the in-flight journal (legacy_pipeline.saver.in_flight).

    Must be called before ``prefetch_op`` or ``next_batch`` is first used.

    Args:
      start_segment: int32 scalar tensor, the segment the example being
        stored starts at (0 for a new example, more for a replayed one).
      journal: the in_flight.Journal that save_state reports each finished
        segment to.

    Raises:
      ValueError: the prefetch op is already built.
    """
    if self._prefetch_op is not None:
      raise ValueError("set_replay: %s already built its prefetch op" %
                       self._scope)
    self._start_segment = start_segment
    self._journal = journal

  @property
  def prefetch_op(self):
    """Op inserting one example (all its segments); built on first access.

    Blocks while ``capacity`` examples are in flight.  Fails with
    ``CancelledError`` once the saver is closed, and with
    ``InvalidArgumentError`` on bad input (length not a multiple of
    num_unroll, zero length, mismatched sequence lengths, duplicate key).
    """
    if self._prefetch_op is None:
      with self._reenter_scope():
        self._prefetch_op = self._build_prefetch()
    return self._prefetch_op

  @property
  def next_batch(self):
    """The cached NextQueuedSequenceBatch (builds prefetch_op too)."""
    prefetch = self.prefetch_op
    del prefetch
    if self._next_batch is None:
      with self._reenter_scope():
        self._build_take()
      self._next_batch = NextQueuedSequenceBatch(self)
    return self._next_batch

  def close(self, cancel_pending_enqueues=False, name=None):
    """Op closing the saver: no new examples after it.

    After a plain close, segments already stored keep completing through
    ``save_state`` and takes drain them (see the class docstring for how a
    take ends).  A second plain close fails with ``CancelledError``.  With
    ``cancel_pending_enqueues=True`` incomplete segments are discarded,
    blocked prefetches and later ``save_state`` runs fail with
    ``CancelledError``, and a take that cannot be filled fails with
    ``OutOfRangeError``.

    Args:
      cancel_pending_enqueues: bool, see above.
      name: name scope (default ``SQSSClose``).

    Returns:
      The close Operation.
    """
    with tf1.name_scope(name, "SQSSClose", [self._store.barrier_ref]) as scope:
      if cancel_pending_enqueues:
        return self._cancel_close(scope)
      if self._fillers:
        return self._close_with_fillers(scope)
      # No bound on the batch size: the store closes as contrib's did.
      eoi_close = self._end_of_input.close(cancel_pending_enqueues=True)
      with tf.control_dependencies([eoi_close]):
        store_close = self._store.close(False, "BarrierClose")
      with tf.control_dependencies([store_close]):
        token_close = self._token_queue.close(False, name="FIFOClose")
      return tf.group(store_close, token_close, name=scope)

  def _close_with_fillers(self, scope):
    """A plain close in filler mode: end of input without closing the store.

    Under the admission lock (so no example is half stored): the end-of-input
    queue closes (later prefetches are refused), then the token queue (a
    second close fails here with CancelledError), then ``F`` fillers are
    stored (``F`` = the filler count: the batch size, or capacity for a fed
    batch size).  The store itself stays open, so TF's PriorityQueue never
    closes under a waiting take (which would drop the rows it had gathered)
    and takes can replace the fillers they remove (see _build_take).
    """
    def shut():
      eoi_close = self._end_of_input.close(cancel_pending_enqueues=True)
      with tf.control_dependencies([eoi_close]):
        token_close = self._token_queue.close(False, name="FIFOClose")
      with tf.control_dependencies([token_close]):
        keys = _filler_keys(tf.range(self._fillers, dtype=tf.int64))
        fill = self._insert_fillers(self._store.barrier_ref, keys)
      with tf.control_dependencies([fill]):
        return tf.constant(True)
    done = locked(self._admission, shut)
    return tf.group(done, name=scope)

  def _cancel_close(self, scope):
    """close(cancel_pending_enqueues=True); see close()."""
    eoi_close = self._end_of_input.close(cancel_pending_enqueues=True)
    deps = [eoi_close]
    if self._fillers:
      # Takes stop replacing fillers before the store refuses new keys.
      deps.append(self._cancelled.close(cancel_pending_enqueues=True))
      with tf.control_dependencies(deps):
        store_close = raw.BarrierClose(handle=self._store.barrier_ref,
                                       cancel_pending_enqueues=True,
                                       name="BarrierClose")
    else:
      # TF's Barrier deadlocks on a cancelling close once a plain close has
      # already shut its ready queue (closed with nothing incomplete).  A
      # cancel has nothing left to do then, so it is skipped in that case.
      # (In filler mode a plain close never closes the store.)
      drained = tf.logical_and(self._token_queue.is_closed(), tf.equal(
          self._store.incomplete_size(), 0))
      with tf.control_dependencies(deps):
        store_close = _run_if(
            tf.logical_not(drained), self._store.barrier_ref,
            lambda ref: raw.BarrierClose(handle=ref,
                                         cancel_pending_enqueues=True,
                                         name="BarrierClose"))
    with tf.control_dependencies([store_close]):
      token_close = self._token_queue.close(True, name="FIFOClose")
    return tf.group(store_close, token_close, name=scope)

  def report_failure_op(self):
    """(message placeholder, op) recording an input failure for the takes.

    Run by the saver's queue runner (legacy_pipeline.saver.batching) when a
    prefetch fails with anything but an end of input, before the thread
    reports the error to its Coordinator or dies: the message is stored,
    every later take (and one waiting now) fails with InvalidArgumentError
    carrying it, instead of blocking or ending with OutOfRangeError.  With
    a bound on the batch size it also stores fillers, which wake a waiting
    take.  Built once, on first call.
    """
    if self._failure_report is None:
      with self._reenter_scope():
        with tf1.name_scope("ReportFailure"):
          message = tf1.placeholder(tf.string, [], name="message")
          record = raw.LookupTableInsertV2(
              table_handle=self._failure, keys=tf.constant([1], tf.int64),
              values=tf.expand_dims(message, 0))
          with tf.control_dependencies([record]):
            flag = self._failed.close(cancel_pending_enqueues=True)
          with tf.control_dependencies([flag]):
            wake = self._wake_after_failure()
          self._failure_report = (message, tf.group(flag, *wake))
    return self._failure_report

  def _wake_after_failure(self):
    """Ops (a list) that wake a take waiting when an input failure is
    recorded: fillers, with a bound on the batch size."""
    if not self._fillers:
      return []
    numbers = _FAILURE_FILLERS + tf.range(self._fillers, dtype=tf.int64)
    return [self._insert_fillers(self._store.barrier_ref,
                                 _filler_keys(numbers))]

  def _raise_if_failed(self, after=()):
    """Op failing with the recorded input failure, if there is one.

    Cheap when there is none: the message is read only past a Switch on the
    flag.

    Args:
      after: tensors the flag is read after (a take's outputs: the failure
        that woke a waiting take must be seen by that take's check).
    """
    with tf.control_dependencies(after):
      failed = self._failed.is_closed()
    pred_false, pred_true = raw.Switch(data=failed, pred=failed)
    # Key 1, computed from the gated flag so nothing runs without a failure.
    key = tf.cast(pred_true, tf.int64)
    message = raw.LookupTableFindV2(
        table_handle=self._failure, keys=tf.expand_dims(key, 0),
        default_value=tf.constant(""))
    fail = tf1.Assert(tf.logical_not(pred_true), [message[0]],
                      name="InputFailed")
    with tf.control_dependencies([fail]):
      after = tf.identity(pred_true)
    return raw.Merge(inputs=[pred_false, after]).output

  def _save(self, batch, state_name, value, keep):
    """The store's part of save_state: the unfinished rows' states go to
    their next segments in the Barrier."""
    del batch
    return self._store.insert_many(
        self._component_index("state", state_name),
        tf.gather(self._received["next_key"], keep), tf.gather(value, keep),
        name="BarrierInsertState_%s" % state_name)

  # -- construction helpers -------------------------------------------------

  def _reenter_scope(self):
    return _ReenteredScope(self._scope)

  def _component_index(self, kind, name):
    return self._index["__%s__%s" % (kind, name)]

  def _build_prefetch(self):
    """All inserts of one example; see the module docstring."""
    count, steps, stored = self._segments_to_store()
    keys, stop_key, next_keys = self._segment_keys(count, steps)
    columns = self._segment_columns(count, steps, stored, next_keys)

    def store():
      return self._store_example(keys, stop_key, columns)

    if not self._fillers:
      return store()
    stored_ok = locked(self._admission,
                       lambda: tf.identity(store(), name="Admitted"))
    return tf.group(stored_ok, name="StateSaverPrefetchGroup")

  def _segments_to_store(self):
    """(count, steps, stored): segments of the example, those stored, and
    how many (all, or from the replay start segment on)."""
    count = tf.math.floordiv(self._padded_length, self._num_unroll)
    start = self._start_segment
    if start is None:
      return count, tf.range(count), count
    # A replayed example (legacy_pipeline.saver.in_flight) stores only its
    # segments from `start` on.
    in_range = tf1.Assert(
        tf.logical_and(start >= 0, start < count),
        ["Replayed example continues at segment", start, "of", count,
         "; example key:", self._key], name="CheckStartSegment")
    with tf.control_dependencies([in_range]):
      steps = tf.range(start, count)
    return count, steps, count - start

  def _segment_keys(self, count, steps):
    """(keys, stop_key, next_keys): contrib's "00001_of_00003:<key>" keys of
    the stored segments, "STOP:<key>", and each segment's successor key."""
    keys = tf.strings.join(
        [tf.strings.as_string(steps, width=5, fill="0"), "_of_",
         tf.strings.as_string(count, width=5, fill="0"), ":", self._key],
        name="StringJoinCurrentKeys")
    stop_key = tf.strings.join(["STOP:", self._key], name="StringJoinStop")
    next_keys = tf.concat([keys[1:], tf.expand_dims(stop_key, 0)], 0,
                          name="concat_next_keys")
    return keys, stop_key, next_keys

  def _segment_columns(self, count, steps, stored, next_keys):
    """[(component index, value [stored, ...], op name suffix)]: bookkeeping,
    sequences split into segments, context tiled per segment."""
    u = self._num_unroll
    start = self._start_segment
    ones = tf.ones(tf.expand_dims(stored, 0), dtype=tf.int32)
    lengths = tf.minimum(u, tf.maximum(0, self._length - u * steps))
    meta = tf.stack([lengths, self._length * ones, steps, count * ones],
                    axis=1, name="PackMeta")
    columns = [(_META, meta, "Meta"), (_NEXT_KEY, next_keys, "NextKey")]
    for k, v in self._sequences.items():
      shape = v.get_shape().as_list()[1:]
      split = tf.reshape(v, _dims([count, u], shape),
                         name="reshape_sequences_%s" % k)
      if start is not None:
        split = split[start:]
      split.set_shape([None, u] + shape)
      columns.append((self._component_index("sequence", k), split,
                      "Sequences_%s" % k))
    for k, v in self._context.items():
      rank = v.get_shape().ndims
      tiled = tf.tile(tf.expand_dims(v, 0), _dims([stored], [1] * rank),
                      name="tile_context_%s" % k)
      tiled.set_shape([None] + v.get_shape().as_list())
      columns.append((self._component_index("context", k), tiled,
                      "Context_%s" % k))
    return columns

  def _register_key(self, stop_key, deps):
    """Op entering the example in the registry of keys in flight, after
    `deps`; fails (InvalidArgumentError naming the key) if it is there.

    A key may be in flight only once (contrib let single-segment duplicates
    through and failed obscurely on multi-segment ones).  Registered under
    the example's "STOP:<key>" (its last next_key), so a take can forget
    finished examples straight from next_key.
    """
    with tf.control_dependencies(deps):
      seen = raw.LookupTableFindV2(table_handle=self._in_flight,
                                   keys=tf.expand_dims(stop_key, 0),
                                   default_value=tf.constant(-1, tf.int64))
    unique = tf1.Assert(
        tf.less(seen[0], 0),
        [tf.strings.join(["Duplicate key in flight: '", self._key,
                          DUPLICATE_KEY])],
        name="CheckKeyNotInFlight")
    with tf.control_dependencies([unique]):
      return raw.LookupTableInsertV2(
          table_handle=self._in_flight, keys=tf.expand_dims(stop_key, 0),
          values=tf.constant([1], tf.int64), name="RegisterKey")

  def _store_example(self, keys, stop_key, columns):
    """Registers the key, inserts every segment, takes a capacity token.

    In filler mode this runs under the admission lock, and first refuses
    (CancelledError, as a closed store would) once the saver is closed, so
    nothing is stored after close() has written its fillers.

    Returns:
      A bool scalar (filler mode, for the lock) or the prefetch op.
    """
    deps = []
    if self._fillers:
      deps.append(self._refuse_after_close())
    register = self._register_key(stop_key, deps)
    with tf.control_dependencies([register]):
      inserts = [self._store.insert_many(i, keys, v, name="BarrierInsert" + n)
                 for i, v, n in columns]
    # The token follows the inserts: a prefetch that fails before storing its
    # example (end of input, bad data) must not take a token, or the count of
    # examples in flight that ends the input cleanly would be off.
    with tf.control_dependencies(inserts):
      token = self._token_queue.enqueue((tf.constant(_TOKEN),),
                                        name="EnqueueCapacityToken")
    # The initial states go in last: segment 0 must not become ready before
    # its example holds a capacity token.
    with tf.control_dependencies([token]):
      first_key = keys[:1]
      state_inserts = [
          self._store.insert_many(self._component_index("state", k), first_key,
                                  tf.expand_dims(v, 0),
                                  name="BarrierInitialInsertState_%s" % k)
          for k, v in self._states.items()]
    everything = inserts + [token] + state_inserts
    if not self._fillers:
      return tf.group(*everything, name="StateSaverPrefetchGroup")
    with tf.control_dependencies(everything):
      return tf.constant(True)

  def _refuse_after_close(self):
    """Op failing with CancelledError once the saver is closed (as a closed
    store would): enqueuing one element into the closed end-of-input queue
    fails; zero elements (still open) is a no-op."""
    closed = tf.cast(self._token_queue.is_closed(), tf.int32)
    return self._end_of_input.enqueue_many(
        (tf.zeros(tf.expand_dims(closed, 0), tf.int32),),
        name="RefuseAfterClose")

  def _filler_count(self):
    """How many filler entries close() writes (an int), see class doc."""
    size = _checks.static_int(self._batch_size)
    if size is None:
      size = self._capacity
    return size or 0

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
    for i, (dtype, shape) in enumerate(zip(self._store.types,
                                           self._store.shapes)):
      value = tf.zeros(_dims([count], shape.as_list()), dtype=dtype)
      inserts.append(raw.BarrierInsertMany(handle=ref, keys=keys, values=value,
                                           component_index=i,
                                           name="InsertFiller"))
    return tf.group(*inserts, name="InsertFillers")

  def _end_of_input_if(self, condition, name):
    """Op raising OutOfRangeError when `condition` (bool scalar) holds."""
    return self._end_of_input.dequeue_many(tf.cast(condition, tf.int32),
                                           name=name)

  def _build_take(self):
    """The take and everything derived from it (fills self._received)."""
    batch_size = self._batch_size
    deps = []
    if isinstance(batch_size, tf.Tensor) and _checks.static_int(
        batch_size) is None:
      deps.append(tf1.Assert(
          tf.greater_equal(batch_size, 0),
          ["batch_size must be >= 0, got: ", batch_size],
          name="CheckBatchSizeNotNegative"))
    if not self._allow_small_batch:
      # Closed and fewer examples left than a batch: no full batch can come.
      hopeless = tf.logical_and(self._token_queue.is_closed(),
                                self._token_queue.size() < batch_size)
      deps.append(self._end_of_input_if(hopeless, "NoFullBatchLeft"))
    # A take after an input failure fails with it at once (also when the
    # store is closed and empty, where the take itself would end first).
    deps.append(self._raise_if_failed())
    with tf.control_dependencies(deps):
      indices, keys, values = self._store.take_many(
          batch_size, self._allow_small_batch, name="BarrierTakeMany")

    if self._fillers:
      indices, keys, values = self._drop_fillers(indices, keys, values)
    else:
      with tf.control_dependencies([self._raise_if_failed(after=[indices])]):
        indices = tf.identity(indices)

    length, total_length, sequence, count = tf.unstack(
        values[_META], len(_META_FIELDS), axis=1, name="UnpackMeta")
    done = last_segment(sequence, count)
    finished = tf.reduce_sum(tf.cast(done, tf.int32))
    release = self._token_queue.dequeue_many(finished,
                                             name="ReleaseCapacityTokens")
    # The registry holds only "STOP:<key>" entries, which are exactly the
    # next keys of finished rows (others start with digits): removing every
    # next key forgets the finished examples, with no mask on the hot path.
    forget = raw.LookupTableRemoveV2(
        table_handle=self._in_flight, keys=values[_NEXT_KEY],
        name="ForgetFinishedKeys")
    with tf.control_dependencies([release, forget]):
      states = collections.OrderedDict(
          (k, tf.identity(values[self._component_index("state", k)]))
          for k in self._states)
    self._received = {
        "insertion_index": indices,
        "key": keys,
        "length": length,
        "total_length": total_length,
        "next_key": values[_NEXT_KEY],
        "sequence": sequence,
        "sequence_count": count,
        "batch_size": tf.shape(length)[0],
        "context": collections.OrderedDict(
            (k, values[self._component_index("context", k)])
            for k in self._context),
        "sequences": collections.OrderedDict(
            (k, values[self._component_index("sequence", k)])
            for k in self._sequences),
        "states": states,
        "not_done_rows": unfinished_rows(done),
    }


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
    taken = tf.size(indices)
    n_real = tf.reduce_sum(tf.cast(tf.greater(values[_META][:, 3], 0),
                                   tf.int32))
    extra = taken - n_real
    # After a cancelling close the store refuses new keys (takes no longer
    # wait then: a closed store returns what it has).
    with tf.control_dependencies([taken]):  # read after the take returns
      cancelled = self._cancelled.is_closed()
    replace = tf.logical_and(extra > 0, tf.logical_not(cancelled))
    replaced = _run_if(
        replace, self._store.barrier_ref,
        lambda ref, removed: self._insert_fillers(
            ref, _filler_keys(_filler_numbers(removed) + self._fillers)),
        [keys[n_real:]])
    if self._allow_small_batch:
      over = tf.logical_and(taken > 0, tf.equal(n_real, 0))
      name = "NothingLeft"
    else:
      over = extra > 0
      name = "NoFullBatchLeft"
    # A recorded input failure wins over the end of input.
    with tf.control_dependencies([replaced,
                                  self._raise_if_failed(after=[taken])]):
      end = self._end_of_input_if(over, name)
    with tf.control_dependencies([end]):
      if not self._allow_small_batch:
        # Full batches only: nothing to cut, just wait for the check.
        return (tf.identity(indices), tf.identity(keys),
                [tf.identity(v) for v in values])
      n_real = tf.identity(n_real)
    # Fillers come last in a take: keep the first n_real rows (a
    # leading-dimension slice shares the take's buffers instead of copying
    # every component).
    return indices[:n_real], keys[:n_real], [v[:n_real] for v in values]


stores.register("barrier", SequenceQueueingStateSaver)


class _ReenteredScope(object):
  """Context manager re-entering an absolute name scope ending with '/'."""

  def __init__(self, scope):
    self._scope = scope
    self._stack = []

  def __enter__(self):
    graph = tf1.get_default_graph()
    outer = graph.name_scope(None)
    outer.__enter__()
    inner = graph.name_scope(self._scope)
    inner.__enter__()
    self._stack = [outer, inner]
    return self._scope

  def __exit__(self, *exc):
    for cm in reversed(self._stack):
      cm.__exit__(*exc)
    return False


def with_unique_suffix(key, seed):
  """make_keys_unique: `key` + a random int in [0, 1e8), contrib's format.

  One draw per run of the op (no separator, as contrib), with op seed `seed`.
  """
  suffix = tf1.random_uniform((), minval=0, maxval=KEY_SUFFIX_MAX,
                              dtype=tf.int32, seed=seed)
  return tf.strings.join([key, tf.strings.as_string(suffix)])


def last_segment(sequence, count):
  """bool [B]: rows whose segment is their example's last (STOP:) one."""
  return sequence + 1 >= count


def unfinished_rows(done):
  """int64 [N]: indices of the rows `done` marks False (examples going on)."""
  return tf.reshape(tf.where(tf.logical_not(done)), [-1])


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


def _dims(leading, static):
  """int32 shape vector: `leading` tensors followed by static Python ints."""
  return tf.concat([tf.stack(leading),
                    tf.constant(static, dtype=tf.int32, shape=[len(static)])],
                   0)


def _check_initial_states(initial_states, caller):
  """Refuses initial_states that are not a non-empty dict of plain names."""
  _checks.check_dict(initial_states, "initial_states", caller)
  if not initial_states:
    raise ValueError(
        "initial_states may not be empty: at least one state variable is "
        "required to carry split sequences from one segment to the next")
  for k in initial_states:
    if not isinstance(k, str):
      raise TypeError("state name must be a string: %r" % (k,))
    if ":" in k:
      raise ValueError("state name may not have a colon: '%s'" % k)


def _check_batch_size(batch_size, caller):
  """Validates batch_size; returns it as an int or an int32 Tensor.

  Raises:
    TypeError: not an int nor an integer tensor.
    ValueError: negative.
  """
  if isinstance(batch_size, bool):
    raise TypeError("%s: batch_size must be an int or an int32 scalar tensor, "
                    "got %r" % (caller, batch_size))
  if _checks.is_int(batch_size):
    if batch_size < 0:
      raise ValueError("%s: batch_size must be >= 0, got %d" %
                       (caller, batch_size))
    return int(batch_size)
  if isinstance(batch_size, float):
    raise TypeError("%s: batch_size must be an int or an int32 scalar tensor, "
                    "got %r" % (caller, batch_size))
  batch_size = tf.convert_to_tensor(batch_size, name="batch_size")
  if not batch_size.dtype.is_integer:
    raise TypeError("%s: batch_size must be an int32 scalar tensor, got %s" %
                    (caller, batch_size.dtype))
  if batch_size.dtype != tf.int32:
    batch_size = tf.cast(batch_size, tf.int32)
  known = _checks.static_int(batch_size)
  if known is not None and known < 0:
    raise ValueError("%s: batch_size must be >= 0, got %d" % (caller, known))
  return batch_size
