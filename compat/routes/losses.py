"""TF 1.15's tf.losses."""
from compat.routes import M, R

ROUTES = M("tf.losses", rows=[
    R("tf.losses.Reduction", native=True),
    R("tf.losses.absolute_difference", native=True),
    R("tf.losses.add_loss", native=True),
    R("tf.losses.compute_weighted_loss", native=True),
    R("tf.losses.cosine_distance", native=True),
    R("tf.losses.get_losses", native=True),
    R("tf.losses.get_regularization_loss", native=True),
    R("tf.losses.get_regularization_losses", native=True),
    R("tf.losses.get_total_loss", native=True),
    R("tf.losses.hinge_loss", native=True),
    R("tf.losses.huber_loss", native=True),
    R("tf.losses.log_loss", native=True),
    R("tf.losses.mean_pairwise_squared_error", native=True),
    R("tf.losses.mean_squared_error", native=True),
    R("tf.losses.sigmoid_cross_entropy", native=True),
    R("tf.losses.softmax_cross_entropy", native=True),
    R("tf.losses.sparse_softmax_cross_entropy", native=True),
], base=True)
