"""Session hooks of the training program: progress, signals, worker sessions."""
from __future__ import absolute_import, division, print_function

import math
import signal
import sys
import time

from legacy_pipeline._tf import tf1


class ProgressHook(tf1.train.SessionRunHook):
  """Prints step, loss, accuracy (, lr), steps/s and ETA every `every` steps.

  Args:
    fetches: dict with ``step``, ``loss``, ``accuracy`` (and optionally
      ``lr``) tensors, fetched every run.
    every: print every this many local steps.
    last_step: the final global step, for the ETA.
    worker: prefix of each printed line (e.g. the worker's name).
  """

  def __init__(self, fetches, every, last_step, worker):
    self._fetches, self._every, self._last_step = fetches, every, last_step
    self._worker = worker
    self._mark = None
    self.local_steps = 0

  def before_run(self, run_context):
    return tf1.train.SessionRunArgs(self._fetches)

  def after_run(self, run_context, run_values):
    """Counts the step and prints every `every` steps.

    Args:
      run_context: the ``SessionRunContext`` (unused).
      run_values: the ``SessionRunValues`` holding the fetched dict.
    """
    self.local_steps += 1
    v = run_values.results
    step = int(v["step"])
    now = time.time()
    if self._mark is None:
      self._mark = (step, now)
      return
    if self.local_steps % self._every:
      return
    rate = (step - self._mark[0]) / max(now - self._mark[1], 1e-9)
    eta = (self._last_step - step) / rate if rate > 0 else float("inf")
    lr = "  lr %.3g" % v["lr"] if "lr" in v else ""
    print("%sstep %d/%d  loss %.4f  acc %.4f%s  %.1f steps/s  ETA %s" % (
        self._worker, step, self._last_step, v["loss"], v["accuracy"], lr,
        rate, _hms(eta)))
    sys.stdout.flush()
    self._mark = (step, now)


def _hms(seconds):
  if math.isinf(seconds):
    return "?"
  seconds = int(seconds)
  return "%d:%02d:%02d" % (seconds // 3600, seconds // 60 % 60, seconds % 60)


class StopOnSignalHook(tf1.train.SessionRunHook):
  """SIGINT/SIGTERM end training cleanly (the chief then checkpoints)."""

  def __init__(self):
    self.signal = None
    self._previous = {}

  def begin(self):
    for sig in (signal.SIGINT, signal.SIGTERM):
      self._previous[sig] = signal.signal(sig, self._handle)

  def _handle(self, signum, frame):
    del frame
    self.signal = signum

  def after_run(self, run_context, run_values):
    """Requests a stop once a signal was received.

    Args:
      run_context: the ``SessionRunContext``.
      run_values: the ``SessionRunValues`` (unused).
    """
    if self.signal is not None:
      run_context.request_stop()

  def end(self, session):
    for sig, handler in self._previous.items():
      signal.signal(sig, handler)


class WorkerSessionCreator(tf1.train.SessionCreator):
  """A non-chief's session: waits for the chief's init, checking every second.

  MonitoredTrainingSession's own worker creator checks every 30 s, so a worker
  started a moment before its chief idles half a minute.

  Args:
    master: the TF master (target) to connect to.
    config: a ``ConfigProto`` for the session, or None.
    max_wait_secs: how long to wait for the chief's initialization.
  """

  def __init__(self, master, config, max_wait_secs=1800):
    self._master, self._config = master, config
    self._max_wait_secs = max_wait_secs

  def create_session(self):
    scaffold = tf1.train.Scaffold()
    scaffold.finalize()
    manager = tf1.train.SessionManager(
        local_init_op=scaffold.local_init_op, ready_op=scaffold.ready_op,
        ready_for_local_init_op=scaffold.ready_for_local_init_op,
        graph=tf1.get_default_graph(), recovery_wait_secs=1)
    return manager.wait_for_session(self._master, config=self._config,
                                    max_wait_secs=self._max_wait_secs)
