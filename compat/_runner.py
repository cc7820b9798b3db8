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
"""
from __future__ import absolute_import, division, print_function

import builtins
import os
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


def _is_library(importer):
  top = importer.partition(".")[0]
  return top in _LIBRARIES or top.startswith("tensorflow")


class _Redirect(object):
  """The replacement ``__import__``: TF names to the namespace for user code."""

  def __init__(self, original, namespace_fn):
    self._original = original
    self._namespace_fn = namespace_fn

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
    if level == 0 and (name == "tensorflow" or name.startswith(
        "tensorflow.")) and globals is not None and \
        not _is_library(globals.get("__name__") or ""):
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


def install(namespace_fn=None):
  """Installs the import redirection (once); returns the hook.

  Args:
    namespace_fn: callable returning the TF 1.x namespace (compat's if None).
  """
  if isinstance(builtins.__import__, _Redirect):
    return builtins.__import__
  if namespace_fn is None:
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


def run(target, args, as_module=False):
  """Runs `target` (a script path, or a module name) as ``__main__``.

  Args:
    target: the script's path, or the module's dotted name.
    args: the program's arguments (``sys.argv[1:]``).
    as_module: run `target` as ``python -m`` would.

  Returns:
    The exit status (0 when the program returns normally).

  Raises:
    SystemExit: the program's own ``sys.exit``.
  """
  if not real_tf.version.VERSION.startswith("1."):
    install()
  if as_module:
    sys.argv = [target] + list(args)
    sys.path.insert(0, os.getcwd())
  else:
    if not os.path.exists(target):
      sys.stderr.write("python -m compat: can't open file %r: [Errno 2] No "
                       "such file or directory\n" % target)
      return 2
    sys.argv = [target] + list(args)
    sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
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
