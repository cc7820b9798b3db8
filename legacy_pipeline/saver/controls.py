"""The controls a state saver shares with its store, whichever it is.

Beside the store (where segments wait), a saver keeps: the capacity tokens
(one per example in flight), the end-of-input queue (closed: dequeuing from
it is how a take reports the end of input), the registry of keys in flight,
the failure record (report_failure_op), and, when the batch size is bounded,
the admission lock and the cancel flag.  ``build`` makes them in the saver's
name scope and returns a ``Controls``; the functions below are the checks
both stores run with them.
"""
from __future__ import absolute_import, division, print_function

import collections

from legacy_pipeline._tf import raw, tf, tf1

#: token_queue: FIFOQueue of capacity tokens (one per example stored and not
#: finished; closed by close()).  end_of_input: FIFOQueue, closed at close()
#: and never fed.  in_flight: MutableHashTable "STOP:<key>" -> 1 of the
#: examples in flight.  failed: FIFOQueue closed once an input failure is
#: recorded, failure: MutableHashTable 1 -> its message.  admission: a
#: CriticalSection (admission and close exclude each other) and cancelled: a
#: FIFOQueue closed by a cancelling close, both None without a bound on the
#: batch size.
Controls = collections.namedtuple("Controls", [
    "token_queue", "end_of_input", "in_flight", "failed", "failure",
    "admission", "cancelled"])

# What follows the key in the error for a key already in flight.
DUPLICATE_KEY = ("' is already stored in the state saver (an example with "
                 "the same key has not finished). Keys must be unique among "
                 "examples in flight: use make_keys_unique=True or a capacity "
                 "below the number of distinct examples.")


def build(token_queue, bounded):
  """The queues, tables and lock beside the store (see the comments).

  Args:
    token_queue: the capacity token FIFOQueue (built by the saver before its
      name scope, where contrib built it).
    bounded: whether the batch size is bounded (an int, or a capacity): then
      the end of input is delivered under an admission lock.

  Returns:
    A Controls.
  """
  # A closed queue that nothing is ever enqueued to: dequeuing from it is
  # how a take reports the end of input (OutOfRangeError) without a cond.
  end_of_input = tf1.FIFOQueue(
      capacity=1, dtypes=[tf.int32], shapes=[[]],
      name="end_of_input_no_full_batch_left")
  in_flight = raw.MutableHashTableV2(
      key_dtype=tf.string, value_dtype=tf.int64, name="keys_in_flight")
  admission = cancelled = None
  if bounded:
    # Admission (storing an example) and close() exclude each other, so
    # once close() has run every admitted example is wholly stored and
    # no example is stored after it (see the stores' close).
    admission = tf.CriticalSection(name="admission")
    # Closed by a cancelling close: takes stop replacing fillers then.
    cancelled = tf1.FIFOQueue(1, dtypes=[tf.int32], shapes=[[]],
                              name="cancelled")
  # The first prefetch failure that is not an end of input, recorded by
  # the saver's queue runner (report_failure_op): a closed flag queue and
  # the message; takes check the flag (see raise_if_failed).
  failed = tf1.FIFOQueue(1, dtypes=[tf.int32], shapes=[[]],
                         name="input_failed")
  failure = raw.MutableHashTableV2(
      key_dtype=tf.int64, value_dtype=tf.string, name="input_failure")
  return Controls(token_queue=token_queue, end_of_input=end_of_input,
                  in_flight=in_flight, failed=failed, failure=failure,
                  admission=admission, cancelled=cancelled)


def refuse_after_close(controls):
  """Op failing with CancelledError once the saver is closed (as a closed
  store would): enqueuing one element into the closed end-of-input queue
  fails; zero elements (still open) is a no-op."""
  closed = tf.cast(controls.token_queue.is_closed(), tf.int32)
  return controls.end_of_input.enqueue_many(
      (tf.zeros(tf.expand_dims(closed, 0), tf.int32),),
      name="RefuseAfterClose")


def end_of_input_if(controls, condition, name):
  """Op raising OutOfRangeError when `condition` (bool scalar) holds.

  Args:
    controls: the Controls.
    condition: bool scalar; when true the op dequeues one element from the
      end_of_input queue (which stays empty), so it fails once it is closed.
    name: name of the op.

  Returns:
    The dequeue_many op (its output is empty).
  """
  return controls.end_of_input.dequeue_many(tf.cast(condition, tf.int32),
                                            name=name)


def register_key(controls, key, stop_key, deps):
  """Op entering the example in the registry of keys in flight, after
  `deps`; fails (InvalidArgumentError naming the key) if it is there.

  A key may be in flight only once (contrib let single-segment duplicates
  through and failed obscurely on multi-segment ones).  Registered under
  the example's "STOP:<key>" (its last next_key), so a take can forget
  finished examples straight from next_key.

  Args:
    controls: the Controls.
    key: string scalar, the example's key (for the message).
    stop_key: string scalar, "STOP:<key>".
    deps: ops the lookup runs after.
  """
  with tf.control_dependencies(deps):
    seen = raw.LookupTableFindV2(table_handle=controls.in_flight,
                                 keys=tf.expand_dims(stop_key, 0),
                                 default_value=tf.constant(-1, tf.int64))
  unique = tf1.Assert(
      tf.less(seen[0], 0),
      [tf.strings.join(["Duplicate key in flight: '", key, DUPLICATE_KEY])],
      name="CheckKeyNotInFlight")
  with tf.control_dependencies([unique]):
    return raw.LookupTableInsertV2(
        table_handle=controls.in_flight, keys=tf.expand_dims(stop_key, 0),
        values=tf.constant([1], tf.int64), name="RegisterKey")


def raise_if_failed(controls, after=()):
  """Op failing with the recorded input failure, if there is one.

  Cheap when there is none: the message is read only past a Switch on the
  flag.

  Args:
    controls: the Controls.
    after: tensors the flag is read after (a take's outputs: the failure
      that woke a waiting take must be seen by that take's check).
  """
  with tf.control_dependencies(after):
    failed = controls.failed.is_closed()
  pred_false, pred_true = raw.Switch(data=failed, pred=failed)
  # Key 1, computed from the gated flag so nothing runs without a failure.
  key = tf.cast(pred_true, tf.int64)
  message = raw.LookupTableFindV2(
      table_handle=controls.failure, keys=tf.expand_dims(key, 0),
      default_value=tf.constant(""))
  fail = tf1.Assert(tf.logical_not(pred_true), [message[0]],
                    name="InputFailed")
  with tf.control_dependencies([fail]):
    after = tf.identity(pred_true)
  return raw.Merge(inputs=[pred_false, after]).output


def in_flight_stats(controls):
  """[(name, tensor)]: the two counts every store's stats end with:
  examples in flight (capacity tokens held) and whether the saver is
  closed."""
  return [("in_flight", controls.token_queue.size()),
          ("closed", controls.token_queue.is_closed())]
