"""The one import of TensorFlow used by the library modules.

``tf1`` is ``tf.compat.v1`` on every supported version (TF 1.15 has it too), so
the library never touches TF 2.x-only or 1.x-only spellings.
"""
from __future__ import absolute_import, division, print_function

import tensorflow as tf  # pylint: disable=unused-import

from legacy_pipeline import errors

tf1 = tf.compat.v1
raw = tf.raw_ops

TF_VERSION = tf.version.VERSION
TF_MAJOR = int(TF_VERSION.split(".")[0])


def is_sparse(value):
  """True for a SparseTensor or a SparseTensorValue."""
  return isinstance(value, (tf.SparseTensor, tf1.SparseTensorValue))


def require_graph_mode(what):
  """Raises GraphModeError when called while executing eagerly.

  Args:
    what: name of the caller, used in the message.

  Raises:
    GraphModeError: eager execution is on.
  """
  if tf.executing_eagerly():
    raise errors.GraphModeError(
        "%s builds queue-based graph ops and needs graph mode: build it inside "
        "`with tf.Graph().as_default():` (or call "
        "tf.compat.v1.disable_eager_execution() first)." % what)


# Graph collection where tf.CriticalSection records its executions (for its
# own exclusivity check, which this library does not use); the entries cannot
# be written to a MetaGraph (export_meta_graph warns, and a checkpoint logs a
# warning each time).
_CS_COLLECTION = "critical_section_executions"


def dim_value(dim):
  """An int (or None) from a static dimension: TF 1.x Dimension or TF 2 int."""
  return dim if isinstance(dim, int) or dim is None else dim.value


def locked(lock, fn):
  """lock.execute(fn) leaving no entry in the graph collection (see above).

  Args:
    lock: a tf.CriticalSection.
    fn: builds the ops to run while holding the lock; returns tensors.

  Returns:
    fn's outputs, available once the lock is released.  If an op under the
    lock fails (or its step is cancelled), the lock is released with the
    step.
  """
  graph = tf1.get_default_graph()
  before = len(graph.get_collection(_CS_COLLECTION))
  out = lock.execute(fn, exclusive_resource_access=False)
  del graph.get_collection_ref(_CS_COLLECTION)[before:]
  return out
