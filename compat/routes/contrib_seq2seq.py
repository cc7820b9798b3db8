"""TF 1.15's tf.contrib.seq2seq."""
from compat.routes import M, R

# The attention names (tests/test_seq2seq_attention.py); the decoding names
# (tests/test_seq2seq_decode.py) are in seq2seq_decode / seq2seq_beam_search.
_ATTENTION = "legacy_pipeline.nn.seq2seq_attention"

ROUTES = M("tf.contrib.seq2seq", rows=[
    R("tf.contrib.seq2seq.AttentionMechanism", inhouse=_ATTENTION),
    R("tf.contrib.seq2seq.AttentionWrapper", inhouse=_ATTENTION),
    R("tf.contrib.seq2seq.AttentionWrapperState", inhouse=_ATTENTION),
    R("tf.contrib.seq2seq.BahdanauAttention", inhouse=_ATTENTION),
    R("tf.contrib.seq2seq.BahdanauMonotonicAttention", inhouse=_ATTENTION),
    R("tf.contrib.seq2seq.BasicDecoder", inhouse="legacy_pipeline.nn.seq2seq_decode"),
    R("tf.contrib.seq2seq.BasicDecoderOutput", inhouse="legacy_pipeline.nn.seq2seq_decode"),
    R("tf.contrib.seq2seq.BeamSearchDecoder", inhouse="legacy_pipeline.nn.seq2seq_beam_search"),
    R("tf.contrib.seq2seq.BeamSearchDecoderOutput", inhouse="legacy_pipeline.nn.seq2seq_beam_search"),
    R("tf.contrib.seq2seq.BeamSearchDecoderState", inhouse="legacy_pipeline.nn.seq2seq_beam_search"),
    R("tf.contrib.seq2seq.CustomHelper", inhouse="legacy_pipeline.nn.seq2seq_decode"),
    R("tf.contrib.seq2seq.Decoder", inhouse="legacy_pipeline.nn.seq2seq_decode"),
    R("tf.contrib.seq2seq.FinalBeamSearchDecoderOutput", inhouse="legacy_pipeline.nn.seq2seq_beam_search"),
    R("tf.contrib.seq2seq.GreedyEmbeddingHelper", inhouse="legacy_pipeline.nn.seq2seq_decode"),
    R("tf.contrib.seq2seq.Helper", inhouse="legacy_pipeline.nn.seq2seq_decode"),
    R("tf.contrib.seq2seq.InferenceHelper", inhouse="legacy_pipeline.nn.seq2seq_decode"),
    R("tf.contrib.seq2seq.LuongAttention", inhouse=_ATTENTION),
    R("tf.contrib.seq2seq.LuongMonotonicAttention", inhouse=_ATTENTION),
    R("tf.contrib.seq2seq.SampleEmbeddingHelper", inhouse="legacy_pipeline.nn.seq2seq_decode"),
    R("tf.contrib.seq2seq.ScheduledEmbeddingTrainingHelper", inhouse="legacy_pipeline.nn.seq2seq_decode"),
    R("tf.contrib.seq2seq.ScheduledOutputTrainingHelper", inhouse="legacy_pipeline.nn.seq2seq_decode"),
    R("tf.contrib.seq2seq.TrainingHelper", inhouse="legacy_pipeline.nn.seq2seq_decode"),
    R("tf.contrib.seq2seq.dynamic_decode", inhouse="legacy_pipeline.nn.seq2seq_decode"),
    R("tf.contrib.seq2seq.gather_tree", inhouse="legacy_pipeline.nn.seq2seq_beam_search"),
    R("tf.contrib.seq2seq.hardmax", inhouse=_ATTENTION),
    R("tf.contrib.seq2seq.monotonic_attention", inhouse=_ATTENTION),
    R("tf.contrib.seq2seq.safe_cumprod", inhouse=_ATTENTION),
    R("tf.contrib.seq2seq.sequence_loss", inhouse="legacy_pipeline.contrib.seq2seq"),
    R("tf.contrib.seq2seq.tile_batch", inhouse="legacy_pipeline.nn.seq2seq_beam_search"),
])
