"""An opt-in watchdog that turns a stalled state saver into a clear error.

A state saver can reach a state from which no batch can ever come: every
example allowed in flight (``capacity``) waits for a ``save_state`` that is
never run, or fewer segments than a batch are ready while capacity is
exhausted.  Contrib simply blocks forever there.  ``add_stall_watchdog``
registers a watchdog with the graph's queue runners; when the saver sits in
such a state, unchanged, for ``timeout_secs``, it stops the Coordinator with a
``StallError`` naming the likely cause and the fix.  Stopping the Coordinator
closes the saver, so a take that is waiting returns (``OutOfRangeError``) and
``Coordinator.join`` / ``MonitoredSession`` re-raise the ``StallError``.

The watchdog only reads the store's sizes (a few scalar ops every poll); it adds
nothing to the ops of a take or a prefetch.
"""
from __future__ import absolute_import, division, print_function

import sys
import threading
import time

from legacy_pipeline._tf import require_graph_mode, tf, tf1
from legacy_pipeline.errors import StallError
from legacy_pipeline.saver.state_saver import NextQueuedSequenceBatch
from legacy_pipeline.saver.state_saver import SequenceQueueingStateSaver

_POLL_TIMEOUT_MS = 10000


class StallWatchdog(tf1.train.QueueRunner):
  """The watchdog thread, started with the graph's queue runners.

  Built by ``add_stall_watchdog``; it is a QueueRunner only so that
  ``start_queue_runners`` and ``MonitoredSession`` start it.  Exported to a
  MetaGraph it reads as a plain QueueRunner over a private queue whose one
  "enqueue" op closes that queue and dequeues from it: imported elsewhere, its
  thread ends at once with OutOfRangeError (the normal end of a runner).
  """

  def __init__(self, saver, timeout_secs, poll_secs, stats, inert_queue,
               inert_op):
    """Builds the watchdog runner.

    Args:
      saver: the SequenceQueueingStateSaver to watch.
      timeout_secs: seconds a stuck state must last before it is reported.
      poll_secs: seconds between two looks at the saver's state.
      stats: tensor whose value is the saver's state snapshot (ready,
        incomplete, in flight, closed, batch size).
      inert_queue: the private queue the exported QueueRunner runs over.
      inert_op: the op that closes `inert_queue` and dequeues from it.
    """
    super(StallWatchdog, self).__init__(queue=inert_queue,
                                        enqueue_ops=[inert_op])
    self._saver = saver
    self._timeout = float(timeout_secs)
    self._poll = float(poll_secs)
    self._stats = stats
    self.stalls = 0

  def create_threads(self, sess, coord=None, daemon=False, start=False):
    """Creates the one watchdog thread (QueueRunner's interface).

    Args:
      sess: the Session the thread polls the saver's state in.
      coord: optional Coordinator; a new one is made when None.  The thread
        is registered with it.
      daemon: whether the thread is a daemon thread.
      start: whether to start the thread now.

    Returns:
      A list holding the one thread.
    """
    if coord is None:
      coord = tf1.train.Coordinator()
    thread = threading.Thread(target=self._watch, args=(sess, coord),
                              name="StallWatchdog")
    thread.daemon = daemon
    if start:
      thread.start()
    coord.register_thread(thread)
    return [thread]

  def _stuck(self, snap):
    """Whether `snap` is a state from which no batch can come."""
    ready, incomplete, in_flight, closed, batch_size = snap
    capacity = self._saver.capacity
    small = self._saver.allow_small_batch
    if closed or not capacity or in_flight < capacity:
      return False  # input may still arrive, or the end is handled by close
    need = 1 if small else max(int(batch_size), 1)
    return ready < need and (incomplete > 0 or ready > 0)

  def _message(self, snap):
    ready, incomplete, in_flight, _, batch_size = snap
    head = ("state saver %s stalled for %.0f s: %d sequences in flight "
            "(capacity %d), %d segments ready, %d waiting for states, batch "
            "size %d. " % (self._saver.name, self._timeout, in_flight,
                           self._saver.capacity, ready, incomplete,
                           batch_size))
    if ready == 0:
      return head + (
          "Every sequence in flight waits for save_state: a segment after the "
          "first becomes ready only when save_state has run for every state "
          "on the batch that delivered the segment before it. Likely cause: "
          "batches are taken (or their states fetched) without running their "
          "save_state ops. Fix: run every batch.save_state op in the same "
          "Session.run as the batch (static_state_saving_rnn's outputs depend "
          "on them; otherwise group them with the train op).")
    return head + (
        "Fewer segments are ready than a batch needs and no further sequence "
        "may enter. Fix: raise capacity well above batch_size, use "
        "allow_small_batch=True, or run save_state for every batch taken.")

  def _watch(self, sess, coord):
    options = tf1.RunOptions(timeout_in_ms=_POLL_TIMEOUT_MS)
    last, since = None, time.time()
    while not coord.should_stop():
      try:
        snap = tuple(sess.run(self._stats, options=options).tolist())
      except (tf.errors.OpError, RuntimeError):
        return  # the session is closing (or closed): nothing left to watch
      now = time.time()
      if snap != last or not self._stuck(snap):
        last, since = snap, now
      elif now - since >= self._timeout:
        self.stalls += 1
        try:
          raise StallError(self._message(snap))
        except StallError as error:  # the Coordinator wants exc_info
          tf1.logging.error("%s", error)
          coord.request_stop(sys.exc_info())
        return
      coord.wait_for_stop(self._poll)


def add_stall_watchdog(saver_or_batch, timeout_secs, poll_secs=None,
                       name=None):
  """Adds a stall watchdog for an in-house state saver to the queue runners.

  Off unless called (contrib has no such thing and simply blocks).  Needs a
  bounded ``capacity``: with ``capacity=None`` examples never stop entering,
  so a missing ``save_state`` shows as growing memory rather than a stall.

  Args:
    saver_or_batch: a legacy_pipeline SequenceQueueingStateSaver, or the
      NextQueuedSequenceBatch returned by batch_sequences_with_states.
    timeout_secs: positive number; how long the saver must sit unchanged in a
      state from which no batch can come before the watchdog fires.
    poll_secs: how often to look (default: timeout_secs / 10, at most 1 s).
    name: name scope for the watchdog's read-only ops.

  Returns:
    The StallWatchdog (registered in the QUEUE_RUNNERS collection).

  Raises:
    TypeError: not an in-house saver or batch.
    ValueError: timeout_secs is not positive, or the saver's capacity is
      unbounded.
    GraphModeError: called while executing eagerly.

  Run time: the watchdog stops the Coordinator with a StallError naming the
  likely cause and the fix; the waiting take then fails with OutOfRangeError
  and Coordinator.join (or MonitoredSession) re-raises the StallError.
  """
  require_graph_mode("add_stall_watchdog")
  if isinstance(saver_or_batch, NextQueuedSequenceBatch):
    saver = saver_or_batch.state_saver
  else:
    saver = saver_or_batch
  if not isinstance(saver, SequenceQueueingStateSaver):
    raise TypeError("add_stall_watchdog: expected a legacy_pipeline "
                    "SequenceQueueingStateSaver or NextQueuedSequenceBatch, "
                    "got %r" % (saver_or_batch,))
  if not timeout_secs or timeout_secs <= 0:
    raise ValueError("add_stall_watchdog: timeout_secs must be positive, got "
                     "%r" % (timeout_secs,))
  if not saver.capacity:
    raise ValueError("add_stall_watchdog: the saver's capacity is unbounded "
                     "(capacity=None); stalls are detected only with a "
                     "bounded capacity")
  poll = poll_secs or min(1.0, timeout_secs / 10.0)
  with tf1.name_scope(name, "stall_watchdog"):
    counts = saver.stats()
    stats = tf.stack([
        counts["ready"], counts["incomplete"], counts["in_flight"],
        tf.cast(counts["closed"], tf.int32),
        tf.convert_to_tensor(saver.batch_size, tf.int32)])
    inert = tf1.FIFOQueue(1, [tf.int32], shapes=[[]], name="inert")
    with tf.control_dependencies([inert.close()]):
      inert_op = inert.dequeue(name="EndsAtOnce")
    runner = StallWatchdog(saver, timeout_secs, poll, stats, inert, inert_op)
  tf1.train.add_queue_runner(runner)
  return runner
