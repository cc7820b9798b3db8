"""TF 1.15's tf.contrib.cudnn_rnn."""
from compat.routes import M, R

ROUTES = M("tf.contrib.cudnn_rnn", rows=[
    R("tf.contrib.cudnn_rnn.CudnnCompatibleGRUCell", inhouse="legacy_pipeline.nn.cells"),
    R("tf.contrib.cudnn_rnn.CudnnCompatibleLSTMCell", inhouse="legacy_pipeline.nn.cells"),
    R("tf.contrib.cudnn_rnn.CudnnGRU", inhouse="legacy_pipeline.nn.cudnn_rnn"),
    R("tf.contrib.cudnn_rnn.CudnnGRUSaveable", absent="a GPU-only saveable: it converted cuDNN's opaque parameter buffer to canonical weights on save; no CudnnLSTM/CudnnGRU/CudnnRNN* layer exists here to save (restore their checkpoints into CudnnCompatibleLSTMCell/CudnnCompatibleGRUCell layers)"),
    R("tf.contrib.cudnn_rnn.CudnnLSTM", inhouse="legacy_pipeline.nn.cudnn_rnn"),
    R("tf.contrib.cudnn_rnn.CudnnLSTMSaveable", absent="a GPU-only saveable: it converted cuDNN's opaque parameter buffer to canonical weights on save; no CudnnLSTM/CudnnGRU/CudnnRNN* layer exists here to save (restore their checkpoints into CudnnCompatibleLSTMCell/CudnnCompatibleGRUCell layers)"),
    R("tf.contrib.cudnn_rnn.CudnnParamsFormatConverterGRU", absent="converted cuDNN's opaque parameter buffer with GPU-only cuDNN ops; no CudnnLSTM/CudnnGRU/CudnnRNN* layer exists here (restore their checkpoints into CudnnCompatibleLSTMCell/CudnnCompatibleGRUCell layers)"),
    R("tf.contrib.cudnn_rnn.CudnnParamsFormatConverterLSTM", absent="converted cuDNN's opaque parameter buffer with GPU-only cuDNN ops; no CudnnLSTM/CudnnGRU/CudnnRNN* layer exists here (restore their checkpoints into CudnnCompatibleLSTMCell/CudnnCompatibleGRUCell layers)"),
    R("tf.contrib.cudnn_rnn.CudnnParamsFormatConverterRelu", absent="converted cuDNN's opaque parameter buffer with GPU-only cuDNN ops; no CudnnLSTM/CudnnGRU/CudnnRNN* layer exists here (restore their checkpoints into CudnnCompatibleLSTMCell/CudnnCompatibleGRUCell layers)"),
    R("tf.contrib.cudnn_rnn.CudnnParamsFormatConverterTanh", absent="converted cuDNN's opaque parameter buffer with GPU-only cuDNN ops; no CudnnLSTM/CudnnGRU/CudnnRNN* layer exists here (restore their checkpoints into CudnnCompatibleLSTMCell/CudnnCompatibleGRUCell layers)"),
    R("tf.contrib.cudnn_rnn.CudnnRNNRelu", inhouse="legacy_pipeline.nn.cudnn_rnn"),
    R("tf.contrib.cudnn_rnn.CudnnRNNReluSaveable", absent="a GPU-only saveable: it converted cuDNN's opaque parameter buffer to canonical weights on save; no CudnnLSTM/CudnnGRU/CudnnRNN* layer exists here to save (restore their checkpoints into CudnnCompatibleLSTMCell/CudnnCompatibleGRUCell layers)"),
    R("tf.contrib.cudnn_rnn.CudnnRNNTanh", inhouse="legacy_pipeline.nn.cudnn_rnn"),
    R("tf.contrib.cudnn_rnn.CudnnRNNTanhSaveable", absent="a GPU-only saveable: it converted cuDNN's opaque parameter buffer to canonical weights on save; no CudnnLSTM/CudnnGRU/CudnnRNN* layer exists here to save (restore their checkpoints into CudnnCompatibleLSTMCell/CudnnCompatibleGRUCell layers)"),
])
