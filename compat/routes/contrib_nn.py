"""TF 1.15's tf.contrib.nn."""
from compat.routes import M, R

ROUTES = M("tf.contrib.nn", rows=[
    R("tf.contrib.nn.alpha_dropout", absent="TODO"),
    R("tf.contrib.nn.conv1d_transpose", absent="TODO"),
    R("tf.contrib.nn.deprecated_flipped_sigmoid_cross_entropy_with_logits", absent="TODO"),
    R("tf.contrib.nn.deprecated_flipped_softmax_cross_entropy_with_logits", absent="TODO"),
    R("tf.contrib.nn.deprecated_flipped_sparse_softmax_cross_entropy_with_logits", absent="TODO"),
    R("tf.contrib.nn.nth_element", absent="TODO"),
    R("tf.contrib.nn.rank_sampled_softmax_loss", absent="TODO"),
    R("tf.contrib.nn.sampled_sparse_softmax_loss", absent="TODO"),
    R("tf.contrib.nn.scaled_softplus", absent="TODO"),
])
