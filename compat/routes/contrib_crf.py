"""TF 1.15's tf.contrib.crf."""
from compat.routes import M, R

# legacy_pipeline.nn.crf ports all eleven names (TF 1.15's signatures,
# variable name and math).
_CRF = "legacy_pipeline.nn.crf"

ROUTES = M("tf.contrib.crf", rows=[
    R("tf.contrib.crf.CrfDecodeBackwardRnnCell", inhouse=_CRF),
    R("tf.contrib.crf.CrfDecodeForwardRnnCell", inhouse=_CRF),
    R("tf.contrib.crf.CrfForwardRnnCell", inhouse=_CRF),
    R("tf.contrib.crf.crf_binary_score", inhouse=_CRF),
    R("tf.contrib.crf.crf_decode", inhouse=_CRF),
    R("tf.contrib.crf.crf_log_likelihood", inhouse=_CRF),
    R("tf.contrib.crf.crf_log_norm", inhouse=_CRF),
    R("tf.contrib.crf.crf_multitag_sequence_score", inhouse=_CRF),
    R("tf.contrib.crf.crf_sequence_score", inhouse=_CRF),
    R("tf.contrib.crf.crf_unary_score", inhouse=_CRF),
    R("tf.contrib.crf.viterbi_decode", inhouse=_CRF),
])
