"""TF 1.15's ``tf.contrib.seq2seq`` decoding: Decoder, BasicDecoder, helpers.

``dynamic_decode`` runs a ``Decoder`` in a ``tf.while_loop`` (control flow v1
or v2, whichever the graph uses) under the variable scope ``decoder``, so the
cell's and the output layer's variables get TF 1.15's names
(``decoder/basic_lstm_cell/kernel``, ``decoder/dense/kernel``).  The helpers
draw their samples with the same random ops and seeds as TF 1.15, so a seeded
``SampleEmbeddingHelper`` decodes the same ids.  Graph mode only; the beam
search lives in ``seq2seq_beam_search``.
"""
from __future__ import absolute_import, division, print_function

import abc
import collections

from legacy_pipeline._tf import tf, tf1

__all__ = [
    "Decoder", "BasicDecoder", "BasicDecoderOutput", "dynamic_decode",
    "Helper", "CustomHelper", "TrainingHelper", "GreedyEmbeddingHelper",
    "SampleEmbeddingHelper", "ScheduledEmbeddingTrainingHelper",
    "ScheduledOutputTrainingHelper", "InferenceHelper",
]


# -- shared small pieces (also used by seq2seq_beam_search) -------------------

def transpose_batch_time(x):
  """[batch, time, ...] <-> [time, batch, ...]; rank < 2 is returned as is."""
  static = x.get_shape()
  if static.ndims is not None and static.ndims < 2:
    return x
  rank = tf.rank(x)
  out = tf.transpose(x, tf.concat(([1, 0], tf.range(2, rank)), axis=0))
  if static.ndims is not None:
    dims = static.as_list()
    out.set_shape([dims[1], dims[0]] + dims[2:])
  else:
    out.set_shape(tf.TensorShape(None))
  return out


def as_shape(size):
  """A TensorShape from an int, a list or a TensorShape (a state size)."""
  if isinstance(size, tf.TensorShape):
    return size
  if isinstance(size, int):
    return tf.TensorShape([size])
  return tf.TensorShape(size)


def zero_tensors(size, batch_size, dtype):
  """Zeros of shape [batch_size] + size (an int or a TensorShape).

  Args:
    size: int, list of ints or TensorShape, fully defined.
    batch_size: int or int32 scalar tensor.
    dtype: dtype of the zeros.

  Returns:
    The zeros tensor (static batch dimension when batch_size is known).

  Raises:
    ValueError: `size` is not fully defined.
  """
  shape = as_shape(size)
  if not shape.is_fully_defined():
    raise ValueError("zero outputs need a fully defined size, got %s" % size)
  batch = tf.reshape(tf.convert_to_tensor(batch_size, dtype=tf.int32), [1])
  out = tf.zeros(tf.concat([batch, tf.constant(shape.as_list(), tf.int32)], 0),
                 dtype=dtype)
  out.set_shape(tf.TensorShape([tf.get_static_value(batch_size)])
                .concatenate(shape))
  return out


def is_tensor_array(value):
  """True for a TensorArray (state entries passed through untouched)."""
  return isinstance(value, tf.TensorArray)


def check_like_rnncell(name, cell):
  """Raises TypeError unless `cell` looks like an RNNCell (as TF 1.15).

  Args:
    name: the argument's name, for the error message.
    cell: the object to check: it needs ``output_size``, ``state_size``,
      ``get_initial_state`` or ``zero_state``, and must be callable.

  Raises:
    TypeError: `cell` misses any of those.
  """
  problems = []
  for attr in ("output_size", "state_size"):
    if not hasattr(cell, attr):
      problems.append("'%s' does not have %s property" % (name, attr))
  if not (hasattr(cell, "get_initial_state") or hasattr(cell, "zero_state")):
    problems.append("'%s' does not have get_initial_state or zero_state "
                    "method" % name)
  if not callable(cell):
    problems.append("'%s' is not callable" % name)
  if problems:
    raise TypeError("The argument %r (%s) is not an RNNCell: %s." %
                    (name, cell, ", ".join(problems)))


def check_output_layer(output_layer):
  """Raises TypeError unless `output_layer` is None or a layer."""
  if output_layer is not None and not (
      callable(output_layer) and hasattr(output_layer, "compute_output_shape")):
    raise TypeError("output_layer must be a Layer, received: %s" %
                    type(output_layer))


def layer_output_size(size, output_layer):
  """The output size of `output_layer` applied to outputs of `size`.

  Args:
    size: (nested) int or TensorShape, without the batch dimension.
    output_layer: a layer with ``compute_output_shape``, or None.

  Returns:
    `size` if there is no layer, else the layer's (nested) output
    TensorShapes without the batch dimension.
  """
  if output_layer is None:
    return size
  with_batch = tf.nest.map_structure(
      lambda s: tf.TensorShape([None]).concatenate(as_shape(s)), size)
  out = output_layer.compute_output_shape(with_batch)
  return tf.nest.map_structure(lambda s: tf.TensorShape(s)[1:], out)


def embedding_fn(embedding):
  """A callable ids -> vectors: `embedding` itself or a lookup in it."""
  if callable(embedding):
    return embedding
  return lambda ids: tf1.nn.embedding_lookup(embedding, ids)


# -- Decoder and dynamic_decode -----------------------------------------------

class Decoder(object, metaclass=abc.ABCMeta):
  """An RNN decoder: what ``dynamic_decode`` drives, step by step.

  A decoder maps `(time, inputs, state)` to `(outputs, next_state,
  next_inputs, finished)`; ``initialize`` gives the first inputs and state,
  ``finalize`` (optional) post-processes the stacked outputs.
  """

  @property
  def batch_size(self):
    """The batch size of the inputs (a scalar int32 tensor)."""
    raise NotImplementedError

  @property
  def output_size(self):
    """A (nested) int or TensorShape: the size of each step's output."""
    raise NotImplementedError

  @property
  def output_dtype(self):
    """A (nested) dtype: the dtype of each step's output."""
    raise NotImplementedError

  @abc.abstractmethod
  def initialize(self, name=None):
    """Returns `(finished, initial_inputs, initial_state)`.

    Args:
      name: name scope for the ops created.
    """
    raise NotImplementedError

  @abc.abstractmethod
  def step(self, time, inputs, state, name=None):
    """One decoding step.

    Args:
      time: scalar int32 tensor, the step number.
      inputs: (nested) input tensors of this step.
      state: (nested) state tensors and TensorArrays of the previous step.
      name: name scope for the ops created.

    Returns:
      `(outputs, next_state, next_inputs, finished)`.
    """
    raise NotImplementedError

  def finalize(self, outputs, final_state, sequence_lengths):
    """Post-processes the stacked outputs; default: not implemented.

    Args:
      outputs: the stacked (nested) outputs of all steps.
      final_state: the state after the last step.
      sequence_lengths: int32 [batch_size] lengths.

    Returns:
      `(final_outputs, final_state)`.

    Raises:
      NotImplementedError: the decoder has no finalize step.
    """
    raise NotImplementedError

  @property
  def tracks_own_finished(self):
    """True when the decoder keeps its own `finished` (beam search)."""
    return False


def _in_v1_while_loop():
  """True inside a control-flow-v1 while loop of the default graph."""
  graph = tf1.get_default_graph()
  getter = getattr(graph, "_get_control_flow_context", None)
  ctxt = getter() if getter is not None else None
  while ctxt is not None:
    if type(ctxt).__name__ == "WhileContext":
      return True
    ctxt = getattr(ctxt, "outer_context", None)
  return False


def dynamic_decode(decoder, output_time_major=False, impute_finished=False,
                   maximum_iterations=None, parallel_iterations=32,
                   swap_memory=False, scope=None, **kwargs):
  """Runs `decoder` until every batch entry is finished.

  Calls ``decoder.initialize()`` once and ``decoder.step()`` in a while loop
  under the variable scope `scope` (default ``decoder``).

  Args:
    decoder: a `Decoder`.
    output_time_major: bool; True returns [time, batch, ...] outputs, False
      (default) [batch, time, ...].
    impute_finished: bool; True zeroes the outputs and copies the state
      through for entries already finished.
    maximum_iterations: int32 scalar, the most steps to run; None runs until
      all entries are finished.
    parallel_iterations: passed to `tf.while_loop`.
    swap_memory: passed to `tf.while_loop`.
    scope: optional variable scope.
    **kwargs: accepted for TF 1.15's signature (used by its Keras decoders).

  Returns:
    `(final_outputs, final_state, final_sequence_lengths)`.

  Raises:
    TypeError: `decoder` is not a `Decoder`.
    ValueError: `maximum_iterations` is not a scalar.
  """
  del kwargs
  if not isinstance(decoder, Decoder):
    raise TypeError("Expected decoder to be type Decoder, but saw: %s" %
                    type(decoder))
  with tf1.variable_scope(scope, "decoder") as varscope:
    _cache_on_op_device(varscope)
    maximum_iterations = _checked_maximum_iterations(maximum_iterations)

    initial_finished, initial_inputs, initial_state = decoder.initialize()
    zero_outputs = tf.nest.map_structure(
        lambda s, d: zero_tensors(s, decoder.batch_size, d),
        decoder.output_size, decoder.output_dtype)
    if maximum_iterations is not None:
      initial_finished = tf.logical_or(initial_finished,
                                       0 >= maximum_iterations)
    initial_lengths = tf.zeros_like(initial_finished, dtype=tf.int32)
    initial_time = tf.constant(0, dtype=tf.int32)
    initial_tas = _initial_output_arrays(decoder)

    def body(time, tas, state, inputs, finished, lengths):
      outputs, decoder_state, next_inputs, decoder_finished = decoder.step(
          time, inputs, state)
      if decoder.tracks_own_finished:
        next_finished = decoder_finished
      else:
        next_finished = tf.logical_or(decoder_finished, finished)
      next_lengths = tf1.where(tf.logical_not(finished),
                               tf.fill(tf.shape(lengths), time + 1), lengths)
      tf.nest.assert_same_structure(state, decoder_state)
      tf.nest.assert_same_structure(tas, outputs)
      tf.nest.assert_same_structure(inputs, next_inputs)
      if impute_finished:
        emit, next_state = _impute_finished(finished, outputs, zero_outputs,
                                            decoder_state, state)
      else:
        emit = outputs
        next_state = decoder_state
      tas = tf.nest.map_structure(lambda ta, out: ta.write(time, out), tas,
                                  emit)
      return (time + 1, tas, next_state, next_inputs, next_finished,
              next_lengths)

    res = tf1.while_loop(
        _decode_condition, body,
        loop_vars=(initial_time, initial_tas, initial_state, initial_inputs,
                   initial_finished, initial_lengths),
        parallel_iterations=parallel_iterations,
        maximum_iterations=maximum_iterations, swap_memory=swap_memory)
    final_outputs, final_state, final_lengths = _finalize_decode(
        decoder, res, output_time_major)
  return final_outputs, final_state, final_lengths


def _cache_on_op_device(varscope):
  """In graph mode outside a v1 while loop, caches variables on op devices."""
  if not tf.executing_eagerly() and not _in_v1_while_loop():
    if varscope.caching_device is None:
      varscope.set_caching_device(lambda op: op.device)


def _checked_maximum_iterations(maximum_iterations):
  """`maximum_iterations` as an int32 scalar tensor (or None).

  Args:
    maximum_iterations: None or an int32 scalar.

  Returns:
    None, or the int32 tensor ``maximum_iterations``.

  Raises:
    ValueError: `maximum_iterations` is not a scalar.
  """
  if maximum_iterations is None:
    return None
  maximum_iterations = tf.convert_to_tensor(
      maximum_iterations, dtype=tf.int32, name="maximum_iterations")
  if maximum_iterations.get_shape().ndims != 0:
    raise ValueError("maximum_iterations must be a scalar")
  return maximum_iterations


def _initial_output_arrays(decoder):
  """One empty dynamic-size TensorArray per (nested) decoder output."""
  def _element_shape(size):
    if not isinstance(size, tf.TensorShape) or size.ndims == 0:
      return None
    batch = tf.get_static_value(
        tf.convert_to_tensor(decoder.batch_size, name="batch_size"))
    return tf.TensorShape([batch]).concatenate(size)

  return tf.nest.map_structure(
      lambda s, d: tf.TensorArray(dtype=d, size=0, dynamic_size=True,
                                  element_shape=_element_shape(s)),
      decoder.output_size, decoder.output_dtype)


def _decode_condition(unused_time, unused_tas, unused_state, unused_inputs,
                      finished, unused_lengths):
  """The decode loop's condition: some entry is not finished.

  Args:
    unused_time, unused_tas, unused_state, unused_inputs: loop variables.
    finished: bool [batch_size], the finished entries.
    unused_lengths: loop variable.

  Returns:
    bool scalar tensor.
  """
  return tf.logical_not(tf.reduce_all(finished))


def _impute_finished(finished, outputs, zero_outputs, decoder_state, state):
  """Zero outputs and copied-through state for the finished entries.

  Args:
    finished: bool [batch_size], the entries finished before this step.
    outputs: the step's (nested) outputs.
    zero_outputs: (nested) zeros shaped like `outputs`.
    decoder_state: the step's new (nested) state.
    state: the previous (nested) state.

  Returns:
    `(emit, next_state)`.
  """
  emit = tf.nest.map_structure(
      lambda out, zero: tf1.where(finished, zero, out), outputs,
      zero_outputs)

  def _copy_through(new, cur):
    if is_tensor_array(cur):
      return new
    new.set_shape(cur.shape)
    if new.shape.ndims == 0:
      return new
    return tf1.where(finished, cur, new)

  return emit, tf.nest.map_structure(_copy_through, decoder_state, state)


def _finalize_decode(decoder, res, output_time_major):
  """Stacks the loop's outputs and runs ``decoder.finalize`` if it has one.

  Args:
    decoder: the `Decoder`.
    res: the while loop's results (time, tas, state, inputs, finished,
      lengths).
    output_time_major: bool; False transposes to [batch, time, ...].

  Returns:
    `(final_outputs, final_state, final_lengths)`.
  """
  final_state = res[2]
  final_lengths = res[5]
  final_outputs = tf.nest.map_structure(lambda ta: ta.stack(), res[1])
  try:
    final_outputs, final_state = decoder.finalize(
        final_outputs, final_state, final_lengths)
  except NotImplementedError:
    pass
  if not output_time_major:
    final_outputs = tf.nest.map_structure(transpose_batch_time,
                                          final_outputs)
  return final_outputs, final_state, final_lengths


# -- BasicDecoder -------------------------------------------------------------

class BasicDecoderOutput(
    collections.namedtuple("BasicDecoderOutput", ("rnn_output", "sample_id"))):
  """One step's output of a BasicDecoder: (rnn_output, sample_id)."""
  pass


class BasicDecoder(Decoder):
  """Basic sampling decoder: a cell, a helper and an optional output layer."""

  def __init__(self, cell, helper, initial_state, output_layer=None):
    """Initializes a BasicDecoder.

    Args:
      cell: an RNNCell.
      helper: a `Helper`.
      initial_state: (nested) tensors and TensorArrays, the cell's initial
        state.
      output_layer: optional layer (e.g. ``tf.layers.Dense``) applied to the
        cell output before it is stored and sampled.

    Raises:
      TypeError: `cell`, `helper` or `output_layer` has a wrong type.
    """
    check_like_rnncell("cell", cell)
    if not isinstance(helper, Helper):
      raise TypeError("helper must be a Helper, received: %s" % type(helper))
    check_output_layer(output_layer)
    self._cell = cell
    self._helper = helper
    self._initial_state = initial_state
    self._output_layer = output_layer

  @property
  def batch_size(self):
    return self._helper.batch_size

  def _rnn_output_size(self):
    return layer_output_size(self._cell.output_size, self._output_layer)

  @property
  def output_size(self):
    return BasicDecoderOutput(rnn_output=self._rnn_output_size(),
                              sample_id=self._helper.sample_ids_shape)

  @property
  def output_dtype(self):
    dtype = tf.nest.flatten(self._initial_state)[0].dtype
    return BasicDecoderOutput(
        tf.nest.map_structure(lambda _: dtype, self._rnn_output_size()),
        self._helper.sample_ids_dtype)

  def initialize(self, name=None):
    """Returns `(finished, first_inputs, initial_state)`.

    Args:
      name: name scope for the ops created.
    """
    return self._helper.initialize() + (self._initial_state,)

  def step(self, time, inputs, state, name=None):
    """One step: the cell, the output layer, then the helper.

    Args:
      time: scalar int32 tensor.
      inputs: (nested) input tensors.
      state: (nested) state tensors and TensorArrays.
      name: name scope for the ops created.

    Returns:
      `(outputs, next_state, next_inputs, finished)`.
    """
    with tf1.name_scope(name, "BasicDecoderStep", (time, inputs, state)):
      cell_outputs, cell_state = self._cell(inputs, state)
      if self._output_layer is not None:
        cell_outputs = self._output_layer(cell_outputs)
      sample_ids = self._helper.sample(time=time, outputs=cell_outputs,
                                       state=cell_state)
      finished, next_inputs, next_state = self._helper.next_inputs(
          time=time, outputs=cell_outputs, state=cell_state,
          sample_ids=sample_ids)
    outputs = BasicDecoderOutput(cell_outputs, sample_ids)
    return outputs, next_state, next_inputs, finished


# -- sampling (TF 1.15's ops and seeds) ---------------------------------------

def _call_sampler(sample_n_fn, sample_shape, name=None):
  """Reshapes n = prod(sample_shape) draws to sample_shape + batch shape."""
  with tf1.name_scope(name, "call_sampler", values=[sample_shape]):
    sample_shape = tf.convert_to_tensor(sample_shape, dtype=tf.int32,
                                        name="sample_shape")
    pad = tf.cast(tf.equal(tf.rank(sample_shape), 0), tf.int32)
    sample_shape = tf.reshape(
        sample_shape,
        tf.pad(tf.shape(sample_shape), paddings=[[pad, 0]],
               constant_values=1))
    samples = sample_n_fn(tf.reduce_prod(sample_shape))
    final_shape = tf.concat([sample_shape, tf.shape(samples)[1:]], 0)
    return tf.reshape(samples, final_shape)


def _bernoulli_sample(probs, dtype=tf.int32, sample_shape=(), seed=None):
  probs = tf.convert_to_tensor(probs, name="probs")
  batch_shape = tf.shape(probs)

  def _sample_n(n):
    uniform = tf1.random_uniform(tf.concat([[n], batch_shape], 0), seed=seed,
                                 dtype=probs.dtype)
    return tf.cast(tf.less(uniform, probs), dtype)
  return _call_sampler(_sample_n, sample_shape)


def _categorical_sample(logits, dtype=tf.int32, sample_shape=(), seed=None):
  logits = tf.convert_to_tensor(logits, name="logits")
  event_size = tf.shape(logits)[-1]
  batch_shape = tf.shape(logits)[:-1]

  def _sample_n(n):
    if logits.shape.ndims == 2:
      logits_2d = logits
    else:
      logits_2d = tf.reshape(logits, [-1, event_size])
    draw_dtype = tf.int64 if logits.dtype.size > 4 else tf.int32
    draws = tf1.multinomial(logits_2d, n, seed=seed, output_dtype=draw_dtype)
    draws = tf.reshape(tf.transpose(draws), tf.concat([[n], batch_shape], 0))
    return tf.cast(draws, dtype)
  return _call_sampler(_sample_n, sample_shape)


def _unstack_ta(inp):
  return tf.TensorArray(dtype=inp.dtype, size=tf.shape(inp)[0],
                        element_shape=inp.get_shape()[1:]).unstack(inp)


# -- helpers ------------------------------------------------------------------

class Helper(object, metaclass=abc.ABCMeta):
  """Interface of the sampling helpers a `BasicDecoder` uses."""

  @property
  @abc.abstractmethod
  def batch_size(self):
    """The batch size (a scalar int32 tensor)."""
    raise NotImplementedError("batch_size has not been implemented")

  @property
  @abc.abstractmethod
  def sample_ids_shape(self):
    """The TensorShape of each sample id (without the batch)."""
    raise NotImplementedError("sample_ids_shape has not been implemented")

  @property
  @abc.abstractmethod
  def sample_ids_dtype(self):
    """The dtype of the sample ids."""
    raise NotImplementedError("sample_ids_dtype has not been implemented")

  @abc.abstractmethod
  def initialize(self, name=None):
    """Returns `(initial_finished, initial_inputs)`."""
    pass

  @abc.abstractmethod
  def sample(self, time, outputs, state, name=None):
    """Returns the sample ids of a step.

    Args:
      time: int32 scalar, the step.
      outputs: the cell's (projected) outputs of the step.
      state: the cell state after the step.
      name: name scope of the ops.

    Returns:
      The sample ids, [batch] + ``sample_ids_shape``.
    """
    pass

  @abc.abstractmethod
  def next_inputs(self, time, outputs, state, sample_ids, name=None):
    """Returns `(finished, next_inputs, next_state)`.

    Args:
      time: int32 scalar, the step.
      outputs: the cell's (projected) outputs of the step.
      state: the cell state after the step.
      sample_ids: the step's sample ids (from ``sample``).
      name: name scope of the ops.

    Returns:
      ``(finished, next_inputs, next_state)``: bool [batch], the next
      step's inputs and the state passed on.
    """
    pass


class CustomHelper(Helper):
  """A helper made of three user callables."""

  def __init__(self, initialize_fn, sample_fn, next_inputs_fn,
               sample_ids_shape=None, sample_ids_dtype=None):
    """Initializes a CustomHelper.

    Args:
      initialize_fn: callable returning `(finished, next_inputs)`.
      sample_fn: callable `(time, outputs, state)` -> `sample_ids`.
      next_inputs_fn: callable `(time, outputs, state, sample_ids)` ->
        `(finished, next_inputs, next_state)`.
      sample_ids_shape: list of ints or 1-D int32 tensor; default scalar.
      sample_ids_dtype: dtype of the sample ids; default int32.
    """
    self._initialize_fn = initialize_fn
    self._sample_fn = sample_fn
    self._next_inputs_fn = next_inputs_fn
    self._batch_size = None
    self._sample_ids_shape = tf.TensorShape(sample_ids_shape or [])
    self._sample_ids_dtype = sample_ids_dtype or tf.int32

  @property
  def batch_size(self):
    if self._batch_size is None:
      raise ValueError("batch_size accessed before initialize was called")
    return self._batch_size

  @property
  def sample_ids_shape(self):
    return self._sample_ids_shape

  @property
  def sample_ids_dtype(self):
    return self._sample_ids_dtype

  def initialize(self, name=None):
    with tf1.name_scope(name, "%sInitialize" % type(self).__name__):
      finished, next_inputs = self._initialize_fn()
      if self._batch_size is None:
        self._batch_size = tf.size(finished)
    return finished, next_inputs

  def sample(self, time, outputs, state, name=None):
    """Calls `sample_fn(time=, outputs=, state=)`.

    Args:
      time: int32 scalar, the step.
      outputs: the cell's (projected) outputs of the step.
      state: the cell state after the step.
      name: name scope of the ops.

    Returns:
      What `sample_fn` returns.
    """
    with tf1.name_scope(name, "%sSample" % type(self).__name__,
                        (time, outputs, state)):
      return self._sample_fn(time=time, outputs=outputs, state=state)

  def next_inputs(self, time, outputs, state, sample_ids, name=None):
    """Calls `next_inputs_fn(time=, outputs=, state=, sample_ids=)`.

    Args:
      time: int32 scalar, the step.
      outputs: the cell's (projected) outputs of the step.
      state: the cell state after the step.
      sample_ids: the step's sample ids (from ``sample``).
      name: name scope of the ops.

    Returns:
      What `next_inputs_fn` returns.
    """
    with tf1.name_scope(name, "%sNextInputs" % type(self).__name__,
                        (time, outputs, state)):
      return self._next_inputs_fn(time=time, outputs=outputs, state=state,
                                  sample_ids=sample_ids)


class TrainingHelper(Helper):
  """Teacher forcing: reads the next input from `inputs`; ids are argmaxes."""

  def __init__(self, inputs, sequence_length, time_major=False, name=None):
    """Initializes a TrainingHelper.

    Args:
      inputs: input tensor, [batch, time, ...] (or [time, batch, ...]).
      sequence_length: int32 vector [batch].
      time_major: bool, whether `inputs` is time major.
      name: name scope for the ops created.

    Raises:
      ValueError: `sequence_length` is not a vector.
    """
    with tf1.name_scope(name, "TrainingHelper", [inputs, sequence_length]):
      inputs = tf.convert_to_tensor(inputs, name="inputs")
      self._inputs = inputs
      if not time_major:
        inputs = tf.nest.map_structure(transpose_batch_time, inputs)
      self._input_tas = tf.nest.map_structure(_unstack_ta, inputs)
      self._sequence_length = tf.convert_to_tensor(sequence_length,
                                                   name="sequence_length")
      if self._sequence_length.get_shape().ndims != 1:
        raise ValueError(
            "Expected sequence_length to be a vector, but received shape: %s" %
            self._sequence_length.get_shape())
      self._zero_inputs = tf.nest.map_structure(
          lambda inp: tf.zeros_like(inp[0, :]), inputs)
      self._batch_size = tf.size(sequence_length)

  @property
  def inputs(self):
    return self._inputs

  @property
  def sequence_length(self):
    return self._sequence_length

  @property
  def batch_size(self):
    return self._batch_size

  @property
  def sample_ids_shape(self):
    return tf.TensorShape([])

  @property
  def sample_ids_dtype(self):
    return tf.int32

  def initialize(self, name=None):
    with tf1.name_scope(name, "TrainingHelperInitialize"):
      finished = tf.equal(0, self._sequence_length)
      next_inputs = tf1.cond(
          tf.reduce_all(finished), lambda: self._zero_inputs,
          lambda: tf.nest.map_structure(lambda ta: ta.read(0),
                                        self._input_tas))
      return finished, next_inputs

  def sample(self, time, outputs, name=None, **unused_kwargs):
    """The argmax of `outputs` over the last axis, as int32.

    Args:
      time: int32 scalar, the step.
      outputs: logits [batch, ..., depth].
      name: name scope of the ops.
      **unused_kwargs: ignored (e.g. ``state``).

    Returns:
      int32 ids, `outputs`' shape without its last axis.
    """
    with tf1.name_scope(name, "TrainingHelperSample", [time, outputs]):
      return tf.cast(tf.argmax(outputs, axis=-1), tf.int32)

  def next_inputs(self, time, outputs, state, name=None, **unused_kwargs):
    """The inputs of step ``time + 1`` (zeros once all are finished).

    Args:
      time: int32 scalar, the step.
      outputs: the step's outputs (unused).
      state: the cell state, passed on.
      name: name scope of the ops.
      **unused_kwargs: ignored (e.g. ``sample_ids``).

    Returns:
      ``(finished, next_inputs, state)``; finished where ``time + 1 >=
      sequence_length``.
    """
    with tf1.name_scope(name, "TrainingHelperNextInputs",
                        [time, outputs, state]):
      next_time = time + 1
      finished = next_time >= self._sequence_length
      next_inputs = tf1.cond(
          tf.reduce_all(finished), lambda: self._zero_inputs,
          lambda: tf.nest.map_structure(lambda ta: ta.read(next_time),
                                        self._input_tas))
      return finished, next_inputs, state


def _check_sampling_probability(probability):
  probability = tf.convert_to_tensor(probability, name="sampling_probability")
  if probability.get_shape().ndims not in (0, 1):
    raise ValueError(
        "sampling_probability must be either a scalar or a vector. "
        "saw shape: %s" % (probability.get_shape()))
  return probability


def _scatter_merge(where_a, updates_a, where_b, updates_b, like):
  shape = tf.shape(like)
  return (tf.scatter_nd(indices=where_a, updates=updates_a, shape=shape) +
          tf.scatter_nd(indices=where_b, updates=updates_b, shape=shape))


class ScheduledEmbeddingTrainingHelper(TrainingHelper):
  """Training helper that feeds back sampled ids with a probability.

  Sample ids are -1 where no sampling took place.
  """

  def __init__(self, inputs, sequence_length, embedding, sampling_probability,
               time_major=False, seed=None, scheduling_seed=None, name=None):
    """Initializes a ScheduledEmbeddingTrainingHelper.

    Args:
      inputs: input tensor.
      sequence_length: int32 vector [batch].
      embedding: callable ids -> vectors, or the params of embedding_lookup.
      sampling_probability: float32 scalar or vector, the probability of
        feeding back a sampled id instead of reading the input.
      time_major: bool, whether `inputs` is time major.
      seed: seed of the categorical sampling.
      scheduling_seed: seed of the decision to sample.
      name: name scope for the ops created.

    Raises:
      ValueError: `sampling_probability` is neither a scalar nor a vector.
    """
    with tf1.name_scope(name, "ScheduledEmbeddingSamplingWrapper",
                        [embedding, sampling_probability]):
      self._embedding_fn = embedding_fn(embedding)
      self._sampling_probability = _check_sampling_probability(
          sampling_probability)
      self._seed = seed
      self._scheduling_seed = scheduling_seed
      super(ScheduledEmbeddingTrainingHelper, self).__init__(
          inputs=inputs, sequence_length=sequence_length,
          time_major=time_major, name=name)

  def initialize(self, name=None):
    return super(ScheduledEmbeddingTrainingHelper, self).initialize(name=name)

  def sample(self, time, outputs, state, name=None):
    """Ids sampled from `outputs`, each row with sampling_probability.

    Args:
      time: int32 scalar, the step.
      outputs: the cell's (projected) outputs of the step.
      state: the cell state after the step.
      name: name scope of the ops.

    Returns:
      int32 [batch] ids; -1 where the true input is kept.
    """
    with tf1.name_scope(name, "ScheduledEmbeddingTrainingHelperSample",
                        [time, outputs, state]):
      select = _bernoulli_sample(
          probs=self._sampling_probability, dtype=tf.bool,
          sample_shape=self.batch_size, seed=self._scheduling_seed)
      return tf1.where(select,
                       _categorical_sample(logits=outputs, seed=self._seed),
                       tf.fill([self.batch_size], -1))

  def next_inputs(self, time, outputs, state, sample_ids, name=None):
    """The true next inputs, with the sampled ids' embeddings where ids > -1.

    Args:
      time: int32 scalar, the step.
      outputs: the cell's (projected) outputs of the step.
      state: the cell state after the step.
      sample_ids: the step's sample ids (from ``sample``).
      name: name scope of the ops.

    Returns:
      ``(finished, next_inputs, next_state)``: bool [batch], the next
      step's inputs and the state passed on.
    """
    with tf1.name_scope(name, "ScheduledEmbeddingTrainingHelperNextInputs",
                        [time, outputs, state, sample_ids]):
      finished, base_next_inputs, state = (
          super(ScheduledEmbeddingTrainingHelper, self).next_inputs(
              time=time, outputs=outputs, state=state,
              sample_ids=sample_ids, name=name))

      def maybe_sample():
        where_sampling = tf.cast(tf1.where(sample_ids > -1), tf.int32)
        where_not = tf.cast(tf1.where(sample_ids <= -1), tf.int32)
        ids = tf.gather_nd(sample_ids, where_sampling)
        kept = tf.gather_nd(base_next_inputs, where_not)
        return _scatter_merge(where_sampling, self._embedding_fn(ids),
                              where_not, kept, base_next_inputs)

      next_inputs = tf1.cond(tf.reduce_all(finished),
                             lambda: base_next_inputs, maybe_sample)
      return finished, next_inputs, state


class ScheduledOutputTrainingHelper(TrainingHelper):
  """Training helper that feeds back the outputs with a probability.

  Sample ids are True where the output was fed back, False elsewhere.
  """

  def __init__(self, inputs, sequence_length, sampling_probability,
               time_major=False, seed=None, next_inputs_fn=None,
               auxiliary_inputs=None, name=None):
    """Initializes a ScheduledOutputTrainingHelper.

    Args:
      inputs: input tensor.
      sequence_length: int32 vector [batch].
      sampling_probability: float32 scalar or vector, the probability of
        feeding back the output instead of reading the input.
      time_major: bool, whether `inputs` is time major.
      seed: the sampling seed.
      next_inputs_fn: optional callable applied to the outputs fed back.
      auxiliary_inputs: optional tensor concatenated (last axis) to the
        inputs, and to the outputs fed back.
      name: name scope for the ops created.

    Raises:
      ValueError: `sampling_probability` is neither a scalar nor a vector.
    """
    with tf1.name_scope(name, "ScheduledOutputTrainingHelper",
                        [inputs, auxiliary_inputs, sampling_probability]):
      self._sampling_probability = _check_sampling_probability(
          sampling_probability)
      if auxiliary_inputs is None:
        merged_inputs = inputs
      else:
        inputs = tf.convert_to_tensor(inputs, name="inputs")
        auxiliary_inputs = tf.convert_to_tensor(auxiliary_inputs,
                                                name="auxiliary_inputs")
        merged_inputs = tf.nest.map_structure(
            lambda x, y: tf.concat((x, y), -1), inputs, auxiliary_inputs)
        if not time_major:
          auxiliary_inputs = tf.nest.map_structure(transpose_batch_time,
                                                   auxiliary_inputs)
      self._auxiliary_input_tas = (
          tf.nest.map_structure(_unstack_ta, auxiliary_inputs)
          if auxiliary_inputs is not None else None)
      self._seed = seed
      self._next_inputs_fn = next_inputs_fn
      super(ScheduledOutputTrainingHelper, self).__init__(
          inputs=merged_inputs, sequence_length=sequence_length,
          time_major=time_major, name=name)

  def initialize(self, name=None):
    return super(ScheduledOutputTrainingHelper, self).initialize(name=name)

  def sample(self, time, outputs, state, name=None):
    """Bernoulli draws with sampling_probability: where to feed back.

    Args:
      time: int32 scalar, the step.
      outputs: the cell's (projected) outputs of the step.
      state: the cell state after the step.
      name: name scope of the ops.

    Returns:
      int32 [batch] sample ids, 1 where the output is fed back.
    """
    with tf1.name_scope(name, "ScheduledOutputTrainingHelperSample",
                        [time, outputs, state]):
      return _bernoulli_sample(probs=self._sampling_probability,
                               sample_shape=self.batch_size, seed=self._seed)

  def next_inputs(self, time, outputs, state, sample_ids, name=None):
    """The true next inputs, or the (mapped) outputs where sampled.

    Args:
      time: int32 scalar, the step.
      outputs: the cell's (projected) outputs of the step.
      state: the cell state after the step.
      sample_ids: the step's sample ids (from ``sample``).
      name: name scope of the ops.

    Returns:
      ``(finished, next_inputs, next_state)``: bool [batch], the next
      step's inputs and the state passed on.
    """
    with tf1.name_scope(name, "ScheduledOutputTrainingHelperNextInputs",
                        [time, outputs, state, sample_ids]):
      finished, base_next_inputs, state = (
          super(ScheduledOutputTrainingHelper, self).next_inputs(
              time=time, outputs=outputs, state=state,
              sample_ids=sample_ids, name=name))
      sample_ids = tf.cast(sample_ids, tf.bool)

      def with_auxiliary(outputs_, indices=None):
        if self._auxiliary_input_tas is None:
          return outputs_
        aux = tf.nest.map_structure(lambda ta: ta.read(time + 1),
                                    self._auxiliary_input_tas)
        if indices is not None:
          aux = tf.gather_nd(aux, indices)
        return tf.nest.map_structure(lambda x, y: tf.concat((x, y), -1),
                                     outputs_, aux)

      def maybe_sample():
        if self._next_inputs_fn is None:
          return tf1.where(sample_ids, with_auxiliary(outputs),
                           base_next_inputs)
        where_sampling = tf.cast(tf1.where(sample_ids), tf.int32)
        where_not = tf.cast(tf1.where(tf.logical_not(sample_ids)), tf.int32)
        fed_back = with_auxiliary(
            self._next_inputs_fn(tf.gather_nd(outputs, where_sampling)),
            where_sampling)
        kept = tf.gather_nd(base_next_inputs, where_not)
        return _scatter_merge(where_sampling, fed_back, where_not, kept,
                              base_next_inputs)

      no_samples = tf.logical_not(tf.reduce_any(sample_ids))
      next_inputs = tf1.cond(
          tf.logical_or(tf.reduce_all(finished), no_samples),
          lambda: base_next_inputs, maybe_sample)
      return finished, next_inputs, state


class GreedyEmbeddingHelper(Helper):
  """Inference: feeds back the embedding of the argmax of the logits."""

  def __init__(self, embedding, start_tokens, end_token):
    """Initializes a GreedyEmbeddingHelper.

    Args:
      embedding: callable ids -> vectors, or the params of embedding_lookup.
      start_tokens: int32 vector [batch], the start tokens.
      end_token: int32 scalar, the token that ends decoding.

    Raises:
      ValueError: `start_tokens` is not a vector or `end_token` not a scalar.
    """
    self._embedding_fn = embedding_fn(embedding)
    self._start_tokens = tf.convert_to_tensor(start_tokens, dtype=tf.int32,
                                              name="start_tokens")
    self._end_token = tf.convert_to_tensor(end_token, dtype=tf.int32,
                                           name="end_token")
    if self._start_tokens.get_shape().ndims != 1:
      raise ValueError("start_tokens must be a vector")
    self._batch_size = tf.size(start_tokens)
    if self._end_token.get_shape().ndims != 0:
      raise ValueError("end_token must be a scalar")
    self._start_inputs = self._embedding_fn(self._start_tokens)

  @property
  def batch_size(self):
    return self._batch_size

  @property
  def sample_ids_shape(self):
    return tf.TensorShape([])

  @property
  def sample_ids_dtype(self):
    return tf.int32

  def initialize(self, name=None):
    finished = tf.tile([False], [self._batch_size])
    return finished, self._start_inputs

  def sample(self, time, outputs, state, name=None):
    """The argmax of the logits `outputs`.

    Args:
      time: int32 scalar, the step.
      outputs: the cell's (projected) outputs of the step.
      state: the cell state after the step.
      name: name scope of the ops.

    Returns:
      int32 [batch] ids.

    Raises:
      TypeError: `outputs` is not a single Tensor.
    """
    del time, state
    if not isinstance(outputs, tf.Tensor):
      raise TypeError("Expected outputs to be a single Tensor, got: %s" %
                      type(outputs))
    return tf.argmax(outputs, axis=-1, output_type=tf.int32)

  def next_inputs(self, time, outputs, state, sample_ids, name=None):
    """The embedding of `sample_ids`; finished where they are end_token.

    Args:
      time: int32 scalar, the step.
      outputs: the cell's (projected) outputs of the step.
      state: the cell state after the step.
      sample_ids: the step's sample ids (from ``sample``).
      name: name scope of the ops.

    Returns:
      ``(finished, next_inputs, next_state)``: bool [batch], the next
      step's inputs and the state passed on.
    """
    del time, outputs
    finished = tf.equal(sample_ids, self._end_token)
    next_inputs = tf1.cond(tf.reduce_all(finished),
                           lambda: self._start_inputs,
                           lambda: self._embedding_fn(sample_ids))
    return finished, next_inputs, state


class SampleEmbeddingHelper(GreedyEmbeddingHelper):
  """Inference: feeds back the embedding of an id sampled from the logits."""

  def __init__(self, embedding, start_tokens, end_token,
               softmax_temperature=None, seed=None):
    """Initializes a SampleEmbeddingHelper.

    Args:
      embedding: callable ids -> vectors, or the params of embedding_lookup.
      start_tokens: int32 vector [batch], the start tokens.
      end_token: int32 scalar, the token that ends decoding.
      softmax_temperature: optional float32 scalar > 0 dividing the logits.
      seed: optional sampling seed.

    Raises:
      ValueError: `start_tokens` is not a vector or `end_token` not a scalar.
    """
    super(SampleEmbeddingHelper, self).__init__(embedding, start_tokens,
                                                end_token)
    self._softmax_temperature = softmax_temperature
    self._seed = seed

  def sample(self, time, outputs, state, name=None):
    """An id sampled from the logits `outputs` (over the temperature).

    Args:
      time: int32 scalar, the step.
      outputs: the cell's (projected) outputs of the step.
      state: the cell state after the step.
      name: name scope of the ops.

    Returns:
      int32 [batch] ids.

    Raises:
      TypeError: `outputs` is not a single Tensor.
    """
    del time, state
    if not isinstance(outputs, tf.Tensor):
      raise TypeError("Expected outputs to be a single Tensor, got: %s" %
                      type(outputs))
    logits = outputs
    if self._softmax_temperature is not None:
      logits = outputs / self._softmax_temperature
    return _categorical_sample(logits=logits, seed=self._seed)


class InferenceHelper(Helper):
  """Inference with user callables: ids are fed back (or mapped) as inputs."""

  def __init__(self, sample_fn, sample_shape, sample_dtype, start_inputs,
               end_fn, next_inputs_fn=None):
    """Initializes an InferenceHelper.

    Args:
      sample_fn: callable outputs -> sample ids.
      sample_shape: list of ints or 1-D int32 tensor, each sample's shape.
      sample_dtype: the dtype of the samples.
      start_inputs: the first batch of inputs.
      end_fn: callable sample_ids -> bool vector [batch], finished flags.
      next_inputs_fn: optional callable sample_ids -> next inputs; default:
        the sample ids themselves.
    """
    self._sample_fn = sample_fn
    self._end_fn = end_fn
    self._sample_shape = tf.TensorShape(sample_shape)
    self._sample_dtype = sample_dtype
    self._next_inputs_fn = next_inputs_fn
    self._batch_size = tf.shape(start_inputs)[0]
    self._start_inputs = tf.convert_to_tensor(start_inputs,
                                              name="start_inputs")

  @property
  def batch_size(self):
    return self._batch_size

  @property
  def sample_ids_shape(self):
    return self._sample_shape

  @property
  def sample_ids_dtype(self):
    return self._sample_dtype

  def initialize(self, name=None):
    finished = tf.tile([False], [self._batch_size])
    return finished, self._start_inputs

  def sample(self, time, outputs, state, name=None):
    """`sample_fn(outputs)`.

    Args:
      time: int32 scalar, the step.
      outputs: the cell's (projected) outputs of the step.
      state: the cell state after the step.
      name: name scope of the ops.

    Returns:
      What `sample_fn` returns.
    """
    del time, state
    return self._sample_fn(outputs)

  def next_inputs(self, time, outputs, state, sample_ids, name=None):
    """`end_fn` of the ids, and the ids (or `next_inputs_fn` of them).

    Args:
      time: int32 scalar, the step.
      outputs: the cell's (projected) outputs of the step.
      state: the cell state after the step.
      sample_ids: the step's sample ids (from ``sample``).
      name: name scope of the ops.

    Returns:
      ``(finished, next_inputs, next_state)``: bool [batch], the next
      step's inputs and the state passed on.
    """
    del time, outputs
    if self._next_inputs_fn is None:
      next_inputs = sample_ids
    else:
      next_inputs = self._next_inputs_fn(sample_ids)
    return self._end_fn(sample_ids), next_inputs, state
