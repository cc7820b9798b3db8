"""TF 1.15's tf.contrib.legacy_seq2seq."""
from compat.routes import M, R

_HERE = "legacy_pipeline.nn.legacy_seq2seq"

ROUTES = M("tf.contrib.legacy_seq2seq", rows=[
    R("tf.contrib.legacy_seq2seq.attention_decoder", inhouse=_HERE),
    R("tf.contrib.legacy_seq2seq.basic_rnn_seq2seq", inhouse=_HERE),
    R("tf.contrib.legacy_seq2seq.embedding_attention_decoder", inhouse=_HERE),
    R("tf.contrib.legacy_seq2seq.embedding_attention_seq2seq", inhouse=_HERE),
    R("tf.contrib.legacy_seq2seq.embedding_rnn_decoder", inhouse=_HERE),
    R("tf.contrib.legacy_seq2seq.embedding_rnn_seq2seq", inhouse=_HERE),
    R("tf.contrib.legacy_seq2seq.embedding_tied_rnn_seq2seq", inhouse=_HERE),
    R("tf.contrib.legacy_seq2seq.model_with_buckets", inhouse=_HERE),
    R("tf.contrib.legacy_seq2seq.one2many_rnn_seq2seq", inhouse=_HERE),
    R("tf.contrib.legacy_seq2seq.rnn_decoder", inhouse=_HERE),
    R("tf.contrib.legacy_seq2seq.sequence_loss", inhouse=_HERE),
    R("tf.contrib.legacy_seq2seq.sequence_loss_by_example", inhouse=_HERE),
    R("tf.contrib.legacy_seq2seq.tied_rnn_seq2seq", inhouse=_HERE),
])
