"""Public entry points document their arguments (issue 28).

Every public function or method of a public module of legacy_pipeline/ and
compat/ that takes two or more arguments (``self``/``cls`` not counted) has
an ``Args:`` section in its docstring; for a public class's ``__init__`` the
class docstring may hold it.  Public: no name along the path, and not the
function's or class's own name, starts with an underscore (``__init__.py``
and ``__init__`` excepted).  The sources are parsed in a fresh interpreter,
as in test_architecture (CPython 3.11.7's ``ast.parse`` can raise a spurious
SystemError in a process that has run the TF-heavy tests, cpython#106905).
"""
from __future__ import absolute_import, division, print_function

import ast
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = ("legacy_pipeline", "compat")


def _public_modules():
  for package in PACKAGES:
    for dirpath, dirnames, files in os.walk(os.path.join(ROOT, package)):
      dirnames[:] = sorted(d for d in dirnames if not d.startswith("_"))
      for f in sorted(files):
        if f.endswith(".py") and (f == "__init__.py" or
                                  not f.startswith("_")):
          path = os.path.join(dirpath, f)
          yield os.path.relpath(path, ROOT).replace(os.sep, "/"), path


def _arguments(fn):
  args = fn.args.args + getattr(fn.args, "kwonlyargs", [])
  return [a.arg for a in args if a.arg not in ("self", "cls")]


def _undocumented_here():
  """(checked, ["path:line name", ...] of those without Args:)."""
  checked, missing = 0, []

  def visit(node, rel, cls=None):
    nonlocal checked
    for child in ast.iter_child_nodes(node):
      if isinstance(child, ast.ClassDef) and not child.name.startswith("_"):
        visit(child, rel, child)
      elif isinstance(child, ast.FunctionDef):
        public = not child.name.startswith("_") or (
            cls is not None and child.name == "__init__")
        if not public or len(_arguments(child)) < 2:
          continue
        checked += 1
        doc = ast.get_docstring(child) or ""
        if cls is not None and child.name == "__init__":
          doc += ast.get_docstring(cls) or ""
        if "Args:" not in doc:
          missing.append("%s:%d %s%s" % (
              rel, child.lineno, cls.name + "." if cls else "", child.name))

  for rel, path in _public_modules():
    with open(path) as f:
      visit(ast.parse(f.read(), path), rel)
  return checked, missing


def test_public_functions_with_arguments_document_them():
  out = subprocess.check_output(
      [sys.executable, os.path.abspath(__file__)], timeout=300)
  checked, missing = json.loads(out)
  assert checked > 300, "the walk found too few functions: %d" % checked
  assert not missing, ("public functions with 2+ arguments and no Args: "
                       "section:\n  " + "\n  ".join(missing))


if __name__ == "__main__":
  print(json.dumps(_undocumented_here()))
