"""``python -m compat``: TF 1.x programs run unedited, and the static checker.

The programs of tests/programs/ run from their original source (``import
tensorflow as tf``, ``tf.contrib``) through ``python -m compat`` and must
match the same TF 1.15 references as the import-swapped runs of
test_programs.py.  tests/programs/tf1_pkg is a package of several modules
that reach ``tensorflow.contrib`` at import time (``from tensorflow.contrib.rnn
import LSTMCell``, ``import tensorflow.contrib.slim as slim``, a contrib
default argument), run with ``-m``.
"""
from __future__ import absolute_import, division, print_function

import importlib.util
import json
import os
import re
import subprocess
import sys

import pytest
import tensorflow as tf

import test_programs

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PROGRAMS_DIR = os.path.join(HERE, "programs")
TF1 = tf.version.VERSION.startswith("1.")
HAVE_TF_KERAS = importlib.util.find_spec("tf_keras") is not None
KERAS_3_DEFAULT = tuple(int(p) for p in tf.version.VERSION.split(".")[:2]) >= (
    2, 16)


def _compat(args, cwd=None, timeout=300):
  env = dict(os.environ, PYTHONPATH=ROOT)
  return subprocess.run([sys.executable, "-m", "compat"] + list(args),
                        cwd=cwd, env=env, stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, timeout=timeout)


def _tf1_run(args):
  """The tf1-run console script, on a shell without TF_USE_LEGACY_KERAS:
  the runner's own Keras rule decides (Keras 2 where tf_keras is
  installed)."""
  script = os.path.join(os.path.dirname(sys.executable), "tf1-run")
  if not os.path.exists(script):
    if os.environ.get("LEGACY_PIPELINE_TOX_ENV"):
      pytest.fail("tf1-run is not installed next to " + sys.executable)
    pytest.skip("tf1-run not installed (pip install .)")
  env = dict(os.environ, PYTHONPATH=ROOT)
  env.pop("TF_USE_LEGACY_KERAS", None)
  return subprocess.run([script] + list(args), env=env,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        timeout=300)


def _json(proc):
  assert proc.returncode == 0, proc.stderr.decode()[-3000:]
  return json.loads(proc.stdout.decode().strip().splitlines()[-1])


# On TF 1.x the runner only runs the program (TF 1.x is the namespace), which
# test_programs.py does for every program: one run here checks the runner's
# part (banner, exit status, output).
RUNNER_PROGRAMS = [p for p in test_programs.PROGRAMS
                   if not TF1 or p[0] == "cnn_ctc"]


@pytest.mark.parametrize("name, rtol", RUNNER_PROGRAMS,
                         ids=[p[0] for p in RUNNER_PROGRAMS])
def test_program_runs_unedited_and_matches_tf115(name, rtol):
  source = os.path.join(PROGRAMS_DIR, name + ".py")
  assert "\nimport tensorflow as tf\n" in open(source).read()  # unswapped
  want = json.load(open(os.path.join(HERE, "fixtures",
                                     name + "_tf115.json")))
  proc = _tf1_run([source])
  test_programs._close(_json(proc), want, rtol)  # pylint: disable=protected-access
  start = "legacy-pipeline: %s on TF %s" % (source, tf.version.VERSION)
  banner = [l for l in proc.stderr.decode().splitlines()
            if l.startswith(start)]
  assert len(banner) == 1, proc.stderr.decode()[-3000:]
  legacy = "Keras 2 from tf_keras (TF_USE_LEGACY_KERAS=1 set by"
  assert (legacy in banner[0]) == (HAVE_TF_KERAS and KERAS_3_DEFAULT), banner


def test_package_runs_with_dash_m_and_keeps_argv_and_name():
  out = _json(_compat(["-m", "tf1_pkg.main", "--steps", "4"],
                      cwd=PROGRAMS_DIR))
  assert out["argv"] == ["--steps", "4"] and out["name"] == "__main__"
  # The program's `tf` is the TF 1.x namespace; TF itself stays real.
  assert out["tf_is_real_module"] == TF1
  assert out["real_is_tf2"] == (not TF1)
  assert out["variables"] == ["head/biases", "head/weights",
                              "rnn/lstm_cell/bias", "rnn/lstm_cell/kernel"]
  assert len(out["losses"]) == 4 and out["losses"][-1] < out["losses"][0]


def test_exit_status_and_traceback_are_the_programs():
  proc = _compat(["-m", "tf1_pkg.main", "--steps", "1", "--exit", "3"],
                 cwd=PROGRAMS_DIR)
  assert proc.returncode == 3, proc.stderr.decode()[-2000:]
  proc = _compat(["-m", "tf1_pkg.main", "--steps", "1", "--fail"],
                 cwd=PROGRAMS_DIR)
  assert proc.returncode == 1
  err = proc.stderr.decode()
  tb = err[err.rindex("Traceback (most recent call last):"):]
  frames = re.findall(r'File "([^"]+)", line (\d+), in (\S+)', tb)
  assert [(os.path.basename(f), int(l), fn) for f, l, fn in frames] == [
      ("main.py", 36, "<module>"), ("main.py", 31, "main")], tb
  assert tb.rstrip().endswith("ValueError: asked to fail")


_SCRIPT = u"""
import json, os, sys
import tensorflow as tf
from tensorflow.python.framework import ops   # TF internals stay real
print(json.dumps({"argv": sys.argv, "name": __name__,
                  "path0": sys.path[0], "file": __file__,
                  "graph_mode": not tf.executing_eagerly(),
                  "ops_is_real": ops.__name__ ==
                      "tensorflow.python.framework.ops",
                  "version": tf.VERSION}))
"""


def test_script_sees_a_direct_runs_argv_name_and_path(tmp_path):
  script = tmp_path / "prog.py"
  script.write_text(_SCRIPT)
  out = _json(_compat([str(script), "a", "--b=1"]))
  assert out["argv"] == [str(script), "a", "--b=1"]
  assert out["name"] == "__main__" and out["file"] == str(script)
  assert out["path0"] == str(tmp_path)
  assert out["graph_mode"] and out["ops_is_real"]
  assert out["version"] == tf.version.VERSION
  missing = _compat([str(tmp_path / "nope.py")])
  assert missing.returncode == 2 and b"can't open file" in missing.stderr


def test_tf_compat_v1_spelling_gets_the_namespace_too(tmp_path):
  # TF 1.13-1.15 code often wrote `import tensorflow.compat.v1 as tf`; on
  # Keras 3 the real tf.compat.v1.nn.rnn_cell.LSTMCell raises.
  script = tmp_path / "v1.py"
  script.write_text(u"import json\n"
                    u"import tensorflow.compat.v1 as tf\n"
                    u"from tensorflow.contrib.training import HParams\n"
                    u"tf.disable_v2_behavior()\n"
                    u"cell = tf.nn.rnn_cell.LSTMCell(3)\n"
                    u"x = tf.placeholder(tf.float32, [2, 4])\n"
                    u"y, _ = cell(x, cell.zero_state(2, tf.float32))\n"
                    u"print(json.dumps({'a': HParams(a=1).a, "
                    u"'shape': y.get_shape().as_list()}))\n")
  out = _json(_compat([str(script)]))
  assert out == {"a": 1, "shape": [2, 3]}


def test_a_contrib_import_that_is_not_provided_fails_at_its_line(tmp_path):
  if TF1:
    pytest.skip("TF 1.x: the real tf.contrib has it")
  for line, expected in (
      (u"from tensorflow.contrib.opt import GGTOptimizer\n",
       ["tf.contrib.opt.GGTOptimizer is not provided",
        "Instead: ", "Still runs on: tensorflow==1.15.5"]),
      (u"from tensorflow.contrib import distributions\n",
       ["tf.contrib.distributions is not provided",
        "Instead: tensorflow_probability"])):
    script = tmp_path / "absent.py"
    script.write_text(u"import tensorflow as tf\n" + line)
    proc = _compat([str(script)])
    assert proc.returncode == 1
    err = proc.stderr.decode()
    assert "ImportError" in err and "cannot import name" not in err, err
    for text in expected:
      assert text in err, err
    assert 'absent.py", line 2' in err


def test_deep_contrib_imports_resolve_as_in_tf1(tmp_path):
  script = tmp_path / "deep.py"
  script.write_text(
      u"from tensorflow.contrib.training.python.training.bucket_ops import "
      u"bucket_by_sequence_length\n"
      u"from tensorflow.contrib.slim.python.slim.nets import resnet_v1\n"
      u"from tensorflow.contrib.rnn.python.ops import rnn_cell\n"
      u"import tensorflow.contrib.slim as slim\n"
      u"print(bucket_by_sequence_length.__name__, "
      u"resnet_v1.resnet_v1_50.__name__, rnn_cell.LayerNormBasicLSTMCell.__name__, "
      u"slim.losses.mean_squared_error.__name__)\n")
  proc = _compat([str(script)])
  assert proc.returncode == 0, proc.stderr.decode()[-2000:]
  assert proc.stdout.decode().split() == [
      "bucket_by_sequence_length", "resnet_v1_50", "LayerNormBasicLSTMCell",
      "mean_squared_error"]


def test_usage_and_describe():
  assert _compat([]).returncode == 2
  out = _compat(["--describe"])
  assert out.returncode == 0 and b"state saver=" in out.stdout


# -- python -m compat check ----------------------------------------------------


def _check(paths):
  proc = _compat(["check", "--verbose"] + list(paths))
  return proc.returncode, proc.stdout.decode()


def _listed(report):
  return {m.group(2): m.group(1) for m in re.finditer(
      r"^\s*(ok|MISSING)\s+(\S+)\s+\[", report, re.M)}


def test_check_lists_exactly_the_names_a_package_uses():
  rc, report = _check([os.path.join(PROGRAMS_DIR, "tf1_pkg")])
  assert rc == 0, report
  assert _listed(report) == {n: "ok" for n in (
      "tf.Session", "tf.constant", "tf.constant_initializer",
      "tf.contrib.layers", "tf.contrib.layers.fully_connected",
      "tf.contrib.rnn.BasicLSTMCell", "tf.contrib.rnn.DropoutWrapper",
      "tf.contrib.rnn.LSTMCell", "tf.contrib.slim",
      "tf.contrib.slim.arg_scope", "tf.float32", "tf.global_variables",
      "tf.global_variables_initializer", "tf.nn.static_rnn",
      "tf.reduce_mean", "tf.set_random_seed", "tf.square",
      "tf.train.GradientDescentOptimizer", "tf.unstack")}
  assert "0 missing" in report


def test_check_lists_exactly_the_names_a_program_uses():
  rc, report = _check([os.path.join(PROGRAMS_DIR, "contrib_basics.py")])
  assert rc == 0, report
  # Every tf.* reference of the source, read off it by hand.
  assert sorted(_listed(report)) == sorted(
      "tf." + n for n in (
          "Session argmax constant constant_initializer "
          "contrib.framework.arg_scope contrib.framework.get_model_variables "
          "contrib.framework.get_or_create_global_step "
          "contrib.framework.get_variables contrib.layers.fully_connected "
          "contrib.layers.l2_regularizer contrib.layers.optimize_loss "
          "contrib.learn.run_n contrib.metrics.streaming_accuracy "
          "contrib.seq2seq.sequence_loss contrib.training.HParams "
          "global_variables_initializer int32 int64 "
          "local_variables_initializer losses.get_regularization_loss "
          "reshape set_random_seed tile").split())


def test_check_finds_nothing_missing_in_the_programs():
  rc, report = _check([PROGRAMS_DIR])
  assert rc == 0, report
  listed = _listed(report)
  assert len(listed) >= 100
  for name in ("tf.contrib.training.batch_sequences_with_states",
               "tf.contrib.slim.learning.create_train_op",
               "tf.contrib.slim.learning.train",
               "tf.keras.layers.Layer", "tf.contrib.rnn.LSTMBlockCell",
               "tf.contrib.learn.run_n", "tf.nn.static_state_saving_rnn"):
    assert listed.get(name) == "ok", name


def test_check_reports_what_is_missing_with_its_replacement(tmp_path):
  (tmp_path / "old.py").write_text(
      u"import tensorflow as tf\n"
      u"from tensorflow.contrib import lookup\n"
      u"from tensorflow.python.ops import lookup_ops\n"
      u"from tensorflow.contrib.opt.python.training.ggt import GGTOptimizer\n"
      u"from tensorflow.contrib.training.python.training.bucket_ops import "
      u"bucket\n"
      u"t = lookup.index_table_from_file('vocab.txt')\n"
      u"u = lookup_ops.index_table_from_tensor(['a'])\n"
      u"c = tf.contrib.bayesflow.monte_carlo\n"
      u"x = tf.float32.as_numpy_dtype\n")
  (tmp_path / "py2.py").write_text(u"print 'hello'\n")
  rc, report = _check([str(tmp_path)])
  listed = _listed(report)
  assert listed["tf.float32"] == "ok"  # reported up to the first non-module
  assert "ERROR" in report and "py2.py does not parse" in report
  assert rc == 1
  assert listed["tf.contrib.lookup.index_table_from_file"] == "ok"
  # Reached through TF's own modules: checked against the real TensorFlow.
  assert listed["tf.python.ops.lookup_ops.index_table_from_tensor"] == "ok"
  if TF1:
    return
  # A deep import is reported by its leaf, as the table names it.
  assert listed["tf.contrib.training.bucket"] == "ok"
  assert listed["tf.contrib.opt.GGTOptimizer"] == "MISSING"
  assert listed["tf.contrib.bayesflow"] == "MISSING"
  assert "Instead: tensorflow_probability" in report
  assert re.search(r"\d+ name\(s\) used: \d+ provided, 2 missing", report)


def test_check_with_no_python_files(tmp_path):
  rc, report = _check([str(tmp_path)])
  assert rc == 2 and "no .py or .ipynb files" in report
