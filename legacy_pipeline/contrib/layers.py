"""TF 1.15's tf.contrib.layers pieces tf-slim lacks.

``embed_sequence`` and ``bow_encoder`` (contrib's ``encoders``),
``embedding_lookup_unique`` and
``embedding_lookup_sparse_with_distributed_aggregation`` (contrib's
``embedding_ops``; TF core's ``embedding_lookup_sparse`` gives zeros, not
contrib's NaN, for an empty example under the "mean" and "sqrtn"
combiners).  The rest of
contrib.layers comes from tf-slim or TF 2.x itself, routed by compat.
"""
from __future__ import absolute_import, division, print_function

from legacy_pipeline._tf import tf, tf1

__all__ = ["bow_encoder", "embed_sequence", "embedding_lookup_unique",
           "embedding_lookup_sparse_with_distributed_aggregation"]

_MODEL_COLLECTIONS = [tf1.GraphKeys.GLOBAL_VARIABLES,
                      tf1.GraphKeys.MODEL_VARIABLES]


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
        collections=_MODEL_COLLECTIONS)
    if unique:
      flat = tf.reshape(ids, [-1])
      distinct, where = tf.unique(flat)
      rows = tf.gather(tf1.nn.embedding_lookup(embeddings, distinct), where)
      return tf.reshape(rows, tf.concat([tf.shape(ids), tf.shape(rows)[1:]],
                                        0))
    return tf1.nn.embedding_lookup(embeddings, ids)


def _dense_to_sparse(ids):
  """`ids` as a SparseTensor without its zero (default-valued) entries."""
  with tf1.name_scope("DenseToSparseTensor"):
    ids = tf1.convert_to_tensor(ids)
    ignore = tf.cast(ids.dtype.as_numpy_dtype(), ids.dtype,
                     name="ignore_value")
    indices = tf1.where(tf.not_equal(ids, ignore), name="indices")
    return tf.SparseTensor(
        indices=indices, values=tf.gather_nd(ids, indices, name="values"),
        dense_shape=tf.shape(ids, out_type=tf.int64, name="dense_shape"))


def bow_encoder(ids, vocab_size, embed_dim, sparse_lookup=True,
                initializer=None, regularizer=None, trainable=True,
                scope=None, reuse=None):
  """Averages the embeddings of each example's ids (a bag of words).

  Args:
    ids: int32/int64 `[batch_size, doc_length]` `Tensor` or `SparseTensor`.
    vocab_size: number of symbols (rows of the model variable
      ``<scope>/embeddings``).
    embed_dim: embedding size.
    sparse_lookup: look up through a `SparseTensor` (the dense `ids`' zeros
      are dropped and an empty row gets id 0's embedding); False: average
      every position of the dense `ids`.
    initializer, regularizer, trainable: of the embeddings variable.
    scope: variable scope (default ``bow_encoder``).
    reuse: reuse the variable of `scope`.

  Returns:
    float `Tensor` `[batch_size, embed_dim]`.

  Raises:
    ValueError: `vocab_size` or `embed_dim` is missing.
    TypeError: `ids` is sparse and `sparse_lookup` is False.
  """
  if not vocab_size or not embed_dim:
    raise ValueError("Must specify vocab size and embedding dimension")
  with tf1.variable_scope(scope, "bow_encoder", [ids], reuse=reuse):
    embeddings = tf1.get_variable(
        "embeddings", shape=[vocab_size, embed_dim], initializer=initializer,
        regularizer=regularizer, trainable=trainable,
        collections=_MODEL_COLLECTIONS)
    if sparse_lookup:
      sparse_ids = ids if isinstance(ids, tf.SparseTensor) else \
          _dense_to_sparse(ids)
      return tf1.nn.safe_embedding_lookup_sparse(
          [embeddings], sparse_ids, combiner="mean", default_id=0)
    if isinstance(ids, tf.SparseTensor):
      raise TypeError("ids are expected to be dense Tensor, got: %s" % ids)
    return tf.reduce_mean(tf1.nn.embedding_lookup(embeddings, ids), axis=1)


def embedding_lookup_unique(params, ids, partition_strategy="mod", name=None):
  """``embedding_lookup`` gathering each distinct id once.

  Args:
    params: a tensor or variable, or a list of them (partitions).
    ids: int32/int64 `Tensor` of any shape.
    partition_strategy: ``"mod"`` or ``"div"``, as ``embedding_lookup``.
    name: name scope (default ``EmbeddingLookupUnique``).

  Returns:
    `Tensor` of shape ``ids.shape + params.shape[1:]``.
  """
  with tf1.name_scope(name, "EmbeddingLookupUnique", [params, ids]):
    ids = tf1.convert_to_tensor(ids)
    shape = tf.shape(ids)
    flat = tf.reshape(ids, tf.reduce_prod(shape, keepdims=True))
    distinct, where = tf.unique(flat)
    rows = tf1.nn.embedding_lookup(params, distinct, partition_strategy)
    out = tf.reshape(tf.gather(rows, where),
                     tf.concat([shape, tf.shape(rows)[1:]], 0))
    out.set_shape(ids.get_shape().concatenate(rows.get_shape()[1:]))
    return out


def _column(weights, like):
  """`weights` [n] reshaped to broadcast over the rows of `like` [n, ...]."""
  if weights.dtype != like.dtype:
    weights = tf.cast(weights, like.dtype)
  ones = tf.fill(tf.expand_dims(tf.rank(like) - 1, 0), 1)
  column = tf.reshape(weights, tf.concat([tf.shape(weights), ones], 0))
  if like.get_shape().ndims is not None:
    column.set_shape(weights.get_shape().concatenate(
        [1] * (like.get_shape().ndims - 1)))
  return column


def embedding_lookup_sparse_with_distributed_aggregation(
    params, sp_ids, sp_weights, partition_strategy="mod", name=None,
    combiner=None, max_norm=None):
  """Combines the (weighted) embeddings of each example's sparse ids.

  Sums are formed per partition before being joined, as contrib did; the
  result equals ``embedding_lookup_sparse`` except that an example without
  ids gives NaN under "mean" and "sqrtn" (0 / 0), as TF 1.15's did.

  Args:
    params: a tensor or variable, or a list of them (partitions), or a
      PartitionedVariable.
    sp_ids: `SparseTensor` [batch, ...] of int64 ids.
    sp_weights: `SparseTensor` of float weights with `sp_ids`' indices, or
      None (every weight 1).
    partition_strategy: ``"mod"`` or ``"div"``.
    name: name scope (default ``embedding_lookup_sparse``).
    combiner: ``"mean"`` (default), ``"sqrtn"`` or ``"sum"``.
    max_norm: clip each embedding to this L2 norm before combining, or None.

  Returns:
    `Tensor` [batch, embedding dims...].

  Raises:
    ValueError: unknown combiner.
    TypeError: `sp_ids` or `sp_weights` is not a `SparseTensor`.
  """
  if combiner is None:
    tf1.logging.warn("The default value of combiner will change from "
                     "\"mean\" to \"sqrtn\" after 2016/11/01.")
    combiner = "mean"
  if combiner not in ("mean", "sqrtn", "sum"):
    raise ValueError("combiner must be one of 'mean', 'sqrtn' or 'sum'")
  if type(params).__name__ == "PartitionedVariable":  # no public class on TF 2
    params = list(params)
  if not isinstance(params, list):
    params = [params]
  if not isinstance(sp_ids, tf.SparseTensor):
    raise TypeError("sp_ids must be SparseTensor")
  ignore_weights = sp_weights is None
  if not ignore_weights:
    if not isinstance(sp_weights, tf.SparseTensor):
      raise TypeError("sp_weights must be either None or SparseTensor")
    sp_ids.values.get_shape().assert_is_compatible_with(
        sp_weights.values.get_shape())
    sp_ids.indices.get_shape().assert_is_compatible_with(
        sp_weights.indices.get_shape())
    sp_ids.dense_shape.get_shape().assert_is_compatible_with(
        sp_weights.dense_shape.get_shape())
  with tf1.name_scope(name, "embedding_lookup_sparse", params + [sp_ids]):
    segment_ids = sp_ids.indices[:, 0]
    if segment_ids.dtype != tf.int32:
      segment_ids = tf.cast(segment_ids, tf.int32)
    ids = sp_ids.values
    if ignore_weights:
      ids, where = tf.unique(ids)
      rows = tf1.nn.embedding_lookup(params, ids, partition_strategy,
                                     max_norm=max_norm)
      summed = tf1.sparse_segment_sum(rows, where, segment_ids)
      weights = tf.fill([tf.shape(segment_ids)[0]], 1)
    else:
      weights = sp_weights.values
      rows = tf1.nn.embedding_lookup(params, ids, partition_strategy,
                                     max_norm=max_norm)
      summed = tf1.segment_sum(rows * _column(weights, rows), segment_ids)
    weights = _column(weights, summed)
    if combiner == "mean":
      return tf.math.divide(summed, tf1.segment_sum(weights, segment_ids))
    if combiner == "sqrtn":
      return tf.math.divide(
          summed, tf.sqrt(tf1.segment_sum(tf.pow(weights, 2), segment_ids)))
    return summed
