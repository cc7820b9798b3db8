"""tf.contrib.cudnn_rnn's cuDNN layers: named, but not provided.

``CudnnLSTM``, ``CudnnGRU``, ``CudnnRNNTanh`` and ``CudnnRNNRelu`` ran only on
a GPU with cuDNN, on one opaque parameter buffer.  They can be referenced
(``isinstance`` checks, ``getattr`` probes) but constructing one raises
``NotImplementedError`` naming the replacement: the CudnnCompatible cells of
``legacy_pipeline.nn.cells``, which read such a model's checkpoints (TF 1.x
saved them in canonical per-gate form) on any device, or Keras' LSTM/GRU to
train on TF 2.x.
"""
from __future__ import absolute_import, division, print_function

__all__ = ["CudnnGRU", "CudnnLSTM", "CudnnRNNRelu", "CudnnRNNTanh"]


class _NeedsCudnn(object):
  """Base of the cuDNN layer names: construction raises, saying what to use."""

  # What to use instead (after "it ran only on a GPU with cuDNN. ").
  _instead = ("To run a model trained with it, build "
              "tf.contrib.cudnn_rnn.CudnnCompatibleLSTMCell layers (they read "
              "its checkpoints' canonical weights on any device); to train on "
              "TF 2.x, use tf.keras.layers.LSTM/GRU, which use cuDNN on a GPU")

  def __init__(self, *args, **kwargs):
    del args, kwargs
    raise NotImplementedError(
        "tf.contrib.cudnn_rnn.%s is not provided by legacy-pipeline: it ran "
        "only on a GPU with cuDNN. %s" % (type(self).__name__, self._instead))


class CudnnLSTM(_NeedsCudnn):
  """tf.contrib.cudnn_rnn.CudnnLSTM (GPU only): raises when constructed."""


class CudnnGRU(_NeedsCudnn):
  """tf.contrib.cudnn_rnn.CudnnGRU (GPU only): raises when constructed."""

  _instead = _NeedsCudnn._instead.replace("CudnnCompatibleLSTMCell",
                                          "CudnnCompatibleGRUCell")


class CudnnRNNTanh(_NeedsCudnn):
  """tf.contrib.cudnn_rnn.CudnnRNNTanh (GPU only): raises when constructed.

  Its canonical weights are a ``BasicRNNCell``'s math (tanh) with cuDNN's
  separate input and hidden biases; contrib had no CPU cell for it.
  """

  _instead = ("contrib had no CPU cell for its weights; to train on TF 2.x, "
              "use tf.keras.layers.SimpleRNN(activation='tanh')")


class CudnnRNNRelu(_NeedsCudnn):
  """tf.contrib.cudnn_rnn.CudnnRNNRelu (GPU only): raises when constructed."""

  _instead = ("contrib had no CPU cell for its weights; to train on TF 2.x, "
              "use tf.keras.layers.SimpleRNN(activation='relu')")
