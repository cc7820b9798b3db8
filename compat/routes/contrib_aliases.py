"""TF 1.15 modules that were other modules of the table under a second name.

``slim.losses.mean_squared_error`` and ``slim.metrics.streaming_accuracy``
are how slim programs spelled contrib.losses and contrib.metrics;
``tf.contrib.learn.io.read_batch_features`` and
``tf.contrib.learn.graph_actions.run_n`` reached names that
``tf.contrib.learn`` exports too.
"""
from compat.routes import M

ROUTES = [
    M("tf.contrib.slim.losses", alias="tf.contrib.losses"),
    M("tf.contrib.slim.metrics", alias="tf.contrib.metrics"),
    M("tf.contrib.learn.io", alias="tf.contrib.learn"),
    M("tf.contrib.learn.graph_actions", alias="tf.contrib.learn"),
]
