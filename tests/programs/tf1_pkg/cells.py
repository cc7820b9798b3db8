"""Cell factory with a tf.contrib default argument, evaluated at import."""
import tensorflow as tf
from tensorflow.contrib.rnn import LSTMCell


def make_cell(units, base_cell=tf.contrib.rnn.BasicLSTMCell, keep_prob=1.0):
  cell = base_cell(units)
  if keep_prob < 1.0:
    cell = tf.contrib.rnn.DropoutWrapper(cell, output_keep_prob=keep_prob)
  return cell


DEFAULT_CELL = LSTMCell
