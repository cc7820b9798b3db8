"""Every absent TF 1.15 name and module says where to go next (issue 25).

An absent entry of the route table carries at least one of ``instead`` (the
TF 2.x or maintained-package replacement), ``deferred`` (the issue that will
provide it here) and ``pin`` (the TensorFlow on which the original still
runs); the namespace's AttributeError, the runner's ImportError, the
checker's MISSING lines and ``python -m compat coverage --json`` carry it.
Every ``tf.`` path an ``instead`` names is looked up on the running
TensorFlow, so a typo fails here.
"""
from __future__ import absolute_import, division, print_function

import io
import json
import os
import re
import subprocess
import sys

import pytest
import tensorflow as tf

from compat import _coverage
from compat import _routes
from compat import routes

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TF1 = tf.version.VERSION.startswith("1.")
TF_MINOR = tuple(int(v) for v in tf.version.VERSION.split(".")[:2])
KERAS3 = str(getattr(tf.keras, "__version__", "")).startswith("3.")
ROWS, MODULES = _routes._index()  # pylint: disable=protected-access
ABSENT = sorted([r for r in ROWS.values() if r.absent] +
                [m for m in MODULES.values() if m.absent],
                key=lambda e: e.path)
# A dotted tf. path inside an `instead` text.
TF_PATH = re.compile(r"(?<![\w.])tf(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
# Gone with tf.estimator in TF 2.16 (the texts say "TF <= 2.15").
ESTIMATOR_ONLY = ("tf.estimator.", "tf.compat.v1.estimator.")
# Keras 2's (TF <= 2.15, or tf_keras with TF_USE_LEGACY_KERAS=1).
KERAS2_ONLY = ("tf.keras.experimental.SequenceFeatures",)


def _instead_paths():
  out = []
  for entry in ABSENT:
    for path in TF_PATH.findall(entry.instead or ""):
      out.append((entry.path, path))
  return out


def test_every_absent_entry_has_a_next_step():
  assert len(ABSENT) > 100  # tf.estimator, feature columns, whole modules
  missing = [e.path for e in ABSENT
             if not (e.instead or e.deferred or e.pin)]
  assert not missing, missing
  for entry in ABSENT:
    step = _routes.next_step_of(entry)
    assert step and "\n" not in step, entry.path
    message = _routes.not_provided(entry.path, entry)
    assert "\n" not in message
    assert message.startswith(entry.path + " is not provided by "
                              "legacy-pipeline: " + entry.absent)
    assert message.endswith(step)


def test_the_groups_issue_25_names_say_what_it_asks():
  for entry in ABSENT:
    path = entry.path
    # Issue 26 ported these modules: nothing of them is left absent.
    assert not path.startswith(("tf.contrib.seq2seq.", "tf.contrib.crf.",
                                "tf.contrib.legacy_seq2seq.")), path
    if path.startswith("tf.estimator."):
      assert entry.deferred == "issue 29", path
      assert entry.pin == routes.PIN_ESTIMATOR, path
    if entry.absent == routes.FEATURE_COLUMNS:
      assert entry.instead == routes.FEATURE_COLUMNS_INSTEAD[
          path.rsplit(".", 1)[1]], path
  assert _routes.row("tf.contrib.layers.real_valued_column").instead == \
      "tf.feature_column.numeric_column"
  assert _routes.module("tf.contrib.distributions").instead == \
      "tensorflow_probability.distributions"


def test_the_message_is_one_line_with_every_part():
  r = routes.R("tf.contrib.x.y", absent="a reason", deferred="issue 99",
               instead="tf.x.y", pin=routes.PIN_TF115)
  assert _routes.not_provided(r.path, r) == (
      "tf.contrib.x.y is not provided by legacy-pipeline: a reason. "
      "Planned: issue 99. Instead: tf.x.y. Still runs on: %s." %
      routes.PIN_TF115)
  r = _routes.row("tf.contrib.opt.GGTOptimizer")
  assert _routes.not_provided(r.path, r) == (
      "tf.contrib.opt.GGTOptimizer is not provided by legacy-pipeline: %s. "
      "Instead: %s. Still runs on: %s." % (
          r.absent.rstrip("."), r.instead.rstrip("."), r.pin))
  m = _routes.module("tf.contrib.bayesflow")
  assert _routes.not_provided(m.path, m) == (
      "tf.contrib.bayesflow is not provided by legacy-pipeline: %s. "
      "Instead: %s." % (m.absent, m.instead))


@pytest.mark.parametrize("kwargs", [
    dict(absent="a reason that names no next step at all"),
    dict(absent="a reason", instead=""),
    dict(native=True, instead="tf.something"),
    dict(absent="two\nlines", pin=routes.PIN_TF115),
])
def test_the_table_refuses_an_entry_without_a_next_step(kwargs):
  with pytest.raises(ValueError, match="tf.contrib.x.y"):
    routes.R("tf.contrib.x.y", **kwargs)
  kwargs.pop("native", None)
  with pytest.raises(ValueError, match="tf.contrib.x"):
    routes.M("tf.contrib.x", **kwargs)


def test_next_step_is_none_where_provided():
  assert _routes.next_step("tf.contrib.data.unbatch") is None
  assert _routes.next_step("tf.contrib.no_such_module.name") is None
  assert _routes.next_step("tf.contrib.crf.crf_decode") is None  # issue 26
  ggt = _routes.next_step("tf.contrib.opt.GGTOptimizer")
  bayesflow = _routes.next_step("tf.contrib.bayesflow")
  if TF1:  # the real tf.contrib serves them
    assert ggt is None and bayesflow is None
    return
  assert ggt.startswith("Instead: ")
  assert "Still runs on: tensorflow==1.15.5" in ggt
  assert bayesflow == "Instead: " + _routes.module(
      "tf.contrib.bayesflow").instead + "."
  # A name under an absent module gets the module's.
  assert _routes.next_step("tf.contrib.distributions.Normal") == \
      _routes.next_step("tf.contrib.distributions")
  status = _routes.status("tf.contrib.opt.GGTOptimizer")
  assert status.source == "absent" and status.detail.endswith(ggt)
  estimator = _routes.next_step("tf.estimator.LoggingTensorHook")
  if TF_MINOR <= (2, 15):
    assert estimator is None  # tf.estimator is native there
  else:
    assert "Planned: issue 29" in estimator and \
        "tf.compat.v1.train.LoggingTensorHook" in estimator and \
        routes.PIN_ESTIMATOR in estimator


@pytest.mark.skipif(TF1, reason="the replacements are TF 2.x's")
@pytest.mark.parametrize("entry_path,path", _instead_paths())
def test_instead_paths_exist(entry_path, path):
  if (path + ".").startswith(ESTIMATOR_ONLY) and TF_MINOR > (2, 15):
    pytest.skip("tf.estimator is gone in TF %s" % tf.version.VERSION)
  if path in KERAS2_ONLY and KERAS3:
    pytest.skip("Keras 2's")
  if path.startswith("tf.contrib."):
    assert _routes.status(path).source in _coverage.PROVIDED, (entry_path,
                                                                path)
    return
  obj = tf
  for part in path.split(".")[1:]:
    obj = getattr(obj, part, None)
    assert obj is not None, (entry_path, path)


def test_the_instead_paths_cover_the_table():
  paths = set(p for _, p in _instead_paths())
  assert len(paths) > 100
  for path in ("tf.feature_column.numeric_column",
               "tf.compat.v1.train.CheckpointSaverHook",
               "tf.distribute.cluster_resolver",
               "tf.xla.experimental.jit_scope"):
    assert path in paths


@pytest.mark.skipif(TF1, reason="the whole tf.contrib exists on TF 1.x")
def test_coverage_json_lists_the_next_steps():
  out = io.StringIO()
  _coverage.report(out, as_json=True)
  steps = json.loads(out.getvalue())["next_steps"]
  assert steps["tf.contrib.opt.GGTOptimizer"] == \
      _routes.next_step("tf.contrib.opt.GGTOptimizer")
  assert "tf.contrib.crf.crf_decode" not in steps
  assert steps["tf.contrib.bayesflow"].startswith("Instead: "
                                                  "tensorflow_probability")
  assert "tf.contrib.data.unbatch" not in steps


_NAMESPACE = r"""
import json
import compat
tf = compat.v1_namespace()
out = {}
def error(get):
  try:
    get()
  except AttributeError as e:
    return str(e)
  return "found"
out["ggt"] = error(lambda: tf.contrib.opt.GGTOptimizer)
out["bayesflow"] = error(lambda: tf.contrib.bayesflow)
out["crf_decode"] = error(lambda: tf.contrib.crf.crf_decode)
print("JSON" + json.dumps(out))
"""


@pytest.mark.skipif(TF1, reason="the real tf.contrib answers on TF 1.x")
def test_namespace_errors_carry_the_next_step():
  env = dict(os.environ, PYTHONPATH=ROOT)
  out = subprocess.check_output([sys.executable, "-c", _NAMESPACE], env=env,
                                cwd=ROOT, timeout=300).decode()
  got = json.loads([l for l in out.splitlines() if l.startswith("JSON")][-1][4:])
  ggt = _routes.row("tf.contrib.opt.GGTOptimizer")
  assert got["ggt"] == _routes.not_provided(ggt.path, ggt)
  assert "Still runs on: " + routes.PIN_TF115 in got["ggt"]
  assert got["crf_decode"] == "found"
  bayesflow = _routes.module("tf.contrib.bayesflow")
  assert got["bayesflow"] == _routes.not_provided(bayesflow.path, bayesflow)
  assert "Instead: tensorflow_probability" in got["bayesflow"]
