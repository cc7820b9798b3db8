"""TF 1.15's tf.contrib.stateless."""
from compat.routes import M, R

ROUTES = M("tf.contrib.stateless", rows=[
    R("tf.contrib.stateless.stateless_multinomial", native="tf.compat.v1.random.stateless_multinomial"),
    R("tf.contrib.stateless.stateless_random_normal", native="tf.random.stateless_normal"),
    R("tf.contrib.stateless.stateless_random_uniform", native="tf.random.stateless_uniform"),
    R("tf.contrib.stateless.stateless_truncated_normal", native="tf.random.stateless_truncated_normal"),
])
