"""The one resolver of the route table (``compat.routes``).

Every TF 1.x name of the namespace, the runner and the checker is looked up
here.  A row's sources are tried in order -- on TF 1.x the real object first,
then ``native``, ``library``, ``inhouse``; with
``LEGACY_PIPELINE_BACKEND=inhouse`` the in-house port first -- and the first
that imports and has the name wins.  Nothing is imported until a name is
used, so one broken port breaks only its own names.

``resolve(path)`` returns the object or raises ``Unavailable`` with the
row's reason and next step (``not_provided``: one line, also the message of
an absent module); ``status(path)`` says which source serves it (for
``python -m compat coverage`` and ``--describe``); ``next_step(path)`` is
where a program goes from an absent name or module (for the checker).
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
    mod = importlib.import_module(head)
    return _attr_path(mod, ".".join(parts[2:])) if parts[2:] else mod
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
    raise Unavailable(not_provided(r.path, r))
  raise Unavailable("%s is not available here (%s)%s" % (
      r.path, "; ".join(failures), _hint(r)))


def _hint(r):
  if r.library and r.library.startswith("tf_slim"):
    return ": it comes from tf-slim: pip install tf-slim"
  return module_hint(r.module)


def _sentence(text):
  text = " ".join(text.split())
  return text if text.endswith(".") else text + "."


def next_step_of(entry):
  """Where a program goes from an absent ``R`` or ``M``, as one line.

  ``"Planned: issue 26. Instead: ... Still runs on: ..."``: each part the
  entry has (``deferred``, ``instead``, ``pin``; the table gives every
  absent entry at least one).
  """
  parts = []
  if entry.deferred:
    parts.append("Planned: " + entry.deferred)
  if entry.instead:
    parts.append("Instead: " + entry.instead)
  if entry.pin:
    parts.append("Still runs on: " + entry.pin)
  return " ".join(_sentence(p) for p in parts)


def explain(entry):
  """An absent entry's reason and next step: ``"<why>. Planned: ..."``."""
  return " ".join(p for p in (_sentence(entry.absent), next_step_of(entry))
                  if p)


def not_provided(path, entry):
  """The one-line message for the absent row or module `entry` at `path`.

  ``"tf.contrib.crf.crf_decode is not provided by legacy-pipeline: <why>.
  Planned: issue 26. Instead: ... Still runs on: ..."`` -- what the
  namespace's ``AttributeError``, the runner's ``ImportError`` and the
  checker's ``MISSING`` lines say.
  """
  return "%s is not provided by legacy-pipeline: %s" % (path, explain(entry))


def absent_module(path):
  """The absent ``M`` at `path` or at the nearest module above it, or None.

  ``tf.contrib.distributions`` and ``tf.contrib.distributions.Normal`` both
  give the ``tf.contrib.distributions`` entry.
  """
  parts = path.split(".")
  for n in range(len(parts), 1, -1):
    m = module(".".join(parts[:n]))
    if m is not None and m.absent:
      return m
  return None


def _module_served(m):
  """Whether the absent module `m` is served here anyway (TF 1.x's own)."""
  if not TF1:
    return False
  try:
    tf1_object(m.path)
  except Exception:  # pylint: disable=broad-except
    return False
  return True


def next_step(path):
  """The next step for the TF 1.x name or module `path`, or None.

  Args:
    path: a row's path (``"tf.contrib.crf.crf_decode"``), an absent module's
      (``"tf.contrib.bayesflow"``) or a name under one.

  Returns:
    ``next_step_of`` its entry (``"Planned: issue 26. Instead: ... Still
    runs on: ..."``) when it is absent here; None when it is provided here
    (a row that resolves, TF 1.x's own module) or the table has no entry.
  """
  r = row(path)
  if r is not None:
    if not r.absent:
      return None
    try:
      _resolve_row(r)
    except Unavailable:
      return next_step_of(r)
    return None
  m = absent_module(path)
  if m is None or _module_served(m):
    return None
  return next_step_of(m)


def next_steps():
  """{path: next step} of every row and module of the table absent here."""
  rows, mods = _index()
  out = {}
  for path in sorted(mods):
    if mods[path].absent:
      step = next_step(path)
      if step:
        out[path] = step
  for path in sorted(rows):
    if rows[path].absent:
      step = next_step(path)
      if step:
        out[path] = step
  return out


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
  m = absent_module(mod_path)
  if m is not None:
    raise Unavailable(not_provided(m.path, m))
  raise Unavailable("TF 1.15's %s has no %r" % (mod_path, name))


def status(path):
  """Status(path, source, detail) of one inventory name."""
  r = row(path)
  if r is None:
    m = module(path.rpartition(".")[0])
    if m is not None and m.absent:
      return Status(path, "deferred" if m.deferred else "absent",
                    explain(m))
    return Status(path, "unrouted", "no row in compat/routes")
  try:
    kind, obj = _resolve_row(r)
  except Unavailable as e:
    if r.absent:
      return Status(path, "deferred" if r.deferred else "absent",
                    explain(r))
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

