"""TF 1.15's tf.contrib.seq2seq attention: mechanisms and AttentionWrapper.

The attention half of ``tf.contrib.seq2seq`` for TensorFlow builds without
contrib: ``BahdanauAttention`` (additive, optionally weight-normalized),
``LuongAttention`` (multiplicative, optionally scaled), their monotonic
variants, ``AttentionWrapper`` (an RNN cell that queries one or several
mechanisms after each step of the cell it wraps), its state
``AttentionWrapperState`` and the functions ``hardmax``, ``safe_cumprod`` and
``monotonic_attention``.  TF 1.15's math, defaults and variable names:

* a mechanism projects its memory when it is constructed, with a bias-free
  ``memory_layer`` (``<scope>/memory_layer/kernel``, numbered ``memory_layer_1``
  ... per variable scope);
* the wrapper's variables live under its own scope (``attention_wrapper`` by
  default, under ``rnn/`` when run by ``tf.nn.dynamic_rnn``): the wrapped
  cell's, ``bahdanau_attention/{query_layer/kernel,attention_v,attention_g,
  attention_b}``, ``luong_attention/attention_g``, the monotonic mechanisms'
  ``attention_score_bias`` and ``attention_layer/kernel`` (``attention_layer_1``
  for a second mechanism),

so TF 1.15 checkpoints restore.  The layers are ``legacy_pipeline.nn.layers``'
``Dense``; the wrapper is a ``legacy_pipeline.nn.cells.RNNCell`` and wraps
in-house cells or TF's own v1 cells alike (tf_keras's ``LSTMCell`` too).

Compatibility: graph mode (``tf.compat.v1``) on TF 1.15 and TF 2.x.  Not
ported: TF 1.15's Keras-layer mechanisms (``BahdanauAttentionV2`` & co, not
exported under ``tf.contrib.seq2seq``).
"""
from __future__ import absolute_import, division, print_function

import collections
import functools
import math

import numpy as np

from legacy_pipeline import _tf
from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.nn import cells
from legacy_pipeline.nn import layers


# -- functions -----------------------------------------------------------------


def hardmax(logits, name=None):
  """One-hot vectors at the largest logit of each row.

  Args:
    logits: float tensor ``[..., depth]``.
    name: name scope of the ops (default ``Hardmax``).

  Returns:
    A tensor like `logits`: 1 at the arg max of the last axis, 0 elsewhere.
  """
  with tf1.name_scope(name, "Hardmax", [logits]):
    logits = tf1.convert_to_tensor(logits, name="logits")
    depth = _tf.dim_value(logits.get_shape()[-1])
    if depth is None:
      depth = tf.shape(logits)[-1]
    return tf.one_hot(tf.argmax(logits, -1), depth, dtype=logits.dtype)


def safe_cumprod(x, *args, **kwargs):
  """Cumulative product computed as ``exp(cumsum(log(x)))`` (no underflow).

  `x` is clipped to ``[tiny, 1]`` first (tiny: the dtype's smallest normal
  number), so it suits probabilities.

  Args:
    x: float tensor.
    *args: passed to ``tf.cumsum`` (``axis``, ``exclusive``, ``reverse``),
      as for ``tf.cumprod``.
    **kwargs: likewise.

  Returns:
    The cumulative product of `x`.
  """
  with tf1.name_scope(None, "SafeCumprod", [x]):
    x = tf1.convert_to_tensor(x, name="x")
    tiny = np.finfo(x.dtype.as_numpy_dtype).tiny
    logs = tf.math.log(tf.clip_by_value(x, tiny, 1))
    return tf.exp(tf.cumsum(logs, *args, **kwargs))


def monotonic_attention(p_choose_i, previous_attention, mode):
  """The monotonic attention distribution from choosing probabilities.

  (Raffel et al., "Online and Linear-Time Attention by Enforcing Monotonic
  Alignments", ICML 2017.)

  Args:
    p_choose_i: ``[batch, input_length]`` probabilities in [0, 1] of choosing
      each memory entry.
    previous_attention: ``[batch, input_length]``: the previous step's
      distribution (``[1, 0, ..., 0]`` rows at the first step).
    mode: ``"recursive"`` (a ``tf.scan``: exact, slowest), ``"parallel"``
      (closed form with cumulative sums and products; clipped, so not
      exact) or ``"hard"`` (`p_choose_i` all 0 or 1; exact).

  Returns:
    ``[batch, input_length]`` attention distributions.

  Raises:
    ValueError: `mode` is none of the three.
  """
  p_choose_i = tf1.convert_to_tensor(p_choose_i, name="p_choose_i")
  previous_attention = tf1.convert_to_tensor(previous_attention,
                                             name="previous_attention")
  if mode == "recursive":
    batch_size = _static_or_dynamic(p_choose_i, 0)
    keep = tf.concat([tf.ones((batch_size, 1)), 1 - p_choose_i[:, :-1]], 1)

    def step(carried, keep_and_prev):
      keep_j, prev_j = keep_and_prev
      return tf.reshape(keep_j * carried + prev_j, (batch_size,))

    carried = tf1.scan(step, [tf.transpose(keep),
                              tf.transpose(previous_attention)],
                       tf.zeros((batch_size,)))
    return p_choose_i * tf.transpose(carried)
  if mode == "parallel":
    cumprod_keep = safe_cumprod(1 - p_choose_i, axis=1, exclusive=True)
    carried = tf.cumsum(
        previous_attention / tf.clip_by_value(cumprod_keep, 1e-10, 1.),
        axis=1)
    return p_choose_i * cumprod_keep * carried
  if mode == "hard":
    chosen = p_choose_i * tf.cumsum(previous_attention, axis=1)
    return chosen * tf.math.cumprod(1 - chosen, axis=1, exclusive=True)
  raise ValueError("mode must be 'recursive', 'parallel', or 'hard'.")


def _monotonic_probability_fn(score, previous_alignments, sigmoid_noise, mode,
                              seed=None):
  """Noisy sigmoid (or step, in hard mode) of `score`, then the monotonic
  distribution."""
  if sigmoid_noise > 0:
    noise = tf1.random_normal(tf.shape(score), dtype=score.dtype, seed=seed)
    score += sigmoid_noise * noise
  if mode == "hard":
    p_choose_i = tf.cast(score > 0, score.dtype)
  else:
    p_choose_i = tf.sigmoid(score)
  return monotonic_attention(p_choose_i, previous_alignments, mode)


# -- helpers -------------------------------------------------------------------


def _static_or_dynamic(x, axis):
  """x's static size along `axis`, else the dynamic one."""
  return _tf.dim_value(x.get_shape()[axis]) or tf.shape(x)[axis]


def _zeros(size, batch_size, dtype):
  """``zeros([batch_size, size])`` with its static shape where known."""
  if isinstance(size, tf.TensorShape):
    size = size.as_list()
  else:
    size = [size]
  zeros = tf.zeros(tf.concat([[batch_size], size], 0), dtype=dtype)
  zeros.set_shape([_static_int(batch_size)] + [_static_int(s) for s in size])
  return zeros


def _static_int(value):
  """`value`'s int value if known at graph build (a tensor's may not be)."""
  if tf.is_tensor(value):
    value = tf.get_static_value(value)
  return None if value is None else int(value)


def _prepare_memory(memory, memory_sequence_length, check_inner_dims_defined):
  """`memory` as tensors, checked, with rows past each length zeroed."""
  memory = tf.nest.map_structure(
      lambda m: tf1.convert_to_tensor(m, name="memory"), memory)
  if memory_sequence_length is not None:
    memory_sequence_length = tf1.convert_to_tensor(
        memory_sequence_length, name="memory_sequence_length")
  if check_inner_dims_defined:
    for m in tf.nest.flatten(memory):
      if not m.get_shape()[2:].is_fully_defined():
        raise ValueError("Expected memory %s to have fully defined inner "
                         "dims, but saw shape: %s" % (m.name, m.get_shape()))
  if memory_sequence_length is None:
    return memory
  first = tf.nest.flatten(memory)[0]
  mask = tf.sequence_mask(memory_sequence_length, maxlen=tf.shape(first)[1],
                          dtype=first.dtype)

  def apply_mask(m):
    rank = m.get_shape().ndims
    rank = rank if rank is not None else tf.rank(m)
    ones = tf.ones(rank - 2, dtype=tf.int32)
    return m * tf.reshape(mask, tf.concat((tf.shape(mask), ones), 0))

  return tf.nest.map_structure(apply_mask, memory)


def _mask_score(score, memory_sequence_length, score_mask_value):
  """`score` with the entries past each length set to `score_mask_value`."""
  if memory_sequence_length is None:
    return score
  message = "All values in memory_sequence_length must be greater than zero."
  with tf.control_dependencies(
      [tf1.assert_positive(memory_sequence_length, message=message)]):
    mask = tf.sequence_mask(memory_sequence_length, maxlen=tf.shape(score)[1])
  return tf1.where(mask, score, score_mask_value * tf.ones_like(score))


def _memory_layer(num_units, dtype):
  return layers.Dense(num_units, name="memory_layer", use_bias=False,
                      dtype=dtype)


def _query_layer(num_units, dtype):
  return layers.Dense(num_units, name="query_layer", use_bias=False,
                      dtype=dtype)


# -- mechanisms ----------------------------------------------------------------


class AttentionMechanism(object):
  """The interface ``AttentionWrapper`` accepts (TF 1.15's base class)."""

  @property
  def alignments_size(self):
    raise NotImplementedError

  @property
  def state_size(self):
    raise NotImplementedError


class _BaseAttentionMechanism(AttentionMechanism):
  """Keeps the query and memory layers; projects and masks the memory.

  Args:
    query_layer: a layer projecting the query (or None: the query is used
      as is).
    memory: ``[batch, max_time, ...]`` tensor(s) (an encoder's outputs).
    probability_fn: ``probabilities = fn(score, previous_alignments)``.
    memory_sequence_length: optional ``[batch]`` lengths: memory rows past
      them are zeroed and their scores set to `score_mask_value`.
    memory_layer: a layer giving the keys from the memory (or None).
    check_inner_dims_defined: require static dimensions beyond the second.
    score_mask_value: default ``-inf``.
    custom_key_value_fn: optional ``(keys, values) = fn(keys, values)``.
    name: name scope of the memory's ops.

  Raises:
    TypeError: a layer or `probability_fn` is not callable.
    ValueError: `check_inner_dims_defined` and the memory's inner dimensions
      are not static.
  """

  def __init__(self, query_layer, memory, probability_fn,
               memory_sequence_length=None, memory_layer=None,
               check_inner_dims_defined=True, score_mask_value=None,
               custom_key_value_fn=None, name=None):
    for what, layer in (("query_layer", query_layer),
                        ("memory_layer", memory_layer)):
      if layer is not None and not callable(layer):
        raise TypeError("%s is not a Layer: %s" % (what, type(layer).__name__))
    if not callable(probability_fn):
      raise TypeError("probability_fn must be callable, saw type: %s" %
                      type(probability_fn).__name__)
    self._query_layer = query_layer
    self._memory_layer = memory_layer
    self.dtype = memory_layer.dtype
    if score_mask_value is None:
      score_mask_value = tf.as_dtype(
          self._memory_layer.dtype).as_numpy_dtype(-np.inf)
    self._probability_fn = lambda score, prev: probability_fn(
        _mask_score(score, memory_sequence_length, score_mask_value), prev)
    with tf1.name_scope(name, "BaseAttentionMechanismInit",
                        tf.nest.flatten(memory)):
      self._values = _prepare_memory(memory, memory_sequence_length,
                                     check_inner_dims_defined)
      self._keys = (self._memory_layer(self._values) if self._memory_layer
                    else self._values)
      if custom_key_value_fn is not None:
        self._keys, self._values = custom_key_value_fn(self._keys,
                                                       self._values)
      self._batch_size = _static_or_dynamic(self._keys, 0)
      self._alignments_size = _static_or_dynamic(self._keys, 1)

  @property
  def memory_layer(self):
    return self._memory_layer

  @property
  def query_layer(self):
    return self._query_layer

  @property
  def values(self):
    return self._values

  @property
  def keys(self):
    return self._keys

  @property
  def batch_size(self):
    return self._batch_size

  @property
  def alignments_size(self):
    return self._alignments_size

  @property
  def state_size(self):
    return self._alignments_size

  def initial_alignments(self, batch_size, dtype):
    """All-zero ``[batch_size, alignments_size]`` alignments.

    Args:
      batch_size: int32 scalar.
      dtype: the alignments' dtype.

    Returns:
      A `dtype` tensor ``[batch_size, alignments_size]``.
    """
    return _zeros(self._alignments_size, batch_size, dtype)

  def initial_state(self, batch_size, dtype):
    """The mechanism's initial state: its initial alignments.

    Args:
      batch_size: int32 scalar.
      dtype: the state's dtype.

    Returns:
      A structure shaped as `state_size`.
    """
    return self.initial_alignments(batch_size, dtype)


class _BaseMonotonicAttentionMechanism(_BaseAttentionMechanism):
  """Starts from a dirac distribution on the first memory entry."""

  def initial_alignments(self, batch_size, dtype):
    """``[1, 0, ..., 0]`` rows, ``[batch_size, alignments_size]``.

    Args:
      batch_size: int32 scalar.
      dtype: the alignments' dtype.

    Returns:
      A `dtype` tensor ``[batch_size, alignments_size]``.
    """
    return tf.one_hot(tf.zeros((batch_size,), dtype=tf.int32),
                      self._alignments_size, dtype=dtype)


def _luong_score(query, keys, scale):
  """``query . keys`` per memory entry (times `scale` if given)."""
  depth = query.get_shape()[-1]
  key_units = keys.get_shape()[-1]
  if depth != key_units:
    raise ValueError(
        "Incompatible or unknown inner dimensions between query and keys.  "
        "Query (%s) has units: %s.  Keys (%s) have units: %s.  "
        "Perhaps you need to set num_units to the keys' dimension (%s)?" %
        (query, depth, keys, key_units, key_units))
  score = tf.squeeze(tf.matmul(tf.expand_dims(query, 1), keys,
                               transpose_b=True), [1])
  if scale is not None:
    score = scale * score
  return score


def _bahdanau_score(processed_query, keys, attention_v, attention_g=None,
                    attention_b=None):
  """``v . tanh(keys + query)`` per memory entry (v weight-normalized when
  `attention_g` and `attention_b` are given)."""
  processed_query = tf.expand_dims(processed_query, 1)
  if attention_g is not None and attention_b is not None:
    normed_v = attention_g * attention_v * tf.math.rsqrt(
        tf.reduce_sum(tf.square(attention_v)))
    return tf.reduce_sum(
        normed_v * tf.tanh(keys + processed_query + attention_b), [2])
  return tf.reduce_sum(attention_v * tf.tanh(keys + processed_query), [2])


def _bahdanau_variables(num_units, normalize, dtype):
  """attention_v, and attention_g/attention_b if `normalize` (else None)."""
  attention_v = tf1.get_variable("attention_v", [num_units], dtype=dtype)
  if not normalize:
    return attention_v, None, None
  attention_g = tf1.get_variable(
      "attention_g", dtype=dtype, shape=(),
      initializer=tf1.constant_initializer(math.sqrt(1. / num_units)))
  attention_b = tf1.get_variable("attention_b", [num_units], dtype=dtype,
                                 initializer=tf1.zeros_initializer())
  return attention_v, attention_g, attention_b


def _luong_scale(scale, dtype):
  if not scale:
    return None
  return tf1.get_variable("attention_g", dtype=dtype, shape=(),
                          initializer=tf1.ones_initializer())


def _score_bias(value, dtype):
  return tf1.get_variable("attention_score_bias", dtype=dtype,
                          initializer=value)


def _ignore_previous(probability_fn):
  return lambda score, _: probability_fn(score)


def _monotonic(sigmoid_noise, mode, seed):
  return functools.partial(_monotonic_probability_fn,
                           sigmoid_noise=sigmoid_noise, mode=mode, seed=seed)


class LuongAttention(_BaseAttentionMechanism):
  """Luong's multiplicative attention (optionally scaled by ``attention_g``).

  The score of memory entry j is ``query . key_j`` (times a learned scalar
  ``luong_attention/attention_g``, initially 1, if `scale`).  The query
  depth must equal `num_units`.

  Args:
    num_units: the keys' depth (the memory layer's units).
    memory: ``[batch, max_time, ...]`` tensor.
    memory_sequence_length: optional ``[batch]`` lengths masking the memory.
    scale: learn a scalar factor of the score.
    probability_fn: ``probabilities = fn(score)``, default ``tf.nn.softmax``
      (or ``hardmax``, ``tf.contrib.sparsemax.sparsemax``).
    score_mask_value: the masked entries' score, default ``-inf``.
    dtype: the memory layer's dtype (default float32).
    custom_key_value_fn: optional ``(keys, values) = fn(keys, values)``.
    name: name scope of the memory's ops.

  Calling it: ``alignments, next_state = mechanism(query, state)``.
  """

  def __init__(self, num_units, memory, memory_sequence_length=None,
               scale=False, probability_fn=None, score_mask_value=None,
               dtype=None, custom_key_value_fn=None, name="LuongAttention"):
    dtype = dtype or tf.float32
    super(LuongAttention, self).__init__(
        query_layer=None, memory_layer=_memory_layer(num_units, dtype),
        memory=memory,
        probability_fn=_ignore_previous(probability_fn or tf.nn.softmax),
        memory_sequence_length=memory_sequence_length,
        score_mask_value=score_mask_value,
        custom_key_value_fn=custom_key_value_fn, name=name)
    self._num_units = num_units
    self._scale = scale
    self._name = name

  def __call__(self, query, state):
    """Scores `query` against the keys.

    Args:
      query: ``[batch, num_units]`` tensor.
      state: ``[batch, alignments_size]``: the previous alignments.

    Returns:
      ``(alignments, next_state)``, both ``[batch, alignments_size]``.

    Raises:
      ValueError: the query's depth is not the keys'.
    """
    with tf1.variable_scope(None, "luong_attention", [query]):
      score = _luong_score(query, self._keys,
                           _luong_scale(self._scale, query.dtype))
    alignments = self._probability_fn(score, state)
    return alignments, alignments


class BahdanauAttention(_BaseAttentionMechanism):
  """Bahdanau's additive attention (optionally weight-normalized).

  The score of memory entry j is ``v . tanh(key_j + W query)`` with
  ``bahdanau_attention/query_layer/kernel`` (W) and ``attention_v``; with
  `normalize`, ``v`` becomes ``g v / |v|`` and a bias ``b`` is added inside
  the tanh (``attention_g``, initially ``sqrt(1/num_units)``;
  ``attention_b``, initially 0).

  Args:
    num_units: the depth of the keys and the projected query.
    memory: ``[batch, max_time, ...]`` tensor.
    memory_sequence_length: optional ``[batch]`` lengths masking the memory.
    normalize: weight-normalize the score.
    probability_fn: ``probabilities = fn(score)``, default ``tf.nn.softmax``.
    score_mask_value: the masked entries' score, default ``-inf``.
    dtype: the query and memory layers' dtype (default float32).
    custom_key_value_fn: optional ``(keys, values) = fn(keys, values)``.
    name: name scope of the memory's ops.

  Calling it: ``alignments, next_state = mechanism(query, state)``.
  """

  def __init__(self, num_units, memory, memory_sequence_length=None,
               normalize=False, probability_fn=None, score_mask_value=None,
               dtype=None, custom_key_value_fn=None,
               name="BahdanauAttention"):
    dtype = dtype or tf.float32
    super(BahdanauAttention, self).__init__(
        query_layer=_query_layer(num_units, dtype),
        memory_layer=_memory_layer(num_units, dtype), memory=memory,
        probability_fn=_ignore_previous(probability_fn or tf.nn.softmax),
        custom_key_value_fn=custom_key_value_fn,
        memory_sequence_length=memory_sequence_length,
        score_mask_value=score_mask_value, name=name)
    self._num_units = num_units
    self._normalize = normalize
    self._name = name

  def __call__(self, query, state):
    """Scores `query` against the keys.

    Args:
      query: ``[batch, query_depth]`` tensor.
      state: ``[batch, alignments_size]``: the previous alignments.

    Returns:
      ``(alignments, next_state)``, both ``[batch, alignments_size]``.
    """
    with tf1.variable_scope(None, "bahdanau_attention", [query]):
      processed = self.query_layer(query) if self.query_layer else query
      v, g, b = _bahdanau_variables(self._num_units, self._normalize,
                                    query.dtype)
      score = _bahdanau_score(processed, self._keys, v, g, b)
    alignments = self._probability_fn(score, state)
    return alignments, alignments


class BahdanauMonotonicAttention(_BaseMonotonicAttentionMechanism):
  """Bahdanau's score plus a learned bias, through monotonic attention.

  As ``BahdanauAttention`` (scope ``bahdanau_monotonic_attention``) with a
  scalar ``attention_score_bias`` (initially `score_bias_init`) added to the
  score, and ``monotonic_attention`` of its (noisy) sigmoid instead of a
  softmax; the first alignments are ``[1, 0, ..., 0]``.

  Args:
    num_units: the depth of the keys and the projected query.
    memory: ``[batch, max_time, ...]`` tensor.
    memory_sequence_length: optional ``[batch]`` lengths masking the memory.
    normalize: weight-normalize the score.
    score_mask_value: the masked entries' score, default ``-inf``.
    sigmoid_noise: standard deviation of the normal noise added to the score
      before the sigmoid (0: none).
    sigmoid_noise_seed: the noise's op seed.
    score_bias_init: initial score bias (negative for long memories).
    mode: ``"parallel"``, ``"recursive"`` or ``"hard"`` (see
      ``monotonic_attention``).
    dtype: the layers' dtype (default float32).
    name: name scope of the memory's ops.
  """

  def __init__(self, num_units, memory, memory_sequence_length=None,
               normalize=False, score_mask_value=None, sigmoid_noise=0.,
               sigmoid_noise_seed=None, score_bias_init=0., mode="parallel",
               dtype=None, name="BahdanauMonotonicAttention"):
    dtype = dtype or tf.float32
    super(BahdanauMonotonicAttention, self).__init__(
        query_layer=_query_layer(num_units, dtype),
        memory_layer=_memory_layer(num_units, dtype), memory=memory,
        probability_fn=_monotonic(sigmoid_noise, mode, sigmoid_noise_seed),
        memory_sequence_length=memory_sequence_length,
        score_mask_value=score_mask_value, name=name)
    self._num_units = num_units
    self._normalize = normalize
    self._name = name
    self._score_bias_init = score_bias_init

  def __call__(self, query, state):
    """Scores `query` against the keys.

    Args:
      query: ``[batch, query_depth]`` tensor.
      state: ``[batch, alignments_size]``: the previous alignments.

    Returns:
      ``(alignments, next_state)``, both ``[batch, alignments_size]``.
    """
    with tf1.variable_scope(None, "bahdanau_monotonic_attention", [query]):
      processed = self.query_layer(query) if self.query_layer else query
      v, g, b = _bahdanau_variables(self._num_units, self._normalize,
                                    query.dtype)
      score = _bahdanau_score(processed, self._keys, v, g, b)
      score += _score_bias(self._score_bias_init, processed.dtype)
    alignments = self._probability_fn(score, state)
    return alignments, alignments


class LuongMonotonicAttention(_BaseMonotonicAttentionMechanism):
  """Luong's score plus a learned bias, through monotonic attention.

  As ``LuongAttention`` (scope ``luong_monotonic_attention``) with a scalar
  ``attention_score_bias`` added to the score and ``monotonic_attention`` of
  its (noisy) sigmoid instead of a softmax.

  Args:
    num_units: the depth of the keys (the memory layer's units).
    memory: ``[batch, max_time, ...]`` tensor.
    memory_sequence_length: optional ``[batch]`` lengths masking the memory.
    scale: learn a scalar factor of the score.
    score_mask_value: the masked entries' score, default ``-inf``.
    sigmoid_noise: standard deviation of the normal noise added to the score
      before the sigmoid (0: none).
    sigmoid_noise_seed: the noise's op seed.
    score_bias_init: initial score bias (negative for long memories).
    mode: ``"parallel"``, ``"recursive"`` or ``"hard"`` (see
      ``monotonic_attention``).
    dtype: the layers' dtype (default float32).
    name: name scope of the memory's ops.
  """

  def __init__(self, num_units, memory, memory_sequence_length=None,
               scale=False, score_mask_value=None, sigmoid_noise=0.,
               sigmoid_noise_seed=None, score_bias_init=0., mode="parallel",
               dtype=None, name="LuongMonotonicAttention"):
    dtype = dtype or tf.float32
    super(LuongMonotonicAttention, self).__init__(
        query_layer=None, memory_layer=_memory_layer(num_units, dtype),
        memory=memory,
        probability_fn=_monotonic(sigmoid_noise, mode, sigmoid_noise_seed),
        memory_sequence_length=memory_sequence_length,
        score_mask_value=score_mask_value, name=name)
    self._num_units = num_units
    self._scale = scale
    self._score_bias_init = score_bias_init
    self._name = name

  def __call__(self, query, state):
    """Scores `query` against the keys.

    Args:
      query: ``[batch, num_units]`` tensor.
      state: ``[batch, alignments_size]``: the previous alignments.

    Returns:
      ``(alignments, next_state)``, both ``[batch, alignments_size]``.

    Raises:
      ValueError: the query's depth is not the keys'.
    """
    with tf1.variable_scope(None, "luong_monotonic_attention", [query]):
      score = _luong_score(query, self._keys,
                           _luong_scale(self._scale, query.dtype))
      score += _score_bias(self._score_bias_init, query.dtype)
    alignments = self._probability_fn(score, state)
    return alignments, alignments


# -- the wrapper ---------------------------------------------------------------


class AttentionWrapperState(
    collections.namedtuple("AttentionWrapperState",
                           ("cell_state", "attention", "time", "alignments",
                            "alignment_history", "attention_state"))):
  """The state of an ``AttentionWrapper``.

  Fields: ``cell_state`` (the wrapped cell's), ``attention`` (the previous
  step's attention), ``time`` (int32 scalar step), ``alignments`` (one tensor
  per mechanism; a tuple if the wrapper got a list), ``alignment_history``
  (time-major ``TensorArray``s if enabled, else ``()``; ``stack()`` them) and
  ``attention_state`` (each mechanism's state).
  """
  __slots__ = ()

  def clone(self, **kwargs):
    """A copy with the fields in `kwargs` replaced.

    A replacing tensor must have the replaced one's shape: checked at build
    time where both are static, else by an assert when it is evaluated (and
    the static shape is then set).

    Args:
      **kwargs: fields to replace, e.g. ``cell_state=encoder_state``.

    Returns:
      A new ``AttentionWrapperState``.

    Raises:
      ValueError: a replacing tensor's static shape differs.
    """
    return tf.nest.map_structure(_with_same_shape, self,
                                 super(AttentionWrapperState,
                                       self)._replace(**kwargs))


def _with_same_shape(old, new):
  """`new`, checked to have `old`'s shape (for tensors)."""
  if not (tf.is_tensor(old) and tf.is_tensor(new)) or old is new:
    return new
  expected, actual = old.get_shape(), new.get_shape()
  if expected.is_fully_defined() and actual.is_fully_defined():
    if expected.as_list() != actual.as_list():
      raise ValueError("The shape of the AttentionWrapperState is expected to "
                       "be same as the one to clone. self.shape: %s, "
                       "input.shape: %s" % (expected, actual))
    return new
  if not actual.is_compatible_with(expected):
    raise ValueError("The shape of the AttentionWrapperState is expected to "
                     "be same as the one to clone. self.shape: %s, "
                     "input.shape: %s" % (expected, actual))
  with tf1.name_scope("%s/" % new.op.name):
    want = (expected.as_list() if expected.is_fully_defined()
            else tf.shape(old, name="expected_shape"))
    check = tf1.assert_equal(tf.shape(new), want,
                             message="Wrong shape for %s" % new.name)
    with tf.control_dependencies([check]):
      checked = tf.identity(new)
  checked.set_shape(expected.merge_with(actual))
  return checked


def _compute_attention(attention_mechanism, cell_output, attention_state,
                       attention_layer):
  """(attention, alignments, next_attention_state) of one mechanism."""
  alignments, next_attention_state = attention_mechanism(
      cell_output, state=attention_state)
  # [batch, 1, memory_time] x [batch, memory_time, depth] -> [batch, depth]
  context = tf.squeeze(tf.matmul(tf.expand_dims(alignments, 1),
                                 attention_mechanism.values), [1])
  if attention_layer is not None:
    attention = attention_layer(tf.concat([cell_output, context], 1))
  else:
    attention = context
  return attention, alignments, next_attention_state


def _check_like_rnncell(cell):
  missing = [a for a in ("output_size", "state_size") if not hasattr(cell, a)]
  if not (hasattr(cell, "get_initial_state") or hasattr(cell, "zero_state")):
    missing.append("zero_state")
  if missing or not callable(cell):
    raise TypeError("The argument 'cell' (%s) is not an RNNCell: %s." % (
        cell, "is not callable" if not missing else
        "'%s' property is missing" % missing[0]))


def _concat_inputs(inputs, attention):
  return tf.concat([inputs, attention], -1)


def _checked_mechanisms(attention_mechanism):
  """(is_multi, tuple of mechanisms); TypeError on a non-mechanism."""
  if isinstance(attention_mechanism, (list, tuple)):
    mechanisms = tuple(attention_mechanism)
    for m in mechanisms:
      if not isinstance(m, AttentionMechanism):
        raise TypeError("attention_mechanism must contain only instances of "
                        "AttentionMechanism, saw type: %s" %
                        type(m).__name__)
    return True, mechanisms
  if not isinstance(attention_mechanism, AttentionMechanism):
    raise TypeError(
        "attention_mechanism must be an AttentionMechanism or list of "
        "multiple AttentionMechanism instances, saw type: %s" %
        type(attention_mechanism).__name__)
  return False, (attention_mechanism,)


class AttentionWrapper(cells.RNNCell):
  """Wraps an RNN cell with attention.

  Each step: the cell runs on ``cell_input_fn(inputs, previous attention)``;
  its output queries every mechanism; each context (the alignments' weighted
  sum of the memory) goes through its attention layer, if any, with the
  cell output (``concat([cell_output, context]) . attention_layer/kernel``);
  the attentions, concatenated, are the step's output (or the cell's output
  if not `output_attention`) and the next step's ``attention``.

  For beam search, tile the memory, its lengths and the initial cell state
  with ``tile_batch`` and call ``zero_state`` with the tiled batch size.

  Args:
    cell: the RNN cell to wrap (in-house or TF's own v1 cell).
    attention_mechanism: an ``AttentionMechanism`` or a list of them.
    attention_layer_size: an int (a list of ints for a list of mechanisms):
      the depth of a bias-free attention layer per mechanism; None: the
      context is the attention.
    alignment_history: keep every step's alignments in the state (a
      ``TensorArray`` per mechanism).
    cell_input_fn: ``cell_inputs = fn(inputs, attention)``; default concat on
      the last axis.
    output_attention: output the attention (Luong style) rather than the
      cell's output (Bahdanau style).
    initial_cell_state: the cell state ``zero_state`` returns (its batch
      size is checked against the memory's).
    name: the wrapper's variable scope (default ``attention_wrapper``).
    attention_layer: a layer (list of layers) used instead of
      `attention_layer_size`'s.
    attention_fn: ``(attention, alignments, next_attention_state) =
      fn(mechanism, cell_output, attention_state, attention_layer)``.
    dtype: the cell's dtype.

  Raises:
    TypeError: `cell` is not a cell, a mechanism is not an
      ``AttentionMechanism``, or `cell_input_fn` is not callable.
    ValueError: both `attention_layer_size` and `attention_layer` are given,
      or their lengths differ from the number of mechanisms.
  """

  _default_name = "attention_wrapper"

  def __init__(self, cell, attention_mechanism, attention_layer_size=None,
               alignment_history=False, cell_input_fn=None,
               output_attention=True, initial_cell_state=None, name=None,
               attention_layer=None, attention_fn=None, dtype=None):
    super(AttentionWrapper, self).__init__(name=name, dtype=dtype)
    _check_like_rnncell(cell)
    self._is_multi, mechanisms = _checked_mechanisms(attention_mechanism)
    if cell_input_fn is None:
      cell_input_fn = _concat_inputs
    elif not callable(cell_input_fn):
      raise TypeError("cell_input_fn must be callable, saw type: %s" %
                      type(cell_input_fn).__name__)
    if attention_layer_size is not None and attention_layer is not None:
      raise ValueError("Only one of attention_layer_size and attention_layer "
                       "should be set")
    self._base_name = name or self._default_name
    if attention_layer_size is not None:
      sizes = tuple(attention_layer_size if isinstance(
          attention_layer_size, (list, tuple)) else (attention_layer_size,))
      if len(sizes) != len(mechanisms):
        raise ValueError(
            "If provided, attention_layer_size must contain exactly one "
            "integer per attention_mechanism, saw: %d vs %d" %
            (len(sizes), len(mechanisms)))
      self._attention_layers = tuple(
          layers.Dense(size, name="attention_layer", use_bias=False,
                       dtype=m.dtype) for size, m in zip(sizes, mechanisms))
      self._attention_layer_size = sum(sizes)
    elif attention_layer is not None:
      self._attention_layers = tuple(
          attention_layer if isinstance(attention_layer, (list, tuple))
          else (attention_layer,))
      if len(self._attention_layers) != len(mechanisms):
        raise ValueError(
            "If provided, attention_layer must contain exactly one "
            "layer per attention_mechanism, saw: %d vs %d" %
            (len(self._attention_layers), len(mechanisms)))
      self._attention_layer_size = sum(
          _tf.dim_value(layer.compute_output_shape(tf.TensorShape(
              [None, cell.output_size +
               _tf.dim_value(m.values.shape[-1])]))[-1])
          for layer, m in zip(self._attention_layers, mechanisms))
    else:
      self._attention_layers = None
      self._attention_layer_size = sum(
          _tf.dim_value(m.values.shape[-1]) for m in mechanisms)
    self._attention_fn = attention_fn or _compute_attention
    self._cell = cell
    self._attention_mechanisms = mechanisms
    self._cell_input_fn = cell_input_fn
    self._output_attention = output_attention
    self._alignment_history = alignment_history
    self._initial_cell_state = None
    if initial_cell_state is not None:
      with tf1.name_scope(name, "AttentionWrapperInit"):
        last = tf.nest.flatten(initial_cell_state)[-1]
        message = (
            "When constructing AttentionWrapper %s: " % self._base_name +
            "Non-matching batch sizes between the memory (encoder output) "
            "and initial_cell_state.  Are you using the BeamSearchDecoder?  "
            "You may need to tile your initial state via the "
            "tf.contrib.seq2seq.tile_batch function with argument "
            "multiple=beam_width.")
        with tf.control_dependencies(self._batch_size_checks(
            _static_or_dynamic(last, 0), message)):
          self._initial_cell_state = tf.nest.map_structure(
              lambda s: tf.identity(s, name="check_initial_cell_state"),
              initial_cell_state)

  def _batch_size_checks(self, batch_size, message):
    return [tf1.assert_equal(batch_size, m.batch_size, message=message)
            for m in self._attention_mechanisms]

  def _item_or_tuple(self, seq):
    items = tuple(seq)
    return items if self._is_multi else items[0]

  @property
  def output_size(self):
    if self._output_attention:
      return self._attention_layer_size
    return self._cell.output_size

  @property
  def state_size(self):
    """An ``AttentionWrapperState`` of the fields' sizes."""
    mechanisms = self._attention_mechanisms
    return AttentionWrapperState(
        cell_state=self._cell.state_size,
        time=tf.TensorShape([]),
        attention=self._attention_layer_size,
        alignments=self._item_or_tuple(m.alignments_size for m in mechanisms),
        attention_state=self._item_or_tuple(m.state_size for m in mechanisms),
        alignment_history=self._item_or_tuple(
            m.alignments_size if self._alignment_history else ()
            for m in mechanisms))

  def zero_state(self, batch_size, dtype):
    """The initial ``AttentionWrapperState``.

    Args:
      batch_size: int32 scalar: must equal the memory's batch size (with
        beam search: batch size * beam width).
      dtype: the state's float dtype.

    Returns:
      An ``AttentionWrapperState``: the initial cell state (or the cell's zero
      state), zero attention, time 0, each mechanism's initial alignments and
      state, empty ``TensorArray``s if `alignment_history`.

    Raises:
      ValueError or InvalidArgumentError (when run): `batch_size` is not the
        memory's batch size.
    """
    with tf1.name_scope(type(self).__name__ + "ZeroState",
                        values=[batch_size]):
      if self._initial_cell_state is not None:
        cell_state = self._initial_cell_state
      else:
        cell_state = self._cell.get_initial_state(batch_size=batch_size,
                                                  dtype=dtype)
      message = (
          "When calling zero_state of AttentionWrapper %s: " %
          self._base_name +
          "Non-matching batch sizes between the memory (encoder output) and "
          "the requested batch size.  Are you using the BeamSearchDecoder?  "
          "If so, make sure your encoder output has been tiled to beam_width "
          "via tf.contrib.seq2seq.tile_batch, and the batch_size= argument "
          "passed to zero_state is batch_size * beam_width.")
      with tf.control_dependencies(self._batch_size_checks(batch_size,
                                                           message)):
        cell_state = tf.nest.map_structure(
            lambda s: tf.identity(s, name="checked_cell_state"), cell_state)
      alignments = [m.initial_alignments(batch_size, dtype)
                    for m in self._attention_mechanisms]
      return AttentionWrapperState(
          cell_state=cell_state,
          time=tf.zeros([], dtype=tf.int32),
          attention=_zeros(self._attention_layer_size, batch_size, dtype),
          alignments=self._item_or_tuple(alignments),
          attention_state=self._item_or_tuple(
              m.initial_state(batch_size, dtype)
              for m in self._attention_mechanisms),
          alignment_history=self._item_or_tuple(
              tf1.TensorArray(dtype, size=0, dynamic_size=True,
                              element_shape=a.shape)
              if self._alignment_history else () for a in alignments))

  def call(self, inputs, state):
    """One attention-wrapped step (variables in the current scope).

    Args:
      inputs: the step's input (nest).
      state: the previous ``AttentionWrapperState``.

    Returns:
      ``(output, next_state)``: the attention (or the cell's output if not
      `output_attention`) and the next ``AttentionWrapperState``.

    Raises:
      TypeError: `state` is not an ``AttentionWrapperState``.
    """
    if not isinstance(state, AttentionWrapperState):
      raise TypeError("Expected state to be instance of AttentionWrapperState. "
                      "Received type %s instead." % type(state))
    cell_inputs = self._cell_input_fn(inputs, state.attention)
    cell_output, next_cell_state = self._cell(cell_inputs, state.cell_state)
    message = (
        "When applying AttentionWrapper %s: " % self._base_name +
        "Non-matching batch sizes between the memory (encoder output) and the "
        "query (decoder output).  Are you using the BeamSearchDecoder?  You "
        "may need to tile your memory input via the "
        "tf.contrib.seq2seq.tile_batch function with argument "
        "multiple=beam_width.")
    with tf.control_dependencies(self._batch_size_checks(
        _static_or_dynamic(cell_output, 0), message)):
      cell_output = tf.identity(cell_output, name="checked_cell_output")
    if self._is_multi:
      previous_states = state.attention_state
      previous_histories = state.alignment_history
    else:
      previous_states = [state.attention_state]
      previous_histories = [state.alignment_history]
    attentions, alignments, states, histories = [], [], [], []
    for i, mechanism in enumerate(self._attention_mechanisms):
      attention, alignment, next_state = self._attention_fn(
          mechanism, cell_output, previous_states[i],
          self._attention_layers[i] if self._attention_layers else None)
      histories.append(previous_histories[i].write(state.time, alignment)
                       if self._alignment_history else ())
      attentions.append(attention)
      alignments.append(alignment)
      states.append(next_state)
    attention = tf.concat(attentions, 1)
    next_state = AttentionWrapperState(
        time=state.time + 1, cell_state=next_cell_state, attention=attention,
        attention_state=self._item_or_tuple(states),
        alignments=self._item_or_tuple(alignments),
        alignment_history=self._item_or_tuple(histories))
    return (attention if self._output_attention else cell_output), next_state

  def _step(self, inputs, state):
    return self.call(inputs, state)
