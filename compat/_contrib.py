"""``tf.contrib`` of the TF 1.x namespace, on TF builds without it.

Each sub-module is routed by the probe's ``slim`` choice (compat._probe):
tf-slim (the maintained port of contrib.slim and friends) for ``slim``,
``layers``, ``metrics``, ``framework`` and training's loops and hooks;
``legacy_pipeline`` for the state saver, ``training.HParams``,
``seq2seq.sequence_loss``, ``learn.run_n``/``run_feeds``,
``layers.embed_sequence``; ``keras`` is the namespace's graph-mode tf.keras;
``rnn`` takes the cells the probe chose (native or
``legacy_pipeline.nn``), the contrib-only wrappers from ``legacy_pipeline.nn``
and the static RNN functions from ``tf.compat.v1.nn``.  Any other name
raises AttributeError naming the TF 1.x module, what TF 2.x offers instead,
and that this project does not provide it.
"""
from __future__ import absolute_import, division, print_function

import importlib

import tensorflow as tf

from compat import _probe
from compat import _table

# What TF 2.x offers for the contrib modules this project does not provide.
_ELSEWHERE = {
    "data": "tf.data and tf.data.experimental",
    "lookup": "tf.lookup",
    "distributions": "tensorflow_probability.distributions",
    "estimator": "tf.compat.v1.estimator (TF <= 2.15)",
    "tpu": "tf.distribute.TPUStrategy",
    "summary": "tf.summary or tf.compat.v1.summary",
    "image": "tf.image or tensorflow_addons.image",
    "crf": "tensorflow_addons.text.crf",
    "opt": "tf.compat.v1.train optimizers or tf.keras.optimizers",
    "losses": "tf.compat.v1.losses",
    "signal": "tf.signal",
    "quantize": "tensorflow_model_optimization",
    "tensorboard": "tf.summary",
    "predictor": "tf.saved_model",
    "tensor_forest": "tensorflow_decision_forests",
    "timeseries": "nothing built in (tf.keras models)",
}

# Names of contrib.training that tf-slim provides (from its training and
# evaluation modules).
_SLIM_TRAINING = {
    "train": "training", "create_train_op": "training",
    "add_gradients_summaries": "training", "clip_gradient_norms": "training",
    "clip_gradient_norms_fn": "training", "multiply_gradients": "training",
    "evaluate_repeatedly": "evaluation", "evaluate_once": "evaluation",
    "StopAfterNEvalsHook": "evaluation", "SummaryAtEndHook": "evaluation",
    "checkpoints_iterator": "evaluation",
    "wait_for_new_checkpoint": "evaluation",
    "get_or_create_eval_step": "evaluation",
}


def _hint_missing_slim():
  return ("it comes from the tf-slim package, which is not installed: pip "
          "install tf-slim")


class _Missing(object):
  """Stands for a name whose provider is not installed: fails on use."""

  def __init__(self, what, why):
    self._what, self._why = what, why

  def __getattr__(self, attr):
    raise AttributeError("%s.%s is not available here: %s" %
                         (self._what, attr, self._why))

  def __call__(self, *args, **kwargs):
    raise AttributeError("%s is not available here: %s" % (self._what,
                                                           self._why))


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
  for name, cls in (("Tensor", tf.Tensor), ("IndexedSlices",
                                            tf.IndexedSlices)):
    if not hasattr(ops, name):
      setattr(ops, name, cls)


def _slim_module(path):
  """tf_slim's module `path` (``""``: the package), or None if missing."""
  if _probe.decision().slim != "tf_slim":
    return None
  _restore_tensor_aliases()
  module = importlib.import_module("tf_slim")
  for part in path.split(".") if path else []:
    module = getattr(module, part)  # tf_slim's own attribute (its re-export)
  return module


def build(namespace_cls, keras):
  """The ``tf.contrib`` Namespace for a TF without tf.contrib.

  Args:
    namespace_cls: compat._namespace.Namespace.
    keras: the namespace's graph-mode ``tf.keras`` (TF 1.x's tf.contrib.keras
      was the same API).

  Returns:
    A Namespace whose attributes are the sub-modules described above.
  """
  version = tf.version.VERSION
  slim = _slim_module("")
  rnn_names = _rnn_names()

  def via_slim(name, base):
    if base is None:
      return _Missing("compat.tf.contrib.%s" % name, _hint_missing_slim())
    return namespace_cls("compat.tf.contrib.%s" % name, base, {},
                         "tf-slim's %s has no such name" % name)

  training_names = {n: _table.saver_symbol(n) for n in _table.SAVER}
  training_names.update(
      {n: _table.contrib_symbol("training", n) for n in _table.CONTRIB_INHOUSE[
          "training"]})
  for name, module in _SLIM_TRAINING.items():
    base = _slim_module(module)
    training_names[name] = getattr(base, name) if base is not None else \
        _Missing("compat.tf.contrib.training.%s" % name, _hint_missing_slim())
  subs = {
      "keras": keras,
      "training": namespace_cls(
          "compat.tf.contrib.training", None, training_names,
          "legacy-pipeline provides contrib.training's state saver, HParams "
          "and (through tf-slim) its training and evaluation loops"),
      "framework": namespace_cls(
          "compat.tf.contrib.framework", slim, {
              "nest": tf.nest,
              "get_or_create_global_step":
                  tf.compat.v1.train.get_or_create_global_step,
              "create_global_step": tf.compat.v1.train.create_global_step,
              "get_global_step": tf.compat.v1.train.get_global_step,
          }, "its variables and arg scopes come from tf-slim: %s" %
          _hint_missing_slim() if slim is None else
          "neither tf.compat.v1.train nor tf-slim has it"),
      "layers": namespace_cls(
          "compat.tf.contrib.layers", slim,
          {n: _table.contrib_symbol("layers", n)
           for n in _table.CONTRIB_INHOUSE["layers"]},
          "the rest of contrib.layers comes from tf-slim: %s" %
          _hint_missing_slim() if slim is None else
          "tf-slim has no such name"),
      "metrics": via_slim("metrics", _slim_module("metrics")),
      "slim": via_slim("slim", slim),
      "rnn": namespace_cls("compat.tf.contrib.rnn", None, rnn_names, (
          "legacy-pipeline provides contrib.rnn's %s; not yet the other "
          "contrib cells (NASCell, HighwayWrapper, ...): on TF <= 2.15 or "
          "with tf_keras, tf.compat.v1.nn.rnn_cell covers the core ones" %
          ", ".join(sorted(rnn_names)))),
      "cudnn_rnn": namespace_cls(
          "compat.tf.contrib.cudnn_rnn", None, {
              "CudnnCompatibleLSTMCell": _table.inhouse_nn_symbol(
                  "CudnnCompatibleLSTMCell"),
              "CudnnLSTM": _NeedsGpu("CudnnLSTM"),
              "CudnnGRU": _NeedsGpu("CudnnGRU"),
          }, "legacy-pipeline provides contrib.cudnn_rnn's "
          "CudnnCompatibleLSTMCell (and a clear error for CudnnLSTM/CudnnGRU); "
          "TF 2.x offers tf.keras.layers.LSTM/GRU (cuDNN kernels on GPU)"),
  }
  for module, names in _table.CONTRIB_INHOUSE.items():
    if module in subs:
      continue
    subs[module] = namespace_cls(
        "compat.tf.contrib.%s" % module, None,
        {n: _table.contrib_symbol(module, n) for n in names},
        "legacy-pipeline provides contrib.%s's %s only" % (
            module, ", ".join(sorted(names))))
  hint = ("TF %s has no tf.contrib; legacy-pipeline provides %s" % (
      version, ", ".join("contrib.%s" % n for n in sorted(subs))))
  return _Contrib("compat.tf.contrib", subs, hint)


def _rnn_names():
  """tf.contrib.rnn's names this project provides, from their backends."""
  names = {n: _table.cell_symbol(n) for n in _table.CELLS}
  names.update({n: _table.inhouse_nn_symbol(n)
                for n in _table.CONTRIB_RNN_INHOUSE})
  names.update({n: getattr(tf.compat.v1.nn, n)
                for n in _table.CONTRIB_RNN_FROM_NN})
  return names


class _NeedsGpu(object):
  """tf.contrib.cudnn_rnn's cuDNN layers: not provided, said when used."""

  def __init__(self, name):
    self._name = name

  def __call__(self, *args, **kwargs):
    raise NotImplementedError(
        "tf.contrib.cudnn_rnn.%s is not provided by legacy-pipeline: it ran "
        "only on a GPU with cuDNN. To run a model trained with it, build "
        "tf.contrib.cudnn_rnn.CudnnCompatibleLSTMCell layers (they read its "
        "checkpoints' canonical weights on any device); to train on TF 2.x, "
        "use tf.keras.layers.LSTM/GRU, which use cuDNN on a GPU" % self._name)


class _Contrib(object):
  """tf.contrib: the provided sub-modules, and a clear error for the rest."""

  def __init__(self, name, subs, hint):
    self.__name__ = name
    self.__dict__.update(subs)
    self._hint = hint

  def __getattr__(self, attr):
    if attr.startswith("__"):
      raise AttributeError(attr)
    elsewhere = _ELSEWHERE.get(attr)
    raise AttributeError(
        "tf.contrib.%s is not provided by legacy-pipeline (%s)%s" % (
            attr, self._hint,
            "; TF 2.x offers %s" % elsewhere if elsewhere else ""))

  def __dir__(self):
    return sorted(k for k in self.__dict__ if not k.startswith("_"))
