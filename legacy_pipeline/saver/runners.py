"""Queue runners as a context manager: start, stop, join -- always."""
from __future__ import absolute_import, division, print_function

import contextlib

from legacy_pipeline._tf import tf1


@contextlib.contextmanager
def queue_runners(sess, coord=None, stop_grace_period_secs=10):
  """Starts the graph's queue runners and always stops and joins them.

  Args:
    sess: a tf.compat.v1.Session.
    coord: optional Coordinator; one is made if None.
    stop_grace_period_secs: how long join waits for threads to stop.

  Yields:
    (coord, threads).

  Raises:
    Whatever a runner thread reported to the coordinator (re-raised by join),
    unless the body itself raised.
  """
  coord = coord or tf1.train.Coordinator()
  threads = tf1.train.start_queue_runners(sess=sess, coord=coord)
  try:
    yield coord, threads
  except Exception as e:  # pylint: disable=broad-except
    coord.request_stop(e)
  finally:
    coord.request_stop()
    coord.join(threads, stop_grace_period_secs=stop_grace_period_secs)
