"""embed_sequence: TF 1.15's tf.contrib.layers.embed_sequence.

(The rest of contrib.layers comes from tf-slim, routed by compat.)
"""
from __future__ import absolute_import, division, print_function

from legacy_pipeline._tf import tf, tf1


def embed_sequence(ids, vocab_size=None, embed_dim=None, unique=False,
                   initializer=None, regularizer=None, trainable=True,
                   scope=None, reuse=None):
  """Looks `ids` up in a [vocab_size, embed_dim] model variable "embeddings".

  Args:
    ids: int tensor [batch, time] (any shape) of ids.
    vocab_size, embed_dim: the table's shape; both needed unless reusing.
    unique: look up each distinct id once (same result, fewer gathers).
    initializer, regularizer, trainable: of the variable (TF 1.x defaults).
    scope: variable scope (default ``EmbedSequence``).
    reuse: reuse the variable of `scope`.

  Returns:
    float tensor ``ids.shape + [embed_dim]``.

  Raises:
    ValueError: vocab_size or embed_dim missing without reuse.
  """
  if not (reuse or (vocab_size and embed_dim)):
    raise ValueError("Must specify vocab size and embedding dimension when not "
                     "reusing. Got vocab_size=%s and embed_dim=%s" % (
                         vocab_size, embed_dim))
  with tf1.variable_scope(scope, "EmbedSequence", [ids], reuse=reuse):
    # As TF 1.15 (operator precedence included): no shape when reusing
    # without a vocab size, or whenever embed_dim is missing.
    shape = [vocab_size, embed_dim]
    if (reuse and vocab_size is None) or embed_dim is None:
      shape = None
    embeddings = tf1.get_variable(
        "embeddings", shape=shape, initializer=initializer,
        regularizer=regularizer, trainable=trainable,
        collections=[tf1.GraphKeys.GLOBAL_VARIABLES,
                     tf1.GraphKeys.MODEL_VARIABLES])
    if unique:
      flat = tf.reshape(ids, [-1])
      distinct, where = tf.unique(flat)
      rows = tf.gather(tf1.nn.embedding_lookup(embeddings, distinct), where)
      return tf.reshape(rows, tf.concat([tf.shape(ids), tf.shape(rows)[1:]],
                                        0))
    return tf1.nn.embedding_lookup(embeddings, ids)
