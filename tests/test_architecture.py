"""The layering of docs/architecture.md, checked from the source's imports.

Every import of a project module (at any depth: a function-level import
counts the same) must point to a lower layer or stay inside its own package,
and the imports form no cycle.  Layers, bottom up:

  0  legacy_pipeline.errors, legacy_pipeline.quiet
  1  legacy_pipeline._tf
  2  legacy_pipeline.saver.* | .nn.* | .contrib.*   (never each other)
  3  legacy_pipeline.training.*, legacy_pipeline.stress
  4  legacy_pipeline (the flat public API), legacy_pipeline.train
  5  compat.*
  6  legacy_pipeline_cli (the console scripts)
"""
from __future__ import absolute_import, division, print_function

import ast
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = ("legacy_pipeline", "compat")
TOP_LEVEL_MODULES = ("legacy_pipeline_cli",)


def _modules():
  """module name -> source path, for every .py file of the project."""
  out = {}
  for package in PACKAGES:
    for dirpath, _, files in os.walk(os.path.join(ROOT, package)):
      for f in files:
        if not f.endswith(".py"):
          continue
        rel = os.path.relpath(os.path.join(dirpath, f), ROOT)[:-3]
        parts = rel.split(os.sep)
        if parts[-1] == "__init__":
          parts = parts[:-1]
        out[".".join(parts)] = os.path.join(dirpath, f)
  for module in TOP_LEVEL_MODULES:
    out[module] = os.path.join(ROOT, module + ".py")
  return out


def _resolve(name, modules):
  """The project module `name` refers to (longest known prefix), or None."""
  parts = name.split(".")
  while parts:
    candidate = ".".join(parts)
    if candidate in modules:
      return candidate
    parts.pop()
  return None


def _imports(module, path, modules):
  """Project modules that `module` imports, with the line of each."""
  tree = ast.parse(open(path).read(), path)
  package = module if path.endswith("__init__.py") else module.rpartition(
      ".")[0]
  found = []
  for node in ast.walk(tree):
    names = []
    if isinstance(node, ast.Import):
      names = [a.name for a in node.names]
    elif isinstance(node, ast.ImportFrom):
      base = node.module or ""
      if node.level:
        up = package.split(".")
        up = up[:len(up) - (node.level - 1)]
        base = ".".join(up + ([base] if base else []))
      # `from a import b` may import the module a.b or a name of a.
      names = ["%s.%s" % (base, a.name) for a in node.names] or [base]
    for name in names:
      target = _resolve(name, modules)
      if target and target != module:
        found.append((target, node.lineno))
  return found


def _layer(module):
  if module in ("legacy_pipeline.errors", "legacy_pipeline.quiet"):
    return 0
  if module == "legacy_pipeline._tf":
    return 1
  if re.match(r"legacy_pipeline\.(saver|nn|contrib)(\.|$)", module):
    return 2
  if re.match(r"legacy_pipeline\.training(\.|$)", module) or \
      module == "legacy_pipeline.stress":
    return 3
  if module in ("legacy_pipeline", "legacy_pipeline.train"):
    return 4
  if module.split(".")[0] == "compat":
    return 5
  if module == "legacy_pipeline_cli":
    return 6
  raise AssertionError("module %s has no layer: add it to docs/architecture.md "
                       "and to this test" % module)


def _package(module):
  """The sub-package a module belongs to, for same-package imports."""
  m = re.match(r"(legacy_pipeline\.(saver|nn|contrib|training)|compat)(\.|$)",
               module)
  return m.group(1) if m else None


def _graph_here():
  modules = _modules()
  return {m: _imports(m, p, modules) for m, p in modules.items()}


def _graph():
  """module -> [(imported project module, line)], parsed in a fresh
  interpreter: CPython 3.11.7's ast.parse can raise a spurious SystemError
  ("AST constructor recursion depth mismatch", python/cpython#106905) in a
  process that has run the TF-heavy tests before."""
  out = subprocess.check_output([sys.executable, os.path.abspath(__file__)],
                                timeout=300)
  return {m: [tuple(t) for t in ts] for m, ts in json.loads(out).items()}


def test_every_module_has_a_layer():
  for module in _modules():
    _layer(module)


def test_imports_point_down_or_stay_in_their_package():
  bad = []
  for module, targets in _graph().items():
    for target, line in targets:
      same = _package(module) is not None and \
          _package(module) == _package(target)
      if not same and _layer(target) >= _layer(module):
        bad.append("%s:%d imports %s (layer %d >= %d)" % (
            module, line, target, _layer(target), _layer(module)))
  assert not bad, "\n".join(bad)


def test_no_import_cycles():
  graph = {m: sorted({t for t, _ in ts}) for m, ts in _graph().items()}
  state, cycles = {}, []

  def visit(node, stack):
    state[node] = "open"
    stack.append(node)
    for nxt in graph.get(node, []):
      if state.get(nxt) == "open":
        cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
      elif nxt not in state:
        visit(nxt, stack)
    stack.pop()
    state[node] = "done"

  for node in sorted(graph):
    if node not in state:
      visit(node, [])
  assert not cycles, "\n".join(cycles)


def test_the_checker_sees_an_upward_import(tmp_path):
  # The checks above would pass vacuously if _imports found nothing.
  graph = _graph()
  assert ("legacy_pipeline.saver.state_saver", ) == tuple(
      t for t, _ in graph["legacy_pipeline.saver.watchdog"]
      if t == "legacy_pipeline.saver.state_saver")[:1]
  assert _layer("legacy_pipeline.training.loop") > _layer(
      "legacy_pipeline.saver.watchdog")
  source = tmp_path / "probe.py"
  source.write_text(u"def f():\n  from legacy_pipeline.training import cli\n")
  found = _imports("legacy_pipeline.saver.probe", str(source), _modules())
  assert [t for t, _ in found] == ["legacy_pipeline.training.cli"]


def test_every_package_is_installed():
  # pyproject.toml lists packages by hand; a new sub-package left out would
  # be missing from the wheel the test matrix installs.
  text = open(os.path.join(ROOT, "pyproject.toml")).read()
  listed = set(re.findall(r'"([a-z_.]+)"', text.split("packages =")[1].split(
      "]")[0]))
  packages = {m for m, p in _modules().items() if p.endswith("__init__.py")}
  assert packages == listed, (packages ^ listed)


if __name__ == "__main__":
  print(json.dumps(_graph_here()))
