"""TF 1.15's ``tf.contrib.seq2seq`` beam search: BeamSearchDecoder & co.

``BeamSearchDecoder`` keeps TF 1.15's scores (length penalty
``((5 + len) / 6) ** w``, coverage penalty over the attention alignments of an
``AttentionWrapperState``), its end-token handling and its state layout
(``BeamSearchDecoderState``), so decodes equal TF 1.15's.  ``gather_tree`` is
built from TensorFlow ops (TF 2.x has no GatherTree kernel) with the kernel's
rules: steps past a batch entry's ``max_sequence_lengths`` and steps after the
first ``end_token`` of a beam are ``end_token``.  Graph mode only.
"""
from __future__ import absolute_import, division, print_function

import collections

import numpy as np

from legacy_pipeline import _tf
from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.nn import seq2seq_decode as _decode

__all__ = [
    "BeamSearchDecoder", "BeamSearchDecoderOutput", "BeamSearchDecoderState",
    "FinalBeamSearchDecoderOutput", "tile_batch", "gather_tree",
]


class BeamSearchDecoderState(
    collections.namedtuple("BeamSearchDecoderState",
                           ("cell_state", "log_probs", "finished", "lengths",
                            "accumulated_attention_probs"))):
  """The beam search's loop state."""
  pass


class BeamSearchDecoderOutput(
    collections.namedtuple("BeamSearchDecoderOutput",
                           ("scores", "predicted_ids", "parent_ids"))):
  """One step's output of the beam search."""
  pass


class FinalBeamSearchDecoderOutput(
    collections.namedtuple("FinalBeamDecoderOutput",
                           ["predicted_ids", "beam_search_decoder_output"])):
  """The beam search's final outputs.

  Args:
    predicted_ids: int32 [batch_size, T, beam_width] (or [T, batch_size,
      beam_width] when time major): the beams, best first.
    beam_search_decoder_output: the `BeamSearchDecoderOutput` of all steps.
  """
  pass


# -- tile_batch and gather_tree -----------------------------------------------

def _tile_one(t, multiplier):
  t = tf.convert_to_tensor(t, name="t")
  shape_t = tf.shape(t)
  if t.shape.ndims is None or t.shape.ndims < 1:
    raise ValueError("t must have statically known rank")
  tiling = [1] * (t.shape.ndims + 1)
  tiling[1] = multiplier
  batch = _tf.dim_value(t.shape[0])
  tiled = tf.tile(tf.expand_dims(t, 1), tiling)
  tiled = tf.reshape(tiled,
                     tf.concat(([shape_t[0] * multiplier], shape_t[1:]), 0))
  tiled.set_shape(tf.TensorShape(
      [batch * multiplier if batch is not None else None]).concatenate(
          t.shape[1:]))
  return tiled


def tile_batch(t, multiplier, name=None):
  """Repeats each batch entry of (nested) `t` `multiplier` times in place.

  `[b0, b1]` becomes `[b0, b0, ..., b1, b1, ...]` (not `tf.tile`'s order).

  Args:
    t: (nested) tensor(s) shaped [batch_size, ...].
    multiplier: Python int.
    name: name scope for the ops created.

  Returns:
    (nested) tensor(s) shaped [batch_size * multiplier, ...].

  Raises:
    ValueError: a tensor has an unknown rank or rank 0.
  """
  flat = tf.nest.flatten(t)
  with tf1.name_scope(name, "tile_batch", flat + [multiplier]):
    return tf.nest.map_structure(lambda t_: _tile_one(t_, multiplier), t)


def gather_tree(step_ids, parent_ids, max_sequence_lengths, end_token,
                name=None):
  """Follows the parent ids back from the last step to give full beams.

  Args:
    step_ids: int32 or int64 [max_time, batch_size, beam_width], the ids.
    parent_ids: same dtype and shape, each step's parent beam.
    max_sequence_lengths: int32 [batch_size], the steps to trace per entry.
    end_token: scalar of `step_ids`' dtype.
    name: name of the operation.

  Returns:
    [max_time, batch_size, beam_width] ids of `step_ids`' dtype: the beams;
    steps at or past `max_sequence_lengths` and steps after a beam's first
    `end_token` hold `end_token`.

  Raises:
    ValueError: statically known shapes do not match.
  """
  with tf1.name_scope(name, "GatherTree",
                      [step_ids, parent_ids, max_sequence_lengths, end_token]):
    step_ids = tf.convert_to_tensor(step_ids, name="step_ids")
    parent_ids = tf.convert_to_tensor(parent_ids, dtype=step_ids.dtype,
                                      name="parent_ids")
    lengths = tf.convert_to_tensor(max_sequence_lengths, dtype=tf.int32,
                                   name="max_sequence_lengths")
    end_token = tf.convert_to_tensor(end_token, dtype=step_ids.dtype,
                                     name="end_token")
    if step_ids.shape.ndims not in (None, 3):
      raise ValueError("step_ids must be a 3-tensor, got shape %s" %
                       step_ids.shape)
    if not step_ids.shape.is_compatible_with(parent_ids.shape):
      raise ValueError("step_ids.shape %s != parent_ids.shape %s" %
                       (step_ids.shape, parent_ids.shape))
    if lengths.shape.ndims not in (None, 1):
      raise ValueError("max_sequence_lengths must be a vector, got shape %s" %
                       lengths.shape)
    shape = tf.shape(step_ids)
    max_time, batch, beam = shape[0], shape[1], shape[2]
    # [batch, 1]: the steps traced for each entry.
    traced = tf.expand_dims(tf.minimum(lengths, max_time), 1)
    start = tf.tile(tf.expand_dims(tf.range(beam), 0), [batch, 1])
    end_fill = tf.fill([batch, beam], end_token)

    def _back(carry, elems):
      beam_index, _ = carry
      ids_t, parents_t, t = elems
      valid = tf.broadcast_to(t < traced, [batch, beam])
      ids = tf.gather(ids_t, beam_index, batch_dims=1)
      parents = tf.cast(tf.gather(parents_t, beam_index, batch_dims=1),
                        tf.int32)
      return (tf1.where(valid, parents, beam_index),
              tf1.where(valid, ids, end_fill))

    _, beams = tf.scan(
        _back, (step_ids, parent_ids, tf.range(max_time)),
        initializer=(start, end_fill), reverse=True)
    # Once a beam reaches end_token, the rest of it is end_token.
    is_end = tf.cast(tf.equal(beams, end_token), tf.int32)
    after_end = tf.cumsum(is_end, axis=0, exclusive=True) > 0
    beams = tf1.where(after_end, tf.fill(tf.shape(beams), end_token), beams)
    beams.set_shape(step_ids.shape)
    return beams


def _gather_tree_from_array(t, parent_ids, sequence_length):
  """Reorders a stacked TensorArray [time, batch*beam or batch, beam, ...]."""
  max_time = _tf.dim_value(parent_ids.shape[0]) or tf.shape(parent_ids)[0]
  batch_size = _tf.dim_value(parent_ids.shape[1]) or tf.shape(parent_ids)[1]
  beam_width = _tf.dim_value(parent_ids.shape[2]) or tf.shape(parent_ids)[2]
  beam_ids = tf.expand_dims(tf.expand_dims(tf.range(beam_width), 0), 0)
  beam_ids = tf.tile(beam_ids, [max_time, batch_size, 1])
  max_lengths = tf.cast(tf.reduce_max(sequence_length, axis=1), tf.int32)
  sorted_ids = gather_tree(beam_ids, parent_ids, max_lengths,
                           end_token=beam_width + 1)
  in_bounds = tf.transpose(
      tf.sequence_mask(sequence_length, maxlen=max_time), perm=[2, 0, 1])
  sorted_ids = tf1.where(in_bounds, sorted_ids, beam_ids)
  time_ind = tf.tile(tf.reshape(tf.range(max_time), [-1, 1, 1]),
                     [1, batch_size, beam_width])
  batch_ind = tf.tile(tf.reshape(tf.range(batch_size), [-1, 1, 1]),
                      [1, max_time, beam_width])
  batch_ind = tf.transpose(batch_ind, perm=[1, 0, 2])
  indices = tf.stack([time_ind, batch_ind, sorted_ids], -1)
  final_shape = tf.shape(t)
  gather_from = tf.reshape(t, [max_time, batch_size, beam_width, -1])
  return tf.reshape(tf.gather_nd(gather_from, indices), final_shape)


def _check_ndims(t):
  if t.shape.ndims is None:
    raise ValueError(
        "Expected tensor (%s) to have known rank, but ndims == None." % t)


def _check_static_batch_beam_maybe(shape, batch_size, beam_width):
  """False (with a warning) when `shape` cannot be [batch, beam, -1]."""
  first = _tf.dim_value(shape[0])
  second = _tf.dim_value(shape[1]) if shape.ndims >= 2 else None
  if (batch_size is not None and first is not None and
      (first != batch_size * beam_width or
       (second is not None and
        (first != batch_size or second != beam_width)))):
    tf1.logging.warn(
        "TensorArray reordering expects elements to be reshapable to %s "
        "which is incompatible with the current shape %s. Consider setting "
        "reorder_tensor_arrays to False to disable TensorArray reordering "
        "during the beam search." %
        (tf.TensorShape([batch_size, beam_width, None]), shape))
    return False
  return True


def _check_batch_beam(t, batch_size, beam_width):
  """An Assert that stacked elements reshape to [batch, beam, -1]."""
  message = ("TensorArray reordering expects elements to be reshapable to "
             "[batch_size, beam_size, -1] which is incompatible with the "
             "dynamic shape of %s elements. Consider setting "
             "reorder_tensor_arrays to False to disable TensorArray "
             "reordering during the beam search." % t.name)
  shape = tf.shape(t)
  if t.shape.ndims == 2:
    condition = tf.equal(shape[1], batch_size * beam_width)
  else:
    condition = tf.logical_or(
        tf.equal(shape[1], batch_size * beam_width),
        tf.logical_and(tf.equal(shape[1], batch_size),
                       tf.equal(shape[2], beam_width)))
  return tf1.Assert(condition, [message])


def _is_attention_state(state):
  """An AttentionWrapperState (TF 1.15's contrib one or the in-house one)."""
  return (isinstance(state, tuple) and
          type(state).__name__ == "AttentionWrapperState" and
          hasattr(state, "alignments"))


# -- BeamSearchDecoder --------------------------------------------------------

class BeamSearchDecoder(_decode.Decoder):
  """Beam search decoder (TF 1.15's).

  With an AttentionWrapper cell: tile the memory, its sequence lengths and the
  encoder state with `tile_batch` (not `tf.tile`), build the wrapper's
  zero_state with `batch_size=true_batch_size * beam_width`.
  """

  def __init__(self, cell, embedding, start_tokens, end_token, initial_state,
               beam_width, output_layer=None, length_penalty_weight=0.0,
               coverage_penalty_weight=0.0, reorder_tensor_arrays=True):
    """Initializes a BeamSearchDecoder.

    Args:
      cell: an RNNCell.
      embedding: callable ids -> vectors, or the params of embedding_lookup.
      start_tokens: int32 vector [batch_size], the start tokens.
      end_token: int32 scalar, the token that ends a beam.
      initial_state: (nested) tensors [batch_size * beam_width, ...] and
        TensorArrays, the cell's initial state.
      beam_width: Python int, the number of beams.
      output_layer: optional layer (e.g. ``tf.layers.Dense``) applied to the
        cell output before the scores.
      length_penalty_weight: float weight of the length penalty; 0 disables.
      coverage_penalty_weight: float weight of the coverage penalty (needs an
        attentional cell); 0 disables.
      reorder_tensor_arrays: bool; True reorders the TensorArrays of the cell
        state along the beams found (returning them stacked).

    Raises:
      TypeError: `cell` is not an RNNCell or `output_layer` not a layer.
      ValueError: `start_tokens` is not a vector or `end_token` not a scalar.
    """
    _decode.check_like_rnncell("cell", cell)
    _decode.check_output_layer(output_layer)
    self._cell = cell
    self._output_layer = output_layer
    self._reorder_tensor_arrays = reorder_tensor_arrays
    self._beam_width = beam_width
    self._length_penalty_weight = length_penalty_weight
    self._coverage_penalty_weight = coverage_penalty_weight
    self._embedding_fn = _decode.embedding_fn(embedding)

    self._start_tokens = tf.convert_to_tensor(start_tokens, dtype=tf.int32,
                                              name="start_tokens")
    if self._start_tokens.get_shape().ndims != 1:
      raise ValueError("start_tokens must be a vector")
    self._end_token = tf.convert_to_tensor(end_token, dtype=tf.int32,
                                           name="end_token")
    if self._end_token.get_shape().ndims != 0:
      raise ValueError("end_token must be a scalar")

    self._batch_size = tf.size(start_tokens)
    self._initial_cell_state = tf.nest.map_structure(
        self._maybe_split_batch_beams, initial_state, self._cell.state_size)
    self._start_tokens = tf.tile(tf.expand_dims(self._start_tokens, 1),
                                 [1, self._beam_width])
    self._start_inputs = self._embedding_fn(self._start_tokens)
    self._finished = tf.one_hot(
        tf.zeros([self._batch_size], dtype=tf.int32), depth=self._beam_width,
        on_value=False, off_value=True, dtype=tf.bool)

  @property
  def batch_size(self):
    return self._batch_size

  def _rnn_output_size(self):
    return _decode.layer_output_size(self._cell.output_size,
                                     self._output_layer)

  @property
  def tracks_own_finished(self):
    """True: the beams (and their finished flags) are reshuffled each step."""
    return True

  @property
  def output_size(self):
    return BeamSearchDecoderOutput(
        scores=tf.TensorShape([self._beam_width]),
        predicted_ids=tf.TensorShape([self._beam_width]),
        parent_ids=tf.TensorShape([self._beam_width]))

  @property
  def output_dtype(self):
    dtype = tf.nest.flatten(self._initial_cell_state)[0].dtype
    return BeamSearchDecoderOutput(
        scores=tf.nest.map_structure(lambda _: dtype,
                                     self._rnn_output_size()),
        predicted_ids=tf.int32, parent_ids=tf.int32)

  def initialize(self, name=None):
    """Returns `(finished, start_inputs, initial_state)`.

    Args:
      name: name scope for the ops created.
    """
    finished, start_inputs = self._finished, self._start_inputs
    dtype = tf.nest.flatten(self._initial_cell_state)[0].dtype
    log_probs = tf.one_hot(
        tf.zeros([self._batch_size], dtype=tf.int32), depth=self._beam_width,
        on_value=tf.convert_to_tensor(0.0, dtype=dtype),
        off_value=tf.convert_to_tensor(-np.inf, dtype=dtype), dtype=dtype)
    init_attention_probs = _attention_probs(self._initial_cell_state,
                                            self._coverage_penalty_weight)
    if init_attention_probs is None:
      init_attention_probs = ()
    initial_state = BeamSearchDecoderState(
        cell_state=self._initial_cell_state, log_probs=log_probs,
        finished=finished,
        lengths=tf.zeros([self._batch_size, self._beam_width],
                         dtype=tf.int64),
        accumulated_attention_probs=init_attention_probs)
    return finished, start_inputs, initial_state

  def finalize(self, outputs, final_state, sequence_lengths):
    """Traces the beams back: `(FinalBeamSearchDecoderOutput, final_state)`.

    Args:
      outputs: the stacked `BeamSearchDecoderOutput`.
      final_state: the final `BeamSearchDecoderState`.
      sequence_lengths: ignored (the beams' lengths are in the state).

    Returns:
      `(FinalBeamSearchDecoderOutput, final_state)`.
    """
    del sequence_lengths
    max_lengths = tf.cast(tf.reduce_max(final_state.lengths, axis=1),
                          tf.int32)
    predicted_ids = gather_tree(outputs.predicted_ids, outputs.parent_ids,
                                max_sequence_lengths=max_lengths,
                                end_token=self._end_token)
    if self._reorder_tensor_arrays:
      final_state = final_state._replace(cell_state=tf.nest.map_structure(
          lambda t: self._maybe_sort_array_beams(t, outputs.parent_ids,
                                                 final_state.lengths),
          final_state.cell_state))
    outputs = FinalBeamSearchDecoderOutput(
        beam_search_decoder_output=outputs, predicted_ids=predicted_ids)
    return outputs, final_state

  def _merge_batch_beams(self, t, s=None):
    """[batch, beam, s...] -> [batch * beam, s...]."""
    if isinstance(s, tf.Tensor):
      s = tf.TensorShape(tf.get_static_value(s))
    else:
      s = _decode.as_shape(s) if s is not None else tf.TensorShape(None)
    t_shape = tf.shape(t)
    static_batch = tf.get_static_value(self._batch_size)
    merged = None if static_batch is None else static_batch * self._beam_width
    out = tf.reshape(t, tf.concat(
        ([self._batch_size * self._beam_width], t_shape[2:]), 0))
    out.set_shape(tf.TensorShape([merged]).concatenate(s))
    return out

  def _split_batch_beams(self, t, s=None):
    """[batch * beam, s...] -> [batch, beam, s...]."""
    if isinstance(s, tf.Tensor):
      s = tf.TensorShape(tf.get_static_value(s))
    else:
      s = _decode.as_shape(s) if s is not None else tf.TensorShape(None)
    t_shape = tf.shape(t)
    out = tf.reshape(t, tf.concat(
        ([self._batch_size, self._beam_width], t_shape[1:]), 0))
    static_batch = tf.get_static_value(self._batch_size)
    expected = tf.TensorShape([static_batch, self._beam_width]).concatenate(s)
    if not out.shape.is_compatible_with(expected):
      raise ValueError(
          "Unexpected behavior when reshaping between beam width and batch "
          "size.  The reshaped tensor has shape: %s.  We expected it to have "
          "shape (batch_size, beam_width, depth) == %s.  Perhaps you forgot "
          "to create a zero_state with batch_size=encoder_batch_size * "
          "beam_width?" % (out.shape, expected))
    out.set_shape(expected)
    return out

  def _maybe_split_batch_beams(self, t, s):
    if _decode.is_tensor_array(t):
      return t
    _check_ndims(t)
    if t.shape.ndims >= 1:
      return self._split_batch_beams(t, s)
    return t

  def _maybe_merge_batch_beams(self, t, s):
    if _decode.is_tensor_array(t):
      return t
    _check_ndims(t)
    if t.shape.ndims >= 2:
      return self._merge_batch_beams(t, s)
    return t

  def _maybe_sort_array_beams(self, t, parent_ids, sequence_length):
    if not _decode.is_tensor_array(t):
      return t
    element_shape = t.element_shape
    if element_shape.ndims is None or element_shape.ndims < 1:
      tf1.logging.warn(
          "The TensorArray %s in the cell state is not amenable to sorting "
          "based on the beam search result. For a TensorArray to be sorted, "
          "its elements shape must be defined and have at least a rank of 1, "
          "but saw shape: %s" % (t.handle.name, element_shape))
      return t
    if not _check_static_batch_beam_maybe(
        element_shape, tf.get_static_value(self._batch_size),
        self._beam_width):
      return t
    t = t.stack()
    with tf.control_dependencies(
        [_check_batch_beam(t, self._batch_size, self._beam_width)]):
      return _gather_tree_from_array(t, parent_ids, sequence_length)

  def step(self, time, inputs, state, name=None):
    """One beam search step.

    Args:
      time: scalar int32 tensor.
      inputs: (nested) input tensors [batch, beam, ...].
      state: the `BeamSearchDecoderState`.
      name: name scope for the ops created.

    Returns:
      `(BeamSearchDecoderOutput, BeamSearchDecoderState, next_inputs,
      finished)`.
    """
    with tf1.name_scope(name, "BeamSearchDecoderStep", (time, inputs, state)):
      cell_state = state.cell_state
      inputs = tf.nest.map_structure(
          lambda inp: self._merge_batch_beams(inp, s=inp.shape[2:]), inputs)
      cell_state = tf.nest.map_structure(self._maybe_merge_batch_beams,
                                         cell_state, self._cell.state_size)
      cell_outputs, next_cell_state = self._cell(inputs, cell_state)
      cell_outputs = tf.nest.map_structure(
          lambda out: self._split_batch_beams(out, out.shape[1:]),
          cell_outputs)
      next_cell_state = tf.nest.map_structure(
          self._maybe_split_batch_beams, next_cell_state,
          self._cell.state_size)
      if self._output_layer is not None:
        cell_outputs = self._output_layer(cell_outputs)
      output, next_state = _beam_search_step(
          time=time, logits=cell_outputs, next_cell_state=next_cell_state,
          beam_state=state, batch_size=self._batch_size,
          beam_width=self._beam_width, end_token=self._end_token,
          length_penalty_weight=self._length_penalty_weight,
          coverage_penalty_weight=self._coverage_penalty_weight)
      finished = next_state.finished
      sample_ids = output.predicted_ids
      next_inputs = tf1.cond(tf.reduce_all(finished),
                             lambda: self._start_inputs,
                             lambda: self._embedding_fn(sample_ids))
    return output, next_state, next_inputs, finished


# -- one step of the search ---------------------------------------------------

def _beam_search_step(time, logits, next_cell_state, beam_state, batch_size,
                      beam_width, end_token, length_penalty_weight,
                      coverage_penalty_weight):
  """Scores every continuation, keeps the best `beam_width` per entry."""
  static_batch = tf.get_static_value(batch_size)
  prediction_lengths = beam_state.lengths
  previously_finished = beam_state.finished
  not_finished = tf.logical_not(previously_finished)

  step_log_probs = tf.nn.log_softmax(logits)
  step_log_probs = _mask_probs(step_log_probs, end_token, previously_finished)
  total_probs = tf.expand_dims(beam_state.log_probs, 2) + step_log_probs

  vocab_size = _tf.dim_value(logits.shape[-1]) or tf.shape(logits)[-1]
  new_prediction_lengths = _candidate_lengths(
      prediction_lengths, not_finished, batch_size, beam_width, end_token,
      vocab_size)
  accumulated_attention_probs = _accumulated_attention(
      next_cell_state, beam_state, not_finished, coverage_penalty_weight)

  scores = _get_scores(
      log_probs=total_probs, sequence_lengths=new_prediction_lengths,
      length_penalty_weight=length_penalty_weight,
      coverage_penalty_weight=coverage_penalty_weight,
      finished=previously_finished,
      accumulated_attention_probs=accumulated_attention_probs)

  time = tf.convert_to_tensor(time, name="time")
  scores_flat = tf.reshape(scores, [batch_size, -1])
  next_beam_size = tf.convert_to_tensor(beam_width, dtype=tf.int32,
                                        name="beam_width")
  next_beam_scores, word_indices = tf.nn.top_k(scores_flat, k=next_beam_size)
  next_beam_scores.set_shape([static_batch, beam_width])
  word_indices.set_shape([static_batch, beam_width])

  next_beam_probs = _tensor_gather_helper(
      gather_indices=word_indices, gather_from=total_probs,
      batch_size=batch_size, range_size=beam_width * vocab_size,
      gather_shape=[-1], name="next_beam_probs")
  raw_word_ids = tf.math.floormod(word_indices, vocab_size,
                                  name="next_beam_word_ids")
  next_word_ids = tf.cast(raw_word_ids, tf.int32)
  next_beam_ids = tf.cast(tf.math.floordiv(word_indices, vocab_size),
                          tf.int32, name="next_beam_parent_ids")

  previously_finished = _tensor_gather_helper(
      gather_indices=next_beam_ids, gather_from=previously_finished,
      batch_size=batch_size, range_size=beam_width, gather_shape=[-1])
  next_finished = tf.logical_or(previously_finished,
                                tf.equal(next_word_ids, end_token),
                                name="next_beam_finished")

  lengths_to_add = tf.cast(tf.logical_not(previously_finished), tf.int64)
  next_prediction_len = _tensor_gather_helper(
      gather_indices=next_beam_ids, gather_from=beam_state.lengths,
      batch_size=batch_size, range_size=beam_width, gather_shape=[-1])
  next_prediction_len += lengths_to_add
  next_accumulated_attention_probs = ()
  if accumulated_attention_probs is not None:
    next_accumulated_attention_probs = _tensor_gather_helper(
        gather_indices=next_beam_ids, gather_from=accumulated_attention_probs,
        batch_size=batch_size, range_size=beam_width,
        gather_shape=[batch_size * beam_width, -1],
        name="next_accumulated_attention_probs")

  next_cell_state = tf.nest.map_structure(
      lambda gather_from: _maybe_tensor_gather_helper(
          gather_indices=next_beam_ids, gather_from=gather_from,
          batch_size=batch_size, range_size=beam_width,
          gather_shape=[batch_size * beam_width, -1]),
      next_cell_state)

  next_state = BeamSearchDecoderState(
      cell_state=next_cell_state, log_probs=next_beam_probs,
      lengths=next_prediction_len, finished=next_finished,
      accumulated_attention_probs=next_accumulated_attention_probs)
  output = BeamSearchDecoderOutput(scores=next_beam_scores,
                                   predicted_ids=next_word_ids,
                                   parent_ids=next_beam_ids)
  return output, next_state


def _candidate_lengths(prediction_lengths, not_finished, batch_size,
                       beam_width, end_token, vocab_size):
  """Lengths of every continuation [batch, beam, vocab].

  Args:
    prediction_lengths: int64 [batch, beam], the current lengths.
    not_finished: bool [batch, beam], beams still running.
    batch_size: the batch size.
    beam_width: the beam width.
    end_token: the end token id (adds no length).
    vocab_size: the vocabulary size.

  Returns:
    int64 [batch, beam, vocab]: each beam's length after each token.
  """
  lengths_to_add = tf.one_hot(
      indices=tf.fill([batch_size, beam_width], end_token), depth=vocab_size,
      on_value=tf.constant(0, tf.int64), off_value=tf.constant(1, tf.int64),
      dtype=tf.int64)
  add_mask = tf.cast(not_finished, tf.int64)
  lengths_to_add *= tf.expand_dims(add_mask, 2)
  return lengths_to_add + tf.expand_dims(prediction_lengths, 2)


def _accumulated_attention(next_cell_state, beam_state, not_finished,
                           coverage_penalty_weight):
  """Attention summed over steps for the coverage penalty, or None.

  Args:
    next_cell_state: the cell state after this step.
    beam_state: the `BeamSearchDecoderState` before this step.
    not_finished: bool [batch, beam], beams still running.
    coverage_penalty_weight: the coverage penalty weight.

  Returns:
    The accumulated attention probabilities, or None without the penalty.
  """
  attention_probs = _attention_probs(next_cell_state, coverage_penalty_weight)
  if attention_probs is None:
    return None
  attention_probs *= tf.expand_dims(tf.cast(not_finished, tf.float32), 2)
  return beam_state.accumulated_attention_probs + attention_probs


def _penalty_disabled(weight):
  if isinstance(weight, (int, float)):
    return weight == 0.0
  return tf.get_static_value(tf.convert_to_tensor(weight)) == 0.0


def _alignments_of(attention_state):
  """Alignments [batch, beam, max_time] (averaged over mechanisms)."""
  probs = attention_state.alignments
  if isinstance(probs, tuple):
    probs = tf.reduce_mean(
        tf.concat([tf.expand_dims(p, -1) for p in probs], -1), -1)
  return probs


def _attention_probs(next_cell_state, coverage_penalty_weight):
  """The attention probabilities for the coverage penalty, or None."""
  if _penalty_disabled(coverage_penalty_weight):
    return None
  per_layer = []
  if _is_attention_state(next_cell_state):
    per_layer = [_alignments_of(next_cell_state)]
  elif isinstance(next_cell_state, tuple):
    for state in next_cell_state:
      if _is_attention_state(state):
        per_layer.append(_alignments_of(state))
  if not per_layer:
    raise ValueError(
        "coverage_penalty_weight must be 0.0 if no cell is attentional.")
  if len(per_layer) == 1:
    return per_layer[0]
  return tf.reduce_mean(
      tf.concat([tf.expand_dims(p, -1) for p in per_layer], -1), -1)


def _get_scores(log_probs, sequence_lengths, length_penalty_weight,
                coverage_penalty_weight, finished,
                accumulated_attention_probs):
  """log_probs / length penalty (+ weighted coverage penalty)."""
  penalty = _length_penalty(sequence_lengths, length_penalty_weight)
  penalty = tf.cast(penalty, dtype=log_probs.dtype)
  scores = log_probs / penalty
  coverage_penalty_weight = tf.convert_to_tensor(
      coverage_penalty_weight, name="coverage_penalty_weight")
  if coverage_penalty_weight.shape.ndims != 0:
    raise ValueError("coverage_penalty_weight should be a scalar, "
                     "but saw shape: %s" % coverage_penalty_weight.shape)
  if tf.get_static_value(coverage_penalty_weight) == 0.0:
    return scores
  if accumulated_attention_probs is None:
    raise ValueError(
        "accumulated_attention_probs can be None only if coverage penalty is "
        "disabled.")
  probs = tf1.where(tf.equal(accumulated_attention_probs, 0.0),
                    tf.ones_like(accumulated_attention_probs),
                    accumulated_attention_probs)
  coverage = tf.reduce_sum(tf.math.log(tf.minimum(probs, 1.0)), 2)
  # As TF 1.15: the penalty counts for the beams finished before this step.
  coverage *= tf.cast(finished, tf.float32)
  weighted = tf.expand_dims(coverage * coverage_penalty_weight, 2)
  return scores + weighted


def _length_penalty(sequence_lengths, penalty_factor):
  """((5 + lengths) / 6) ** penalty_factor, or 1.0 when the factor is 0."""
  penalty_factor = tf.convert_to_tensor(penalty_factor, name="penalty_factor")
  penalty_factor.set_shape(())
  static = tf.get_static_value(penalty_factor)
  if static is not None and static == 0:
    return 1.0
  return tf.math.divide(
      (5. + tf.cast(sequence_lengths, tf.float32)) ** penalty_factor,
      (5. + 1.) ** penalty_factor)


def _mask_probs(probs, eos_token, finished):
  """Finished beams put all their mass on `eos_token`."""
  vocab_size = tf.shape(probs)[2]
  finished_row = tf.one_hot(
      eos_token, vocab_size, dtype=probs.dtype,
      on_value=tf.convert_to_tensor(0., dtype=probs.dtype),
      off_value=probs.dtype.min)
  finished_probs = tf.tile(tf.reshape(finished_row, [1, 1, -1]),
                           tf.concat([tf.shape(finished), [1]], 0))
  finished_mask = tf.tile(tf.expand_dims(finished, 2), [1, 1, vocab_size])
  return tf1.where(finished_mask, finished_probs, probs)


def _maybe_tensor_gather_helper(gather_indices, gather_from, batch_size,
                                range_size, gather_shape):
  if _decode.is_tensor_array(gather_from):
    return gather_from
  _check_ndims(gather_from)
  if gather_from.shape.ndims >= len(gather_shape):
    return _tensor_gather_helper(gather_indices, gather_from, batch_size,
                                 range_size, gather_shape)
  return gather_from


def _tensor_gather_helper(gather_indices, gather_from, batch_size,
                          range_size, gather_shape, name=None):
  """Gathers beams of `gather_from` by per-entry `gather_indices`."""
  with tf1.name_scope(name, "tensor_gather_helper"):
    range_ = tf.expand_dims(tf.range(batch_size) * range_size, 1)
    gather_indices = tf.reshape(gather_indices + range_, [-1])
    output = tf.gather(tf.reshape(gather_from, gather_shape), gather_indices)
    final_shape = tf.shape(gather_from)[:1 + len(gather_shape)]
    static_batch = tf.get_static_value(batch_size)
    final_static_shape = tf.TensorShape([static_batch]).concatenate(
        gather_from.shape[1:1 + len(gather_shape)])
    output = tf.reshape(output, final_shape, name="output")
    output.set_shape(final_static_shape)
    return output
