"""FeedingQueueRunner: TF 1.15's tf.contrib.training.FeedingQueueRunner.

A ``tf.compat.v1.train.QueueRunner`` whose threads each run their enqueue op
with ``feed_dict=feed_fn()`` (e.g. rows of numpy arrays fed into
placeholders), as TF 1.15's (the estimator's ``_FeedingQueueRunner``, which
TF 2.16+ no longer ships).  Everything else is the base class's contract:
the last thread to stop on a closed queue (``OutOfRangeError`` or
``CancelledError``, e.g. a feed_fn raising ``OutOfRangeError`` at the end of
its data) runs the close op; other errors are reported to the coordinator,
or kept in ``exceptions_raised`` and re-raised in the thread; with a
coordinator, one more thread runs the cancel op when a stop is requested.

Like TF 1.15's it cannot be built from or written to a ``QueueRunnerDef``
protobuf.  Its thread bookkeeping is its own (not the base class's private
fields), so it does not depend on TF internals.

Compatibility: graph mode only, TF 1.15 and TF 2.x.
"""
from __future__ import absolute_import, division, print_function

import threading
import weakref

from legacy_pipeline._tf import tf, tf1

__all__ = ["FeedingQueueRunner"]


class FeedingQueueRunner(tf1.train.QueueRunner):
  """A queue runner whose enqueue ops are fed by python functions."""

  def __init__(self, queue=None, enqueue_ops=None, close_op=None,
               cancel_op=None, feed_fns=None,
               queue_closed_exception_types=None):
    """Creates the runner (see ``tf.compat.v1.train.QueueRunner``).

    Args:
      queue: the queue.
      enqueue_ops: list of enqueue ops, one thread each.
      close_op: op closing the queue (pending enqueues kept); default
        ``queue.close()``.
      cancel_op: op closing the queue and cancelling pending enqueues;
        default ``queue.close(cancel_pending_enqueues=True)``.
      feed_fns: None, or one function per enqueue op returning the feed
        dict of each run.
      queue_closed_exception_types: the errors that mean "the queue is
        closed"; default ``(tf.errors.OutOfRangeError,
        tf.errors.CancelledError)``.

    Raises:
      ValueError: `feed_fns` is not None and its length differs from
        `enqueue_ops`'; or (from the base class) no queue or enqueue ops.
    """
    if queue_closed_exception_types is None:
      queue_closed_exception_types = (tf.errors.OutOfRangeError,
                                      tf.errors.CancelledError)
    super(FeedingQueueRunner, self).__init__(
        queue, enqueue_ops, close_op, cancel_op,
        queue_closed_exception_types=queue_closed_exception_types)
    if feed_fns is None:
      self._feed_fns = [None for _ in enqueue_ops]
    else:
      if len(feed_fns) != len(enqueue_ops):
        raise ValueError(
            "If feed_fns is not None, it must have the same length as "
            "enqueue_ops.")
      self._feed_fns = feed_fns
    self._feeding_lock = threading.Lock()
    self._feeding_runs = weakref.WeakKeyDictionary()  # session -> threads
    self._feeding_errors = []

  @property
  def feed_fns(self):
    """The feed functions, one per enqueue op (None: no feed)."""
    return self._feed_fns

  @property
  def exceptions_raised(self):
    """Errors other than a closed queue raised in threads without a
    coordinator, since the last create_threads."""
    return self._feeding_errors

  def _feeding_thread_ends(self, sess):
    """Counts a thread out; True for the last one of `sess`."""
    with self._feeding_lock:
      self._feeding_runs[sess] -= 1
      return self._feeding_runs[sess] == 0

  # pylint: disable=arguments-differ
  def _run(self, sess, enqueue_op, feed_fn, coord=None):
    """Runs `enqueue_op` fed by `feed_fn` until the queue closes or a stop.

    The last thread of `sess` to see the queue closed runs the close op.
    """
    if coord:
      coord.register_thread(threading.current_thread())
    counted_out = False
    try:
      while not (coord and coord.should_stop()):
        try:
          feed_dict = None if feed_fn is None else feed_fn()
          sess.run(enqueue_op, feed_dict=feed_dict)
        except self.queue_closed_exception_types:
          counted_out = True
          if self._feeding_thread_ends(sess):
            try:
              sess.run(self.close_op)
            except Exception as e:  # pylint: disable=broad-except
              tf1.logging.vlog(1, "Ignored exception: %s", str(e))
          return
    except Exception as e:  # pylint: disable=broad-except
      if coord:
        coord.request_stop(e)
      else:
        tf1.logging.error("Exception in QueueRunner: %s", str(e))
        with self._feeding_lock:
          self._feeding_errors.append(e)
        raise
    finally:
      if not counted_out:
        self._feeding_thread_ends(sess)

  def _cancel_on_stop(self, sess, coord):
    """Runs the cancel op once `coord` is asked to stop."""
    coord.wait_for_stop()
    try:
      sess.run(self.cancel_op)
    except Exception as e:  # pylint: disable=broad-except
      tf1.logging.vlog(1, "Ignored exception: %s", str(e))

  def create_threads(self, sess, coord=None, daemon=False, start=False):
    """Threads running the enqueue ops in `sess` (none if still running).

    Args:
      sess: a Session.
      coord: optional Coordinator: threads stop on its request and report
        errors to it; one more thread runs the cancel op at the stop.
      daemon: make the threads daemons.
      start: start the threads.

    Returns:
      The list of threads.
    """
    with self._feeding_lock:
      if self._feeding_runs.get(sess, 0) > 0:
        return []
      self._feeding_runs[sess] = len(self.enqueue_ops)
      self._feeding_errors = []
    threads = [threading.Thread(target=self._run,
                                args=(sess, op, feed_fn, coord))
               for op, feed_fn in zip(self.enqueue_ops, self._feed_fns)]
    if coord:
      threads.append(threading.Thread(target=self._cancel_on_stop,
                                      args=(sess, coord)))
    for t in threads:
      if daemon:
        t.daemon = True
      if start:
        t.start()
    return threads

  def _init_from_proto(self, queue_runner_def, import_scope=None):
    raise NotImplementedError(
        "{} does not support initialization from proto.".format(
            type(self).__name__))

  def to_proto(self, export_scope=None):
    raise NotImplementedError(
        "{} does not support serialization to proto.".format(
            type(self).__name__))
