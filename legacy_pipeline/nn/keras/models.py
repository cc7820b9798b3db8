"""Graph-mode ``tf.keras.models``: ``Sequential`` and subclassable ``Model``."""
from __future__ import absolute_import, division, print_function

from legacy_pipeline.nn.keras.engine import Model
from legacy_pipeline.nn.keras.engine import Sequential

__all__ = ["Model", "Sequential"]
