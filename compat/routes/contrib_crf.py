"""TF 1.15's tf.contrib.crf."""
from compat.routes import M, R

_WHY = (
    "not yet ported: contrib.crf comes with issue 26 (TF 1.15's names and "
    "math); TensorFlow Addons' Keras ports have other names and signatures")

ROUTES = M("tf.contrib.crf", rows=[
    R("tf.contrib.crf.CrfDecodeBackwardRnnCell", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.crf.CrfDecodeForwardRnnCell", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.crf.CrfForwardRnnCell", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.crf.crf_binary_score", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.crf.crf_decode", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.crf.crf_log_likelihood", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.crf.crf_log_norm", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.crf.crf_multitag_sequence_score", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.crf.crf_sequence_score", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.crf.crf_unary_score", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.crf.viterbi_decode", absent=_WHY, deferred="issue 26"),
])
