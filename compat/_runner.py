"""``python -m compat SCRIPT`` / ``-m MODULE``: run a TF 1.x program unedited.

On TF 2.x an import hook (a wrapper around ``builtins.__import__``, installed
before the program starts) gives the program, and every module it imports,
the TF 1.x namespace of ``compat._namespace`` where it imports TensorFlow:

* ``import tensorflow as tf``, ``import tensorflow.compat.v1 as tf`` -> the
  namespace;
* ``import tensorflow.contrib.X [as Y]``, ``from tensorflow.contrib.X import
  Y``, ``from tensorflow import keras`` ... -> the namespace's objects at that
  path (a contrib path this project does not provide raises ImportError with
  the namespace's explanation);
* anything else under ``tensorflow`` (``tensorflow.python...``) -> the real
  module.

Imports made by TensorFlow itself and the libraries built on it (tf_keras,
keras, tf_slim, tensorboard, legacy_pipeline, compat) are untouched, so they
keep seeing the real TensorFlow.  ``importlib.import_module("tensorflow")``
bypasses ``__import__`` and also gets the real module.

The program runs as ``__main__`` with ``sys.argv`` = [SCRIPT, ARGS...] and
``sys.path[0]`` = its directory (``-m``: the current directory), as in a
direct run; its exit code is kept, and an uncaught exception prints a
traceback without the runner's frames and exits with status 1.  On TF 1.x
the program simply runs (the real ``tensorflow`` already is TF 1.x).

The program's own ``compat``: old projects often have a top-level
``compat.py`` (a py2/py3 helper).  When the program's path finds a ``compat``
other than this package, the runner takes its own modules out of
``sys.modules`` before the program starts (after loading everything it will
need), so the program's ``import compat`` gets its own module, as in a direct
run; the runner's own code keeps reaching its modules through the import hook.
When no such module exists, ``from compat import tf`` in the program gets
this package, as before.
"""
from __future__ import absolute_import, division, print_function

import builtins
import collections
import importlib
import importlib.machinery
import logging
import os
import pkgutil
import runpy
import sys
import types

import tensorflow as real_tf

from compat import _routes

# Importers whose imports are never redirected: TF and its own libraries.
_LIBRARIES = frozenset(["tf_keras", "keras", "tf_slim", "tensorboard",
                        "legacy_pipeline", "compat", "absl", "google",
                        "numpy", "h5py", "ml_dtypes", "tree", "optree"])
_HERE = os.path.abspath(__file__).rsplit(".", 1)[0]
# This package's folder: a `compat` found anywhere else is somebody else's.
PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_RUNPY = os.path.abspath(runpy.__file__).rsplit(".", 1)[0]


# tensorflow.<these> are TF's internals: always the real modules.
INTERNAL = ("python", "core", "tools", "lite", "include", "dtensor", "tsl",
            "_api")


def tf_subpath(module):
  """``tensorflow.contrib.rnn`` -> ``["contrib", "rnn"]`` (a leading
  ``compat.v1`` dropped: it names the TF 1.x namespace too); None when
  `module` is not under ``tensorflow``."""
  parts = module.split(".")
  if parts[0] != "tensorflow":
    return None
  rest = parts[1:]
  return rest[2:] if rest[:2] == ["compat", "v1"] else rest


def _tf_path(module):
  rest = tf_subpath(module)
  return ".".join(["tf"] + rest)


def _import_error(name, path, cause):
  err = ImportError("cannot import %s under legacy-pipeline's TF 1.x "
                    "namespace: %s" % (path, cause))
  err.name = name
  return err


def _is_library(importer_globals):
  name = importer_globals.get("__name__") or ""
  top = name.partition(".")[0]
  if top == "compat":
    # The program's own compat module is user code; this package is not.
    return is_own_module(importer_globals)
  return top in _LIBRARIES or top.startswith("tensorflow")


def is_own_module(module_globals):
  """True when `module_globals` belong to a module of this package."""
  path = module_globals.get("__file__") or ""
  return os.path.abspath(path).startswith(PACKAGE_DIR + os.sep)


class _Redirect(object):
  """The replacement ``__import__``: TF names to the namespace for user code."""

  def __init__(self, original, namespace_fn):
    self._original = original
    self._namespace_fn = namespace_fn
    # This package's modules by name, once they are out of sys.modules
    # (the program has a compat of its own); empty otherwise.
    self.own_modules = {}

  def _own_import(self, name, fromlist):
    """``import compat...`` made by this package's own code, from
    `own_modules` (sys.modules' `compat` is the program's)."""
    if name not in self.own_modules:
      raise ImportError("legacy-pipeline: %s was not loaded before the "
                        "program's own compat module took the name" % name)
    module = self.own_modules[name]
    if not fromlist:
      return self.own_modules[name.partition(".")[0]]
    for item in fromlist:
      sub = self.own_modules.get(name + "." + item)
      if sub is not None and not hasattr(module, item):
        setattr(module, item, sub)
    return module

  def resolve(self, name):
    """The namespace's object for the dotted TF import `name`, or None.

    Raises:
      ImportError: a ``tensorflow.contrib`` path the namespace lacks, with
        the route table's explanation.
    """
    rest = tf_subpath(name)
    if rest is None or (rest and rest[0] in INTERNAL + ("compat",)):
      return None
    rest = _routes.canonical(".".join(["tf"] + rest)).split(".")[1:]
    obj = self._namespace_fn()
    for i, part in enumerate(rest):
      try:
        obj = getattr(obj, part)
      except AttributeError as e:
        if rest[0] == "contrib":
          raise _import_error(name, "tensorflow." + ".".join(rest[:i + 1]),
                              e)
        return None
    return obj

  def resolve_from(self, name, fromlist):
    """`name`'s object for ``from name import *fromlist``, or None.

    Every imported name is looked up now, so an absent one fails at the
    import line with the table's explanation rather than Python's bare
    "cannot import name".  For a deep path (``...contrib.rnn.python.ops``)
    each name is resolved through the table on its own (``rnn_cell`` there
    is contrib.rnn itself), and a module holding them is returned.
    """
    found = self.resolve(name)
    if found is None:
      return None
    deep = _routes.canonical(_tf_path(name)) != _tf_path(name)
    if not deep:
      for item in fromlist:
        if item != "*" and not hasattr(found, item):
          try:
            getattr(found, item)
          except AttributeError as e:
            raise _import_error(name, "%s.%s" % (name, item), e)
      return found
    holder = types.ModuleType(name)
    for item in fromlist:
      if item == "*":
        continue
      setattr(holder, item, self.resolve(name + "." + item))
    return holder

  def __call__(self, name, globals=None, locals=None, fromlist=(), level=0):  # pylint: disable=redefined-builtin
    if self.own_modules and level == 0 and globals is not None and \
        name.partition(".")[0] == "compat" and is_own_module(globals):
      return self._own_import(name, fromlist)
    if self._namespace_fn is not None and level == 0 and (name == "tensorflow" or name.startswith(
        "tensorflow.")) and globals is not None and \
        not _is_library(globals):
      if fromlist:
        found = self.resolve_from(name, fromlist)
        if found is not None:
          return found
      else:
        top = self.resolve("tensorflow")
        if name == "tensorflow" or self._path_ok(name):
          return top
    return self._original(name, globals, locals, fromlist, level)

  def _path_ok(self, name):
    # `import tensorflow.contrib.slim` binds `tensorflow`; check the path now
    # so a missing one fails at the import line, as it would in TF 1.x.
    return self.resolve(name) is not None


def install(namespace_fn=None, redirect=True):
  """Installs the import redirection (once); returns the hook.

  Args:
    namespace_fn: callable returning the TF 1.x namespace (compat's if None).
    redirect: False installs the hook for this package's own imports only
      (TF 1.x, where the program's TensorFlow imports need no redirection).
  """
  if isinstance(builtins.__import__, _Redirect):
    return builtins.__import__
  if not redirect:
    namespace_fn = None
  elif namespace_fn is None:
    from compat import _namespace  # pylint: disable=g-import-not-at-top
    namespace_fn = _namespace.namespace
  hook = _Redirect(builtins.__import__, namespace_fn)
  builtins.__import__ = hook
  return hook


def uninstall():
  """Restores the original ``__import__``."""
  if isinstance(builtins.__import__, _Redirect):
    builtins.__import__ = builtins.__import__._original  # pylint: disable=protected-access


def _own_frame(tb):
  filename = tb.tb_frame.f_code.co_filename
  if filename.startswith("<frozen runpy"):
    return True
  name = os.path.abspath(filename).rsplit(".", 1)[0]
  return name in (_HERE, _RUNPY) or name.endswith(os.sep + "compat" + os.sep +
                                                  "__main__")


def _user_traceback(tb):
  """`tb` without the runner's and runpy's frames."""
  frames = []
  while tb is not None:
    if not _own_frame(tb):
      frames.append(tb)
    tb = tb.tb_next
  out = None
  for frame in reversed(frames):
    out = types.TracebackType(out, frame.tb_frame, frame.tb_lasti,
                              frame.tb_lineno)
  return out


def shadow_note(folder=None):
  """A note when `folder` (default: the current one) has its own compat.py
  or compat/ -- there ``python -m compat`` runs that, not this package --
  else ""."""
  folder = os.path.abspath(folder or os.getcwd())
  for entry in ("compat.py", "compat"):
    path = os.path.join(folder, entry)
    if os.path.exists(path) and path != PACKAGE_DIR:
      return ("%s has its own %s: `python -m compat` run there runs that, not "
              "legacy-pipeline; use tf1-run / tf1-check there" % (
                  folder, entry))
  return ""


Prepared = collections.namedtuple("Prepared", "path_entry own_compat note")


def _foreign_compat():
  """Where the program's path finds a `compat` that is not this package, or
  None."""
  spec = importlib.machinery.PathFinder.find_spec("compat", sys.path)
  if spec is None:
    return None
  where = spec.origin if spec.has_location else None
  if where is None:  # a namespace package: only if nothing else is found
    locations = list(spec.submodule_search_locations or [])
    where = locations[0] if locations else None
  if where is None or os.path.abspath(where).startswith(PACKAGE_DIR + os.sep) \
      or os.path.abspath(where) == PACKAGE_DIR:
    return None
  return where


def _step_aside(hook):
  """Loads every module of this package, then takes them out of sys.modules
  (the import hook serves them to this package's own code from then on)."""
  import compat  # pylint: disable=g-import-not-at-top
  for info in pkgutil.walk_packages(compat.__path__, "compat."):
    if not info.name.endswith("__main__"):
      importlib.import_module(info.name)
  _routes._index()  # pylint: disable=protected-access
  own = {}
  for name in list(sys.modules):
    if name == "compat" or name.startswith("compat."):
      module = sys.modules[name]
      if module is not None and is_own_module(vars(module)):
        own[name] = sys.modules.pop(name)
  if hook is not None:
    hook.own_modules.update(own)
  return own


def prepare(target, as_module):
  """Sets up the process for `target` before it runs; returns Prepared.

  Puts the program's folder first on sys.path (``-m``: the current folder),
  installs the import hook on TF 2.x and builds the TF 1.x namespace (with
  the deprecation lines of its own ``disable_v2_behavior`` call hidden: the
  program did not make it), and steps this package aside when the program
  has a ``compat`` module of its own.
  """
  entry = os.getcwd() if as_module else os.path.dirname(
      os.path.abspath(target))
  sys.path.insert(0, entry)
  hook = None
  if not real_tf.version.VERSION.startswith("1."):
    hook = install()
    logger = logging.getLogger("tensorflow")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
      hook._namespace_fn()  # pylint: disable=protected-access
    finally:
      logger.setLevel(level)
  foreign = _foreign_compat()
  note = ""
  if foreign is not None:
    _step_aside(hook or install(redirect=False))
    note = "; its `import compat` is its own %s" % foreign
  return Prepared(entry, foreign, note)


def run(target, args, as_module=False, prepared=None):
  """Runs `target` (a script path, or a module name) as ``__main__``.

  Args:
    target: the script's path, or the module's dotted name.
    args: the program's arguments (``sys.argv[1:]``).
    as_module: run `target` as ``python -m`` would.
    prepared: what ``prepare`` returned (called here when None).

  Returns:
    The exit status (0 when the program returns normally; 2 when a script
    does not exist).

  Raises:
    SystemExit: the program's own ``sys.exit``.
  """
  if not as_module and not os.path.exists(target):
    sys.stderr.write("legacy-pipeline: can't open file %r: [Errno 2] No "
                     "such file or directory\n" % target)
    return 2
  if prepared is None:
    prepare(target, as_module)
  sys.argv = [target] + list(args)
  try:
    if as_module:
      runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
      runpy.run_path(target, run_name="__main__")
  except SystemExit:
    raise
  except KeyboardInterrupt:
    raise
  except BaseException as e:  # pylint: disable=broad-except
    # The default hook prints the exception's own __traceback__: replace it.
    tb = _user_traceback(e.__traceback__)
    sys.excepthook(type(e), e.with_traceback(tb), tb)
    return 1
  return 0
