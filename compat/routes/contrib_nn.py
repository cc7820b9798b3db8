"""TF 1.15's tf.contrib.nn."""
from compat.routes import M, R

ROUTES = M("tf.contrib.nn", rows=[
    R("tf.contrib.nn.alpha_dropout", inhouse="legacy_pipeline.contrib.nn"),
    R("tf.contrib.nn.conv1d_transpose", native="tensorflow.python.ops.nn_ops:conv1d_transpose"),
    R("tf.contrib.nn.deprecated_flipped_sigmoid_cross_entropy_with_logits", inhouse="legacy_pipeline.contrib.nn"),
    R("tf.contrib.nn.deprecated_flipped_softmax_cross_entropy_with_logits", inhouse="legacy_pipeline.contrib.nn"),
    R("tf.contrib.nn.deprecated_flipped_sparse_softmax_cross_entropy_with_logits", inhouse="legacy_pipeline.contrib.nn"),
    R("tf.contrib.nn.nth_element", native="tensorflow.python.ops.nn_ops:nth_element"),
    R("tf.contrib.nn.rank_sampled_softmax_loss", inhouse="legacy_pipeline.contrib.nn"),
    R("tf.contrib.nn.sampled_sparse_softmax_loss", inhouse="legacy_pipeline.contrib.nn"),
    R("tf.contrib.nn.scaled_softplus", inhouse="legacy_pipeline.contrib.nn"),
])
