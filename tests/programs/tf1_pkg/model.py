"""Model code: contrib.slim and contrib.layers via module-level imports."""
import tensorflow.contrib.slim as slim
import tensorflow as tf
from tensorflow.contrib import layers as contrib_layers

from . import cells


def build(inputs, units):
  cell = cells.make_cell(units, base_cell=cells.DEFAULT_CELL)
  outputs, _ = tf.nn.static_rnn(cell, tf.unstack(inputs, axis=1),
                                dtype=tf.float32)
  with slim.arg_scope([contrib_layers.fully_connected],
                      weights_initializer=tf.constant_initializer(0.1)):
    return contrib_layers.fully_connected(outputs[-1], 1, activation_fn=None,
                                          scope="head")
