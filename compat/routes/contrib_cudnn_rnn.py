"""TF 1.15's tf.contrib.cudnn_rnn."""
from compat.routes import M, R

_SAVEABLE = (
    "a GPU-only saveable: it converted cuDNN's opaque parameter buffer to "
    "canonical weights on save; no CudnnLSTM/CudnnGRU/CudnnRNN* layer exists "
    "here to save")
_CONVERTER = (
    "converted cuDNN's opaque parameter buffer with GPU-only cuDNN ops; no "
    "CudnnLSTM/CudnnGRU/CudnnRNN* layer exists here")
_PIN = "tensorflow==1.15.5 (Python 3.7) with CUDA 10.0 and cuDNN 7 on a GPU"
# Their checkpoints hold canonical weights, which these cells read.
_LSTM = ("tf.contrib.cudnn_rnn.CudnnCompatibleLSTMCell (served here) restores "
         "CudnnLSTM checkpoints; tf.keras.layers.LSTM runs cuDNN on a GPU "
         "with plain weights")
_GRU = ("tf.contrib.cudnn_rnn.CudnnCompatibleGRUCell (served here) restores "
        "CudnnGRU checkpoints; tf.keras.layers.GRU runs cuDNN on a GPU with "
        "plain weights")
_PLAIN = ("tf.keras.layers.SimpleRNN (TF 2.x's plain RNN layer: no cuDNN "
          "parameter buffer to convert)")

ROUTES = M("tf.contrib.cudnn_rnn", rows=[
    R("tf.contrib.cudnn_rnn.CudnnCompatibleGRUCell", inhouse="legacy_pipeline.nn.cells"),
    R("tf.contrib.cudnn_rnn.CudnnCompatibleLSTMCell", inhouse="legacy_pipeline.nn.cells"),
    R("tf.contrib.cudnn_rnn.CudnnGRU", inhouse="legacy_pipeline.nn.cudnn_rnn"),
    R("tf.contrib.cudnn_rnn.CudnnGRUSaveable", absent=_SAVEABLE, instead=_GRU, pin=_PIN),
    R("tf.contrib.cudnn_rnn.CudnnLSTM", inhouse="legacy_pipeline.nn.cudnn_rnn"),
    R("tf.contrib.cudnn_rnn.CudnnLSTMSaveable", absent=_SAVEABLE, instead=_LSTM, pin=_PIN),
    R("tf.contrib.cudnn_rnn.CudnnParamsFormatConverterGRU", absent=_CONVERTER, instead=_GRU, pin=_PIN),
    R("tf.contrib.cudnn_rnn.CudnnParamsFormatConverterLSTM", absent=_CONVERTER, instead=_LSTM, pin=_PIN),
    R("tf.contrib.cudnn_rnn.CudnnParamsFormatConverterRelu", absent=_CONVERTER, instead=_PLAIN, pin=_PIN),
    R("tf.contrib.cudnn_rnn.CudnnParamsFormatConverterTanh", absent=_CONVERTER, instead=_PLAIN, pin=_PIN),
    R("tf.contrib.cudnn_rnn.CudnnRNNRelu", inhouse="legacy_pipeline.nn.cudnn_rnn"),
    R("tf.contrib.cudnn_rnn.CudnnRNNReluSaveable", absent=_SAVEABLE, instead=_PLAIN, pin=_PIN),
    R("tf.contrib.cudnn_rnn.CudnnRNNTanh", inhouse="legacy_pipeline.nn.cudnn_rnn"),
    R("tf.contrib.cudnn_rnn.CudnnRNNTanhSaveable", absent=_SAVEABLE, instead=_PLAIN, pin=_PIN),
])
