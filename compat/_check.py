"""``python -m compat check PATH...``: which TF 1.x names a program uses, and
whether this TensorFlow (with the backends compat chose) provides them.

Static, like ``tf_upgrade_v2``'s report: every ``.py`` file under PATH is
parsed with ``ast`` (never imported).  A name is used when the source

* imports it: ``from tensorflow.contrib.training import X`` uses
  ``tf.contrib.training.X``; ``import tensorflow.contrib.slim as slim`` uses
  ``tf.contrib.slim``;
* reaches it by attributes off a name bound to TensorFlow or to a part of it:
  ``tf.contrib.rnn.LSTMCell`` (``import tensorflow as tf``, ``import
  tensorflow.compat.v1 as tf``), ``slim.arg_scope`` (``slim`` bound by an
  import or by ``slim = tf.contrib.slim``).

Each name is resolved through the TF 1.x namespace (``compat._namespace``)
up to the first object that is not a module: ``tf.float32.as_numpy_dtype`` is
reported as ``tf.float32``.  A missing name is reported with the namespace's
own explanation (what provides it, or what TF 2.x offers instead).  Internal
paths (``tensorflow.python...``) are checked against the real TensorFlow.
"""
from __future__ import absolute_import, division, print_function

import ast
import collections
import importlib
import os
import types

from compat import _routes

from compat._runner import INTERNAL
from compat._runner import tf_subpath


def _files(paths):
  for path in paths:
    if os.path.isdir(path):
      for dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and d != "__pycache__")
        for f in sorted(filenames):
          if f.endswith(".py"):
            yield os.path.join(dirpath, f)
    else:
      yield path


def _tf_path(module):
  """``tensorflow.contrib.rnn`` -> ``tf.contrib.rnn`` (compat.v1 dropped)."""
  rest = tf_subpath(module)
  return None if rest is None else ".".join(["tf"] + rest)


class _Uses(ast.NodeVisitor):
  """Collects (dotted name, line) uses of TensorFlow in one module."""

  def __init__(self):
    self.aliases = {}  # local name -> "tf...." path it is bound to
    self.uses = []

  def visit_Import(self, node):  # pylint: disable=invalid-name
    for alias in node.names:
      path = _tf_path(alias.name)
      if path is None:
        continue
      if alias.asname:
        self.aliases[alias.asname] = path
        if path != "tf":
          self.uses.append((path, node.lineno))
      else:
        self.aliases[alias.name.split(".")[0]] = "tf"
        if path != "tf":
          self.uses.append((path, node.lineno))

  def visit_ImportFrom(self, node):  # pylint: disable=invalid-name
    if node.level or not node.module:
      return
    base = _tf_path(node.module)
    if base is None:
      return
    for alias in node.names:
      if alias.name == "*":
        self.uses.append((base, node.lineno))
        continue
      path = base + "." + alias.name
      self.aliases[alias.asname or alias.name] = path
      self.uses.append((path, node.lineno))

  def chain_of(self, node):
    """"tf...." path of an attribute chain off a bound name, or None."""
    chain = []
    while isinstance(node, ast.Attribute):
      chain.append(node.attr)
      node = node.value
    if isinstance(node, ast.Name) and node.id in self.aliases:
      return ".".join([self.aliases[node.id]] + list(reversed(chain)))
    return None

  def bind_assign(self, node):
    # `slim = tf.contrib.slim`: slim is bound to that path from here on.
    path = self.chain_of(node.value)
    if path is not None and len(node.targets) == 1 and \
        isinstance(node.targets[0], ast.Name):
      self.aliases[node.targets[0].id] = path

  def visit_Attribute(self, node):  # pylint: disable=invalid-name
    chain = []
    inner = node
    while isinstance(inner, ast.Attribute):
      chain.append(inner.attr)
      inner = inner.value
    if isinstance(inner, ast.Name) and inner.id in self.aliases:
      self.uses.append((".".join([self.aliases[inner.id]] +
                                 list(reversed(chain))), node.lineno))
      return  # the whole chain is one use; its prefixes are not
    self.generic_visit(node)


def scan(paths):
  """Uses of TensorFlow names under `paths`.

  Returns:
    (OrderedDict name -> list of "file:line", list of (file, error) for
    files that do not parse).
  """
  uses = collections.OrderedDict()
  errors = []
  for path in _files(paths):
    try:
      with open(path, "rb") as f:
        tree = ast.parse(f.read(), path)
    except (SyntaxError, ValueError) as e:
      errors.append((path, "does not parse as Python 3 (%s)" % e))
      continue
    visitor = _Uses()
    # Imports and aliases first, wherever they are, so that names bound late
    # (inside functions, after use in the file) still count.
    for node in ast.walk(tree):
      if isinstance(node, ast.Import):
        visitor.visit_Import(node)
      elif isinstance(node, ast.ImportFrom):
        visitor.visit_ImportFrom(node)
    for node in ast.walk(tree):
      if isinstance(node, ast.Assign):
        visitor.bind_assign(node)
    imports = list(visitor.uses)
    visitor.uses = []
    visitor.visit(tree)
    for name, line in imports + visitor.uses:
      uses.setdefault(name, []).append("%s:%d" % (path, line))
  return uses, errors


def _module_like(obj):
  return isinstance(obj, types.ModuleType)


def _resolve_internal(name):
  """`name` (``tf.python.ops.lookup_ops.X...``) against the real TF's modules.

  TF 2.x's ``tensorflow`` module has no ``python`` attribute, so the longest
  importable module prefix is imported and the rest read as attributes.
  """
  parts = ["tensorflow"] + name.split(".")[1:]
  for cut in range(len(parts), 0, -1):
    try:
      obj = importlib.import_module(".".join(parts[:cut]))
    except ImportError:
      continue
    done = ["tf"] + parts[1:cut]
    for part in parts[cut:]:
      if not _module_like(obj):
        break
      try:
        obj = getattr(obj, part)
      except AttributeError as e:
        return ".".join(done + [part]), str(e).split("\n")[0]
      done.append(part)
    return ".".join(done), None
  return name, "no module %s" % ".".join(parts)


def resolve(name, namespace, real_tf):  # pylint: disable=unused-argument
  """(reported name, None) if `name` resolves, else (name, why not).

  A deep contrib path (``tf.contrib.training.python.training.bucket_ops.X``)
  is reported as the table's path of its leaf (``tf.contrib.training.X``).
  """
  parts = name.split(".")[1:]
  if parts and parts[0] in INTERNAL:
    return _resolve_internal(name)
  canonical = _routes.canonical(name)
  if canonical != name and canonical.count(".") < name.count(".") and \
      name.rsplit(".", 1)[1] != canonical.rsplit(".", 1)[1] and \
      name.rsplit(".", 1)[1][:1].isupper():
    canonical += "." + name.rsplit(".", 1)[1]  # a missing class: name it
  parts = canonical.split(".")[1:]
  obj = namespace
  done = ["tf"]
  for part in parts:
    if not _module_like(obj):
      break
    try:
      obj = getattr(obj, part)
    except AttributeError as e:
      return ".".join(done + [part]), str(e).split("\n")[0]
    except Exception as e:  # pylint: disable=broad-except
      return ".".join(done + [part]), "%s: %s" % (type(e).__name__, e)
    done.append(part)
  return ".".join(done), None


def report(paths, out):
  """Writes the report for `paths` to `out`; returns the exit status.

  Returns:
    0 when every name used is provided, 1 when one is missing or a file
    does not parse, 2 when no Python file was found.
  """
  import compat  # pylint: disable=g-import-not-at-top
  from compat import _namespace  # pylint: disable=g-import-not-at-top
  import tensorflow as real_tf  # pylint: disable=g-import-not-at-top
  files = list(_files(paths))
  if not files:
    out.write("python -m compat check: no .py files in %s\n" %
              " ".join(paths))
    return 2
  uses, errors = scan(files)
  namespace = _namespace.namespace()
  results = collections.OrderedDict()
  for name in sorted(uses):
    shown, why = resolve(name, namespace, real_tf)
    entry = results.setdefault(shown, {"why": why, "where": []})
    entry["where"].extend(uses[name])
    if why and not entry["why"]:
      entry["why"] = why
  missing = [n for n, r in results.items() if r["why"]]
  out.write("legacy-pipeline TF 1.x check: %d file(s), %s\n" % (
      len(files), compat.describe()))
  for name, r in results.items():
    where = sorted(set(r["where"]))
    more = " (+%d more)" % (len(where) - 3) if len(where) > 3 else ""
    out.write("%-8s %s  [%s%s]\n" % ("MISSING" if r["why"] else "ok", name,
                                     ", ".join(where[:3]), more))
    if r["why"]:
      out.write("         %s\n" % r["why"])
  for path, why in errors:
    out.write("ERROR    %s %s\n" % (path, why))
  out.write("%d name(s) used: %d provided, %d missing%s\n" % (
      len(results), len(results) - len(missing), len(missing),
      "; %d file(s) not parsed" % len(errors) if errors else ""))
  return 1 if missing or errors else 0
