"""SequenceQueueingStateSaver and NextQueuedSequenceBatch.

An in-house rebuild of TF 1.15's ``tf.contrib.training`` state saver from
``tf.compat.v1`` graph ops, so that truncated-BPTT segment batching runs on TF
1.15 and on TF 2.x alike.

How it works. Each example is cut along time into segments of ``num_unroll``
steps; a prefetch stores every segment of one example, a take delivers
``batch_size`` segments, oldest examples first, and segment ``k + 1`` of an
example gets its states from the ``save_state`` run while processing
segment ``k``.  A FIFO of capacity tokens (one per example in flight) bounds
memory.  The saver validates its arguments, builds the controls its store
shares with it (legacy_pipeline.saver.controls: capacity tokens, end of
input, cancel, failure record, keys in flight), decides the store
(``stores.choose_store``) and builds one store object, which holds the
segments and builds the prefetch, the take and the close: the Barrier store
(legacy_pipeline.saver.barrier_store, TF's Barrier as in contrib; its
docstring explains the end of input, close and cancel paths) or the
scheduled store (legacy_pipeline.saver.scheduled: batches placed as
examples are read).  The interface between them is ``stores.Store``; a
store is handed ``stores.Settings`` and ``controls.Controls`` and returns a
``stores.Batch`` from its take.

Behaviour matches contrib (key strings, order, lengths, dtypes, run-time error
classes).  The deliberate differences, all of them fixes of contrib quirks, are
listed in ``SequenceQueueingStateSaver``'s docstring and in docs/state_saver.md.
"""
from __future__ import absolute_import, division, print_function

import collections

from legacy_pipeline.saver import _checks
from legacy_pipeline.saver import barrier_store
from legacy_pipeline.saver import controls
from legacy_pipeline.saver import scheduled
from legacy_pipeline.saver import stores
from legacy_pipeline._tf import raw, require_graph_mode, tf, tf1

# make_keys_unique draws its suffix from [0, KEY_SUFFIX_MAX), as contrib.
KEY_SUFFIX_MAX = 100000000
# The store class of each kind stores.choose_store returns.
_STORE_CLASSES = {"barrier": barrier_store.BarrierStore,
                  "scheduled": scheduled.ScheduledStore}


def _sort_by_name(d):
  return collections.OrderedDict(sorted(d.items(), key=lambda kv: kv[0]))


class _SequenceInputs(object):
  """The user's inputs converted to tensors (length, key, sequences,
  context)."""

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

  def __init__(self, state_saver, received):
    """A batch of `state_saver`, from `received` (the stores.Batch its
    store's take returned).

    Args:
      state_saver: the SequenceQueueingStateSaver the batch comes from.
      received: the stores.Batch its store's take returned.
    """
    self._state_saver = state_saver
    self._received = received
    self._save_ops = {}

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
    return self._received.total_length

  @property
  def length(self):
    """int32 [B]: number of valid steps of each row in this segment."""
    return self._received.length

  @property
  def batch_size(self):
    """int32 scalar: number of rows delivered."""
    return self._received.batch_size

  @property
  def insertion_index(self):
    """int64 [B]: per-example insertion counter (ascending in a batch)."""
    return self._received.insertion_index

  @property
  def key(self):
    """string [B]: segment keys ``"%05d_of_%05d:<key>"``."""
    return self._received.key

  @property
  def next_key(self):
    """string [B]: key of the following segment, or ``"STOP:<key>"``."""
    return self._received.next_key

  @property
  def sequence(self):
    """int32 [B]: segment index within its example."""
    return self._received.sequence

  @property
  def sequence_count(self):
    """int32 [B]: number of segments of each row's example."""
    return self._received.sequence_count

  @property
  def context(self):
    """OrderedDict name -> Tensor [B, ...]: the example's context."""
    return self._received.context

  @property
  def sequences(self):
    """OrderedDict name -> Tensor [B, num_unroll, ...]: this segment's steps."""
    return self._received.sequences

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
    return self._received.states[state_name]

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
    states = self._received.states
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
      store = saver._store  # pylint: disable=protected-access
      op = store.save(self._received, state_name, value)
      journal = saver._journal  # pylint: disable=protected-access
      if journal is not None:
        op = tf.group(op, journal.on_save_state(self, state_name, value),
                      name="SaveStateAndJournal_%s" % state_name)
    self._save_ops[state_name] = op
    return op


class SequenceQueueingStateSaver(object):
  """Batches segments of sequences and keeps a state per sequence.

  Same constructor, properties and run-time behaviour as TF 1.15's
  ``tf.contrib.training.SequenceQueueingStateSaver``; see ../SPEC and
  docs/state_saver.md.  Build it in graph mode; run ``prefetch_op`` from
  queue-runner threads and fetch ``next_batch`` fields (with ``save_state``
  ops) from the training loop.

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
    """Validates the inputs, builds the controls and the chosen store.

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
    batch_size, input_key = self._check_arguments(
        batch_size, num_unroll, input_key, initial_states, capacity, store,
        caller)
    # Outside the saver's name scope, as contrib's.
    token_queue = tf1.FIFOQueue(
        capacity=stores.UNBOUNDED if capacity is None else capacity,
        dtypes=[tf.int32], shapes=[[]], name="capacity_tokens")
    values = [input_length, input_key]
    values += list(input_sequences.values()) if isinstance(
        input_sequences, dict) else []
    values += list(input_context.values()) if isinstance(
        input_context, dict) else []
    with tf1.name_scope(name, "InputQueueingStateSaver", values) as scope:
      self._scope = scope
      settings = _settings(batch_size, num_unroll, capacity,
                           allow_small_batch, input_length, input_key,
                           input_sequences, input_context, initial_states,
                           caller)
      self._build_store(settings, token_queue)
    self._prefetch_op = None
    self._next_batch = None
    self._received = None
    self._failure_report = None
    # See set_replay.
    self._start_segment = None
    self._journal = None

  def _check_arguments(self, batch_size, num_unroll, input_key,
                       initial_states, capacity, store, caller):
    """The checks that need no name scope; decides the store.

    Returns:
      (batch_size, input_key): batch_size as an int or an int32 Tensor (an
      int for the scheduled store), input_key after the run-time capacity
      check of a tensor batch_size.

    Raises:
      As __init__.
    """
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
    return batch_size, input_key

  def _build_store(self, settings, token_queue):
    """The controls, and the store of the chosen kind built on them; its
    layout is the ``barrier`` view."""
    self._settings = settings
    # With a bound on the batch size the end of input is delivered under
    # the admission lock (see the stores' close).
    self._controls = controls.build(token_queue, bool(settings.fillers))
    self._store = _STORE_CLASSES[self._store_kind](settings, self._controls)
    self._view = self._store.layout()

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
    """The store's view (a TF Barrier for the Barrier store) holding every
    segment in flight: ``name``, ``ready_size()``, ``incomplete_size()``."""
    return self._view

  @property
  def batch_size(self):
    return self._settings.batch_size

  @property
  def num_unroll(self):
    return self._settings.num_unroll

  @property
  def capacity(self):
    """The bound on examples in flight (an int), or None for no bound."""
    return self._settings.capacity

  @property
  def allow_small_batch(self):
    """Whether takes deliver partial batches after close (a bool)."""
    return self._settings.allow_small_batch

  def stats(self):
    """Run-time counts of the saver, for gauges and the stall watchdog.

    The ops are built at each call, in the caller's name scope.

    Returns:
      A dict of scalar tensors: ``ready`` and ``incomplete`` (int32, segments
      in the store's ready and incomplete sets; the Barrier store's ready
      count includes the fillers a close stores, the scheduled store counts
      the segments placed and not taken and none incomplete), ``in_flight``
      (int32, examples stored and not finished: the capacity tokens held)
      and ``closed`` (bool, whether the saver no longer admits examples).
    """
    return self._store.stats()

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
        self._prefetch_op = self._store.prefetch(self._start_segment)
    return self._prefetch_op

  @property
  def next_batch(self):
    """The cached NextQueuedSequenceBatch (builds prefetch_op too)."""
    prefetch = self.prefetch_op
    del prefetch
    if self._next_batch is None:
      with self._reenter_scope():
        self._received = self._store.take()
      self._next_batch = NextQueuedSequenceBatch(self, self._received)
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
    return self._store.close(cancel_pending_enqueues, name)

  def report_failure_op(self):
    """(message placeholder, op) recording an input failure for the takes.

    Run by the saver's queue runner (legacy_pipeline.saver.batching) when a
    prefetch fails with anything but an end of input, before the thread
    reports the error to its Coordinator or dies: the message is stored,
    every later take (and one waiting now) fails with InvalidArgumentError
    carrying it, instead of blocking or ending with OutOfRangeError.  The
    store then wakes a waiting take (the Barrier store with fillers, when
    the batch size is bounded; the scheduled store with a wake token).
    Built once, on first call.
    """
    if self._failure_report is None:
      c = self._controls
      with self._reenter_scope():
        with tf1.name_scope("ReportFailure"):
          message = tf1.placeholder(tf.string, [], name="message")
          record = raw.LookupTableInsertV2(
              table_handle=c.failure, keys=tf.constant([1], tf.int64),
              values=tf.expand_dims(message, 0))
          with tf.control_dependencies([record]):
            flag = c.failed.close(cancel_pending_enqueues=True)
          with tf.control_dependencies([flag]):
            wake = self._store.fail()
          self._failure_report = (message, tf.group(flag, *wake))
    return self._failure_report

  def admission(self, examples, name=None):
    """Op placing several examples in one run (the batched entry point).

    Only the scheduled store admits batches (see
    legacy_pipeline.saver.batched).

    Args:
      examples: list of tensors, each with a leading dimension ``k`` (the
        examples, in order): key (string), length (int32), padded length
        (int32, a multiple of num_unroll), start segment (int32), then the
        saver's sequences ([k, T, ...], T >= every padded length), context
        and initial states, each in name order.  Checked by the caller.
      name: name scope (default ``Admission``), inside the saver's scope.

    Returns:
      The op; it takes ``k`` capacity tokens under the admission lock, so
      ``k`` must not exceed ``admit_limit``.

    Raises:
      ValueError: the saver's store cannot admit batches.
    """
    self._require_admission("admission")
    with self._reenter_scope():
      return self._store.admission(examples, name)

  @property
  def admit_limit(self):
    """The most examples one ``admission`` run may place (an int; see
    scheduled.admit_limit).

    Raises:
      ValueError: the saver's store cannot admit batches.
    """
    self._require_admission("admit_limit")
    return self._store.admit_limit

  def _require_admission(self, what):
    if not self._store.admits_batches:
      raise ValueError(
          "%s: state saver %s uses the %s store, which cannot admit batches "
          "of examples; build it with store='scheduled'" %
          (what, self._scope, self._store_kind))

  def _reenter_scope(self):
    return _ReenteredScope(self._scope)


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

  Args:
    key: string scalar, the example's key.
    seed: op seed of the random draw (None: unseeded).

  Returns:
    String scalar: `key` followed by the drawn number.
  """
  suffix = tf1.random_uniform((), minval=0, maxval=KEY_SUFFIX_MAX,
                              dtype=tf.int32, seed=seed)
  return tf.strings.join([key, tf.strings.as_string(suffix)])



def _settings(batch_size, num_unroll, capacity, allow_small_batch,
              input_length, input_key, input_sequences, input_context,
              initial_states, caller):
  """Converts and checks the inputs (in the saver's name scope).

  Returns:
    The stores.Settings the saver hands its store.

  Raises:
    As SequenceQueueingStateSaver.__init__.
  """
  inputs = _SequenceInputs(input_length, input_key, input_sequences,
                           input_context, caller)
  states = dict((k, tf.convert_to_tensor(v, name="state_%s" % k))
                for k, v in initial_states.items())
  _checks.check_fully_defined("state", states)
  _checks.check_fully_defined("context", inputs.context)
  _checks.check_fully_defined("sequence", inputs.sequences, skip_first=True)
  states = _sort_by_name(states)
  sequences = _sort_by_name(inputs.sequences)
  context = _sort_by_name(inputs.context)

  length = _checks.check_rank(inputs.length, 0)
  key = _checks.check_rank(inputs.key, 0)
  if length.dtype != tf.int32:
    raise TypeError("length dtype must be int32, but received: %s" %
                    length.dtype)
  if key.dtype != tf.string:
    raise TypeError("key dtype must be string, but received: %s" %
                    key.dtype)
  padded_length, sequences, length = _check_lengths(sequences, length, key,
                                                    num_unroll)
  return stores.Settings(
      batch_size=batch_size, num_unroll=num_unroll, capacity=capacity,
      allow_small_batch=bool(allow_small_batch),
      fillers=_filler_count(batch_size, capacity), key=key, length=length,
      padded_length=padded_length, sequences=sequences, context=context,
      states=states)


def _check_lengths(sequences, length, key, num_unroll):
  """Run-time length checks.

  Run-time messages end with the example's key, so a bad record in a
  queue-runner thread is named in the error the Coordinator re-raises.

  Returns:
    (padded_length, sequences, length): the int32 padded length (checked a
    multiple of num_unroll), the sequences (checked to have it) and the
    length (checked not to exceed it).
  """
  first = next(iter(sequences.values()))
  padded_length = tf.identity(tf.shape(first)[0], name="padded_length")
  padded_length = _checks.check_multiple_of(padded_length, num_unroll,
                                            key=key)
  sequences = collections.OrderedDict(
      (k, _checks.check_dim0(v, padded_length, "sorted_sequences_%s" % k,
                             key=key))
      for k, v in sequences.items())
  length_ok = tf1.Assert(
      tf.less_equal(length, padded_length),
      ["Input length should be <= than length from sequences:", length,
       " vs. ", padded_length, "; example key:", key])
  with tf.control_dependencies([length_ok]):
    return padded_length, sequences, tf.identity(length)


def _filler_count(batch_size, capacity):
  """The bound on the batch size: how many fillers the Barrier store's
  close writes (an int; 0 without a bound), see barrier_store."""
  size = _checks.static_int(batch_size)
  if size is None:
    size = capacity
  return size or 0


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
