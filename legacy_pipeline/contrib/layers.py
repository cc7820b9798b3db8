"""TF 1.15's tf.contrib.layers pieces tf-slim lacks.

``batch_norm`` (every branch of TF 1.15's: the core-layer one, which tf-slim
builds from Keras 2's ``legacy_tf_layers`` and so fails on TF >= 2.15, the
fused one and the moments one, ``zero_debias_moving_mean`` through TF's own
``assign_moving_average`` as in TF 1.15; compat registers it with tf-slim's
``add_arg_scope`` so that ``slim.arg_scope`` reaches it),
``embed_sequence`` and ``bow_encoder`` (contrib's ``encoders``),
``embedding_lookup_unique`` and
``embedding_lookup_sparse_with_distributed_aggregation`` (contrib's
``embedding_ops``; TF core's ``embedding_lookup_sparse`` gives zeros, not
contrib's NaN, for an empty example under the "mean" and "sqrtn"
combiners).  The rest of
contrib.layers comes from tf-slim or TF 2.x itself, routed by compat.
"""
from __future__ import absolute_import, division, print_function

import numpy as np

from legacy_pipeline._tf import tf, tf1
from tensorflow.python.training import moving_averages  # pylint: disable=g-direct-tensorflow-import

__all__ = ["batch_norm", "bow_encoder", "embed_sequence",
           "embedding_lookup_unique",
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


# -- batch_norm ----------------------------------------------------------------

_NHWC, _NCHW = "NHWC", "NCHW"


def _static_bool(pred):
  """`pred`'s value when known at graph build (contrib's constant_value).

  A Python value is returned as is, a constant tensor's value as a bool; a
  variable or any other tensor gives None.

  Raises:
    ValueError: `pred` is None.
  """
  if pred is None:
    raise ValueError("value_or_tensor_or_var cannot be None")
  if isinstance(pred, tf.Variable):
    return None
  if isinstance(pred, tf.Tensor):
    value = tf.get_static_value(pred)
    return None if value is None else bool(value)
  return bool(pred) if isinstance(pred, np.bool_) else pred


def _cond(pred, true_fn, false_fn):
  """true_fn() or false_fn() when `pred` is known, else a tf.cond."""
  value = _static_bool(pred)
  if value is None:
    return tf1.cond(pred, true_fn, false_fn)
  return true_fn() if value else false_fn()


def _collections(variables_collections, name):
  """The collections of variable `name` (a dict maps names to lists)."""
  if isinstance(variables_collections, dict):
    return variables_collections.get(name)
  return variables_collections


def _model_variable(name, shape, dtype, initializer, collections,
                    regularizer=None, trainable=True):
  """A model variable, as contrib's ``model_variable`` makes one."""
  collections = list(collections or []) + [tf1.GraphKeys.GLOBAL_VARIABLES,
                                           tf1.GraphKeys.MODEL_VARIABLES]
  return tf1.get_variable(name, shape=shape, dtype=dtype,
                          initializer=initializer, regularizer=regularizer,
                          trainable=trainable,
                          collections=sorted(set(collections)))


def _add_to_collections(variable, collections):
  for key in collections or []:
    if variable not in tf1.get_collection(key):
      tf1.add_to_collection(key, variable)


def _assign_moving_average(variable, value, decay, zero_debias=False):
  """variable -= (variable - value) * (1 - decay), op ``AssignMovingAvg``.

  With `zero_debias` (contrib's ``zero_debias_moving_mean`` for the moving
  mean) TF's own ``assign_moving_average``, the function TF 1.15 called,
  builds the debiased update with its ``biased``/``local_step`` variables.
  """
  if zero_debias:
    return moving_averages.assign_moving_average(variable, value, decay,
                                                 zero_debias=True)
  with tf1.name_scope(None, "AssignMovingAvg", [variable, value, decay]) \
      as scope:
    with tf1.get_default_graph().colocate_with(variable):
      dtype = variable.dtype.base_dtype
      rate = tf.convert_to_tensor(1.0 - decay, name="decay")
      if rate.dtype != dtype:
        rate = tf.cast(rate, dtype)
      delta = (variable - tf.cast(value, dtype)) * rate
      return tf1.assign_sub(variable, delta, name=scope)


def _collect_output(collections, alias, outputs):
  """Adds `outputs` (aliased `alias`) to `collections`, as contrib's utils."""
  if collections:
    alias = alias[:-1] if alias.endswith("/") else alias
    if hasattr(outputs, "aliases"):
      outputs.aliases.append(alias)
    else:
      outputs.aliases = [alias]
    tf1.add_to_collections(collections, outputs)
  return outputs


class _BatchNormParams(object):
  """beta, gamma and the moving statistics of one batch_norm call."""

  def __init__(self, params_shape, dtype, center, scale, initializers,
               regularizers, variables_collections, trainable,
               gamma_first=False):
    initializers = initializers or {}
    regularizers = regularizers or {}

    def make(name, default, trainable_):
      return _model_variable(
          name, params_shape, dtype, initializers.get(name, default),
          _collections(variables_collections, name),
          regularizer=regularizers.get(name), trainable=trainable_)

    self.beta = self.gamma = None
    order = ("gamma", "beta") if gamma_first else ("beta", "gamma")
    for name in order:
      if name == "beta" and center:
        self.beta = make("beta", tf1.zeros_initializer(), trainable)
      elif name == "gamma" and scale:
        self.gamma = make("gamma", tf1.ones_initializer(), trainable)
    # The moving statistics are never partitioned (as in TF 1.15).
    with tf1.variable_scope(tf1.get_variable_scope()) as local:
      local.set_partitioner(None)
      self.moving_mean = make("moving_mean", tf1.zeros_initializer(), False)
      self.moving_variance = make("moving_variance", tf1.ones_initializer(),
                                  False)


def _fused_batch_norm(inputs, decay, center, scale, epsilon, activation_fn,
                      param_initializers, param_regularizers,
                      updates_collections, is_training, reuse,
                      variables_collections, outputs_collections, trainable,
                      data_format, scope, zero_debias=False):
  """contrib's fused branch: rank 2 or 4, update ops built here."""
  if data_format not in (_NCHW, _NHWC):
    raise ValueError("data_format has to be either NCHW or NHWC.")
  with tf1.variable_scope(scope, "BatchNorm", [inputs], reuse=reuse) as sc:
    inputs = tf1.convert_to_tensor(inputs)
    original = inputs
    rank = inputs.get_shape().ndims
    if rank is None:
      raise ValueError("Inputs %s has undefined rank" % inputs.name)
    if rank not in (2, 4):
      raise ValueError("Inputs %s has unsupported rank. Expected 2 or 4 but "
                       "got %d" % (inputs.name, rank))
    if rank == 2:
      channels = inputs.get_shape().dims[-1].value
      if channels is None:
        raise ValueError("`C` dimension must be known but is None")
      inputs = tf.reshape(inputs, [-1, channels, 1, 1] if data_format ==
                          _NCHW else [-1, 1, 1, channels])
    shape = inputs.get_shape()
    params_shape = shape[-1:] if data_format == _NHWC else shape[1:2]
    if not params_shape.is_fully_defined():
      raise ValueError("Inputs %s has undefined `C` dimension %s." % (
          inputs.name, params_shape))
    params = _BatchNormParams(params_shape, tf.float32, center, scale,
                              param_initializers, param_regularizers,
                              variables_collections, trainable)
    beta = params.beta if center else tf.constant(
        0.0, dtype=tf.float32, shape=params_shape)
    gamma = params.gamma if scale else tf.constant(
        1.0, dtype=tf.float32, shape=params_shape)
    moving_mean, moving_variance = params.moving_mean, params.moving_variance

    def train():
      return tf1.nn.fused_batch_norm(inputs, gamma, beta, epsilon=epsilon,
                                     data_format=data_format)

    def infer():
      return tf1.nn.fused_batch_norm(
          inputs, gamma, beta, mean=moving_mean, variance=moving_variance,
          epsilon=epsilon, is_training=False, data_format=data_format)

    outputs, mean, variance = _cond(is_training, train, infer)
    known = _static_bool(is_training)
    if known is None or known:
      def updates():
        return (_assign_moving_average(moving_mean, mean, decay,
                                       zero_debias),
                _assign_moving_average(moving_variance, variance, decay))

      if updates_collections is None:
        def forced():
          with tf.control_dependencies(updates()):
            return tf.identity(outputs)

        outputs = _cond(is_training, forced, lambda: outputs)
      else:
        new_mean, new_variance = _cond(
            is_training, updates, lambda: (moving_mean, moving_variance))
        tf1.add_to_collections(updates_collections, new_mean)
        tf1.add_to_collections(updates_collections, new_variance)
    outputs.set_shape(shape)
    if rank == 2:
      outputs = tf.reshape(outputs, tf.shape(original))
    if activation_fn is not None:
      outputs = activation_fn(outputs)
    return _collect_output(outputs_collections, sc.name, outputs)


def _core_batch_norm(inputs, axis, decay, center, scale, epsilon,
                     param_initializers, param_regularizers, trainable,
                     is_training, fused, variables_collections):
  """What TF 1.15's ``tf.layers.BatchNormalization`` computes for contrib.

  Variables gamma, beta (float32 for half inputs), moving_mean,
  moving_variance in the current variable scope; update ops into
  ``UPDATE_OPS`` unless `is_training` is False or `trainable` is not.
  """
  shape = inputs.get_shape()
  ndims = shape.ndims
  if not ndims:
    raise ValueError("Input has undefined rank: %s" % shape)
  axis = axis % ndims
  channels = shape.dims[axis].value
  if channels is None:
    raise ValueError("Input has undefined `axis` dimension. Input shape: %s"
                     % shape)
  dtype = inputs.dtype.base_dtype
  param_dtype = tf.float32 if dtype in (tf.float16, tf.bfloat16) else dtype
  fused = bool(fused) and ndims == 4 and axis in (1, 3)
  params = _BatchNormParams(
      [channels], param_dtype, center, scale, param_initializers,
      param_regularizers, None, trainable, gamma_first=True)
  for name in ("moving_mean", "moving_variance", "beta", "gamma"):
    if getattr(params, name) is not None:
      _add_to_collections(getattr(params, name),
                          _collections(variables_collections, name))
  known = _static_bool(is_training)
  update_ops = []
  if fused:
    data_format = _NCHW if axis == 1 else _NHWC
    gamma = params.gamma if scale else tf.constant(
        1.0, dtype=param_dtype, shape=[channels])
    beta = params.beta if center else tf.constant(
        0.0, dtype=param_dtype, shape=[channels])

    def train():
      return tf1.nn.fused_batch_norm(inputs, gamma, beta, epsilon=epsilon,
                                     data_format=data_format)

    def infer():
      return tf1.nn.fused_batch_norm(
          inputs, gamma, beta, mean=params.moving_mean,
          variance=params.moving_variance, epsilon=epsilon,
          is_training=False, data_format=data_format)

    outputs, mean, variance = _cond(is_training, train, infer)
    if known is None:
      momentum = _cond(is_training, lambda: decay, lambda: 1.0)
    else:
      momentum = tf.convert_to_tensor(decay)
    if known is None or known:
      update_ops = [
          _assign_moving_average(params.moving_mean, mean, momentum),
          _assign_moving_average(params.moving_variance, variance, momentum)]
  else:
    outputs, update_ops = _core_moments_batch_norm(
        inputs, axis, params, param_dtype, decay, epsilon, is_training)
  outputs.set_shape(shape)
  if trainable:  # a non-trainable tf.layers layer reports no updates
    for op in update_ops:
      _add_to_collections(op, [tf1.GraphKeys.UPDATE_OPS])
  return outputs


def _core_moments_batch_norm(inputs, axis, params, param_dtype, decay,
                             epsilon, is_training):
  """_core_batch_norm's unfused branch: the batch's or the moving moments.

  Args:
    inputs: the inputs, of known rank.
    axis: the channels' axis (non-negative).
    params: the `_BatchNormParams`.
    param_dtype: the variables' dtype.
    decay: of the moving averages.
    epsilon: added to the variance.
    is_training: Python bool or bool `Tensor`.

  Returns:
    (outputs, update_ops): the normalized inputs and the moving averages'
    update ops (none when not training).
  """
  ndims = inputs.get_shape().ndims
  dtype = inputs.dtype.base_dtype
  known = _static_bool(is_training)
  update_ops = []
  reduction = [i for i in range(ndims) if i != axis]
  broadcast_shape = [1] * ndims
  broadcast_shape[axis] = inputs.get_shape().dims[axis].value

  def broadcast(v):
    if v is not None and reduction != list(range(ndims - 1)):
      return tf.reshape(v, broadcast_shape)
    return v

  if known is not None and not known:
    mean, variance = params.moving_mean, params.moving_variance
  else:
    batch_mean, batch_variance = tf1.nn.moments(
        tf.cast(inputs, param_dtype), reduction)
    mean = _cond(is_training, lambda: batch_mean,
                 lambda: tf.convert_to_tensor(params.moving_mean))
    variance = _cond(is_training, lambda: batch_variance,
                     lambda: tf.convert_to_tensor(params.moving_variance))

    def update(variable, value):
      return _cond(
          is_training,
          lambda: tf.identity(_assign_moving_average(variable, value,
                                                     decay)),
          lambda: tf.identity(variable)) if known is None else \
          _assign_moving_average(variable, value, decay)

    update_ops = [update(params.moving_mean, mean),
                  update(params.moving_variance, variance)]
  offset = None if params.beta is None else tf.cast(params.beta, dtype)
  factor = None if params.gamma is None else tf.cast(params.gamma, dtype)
  outputs = tf.nn.batch_normalization(
      inputs, broadcast(tf.cast(mean, dtype)),
      broadcast(tf.cast(variance, dtype)), broadcast(offset),
      broadcast(factor), epsilon)
  return outputs, update_ops


def _moments_batch_norm(inputs, decay, center, scale, epsilon,
                        param_initializers, updates_collections, is_training,
                        variables_collections, trainable, batch_weights,
                        data_format, renorm, zero_debias=False):
  """contrib's own branch: (weighted) moments, no regularizers."""
  if renorm:
    raise ValueError("renorm is not supported with batch_weights, "
                     "updates_collections or zero_debias_moving_mean")
  shape = inputs.get_shape()
  rank = shape.ndims
  if rank is None:
    raise ValueError("Inputs %s has undefined rank." % inputs.name)
  dtype = inputs.dtype.base_dtype
  if batch_weights is not None:
    batch_weights = tf1.convert_to_tensor(batch_weights)
    shape[0:1].assert_is_compatible_with(batch_weights.get_shape())
    batch_weights = tf.reshape(batch_weights, [-1] + [1] * (rank - 1))
  if data_format == _NCHW:
    axes = [0] + list(range(2, rank))
    params_shape = shape[1:2]
    broadcast_shape = [1, shape.dims[1].value] + [1] * (rank - 2)
  else:
    axes = list(range(rank - 1))
    params_shape = shape[-1:]
    broadcast_shape = None
  if not params_shape.is_fully_defined():
    raise ValueError("Inputs %s has undefined channels dimension %s." % (
        inputs.name, params_shape))
  params = _BatchNormParams(params_shape, dtype, center, scale,
                            param_initializers, None, variables_collections,
                            trainable)
  moving = (params.moving_mean, params.moving_variance)
  known = _static_bool(is_training)
  if known is None or known:
    keep = data_format == _NCHW
    if batch_weights is None:
      mean, variance = tf1.nn.moments(inputs, axes, keep_dims=keep)
    else:
      mean, variance = tf1.nn.weighted_moments(inputs, axes, batch_weights,
                                               keepdims=keep)
    if keep:
      mean, variance = tf.reshape(mean, [-1]), tf.reshape(variance, [-1])
    batch = (mean, variance)

    def updates():
      return (_assign_moving_average(params.moving_mean, batch[0], decay,
                                     zero_debias),
              _assign_moving_average(params.moving_variance, batch[1],
                                     decay))

    if updates_collections is None:
      def forced():
        with tf.control_dependencies(updates()):
          return tf.identity(batch[0]), tf.identity(batch[1])

      mean, variance = _cond(is_training, forced, lambda: moving)
    else:
      new_mean, new_variance = _cond(is_training, updates, lambda: moving)
      tf1.add_to_collections(updates_collections, new_mean)
      tf1.add_to_collections(updates_collections, new_variance)
      mean, variance = _cond(is_training, lambda: batch, lambda: moving)
  else:
    mean, variance = moving
  beta, gamma = params.beta, params.gamma
  if broadcast_shape is not None:
    mean = tf.reshape(mean, broadcast_shape)
    variance = tf.reshape(variance, broadcast_shape)
    beta = None if beta is None else tf.reshape(beta, broadcast_shape)
    gamma = None if gamma is None else tf.reshape(gamma, broadcast_shape)
  outputs = tf.nn.batch_normalization(inputs, mean, variance, beta, gamma,
                                      epsilon)
  outputs.set_shape(shape)
  return outputs


def batch_norm(inputs, decay=0.999, center=True, scale=False, epsilon=0.001,
               activation_fn=None, param_initializers=None,
               param_regularizers=None,
               updates_collections=tf1.GraphKeys.UPDATE_OPS,
               is_training=True, reuse=None, variables_collections=None,
               outputs_collections=None, trainable=True, batch_weights=None,
               fused=None, data_format=_NHWC, zero_debias_moving_mean=False,
               scope=None, renorm=False, renorm_clipping=None,
               renorm_decay=0.99, adjustment=None):
  """Batch normalization (Ioffe & Szegedy, 2015), as TF 1.15's contrib.

  Normalizes over every axis but the channels' (the last for ``NHWC``, the
  second for ``NCHW``) with the batch's moments when training, the moving
  averages otherwise.  Variables, all model variables, in
  ``<scope>/BatchNorm/``: ``beta`` (center), ``gamma`` (scale),
  ``moving_mean``, ``moving_variance``.  TF 1.15's three branches:

  * rank 2 or 4 with `fused` (None counts as True), no `batch_weights`,
    `renorm` or `adjustment`, and (rank 2, or `updates_collections` other
    than ``UPDATE_OPS``, or `zero_debias_moving_mean`): the fused kernel;
  * else with `batch_weights` None, `updates_collections` the
    ``UPDATE_OPS`` key and no zero debias: TF 1.15's ``tf.layers``
    BatchNormalization (the fused kernel for rank 4 when `fused`, its update
    ops in ``UPDATE_OPS`` only if `trainable`);
  * else (weighted) moments; `param_regularizers` are ignored there, as in
    TF 1.15.

  Update ops (``AssignMovingAvg``) go to `updates_collections` unless
  `is_training` is False, or, with `updates_collections` None, run before
  the outputs (forced in place).

  Args:
    inputs: float `Tensor` [batch, ...] of known rank and channels.
    decay: of the moving averages.
    center: add the offset ``beta``.
    scale: multiply by ``gamma``.
    epsilon: added to the variance.
    activation_fn: applied to the outputs, or None.
    param_initializers: dict of initializers by variable name.
    param_regularizers: dict of regularizers for ``beta`` and ``gamma``.
    updates_collections: collections of the update ops; None: in place.
    is_training: Python bool or bool `Tensor`.
    reuse: reuse the variables of `scope`.
    variables_collections: collections (list, or dict by variable name).
    outputs_collections: collections of the outputs.
    trainable: beta and gamma are trainable.
    batch_weights: float `Tensor` [batch], frequency weights, or None.
    fused: None or True: the fused kernel where possible; False: not.
    data_format: ``"NHWC"`` or ``"NCHW"``.
    zero_debias_moving_mean: debias the moving mean.
    scope: variable scope (default ``BatchNorm``).
    renorm, renorm_clipping, renorm_decay, adjustment: not supported with
      the ``tf.layers`` branch (renorm False and adjustment None only).

  Returns:
    `Tensor` of the inputs' shape.

  Raises:
    ValueError: unknown `data_format`, unknown rank or channels, renorm
      outside the ``tf.layers`` branch.
    NotImplementedError: `renorm` or `adjustment` on the ``tf.layers``
      branch.

  Compatibility: graph mode; TF 1.15 and TF 2.x.
  """
  inputs = tf1.convert_to_tensor(inputs)
  if _takes_fused_kernel(fused, inputs, batch_weights, renorm, adjustment,
                         updates_collections, zero_debias_moving_mean):
    return _fused_batch_norm(
        inputs, decay, center, scale, epsilon, activation_fn,
        param_initializers, param_regularizers, updates_collections,
        is_training, reuse, variables_collections, outputs_collections,
        trainable, data_format, scope, zero_debias_moving_mean)
  del renorm_clipping, renorm_decay  # meaningful with renorm only
  return _scoped_batch_norm(
      inputs, decay, center, scale, epsilon, activation_fn,
      param_initializers, param_regularizers, updates_collections,
      is_training, reuse, variables_collections, outputs_collections,
      trainable, batch_weights, fused is None or fused, data_format,
      zero_debias_moving_mean, scope, renorm, adjustment)


def _takes_fused_kernel(fused, inputs, batch_weights, renorm, adjustment,
                        updates_collections, zero_debias_moving_mean):
  """True when batch_norm takes contrib's own fused branch.

  Args:
    fused: batch_norm's `fused` (None counts as True).
    inputs: the inputs `Tensor`.
    batch_weights: batch_norm's `batch_weights`.
    renorm: batch_norm's `renorm`.
    adjustment: batch_norm's `adjustment`.
    updates_collections: batch_norm's `updates_collections`.
    zero_debias_moving_mean: batch_norm's `zero_debias_moving_mean`.

  Returns:
    bool: rank 2 or 4, fused, no batch weights, renorm or adjustment, and
    rank 2, non-default update collections or zero debias.
  """
  if fused is None:
    fused = True
  rank = inputs.get_shape().ndims
  fusable = (batch_weights is None and not renorm and rank in (2, 4) and
             adjustment is None)
  default_updates = updates_collections is tf1.GraphKeys.UPDATE_OPS
  return bool(fused and fusable and (zero_debias_moving_mean or rank == 2 or
                                     not default_updates))


def _scoped_batch_norm(inputs, decay, center, scale, epsilon, activation_fn,
                       param_initializers, param_regularizers,
                       updates_collections, is_training, reuse,
                       variables_collections, outputs_collections, trainable,
                       batch_weights, fused, data_format,
                       zero_debias_moving_mean, scope, renorm, adjustment):
  """batch_norm's unfused branches, in the variable scope ``BatchNorm``.

  The ``tf.layers`` branch (`_core_batch_norm`) with no `batch_weights`,
  the ``UPDATE_OPS`` update collections and no zero debias; else the
  (weighted) moments (`_moments_batch_norm`).

  Args:
    inputs, decay, center, scale, epsilon, activation_fn, param_initializers,
      param_regularizers, updates_collections, is_training, reuse,
      variables_collections, outputs_collections, trainable, batch_weights,
      data_format, zero_debias_moving_mean, scope, renorm, adjustment: as
      batch_norm's.
    fused: bool, batch_norm's `fused` (None already made True).

  Returns:
    `Tensor` of the inputs' shape, the activation applied.

  Raises:
    ValueError: unknown `data_format`.
    NotImplementedError: `renorm` or `adjustment` on the ``tf.layers``
      branch.
  """
  if data_format not in (_NCHW, _NHWC):
    raise ValueError("data_format has to be either NCHW or NHWC.")
  default_updates = updates_collections is tf1.GraphKeys.UPDATE_OPS
  with tf1.variable_scope(scope, "BatchNorm", [inputs], reuse=reuse) as sc:
    inputs = tf1.convert_to_tensor(inputs)
    if batch_weights is None and default_updates and \
        not zero_debias_moving_mean:
      if renorm or adjustment is not None:
        raise NotImplementedError(
            "batch_norm: renorm=%r, adjustment=%r: batch renormalization and "
            "adjustments are not implemented by legacy-pipeline's in-house "
            "batch_norm; use renorm=False, adjustment=None" % (
                renorm, adjustment))
      outputs = _core_batch_norm(
          inputs, 1 if data_format == _NCHW else -1, decay, center, scale,
          epsilon, param_initializers, param_regularizers, trainable,
          is_training, fused, variables_collections)
    else:
      outputs = _moments_batch_norm(
          inputs, decay, center, scale, epsilon, param_initializers,
          updates_collections, is_training, variables_collections, trainable,
          batch_weights, data_format, renorm, zero_debias_moving_mean)
    if activation_fn is not None:
      outputs = activation_fn(outputs)
    return _collect_output(outputs_collections, sc.name, outputs)

