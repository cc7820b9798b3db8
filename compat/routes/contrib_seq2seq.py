"""TF 1.15's tf.contrib.seq2seq."""
from compat.routes import M, R

_WHY = (
    "not yet ported: contrib.seq2seq comes with issue 26 (TF 1.15's names "
    "and math); TensorFlow Addons' Keras ports have other names and "
    "signatures")

ROUTES = M("tf.contrib.seq2seq", rows=[
    R("tf.contrib.seq2seq.AttentionMechanism", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.AttentionWrapper", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.AttentionWrapperState", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.BahdanauAttention", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.BahdanauMonotonicAttention", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.BasicDecoder", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.BasicDecoderOutput", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.BeamSearchDecoder", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.BeamSearchDecoderOutput", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.BeamSearchDecoderState", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.CustomHelper", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.Decoder", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.FinalBeamSearchDecoderOutput", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.GreedyEmbeddingHelper", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.Helper", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.InferenceHelper", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.LuongAttention", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.LuongMonotonicAttention", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.SampleEmbeddingHelper", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.ScheduledEmbeddingTrainingHelper", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.ScheduledOutputTrainingHelper", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.TrainingHelper", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.dynamic_decode", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.gather_tree", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.hardmax", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.monotonic_attention", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.safe_cumprod", absent=_WHY, deferred="issue 26"),
    R("tf.contrib.seq2seq.sequence_loss", inhouse="legacy_pipeline.contrib.seq2seq"),
    R("tf.contrib.seq2seq.tile_batch", absent=_WHY, deferred="issue 26"),
])
