"""TF 1.x network pieces for TF builds that lack them: cells and layers.

``cells`` (RNNCell, BasicRNNCell, BasicLSTMCell, LSTMCell, GRUCell,
MultiRNNCell with TF 1.15's variable names and math), ``wrappers``
(DropoutWrapper, ResidualWrapper, DeviceWrapper, Output/InputProjectionWrapper,
AttentionCellWrapper),
``rnn`` (stack_bidirectional_dynamic_rnn), ``cudnn_rnn`` (contrib's GPU-only
layers: a clear error), ``layers_base``/``layers`` (tf.layers, all 36 names)
and ``keras`` (graph-mode Keras).  Imports only ``legacy_pipeline.errors``
and ``legacy_pipeline._tf`` from outside this package, never the saver.
"""
