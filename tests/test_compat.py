"""compat: one place decides each fallback, and says which branch it took."""
from __future__ import absolute_import, division, print_function

import os
import subprocess
import sys

import pytest
import tensorflow as tf

import compat
import legacy_pipeline
from compat import _probe
from conftest import HAS_CONTRIB

TF1 = tf.version.VERSION.startswith("1.")


def _keras3():
  try:
    tf.compat.v1.nn.rnn_cell.LSTMCell  # pylint: disable=pointless-statement
    return False
  except (AttributeError, ImportError):
    return True


def test_auto_choice_matches_this_environment():
  d = _probe.decide({})
  assert d.tf_version == tf.version.VERSION
  assert d.saver == ("contrib" if HAS_CONTRIB else "inhouse")
  assert d.cells == ("inhouse" if _keras3() else "native")
  if TF1:
    assert d.saver == "contrib" and d.cells == "native"
  if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
    assert d.cells == "native"


# What each tox env must choose (the README's compatibility table).
EXPECTED_BY_TOX_ENV = {
    "py37-tf115": ("contrib", "native"),
    "py311-tf215": ("inhouse", "native"),
    "py311-tf221-keras3": ("inhouse", "inhouse"),
    "py311-tf221-tfkeras": ("inhouse", "native"),
}


def test_branch_taken_in_this_tox_env():
  env = os.environ.get("LEGACY_PIPELINE_TOX_ENV")
  if env not in EXPECTED_BY_TOX_ENV:
    pytest.skip("not run by tox (LEGACY_PIPELINE_TOX_ENV=%r)" % env)
  if os.environ.get("LEGACY_PIPELINE_BACKEND", "auto") != "auto":
    pytest.skip("backend forced by LEGACY_PIPELINE_BACKEND")
  d = _probe.decide()
  assert (d.saver, d.cells) == EXPECTED_BY_TOX_ENV[env], compat.describe()


def test_env_override_inhouse():
  d = _probe.decide({"LEGACY_PIPELINE_BACKEND": "inhouse"})
  assert (d.saver, d.cells) == ("inhouse", "inhouse")


def test_env_override_contrib():
  if HAS_CONTRIB:
    assert _probe.decide({"LEGACY_PIPELINE_BACKEND": "contrib"}).saver == \
        "contrib"
  else:
    with pytest.raises(legacy_pipeline.errors.BackendUnavailableError,
                       match="install tensorflow==1.15.5"):
      _probe.decide({"LEGACY_PIPELINE_BACKEND": "contrib"})


def test_bad_env_value():
  with pytest.raises(ValueError, match="auto, contrib, inhouse"):
    _probe.decide({"LEGACY_PIPELINE_BACKEND": "gpu"})


def test_resolved_symbols_follow_the_decision():
  from compat.contrib import training  # pylint: disable=g-import-not-at-top
  if compat.BACKEND == "inhouse":
    assert training.batch_sequences_with_states is \
        legacy_pipeline.batch_sequences_with_states
  else:
    assert training.batch_sequences_with_states.__module__.startswith(
        "tensorflow")
  lstm = compat.rnn_cell.LSTMCell
  if compat.CELLS == "inhouse":
    assert lstm is legacy_pipeline.LSTMCell
  else:
    assert lstm is tf.compat.v1.nn.rnn_cell.LSTMCell
  assert compat.BACKEND in compat.describe()


def test_forced_inhouse_in_a_fresh_process():
  env = dict(os.environ, LEGACY_PIPELINE_BACKEND="inhouse")
  out = subprocess.check_output(
      [sys.executable, "-c",
       "import compat, legacy_pipeline as lp;"
       "from compat.contrib import training as t;"
       "assert t.SequenceQueueingStateSaver is lp.SequenceQueueingStateSaver;"
       "assert compat.rnn_cell.LSTMCell is lp.LSTMCell;"
       "print(compat.describe())"], env=env, timeout=120)
  assert b"state saver=inhouse, rnn cells=inhouse" in out


def test_importing_compat_changes_no_global_state():
  out = subprocess.check_output(
      [sys.executable, "-c",
       "import tensorflow as tf; before = tf.executing_eagerly();"
       "import compat; from compat.contrib import training;"
       "print(before == tf.executing_eagerly())"], timeout=120)
  assert out.strip().endswith(b"True")
