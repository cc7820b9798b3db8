"""TF 1.15's tf.contrib.crf."""
from compat.routes import PIN_TF115, M, R

_WHY = ("not yet ported: legacy-pipeline's contrib.crf will have TF 1.15's "
        "names and math")
# TensorFlow Addons' tfa.text kept contrib's functions and arguments; it
# supports TF <= 2.15 only and is no longer maintained.
_TFA = "tensorflow_addons.text.%s (same arguments; TF <= 2.15, end of life)"

ROUTES = M("tf.contrib.crf", rows=[
    R("tf.contrib.crf.CrfDecodeBackwardRnnCell", absent=_WHY, deferred="issue 26", instead="tensorflow_addons.text.crf_decode_backward (the same recursion as a function; TF <= 2.15, end of life)", pin=PIN_TF115),
    R("tf.contrib.crf.CrfDecodeForwardRnnCell", absent=_WHY, deferred="issue 26", instead=_TFA % "CrfDecodeForwardRnnCell", pin=PIN_TF115),
    R("tf.contrib.crf.CrfForwardRnnCell", absent=_WHY, deferred="issue 26", instead="tensorflow_addons.text.crf_forward (the same recursion as a function; TF <= 2.15, end of life)", pin=PIN_TF115),
    R("tf.contrib.crf.crf_binary_score", absent=_WHY, deferred="issue 26", instead=_TFA % "crf_binary_score", pin=PIN_TF115),
    R("tf.contrib.crf.crf_decode", absent=_WHY, deferred="issue 26", instead=_TFA % "crf_decode", pin=PIN_TF115),
    R("tf.contrib.crf.crf_log_likelihood", absent=_WHY, deferred="issue 26", instead=_TFA % "crf_log_likelihood", pin=PIN_TF115),
    R("tf.contrib.crf.crf_log_norm", absent=_WHY, deferred="issue 26", instead=_TFA % "crf_log_norm", pin=PIN_TF115),
    R("tf.contrib.crf.crf_multitag_sequence_score", absent=_WHY, deferred="issue 26", instead=_TFA % "crf_multitag_sequence_score", pin=PIN_TF115),
    R("tf.contrib.crf.crf_sequence_score", absent=_WHY, deferred="issue 26", instead=_TFA % "crf_sequence_score", pin=PIN_TF115),
    R("tf.contrib.crf.crf_unary_score", absent=_WHY, deferred="issue 26", instead=_TFA % "crf_unary_score", pin=PIN_TF115),
    R("tf.contrib.crf.viterbi_decode", absent=_WHY, deferred="issue 26", instead=_TFA % "viterbi_decode", pin=PIN_TF115),
])
