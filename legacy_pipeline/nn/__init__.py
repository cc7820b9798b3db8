"""TF 1.x network pieces for TF builds that lack them: cells and layers.

``cells`` (RNNCell, BasicRNNCell, BasicLSTMCell, LSTMCell, GRUCell,
MultiRNNCell with TF 1.15's variable names and math), ``wrappers``
(DropoutWrapper, ResidualWrapper, DeviceWrapper, Output/InputProjectionWrapper,
AttentionCellWrapper),
``contrib_cells`` and ``contrib_rnn_more`` (the rest of tf.contrib.rnn),
``crf`` (tf.contrib.crf), ``seq2seq_attention`` and ``seq2seq_decode``
(tf.contrib.seq2seq), ``legacy_seq2seq`` (tf.contrib.legacy_seq2seq),
``rnn`` (stack_bidirectional_dynamic_rnn), ``cudnn_rnn`` (contrib's GPU-only
layers: a clear error), ``layers_base``/``layers`` (tf.layers, all 36 names)
and ``keras`` (graph-mode Keras).  Imports only ``legacy_pipeline.errors``
and ``legacy_pipeline._tf`` from outside this package, never the saver.
"""
