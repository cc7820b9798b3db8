"""Shared fixtures: a fresh graph and session per test, timeouts, backends.

Every blocking ``Session.run`` in the tests goes through ``Harness.run`` which
sets ``RunOptions(timeout_in_ms=...)``: a deadlock fails the test with
``DeadlineExceededError`` instead of hanging CI.
"""
from __future__ import absolute_import, division, print_function

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

import legacy_pipeline  # noqa: E402

tf1 = tf.compat.v1
tf1.logging.set_verbosity(tf1.logging.ERROR)

RUN_TIMEOUT_MS = 20000


def contrib_training():
  """tf.contrib.training on TF 1.x, else None."""
  if not tf.version.VERSION.startswith("1."):
    return None
  try:
    from tensorflow.contrib import training  # pylint: disable=g-import-not-at-top
  except ImportError:
    return None
  return training


HAS_CONTRIB = contrib_training() is not None
needs_contrib = pytest.mark.skipif(
    not HAS_CONTRIB, reason="the real tf.contrib exists only on TF 1.x")


class Backend(object):
  """One implementation of the contrib state-saver API."""

  def __init__(self, name, module):
    self.name = name
    self.batch_sequences_with_states = module.batch_sequences_with_states
    self.SequenceQueueingStateSaver = module.SequenceQueueingStateSaver
    self.NextQueuedSequenceBatch = module.NextQueuedSequenceBatch

  def __repr__(self):
    return self.name


def backend_params():
  """pytest params: in-house always, contrib where it exists (else skipped)."""
  params = [pytest.param("inhouse", id="inhouse")]
  params.append(pytest.param("contrib", id="contrib", marks=needs_contrib))
  return params


def make_backend(name):
  if name == "inhouse":
    return Backend("inhouse", legacy_pipeline)
  return Backend("contrib", contrib_training())


@pytest.fixture(params=backend_params())
def backend(request):
  """Parametrises a test over the in-house saver and, on TF 1.x, contrib's."""
  return make_backend(request.param)


@pytest.fixture
def inhouse():
  return make_backend("inhouse")


STORES = ["barrier", "scheduled"]


@pytest.fixture(params=STORES)
def store(request, monkeypatch):
  """Runs a test against each of our stores (a module opts in with
  ``pytestmark = pytest.mark.usefixtures("store")``).

  It sets ``LEGACY_PIPELINE_STORE`` to the store for the test (from the
  variable, "scheduled" leaves a saver with a fed batch size on the Barrier
  store, as a user's would).  Returns the store name.  With the contrib
  backend only one run is kept (see pytest_collection_modifyitems).
  """
  monkeypatch.setenv("LEGACY_PIPELINE_STORE", request.param)
  return request.param


#: The tox envs where tests marked ``matrix_ends`` run: the oldest TF and the
#: newest.  Those tests are end-to-end runs of the training program whose
#: subject is plain Python (signals, a killed process, a local cluster), not a
#: TF-version fallback; the middle envs (TF 2.15, and TF 2.21 with tf_keras)
#: would repeat them at ~2 minutes per env.  Outside tox (no
#: LEGACY_PIPELINE_TOX_ENV) or with LEGACY_PIPELINE_ALL_ENVS=1 they always run.
MATRIX_ENDS = ("py37-tf115", "py311-tf221-keras3")


def _skipped_in_this_env(item):
  env = os.environ.get("LEGACY_PIPELINE_TOX_ENV")
  if item.get_closest_marker("matrix_ends") is None or not env:
    return None
  if env in MATRIX_ENDS or os.environ.get("LEGACY_PIPELINE_ALL_ENVS") == "1":
    return None
  return pytest.mark.skip(reason="matrix_ends: runs in %s only (%s here; "
                          "LEGACY_PIPELINE_ALL_ENVS=1 runs it)" %
                          (" and ".join(MATRIX_ENDS), env))


def pytest_collection_modifyitems(config, items):
  """Drops the scheduled-store copy of a test run against contrib: contrib
  has one store, so that copy would repeat the barrier one."""
  keep, drop = [], []
  for item in items:
    params = getattr(getattr(item, "callspec", None), "params", {})
    if params.get("backend") == "contrib" and params.get("store") == \
        "scheduled":
      drop.append(item)
    else:
      keep.append(item)
      skip = _skipped_in_this_env(item)
      if skip is not None:
        item.add_marker(skip)
  if drop:
    config.hook.pytest_deselected(items=drop)
    items[:] = keep


class Harness(object):
  """A graph, a session on it, and run() with a timeout."""

  def __init__(self):
    self.graph = tf.Graph()
    self._ctx = self.graph.as_default()
    self._ctx.__enter__()
    self._sess = None
    self._runners = None
    self.coord = None
    self.threads = []

  @property
  def sess(self):
    if self._sess is None:
      self._sess = tf1.Session(graph=self.graph)
    return self._sess

  def run(self, fetches, feed_dict=None, timeout_ms=RUN_TIMEOUT_MS):
    options = tf1.RunOptions(timeout_in_ms=timeout_ms)
    return self.sess.run(fetches, feed_dict=feed_dict, options=options)

  def start_queue_runners(self):
    """Starts the runners through legacy_pipeline.queue_runners.

    close() leaves that context (stop, join); a test that joins by itself
    sets ``h.coord = None`` first.
    """
    self._runners = legacy_pipeline.queue_runners(self.sess,
                                                  stop_grace_period_secs=10)
    self.coord, self.threads = self._runners.__enter__()
    return self.coord, self.threads

  def init_variables(self):
    self.run([tf1.global_variables_initializer(),
              tf1.local_variables_initializer()])

  def close(self):
    if self.coord is not None:
      try:
        self._runners.__exit__(None, None, None)
      except Exception:  # pylint: disable=broad-except
        pass  # what a runner reported: the test has checked what it needs
    if self._sess is not None:
      self._sess.close()
    self._ctx.__exit__(None, None, None)


@pytest.fixture
def h():
  harness = Harness()
  try:
    yield harness
  finally:
    harness.close()


def write_sequence_examples(path, examples):
  """Writes SequenceExamples: each a dict with 'sequences' and 'context'.

  ``sequences``: name -> list of per-step values (float list, int list or
  bytes list by dtype); ``context``: name -> list of values.
  """
  with tf1.python_io.TFRecordWriter(str(path)) as writer:
    for ex in examples:
      se = tf.train.SequenceExample()
      for name, values in ex.get("context", {}).items():
        _fill_feature(se.context.feature[name], values)
      for name, steps in ex.get("sequences", {}).items():
        fl = se.feature_lists.feature_list[name]
        for step in steps:
          _fill_feature(fl.feature.add(), step)
      writer.write(se.SerializeToString())
  return str(path)


def _fill_feature(feature, values):
  values = np.atleast_1d(np.asarray(values))
  if values.dtype.kind == "f":
    feature.float_list.value.extend(values.astype(np.float32).tolist())
  elif values.dtype.kind in "iub":
    feature.int64_list.value.extend(values.astype(np.int64).tolist())
  else:
    feature.bytes_list.value.extend(
        [v if isinstance(v, bytes) else str(v).encode() for v in values])
