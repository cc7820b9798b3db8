"""TF 1.15's tf.contrib.seq2seq."""
from compat.routes import PIN_TF115, M, R

_WHY = (
    "not yet ported: legacy-pipeline's contrib.seq2seq will have TF 1.15's "
    "names and math")
# TensorFlow Addons' tfa.seq2seq ported it to Keras (other signatures, the
# helpers renamed samplers); it supports TF <= 2.15 only and is no longer
# maintained.
_TFA = "tensorflow_addons.seq2seq.%s (a Keras port; TF <= 2.15, end of life)"

ROUTES = M("tf.contrib.seq2seq", rows=[
    R("tf.contrib.seq2seq.AttentionMechanism", absent=_WHY, deferred="issue 26", instead=_TFA % "AttentionMechanism", pin=PIN_TF115),
    R("tf.contrib.seq2seq.AttentionWrapper", absent=_WHY, deferred="issue 26", instead=_TFA % "AttentionWrapper", pin=PIN_TF115),
    R("tf.contrib.seq2seq.AttentionWrapperState", absent=_WHY, deferred="issue 26", instead=_TFA % "AttentionWrapperState", pin=PIN_TF115),
    R("tf.contrib.seq2seq.BahdanauAttention", absent=_WHY, deferred="issue 26", instead=_TFA % "BahdanauAttention", pin=PIN_TF115),
    R("tf.contrib.seq2seq.BahdanauMonotonicAttention", absent=_WHY, deferred="issue 26", instead=_TFA % "BahdanauMonotonicAttention", pin=PIN_TF115),
    R("tf.contrib.seq2seq.BasicDecoder", absent=_WHY, deferred="issue 26", instead=_TFA % "BasicDecoder", pin=PIN_TF115),
    R("tf.contrib.seq2seq.BasicDecoderOutput", absent=_WHY, deferred="issue 26", instead=_TFA % "BasicDecoderOutput", pin=PIN_TF115),
    R("tf.contrib.seq2seq.BeamSearchDecoder", absent=_WHY, deferred="issue 26", instead=_TFA % "BeamSearchDecoder", pin=PIN_TF115),
    R("tf.contrib.seq2seq.BeamSearchDecoderOutput", absent=_WHY, deferred="issue 26", instead=_TFA % "BeamSearchDecoderOutput", pin=PIN_TF115),
    R("tf.contrib.seq2seq.BeamSearchDecoderState", absent=_WHY, deferred="issue 26", instead=_TFA % "BeamSearchDecoderState", pin=PIN_TF115),
    R("tf.contrib.seq2seq.CustomHelper", absent=_WHY, deferred="issue 26", instead=_TFA % "CustomSampler", pin=PIN_TF115),
    R("tf.contrib.seq2seq.Decoder", absent=_WHY, deferred="issue 26", instead=_TFA % "Decoder", pin=PIN_TF115),
    R("tf.contrib.seq2seq.FinalBeamSearchDecoderOutput", absent=_WHY, deferred="issue 26", instead=_TFA % "FinalBeamSearchDecoderOutput", pin=PIN_TF115),
    R("tf.contrib.seq2seq.GreedyEmbeddingHelper", absent=_WHY, deferred="issue 26", instead=_TFA % "GreedyEmbeddingSampler", pin=PIN_TF115),
    R("tf.contrib.seq2seq.Helper", absent=_WHY, deferred="issue 26", instead=_TFA % "Sampler", pin=PIN_TF115),
    R("tf.contrib.seq2seq.InferenceHelper", absent=_WHY, deferred="issue 26", instead=_TFA % "InferenceSampler", pin=PIN_TF115),
    R("tf.contrib.seq2seq.LuongAttention", absent=_WHY, deferred="issue 26", instead=_TFA % "LuongAttention", pin=PIN_TF115),
    R("tf.contrib.seq2seq.LuongMonotonicAttention", absent=_WHY, deferred="issue 26", instead=_TFA % "LuongMonotonicAttention", pin=PIN_TF115),
    R("tf.contrib.seq2seq.SampleEmbeddingHelper", absent=_WHY, deferred="issue 26", instead=_TFA % "SampleEmbeddingSampler", pin=PIN_TF115),
    R("tf.contrib.seq2seq.ScheduledEmbeddingTrainingHelper", absent=_WHY, deferred="issue 26", instead=_TFA % "ScheduledEmbeddingTrainingSampler", pin=PIN_TF115),
    R("tf.contrib.seq2seq.ScheduledOutputTrainingHelper", absent=_WHY, deferred="issue 26", instead=_TFA % "ScheduledOutputTrainingSampler", pin=PIN_TF115),
    R("tf.contrib.seq2seq.TrainingHelper", absent=_WHY, deferred="issue 26", instead=_TFA % "TrainingSampler", pin=PIN_TF115),
    R("tf.contrib.seq2seq.dynamic_decode", absent=_WHY, deferred="issue 26", instead=_TFA % "dynamic_decode", pin=PIN_TF115),
    R("tf.contrib.seq2seq.gather_tree", absent=_WHY, deferred="issue 26", instead=_TFA % "gather_tree", pin=PIN_TF115),
    R("tf.contrib.seq2seq.hardmax", absent=_WHY, deferred="issue 26", instead="tf.one_hot(tf.argmax(logits, -1), depth, dtype=logits.dtype), which is what it computed", pin=PIN_TF115),
    R("tf.contrib.seq2seq.monotonic_attention", absent=_WHY, deferred="issue 26", instead=_TFA % "monotonic_attention", pin=PIN_TF115),
    R("tf.contrib.seq2seq.safe_cumprod", absent=_WHY, deferred="issue 26", instead=_TFA % "safe_cumprod", pin=PIN_TF115),
    R("tf.contrib.seq2seq.sequence_loss", inhouse="legacy_pipeline.contrib.seq2seq"),
    R("tf.contrib.seq2seq.tile_batch", absent=_WHY, deferred="issue 26", instead="tf.repeat(t, multiplier, axis=0) on each tensor of the nest (tf.nest.map_structure)", pin=PIN_TF115),
])
