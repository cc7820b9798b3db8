"""Writes TF 1.15's own API listing: the checklist of compat's route table.

    .tox/py37-tf115/bin/python scripts/tf115_inventory.py [OUT]

(TF 1.15 with tf.contrib only.)  OUT defaults to
``compat/routes/tf115_inventory.json``.  For every TF 1.x module below it
records each public name that is not itself a module, with its kind
(``class``, ``function`` or ``constant``), and the module's scope:

* ``contrib``: the tf.contrib modules TF 1.x sequence programs use, and the
  public submodules they reach through them (``contrib.slim.nets.*``,
  ``contrib.learn.preprocessing``, ``contrib.layers.summaries``, ...);
* ``core``: ``tf.layers``, ``tf.nn``, ``tf.nn.rnn_cell``, ``tf.train``,
  ``tf.losses``, ``tf.metrics`` (tf.compat.v1 keeps most of them);
* ``record``: ``tf.estimator`` and every other tf.contrib module, listed so
  the table can say why they are absent.

Modules that TF 1.15 cleaned with ``remove_undocumented`` list what their
docs listed; for the others (submodules that programs import directly) a name
counts only when it is defined inside the module's own package, so ``np``,
``six`` or a decorator imported from TF's utilities do not become API.
"""
from __future__ import absolute_import, division, print_function

import __future__
import importlib
import inspect
import json
import os
import sys
import types

CONTRIB = ("training", "rnn", "seq2seq", "legacy_seq2seq", "crf", "layers",
           "framework", "metrics", "slim", "data", "lookup", "cudnn_rnn",
           "losses", "nn", "stateless", "signal", "util", "opt", "learn")
# Submodules programs import on their own: dotted under tf.contrib, and the
# package whose definitions count as theirs.
SUBMODULES = {
    "learn.preprocessing": "tensorflow.contrib.learn.python.learn."
                           "preprocessing",
    "layers.summaries": "tensorflow.contrib.layers.python.layers.summaries",
    "framework.nest": None,
    "slim.nets.alexnet": "tensorflow.contrib.slim.python.slim.nets",
    "slim.nets.inception": "tensorflow.contrib.slim.python.slim.nets",
    "slim.nets.overfeat": "tensorflow.contrib.slim.python.slim.nets",
    "slim.nets.resnet_utils": "tensorflow.contrib.slim.python.slim.nets",
    "slim.nets.resnet_v1": "tensorflow.contrib.slim.python.slim.nets",
    "slim.nets.resnet_v2": "tensorflow.contrib.slim.python.slim.nets",
    "slim.nets.vgg": "tensorflow.contrib.slim.python.slim.nets",
    "slim.learning": "tensorflow.contrib.slim.python.slim.learning",
    "slim.evaluation": "tensorflow.contrib.slim.python.slim.evaluation",
    "slim.queues": "tensorflow.contrib.slim.python.slim.queues",
    "slim.summaries": "tensorflow.contrib.slim.python.slim.summaries",
    "slim.model_analyzer": "tensorflow.contrib.slim.python.slim."
                           "model_analyzer",
    "slim.dataset": "tensorflow.contrib.slim.python.slim.data.dataset",
    "slim.dataset_data_provider": "tensorflow.contrib.slim.python.slim.data."
                                  "dataset_data_provider",
    "slim.data_decoder": "tensorflow.contrib.slim.python.slim.data."
                         "data_decoder",
    "slim.data_provider": "tensorflow.contrib.slim.python.slim.data."
                          "data_provider",
    "slim.tfexample_decoder": "tensorflow.contrib.slim.python.slim.data."
                              "tfexample_decoder",
    "slim.parallel_reader": "tensorflow.contrib.slim.python.slim.data."
                            "parallel_reader",
    "slim.prefetch_queue": "tensorflow.contrib.slim.python.slim.data."
                           "prefetch_queue",
}
CORE = ("layers", "nn", "nn.rnn_cell", "train", "losses", "metrics")
RECORD_CORE = ("estimator",)


def kind_of(obj):
  if inspect.isclass(obj):
    return "class"
  if callable(obj):
    return "function"
  return "constant"


def public_names(module, own_package=None):
  """{name: kind} of `module`'s public non-module names."""
  out = {}
  for name in sorted(dir(module)):
    if name.startswith("_"):
      continue
    try:
      obj = getattr(module, name)
    except Exception:  # pylint: disable=broad-except
      continue
    if isinstance(obj, (types.ModuleType, __future__._Feature)):  # pylint: disable=protected-access
      continue
    if own_package is not None:
      defined = getattr(obj, "__module__", None)
      if (inspect.isclass(obj) or inspect.isfunction(obj)) and (
          not defined or not defined.startswith(own_package)):
        continue
    out[name] = kind_of(obj)
  return out


def resolve(tf, dotted):
  obj = tf
  for part in dotted.split("."):
    obj = getattr(obj, part)
  return obj


def main(argv):
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  assert tf.__version__.startswith("1.15"), tf.__version__
  here = os.path.dirname(os.path.abspath(__file__))
  out = argv[1] if len(argv) > 1 else os.path.join(
      here, "..", "compat", "routes", "tf115_inventory.json")
  modules = {}

  def add(path, scope, module, own=None):
    modules[path] = {"scope": scope, "names": public_names(module, own)}

  for m in CONTRIB:
    add("tf.contrib." + m, "contrib", getattr(tf.contrib, m))
  # contrib.slim.nets is a module of its own, not an attribute of slim.
  tf.contrib.slim.nets = importlib.import_module("tensorflow.contrib.slim.nets")
  for sub, own in sorted(SUBMODULES.items()):
    module = resolve(tf.contrib, sub)
    add("tf.contrib." + sub, "contrib", module, own)
  for m in CORE:
    add("tf." + m, "core", resolve(tf, m))
  for m in RECORD_CORE:
    add("tf." + m, "record", resolve(tf, m))
  for m in sorted(n for n in dir(tf.contrib) if not n.startswith("_")):
    if m in CONTRIB:
      continue
    try:
      module = getattr(tf.contrib, m)
    except Exception as e:  # pylint: disable=broad-except
      modules["tf.contrib." + m] = {"scope": "record", "names": {},
                                    "error": str(e).split("\n")[0]}
      continue
    if isinstance(module, types.ModuleType):
      add("tf.contrib." + m, "record", module)
  data = {"tf_version": tf.__version__,
          "generated_by": "scripts/tf115_inventory.py",
          "modules": modules}
  with open(out, "w") as f:
    json.dump(data, f, indent=1, sort_keys=True)
    f.write("\n")
  total = sum(len(v["names"]) for v in modules.values())
  print("%s: %d modules, %d names" % (out, len(modules), total))
  for path in sorted(modules):
    print("  %-45s %-8s %4d" % (path, modules[path]["scope"],
                                len(modules[path]["names"])))
  return 0


if __name__ == "__main__":
  sys.exit(main(sys.argv))
