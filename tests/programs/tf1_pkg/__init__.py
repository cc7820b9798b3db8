"""A small TF 1.x package: several modules that reach tf.contrib at import time."""
