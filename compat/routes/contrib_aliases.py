"""TF 1.15 modules that were other modules of the table under a second name.

``slim.losses.mean_squared_error`` and ``slim.metrics.streaming_accuracy``
are how slim programs spelled contrib.losses and contrib.metrics.
"""
from compat.routes import M

ROUTES = [
    M("tf.contrib.slim.losses", alias="tf.contrib.losses"),
    M("tf.contrib.slim.metrics", alias="tf.contrib.metrics"),
]
