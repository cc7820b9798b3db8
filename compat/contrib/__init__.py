"""compat.contrib: the parts of tf.contrib this project provides."""
