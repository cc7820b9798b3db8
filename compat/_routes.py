"""The one resolver of the route table (``compat.routes``).

Every TF 1.x name of the namespace, the runner and the checker is looked up
here.  A row's sources are tried in order -- on TF 1.x the real object first,
then ``native``, ``library``, ``inhouse``; with
``LEGACY_PIPELINE_BACKEND=inhouse`` the in-house port first -- and the first
that imports and has the name wins.  Nothing is imported until a name is
used, so one broken port breaks only its own names.

``resolve(path)`` returns the object or raises ``Unavailable`` with the
row's reason; ``status(path)`` says which source serves it (for
``python -m compat coverage`` and ``--describe``).
"""
from __future__ import absolute_import, division, print_function

import collections
import importlib
import json
import os

import tensorflow as real_tf

from compat import _probe
from compat import routes as _table

INVENTORY_FILE = os.path.join(os.path.dirname(_table.__file__),
                              "tf115_inventory.json")
TF1 = real_tf.version.VERSION.startswith("1.")

Status = collections.namedtuple("Status", ["path", "source", "detail"])
# source: "tf1", "native", "library", "inhouse", "absent", "deferred",
# "unrouted" (no row), "broken" (a row whose sources all failed).


class Unavailable(AttributeError):
  """A TF 1.x name this installation does not provide; says why."""


_INDEX = []


def _index():
  """(rows by path, modules by path), built once."""
  if not _INDEX:
    rows, mods = {}, {}
    for m in _table.modules():
      if m.path in mods:
        raise ValueError("route module %s defined twice" % m.path)
      mods[m.path] = m
      for r in m.rows:
        if r.path in rows:
          raise ValueError("route %s defined twice" % r.path)
        rows[r.path] = r
    _INDEX.append((rows, mods))
  return _INDEX[0]


def row(path):
  """The ``R`` for `path`, or None."""
  return _index()[0].get(path)


def module(path):
  """The ``M`` for `path`, or None."""
  return _index()[1].get(path)


def submodules(path):
  """Names of the table's modules directly under `path`."""
  prefix = path + "."
  return sorted(set(p[len(prefix):].split(".")[0] for p in _index()[1]
                    if p.startswith(prefix)))


def inventory():
  """TF 1.15's listing: {module path: {"scope": ..., "names": {name: kind}}}."""
  with open(INVENTORY_FILE) as f:
    return json.load(f)["modules"]


def _attr_path(obj, dotted):
  for part in dotted.split("."):
    obj = getattr(obj, part)
  return obj


def _load(spec, default_name):
  """``"pkg.mod:attr.sub"`` / ``"pkg.mod"`` (attr = `default_name`)."""
  mod, _, attr = spec.partition(":")
  if mod.split(".")[0] == "tf_slim":
    _restore_tensor_aliases()
  return _attr_path(importlib.import_module(mod), attr or default_name)


def _restore_tensor_aliases():
  """Gives tf-slim back ``ops.Tensor`` and ``ops.IndexedSlices``.

  tf-slim 1.1 (its latest release) refers to both classes through
  ``tensorflow.python.framework.ops`` (optimize_loss, gradient clipping and
  multiplication, constant_value behind dropout's and batch_norm's
  is_training, rev_block); TF moved them to their own modules and newer
  releases no longer re-export them there, so those functions fail with
  AttributeError.  This adds the old aliases -- the same classes TF itself
  exported there before -- when they are missing; nothing else changes.
  """
  from tensorflow.python.framework import ops  # pylint: disable=g-direct-tensorflow-import,g-import-not-at-top
  for name, cls in (("Tensor", real_tf.Tensor), ("IndexedSlices",
                                                 real_tf.IndexedSlices)):
    if not hasattr(ops, name):
      setattr(ops, name, cls)


def native_module(m):
  """The native module behind `m`'s ``base`` (None if it does not load)."""
  try:
    if m.base is True:
      return _attr_path(real_tf.compat.v1, m.path[len("tf."):])
    return _attr_path(real_tf, m.base[len("tf."):])
  except Exception:  # pylint: disable=broad-except
    return None


def module_hint(path):
  """What to add to an error about a name of module `path`."""
  if path in ("tf.layers", "tf.nn.rnn_cell", "tf.contrib.rnn") and \
      _probe.decision().layers == "inhouse":
    if _probe.decision().requested == "inhouse":
      return ("; LEGACY_PIPELINE_BACKEND=inhouse chose the in-house pieces: "
              "unset it to use TensorFlow's own")
    return ("; legacy-pipeline's in-house %s has TF 1.15's names; for "
            "TensorFlow's own, install Keras 2 (pip install 'tf_keras~=%s') "
            "and set TF_USE_LEGACY_KERAS=1 before TensorFlow is imported" % (
                path, ".".join(real_tf.version.VERSION.split(".")[:2])))
  return ""


def inhouse(path):
  """The in-house port of `path` whatever the decision (for tests)."""
  r = row(path)
  if r is None or not r.inhouse:
    raise Unavailable("%s has no in-house port in the table" % path)
  return _load(r.inhouse, r.name)


def _native(spec, path):
  if spec is True:
    return _attr_path(real_tf.compat.v1, path[len("tf."):])
  if ":" in spec:
    return _load(spec, path.rsplit(".", 1)[1])
  if not spec.startswith("tf."):
    raise ValueError("route %s: native=%r is not a tf. path" % (path, spec))
  return _attr_path(real_tf, spec[len("tf."):])


def tf1_object(path):
  """The real TF 1.x object at `path` (tf.contrib's modules load lazily)."""
  parts = path.split(".")[1:]
  if parts[0] == "contrib":
    head = "tensorflow.contrib." + parts[1]
    if parts[1:3] == ["slim", "nets"] and len(parts) > 3:
      head = "tensorflow.contrib.slim.nets"
      return _attr_path(importlib.import_module(head), ".".join(parts[3:]))
    return _attr_path(importlib.import_module(head), ".".join(parts[2:]))
  return _attr_path(real_tf, ".".join(parts))


def _provider(kind, r):
  """The compat._probe provider a row's source needs, or None."""
  if kind == "tf1":
    return "contrib" if r.path.startswith("tf.contrib.") else None
  if kind == "native":
    spec = r.path if r.native is True else r.native
    if spec.startswith(("tf.layers.", "tf.compat.v1.layers.")):
      return "keras2_layers"
    if spec.startswith(("tf.nn.rnn_cell.", "tf.compat.v1.nn.rnn_cell.")):
      return "keras2_cells"
  if kind == "library" and r.library.split(".")[0].split(":")[0] == "tf_slim":
    return "tf_slim"
  return None


def _sources(r):
  """[(kind, loader)] in the order the decision prefers.

  This is where the decision (compat._probe) picks a row's source: a source
  whose provider it found unavailable fails at once, saying so (its loader
  would fail the same way), and LEGACY_PIPELINE_BACKEND=inhouse puts the
  in-house port first.  (Elsewhere the decision only words error hints and
  gates the tf-slim arg_scope registration.)
  """
  decision = _probe.decision()
  out = []
  if TF1:
    out.append(("tf1", lambda: tf1_object(r.path)))
  if r.native:
    out.append(("native", lambda: _native(r.native, r.path)))
  if r.library:
    out.append(("library", lambda: _load(r.library, r.name)))
  if r.inhouse:
    inhouse = ("inhouse", lambda: _load(r.inhouse, r.name))
    if decision.requested == "inhouse":
      out.insert(0, inhouse)
    else:
      out.append(inhouse)
  return [(kind, _unavailable(kind, r, decision) or loader)
          for kind, loader in out]


def _unavailable(kind, r, decision):
  """A loader that raises when `kind`'s provider is missing, else None."""
  name = _provider(kind, r)
  if name is None:
    return None
  found, why = decision.providers[name]
  if found:
    return None

  def fail():
    raise ImportError("needs %s (%s)" % (name, why))
  return fail


_CACHE = {}
_ARG_SCOPED = {}


def _arg_scoped(func):
  """`func` registered with tf-slim's ``add_arg_scope`` (once per object),
  when tf-slim -- whose ``arg_scope`` the table serves -- is installed."""
  if not _probe.decision().providers["tf_slim"][0]:
    return func
  if id(func) not in _ARG_SCOPED:
    from tf_slim.ops import arg_scope  # pylint: disable=g-import-not-at-top
    _ARG_SCOPED[id(func)] = (func, arg_scope.add_arg_scope(func))
  return _ARG_SCOPED[id(func)][1]


def _first_error_line(e):
  return ("%s: %s" % (type(e).__name__, e)).split("\n")[0]


def _resolve_row(r):
  """(kind, object) of the first source that loads, or raises Unavailable."""
  if r.path in _CACHE:
    return _CACHE[r.path]
  failures = []
  for kind, loader in _sources(r):
    try:
      found = (kind, loader())
    except Exception as e:  # pylint: disable=broad-except
      # ImportError, AttributeError, and Keras 3's errors for removed names.
      failures.append("%s: %s" % (kind, _first_error_line(e)))
      continue
    if r.arg_scoped and kind != "tf1":
      found = (kind, _arg_scoped(found[1]))
    _CACHE[r.path] = found
    return found
  if r.absent:
    raise Unavailable("%s is not provided by legacy-pipeline: %s%s" % (
        r.path, r.absent, " (planned: %s)" % r.deferred if r.deferred
        else ""))
  raise Unavailable("%s is not available here (%s)%s" % (
      r.path, "; ".join(failures), _hint(r)))


def _hint(r):
  if r.library and r.library.startswith("tf_slim"):
    return ": it comes from tf-slim: pip install tf-slim"
  return module_hint(r.module)


def resolve(path):
  """The object serving the TF 1.x name `path` (``"tf.contrib.data.unbatch"``).

  Raises:
    Unavailable: `path` is absent (with the reason), its sources fail here,
      or TF 1.15 had no such name.
  """
  r = row(path)
  if r is not None:
    return _resolve_row(r)[1]
  mod_path, _, name = path.rpartition(".")
  m = module(mod_path)
  if m is not None and m.absent:
    raise Unavailable("%s is not provided by legacy-pipeline: %s%s" % (
        mod_path, m.absent, " (planned: %s)" % m.deferred if m.deferred
        else ""))
  raise Unavailable("TF 1.15's %s has no %r" % (mod_path, name))


def status(path):
  """Status(path, source, detail) of one inventory name."""
  r = row(path)
  if r is None:
    m = module(path.rpartition(".")[0])
    if m is not None and m.absent:
      return Status(path, "deferred" if m.deferred else "absent",
                    m.deferred or m.absent)
    return Status(path, "unrouted", "no row in compat/routes")
  try:
    kind, obj = _resolve_row(r)
  except Unavailable as e:
    if r.absent:
      return Status(path, "deferred" if r.deferred else "absent",
                    r.deferred or r.absent)
    return Status(path, "broken", str(e))
  detail = {"tf1": "TF 1.x", "native": r.native if r.native is not True
            else "tf.compat.v1" + path[2:], "library": r.library,
            "inhouse": r.inhouse}[kind]
  del obj
  return Status(path, kind, detail)


def _known(path):
  return row(path) is not None or module(path) is not None or \
      bool(submodules(path))


def canonical(path):
  """The table's path for a deep TF 1.x import path.

  Programs imported contrib from its implementation modules, e.g.
  ``tensorflow.contrib.training.python.training.bucket_ops`` or
  ``tensorflow.contrib.slim.python.slim.nets.resnet_v1``; TF 1.15 exported
  the same objects at ``tf.contrib.training`` and ``tf.contrib.slim.nets``.
  ``tf.contrib.X.python.<modules...>[.NAME]`` maps to the longest table
  path ``tf.contrib.X.<rest>`` that the table knows (``NAME`` itself when
  the table has it), else to ``tf.contrib.X``: an implementation module's
  names are its contrib module's.  Other paths are returned unchanged.
  """
  parts = path.split(".")
  if len(parts) < 4 or parts[1] != "contrib" or "python" not in parts[3:]:
    return path
  i = parts.index("python", 3)
  head, tail = parts[:i], parts[i + 1:]
  for k in range(len(tail)):
    candidate = ".".join(head + tail[k:])
    if _known(candidate):
      return candidate
  return ".".join(head)

