"""TF 1.15's tf.contrib.crf: a linear-chain CRF over unary and binary scores.

All eleven names of the contrib module, with its signatures, its variable
(``crf_log_likelihood`` creates ``transitions``, ``[num_tags, num_tags]``,
with ``get_variable``'s default initializer when no matrix is given) and its
math: the partition function is the forward algorithm run by
``tf.compat.v1.nn.dynamic_rnn`` over ``CrfForwardRnnCell``; ``crf_decode`` is
Viterbi, a forward pass over ``CrfDecodeForwardRnnCell`` keeping
backpointers, then a backward pass over ``CrfDecodeBackwardRnnCell``;
``viterbi_decode`` is the same search in NumPy, outside the graph.

Shapes: ``B`` batch, ``T`` max sequence length, ``O`` number of tags.

Edge cases kept from TF 1.15: a ``T`` of 1 (known when the graph is built,
or found at run time through ``tf.cond``) takes a short path without the
transition matrix; an example of length 0 scores 0 and has log-norm 0 (its
log-likelihood is 0); examples of mixed lengths in one batch ignore their
padding.

Compatibility: TF 1.15 and TF 2.x, graph mode (``tf.compat.v1``).  Like
TF 1.15's, these functions take no ``name`` argument and open no name scope
of their own, so their ops are named as TF 1.15 names them.  The cells are
``legacy_pipeline.nn.cells.RNNCell`` objects (contrib's subclassed TF's
RNNCell); they own no variables and ignore ``scope``.
"""
from __future__ import absolute_import, division, print_function

import numpy as np

from legacy_pipeline import _tf
from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.nn import cells

__all__ = [
    "crf_sequence_score", "crf_log_norm", "crf_log_likelihood",
    "crf_unary_score", "crf_binary_score", "CrfForwardRnnCell",
    "viterbi_decode", "crf_decode", "CrfDecodeForwardRnnCell",
    "CrfDecodeBackwardRnnCell", "crf_multitag_sequence_score"
]


def _if_one_step(inputs, one_step_fn, many_steps_fn):
  """one_step_fn() when inputs' time axis has length 1, else many_steps_fn().

  Decided while building when the length is known (as TF 1.15's smart_cond
  does: a static non-zero length, folded through the Equal op), otherwise by
  a ``tf.cond`` at run time.
  """
  steps = _tf.dim_value(inputs.shape[1]) or tf.shape(inputs)[1]
  pred = tf.equal(steps, 1)
  static = tf.get_static_value(pred)
  if static is None:
    return tf1.cond(pred, one_step_fn, many_steps_fn)
  return one_step_fn() if static else many_steps_fn()


def _zero_if_empty(values, sequence_lengths):
  """values with the entries of sequences of length <= 0 set to 0."""
  return tf1.where(tf.less_equal(sequence_lengths, 0), tf.zeros_like(values),
                   values)


def _first_and_rest(inputs):
  """([B, O] first step, [B, T-1, O] later steps) of a [B, T, O] tensor."""
  first = tf.squeeze(tf.slice(inputs, [0, 0, 0], [-1, 1, -1]), [1])
  rest = tf.slice(inputs, [0, 1, 0], [-1, -1, -1])
  return first, rest


def _lengths_less_one(sequence_lengths):
  """max(0, sequence_lengths - 1): the number of transitions per example."""
  return tf.maximum(tf.constant(0, dtype=sequence_lengths.dtype),
                    sequence_lengths - 1)


def crf_sequence_score(inputs, tag_indices, sequence_lengths,
                       transition_params):
  """Unnormalized score of given tag sequences: unary plus binary scores.

  Args:
    inputs: float32 [B, T, O] unary potentials.
    tag_indices: int32 or int64 [B, T] tags whose score is computed.
    sequence_lengths: [B] true lengths (int32 or int64).
    transition_params: float32 [O, O] transition scores, from tag i to tag j
      at [i, j].

  Returns:
    [B] float32 scores.  With T == 1: the unary score of the single tag (0
    for an example of length <= 0).
  """
  def one_step():
    batch_size = tf.shape(inputs, out_type=tag_indices.dtype)[0]
    rows = tf.reshape(tf.range(batch_size, dtype=tag_indices.dtype), [-1, 1])
    scores = tf.gather_nd(tf.squeeze(inputs, [1]),
                          tf.concat([rows, tag_indices], axis=1))
    return _zero_if_empty(scores, sequence_lengths)

  def many_steps():
    return (crf_unary_score(tag_indices, sequence_lengths, inputs) +
            crf_binary_score(tag_indices, sequence_lengths, transition_params))

  return _if_one_step(inputs, one_step, many_steps)


def _mask_tags(inputs, tag_bitmap):
  """inputs where tag_bitmap is true, -inf elsewhere."""
  return tf1.where(tag_bitmap, inputs,
                   tf.fill(tf.shape(inputs), float("-inf")))


def crf_multitag_sequence_score(inputs, tag_bitmap, sequence_lengths,
                                transition_params):
  """Log of the summed exp-scores of every tag sequence allowed by a bitmap.

  With one-hot rows in ``tag_bitmap`` this equals ``crf_sequence_score``.

  Args:
    inputs: float32 [B, T, O] unary potentials.
    tag_bitmap: bool [B, T, O], the tags allowed at each step.
    sequence_lengths: [B] true lengths.
    transition_params: float32 [O, O] transition scores.

  Returns:
    [B] float32 scores.
  """
  def one_step():
    return tf.reduce_logsumexp(_mask_tags(inputs, tag_bitmap), axis=[1, 2],
                               keepdims=False)

  def many_steps():
    return crf_log_norm(inputs=_mask_tags(inputs, tag_bitmap),
                        sequence_lengths=sequence_lengths,
                        transition_params=transition_params)

  return _if_one_step(inputs, one_step, many_steps)


def crf_log_norm(inputs, sequence_lengths, transition_params):
  """Log partition function of the CRF: the forward algorithm's logsumexp.

  Args:
    inputs: float32 [B, T, O] unary potentials.
    sequence_lengths: [B] true lengths.
    transition_params: float32 [O, O] transition scores.

  Returns:
    [B] float32 log-normalizers (0 for an example of length <= 0).
  """
  first, rest = _first_and_rest(inputs)

  def one_step():
    return _zero_if_empty(tf.reduce_logsumexp(first, [1]), sequence_lengths)

  def many_steps():
    _, alphas = tf1.nn.dynamic_rnn(
        cell=CrfForwardRnnCell(transition_params), inputs=rest,
        sequence_length=_lengths_less_one(sequence_lengths),
        initial_state=first, dtype=tf.float32)
    return _zero_if_empty(tf.reduce_logsumexp(alphas, [1]), sequence_lengths)

  return _if_one_step(inputs, one_step, many_steps)


def crf_log_likelihood(inputs, tag_indices, sequence_lengths,
                       transition_params=None):
  """Log-likelihood of tag sequences under the CRF.

  Args:
    inputs: float32 [B, T, O] unary potentials (O known at build time).
    tag_indices: int32 or int64 [B, T] tags.
    sequence_lengths: [B] true lengths.
    transition_params: float32 [O, O] transition scores, or None to create
      the variable ``transitions`` ([O, O], float32) in the current variable
      scope with ``get_variable``'s defaults (the scope's initializer, else
      Glorot uniform), as TF 1.15 does.

  Returns:
    (log_likelihood, transition_params): [B] float32 log-likelihoods and the
    transition matrix used (the one given, or the new variable).
  """
  num_tags = _tf.dim_value(inputs.shape[2])
  if transition_params is None:
    transition_params = tf1.get_variable("transitions", [num_tags, num_tags])
  scores = crf_sequence_score(inputs, tag_indices, sequence_lengths,
                              transition_params)
  log_norm = crf_log_norm(inputs, sequence_lengths, transition_params)
  return scores - log_norm, transition_params


def _length_mask(sequence_lengths, tag_indices):
  """float32 [B, T] mask, 1 inside each sequence."""
  return tf.sequence_mask(sequence_lengths, maxlen=tf.shape(tag_indices)[1],
                          dtype=tf.float32)


def crf_unary_score(tag_indices, sequence_lengths, inputs):
  """Sum over each sequence of the unary potential of its tags.

  Args:
    tag_indices: int32 or int64 [B, T] tags.
    sequence_lengths: [B] true lengths.
    inputs: float32 [B, T, O] unary potentials.

  Returns:
    [B] float32 unary scores.
  """
  shape = tf.shape(inputs)
  batch_size, max_seq_len, num_tags = shape[0], shape[1], shape[2]
  flat_inputs = tf.reshape(inputs, [-1])
  # Position of [b, t, 0] in the flattened inputs.
  offsets = tf.expand_dims(tf.range(batch_size) * max_seq_len * num_tags, 1)
  offsets += tf.expand_dims(tf.range(max_seq_len) * num_tags, 0)
  if tag_indices.dtype == tf.int64:
    offsets = tf.cast(offsets, tf.int64)
  flat_indices = tf.reshape(offsets + tag_indices, [-1])
  picked = tf.reshape(tf.gather(flat_inputs, flat_indices),
                      [batch_size, max_seq_len])
  return tf.reduce_sum(picked * _length_mask(sequence_lengths, tag_indices), 1)


def crf_binary_score(tag_indices, sequence_lengths, transition_params):
  """Sum over each sequence of the transition scores between its tags.

  Args:
    tag_indices: int32 or int64 [B, T] tags.
    sequence_lengths: [B] true lengths.
    transition_params: float32 [O, O] transition scores (O known at build
      time).

  Returns:
    [B] float32 binary scores.
  """
  num_tags = _tf.dim_value(transition_params.get_shape()[0])
  num_transitions = tf.shape(tag_indices)[1] - 1
  from_tags = tf.slice(tag_indices, [0, 0], [-1, num_transitions])
  to_tags = tf.slice(tag_indices, [0, 1], [-1, num_transitions])
  # Row-major position of [from, to] in the flattened matrix.
  flat_indices = from_tags * num_tags + to_tags
  picked = tf.gather(tf.reshape(transition_params, [-1]), flat_indices)
  # A transition into step t counts when step t is inside the sequence.
  mask = tf.slice(_length_mask(sequence_lengths, tag_indices), [0, 1],
                  [-1, -1])
  return tf.reduce_sum(picked * mask, 1)


class _CrfCell(cells.RNNCell):
  """Shared by the CRF cells: no variables, a vector state of O scores."""

  def __init__(self, transition_params):
    super(_CrfCell, self).__init__()
    # [1, O, O]: broadcast over the batch against a [B, O, 1] state.
    self._transition_params = tf.expand_dims(transition_params, 0)
    self._num_tags = _tf.dim_value(transition_params.shape[0])

  @property
  def state_size(self):
    return self._num_tags

  @property
  def output_size(self):
    return self._num_tags

  def _scores(self, state):
    """[B, O(from), O(to)]: previous score of `from` plus the transition."""
    return tf.expand_dims(state, 2) + self._transition_params


class CrfForwardRnnCell(_CrfCell):
  """One step of the forward algorithm: new alphas from the previous ones.

  ``alpha'[b, j] = inputs[b, j] + logsumexp_i(alpha[b, i] + T[i, j])``.
  """

  def __init__(self, transition_params):
    """Keeps the transition matrix.

    Args:
      transition_params: float32 [O, O] transition scores (O known at build
        time).
    """
    super(CrfForwardRnnCell, self).__init__(transition_params)

  def __call__(self, inputs, state, scope=None):
    """One forward step.

    Args:
      inputs: float32 [B, O] unary potentials of this step.
      state: float32 [B, O] alphas of the previous step.
      scope: unused (the cell has no variables).

    Returns:
      (new_alphas, new_alphas): the [B, O] alphas, as output and as state.
    """
    new_alphas = inputs + tf.reduce_logsumexp(self._scores(state), [1])
    return new_alphas, new_alphas


class CrfDecodeForwardRnnCell(_CrfCell):
  """One Viterbi step: best previous tag and best score for each tag."""

  def __init__(self, transition_params):
    """Keeps the transition matrix.

    Args:
      transition_params: float32 [O, O] transition scores (O known at build
        time).
    """
    super(CrfDecodeForwardRnnCell, self).__init__(transition_params)

  def __call__(self, inputs, state, scope=None):
    """One forward Viterbi step.

    Args:
      inputs: float32 [B, O] unary potentials of this step.
      state: float32 [B, O] best scores ending in each tag at the previous
        step.
      scope: unused (the cell has no variables).

    Returns:
      (backpointers, new_state): int32 [B, O] best previous tag for each tag,
      and float32 [B, O] best scores ending in each tag at this step.
    """
    scores = self._scores(state)
    new_state = inputs + tf.reduce_max(scores, [1])
    backpointers = tf.cast(tf.argmax(scores, 1), dtype=tf.int32)
    return backpointers, new_state


class CrfDecodeBackwardRnnCell(cells.RNNCell):
  """One backtracking step: the previous tag from the next one's pointers."""

  def __init__(self, num_tags):
    """Keeps the number of tags.

    Args:
      num_tags: int, the number of tags O.
    """
    super(CrfDecodeBackwardRnnCell, self).__init__()
    self._num_tags = num_tags

  @property
  def state_size(self):
    return 1

  @property
  def output_size(self):
    return 1

  def __call__(self, inputs, state, scope=None):
    """One backward step.

    Args:
      inputs: int32 [B, O] backpointers of the next step (in time order).
      state: int32 [B, 1] tag chosen at the next step.
      scope: unused (the cell has no variables).

    Returns:
      (new_tags, new_tags): int32 [B, 1] tags at this step, as output and as
      state.
    """
    tags = tf.squeeze(state, axis=[1])
    rows = tf.range(tf.shape(inputs)[0])
    new_tags = tf.expand_dims(
        tf.gather_nd(inputs, tf.stack([rows, tags], axis=1)), axis=-1)
    return new_tags, new_tags


def viterbi_decode(score, transition_params):
  """Highest-scoring tag sequence of one example, in NumPy (at test time).

  Args:
    score: [seq_len, O] NumPy array of unary potentials (seq_len >= 1).
    transition_params: [O, O] NumPy array of transition scores.

  Returns:
    (viterbi, viterbi_score): a list of seq_len NumPy integers, the best
    tags, and the best sequence's score (a NumPy float).

  Raises:
    IndexError: ``score`` has no rows (NumPy's error, as in TF 1.15).
  """
  best = np.zeros_like(score)
  pointers = np.zeros_like(score, dtype=np.int32)
  best[0] = score[0]
  for t in range(1, score.shape[0]):
    # [from, to]: best score ending in `from`, plus the transition.
    candidates = best[t - 1][:, np.newaxis] + transition_params
    best[t] = score[t] + candidates.max(axis=0)
    pointers[t] = candidates.argmax(axis=0)
  tags = [np.argmax(best[-1])]
  for step_pointers in pointers[:0:-1]:
    tags.append(step_pointers[tags[-1]])
  tags.reverse()
  return tags, np.max(best[-1])


def crf_decode(potentials, transition_params, sequence_length):
  """Highest-scoring tag sequences of a batch, in the graph (Viterbi).

  Args:
    potentials: float32 [B, T, O] unary potentials (O known at build time).
    transition_params: float32 [O, O] transition scores.
    sequence_length: [B] true lengths (int32 or int64).

  Returns:
    (decode_tags, best_score): int32 [B, T] best tags (beyond an example's
    length: the padding TF 1.15 leaves there) and float32 [B] their scores.
  """
  def one_step():
    squeezed = tf.squeeze(potentials, [1])
    tags = tf.expand_dims(tf.argmax(squeezed, axis=1), 1)
    return tf.cast(tags, dtype=tf.int32), tf.reduce_max(squeezed, axis=1)

  def many_steps():
    num_tags = _tf.dim_value(potentials.shape[2])
    first, rest = _first_and_rest(potentials)
    lengths_less_one = _lengths_less_one(sequence_length)
    backpointers, last_score = tf1.nn.dynamic_rnn(  # [B, T-1, O], [B, O]
        CrfDecodeForwardRnnCell(transition_params), inputs=rest,
        sequence_length=lengths_less_one, initial_state=first,
        time_major=False, dtype=tf.int32)
    backpointers = tf1.reverse_sequence(backpointers, lengths_less_one,
                                        seq_axis=1, batch_axis=0)
    last_tag = tf.expand_dims(
        tf.cast(tf.argmax(last_score, axis=1), dtype=tf.int32), axis=-1)
    tags, _ = tf1.nn.dynamic_rnn(  # [B, T-1, 1]
        CrfDecodeBackwardRnnCell(num_tags), inputs=backpointers,
        sequence_length=lengths_less_one, initial_state=last_tag,
        time_major=False, dtype=tf.int32)
    tags = tf.concat([last_tag, tf.squeeze(tags, axis=[2])], axis=1)
    tags = tf1.reverse_sequence(tags, sequence_length, seq_axis=1,
                                batch_axis=0)
    return tags, tf.reduce_max(last_score, axis=1)

  return _if_one_step(potentials, one_step, many_steps)
