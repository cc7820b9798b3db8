"""The tools as a migrating user meets them: tf1-run, tf1-check, tf1-coverage
and ``python -m compat``.

* A project with its own top-level ``compat.py`` (an old py2/py3 helper) is
  run and checked through every entry point: the program imports *its*
  ``compat``, and the run and the check really happen (their output says so).
* The Keras rule (``TF_USE_LEGACY_KERAS=1`` when tf_keras is installed) and
  its opt-outs.
* The checker's report: summary first, missing names by module with their
  places in numeric order, ``--verbose``, ``--json``, notebooks, usage
  errors without tracebacks, an empty scan, and no TensorFlow start-up lines.

The console scripts are those installed with the package in the test's
environment (tox installs the wheel); PYTHONPATH points at this checkout so
they run its source.
"""
from __future__ import absolute_import, division, print_function

import json
import os
import subprocess
import sys

import pytest
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TF1 = tf.version.VERSION.startswith("1.")
BIN = os.path.dirname(sys.executable)
try:
  import tf_keras  # pylint: disable=unused-import
  HAVE_TF_KERAS = True
except ImportError:
  HAVE_TF_KERAS = False


def _script(name):
  path = os.path.join(BIN, name)
  if not os.path.exists(path):
    if os.environ.get("LEGACY_PIPELINE_TOX_ENV"):
      pytest.fail("console script %s is not installed in %s" % (name, BIN))
    pytest.skip("console script %s not installed (pip install .)" % name)
  return [path]


def _env(pythonpath=ROOT, **extra):
  env = dict(os.environ, PYTHONPATH=pythonpath)
  # The user's own settings, as on a fresh shell: no log level, no Keras
  # choice (the tools make theirs).
  for name in ("TF_CPP_MIN_LOG_LEVEL", "TF_USE_LEGACY_KERAS"):
    env.pop(name, None)
  env.update(extra)
  return env


def _run(cmd, cwd, env=None, timeout=300):
  proc = subprocess.run(cmd, cwd=str(cwd), env=env or _env(),
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        timeout=timeout)
  return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


# What TF 1.15 logs on the first use of tf.contrib, in any run.
TF1_CONTRIB_WARNING = (
    "WARNING:tensorflow:\nThe TensorFlow contrib module will not be included "
    "in TensorFlow 2.0.\nFor more information, please see:\n"
    "  * https://github.com/tensorflow/community/blob/master/rfcs/"
    "20180907-contrib-sunset.md\n  * https://github.com/tensorflow/addons\n"
    "  * https://github.com/tensorflow/io (for I/O related ops)\n"
    "If you depend on functionality not listed there, please file an issue."
    "\n\n")


def _python_m_compat(args):
  return [sys.executable, "-m", "compat"] + list(args)


# -- a project with its own compat.py ---------------------------------------

USER_COMPAT = u'''\
"""The project's own py2/py3 helper, as old projects had."""
import tensorflow as tf
string_types = (str,)
# Imports TensorFlow itself: under the runner it is user code too.
HAS_CONTRIB = hasattr(tf, "contrib")
'''

TRAIN = u'''\
import json
import sys
import tensorflow as tf
from compat import string_types, HAS_CONTRIB
import compat

cell = tf.contrib.rnn.LSTMCell(3)
print(json.dumps({"compat_file": compat.__file__, "string_types":
                  [t.__name__ for t in string_types], "contrib": HAS_CONTRIB,
                  "cell": type(cell).__name__, "argv": sys.argv[1:]}))
'''


@pytest.fixture(scope="module")
def project(tmp_path_factory):
  root = tmp_path_factory.mktemp("old_project")
  (root / "compat.py").write_text(USER_COMPAT)
  (root / "train.py").write_text(TRAIN)
  (root / "app").mkdir()
  (root / "app" / "__init__.py").write_text(u"")
  (root / "app" / "main.py").write_text(TRAIN)
  return root


def _ran_with_own_compat(rc, out, err, project, argv):
  assert rc == 0, err[-3000:]
  got = json.loads(out.strip().splitlines()[-1])
  assert got["compat_file"] == str(project / "compat.py")
  assert got["string_types"] == ["str"] and got["argv"] == argv
  assert got["contrib"] and got["cell"] == "LSTMCell"
  return got


def test_own_compat_program_runs_through_every_entry_point(project, tmp_path):
  # tf1-run from the project's folder, a script and a module.
  rc, out, err = _run(_script("tf1-run") + ["train.py", "--x", "1"], project)
  _ran_with_own_compat(rc, out, err, project, ["--x", "1"])
  if not TF1:
    assert "its `import compat` is its own %s" % (project / "compat.py") in err
  # Run here, `python -m compat` would run the project's compat.py: said.
  assert "has its own compat.py" in err
  rc, out, err = _run(_script("tf1-run") + ["--quiet", "-m", "app.main", "y"],
                      project)
  _ran_with_own_compat(rc, out, err, project, ["y"])
  assert "legacy-pipeline" not in err
  # python -m compat from another folder.
  rc, out, err = _run(_python_m_compat([str(project / "train.py")]), tmp_path)
  _ran_with_own_compat(rc, out, err, project, [])


def test_own_compat_project_is_checked_through_every_entry_point(project,
                                                                 tmp_path):
  rc, out, err = _run(_script("tf1-check") + ["."], project)
  assert rc == 0, out + err
  assert out.startswith("legacy-pipeline TF 1.x check: 4 file(s), ")
  assert "has its own compat.py: `python -m compat` run there" in out
  rc, out, err = _run(_python_m_compat(["check", "--json", str(project)]),
                      tmp_path)
  assert rc == 0, err
  report = json.loads(out)
  assert [p["name"] for p in report["provided"]] == [
      "tf.contrib.rnn.LSTMCell"]
  assert report["summary"]["files"] == 4 and report["summary"]["missing"] == 0
  # PYTHONPATH=. in the project: its compat comes first on sys.path; the
  # console scripts step over it, and say so.
  rc, out, err = _run(_script("tf1-coverage") + ["--json"], project,
                      env=_env(pythonpath=os.pathsep.join([str(project),
                                                           ROOT])))
  assert rc == 0, err
  assert "another module named compat (%s)" % (project / "compat.py") in err
  assert "modules" in json.loads(out)


def test_from_compat_import_tf_still_works_without_a_user_compat(tmp_path):
  (tmp_path / "prog.py").write_text(
      u"from compat import tf\n"
      u"import compat\n"
      u"print(compat.__file__, tf.contrib.layers.fully_connected.__name__)\n")
  rc, out, err = _run(_script("tf1-run") + ["--quiet", "prog.py"], tmp_path)
  assert rc == 0, err
  path, name = out.split()
  assert path == os.path.join(ROOT, "compat", "__init__.py")
  assert name == "fully_connected"
  # --quiet: nothing of ours, and TensorFlow's import-time lines hidden
  # (TF 1.15 itself warns on first use of tf.contrib, as in a direct run).
  if TF1:
    err = err.replace(TF1_CONTRIB_WARNING, "")
  assert err == ""


# -- the Keras rule -----------------------------------------------------------


def test_keras_choice_errors_are_usage_errors(tmp_path):
  (tmp_path / "p.py").write_text(u"print('ran')\n")
  rc, out, err = _run(_python_m_compat(["--keras", "2", "p.py"]), tmp_path,
                      env=_env(TF_USE_LEGACY_KERAS="0"))
  assert rc == 2 and "ran" not in out
  assert "--keras 2 contradicts TF_USE_LEGACY_KERAS=0" in err
  assert "Traceback" not in err
  rc, out, err = _run(_python_m_compat(["--keras", "4", "p.py"]), tmp_path)
  assert rc == 2 and "--keras takes 2 or 3" in err
  if not HAVE_TF_KERAS:
    rc, out, err = _run(_python_m_compat(["--keras", "2", "p.py"]), tmp_path)
    assert rc == 2 and "--keras 2 needs tf_keras" in err


def test_keras_rule_is_the_runners_and_the_checkers(tmp_path):
  (tmp_path / "k.py").write_text(
      u"import os, json\nimport tensorflow as tf\n"
      u"print(json.dumps([os.environ.get('TF_USE_LEGACY_KERAS'), "
      u"tf.layers.Dense.__module__]))\n")
  rc, out, err = _run(_script("tf1-run") + ["k.py"], tmp_path)
  assert rc == 0, err
  variable, _ = json.loads(out)
  assert variable == ("1" if HAVE_TF_KERAS else None)
  rc, out3, err3 = _run(_script("tf1-run") + ["--keras", "3", "k.py"],
                        tmp_path)
  assert rc == 0 and json.loads(out3)[0] is None, err3
  rc, report, _ = _run(_script("tf1-check") + ["k.py"], tmp_path)
  assert rc == 0
  if TF1 or tf.version.VERSION.startswith("2.15."):
    assert "Keras 2 (TF %s's own)" % tf.version.VERSION in err + report
  elif HAVE_TF_KERAS:
    phrase = "Keras 2 from tf_keras (TF_USE_LEGACY_KERAS=1 set by legacy-pipeline"
    assert phrase in err and phrase in report
    assert "Keras 3 (--keras 3)" in err3
  else:
    assert "tf_keras not installed" in err and "tf_keras not installed" in report


# -- the checker's report -----------------------------------------------------


def _notebook(cells):
  return json.dumps({"nbformat": 4, "nbformat_minor": 2, "metadata": {},
                     "cells": [{"cell_type": kind, "metadata": {},
                                "source": source.splitlines(True)}
                               for kind, source in cells]})


@pytest.fixture(scope="module")
def old_code(tmp_path_factory):
  root = tmp_path_factory.mktemp("old_code")
  lines = ["import tensorflow as tf"] + ["# filler"] * 99
  lines[8] = "a = tf.contrib.rnn.NoSuchCell"        # line 9
  lines[11] = "b = tf.contrib.rnn.NoSuchCell(3)"    # line 12
  lines[99] = "c = tf.contrib.rnn.NoSuchCell"       # line 100
  lines[49] = "d = tf.contrib.distributions.Normal"  # line 50
  lines[59] = "e = tf.nn.relu"                      # line 60
  (root / "model.py").write_text(u"\n".join(lines) + u"\n")
  (root / "explore.ipynb").write_text(_notebook([
      ("markdown", "# tf.contrib.nothing here\n"),
      ("code", "%matplotlib inline\nimport tensorflow as tf\n"),
      ("code", "%%bash\necho tf.contrib.not_python\n"),
      ("code", "!pip list\nx = tf.placeholder(tf.float32)\n"
               "y = tf.contrib.rnn.NoSuchCell\n")]))
  return root


def test_report_summary_first_then_missing_by_module(old_code):
  rc, out, err = _run(_script("tf1-check") + [str(old_code)], old_code)
  assert rc == 1
  assert err == ""  # no TensorFlow start-up lines, no deprecation lines
  lines = out.splitlines()
  missing = 1 if TF1 else 2
  assert lines[0] == ("legacy-pipeline TF 1.x check: 2 file(s), 5 name(s) "
                      "used: %d provided, %d missing (%.1f%% provided)" % (
                          5 - missing, missing, 100.0 * (5 - missing) / 5))
  assert lines[1].startswith("on TF %s: state saver=" % tf.version.VERSION)
  model, notebook = str(old_code / "model.py"), str(old_code /
                                                     "explore.ipynb")
  # Places: per file, lines in numeric order; notebook cells counted among
  # code cells (the magics' lines keep their numbers).
  assert ("  MISSING tf.contrib.rnn.NoSuchCell  [%s:cell 3:3; %s:9,12,100]" %
          (notebook, model)) in lines
  assert lines[lines.index("tf.contrib.rnn (1)") + 1].startswith(
      "  MISSING tf.contrib.rnn.NoSuchCell")
  why = lines[lines.index("tf.contrib.rnn (1)") + 2]
  assert ("has no attribute 'NoSuchCell'" if TF1 else
          "TF 1.15's tf.contrib.rnn has no 'NoSuchCell'") in why
  if not TF1:
    # A whole absent module is reported (and grouped) by the module's path.
    assert "tf.contrib.distributions (1)" in lines
    assert "  MISSING tf.contrib.distributions  [%s:50]" % model in lines
    assert "Instead: tensorflow_probability" in out
  assert " ok " not in out and "--verbose lists them" in out
  assert "not_python" not in out and "tf.contrib.nothing" not in out


def test_report_verbose_and_json(old_code):
  rc, out, _ = _run(_python_m_compat(["check", "--verbose", str(old_code)]),
                    old_code)
  assert rc == 1
  ok = [l.split()[1] for l in out.splitlines() if l.startswith("  ok ")]
  assert ok == (["tf.contrib.distributions.Normal"] if TF1 else []) + [
      "tf.float32", "tf.nn.relu", "tf.placeholder"]
  notebook = str(old_code / "explore.ipynb")
  rc, out, err = _run(_python_m_compat(["check", "--json", notebook]),
                      old_code)
  assert rc == 1, err
  report = json.loads(out)
  assert report["summary"] == {"files": 1, "used": 3, "provided": 2,
                               "missing": 1, "coverage_percent": 66.7,
                               "unparsed": 0}
  assert report["missing"] == {"tf.contrib.rnn": [{
      "name": "tf.contrib.rnn.NoSuchCell",
      "places": [notebook + ":cell 3:3"],
      "why": report["missing"]["tf.contrib.rnn"][0]["why"]}]}
  assert [p["places"] for p in report["provided"]] == [
      [notebook + ":cell 3:2"], [notebook + ":cell 3:2"]]


@pytest.mark.matrix_ends
def test_usage_errors_and_an_empty_scan(tmp_path):
  rc, out, err = _run(_script("tf1-check") + ["--help"], tmp_path)
  assert rc == 0 and out.startswith("usage: tf1-check") and "--json" in out
  rc, out, err = _run(_python_m_compat(["check", "nowhere.py"]), tmp_path)
  assert rc == 2 and "Traceback" not in err
  assert "usage:" in err and "no such file or directory: nowhere.py" in err
  rc, out, err = _run(_python_m_compat(["check"]), tmp_path)
  assert rc == 2 and "Traceback" not in err and "usage:" in err
  rc, out, err = _run(_script("tf1-run") + ["nowhere.py"], tmp_path)
  assert rc == 2 and "no such file or directory" in err
  rc, out, err = _run(_script("tf1-run") + ["--help"], tmp_path)
  assert rc == 0 and out.startswith("usage: tf1-run")
  (tmp_path / "plain.py").write_text(u"import os\nprint(os.sep)\n")
  rc, out, err = _run(_script("tf1-check") + ["plain.py"], tmp_path)
  assert rc == 2 and "no TensorFlow names used in 1 file(s)" in out
  (tmp_path / "empty").mkdir()
  rc, out, err = _run(_script("tf1-check") + ["empty"], tmp_path)
  assert rc == 2 and "no .py or .ipynb files in empty" in out
