"""Graph-mode Keras for TF builds whose Keras cannot build graphs (Keras 3).

TF 1.x programs build Keras layers and call them on tensors inside a graph:
``tf.keras.layers.Layer`` subclasses with ``add_weight``, ``Dense``,
``Dropout``, ``Embedding``, ``Activation``, ``models.Sequential``,
``initializers``, ``regularizers``, ``backend``.  Keras 3 (TF >= 2.16 without
``tf_keras``) runs none of that in graph mode.  This package rebuilds that
subset with TF 1.15's names, defaults, variable names and math from
``tf.compat.v1`` ops (see ``engine`` for the semantics kept):

* ``backend``, ``initializers``, ``regularizers``, ``activations``;
* ``layers``: Layer, Dense, Dropout, Embedding, Activation, Flatten, Lambda,
  Input;
* ``models``: Sequential, Model (subclassing; no compile/fit).
"""
from __future__ import absolute_import, division, print_function

from legacy_pipeline.nn.keras import activations
from legacy_pipeline.nn.keras import backend
from legacy_pipeline.nn.keras import initializers
from legacy_pipeline.nn.keras import layers
from legacy_pipeline.nn.keras import models
from legacy_pipeline.nn.keras import regularizers
from legacy_pipeline.nn.keras.engine import Layer
from legacy_pipeline.nn.keras.engine import Model
from legacy_pipeline.nn.keras.engine import Sequential
from legacy_pipeline.nn.keras.layers import Input

__all__ = ["activations", "backend", "initializers", "layers", "models",
           "regularizers", "Layer", "Model", "Sequential", "Input"]
