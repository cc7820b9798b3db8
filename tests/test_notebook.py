"""The original notebook runs with only its two import lines changed.

The notebook's text (markdown, code cells and printed outputs) is read at test
time, its code cells are extracted, the two TensorFlow imports are swapped for
``from compat import tf`` / ``from compat.contrib.training import
batch_sequences_with_states``, the 30,000 training steps are cut to a few, and
the result runs in a fresh interpreter (the namespace switches TF 2.x to graph
mode for the whole process).
"""
from __future__ import absolute_import, division, print_function

import ast
import os
import re
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOK = os.path.join("shared", "seeds", "000_aded3781008abca4.txt")
STEPS = 40
PHASE = 10

IMPORTS = {
    "import tensorflow as tf": "from compat import tf",
    "from tensorflow.contrib.training import batch_sequences_with_states":
        "from compat.contrib.training import batch_sequences_with_states",
}
# Test-size edits, not API edits: fewer steps, a loss line every PHASE steps.
SIZE_EDITS = {
    "range(1, 30001)": "range(1, %d)" % (STEPS + 1),
    "len_phase = 1000": "len_phase = %d" % PHASE,
}


def _origin_dir():
  """Where this checkout was cloned from, if it was a local directory."""
  try:
    url = subprocess.check_output(
        ["git", "-C", REPO, "config", "--get", "remote.origin.url"],
        stderr=subprocess.DEVNULL, timeout=30).decode().strip()
  except (OSError, subprocess.SubprocessError):
    return None
  return url if url and os.path.isdir(url) else None


def notebook_path():
  """The notebook text: $LEGACY_PIPELINE_NOTEBOOK, else ../shared next to the
  repo (or next to the local repo it was cloned from); None if absent."""
  candidates = [os.environ.get("LEGACY_PIPELINE_NOTEBOOK")]
  for root in (REPO, _origin_dir()):
    if root:
      candidates.append(os.path.join(os.path.dirname(root), NOTEBOOK))
  for path in candidates:
    if path and os.path.isfile(path):
      return path
  return None


def _is_code(chunk, code_so_far):
  """Whether a blank-line-separated chunk continues the cell's code.

  Printed output follows the code after a blank line.  It rarely compiles; when
  it does (numpy reprs such as ``array([...])``) it is bare expressions with no
  comments, which code chunks in this notebook never are.  A chunk with no
  statement at all (a markdown heading reads as a comment) ends the cell too.
  """
  try:
    compile(code_so_far + "\n\n" + chunk, "<cell>", "exec")
  except SyntaxError:
    return False
  try:
    tree = ast.parse(chunk)
  except SyntaxError:
    return True  # an indented continuation of the code before it
  if not tree.body:
    return False
  has_comment = any(l.strip().startswith("#") for l in chunk.splitlines())
  return has_comment or any(not isinstance(s, ast.Expr) for s in tree.body)


def extract_cells(text):
  """The code of each `In [n]:` cell, in order."""
  cells = []
  blocks = re.split(r"^In \[[0-9 ]*\]:[ \t]*$", text, flags=re.M)[1:]
  for block in blocks:
    chunks = [c.strip("\n") for c in re.split(r"\n[ \t]*\n", block)]
    chunks = [c for c in chunks if c.strip()]
    code = chunks[0]
    for chunk in chunks[1:]:
      if not _is_code(chunk, code):
        break
      code += "\n\n" + chunk
    compile(code, "<cell>", "exec")
    cells.append(code)
  return cells


def _replace_once(source, old, new):
  pattern = r"^%s[ \t]*$" % re.escape(old) if old in IMPORTS else re.escape(old)
  out, n = re.subn(pattern, new, source, flags=re.M)
  assert n == 1, "expected %r once in the notebook's code, found %d" % (old, n)
  return out


def notebook_program(text):
  cells = extract_cells(text)
  source = "\n\n".join(cells)
  for old, new in list(IMPORTS.items()) + list(SIZE_EDITS.items()):
    source = _replace_once(source, old, new)
  return cells, source


@pytest.fixture(scope="module")
def notebook_text():
  path = notebook_path()
  if path is None:
    pytest.skip("the original notebook's text (%s) is not next to this "
                "checkout; set LEGACY_PIPELINE_NOTEBOOK to its path" %
                NOTEBOOK)
  with open(path) as f:
    return f.read()


def test_extraction_finds_every_code_cell(notebook_text):
  cells, source = notebook_program(notebook_text)
  assert len(cells) == 14
  assert cells[0].startswith("import os")
  assert "TensorFlow version:" not in "".join(c for c in cells[0].splitlines()
                                              if not c.startswith("print"))
  assert cells[2].endswith("writer.close()")  # a comment-led chunk, no heading
  assert "\narray([" not in source  # printed numpy output left out
  assert "Mean loss at step  1000" not in source
  assert "import tensorflow" not in source


def test_notebook_runs_with_two_import_lines_changed(notebook_text, tmp_path):
  _, source = notebook_program(notebook_text)
  script = tmp_path / "notebook.py"
  script.write_text(source)
  env = dict(os.environ, PYTHONPATH=REPO + os.pathsep +
             os.environ.get("PYTHONPATH", ""))
  proc = subprocess.run([sys.executable, str(script)], cwd=str(tmp_path),
                        env=env, stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, timeout=600)
  out = proc.stdout.decode("utf-8", "replace")
  assert proc.returncode == 0, out[-4000:]
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  assert "TensorFlow version: %s" % tf.version.VERSION in out
  assert (tmp_path / "toydata.tfrecords").stat().st_size > 0
  assert re.search(r"^toydata\.tfrecords:0$", out, flags=re.M), out[-4000:]
  assert "Iteration 8:" in out
  keys = re.findall(r"b'(\d{5})_of_(\d{5}):toydata\.tfrecords:\d+'", out)
  assert len(keys) == 16, out[-4000:]
  losses = [float(v) for v in re.findall(
      r"^Mean loss at step\s+\d+:\s+(\S+)$", out, flags=re.M)]
  assert len(losses) == STEPS // PHASE, out[-4000:]
  assert all(0 < v < 100 for v in losses), losses
