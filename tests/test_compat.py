"""compat: one place decides each fallback, and says which branch it took."""
from __future__ import absolute_import, division, print_function

import json
import os
import re
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
  assert d.layers == d.cells  # both need Keras 2 (or TF 1.x)
  if TF1:
    assert (d.saver, d.cells, d.layers) == ("contrib", "native", "native")
  if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
    assert d.cells == "native"


# What each tox env must choose (docs/compatibility.md's table).
EXPECTED_BY_TOX_ENV = {
    "py37-tf115": ("contrib", "native", "native"),
    "py311-tf215": ("inhouse", "native", "native"),
    "py311-tf221-keras3": ("inhouse", "inhouse", "inhouse"),
    "py311-tf221-tfkeras": ("inhouse", "native", "native"),
}


def test_branch_taken_in_this_tox_env():
  env = os.environ.get("LEGACY_PIPELINE_TOX_ENV")
  if env not in EXPECTED_BY_TOX_ENV:
    pytest.skip("not run by tox (LEGACY_PIPELINE_TOX_ENV=%r)" % env)
  if os.environ.get("LEGACY_PIPELINE_BACKEND", "auto") != "auto":
    pytest.skip("backend forced by LEGACY_PIPELINE_BACKEND")
  d = _probe.decide()
  assert (d.saver, d.cells, d.layers) == EXPECTED_BY_TOX_ENV[env], \
      compat.describe()


def test_env_override_inhouse():
  d = _probe.decide({"LEGACY_PIPELINE_BACKEND": "inhouse"})
  assert (d.saver, d.cells, d.layers) == ("inhouse", "inhouse", "inhouse")


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
  assert b"state saver=inhouse, rnn cells=inhouse, layers/keras=inhouse" in out


# TensorFlow's own start-up lines (TF 2.21 prints some at import whatever the
# log level): not ours, so not counted.
_TF_OWN_LINE = re.compile(r"^([IWEF]\d{4} |WARNING: All log messages before "
                          r"absl::InitializeLog)")

_QUIET_PROGRAM = """
import sys
import legacy_pipeline
from compat import tf
x = tf.placeholder(tf.float32, [2])
y = legacy_pipeline.dense(x[None], 3)
print("graph mode:", not tf.executing_eagerly(), file=sys.stderr)
if "--own-call" in sys.argv:
  tf.disable_resource_variables()  # the user's own deprecated call
"""


def _stderr_lines(*args):
  env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
  run = subprocess.run([sys.executable, "-c", _QUIET_PROGRAM] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, timeout=180)
  assert run.returncode == 0, run.stderr.decode()[-3000:]
  return [l for l in run.stderr.decode().splitlines()
          if not _TF_OWN_LINE.match(l)]


def test_importing_compat_and_legacy_pipeline_is_silent():
  """Issue 28: importing both and switching to graph mode prints nothing of
  ours (disable_v2_behavior's deprecation line is hidden), while a
  deprecated call of the user's own still warns."""
  assert _stderr_lines() == ["graph mode: True"]
  own = "\n".join(_stderr_lines("--own-call"))
  if not tf.version.VERSION.startswith("1."):
    assert "disable_resource_variables" in own and "deprecated" in own, own


def test_importing_compat_changes_no_global_state():
  out = subprocess.check_output(
      [sys.executable, "-c",
       "import tensorflow as tf; before = tf.executing_eagerly();"
       "import compat; from compat.contrib import training;"
       "print(before == tf.executing_eagerly())"], timeout=120)
  assert out.strip().endswith(b"True")


_NAMESPACE_PROBE = r"""
import json, tensorflow
import compat
from compat import tf
from compat.contrib.training import batch_sequences_with_states as bsws
import legacy_pipeline as lp
from legacy_pipeline.nn import layers
out = {"describe": compat.describe(), "is_real_module": tf is tensorflow,
       "eager": tensorflow.executing_eagerly(), "VERSION": tf.VERSION,
       "same_bsws": tf.contrib.training.batch_sequences_with_states is bsws,
       "saver_inhouse": bsws is lp.batch_sequences_with_states}
for name in ("RNNCell", "LSTMCell", "BasicLSTMCell", "GRUCell",
             "MultiRNNCell", "LSTMStateTuple"):
  cls = getattr(tf.nn.rnn_cell, name)
  out["cell_" + name] = cls is getattr(lp, name)
out["dense_inhouse"] = tf.layers.dense is layers.dense
from legacy_pipeline.nn import keras as lk
out["keras_inhouse"] = tf.keras.models.Sequential is lk.Sequential
out["contrib_keras_same"] = tf.contrib.keras.layers.Dense is tf.keras.layers.Dense
out["has_ssrnn"] = callable(tf.nn.static_state_saving_rnn)
for name in ("SequenceQueueingStateSaver", "NextQueuedSequenceBatch"):
  out["has_" + name] = hasattr(tf.contrib.training, name)
with tf.Graph().as_default():
  model = tf.keras.models.Sequential(name="logits")
  model.add(tf.keras.layers.Dense(3, activation="relu", input_dim=4))
  model.add(tf.keras.layers.Dense(1))
  y = model(tf.ones([2, 4])) + tf.layers.dense(tf.ones([2, 4]), 1)
  # TF 1.x Keras applied a Sequential declared input_dim=4 to [..., 4].
  y3 = model(tf.ones([5, 2, 4]))
  with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    out["keras_graph_value_shape"] = list(sess.run(y).shape)
    v2, v3 = sess.run([model(tf.ones([2, 4])), y3])
    out["keras_rank3_shape"] = list(v3.shape)
    out["keras_rank3_same_math"] = bool(abs(v3[0] - v2).max() < 1e-6)
from legacy_pipeline.nn import wrappers
out["dropout_inhouse"] = tf.nn.rnn_cell.DropoutWrapper is wrappers.DropoutWrapper
try:
  tf.nn.rnn_cell.NoSuchCell
  out["missing"] = None
except AttributeError as e:
  out["missing"] = str(e)
print("JSON" + json.dumps(out))
"""


def _namespace_report(backend):
  env = dict(os.environ, LEGACY_PIPELINE_BACKEND=backend)
  out = subprocess.check_output([sys.executable, "-c", _NAMESPACE_PROBE],
                                env=env, timeout=300).decode()
  line = [l for l in out.splitlines() if l.startswith("JSON")][-1]
  return json.loads(line[4:])


@pytest.mark.parametrize("backend", ["auto", "inhouse"])
def test_tf1_namespace_in_a_fresh_process(backend):
  r = _namespace_report(backend)
  d = _probe.decide({"LEGACY_PIPELINE_BACKEND": backend})
  assert r["VERSION"] == tf.version.VERSION
  assert not r["eager"]  # graph mode, on TF 2.x switched by the namespace
  assert r["is_real_module"] == (
      TF1 and (d.saver, d.cells, d.layers) == ("contrib", "native", "native"))
  assert r["same_bsws"] and r["has_SequenceQueueingStateSaver"] and \
      r["has_NextQueuedSequenceBatch"] and r["has_ssrnn"]
  assert r["saver_inhouse"] == (d.saver == "inhouse")
  for name in ("RNNCell", "LSTMCell", "BasicLSTMCell", "GRUCell",
               "MultiRNNCell", "LSTMStateTuple"):
    assert r["cell_" + name] == (d.cells == "inhouse"), name
  assert r["dense_inhouse"] == r["keras_inhouse"] == (d.layers == "inhouse")
  assert r["contrib_keras_same"]
  assert r["keras_graph_value_shape"] == [2, 1]
  assert r["keras_rank3_shape"] == [5, 2, 1] and r["keras_rank3_same_math"]
  assert r["dropout_inhouse"] == (d.cells == "inhouse")
  assert "NoSuchCell" in r["missing"]
  if d.cells == "inhouse":
    assert "TF 1.15's tf.nn.rnn_cell has no 'NoSuchCell'" in r["missing"]
    assert ("pip install 'tf_keras" in r["missing"] or
            "unset it" in r["missing"])
