"""TF 1.15's tf.contrib.losses."""
from compat.routes import M, R

ROUTES = M("tf.contrib.losses", rows=[
    R("tf.contrib.losses.absolute_difference", library="tf_slim.losses"),
    R("tf.contrib.losses.add_loss", library="tf_slim.losses"),
    R("tf.contrib.losses.compute_weighted_loss", library="tf_slim.losses"),
    R("tf.contrib.losses.cosine_distance", library="tf_slim.losses"),
    R("tf.contrib.losses.get_losses", library="tf_slim.losses"),
    R("tf.contrib.losses.get_regularization_losses", library="tf_slim.losses"),
    R("tf.contrib.losses.get_total_loss", library="tf_slim.losses"),
    R("tf.contrib.losses.hinge_loss", library="tf_slim.losses"),
    R("tf.contrib.losses.log_loss", library="tf_slim.losses"),
    R("tf.contrib.losses.mean_pairwise_squared_error", library="tf_slim.losses"),
    R("tf.contrib.losses.mean_squared_error", library="tf_slim.losses"),
    R("tf.contrib.losses.sigmoid_cross_entropy", library="tf_slim.losses"),
    R("tf.contrib.losses.softmax_cross_entropy", library="tf_slim.losses"),
    R("tf.contrib.losses.sparse_softmax_cross_entropy", library="tf_slim.losses"),
])
