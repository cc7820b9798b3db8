"""The state saver's stores: which one a saver uses, and what a store is.

A SequenceQueueingStateSaver holds one store object, where segments wait
for a take: "barrier" (TF's Barrier, as contrib did;
barrier_store.BarrierStore) or "scheduled" (the same batches placed when
examples are read; scheduled.ScheduledStore).  ``choose_store`` picks one
from the ``store=`` argument, the ``LEGACY_PIPELINE_STORE`` environment
variable and the batch size, and says why: the one place that decides.
``Store`` documents the interface every store implements; ``Settings`` is
what the saver hands a store, ``Batch`` what a take hands back; the helpers
at the end are shared by both stores.
"""
from __future__ import absolute_import, division, print_function

import collections
import os

from legacy_pipeline.saver import _checks
from legacy_pipeline._tf import tf, tf1

#: The values ``store=`` accepts.
STORES = ("barrier", "scheduled", "auto")
#: Environment variable naming the store used when ``store`` is None.
STORE_ENV = "LEGACY_PIPELINE_STORE"
#: The store used when neither ``store=`` nor the environment names one.
DEFAULT_STORE = "barrier"
#: "auto" takes the scheduled store from this static batch size up.  Below it
#: the scheduled store's take (more ops per batch, a lock taken through a
#: thread hop) costs more than it saves: measured on W1 (bench.py, TF 2.21,
#: 2 cores) it is ~1.0x the Barrier store at batch 8, ~1.1x at 32 and ~1.2x
#: at 128, and ~0.93x on the tutorial's batch of 2.
AUTO_MIN_BATCH_SIZE = 32


def choose_store(store, batch_size):
  """Decides which store a state saver uses.

  Args:
    store: "barrier", "scheduled", "auto" or None (None: the
      ``LEGACY_PIPELINE_STORE`` environment variable, else DEFAULT_STORE).
      "auto": scheduled for a static batch_size >= AUTO_MIN_BATCH_SIZE.
      "scheduled" from the environment variable: scheduled wherever the
      batch size is a static positive int, the Barrier store elsewhere.
    batch_size: the saver's batch_size (int or int32 Tensor).

  Returns:
    (store, reason): "barrier" or "scheduled", and why, in words.

  Raises:
    ValueError: an unknown store, or store="scheduled" with a batch size
      that is not a static positive int.
  """
  source = "store=%r" % (store,)
  from_env = None
  if store is None:
    from_env = os.environ.get(STORE_ENV)
    store = from_env or DEFAULT_STORE
    source = ("%s=%s" % (STORE_ENV, store) if from_env else
              "the default store (%s)" % store)
  if store not in STORES:
    raise ValueError("%s: unknown state saver store, expected one of %s" %
                     (source, ", ".join(repr(s) for s in STORES)))
  if store == "barrier":
    return "barrier", "%s asks for the Barrier store" % source
  size = _checks.static_int(batch_size)
  fits = size is not None and size > 0
  if store == "scheduled" and not fits and from_env:
    # The variable applies to every saver of the process: one that cannot
    # use the scheduled store keeps the Barrier store instead of failing.
    return "barrier", ("%s but batch_size %r is not a static positive int" %
                       (source, batch_size))
  if store == "scheduled" and not fits:
    raise ValueError(
        "%s needs a static batch_size > 0 (a Python int or a constant), got "
        "%r: batches are placed when examples are read. Use store='auto' or "
        "'barrier' for a fed or zero batch size." % (source, batch_size))
  if store == "scheduled":
    return "scheduled", "%s and batch_size %d is static" % (source, size)
  if not fits:
    return "barrier", ("%s but batch_size %r is not a static positive int" %
                       (source, batch_size))
  if size < AUTO_MIN_BATCH_SIZE:
    return "barrier", ("%s but batch_size %d is below %d, where the "
                       "scheduled store is not faster" %
                       (source, size, AUTO_MIN_BATCH_SIZE))
  return "scheduled", "%s and batch_size %d is static and >= %d" % (
      source, size, AUTO_MIN_BATCH_SIZE)


# -- what the saver hands a store --------------------------------------------

#: The static settings a store is built for (fixed by the saver's
#: constructor).  batch_size: an int (always, for the scheduled store) or an
#: int32 Tensor; num_unroll: int; capacity: int or None; allow_small_batch:
#: bool; fillers: the bound on the batch size (the static batch size, else
#: capacity, else 0: no bound), see barrier_store; key, length: the example's
#: checked scalar tensors; padded_length: int32 scalar, its time steps (a
#: checked multiple of num_unroll); sequences, context, states: OrderedDicts
#: name -> tensor, sorted by name (sequences [T, ...], checked against
#: padded_length; states: the initial values).
Settings = collections.namedtuple("Settings", [
    "batch_size", "num_unroll", "capacity", "allow_small_batch", "fillers",
    "key", "length", "padded_length", "sequences", "context", "states"])

#: What a take delivers (NextQueuedSequenceBatch reads it by attribute).
#: insertion_index int64 [B]; key, next_key string [B]; length, total_length,
#: sequence, sequence_count int32 [B]; batch_size int32 scalar (B); context,
#: sequences, states: OrderedDicts name -> [B, ...] ([B, num_unroll, ...]
#: for sequences); not_done_rows: int64 [N], the rows whose example goes on
#: (the rows save_state keeps).
Batch = collections.namedtuple("Batch", [
    "insertion_index", "key", "length", "total_length", "next_key",
    "sequence", "sequence_count", "batch_size", "context", "sequences",
    "states", "not_done_rows"])


class Store(object):
  """The interface of a state saver's store: where segments wait for a take.

  SequenceQueueingStateSaver validates its arguments, builds the controls
  both stores share (legacy_pipeline.saver.controls), decides the store
  (``choose_store``) and builds one: barrier_store.BarrierStore or
  scheduled.ScheduledStore.  The saver owns the name scopes (it re-enters
  its own scope around ``layout``, ``prefetch``, ``take`` and
  ``admission``), caches the prefetch op and the batch, and keeps the
  in-flight journal; a store builds the ops.  Each method is called at most
  once, except ``save`` (once per state), ``close`` and ``stats``.
  """

  #: The store's name, as SequenceQueueingStateSaver.store reports it.
  kind = None
  #: Whether ``admission`` (several examples per run) is available.
  admits_batches = False

  def __init__(self, settings, controls):
    """Records what the store is built for; builds no op.

    Args:
      settings: a Settings.
      controls: the saver's controls.Controls (capacity tokens, end of input,
        cancel flag, failure record, keys in flight, admission lock).
    """
    self._settings = settings
    self._controls = controls

  def layout(self):
    """Builds the store's queues and tables (in the saver's name scope).

    Returns:
      The view the saver's ``barrier`` property exposes: ``name``,
      ``ready_size()`` and ``incomplete_size()``, and a handle
      (``barrier_ref`` or ``queue_ref``).

    Raises:
      ValueError: a component has no elements (as TF's Barrier).
    """
    raise NotImplementedError

  def prefetch(self, start_segment):
    """Builds the op storing one example (every segment of it).

    Args:
      start_segment: int32 scalar tensor, the first segment to store (a
        replayed example, see in_flight), or None (all of them).

    Returns:
      The prefetch Operation.
    """
    raise NotImplementedError

  def take(self):
    """Builds the take: one batch, and the release of finished examples.

    Returns:
      A Batch.
    """
    raise NotImplementedError

  def save(self, batch, state_name, value):
    """Builds the store's part of ``save_state``.

    Args:
      batch: the Batch ``take`` returned.
      state_name: a declared state.
      value: Tensor [B, ...] for the state, shape already checked.

    Returns:
      The save Operation.
    """
    raise NotImplementedError

  def close(self, cancel_pending_enqueues=False, name=None):
    """Builds the saver's close (see SequenceQueueingStateSaver.close).

    Args:
      cancel_pending_enqueues: bool, a cancelling close.
      name: name scope (default ``SQSSClose``).

    Returns:
      The close Operation.
    """
    raise NotImplementedError

  def fail(self):
    """Builds what wakes a take waiting when an input failure is recorded.

    Returns:
      A list of ops, run after the failure flag is set (may be empty).
    """
    raise NotImplementedError

  def stats(self):
    """Builds the saver's run-time counts (see SequenceQueueingStateSaver).

    Returns:
      An OrderedDict of scalar tensors: ready, incomplete, in_flight, closed.
    """
    raise NotImplementedError

  def admission(self, examples, name=None):
    """Builds an op placing several examples in one run.

    Args:
      examples: list of tensors with a leading dimension ``k`` (see
        scheduled.ScheduledStore.admission).
      name: name scope (default ``Admission``).

    Returns:
      The admission Operation.

    Raises:
      NotImplementedError: the store places one example per run
        (``admits_batches`` is False).
    """
    raise NotImplementedError("the %s store cannot admit batches" % self.kind)

  @property
  def admit_limit(self):
    """The most examples one ``admission`` run may place (an int).

    Raises:
      NotImplementedError: as ``admission``.
    """
    raise NotImplementedError("the %s store cannot admit batches" % self.kind)


# -- helpers both stores use -------------------------------------------------

#: Capacity of a queue without a bound.
UNBOUNDED = -1
#: Value of the (ignored) capacity tokens.
TOKEN = 1


def dims(leading, static):
  """int32 shape vector: `leading` tensors followed by static Python ints.

  Args:
    leading: list of int32 scalar tensors (or ints), the leading dimensions.
    static: list of Python ints, the remaining dimensions.

  Returns:
    An int32 vector of length ``len(leading) + len(static)``.
  """
  return tf.concat([tf.stack(leading),
                    tf.constant(static, dtype=tf.int32, shape=[len(static)])],
                   0)


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


def component_shapes(settings, bookkeeping):
  """The shape of each stored component, in the Barrier's order: the
  `bookkeeping` shapes, then sequences, context, states (what every store
  checks with reject_empty).

  Args:
    settings: the saver's Settings (num_unroll, sequences, context, states).
    bookkeeping: list of the bookkeeping components' shapes.

  Returns:
    A list of shapes (lists of ints or None); a sequence's is
    ``[num_unroll] + its shape after the time dimension``.
  """
  shapes = list(bookkeeping)
  shapes += [[settings.num_unroll] + v.get_shape().as_list()[1:]
             for v in settings.sequences.values()]
  shapes += [v.get_shape().as_list() for v in settings.context.values()]
  shapes += [v.get_shape().as_list() for v in settings.states.values()]
  return shapes


def segments_to_store(settings, start):
  """(count, steps, stored): segments of the example, those stored, and
  how many (all, or from the replay start segment `start` on; None: all).

  Args:
    settings: the saver's Settings (padded_length, num_unroll, key).
    start: int32 scalar, the segment a replayed example continues at, or
      None for a new example.

  Returns:
    (count, steps, stored): int32 scalar number of segments, int32 vector
    of the stored segments' indices, int32 scalar number stored.  With a
    `start`, `steps` runs after an Assert that fails (InvalidArgumentError)
    unless ``0 <= start < count``.
  """
  count = tf.math.floordiv(settings.padded_length, settings.num_unroll)
  if start is None:
    return count, tf.range(count), count
  # A replayed example (legacy_pipeline.saver.in_flight) stores only its
  # segments from `start` on.
  in_range = tf1.Assert(
      tf.logical_and(start >= 0, start < count),
      ["Replayed example continues at segment", start, "of", count,
       "; example key:", settings.key], name="CheckStartSegment")
  with tf.control_dependencies([in_range]):
    steps = tf.range(start, count)
  return count, steps, count - start


def last_segment(sequence, count):
  """bool [B]: rows whose segment is their example's last (STOP:) one.

  Args:
    sequence: int32 [B], each row's segment index.
    count: int32 [B], each row's number of segments.

  Returns:
    bool [B], True where ``sequence + 1 >= count``.
  """
  return sequence + 1 >= count


def unfinished_rows(done):
  """int64 [N]: indices of the rows `done` marks False (examples going on)."""
  return tf.reshape(tf.where(tf.logical_not(done)), [-1])
