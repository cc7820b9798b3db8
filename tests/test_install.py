"""The install the README gives, tested (issue 28): the wheel with its extras
in a fresh venv, then the tools run from a folder outside the checkout.

Offline: the wheel is built from a copy of this checkout's sources (so the
checkout gets no build/ or egg-info), and the fresh venv sees the
dependencies that the running environment already has (TensorFlow, tf-slim,
tf_keras, numpy) through a .pth file to a folder of links to them -- every
installed distribution except this project's own, which comes from the new
wheel only.  ``pip install --no-index "<wheel>[tf,tf1]"`` then finds every
requirement of the extras satisfied, so a wrong extra or a missing console
script fails here.

It runs in the env that has the README's extras installed (tox's
``py311-tf221-tfkeras``, built from ``.[tf1]``), and outside tox when those
packages are present.
"""
from __future__ import absolute_import, division, print_function

import glob
import os
import shutil
import subprocess
import sys
import sysconfig

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
INSTALL_ENV = "py311-tf221-tfkeras"
# What the wheel is built from.
SOURCES = ("pyproject.toml", "README.md", "legacy_pipeline_cli.py",
           "legacy_pipeline", "compat")
# Top-level names of this project in a site-packages folder.
OURS = ("legacy_pipeline", "legacy_pipeline_cli", "compat")
PROGRAM = os.path.join(HERE, "programs", "state_saver_classifier.py")


def _needs_extras():
  env = os.environ.get("LEGACY_PIPELINE_TOX_ENV")
  if env and env != INSTALL_ENV:
    pytest.skip("the install test runs in %s (the README's extras), not %s" %
                (INSTALL_ENV, env))
  for module in ("tensorflow", "tf_slim", "tf_keras"):
    try:
      __import__(module)
    except ImportError:
      if env:
        pytest.fail("%s lacks %s, which the [tf1] extra installs" %
                    (env, module))
      pytest.skip("needs the [tf,tf1] extras' packages: %s is missing" %
                  module)


def _run(cmd, cwd, env, timeout=600):
  proc = subprocess.run(cmd, cwd=str(cwd), env=env, stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, timeout=timeout)
  return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def _ours(name):
  base = name.split("-")[0].split(".")[0].lower().replace("-", "_")
  return base in OURS or base.startswith("legacy_pipeline")


def _dependencies_folder(tmp_path):
  """A folder of links to this environment's installed packages, minus ours."""
  deps = tmp_path / "deps"
  deps.mkdir()
  site = sysconfig.get_paths()["purelib"]
  for name in os.listdir(site):
    if _ours(name) or name.endswith(".pth") or name == "__pycache__":
      continue
    os.symlink(os.path.join(site, name), str(deps / name))
  return deps


def _fresh_venv(tmp_path, deps):
  venv = tmp_path / "venv"
  subprocess.check_call([sys.executable, "-m", "venv", str(venv)],
                        timeout=300)
  python = str(venv / "bin" / "python")
  site = subprocess.check_output(
      [python, "-c", "import sysconfig; print(sysconfig.get_paths()"
       "['purelib'])"], timeout=60).decode().strip()
  with open(os.path.join(site, "zz_dependencies.pth"), "w") as f:
    f.write(str(deps) + "\n")
  return venv, python


def _wheel(tmp_path):
  src = tmp_path / "src"
  src.mkdir()
  ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
  for name in SOURCES:
    path = os.path.join(ROOT, name)
    if os.path.isdir(path):
      shutil.copytree(path, str(src / name), ignore=ignore)
    else:
      shutil.copy(path, str(src / name))
  dist = tmp_path / "dist"
  subprocess.check_call(
      [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index",
       "--no-build-isolation", "-q", "-w", str(dist), str(src)],
      timeout=300)
  wheels = glob.glob(str(dist / "legacy_pipeline-*.whl"))
  assert len(wheels) == 1, wheels
  return wheels[0]


def test_wheel_with_extras_in_a_fresh_venv_runs_the_tools(tmp_path):
  _needs_extras()
  wheel = _wheel(tmp_path)
  venv, python = _fresh_venv(tmp_path, _dependencies_folder(tmp_path))
  env = {k: v for k, v in os.environ.items()
         if k not in ("PYTHONPATH", "TF_USE_LEGACY_KERAS", "VIRTUAL_ENV")}
  env["PATH"] = str(venv / "bin") + os.pathsep + env.get("PATH", "")
  elsewhere = tmp_path / "elsewhere"
  elsewhere.mkdir()
  rc, out, err = _run([python, "-m", "pip", "install", "--no-index",
                       "--disable-pip-version-check", "-q",
                       wheel + "[tf,tf1]"], elsewhere, env)
  assert rc == 0, out + err
  # The project comes from the venv, not from this checkout or this env.
  rc, out, err = _run([python, "-c", "import compat, legacy_pipeline; "
                       "print(compat.__file__); print(legacy_pipeline.__file__)"],
                      elsewhere, env)
  assert rc == 0, err
  for line in out.split():
    assert line.startswith(str(venv)), out
  program = str(elsewhere / "classifier.py")
  shutil.copy(PROGRAM, program)

  rc, out, err = _run([python, "-m", "compat", "check", program], elsewhere,
                      env)
  assert rc == 0, out + err
  assert "0 missing" in out, out

  rc, out, err = _run([python, "-m", "compat", program], elsewhere, env)
  assert rc == 0, out + err[-3000:]
  assert out.strip(), "the program printed nothing: " + err[-3000:]

  train = str(venv / "bin" / "legacy-pipeline-train")
  assert os.path.exists(train), os.listdir(str(venv / "bin"))
  rc, out, err = _run([train, "--model-dir", str(elsewhere / "model"),
                       "--steps", "6", "--toy-sequences", "40",
                       "--log-every", "3", "--checkpoint-every-steps", "6",
                       "--eval-every-steps", "6"], elsewhere, env)
  assert rc == 0, out + err[-3000:]
  assert "done: {" in out, out
  assert glob.glob(str(elsewhere / "model" / "model.ckpt-6*")), os.listdir(
      str(elsewhere / "model"))
