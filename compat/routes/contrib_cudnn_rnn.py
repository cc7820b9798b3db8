"""TF 1.15's tf.contrib.cudnn_rnn."""
from compat.routes import M, R

ROUTES = M("tf.contrib.cudnn_rnn", rows=[
    R("tf.contrib.cudnn_rnn.CudnnCompatibleGRUCell", absent="TODO"),
    R("tf.contrib.cudnn_rnn.CudnnCompatibleLSTMCell", inhouse="legacy_pipeline.nn.cells"),
    R("tf.contrib.cudnn_rnn.CudnnGRU", inhouse="legacy_pipeline.nn.cudnn_rnn"),
    R("tf.contrib.cudnn_rnn.CudnnGRUSaveable", absent="TODO"),
    R("tf.contrib.cudnn_rnn.CudnnLSTM", inhouse="legacy_pipeline.nn.cudnn_rnn"),
    R("tf.contrib.cudnn_rnn.CudnnLSTMSaveable", absent="TODO"),
    R("tf.contrib.cudnn_rnn.CudnnParamsFormatConverterGRU", absent="TODO"),
    R("tf.contrib.cudnn_rnn.CudnnParamsFormatConverterLSTM", absent="TODO"),
    R("tf.contrib.cudnn_rnn.CudnnParamsFormatConverterRelu", absent="TODO"),
    R("tf.contrib.cudnn_rnn.CudnnParamsFormatConverterTanh", absent="TODO"),
    R("tf.contrib.cudnn_rnn.CudnnRNNRelu", inhouse="legacy_pipeline.nn.cudnn_rnn"),
    R("tf.contrib.cudnn_rnn.CudnnRNNReluSaveable", absent="TODO"),
    R("tf.contrib.cudnn_rnn.CudnnRNNTanh", inhouse="legacy_pipeline.nn.cudnn_rnn"),
    R("tf.contrib.cudnn_rnn.CudnnRNNTanhSaveable", absent="TODO"),
])
