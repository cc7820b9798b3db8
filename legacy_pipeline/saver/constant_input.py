"""The build-time guard against inputs that never change between prefetches.

``check_inputs_advance`` catches the classic pitfall (tensorflow issue
21959): inputs that come from no queue, reader or iterator are the same
tensor values at every prefetch, so the saver stores the same example over
and over.  Contrib built such graphs (unit tests of user code and contrib's
own graph tests construct the saver from constants), so by default the check
warns (ConstantInputWarning) and the graph is built; with the environment
variable ``LEGACY_PIPELINE_STRICT=1`` it raises ConstantInputError instead.
"""
from __future__ import absolute_import, division, print_function

import contextlib
import os
import threading
import warnings

from legacy_pipeline import _tf
from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.errors import ConstantInputError, ConstantInputWarning

# Op types whose output changes from one run to the next.
_ADVANCING_PREFIXES = ("QueueDequeue", "ReaderRead", "IteratorGetNext",
                       "Random", "ParameterizedTruncatedNormal",
                       "TruncatedNormal", "Multinomial", "PyFunc",
                       "EagerPyFunc", "StatefulPartitionedCall")

_ALLOWED = threading.local()


@contextlib.contextmanager
def constant_input_allowed():
  """Within this context, batch_sequences_with_states skips the check.

  For inputs that are meant to repeat (tests, demos with make_keys_unique).
  """
  depth = getattr(_ALLOWED, "depth", 0)
  _ALLOWED.depth = depth + 1
  try:
    yield
  finally:
    _ALLOWED.depth = depth


def _advances(tensors):
  """Whether any op upstream of `tensors` yields new values per run."""
  seen, stack = set(), [t.op for t in tensors]
  while stack:
    op = stack.pop()
    if op in seen:
      continue
    seen.add(op)
    if op.type.startswith(_ADVANCING_PREFIXES):
      return True
    stack.extend(t.op for t in op.inputs)
    stack.extend(op.control_inputs)
  return False


def _leaves(value):
  if _tf.is_sparse(value):
    return [value.indices, value.values, value.dense_shape]
  if isinstance(value, (tf.Tensor, tf.Variable)):
    return [tf.convert_to_tensor(value)]
  return []


STRICT_ENV = "LEGACY_PIPELINE_STRICT"


def strict():
  """Whether detected pitfalls are errors (``LEGACY_PIPELINE_STRICT=1``)."""
  return os.environ.get(STRICT_ENV, "").strip().lower() in ("1", "true", "yes",
                                                           "on")


def check_inputs_advance(caller, input_key, input_sequences, input_context,
                         input_length):
  """Warns (or raises) when no input can change between prefetches.

  Args:
    caller: name used in the message.
    input_key, input_sequences, input_context, input_length: the saver's
      inputs (tensors, SparseTensors, dicts of them, Python values).

  Warns:
    ConstantInputWarning: nothing upstream is a queue dequeue, a reader, an
      iterator, a random op or a py_func, and the check was not disabled with
      constant_input_allowed().  The graph is built as contrib built it.

  Raises:
    ConstantInputError: the same, in strict mode (LEGACY_PIPELINE_STRICT=1).
  """
  if getattr(_ALLOWED, "depth", 0):
    return
  tensors = _leaves(input_key) + _leaves(input_length)
  for group in (input_sequences, input_context):
    if isinstance(group, dict):
      for v in group.values():
        tensors.extend(_leaves(v))
  if _advances(tensors):
    return
  message = (
      "%s: none of input_key, input_sequences, input_context, input_length "
      "comes from a queue, a reader or a tf.data iterator, so every prefetch "
      "(one per queue-runner step) stores the same example again -- the "
      "'same sequence over and over' pitfall (tensorflow issue 21959). Read "
      "the input through tf.compat.v1.train.string_input_producer + "
      "TFRecordReader (or any queue's dequeue), or use "
      "legacy_pipeline.batch_sequences_with_states_from_dataset(dataset, ...). "
      "If repeating this input is intended, build the batch inside `with "
      "legacy_pipeline.constant_input_allowed():`." % caller)
  if strict():
    raise ConstantInputError(message)
  # stacklevel 4: the user's call of batch_sequences_with_states.
  warnings.warn(message + " (Built anyway, as contrib did; set %s=1 to make "
                "this an error.)" % STRICT_ENV, ConstantInputWarning,
                stacklevel=4)
