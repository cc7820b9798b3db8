"""run_n and run_feeds: TF 1.15's tf.contrib.learn graph actions."""
from __future__ import absolute_import, division, print_function

import itertools

from legacy_pipeline._tf import tf1


def run_feeds_iter(output_dict, feed_dicts, restore_checkpoint_path=None):
  """Yields ``session.run(output_dict, feed)`` for each feed of `feed_dicts`.

  One new Session on the tensors' graph: variables are restored from
  `restore_checkpoint_path` (by the graph's Saver, or a new one) or
  initialized; local variables and tables are initialized; queue runners run
  for the duration and are stopped and joined at the end.

  Args:
    output_dict: dict name -> tensor, all of one graph.
    feed_dicts: iterable of feed dicts (None for no feed).
    restore_checkpoint_path: checkpoint to restore, or None.

  Yields:
    dict name -> value per feed.

  Raises:
    ValueError: `output_dict` or `feed_dicts` is empty or None.
  """
  if not output_dict:
    raise ValueError("output_dict is invalid: %s." % output_dict)
  if not feed_dicts:
    raise ValueError("feed_dicts is invalid: %s." % feed_dicts)
  graph = next(iter(output_dict.values())).graph
  with graph.as_default():
    with tf1.Session("") as session:
      if restore_checkpoint_path:
        savers = tf1.get_collection(tf1.GraphKeys.SAVERS)
        saver = savers[0] if savers else tf1.train.Saver()
        saver.restore(session, restore_checkpoint_path)
      else:
        session.run(tf1.global_variables_initializer())
      session.run([tf1.local_variables_initializer(),
                   tf1.tables_initializer()])
      coord = tf1.train.Coordinator()
      threads = None
      try:
        threads = tf1.train.start_queue_runners(session, coord=coord)
        for feed in feed_dicts:
          yield session.run(output_dict, feed)
      finally:
        coord.request_stop()
        if threads:
          coord.join(threads, stop_grace_period_secs=120)


def run_feeds(output_dict, feed_dicts, restore_checkpoint_path=None):
  """run_feeds_iter's results as a list."""
  return list(run_feeds_iter(output_dict, feed_dicts,
                             restore_checkpoint_path=restore_checkpoint_path))


def run_n(output_dict, feed_dict=None, restore_checkpoint_path=None, n=1):
  """Runs `output_dict` `n` times with the same `feed_dict` (see run_feeds).

  Returns:
    A list of `n` dicts name -> value.
  """
  return run_feeds(output_dict, itertools.repeat(feed_dict, n),
                   restore_checkpoint_path=restore_checkpoint_path)
