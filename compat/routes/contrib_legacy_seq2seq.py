"""TF 1.15's tf.contrib.legacy_seq2seq."""
from compat.routes import PIN_TF115, M, R

_WHY = (
    "not yet ported: legacy-pipeline's contrib.legacy_seq2seq will have TF "
    "1.15's names and math")
_ATTENTION = ("tf.keras.layers.AdditiveAttention (the same additive scores) "
              "over the encoder outputs, inside a decoder loop")

ROUTES = M("tf.contrib.legacy_seq2seq", rows=[
    R("tf.contrib.legacy_seq2seq.attention_decoder", absent=_WHY, deferred="issue 26", instead=_ATTENTION, pin=PIN_TF115),
    R("tf.contrib.legacy_seq2seq.basic_rnn_seq2seq", absent=_WHY, deferred="issue 26", instead="tf.compat.v1.nn.static_rnn twice: the encoder, then the decoder from the encoder's final state", pin=PIN_TF115),
    R("tf.contrib.legacy_seq2seq.embedding_attention_decoder", absent=_WHY, deferred="issue 26", instead="tf.nn.embedding_lookup of the decoder inputs, then " + _ATTENTION, pin=PIN_TF115),
    R("tf.contrib.legacy_seq2seq.embedding_attention_seq2seq", absent=_WHY, deferred="issue 26", instead="tf.nn.embedding_lookup and a tf.compat.v1.nn.static_rnn encoder, then " + _ATTENTION, pin=PIN_TF115),
    R("tf.contrib.legacy_seq2seq.embedding_rnn_decoder", absent=_WHY, deferred="issue 26", instead="tf.nn.embedding_lookup of the decoder inputs, then tf.compat.v1.nn.static_rnn from the initial state", pin=PIN_TF115),
    R("tf.contrib.legacy_seq2seq.embedding_rnn_seq2seq", absent=_WHY, deferred="issue 26", instead="tf.nn.embedding_lookup and tf.compat.v1.nn.static_rnn for the encoder, then for the decoder from its final state", pin=PIN_TF115),
    R("tf.contrib.legacy_seq2seq.embedding_tied_rnn_seq2seq", absent=_WHY, deferred="issue 26", instead="tf.nn.embedding_lookup and tf.compat.v1.nn.static_rnn for the encoder and the decoder under one reused tf.compat.v1.variable_scope", pin=PIN_TF115),
    R("tf.contrib.legacy_seq2seq.model_with_buckets", absent=_WHY, deferred="issue 26", instead="one dynamic-length model fed by tf.data.experimental.bucket_by_sequence_length (or tf.contrib.training.bucket_by_sequence_length, served here)", pin=PIN_TF115),
    R("tf.contrib.legacy_seq2seq.one2many_rnn_seq2seq", absent=_WHY, deferred="issue 26", instead="tf.nn.embedding_lookup and a tf.compat.v1.nn.static_rnn encoder, then one tf.compat.v1.nn.static_rnn decoder per task from its final state", pin=PIN_TF115),
    R("tf.contrib.legacy_seq2seq.rnn_decoder", absent=_WHY, deferred="issue 26", instead="tf.compat.v1.nn.static_rnn(cell, decoder_inputs, initial_state=state) (without loop_function)", pin=PIN_TF115),
    R("tf.contrib.legacy_seq2seq.sequence_loss", absent=_WHY, deferred="issue 26", instead="tf.reduce_mean(tf.contrib.seq2seq.sequence_loss(..., average_across_batch=False)) (served here) on the logits, targets and weights stacked to [batch, time]", pin=PIN_TF115),
    R("tf.contrib.legacy_seq2seq.sequence_loss_by_example", absent=_WHY, deferred="issue 26", instead="tf.contrib.seq2seq.sequence_loss(..., average_across_batch=False) (served here) on the logits, targets and weights stacked to [batch, time]", pin=PIN_TF115),
    R("tf.contrib.legacy_seq2seq.tied_rnn_seq2seq", absent=_WHY, deferred="issue 26", instead="tf.compat.v1.nn.static_rnn for the encoder and the decoder under one reused tf.compat.v1.variable_scope", pin=PIN_TF115),
])
