"""TF 1.15's tf.contrib.legacy_seq2seq."""
from compat.routes import M, R

_WHY = (
    "not yet ported: contrib.legacy_seq2seq comes with issue 26 (TF 1.15's "
    "names and math); TensorFlow Addons' Keras ports have other names and "
    "signatures")

ROUTES = M("tf.contrib.legacy_seq2seq", rows=[
    R("tf.contrib.legacy_seq2seq.attention_decoder", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.legacy_seq2seq.basic_rnn_seq2seq", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.legacy_seq2seq.embedding_attention_decoder", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.legacy_seq2seq.embedding_attention_seq2seq", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.legacy_seq2seq.embedding_rnn_decoder", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.legacy_seq2seq.embedding_rnn_seq2seq", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.legacy_seq2seq.embedding_tied_rnn_seq2seq", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.legacy_seq2seq.model_with_buckets", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.legacy_seq2seq.one2many_rnn_seq2seq", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.legacy_seq2seq.rnn_decoder", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.legacy_seq2seq.sequence_loss", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.legacy_seq2seq.sequence_loss_by_example", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.legacy_seq2seq.tied_rnn_seq2seq", absent=_WHY, deferred="issue 26"),
])
