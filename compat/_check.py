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
import json
import os
import types

from compat import _routes

from compat._runner import INTERNAL
from compat._runner import tf_subpath


SUFFIXES = (".py", ".ipynb")


def _files(paths):
  for path in paths:
    if os.path.isdir(path):
      for dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and d not in ("__pycache__",
                                           ".ipynb_checkpoints"))
        for f in sorted(filenames):
          if f.endswith(SUFFIXES):
            yield os.path.join(dirpath, f)
    else:
      yield path


def _notebook_source(path):
  """(Python source of a notebook's code cells, line -> (cell, line)).

  Code cells are numbered from 1 in notebook order.  IPython's line magics
  and shell escapes (``%time``, ``!pip``) become blank lines, keeping the
  numbering; a cell that starts with a cell magic (``%%bash``) is not Python
  and is left out.

  Raises:
    ValueError: the file is not a notebook's JSON.
  """
  with open(path, "rb") as f:
    try:
      notebook = json.loads(f.read().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
      raise ValueError("not a notebook (%s)" % e)
  if not isinstance(notebook, dict):
    raise ValueError("not a notebook (no JSON object)")
  cells = notebook.get("cells")
  if cells is None:  # nbformat 3 kept the cells under worksheets
    cells = [c for w in notebook.get("worksheets") or []
             for c in w.get("cells", [])]
  lines, where = [], {}
  number = 0
  for cell in cells:
    if cell.get("cell_type") != "code":
      continue
    number += 1
    source = cell.get("source", cell.get("input", ""))
    text = "".join(source) if isinstance(source, list) else source
    if text.lstrip().startswith("%%"):
      continue
    for i, line in enumerate(text.split("\n"), 1):
      if line.lstrip().startswith(("%", "!")):
        line = ""
      lines.append(line)
      where[len(lines)] = (number, i)
  return "\n".join(lines) + "\n", where


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


Place = collections.namedtuple("Place", "path key label")


def _read(path):
  """(source, function line -> (sort key, label)) of a .py file or notebook."""
  if path.endswith(".ipynb"):
    source, where = _notebook_source(path)
    return source, lambda line: (where.get(line, (0, line)), "cell %d:%d" %
                                 where.get(line, (0, line)))
  with open(path, "rb") as f:
    return f.read(), lambda line: ((line,), "%d" % line)


def scan(paths):
  """Uses of TensorFlow names under `paths` (.py files and notebooks).

  Returns:
    (OrderedDict name -> list of Place, list of (file, error) for files that
    do not parse).
  """
  uses = collections.OrderedDict()
  errors = []
  for path in _files(paths):
    try:
      source, locate = _read(path)
      tree = ast.parse(source, path)
    except (SyntaxError, ValueError) as e:
      errors.append((path, "does not parse as Python 3 (%s)" % e))
      continue
    except (IOError, OSError) as e:
      errors.append((path, "cannot be read (%s)" % e))
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
      key, label = locate(line)
      uses.setdefault(name, []).append(Place(path, key, label))
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


def format_places(places, limit=None):
  """"a.py:3,12,98; nb.ipynb:cell 2:1" -- per file, lines in numeric order."""
  by_file = collections.OrderedDict()
  for place in sorted(set(places), key=lambda p: (p.path, p.key)):
    by_file.setdefault(place.path, []).append(place.label)
  parts = ["%s:%s" % (path, ",".join(labels)) for path, labels in
           by_file.items()]
  if limit is not None and len(parts) > limit:
    parts = parts[:limit] + ["(+%d more files)" % (len(parts) - limit)]
  return "; ".join(parts)


def _group(name):
  """The module a reported name is listed under."""
  if _routes.module(name) is not None:
    return name
  return name.rpartition(".")[0] or name


def _own_compat_notes(paths):
  """Notes for checked folders that have their own compat.py/compat/."""
  from compat import _runner  # pylint: disable=g-import-not-at-top
  notes = []
  for path in paths:
    folder = path if os.path.isdir(path) else os.path.dirname(
        os.path.abspath(path))
    note = _runner.shadow_note(folder)
    if note and note not in notes:
      notes.append(note)
  return notes


def check(paths):
  """The check of `paths` as a dict (the ``--json`` report).

  Keys: ``files``, ``names`` (name -> {"ok", "places", "why"}), ``errors``
  ([file, why] for files that do not parse), ``notes``, and ``summary``
  (files, used, provided, missing, coverage_percent, unparsed).
  """
  from compat import _namespace  # pylint: disable=g-import-not-at-top
  import tensorflow as real_tf  # pylint: disable=g-import-not-at-top
  files = list(_files(paths))
  uses, errors = scan(files)
  namespace = _namespace.namespace() if uses else None
  names = collections.OrderedDict()
  for name in sorted(uses):
    shown, why = resolve(name, namespace, real_tf)
    entry = names.setdefault(shown, {"ok": True, "places": [], "why": None})
    entry["places"].extend(uses[name])
    if why and not entry["why"]:
      entry["why"] = why
      entry["ok"] = False
  missing = sum(1 for e in names.values() if not e["ok"])
  return {
      "files": files,
      "names": names,
      "errors": errors,
      "notes": _own_compat_notes(paths),
      "summary": collections.OrderedDict([
          ("files", len(files)), ("used", len(names)),
          ("provided", len(names) - missing), ("missing", missing),
          ("coverage_percent", round(100.0 * (len(names) - missing) /
                                     len(names), 1) if names else None),
          ("unparsed", len(errors))]),
  }


def _empty_reason(result, paths):
  if not result["files"]:
    return "no .py or .ipynb files in %s" % " ".join(paths)
  if not result["names"] and not result["errors"]:
    return ("no TensorFlow names used in %d file(s): nothing to check (the "
            "checker follows `import tensorflow ...` and `from tensorflow "
            "import ...`)" % len(result["files"]))
  return None


def _as_json(result, header, empty):
  names = result["names"]
  return json.dumps(collections.OrderedDict([
      ("tensorflow", header),
      ("summary", result["summary"]),
      ("empty", empty),
      ("missing", collections.OrderedDict(
          (group, [{"name": n, "why": names[n]["why"],
                    "places": _place_list(names[n]["places"])}
                   for n in members])
          for group, members in _missing_by_module(names).items())),
      ("provided", [{"name": n, "places": _place_list(e["places"])}
                    for n, e in names.items() if e["ok"]]),
      ("errors", [{"file": f, "error": why} for f, why in result["errors"]]),
      ("notes", result["notes"]),
  ]), indent=1)


def _place_list(places):
  return ["%s:%s" % (p.path, p.label) for p in
          sorted(set(places), key=lambda p: (p.path, p.key))]


def _missing_by_module(names):
  groups = collections.OrderedDict()
  for name in sorted((n for n, e in names.items() if not e["ok"]),
                     key=lambda n: (_group(n), n)):
    groups.setdefault(_group(name), []).append(name)
  return groups


def report(paths, out, verbose=False, as_json=False, prog="tf1-check",
           keras=""):
  """Writes the report for `paths` to `out`; returns the exit status.

  Summary first (files, names used, provided, missing, coverage), then the
  missing names grouped by module with their places and what to do; the
  provided names only with `verbose`.

  Args:
    paths: files (.py, .ipynb) and folders to scan.
    out: a text stream.
    verbose: also list the provided names.
    as_json: write one JSON object instead.
    prog: the command's name, for messages.
    keras: what the Keras rule chose (compat._cli.keras_rule), for the header.

  Returns:
    0 when every name used is provided, 1 when one is missing or a file
    does not parse, 2 when there is nothing to check (no files, or no
    TensorFlow name used).
  """
  import compat  # pylint: disable=g-import-not-at-top
  import tensorflow as real_tf  # pylint: disable=g-import-not-at-top
  result = check(paths)
  header = "TF %s: %s%s" % (real_tf.version.VERSION,
                            compat.describe(short=True),
                            "; " + keras if keras else "")
  empty = _empty_reason(result, paths)
  if as_json:
    out.write(_as_json(result, header, empty) + "\n")
    return _status(result, empty)
  if empty:
    out.write("%s: %s\n" % (prog, empty))
    return 2
  s = result["summary"]
  out.write("legacy-pipeline TF 1.x check: %d file(s), %d name(s) used: %d "
            "provided, %d missing (%.1f%% provided)%s\n" % (
                s["files"], s["used"], s["provided"], s["missing"],
                s["coverage_percent"] or 0.0,
                "; %d file(s) not parsed" % s["unparsed"] if s["unparsed"]
                else ""))
  out.write("on %s\n" % header)
  for note in result["notes"]:
    out.write("note: %s\n" % note)
  names = result["names"]
  groups = _missing_by_module(names)
  if groups:
    out.write("\nMissing, by module:\n")
  for group, members in groups.items():
    out.write("%s (%d)\n" % (group, len(members)))
    for name in members:
      out.write("  MISSING %s  [%s]\n" % (name, format_places(
          names[name]["places"])))
      out.write("          %s\n" % names[name]["why"])
  for path, why in result["errors"]:
    out.write("ERROR    %s %s\n" % (path, why))
  if verbose:
    out.write("\nProvided:\n")
    for name, entry in names.items():
      if entry["ok"]:
        out.write("  ok      %s  [%s]\n" % (name, format_places(
            entry["places"])))
  elif s["provided"]:
    out.write("(%d provided name(s) not listed: --verbose lists them)\n" %
              s["provided"])
  return _status(result, empty)


def _status(result, empty):
  if empty:
    return 2
  s = result["summary"]
  return 1 if s["missing"] or s["unparsed"] else 0
