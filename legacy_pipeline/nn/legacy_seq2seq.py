"""tf.contrib.legacy_seq2seq: TF 1.15's static-unrolled sequence models.

Decoders (``rnn_decoder``, ``attention_decoder`` and their ``embedding_``
forms), whole models (``basic_rnn_seq2seq``, ``tied_rnn_seq2seq``,
``embedding_rnn_seq2seq``, ``embedding_tied_rnn_seq2seq``,
``embedding_attention_seq2seq``, ``one2many_rnn_seq2seq``), the losses
(``sequence_loss_by_example``, ``sequence_loss``) and ``model_with_buckets``.
Inputs are Python lists of [batch, ...] tensors, one per time step.

Variable names, math and argument defaults are TF 1.15's: the encoder runs
through ``tf.compat.v1.nn.static_rnn`` (scope ``rnn``), ids are embedded by
``EmbeddingWrapper`` (``rnn/embedding_wrapper/embedding``), decoders project
with ``OutputProjectionWrapper`` (``output_projection_wrapper/kernel``), and
the attention decoder's linear maps are ``kernel``/``bias`` directly under
its scope, under ``Attention_<head>`` and under ``AttnOutputProjection``,
beside ``AttnW_<head>``/``AttnV_<head>``.  Like TF 1.15, the seq2seq models
that need a separate encoder run it on ``copy.deepcopy(cell)``.  The cells
may be TF's own (Keras 2) or this package's.  Graph mode only.
"""
from __future__ import absolute_import, division, print_function

import copy

from legacy_pipeline import _tf
from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.nn import cells
from legacy_pipeline.nn import wrappers

__all__ = [
    "attention_decoder", "basic_rnn_seq2seq", "embedding_attention_decoder",
    "embedding_attention_seq2seq", "embedding_rnn_decoder",
    "embedding_rnn_seq2seq", "embedding_tied_rnn_seq2seq",
    "model_with_buckets", "one2many_rnn_seq2seq", "rnn_decoder",
    "sequence_loss", "sequence_loss_by_example", "tied_rnn_seq2seq",
]


def _linear(args, size):
  """`kernel`/`bias` in the current variable scope, as TF 1.15's _Linear."""
  return cells._linear(list(args), size)  # pylint: disable=protected-access


def _is_nested(x):
  return tf.nest.is_nested(x)


def _static_rnn(cell, inputs, dtype, scope=None):
  return tf1.nn.static_rnn(cell, inputs, dtype=dtype, scope=scope)


def _argmax_and_embed(embedding, output_projection=None,
                      update_embedding=True):
  """A loop_function: the previous output's argmax symbol, embedded."""

  def loop_function(prev, _):
    if output_projection is not None:
      prev = tf1.nn.xw_plus_b(prev, output_projection[0],
                              output_projection[1])
    emb_prev = tf.nn.embedding_lookup(embedding, tf.argmax(prev, 1))
    if not update_embedding:
      emb_prev = tf.stop_gradient(emb_prev)
    return emb_prev

  return loop_function


def _check_projection(output_projection, num_symbols, dtype, weights=True):
  """Checks (W, B) of an output projection against num_symbols."""
  if weights:
    proj_weights = tf.convert_to_tensor(output_projection[0], dtype=dtype)
    proj_weights.get_shape().assert_is_compatible_with([None, num_symbols])
  proj_biases = tf.convert_to_tensor(output_projection[1], dtype=dtype)
  proj_biases.get_shape().assert_is_compatible_with([num_symbols])


def _flat_state(outputs, state):
  return list(outputs) + (tf.nest.flatten(state) if _is_nested(state)
                          else [state])


def _in_cond(feed_previous, build, num_outputs):
  """Builds `build(True)` and `build(False)` under tf.cond(feed_previous).

  `build(flag)` returns (outputs, state); the True branch creates the
  variables, the False one reuses them (TF 1.15's order).  Returns the
  outputs and the final state's flat list.
  """

  def branch(flag):
    with tf1.variable_scope(tf1.get_variable_scope(),
                            reuse=None if flag else True):
      return _flat_state(*build(flag))

  flat = tf1.cond(feed_previous, lambda: branch(True), lambda: branch(False))
  return flat[:num_outputs], flat[num_outputs:]


def _pack(structure, state_list):
  """The state in `structure`'s nesting (its first part if not nested)."""
  if _is_nested(structure):
    return tf.nest.pack_sequence_as(structure, state_list)
  return state_list[0]


def rnn_decoder(decoder_inputs, initial_state, cell, loop_function=None,
                scope=None):
  """RNN decoder for the sequence-to-sequence model.

  Args:
    decoder_inputs: list of 2D [batch_size, input_size] tensors.
    initial_state: 2D [batch_size, cell.state_size] tensor (or the cell's
      state structure).
    cell: the RNN cell.
    loop_function: if not None, `loop_function(prev, i)` gives the input of
      step i from the output of step i - 1 (decoder_inputs[0] starts; the
      others only give the length).
    scope: variable scope, default "rnn_decoder".

  Returns:
    (outputs, state): the list of [batch_size, cell.output_size] outputs and
    the final state.
  """
  with tf1.variable_scope(scope or "rnn_decoder"):
    state = initial_state
    outputs = []
    prev = None
    for i, inp in enumerate(decoder_inputs):
      if loop_function is not None and prev is not None:
        with tf1.variable_scope("loop_function", reuse=True):
          inp = loop_function(prev, i)
      if i > 0:
        tf1.get_variable_scope().reuse_variables()
      output, state = cell(inp, state)
      outputs.append(output)
      if loop_function is not None:
        prev = output
  return outputs, state


def basic_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, dtype=tf.float32,
                      scope=None):
  """Encoder RNN (on a copy of `cell`), then a decoder from its final state.

  Args:
    encoder_inputs: list of 2D [batch_size, input_size] tensors.
    decoder_inputs: list of 2D [batch_size, input_size] tensors.
    cell: the RNN cell; the encoder runs a deep copy of it.
    dtype: the initial state's dtype (default tf.float32).
    scope: variable scope, default "basic_rnn_seq2seq".

  Returns:
    (outputs, state) of the decoder, as rnn_decoder.
  """
  with tf1.variable_scope(scope or "basic_rnn_seq2seq"):
    enc_cell = copy.deepcopy(cell)
    _, enc_state = _static_rnn(enc_cell, encoder_inputs, dtype)
    return rnn_decoder(decoder_inputs, enc_state, cell)


def tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, loop_function=None,
                     dtype=tf.float32, scope=None):
  """Encoder and decoder sharing one cell and its variables.

  Args:
    encoder_inputs: list of 2D [batch_size, input_size] tensors.
    decoder_inputs: list of 2D [batch_size, input_size] tensors.
    cell: the RNN cell of both.
    loop_function: as in rnn_decoder.
    dtype: the initial state's dtype (default tf.float32).
    scope: the shared scope, default "tied_rnn_seq2seq" (under
      "combined_tied_rnn_seq2seq").

  Returns:
    (outputs, state) of the decoder, as rnn_decoder.
  """
  with tf1.variable_scope("combined_tied_rnn_seq2seq"):
    scope = scope or "tied_rnn_seq2seq"
    _, enc_state = _static_rnn(cell, encoder_inputs, dtype, scope=scope)
    tf1.get_variable_scope().reuse_variables()
    return rnn_decoder(decoder_inputs, enc_state, cell,
                       loop_function=loop_function, scope=scope)


def embedding_rnn_decoder(decoder_inputs, initial_state, cell, num_symbols,
                          embedding_size, output_projection=None,
                          feed_previous=False,
                          update_embedding_for_previous=True, scope=None):
  """RNN decoder over embedded symbols, optionally fed its own argmax.

  Args:
    decoder_inputs: list of 1D int32 [batch_size] symbol tensors.
    initial_state: the cell's initial state.
    cell: the RNN cell.
    num_symbols: int, the number of symbols (rows of `embedding`).
    embedding_size: int, the embedding's width.
    output_projection: None or (W [output_size, num_symbols], B
      [num_symbols]); applied to the outputs only when feeding them back.
    feed_previous: if True, only decoder_inputs[0] is used: each later input
      is the embedded argmax of the previous output.
    update_embedding_for_previous: if False, no gradient flows into the
      embedding through the fed-back symbols.
    scope: variable scope, default "embedding_rnn_decoder".

  Returns:
    (outputs, state), as rnn_decoder.

  Raises:
    ValueError: output_projection has the wrong shape.
  """
  with tf1.variable_scope(scope or "embedding_rnn_decoder") as vs:
    if output_projection is not None:
      _check_projection(output_projection, num_symbols, vs.dtype)
    embedding = tf1.get_variable("embedding", [num_symbols, embedding_size])
    loop_function = _argmax_and_embed(
        embedding, output_projection,
        update_embedding_for_previous) if feed_previous else None
    emb_inp = (tf.nn.embedding_lookup(embedding, i) for i in decoder_inputs)
    return rnn_decoder(emb_inp, initial_state, cell,
                       loop_function=loop_function)


def embedding_rnn_seq2seq(encoder_inputs, decoder_inputs, cell,
                          num_encoder_symbols, num_decoder_symbols,
                          embedding_size, output_projection=None,
                          feed_previous=False, dtype=None, scope=None):
  """Embedded encoder (on a copy of `cell`), then embedding_rnn_decoder.

  Args:
    encoder_inputs: list of 1D int32 [batch_size] symbol tensors.
    decoder_inputs: list of 1D int32 [batch_size] symbol tensors.
    cell: the RNN cell; the encoder runs a deep copy of it.
    num_encoder_symbols: int, the encoder's number of symbols.
    num_decoder_symbols: int, the decoder's number of symbols.
    embedding_size: int, both embeddings' width.
    output_projection: None (the decoder cell gets an
      OutputProjectionWrapper to num_decoder_symbols) or (W, B).
    feed_previous: bool, or a scalar bool tensor choosing at run time.
    dtype: the initial state's dtype (default the scope's, float32).
    scope: variable scope, default "embedding_rnn_seq2seq".

  Returns:
    (outputs, state) of the decoder.
  """
  with tf1.variable_scope(scope or "embedding_rnn_seq2seq") as vs:
    if dtype is not None:
      vs.set_dtype(dtype)
    else:
      dtype = vs.dtype
    encoder_cell = wrappers.EmbeddingWrapper(
        copy.deepcopy(cell), embedding_classes=num_encoder_symbols,
        embedding_size=embedding_size)
    _, encoder_state = _static_rnn(encoder_cell, encoder_inputs, dtype)
    if output_projection is None:
      cell = wrappers.OutputProjectionWrapper(cell, num_decoder_symbols)

    def build(flag, update=True):
      return embedding_rnn_decoder(
          decoder_inputs, encoder_state, cell, num_decoder_symbols,
          embedding_size, output_projection=output_projection,
          feed_previous=flag, update_embedding_for_previous=update)

    if isinstance(feed_previous, bool):
      return build(feed_previous)
    outputs, state_list = _in_cond(
        feed_previous, lambda flag: build(flag, False), len(decoder_inputs))
    return outputs, _pack(encoder_state, state_list)


def embedding_tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell,
                               num_symbols, embedding_size,
                               num_decoder_symbols=None,
                               output_projection=None, feed_previous=False,
                               dtype=None, scope=None):
  """tied_rnn_seq2seq over one embedding shared by encoder and decoder.

  Args:
    encoder_inputs: list of 1D int32 [batch_size] symbol tensors.
    decoder_inputs: list of 1D int32 [batch_size] symbol tensors.
    cell: the RNN cell of both.
    num_symbols: int, the number of symbols of the shared embedding.
    embedding_size: int, the embedding's width.
    num_decoder_symbols: int, the outputs' number of symbols (default
      num_symbols).
    output_projection: None or (W, B), as embedding_rnn_seq2seq.
    feed_previous: bool, or a scalar bool tensor choosing at run time.
    dtype: the initial state's dtype (default the scope's, float32).
    scope: variable scope, default "embedding_tied_rnn_seq2seq".

  Returns:
    (outputs, state) of the decoder.

  Raises:
    ValueError: output_projection has the wrong shape.
  """
  with tf1.variable_scope(scope or "embedding_tied_rnn_seq2seq",
                          dtype=dtype) as vs:
    dtype = vs.dtype
    if output_projection is not None:
      _check_projection(output_projection, num_symbols, dtype)
    embedding = tf1.get_variable("embedding", [num_symbols, embedding_size],
                                 dtype=dtype)
    emb_encoder_inputs = [tf.nn.embedding_lookup(embedding, x)
                          for x in encoder_inputs]
    emb_decoder_inputs = [tf.nn.embedding_lookup(embedding, x)
                          for x in decoder_inputs]
    output_symbols = num_symbols
    if num_decoder_symbols is not None:
      output_symbols = num_decoder_symbols
    if output_projection is None:
      cell = wrappers.OutputProjectionWrapper(cell, output_symbols)

    def build(flag, update=True):
      loop_function = _argmax_and_embed(
          embedding, output_projection, update) if flag else None
      return tied_rnn_seq2seq(emb_encoder_inputs, emb_decoder_inputs, cell,
                              loop_function=loop_function, dtype=dtype)

    if isinstance(feed_previous, bool):
      return build(feed_previous)
    static_batch = encoder_inputs[0].get_shape()[:1]
    for inp in encoder_inputs[1:]:
      static_batch = static_batch.merge_with(inp.get_shape()[:1])
    batch_size = _tf.dim_value(static_batch[0])
    if batch_size is None:
      batch_size = tf.shape(encoder_inputs[0])[0]
    outputs, state_list = _in_cond(
        feed_previous, lambda flag: build(flag, False), len(decoder_inputs))
    return outputs, _pack(cell.zero_state(batch_size, dtype), state_list)


def attention_decoder(decoder_inputs, initial_state, attention_states, cell,
                      output_size=None, num_heads=1, loop_function=None,
                      dtype=None, scope=None, initial_state_attention=False):
  """RNN decoder with additive attention over `attention_states`.

  Each step feeds the cell a linear map (``kernel``/``bias``) of the input
  and the previous attention reads; each head `a` scores the attention
  states with ``AttnW_a`` (a 1x1 convolution), ``AttnV_a`` and a linear map
  of the cell state (``Attention_a/kernel``/``bias``); the output is a linear
  map of the cell output and the new reads (``AttnOutputProjection``).

  Args:
    decoder_inputs: list of 2D [batch_size, input_size] tensors.
    initial_state: the cell's initial state.
    attention_states: 3D [batch_size, attn_length, attn_size] tensor.
    cell: the RNN cell.
    output_size: int, the outputs' size (default cell.output_size).
    num_heads: int, the number of attention heads.
    loop_function: as in rnn_decoder.
    dtype: the variables' dtype (default the scope's, float32).
    scope: variable scope, default "attention_decoder".
    initial_state_attention: if True, the first reads come from the
      initial state instead of zeros.

  Returns:
    (outputs, state): the list of [batch_size, output_size] outputs and the
    final state.

  Raises:
    ValueError: no decoder inputs, num_heads < 1, or an unknown
      attention_states shape[2] or input size.
  """
  _check_attention_decoder_args(decoder_inputs, num_heads, attention_states)
  if output_size is None:
    output_size = cell.output_size

  with tf1.variable_scope(scope or "attention_decoder", dtype=dtype) as vs:
    dtype = vs.dtype
    batch_size = tf.shape(decoder_inputs[0])[0]
    hidden, hidden_features, v, attn_length, attn_size = (
        _attention_features(attention_states, num_heads, dtype))

    def attention(query):
      """The reads of every head for `query` (a state, flattened)."""
      return _attention_reads(query, hidden, hidden_features, v, attn_length,
                              attn_size, dtype)

    outputs = []
    prev = None
    batch_attn_size = tf.stack([batch_size, attn_size])
    attns = [tf.zeros(batch_attn_size, dtype=dtype)
             for _ in range(num_heads)]
    for a in attns:
      a.set_shape([None, attn_size])
    state = initial_state
    if initial_state_attention:
      attns = attention(initial_state)
    for i, inp in enumerate(decoder_inputs):
      if i > 0:
        tf1.get_variable_scope().reuse_variables()
      if loop_function is not None and prev is not None:
        with tf1.variable_scope("loop_function", reuse=True):
          inp = loop_function(prev, i)
      input_size = _tf.dim_value(inp.get_shape().with_rank(2)[1])
      if input_size is None:
        raise ValueError("Could not infer input size from input: %s" %
                         inp.name)
      x = _linear([tf.cast(e, dtype) for e in [inp] + attns], input_size)
      cell_output, state = cell(x, state)
      if i == 0 and initial_state_attention:
        with tf1.variable_scope(tf1.get_variable_scope(), reuse=True):
          attns = attention(state)
      else:
        attns = attention(state)
      with tf1.variable_scope("AttnOutputProjection"):
        output = _linear([tf.cast(cell_output, dtype)] + attns, output_size)
      if loop_function is not None:
        prev = output
      outputs.append(output)
  return outputs, state


def _check_attention_decoder_args(decoder_inputs, num_heads,
                                  attention_states):
  """Raises the ValueErrors of attention_decoder's arguments.

  Args:
    decoder_inputs: the list of decoder inputs (not empty).
    num_heads: int, the number of attention heads (at least 1).
    attention_states: 3D tensor whose shape[2] must be known.

  Raises:
    ValueError: one of them is not as above.
  """
  if not decoder_inputs:
    raise ValueError("Must provide at least 1 input to attention decoder.")
  if num_heads < 1:
    raise ValueError("With less than 1 heads, use a non-attention decoder.")
  if _tf.dim_value(attention_states.get_shape()[2]) is None:
    raise ValueError("Shape[2] of attention_states must be known: %s" %
                     attention_states.get_shape())


def _attention_features(attention_states, num_heads, dtype):
  """Creates each head's ``AttnW_a``/``AttnV_a`` in the current scope.

  Args:
    attention_states: 3D [batch_size, attn_length, attn_size] tensor.
    num_heads: int, the number of attention heads.
    dtype: the variables' dtype.

  Returns:
    (hidden, hidden_features, v, attn_length, attn_size): the states as
    [batch, attn_length, 1, attn_size], each head's 1x1 convolution of them,
    each head's ``AttnV_a``, and the states' length and size.
  """
  attn_length = _tf.dim_value(attention_states.get_shape()[1])
  if attn_length is None:
    attn_length = tf.shape(attention_states)[1]
  attn_size = _tf.dim_value(attention_states.get_shape()[2])
  hidden = tf.reshape(attention_states, [-1, attn_length, 1, attn_size])
  hidden_features = []
  v = []
  vec_size = attn_size
  for a in range(num_heads):
    k = tf1.get_variable("AttnW_%d" % a, [1, 1, attn_size, vec_size],
                         dtype=dtype)
    hidden_features.append(tf1.nn.conv2d(hidden, k, [1, 1, 1, 1], "SAME"))
    v.append(tf1.get_variable("AttnV_%d" % a, [vec_size], dtype=dtype))
  return hidden, hidden_features, v, attn_length, attn_size


def _attention_reads(query, hidden, hidden_features, v, attn_length,
                     attn_size, dtype):
  """The reads of every head for `query`, in scopes ``Attention_a``.

  Args:
    query: the state (a tensor or a structure of 2D tensors).
    hidden: the attention states, [batch, attn_length, 1, attn_size].
    hidden_features: each head's 1x1 convolution of `hidden`.
    v: each head's ``AttnV_a``.
    attn_length: the attention states' length.
    attn_size: the attention states' size.
    dtype: the variables' dtype.

  Returns:
    The list of each head's [batch, attn_size] read.

  Raises:
    ValueError: a part of a nested `query` is not 2D.
  """
  vec_size = attn_size
  reads = []
  if _is_nested(query):
    query_list = tf.nest.flatten(query)
    for q in query_list:
      ndims = q.get_shape().ndims
      if ndims and ndims != 2:
        raise ValueError("attention_decoder: a state part must be 2D, "
                         "got %s" % q.get_shape())
    query = tf.concat(query_list, 1)
  for a in range(len(v)):
    with tf1.variable_scope("Attention_%d" % a):
      y = _linear([query], vec_size)
      y = tf.cast(tf.reshape(y, [-1, 1, 1, vec_size]), dtype)
      s = tf.reduce_sum(v[a] * tf.tanh(hidden_features[a] + y), [2, 3])
      weights = tf.cast(tf.nn.softmax(tf.cast(s, tf.float32)), dtype)
      d = tf.reduce_sum(
          tf.reshape(weights, [-1, attn_length, 1, 1]) * hidden, [1, 2])
      reads.append(tf.reshape(d, [-1, attn_size]))
  return reads


def embedding_attention_decoder(decoder_inputs, initial_state,
                                attention_states, cell, num_symbols,
                                embedding_size, num_heads=1, output_size=None,
                                output_projection=None, feed_previous=False,
                                update_embedding_for_previous=True, dtype=None,
                                scope=None, initial_state_attention=False):
  """attention_decoder over embedded symbols, optionally fed its argmax.

  Args:
    decoder_inputs: list of 1D int32 [batch_size] symbol tensors.
    initial_state: the cell's initial state.
    attention_states: 3D [batch_size, attn_length, attn_size] tensor.
    cell: the RNN cell.
    num_symbols: int, the number of symbols.
    embedding_size: int, the embedding's width.
    num_heads: int, the number of attention heads.
    output_size: int, the outputs' size (default cell.output_size).
    output_projection: None or (W, B), used when feeding outputs back.
    feed_previous: as in embedding_rnn_decoder.
    update_embedding_for_previous: as in embedding_rnn_decoder.
    dtype: the variables' dtype (default the scope's, float32).
    scope: variable scope, default "embedding_attention_decoder".
    initial_state_attention: as in attention_decoder.

  Returns:
    (outputs, state), as attention_decoder.

  Raises:
    ValueError: output_projection's biases have the wrong shape.
  """
  if output_size is None:
    output_size = cell.output_size
  if output_projection is not None:
    _check_projection(output_projection, num_symbols, dtype, weights=False)
  with tf1.variable_scope(scope or "embedding_attention_decoder",
                          dtype=dtype):
    embedding = tf1.get_variable("embedding", [num_symbols, embedding_size])
    loop_function = _argmax_and_embed(
        embedding, output_projection,
        update_embedding_for_previous) if feed_previous else None
    emb_inp = [tf.nn.embedding_lookup(embedding, i) for i in decoder_inputs]
    return attention_decoder(
        emb_inp, initial_state, attention_states, cell,
        output_size=output_size, num_heads=num_heads,
        loop_function=loop_function,
        initial_state_attention=initial_state_attention)


def embedding_attention_seq2seq(encoder_inputs, decoder_inputs, cell,
                                num_encoder_symbols, num_decoder_symbols,
                                embedding_size, num_heads=1,
                                output_projection=None, feed_previous=False,
                                dtype=None, scope=None,
                                initial_state_attention=False):
  """Embedded encoder (on a copy of `cell`), then an attention decoder.

  Args:
    encoder_inputs: list of 1D int32 [batch_size] symbol tensors.
    decoder_inputs: list of 1D int32 [batch_size] symbol tensors.
    cell: the RNN cell; the encoder runs a deep copy of it.
    num_encoder_symbols: int, the encoder's number of symbols.
    num_decoder_symbols: int, the decoder's number of symbols.
    embedding_size: int, both embeddings' width.
    num_heads: int, the number of attention heads.
    output_projection: None (the decoder cell gets an
      OutputProjectionWrapper to num_decoder_symbols) or (W, B).
    feed_previous: bool, or a scalar bool tensor choosing at run time.
    dtype: the variables' dtype (default the scope's, float32).
    scope: variable scope, default "embedding_attention_seq2seq".
    initial_state_attention: as in attention_decoder.

  Returns:
    (outputs, state) of the decoder.
  """
  with tf1.variable_scope(scope or "embedding_attention_seq2seq",
                          dtype=dtype) as vs:
    dtype = vs.dtype
    encoder_cell = wrappers.EmbeddingWrapper(
        copy.deepcopy(cell), embedding_classes=num_encoder_symbols,
        embedding_size=embedding_size)
    encoder_outputs, encoder_state = _static_rnn(encoder_cell, encoder_inputs,
                                                 dtype)
    top_states = [tf.reshape(e, [-1, 1, cell.output_size])
                  for e in encoder_outputs]
    attention_states = tf.concat(top_states, 1)
    output_size = None
    if output_projection is None:
      cell = wrappers.OutputProjectionWrapper(cell, num_decoder_symbols)
      output_size = num_decoder_symbols

    def build(flag, update=True):
      return embedding_attention_decoder(
          decoder_inputs, encoder_state, attention_states, cell,
          num_decoder_symbols, embedding_size, num_heads=num_heads,
          output_size=output_size, output_projection=output_projection,
          feed_previous=flag, update_embedding_for_previous=update,
          initial_state_attention=initial_state_attention)

    if isinstance(feed_previous, bool):
      return build(feed_previous)
    outputs, state_list = _in_cond(
        feed_previous, lambda flag: build(flag, False), len(decoder_inputs))
    return outputs, _pack(encoder_state, state_list)


def one2many_rnn_seq2seq(encoder_inputs, decoder_inputs_dict, enc_cell,
                         dec_cells_dict, num_encoder_symbols,
                         num_decoder_symbols_dict, embedding_size,
                         feed_previous=False, dtype=None, scope=None):
  """One embedded encoder, one embedding_rnn_decoder per named task.

  Args:
    encoder_inputs: list of 1D int32 [batch_size] symbol tensors.
    decoder_inputs_dict: task name -> list of 1D int32 symbol tensors.
    enc_cell: the encoder's RNN cell.
    dec_cells_dict: task name -> the decoder's RNN cell.
    num_encoder_symbols: int, the encoder's number of symbols.
    num_decoder_symbols_dict: task name -> its number of symbols.
    embedding_size: int, every embedding's width.
    feed_previous: bool, or a scalar bool tensor choosing at run time.
    dtype: the initial state's dtype (default the scope's, float32).
    scope: variable scope, default "one2many_rnn_seq2seq".

  Returns:
    (outputs_dict, state_dict): task name -> its decoder's outputs / state.

  Raises:
    TypeError: a cell is not an RNN cell.
    ValueError: the two dicts' keys differ.
  """
  outputs_dict = {}
  state_dict = {}
  if not _like_cell(enc_cell):
    raise TypeError("enc_cell is not an RNNCell: %s" % type(enc_cell))
  if set(dec_cells_dict) != set(decoder_inputs_dict):
    raise ValueError("keys of dec_cells_dict != keys of decodre_inputs_dict")
  for dec_cell in dec_cells_dict.values():
    if not _like_cell(dec_cell):
      raise TypeError("dec_cell is not an RNNCell: %s" % type(dec_cell))

  with tf1.variable_scope(scope or "one2many_rnn_seq2seq",
                          dtype=dtype) as vs:
    dtype = vs.dtype
    enc_cell = wrappers.EmbeddingWrapper(
        enc_cell, embedding_classes=num_encoder_symbols,
        embedding_size=embedding_size)
    _, encoder_state = _static_rnn(enc_cell, encoder_inputs, dtype)
    for name, decoder_inputs in decoder_inputs_dict.items():
      num_decoder_symbols = num_decoder_symbols_dict[name]
      with tf1.variable_scope("one2many_decoder_" + str(name)):
        dec_cell = wrappers.OutputProjectionWrapper(dec_cells_dict[name],
                                                    num_decoder_symbols)

        def build(flag, inputs=decoder_inputs, cell=dec_cell,
                  symbols=num_decoder_symbols):
          return embedding_rnn_decoder(inputs, encoder_state, cell, symbols,
                                       embedding_size, feed_previous=flag)

        if isinstance(feed_previous, bool):
          outputs, state = build(feed_previous)
        else:
          outputs, state_list = _in_cond(feed_previous, build,
                                         len(decoder_inputs))
          state = _pack(encoder_state, state_list)
      outputs_dict[name] = outputs
      state_dict[name] = state
  return outputs_dict, state_dict


def _like_cell(cell):
  return (callable(cell) and all(hasattr(cell, a) for a in (
      "output_size", "state_size", "zero_state")))


def sequence_loss_by_example(logits, targets, weights,
                             average_across_timesteps=True,
                             softmax_loss_function=None, name=None):
  """Weighted cross-entropy of a sequence of logits, per example.

  Args:
    logits: list of 2D [batch_size, num_decoder_symbols] tensors.
    targets: list of 1D int32 [batch_size] tensors.
    weights: list of 1D float [batch_size] tensors.
    average_across_timesteps: if True, divide by the sum of the weights
      (plus 1e-12).
    softmax_loss_function: `fn(labels=..., logits=...)` replacing sparse
      softmax cross-entropy.
    name: name scope, default "sequence_loss_by_example".

  Returns:
    1D [batch_size] float tensor: the log-perplexity of each sequence.

  Raises:
    ValueError: logits, targets and weights differ in length.
  """
  if len(targets) != len(logits) or len(weights) != len(logits):
    raise ValueError("Lengths of logits, weights, and targets must be the same "
                     "%d, %d, %d." % (len(logits), len(weights), len(targets)))
  with tf1.name_scope(name, "sequence_loss_by_example",
                      list(logits) + list(targets) + list(weights)):
    log_perp_list = []
    for logit, target, weight in zip(logits, targets, weights):
      if softmax_loss_function is None:
        crossent = tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.reshape(target, [-1]), logits=logit)
      else:
        crossent = softmax_loss_function(labels=target, logits=logit)
      log_perp_list.append(crossent * weight)
    log_perps = tf.add_n(log_perp_list)
    if average_across_timesteps:
      total_size = tf.add_n(weights)
      total_size += 1e-12
      log_perps /= total_size
  return log_perps


def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                  average_across_batch=True, softmax_loss_function=None,
                  name=None):
  """sequence_loss_by_example summed, optionally over the batch's mean.

  Args:
    logits: list of 2D [batch_size, num_decoder_symbols] tensors.
    targets: list of 1D int32 [batch_size] tensors.
    weights: list of 1D float [batch_size] tensors.
    average_across_timesteps: as in sequence_loss_by_example.
    average_across_batch: if True, divide the sum by the batch size.
    softmax_loss_function: as in sequence_loss_by_example.
    name: name scope, default "sequence_loss".

  Returns:
    A scalar float tensor.

  Raises:
    ValueError: logits, targets and weights differ in length.
  """
  with tf1.name_scope(name, "sequence_loss",
                      list(logits) + list(targets) + list(weights)):
    cost = tf.reduce_sum(sequence_loss_by_example(
        logits, targets, weights,
        average_across_timesteps=average_across_timesteps,
        softmax_loss_function=softmax_loss_function))
    if average_across_batch:
      batch_size = tf.shape(targets[0])[0]
      return cost / tf.cast(batch_size, cost.dtype)
    return cost


def model_with_buckets(encoder_inputs, decoder_inputs, targets, weights,
                       buckets, seq2seq, softmax_loss_function=None,
                       per_example_loss=False, name=None):
  """One seq2seq model per bucket, sharing variables, with their losses.

  Args:
    encoder_inputs: list of encoder input tensors.
    decoder_inputs: list of decoder input tensors.
    targets: list of 1D int32 [batch_size] tensors.
    weights: list of 1D float [batch_size] tensors.
    buckets: list of (encoder length, decoder length) pairs, ascending.
    seq2seq: `fn(encoder_inputs, decoder_inputs)` -> (outputs, state).
    softmax_loss_function: as in sequence_loss_by_example.
    per_example_loss: if True, the losses are sequence_loss_by_example's
      (one per example), else sequence_loss's scalars.
    name: name scope, default "model_with_buckets".

  Returns:
    (outputs, losses): per bucket, the model's outputs and its loss.

  Raises:
    ValueError: the inputs are shorter than the last bucket.
  """
  if len(encoder_inputs) < buckets[-1][0]:
    raise ValueError("Length of encoder_inputs (%d) must be at least that of la"
                     "st bucket (%d)." % (len(encoder_inputs), buckets[-1][0]))
  if len(targets) < buckets[-1][1]:
    raise ValueError("Length of targets (%d) must be at least that of last "
                     "bucket (%d)." % (len(targets), buckets[-1][1]))
  if len(weights) < buckets[-1][1]:
    raise ValueError("Length of weights (%d) must be at least that of last "
                     "bucket (%d)." % (len(weights), buckets[-1][1]))
  all_inputs = (list(encoder_inputs) + list(decoder_inputs) + list(targets) +
                list(weights))
  losses = []
  outputs = []
  loss_fn = sequence_loss_by_example if per_example_loss else sequence_loss
  with tf1.name_scope(name, "model_with_buckets", all_inputs):
    for j, bucket in enumerate(buckets):
      with tf1.variable_scope(tf1.get_variable_scope(),
                              reuse=True if j > 0 else None):
        bucket_outputs, _ = seq2seq(encoder_inputs[:bucket[0]],
                                    decoder_inputs[:bucket[1]])
        outputs.append(bucket_outputs)
        losses.append(loss_fn(
            outputs[-1], targets[:bucket[1]], weights[:bucket[1]],
            softmax_loss_function=softmax_loss_function))
  return outputs, losses
