"""More of TF 1.15's tf.contrib.rnn: conv, grid and fused LSTMs, helpers.

In-house ports, with TF 1.15's constructor signatures, variable names and
math, of the ``tf.contrib.rnn`` names that TF 2.x no longer provides:

- ``ConvLSTMCell`` and ``Conv1DLSTMCell``/``Conv2DLSTMCell``/``Conv3DLSTMCell``
  (variables ``<cell>/kernel`` and ``<cell>/biases``);
- ``TimeFreqLSTMCell``, ``GridLSTMCell``, ``BidirectionalGridLSTMCell``
  (TF 1.15's ``W_*``/``B_*`` variables, sharded ``W_0``, ``W_1``...);
- ``FusedRNNCell`` (the abstract base), ``FusedRNNCellAdaptor``,
  ``TimeReversedFusedRNN``;
- ``LSTMBlockWrapper`` (the abstract base) and ``LSTMBlockFusedCell``, which
  runs TF's own ``BlockLSTM`` kernel (``tf.raw_ops.BlockLSTM``, present on
  every supported TF) with ``lstm_fused_cell/kernel`` and ``.../bias``;
- ``LayerRNNCell``: the base of cells that create their variables in
  ``build()`` through ``add_variable``;
- ``stack_bidirectional_rnn`` (static), ``transpose_batch_time``,
  ``best_effort_input_batch_size``.

Deliberately kept from TF 1.15: the plain cells (conv, grid, time-frequency)
open their scope under their own name, unnumbered, so a second unnamed cell
called directly in the same scope clashes as in TF 1.15;
``skip_connection=True`` makes a ConvLSTM's h wider than its state_size (one
step only, as in TF 1.15); TimeFreqLSTMCell's state_size/output_size ignore
the number of windows; GridLSTMCell's concatenated state is sliced per
window, not per block.  ``tf.contrib.rnn.CompiledWrapper`` is not ported.

Compatibility: graph mode (``tf.compat.v1``) only; TF 1.15 and TF 2.x, with
or without Keras 3.  The cells are plain objects (not Keras layers), usable
with ``tf.compat.v1.nn.dynamic_rnn``/``static_rnn`` and with the in-house or
native ``MultiRNNCell``.
"""
from __future__ import absolute_import, division, print_function

import abc
import collections

from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.nn import cells as _cells
from legacy_pipeline.nn import layers_base as _layers_base
from legacy_pipeline.nn import rnn as _rnn

LSTMStateTuple = _cells.LSTMStateTuple


# -- helpers ------------------------------------------------------------------


def transpose_batch_time(x):
  """Swaps the first two dimensions of `x` (batch and time).

  Args:
    x: a Tensor; returned unchanged if its static rank is below 2.

  Returns:
    `x` transposed along its first two dimensions, with as much static shape
    as is known.
  """
  static = x.get_shape()
  if static.ndims is not None and static.ndims < 2:
    return x
  perm = tf.concat(([1, 0], tf.range(2, tf.rank(x))), axis=0)
  out = tf.transpose(x, perm)
  if static.ndims is not None:
    dims = static.as_list()
    out.set_shape([dims[1], dims[0]] + dims[2:])
  else:
    out.set_shape(tf.TensorShape(None))
  return out


def best_effort_input_batch_size(flat_input):
  """The batch size of time-major inputs: static if known, else dynamic.

  Args:
    flat_input: a list of time-major Tensors `[max_time, batch_size, ...]`
      with compatible batch sizes.

  Returns:
    The batch size as a Python int when some input's static shape gives it,
    else the scalar Tensor ``tf.shape(flat_input[0])[1]``.

  Raises:
    ValueError: an input of known rank below 2.
  """
  for value in flat_input:
    shape = value.shape
    if shape.ndims is None:
      continue
    if shape.ndims < 2:
      raise ValueError("Expected input tensor %s to have rank at least 2" %
                       value)
    size = shape.as_list()[1]
    if size is not None:
      return size
  return tf.shape(flat_input[0])[1]


def stack_bidirectional_rnn(cells_fw, cells_bw, inputs,
                            initial_states_fw=None, initial_states_bw=None,
                            dtype=None, sequence_length=None, scope=None):
  """Stacked static bidirectional RNN (TF 1.15's tf.contrib.rnn function).

  Each layer runs ``tf.compat.v1.nn.static_bidirectional_rnn``; its
  concatenated forward and backward outputs feed the next layer.  Variables:
  ``<scope or stack_bidirectional_rnn>/cell_<i>/{fw,bw}/<cell>/...``.

  Args:
    cells_fw: non-empty list of forward cells, one per layer.
    cells_bw: list of backward cells, as long as `cells_fw`.
    inputs: list of `[batch_size, input_size]` Tensors, one per time step.
    initial_states_fw: optional list of forward initial states, one per layer.
    initial_states_bw: optional list of backward initial states, one per
      layer.
    dtype: the initial states' dtype when they are not given.
    sequence_length: optional int32/int64 vector `[batch_size]`.
    scope: variable scope; default ``stack_bidirectional_rnn``.

  Returns:
    (outputs, output_states_fw, output_states_bw): the last layer's list of
    `[batch_size, fw_size + bw_size]` outputs and the tuples of each layer's
    final forward and backward states.

  Raises:
    ValueError: empty, non-list or mismatched cell or initial-state lists.
  """
  _rnn.check_stack_args(cells_fw, cells_bw, initial_states_fw,
                        initial_states_bw)
  layer_input = inputs
  states_fw, states_bw = [], []
  with tf1.variable_scope(scope or "stack_bidirectional_rnn"):
    for i, (cell_fw, cell_bw) in enumerate(zip(cells_fw, cells_bw)):
      with tf1.variable_scope("cell_%d" % i) as cell_scope:
        layer_input, state_fw, state_bw = tf1.nn.static_bidirectional_rnn(
            cell_fw, cell_bw, layer_input,
            initial_state_fw=initial_states_fw[i] if initial_states_fw
            else None,
            initial_state_bw=initial_states_bw[i] if initial_states_bw
            else None,
            sequence_length=sequence_length, dtype=dtype, scope=cell_scope)
      states_fw.append(state_fw)
      states_bw.append(state_bw)
  return layer_input, tuple(states_fw), tuple(states_bw)


# -- LayerRNNCell -------------------------------------------------------------


class LayerRNNCell(_layers_base.Layer):
  """Base of RNN cells that create their variables in ``build()``.

  As TF 1.15's ``tf.contrib.rnn.LayerRNNCell``: subclasses define
  ``state_size``, ``output_size``, ``build(inputs_shape)`` (creating
  variables with ``self.add_variable``) and ``call(inputs, state)``; the
  first call opens the variable scope ``<class name in snake case>`` (or
  ``name``), numbered per graph like a TF 1.x layer's.

  Args:
    trainable: whether the cell's variables are trainable.
    name: the base of the variable scope's name.
    dtype: the variables' dtype; default: the inputs' dtype.
    **kwargs: passed to the in-house ``tf.layers.Layer`` (``_reuse``...).
  """

  # The in-house MultiRNNCell opens `cell._name or cell._default_name` for
  # each cell.  There a LayerRNNCell must sit under its scope's base name
  # (TF 1.15's ``cell_0/minimal_cell``), not under its layer name, which
  # TF 1.15 numbers from 1 (``minimal_cell_1``) and which ``name`` gives.
  @property
  def _name(self):
    return None

  @_name.setter
  def _name(self, value):
    self._layer_name = value

  @property
  def _default_name(self):
    return self._base_name

  @property
  def name(self):
    """The cell's layer name (unique per graph unless given)."""
    return self._layer_name

  @property
  def state_size(self):
    """Size(s) of the state: an int, a TensorShape, or a nested tuple."""
    raise NotImplementedError("Abstract method")

  @property
  def output_size(self):
    """Size of the output: an int or a TensorShape."""
    raise NotImplementedError("Abstract method")

  def __call__(self, inputs, state, scope=None, *args, **kwargs):
    """Runs one step: ``(output, new_state) = cell(inputs, state)``.

    Args:
      inputs: `[batch_size, input_size]` Tensor.
      state: the state, shaped as ``state_size``.
      scope: optional variable scope, used on the first call only.
      *args: passed to ``call``.
      **kwargs: passed to ``call``.

    Returns:
      (output, new_state).
    """
    return _layers_base.Layer.__call__(self, inputs, state, scope=scope,
                                       *args, **kwargs)

  def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
    """Zero state for `inputs`' batch (or `batch_size`, `dtype`).

    Args:
      inputs: optional Tensor (or convertible) [batch, ...]; its dynamic dim
        0 is the batch size and its dtype the default dtype.
      batch_size: batch size (int or int32 scalar) when inputs is None.
      dtype: state dtype; defaults to inputs' dtype when inputs is given.

    Returns:
      ``zero_state(batch_size, dtype)``.
    """
    if inputs is not None:
      inputs = tf.convert_to_tensor(inputs)
      batch_size = tf.shape(inputs)[0]
      dtype = dtype or inputs.dtype
    return self.zero_state(batch_size, dtype)

  def zero_state(self, batch_size, dtype):
    """Zero-filled state(s) `[batch_size] + size` per leaf of state_size.

    Args:
      batch_size: int or int32 scalar Tensor.
      dtype: dtype of the zeros.

    Returns:
      A Tensor, or a structure shaped like ``state_size`` of Tensors.
    """
    return _zero_state(self, batch_size, dtype)


def _zero_state(cell, batch_size, dtype):
  with tf1.name_scope(type(cell).__name__ + "ZeroState",
                      values=[batch_size]):
    return tf.nest.map_structure(
        lambda size: tf.zeros(_batched(batch_size, size), dtype=dtype),
        cell.state_size)


def _batched(batch_size, size):
  """[batch_size] + size as a shape Tensor (size: int or TensorShape)."""
  dims = tf.TensorShape(size).as_list()
  return tf.concat([tf.reshape(batch_size, [1]),
                    tf.constant(dims, dtype=tf.int32)], 0) if dims else \
      tf.reshape(batch_size, [1])


# -- convolutional LSTMs ------------------------------------------------------


def _conv(args, filter_size, num_features, bias, bias_start=0.0):
  """SAME convolution of concat(args) with ``kernel`` (+ ``biases``)."""
  shapes = [a.get_shape().as_list() for a in args]
  rank = len(shapes[0])
  depth = 0
  for shape in shapes:
    if len(shape) not in (3, 4, 5):
      raise ValueError("Conv Linear expects 3D, 4D or 5D arguments: %s" %
                       str(shapes))
    if len(shape) != rank:
      raise ValueError("Conv Linear expects all args to be of same "
                       "Dimension: %s" % str(shapes))
    depth += shape[-1]
  dtype = args[0].dtype
  kernel = tf1.get_variable(
      "kernel", list(filter_size) + [depth, num_features], dtype=dtype)
  x = args[0] if len(args) == 1 else tf.concat(args, axis=rank - 1)
  if rank == 3:
    res = tf1.nn.conv1d(x, kernel, 1, "SAME")
  elif rank == 4:
    res = tf1.nn.conv2d(x, kernel, [1] * rank, "SAME")
  else:
    res = tf1.nn.conv3d(x, kernel, [1] * rank, "SAME")
  if not bias:
    return res
  biases = tf1.get_variable(
      "biases", [num_features], dtype=dtype,
      initializer=tf1.constant_initializer(bias_start, dtype=dtype))
  return res + biases


class ConvLSTMCell(_cells.RNNCell):
  """Convolutional LSTM cell (https://arxiv.org/abs/1506.04214).

  Gates i, j, f, o come from one SAME convolution of ``[inputs, h]``
  (variables ``<name>/kernel`` of shape ``kernel_shape + [in + out channels,
  4 * output_channels]`` and ``<name>/biases``); the state is
  ``LSTMStateTuple(c, h)`` of shape ``input_shape[:-1] + [output_channels]``
  per example; with `skip_connection` the output (and h) also carries the
  inputs' channels.

  Args:
    conv_ndims: convolution dimensionality, 1, 2 or 3.
    input_shape: the inputs' shape without the batch dimension.
    output_channels: int, channels of the LSTM's output.
    kernel_shape: the kernel's spatial shape (conv_ndims ints).
    use_bias: whether the convolution has ``biases``.
    skip_connection: concatenate the inputs to the output.
    forget_bias: added to the forget gate.
    initializers: unused (as in TF 1.15).
    name: the variable scope's name (not numbered: as in TF 1.15, a second
      cell of the same name in the same scope clashes unless reused).

  Raises:
    ValueError: `input_shape` does not have conv_ndims + 1 dimensions.
  """

  def __init__(self, conv_ndims, input_shape, output_channels, kernel_shape,
               use_bias=True, skip_connection=False, forget_bias=1.0,
               initializers=None, name="conv_lstm_cell"):
    del initializers  # unused in TF 1.15 too
    # A plain RNNCell in TF 1.15: its scope is `name` itself, not numbered.
    super(ConvLSTMCell, self).__init__(name=name)
    if conv_ndims != len(input_shape) - 1:
      raise ValueError("Invalid input_shape {} for conv_ndims={}.".format(
          input_shape, conv_ndims))
    self._conv_ndims = conv_ndims
    self._input_shape = list(input_shape)
    self._output_channels = output_channels
    self._kernel_shape = list(kernel_shape)
    self._use_bias = use_bias
    self._forget_bias = forget_bias
    self._skip_connection = skip_connection
    total = output_channels
    if skip_connection:
      total += self._input_shape[-1]
    state = tf.TensorShape(self._input_shape[:-1] + [output_channels])
    self._state_size = LSTMStateTuple(state, state)
    self._output_size = tf.TensorShape(self._input_shape[:-1] + [total])

  @property
  def state_size(self):
    return self._state_size

  @property
  def output_size(self):
    return self._output_size

  def zero_state(self, batch_size, dtype):
    """Zero (c, h) of shape `[batch_size] + input_shape[:-1] + [channels]`.

    Args:
      batch_size: int or int32 scalar Tensor.
      dtype: dtype of the zeros.

    Returns:
      An ``LSTMStateTuple`` of zero Tensors.
    """
    return _zero_state(self, batch_size, dtype)

  def _step(self, inputs, state):
    c, h = state
    gates = _conv([inputs, h], self._kernel_shape, 4 * self._output_channels,
                  self._use_bias)
    i, j, f, o = tf.split(gates, 4, axis=self._conv_ndims + 1)
    new_c = tf.sigmoid(f + self._forget_bias) * c
    new_c += tf.sigmoid(i) * tf.tanh(j)
    out = tf.tanh(new_c) * tf.sigmoid(o)
    if self._skip_connection:
      out = tf.concat([out, inputs], axis=-1)
    return out, LSTMStateTuple(new_c, out)


class Conv1DLSTMCell(ConvLSTMCell):
  """ConvLSTMCell with conv_ndims=1 (scope ``conv_1d_lstm_cell``)."""

  def __init__(self, name="conv_1d_lstm_cell", **kwargs):
    super(Conv1DLSTMCell, self).__init__(conv_ndims=1, name=name, **kwargs)


class Conv2DLSTMCell(ConvLSTMCell):
  """ConvLSTMCell with conv_ndims=2 (scope ``conv_2d_lstm_cell``)."""

  def __init__(self, name="conv_2d_lstm_cell", **kwargs):
    super(Conv2DLSTMCell, self).__init__(conv_ndims=2, name=name, **kwargs)


class Conv3DLSTMCell(ConvLSTMCell):
  """ConvLSTMCell with conv_ndims=3 (scope ``conv_3d_lstm_cell``)."""

  def __init__(self, name="conv_3d_lstm_cell", **kwargs):
    super(Conv3DLSTMCell, self).__init__(conv_ndims=3, name=name, **kwargs)


# -- time-frequency and grid LSTMs ---------------------------------------------


def _concat_variable(name, shape, dtype, num_shards):
  """Variable `name` stored as row shards ``name_0``... (joined if several).

  Raises:
    ValueError: more shards than rows.
  """
  if num_shards > shape[0]:
    raise ValueError("Too many shards: shape=%s, num_shards=%d" %
                     (shape, num_shards))
  unit = shape[0] // num_shards
  extra = shape[0] - unit * num_shards
  shards = [tf1.get_variable("%s_%d" % (name, i),
                             [unit + (1 if i < extra else 0)] + shape[1:],
                             dtype=dtype)
            for i in range(num_shards)]
  if len(shards) == 1:
    return shards[0]
  concat_name = name + "/concat"
  full = tf1.get_variable_scope().name + "/" + concat_name + ":0"
  for value in tf1.get_collection(tf1.GraphKeys.CONCATENATED_VARIABLES):
    if value.name == full:
      return value
  joined = tf.concat(shards, 0, name=concat_name)
  tf1.add_to_collection(tf1.GraphKeys.CONCATENATED_VARIABLES, joined)
  return joined


def _static_depth(x):
  depth = x.get_shape().with_rank(2).as_list()[-1]
  if depth is None:
    raise ValueError("Cannot infer input_size from static shape inference.")
  return depth


class TimeFreqLSTMCell(_cells.RNNCell):
  """tf.contrib.rnn.TimeFreqLSTMCell (Sainath and Li, INTERSPEECH 2016).

  The input is cut into frequency windows of `feature_size` every
  `frequency_skip` features; one LSTM (variables ``W_0``... sharded over
  `num_unit_shards`, ``B``, with peepholes ``W_F_diag``, ``W_I_diag``,
  ``W_O_diag``, under ``time_freq_lstm_cell``) runs across them, each window
  also reading the previous window's output.  The state is the
  concatenation of every window's (c, m), the output of every window's m.

  As in TF 1.15, ``state_size`` is ``2 * num_units`` and ``output_size``
  ``num_units`` whatever the number of windows, so with several windows the
  initial state must be given (of ``2 * num_units * windows`` columns).

  Args:
    num_units: int, units of the LSTM.
    use_peepholes: use diagonal peephole connections.
    cell_clip: clip the cell state to [-cell_clip, cell_clip]; None: none.
    initializer: unused (as in TF 1.15).
    num_unit_shards: number of row shards of the weight matrix.
    forget_bias: added to the forget gate.
    feature_size: int, width of a frequency window.
    frequency_skip: int, stride between windows.
    reuse: reuse the variables of an existing scope.
  """

  def __init__(self, num_units, use_peepholes=False, cell_clip=None,
               initializer=None, num_unit_shards=1, forget_bias=1.0,
               feature_size=None, frequency_skip=1, reuse=None):
    super(TimeFreqLSTMCell, self).__init__(
        reuse=reuse, name=_cells_snake(type(self).__name__))
    self._num_units = num_units
    self._use_peepholes = use_peepholes
    self._cell_clip = cell_clip
    self._initializer = initializer
    self._num_unit_shards = num_unit_shards
    self._forget_bias = forget_bias
    self._feature_size = feature_size
    self._frequency_skip = frequency_skip

  @property
  def state_size(self):
    return 2 * self._num_units

  @property
  def output_size(self):
    return self._num_units

  def _make_tf_features(self, inputs):
    size = _static_depth(inputs)
    count = int((size - self._feature_size) / self._frequency_skip) + 1
    return [tf.slice(inputs, [0, f * self._frequency_skip],
                     [-1, self._feature_size]) for f in range(count)]

  def _step(self, inputs, state):
    n = self._num_units
    windows = self._make_tf_features(inputs)
    dtype = inputs.dtype
    depth = windows[0].get_shape().as_list()[1]
    w = _concat_variable("W", [depth + 2 * n, 4 * n], dtype,
                         self._num_unit_shards)
    b = tf1.get_variable("B", shape=[4 * n], dtype=dtype,
                         initializer=tf1.zeros_initializer())
    if self._use_peepholes:
      w_f = tf1.get_variable("W_F_diag", shape=[n], dtype=dtype)
      w_i = tf1.get_variable("W_I_diag", shape=[n], dtype=dtype)
      w_o = tf1.get_variable("W_O_diag", shape=[n], dtype=dtype)
    batch = inputs.get_shape().as_list()[0] or tf.shape(inputs)[0]
    m_freq = tf.zeros(tf.stack([batch, n]), dtype)
    states, outputs = [], []
    for k, window in enumerate(windows):
      c_prev = tf.slice(state, [0, 2 * k * n], [-1, n])
      m_prev = tf.slice(state, [0, (2 * k + 1) * n], [-1, n])
      gates = tf.nn.bias_add(
          tf.matmul(tf.concat([window, m_prev, m_freq], 1), w), b)
      i, j, f, o = tf.split(gates, 4, axis=1)
      if self._use_peepholes:
        c = (tf.sigmoid(f + self._forget_bias + w_f * c_prev) * c_prev +
             tf.sigmoid(i + w_i * c_prev) * tf.tanh(j))
      else:
        c = tf.sigmoid(f + self._forget_bias) * c_prev + \
            tf.sigmoid(i) * tf.tanh(j)
      if self._cell_clip is not None:
        c = tf.clip_by_value(c, -self._cell_clip, self._cell_clip)
      if self._use_peepholes:
        m = tf.sigmoid(o + w_o * c) * tf.tanh(c)
      else:
        m = tf.sigmoid(o) * tf.tanh(c)
      m_freq = m
      states += [c, m]
      outputs.append(m)
    return tf.concat(outputs, 1), tf.concat(states, 1)


class GridLSTMCell(_cells.RNNCell):
  """tf.contrib.rnn.GridLSTMCell (Kalchbrenner et al., 2015; Li et al.).

  The input is cut into frequency windows (`feature_size` wide, every
  `frequency_skip`, in one block or in the blocks
  ``[start_freqindex_list[b], end_freqindex_list[b])``).  In each block, per
  window, a frequency LSTM and a time LSTM share the input ``[window,
  m_time_prev, m_freq_prev]``: the time LSTM carries the cell's state across
  steps, the frequency LSTM carries across windows.  Variables under
  ``grid_lstm_cell`` per block b: ``W_f_b_0``... (sharded), ``B_f_b``, and
  unless `share_time_frequency_weights` ``W_t_b_0``..., ``B_t_b``; with
  peepholes ``W_{F,I,O}_diag_freq{f,t}_b`` (and ``..._time{f,t}_b``; no F
  with coupled gates).

  Args:
    num_units: int, units of each LSTM.
    use_peepholes: use diagonal peephole connections.
    share_time_frequency_weights: one weight set for both LSTMs.
    cell_clip: clip the cell states to [-cell_clip, cell_clip]; None: none.
    initializer: unused (as in TF 1.15).
    num_unit_shards: number of row shards of each weight matrix.
    forget_bias: added to the forget gates.
    feature_size: int, width of a frequency window.
    frequency_skip: int, stride between windows.
    num_frequency_blocks: list of the number of windows of each block.
    start_freqindex_list: optional list of each block's first feature.
    end_freqindex_list: optional list of each block's end feature.
    couple_input_forget_gates: forget gate = 1 - input gate (3 gates).
    state_is_tuple: the state is a ``GridLSTMStateTuple`` namedtuple
      (``state_f00_b00_c``, ``state_f00_b00_m``, ...), else one tensor.
    reuse: reuse the variables of an existing scope.

  Raises:
    ValueError: no num_frequency_blocks; at call time, windows that do not
      match num_frequency_blocks or mismatched index lists.
  """

  def __init__(self, num_units, use_peepholes=False,
               share_time_frequency_weights=False, cell_clip=None,
               initializer=None, num_unit_shards=1, forget_bias=1.0,
               feature_size=None, frequency_skip=None,
               num_frequency_blocks=None, start_freqindex_list=None,
               end_freqindex_list=None, couple_input_forget_gates=False,
               state_is_tuple=True, reuse=None):
    super(GridLSTMCell, self).__init__(
        reuse=reuse, name=_cells_snake(type(self).__name__))
    if not state_is_tuple:
      tf1.logging.warn("%s: Using a concatenated state is slower and will "
                       "soon be deprecated.  Use state_is_tuple=True.", self)
    self._num_units = num_units
    self._use_peepholes = use_peepholes
    self._share_time_frequency_weights = share_time_frequency_weights
    self._couple_input_forget_gates = couple_input_forget_gates
    self._state_is_tuple = state_is_tuple
    self._cell_clip = cell_clip
    self._initializer = initializer
    self._num_unit_shards = num_unit_shards
    self._forget_bias = forget_bias
    self._feature_size = feature_size
    self._frequency_skip = frequency_skip
    self._start_freqindex_list = start_freqindex_list
    self._end_freqindex_list = end_freqindex_list
    self._num_frequency_blocks = num_frequency_blocks
    if num_frequency_blocks is None:
      raise ValueError("Must specify num_frequency_blocks")
    self._total_blocks = sum(int(b) for b in num_frequency_blocks)
    if state_is_tuple:
      self._state_tuple_type = _grid_state_type(
          "GridLSTMStateTuple", ["state"], num_frequency_blocks)
      self._state_size = self._state_tuple_type(
          *([num_units, num_units] * self._total_blocks))
    else:
      self._state_tuple_type = None
      self._state_size = num_units * self._total_blocks * 2
    self._output_size = num_units * self._total_blocks * 2

  @property
  def output_size(self):
    return self._output_size

  @property
  def state_size(self):
    return self._state_size

  @property
  def state_tuple_type(self):
    """The namedtuple type of the state (None for a concatenated state)."""
    return self._state_tuple_type

  def _step(self, inputs, state):
    batch = _batch_size(inputs)
    outputs, states = [], []
    for block, windows in enumerate(self._make_tf_features(inputs)):
      block_out, block_states = self._compute(
          windows, block, state, batch, state_is_tuple=self._state_is_tuple)
      outputs += block_out
      states += block_states
    if self._state_is_tuple:
      new_state = self._state_tuple_type(*states)
    else:
      new_state = tf.concat(states, 1)
    return tf.concat(outputs, 1), new_state

  def _compute(self, freq_inputs, block, state, batch_size,
               state_prefix="state", state_is_tuple=True):
    """One block: (outputs [m_time, m_freq per window], states [c, m ...])."""
    n = self._num_units
    coupled = self._couple_input_forget_gates
    shared = self._share_time_frequency_weights
    peep = self._use_peepholes
    gates_n = 3 if coupled else 4
    dtype = freq_inputs[0].dtype
    depth = freq_inputs[0].get_shape().as_list()[1]
    var = tf1.get_variable
    w_f = _concat_variable("W_f_%d" % block, [depth + 2 * n, gates_n * n],
                           dtype, self._num_unit_shards)
    b_f = var("B_f_%d" % block, shape=[gates_n * n], dtype=dtype,
              initializer=tf1.zeros_initializer())
    if not shared:
      w_t = _concat_variable("W_t_%d" % block, [depth + 2 * n, gates_n * n],
                             dtype, self._num_unit_shards)
      b_t = var("B_t_%d" % block, shape=[gates_n * n], dtype=dtype,
                initializer=tf1.zeros_initializer())
    diag = self._peephole_diagonals(block, dtype) if peep else {}
    m_freq = tf.zeros(tf.stack([batch_size, n]), dtype)
    c_freq_prev = tf.zeros(tf.stack([batch_size, n]), dtype)
    outputs, states = [], []
    for k, window in enumerate(freq_inputs):
      if state_is_tuple:
        prefix = "%s_f%02d_b%02d" % (state_prefix, k, block)
        c_time_prev = getattr(state, prefix + "_c")
        m_time_prev = getattr(state, prefix + "_m")
      else:
        # TF 1.15 slices by window only (the block is ignored).
        c_time_prev = tf.slice(state, [0, 2 * k * n], [-1, n])
        m_time_prev = tf.slice(state, [0, (2 * k + 1) * n], [-1, n])
      x = tf.concat([window, m_time_prev, m_freq], 1)
      freq_gates = tf.split(tf.nn.bias_add(tf.matmul(x, w_f), b_f), gates_n,
                            axis=1)
      time_gates = freq_gates if shared else tf.split(
          tf.nn.bias_add(tf.matmul(x, w_t), b_t), gates_n, axis=1)
      c_freq, o_freq = self._gated_cell(freq_gates, "freq", diag,
                                        c_freq_prev, c_time_prev)
      c_time, o_time = self._gated_cell(time_gates, "time", diag,
                                        c_freq_prev, c_time_prev)
      if peep:
        m_freq = tf.sigmoid(o_freq + diag["O_freqf"] * c_freq +
                            diag["O_freqt"] * c_time) * tf.tanh(c_freq)
        m_time = tf.sigmoid(o_time + diag["O_timef"] * c_freq +
                            diag["O_timet"] * c_time) * tf.tanh(c_time)
      else:
        m_freq = tf.sigmoid(o_freq) * tf.tanh(c_freq)
        m_time = tf.sigmoid(o_time) * tf.tanh(c_time)
      c_freq_prev = c_freq
      states += [c_time, m_time]
      outputs += [m_time, m_freq]
    return outputs, states

  def _peephole_diagonals(self, block, dtype):
    """The block's peephole diagonals by key ("I_freqf", ...), TF 1.15's order.

    Args:
      block: int, the frequency block.
      dtype: the variables' dtype.

    Returns:
      A dict from gate key to its [num_units] diagonal variable (the time
      keys share the frequency ones when the weights are shared).
    """
    coupled = self._couple_input_forget_gates
    shared = self._share_time_frequency_weights
    # Created in TF 1.15's order (seeded initial values match).
    order = []
    if not coupled:
      order += ["F_freqf", "F_freqt"]
    order += ["I_freqf", "I_freqt", "O_freqf", "O_freqt"]
    if not shared:
      if not coupled:
        order += ["F_timef", "F_timet"]
      order += ["I_timef", "I_timet", "O_timef", "O_timet"]
    diag = {key: tf1.get_variable(
        "W_%s_diag_%s_%d" % (key[0], key[2:], block),
        shape=[self._num_units], dtype=dtype) for key in order}
    if shared:
      for gate in ("F", "I", "O"):
        for src in "ft":
          if "%s_freq%s" % (gate, src) in diag:
            diag["%s_time%s" % (gate, src)] = diag["%s_freq%s" % (gate, src)]
    return diag

  def _gated_cell(self, gates, kind, diag, c_freq_prev, c_time_prev):
    """The new cell of one direction and its output gate's pre-activation.

    Args:
      gates: the split pre-activations (i, j, o) or (i, j, f, o).
      kind: "freq" or "time", the direction.
      diag: the peephole diagonals (empty without peepholes).
      c_freq_prev: the previous frequency cell.
      c_time_prev: the previous time cell.

    Returns:
      (c, o): the new cell (clipped) and the output gate's pre-activation.
    """
    coupled = self._couple_input_forget_gates
    peep = self._use_peepholes
    if coupled:
      i, j, o = gates
    else:
      i, j, f, o = gates
    if peep:
      i_g = tf.sigmoid(i + diag["I_%sf" % kind] * c_freq_prev +
                       diag["I_%st" % kind] * c_time_prev)
    else:
      i_g = tf.sigmoid(i)
    if coupled:
      f_g = 1.0 - i_g
    elif peep:
      f_g = tf.sigmoid(f + self._forget_bias +
                       diag["F_%sf" % kind] * c_freq_prev +
                       diag["F_%st" % kind] * c_time_prev)
    else:
      f_g = tf.sigmoid(f + self._forget_bias)
    prev = c_freq_prev if kind == "freq" else c_time_prev
    c = f_g * prev + i_g * tf.tanh(j)
    if self._cell_clip is not None:
      c = tf.clip_by_value(c, -self._cell_clip, self._cell_clip)
    return c, o

  def _make_tf_features(self, input_feat, slice_offset=0):
    """The windows of each block: a list (blocks) of lists of Tensors."""
    size = _static_depth(input_feat)
    if slice_offset > 0:
      inputs = tf.pad(input_feat, [[0, 0], [0, slice_offset]])
    elif slice_offset < 0:
      inputs = tf.pad(input_feat, [[0, 0], [-slice_offset, 0]])
      slice_offset = 0
    else:
      inputs = input_feat
    skip, width = self._frequency_skip, self._feature_size
    if not self._start_freqindex_list:
      if len(self._num_frequency_blocks) != 1:
        raise ValueError("Length of num_frequency_blocks is not 1, but "
                         "instead is %d" % len(self._num_frequency_blocks))
      spans = [(0, size)]
    else:
      if len(self._start_freqindex_list) != len(self._end_freqindex_list):
        raise ValueError("Length of start and end freqindex_list does not "
                         "match %d %d" % (len(self._start_freqindex_list),
                                          len(self._end_freqindex_list)))
      if len(self._num_frequency_blocks) != len(self._start_freqindex_list):
        raise ValueError("Length of num_frequency_blocks is not equal to "
                         "start_freqindex_list %d %d" %
                         (len(self._num_frequency_blocks),
                          len(self._start_freqindex_list)))
      spans = list(zip(self._start_freqindex_list, self._end_freqindex_list))
    blocks = []
    for b, (start, end) in enumerate(spans):
      count = int((end - start - width) / skip) + 1
      if count != self._num_frequency_blocks[b]:
        raise ValueError(
            "Invalid num_frequency_blocks, requires %d but gets %d, please "
            "check the input size and filter config are correct." %
            (self._num_frequency_blocks[b], count))
      blocks.append([tf.slice(inputs, [0, start + slice_offset + f * skip],
                              [-1, width]) for f in range(count)])
    return blocks


class BidirectionalGridLSTMCell(GridLSTMCell):
  """tf.contrib.rnn.BidirectionalGridLSTMCell: a GridLSTMCell run over the
  windows forwards (variables under ``fwd/``) and backwards (``bwd/``).

  The backward pass reads the windows in reverse order, shifted by
  `backward_slice_offset` features (zero-padded).  The state is a
  ``BidirectionalGridLSTMStateTuple`` (``fwd_state_f00_b00_c``, ...,
  ``bwd_state_...``), always a tuple; the output concatenates both passes.

  Args:
    num_units ... couple_input_forget_gates: as GridLSTMCell.
    backward_slice_offset: int, shift of the backward pass's windows.
    reuse: reuse the variables of an existing scope.
  """

  def __init__(self, num_units, use_peepholes=False,
               share_time_frequency_weights=False, cell_clip=None,
               initializer=None, num_unit_shards=1, forget_bias=1.0,
               feature_size=None, frequency_skip=None,
               num_frequency_blocks=None, start_freqindex_list=None,
               end_freqindex_list=None, couple_input_forget_gates=False,
               backward_slice_offset=0, reuse=None):
    super(BidirectionalGridLSTMCell, self).__init__(
        num_units, use_peepholes, share_time_frequency_weights, cell_clip,
        initializer, num_unit_shards, forget_bias, feature_size,
        frequency_skip, num_frequency_blocks, start_freqindex_list,
        end_freqindex_list, couple_input_forget_gates, True, reuse)
    self._backward_slice_offset = int(backward_slice_offset)
    self._state_tuple_type = _grid_state_type(
        "BidirectionalGridLSTMStateTuple", ["fwd_state", "bwd_state"],
        num_frequency_blocks)
    self._state_size = self._state_tuple_type(
        *([num_units, num_units] * self._total_blocks * 2))
    self._output_size = 2 * num_units * self._total_blocks * 2

  def _step(self, inputs, state):
    batch = _batch_size(inputs)
    fwd_inputs = self._make_tf_features(inputs)
    if self._backward_slice_offset:
      bwd_inputs = self._make_tf_features(inputs, self._backward_slice_offset)
    else:
      bwd_inputs = fwd_inputs
    outputs, states = {}, {}
    for direction, blocks in (("fwd", fwd_inputs), ("bwd", bwd_inputs)):
      outputs[direction], states[direction] = [], []
      with tf1.variable_scope(direction):
        for block, windows in enumerate(blocks):
          if direction == "bwd":
            windows = windows[::-1]
          block_out, block_states = self._compute(
              windows, block, state, batch,
              state_prefix=direction + "_state", state_is_tuple=True)
          outputs[direction] += block_out
          states[direction] += block_states
    new_state = self._state_tuple_type(*(states["fwd"] + states["bwd"]))
    return tf.concat(outputs["fwd"] + outputs["bwd"], 1), new_state


def _grid_state_type(type_name, prefixes, num_frequency_blocks):
  """The namedtuple of a grid cell's state: <prefix>_fFF_bBB_{c,m} fields."""
  fields = []
  for prefix in prefixes:
    for block, count in enumerate(num_frequency_blocks):
      for freq in range(count):
        name = "%s_f%02d_b%02d" % (prefix, freq, block)
        fields += [name + "_c", name + "_m"]
  return collections.namedtuple(type_name, fields)


def _batch_size(inputs):
  return inputs.get_shape().as_list()[0] or tf.shape(inputs)[0]


def _cells_snake(class_name):
  """TF 1.x's default layer name: the class name in snake case."""
  return _layers_base.snake_case(class_name)


# -- fused RNNs ---------------------------------------------------------------


_ABC = abc.ABCMeta("_ABC", (object,), {})


class FusedRNNCell(_ABC):
  """Abstract base of an RNN over a whole sequence (time-major).

  Subclasses implement ``__call__(inputs, initial_state=None, dtype=None,
  sequence_length=None, scope=None)`` returning ``(outputs, final_state)``:
  `inputs` a `[time, batch, depth]` Tensor or a list of `[batch, depth]`
  Tensors, the outputs in the same form.
  """

  @abc.abstractmethod
  def __call__(self, inputs, initial_state=None, dtype=None,
               sequence_length=None, scope=None):
    """Runs the RNN over `inputs`.

    Args:
      inputs: `[time_len, batch_size, input_size]` Tensor, or a list of
        `time_len` Tensors `[batch_size, input_size]`.
      initial_state: the initial state, or None for zeros of `dtype`.
      dtype: the state's dtype when `initial_state` is None.
      sequence_length: optional int32/int64 vector `[batch_size]`.
      scope: variable scope for the created subgraph.

    Returns:
      (outputs, final_state), outputs in the same form as `inputs`.

    Raises:
      NotImplementedError: always (abstract).
    """
    raise NotImplementedError("FusedRNNCell.__call__ is abstract")


class FusedRNNCellAdaptor(FusedRNNCell):
  """Runs an RNNCell as a FusedRNNCell, by static_rnn or dynamic_rnn.

  Args:
    cell: an RNN cell.
    use_dynamic_rnn: run ``tf.compat.v1.nn.dynamic_rnn`` (time-major) rather
      than ``tf.compat.v1.nn.static_rnn``.
  """

  def __init__(self, cell, use_dynamic_rnn=False):
    self._cell = cell
    self._use_dynamic_rnn = use_dynamic_rnn

  def __call__(self, inputs, initial_state=None, dtype=None,
               sequence_length=None, scope=None):
    """See FusedRNNCell.__call__."""
    is_list = isinstance(inputs, list)
    if self._use_dynamic_rnn:
      if is_list:
        inputs = tf.stack(inputs)
      outputs, state = tf1.nn.dynamic_rnn(
          self._cell, inputs, sequence_length=sequence_length,
          initial_state=initial_state, dtype=dtype, time_major=True,
          scope=scope)
      if is_list:
        outputs = tf.unstack(outputs)
    else:
      if not is_list:
        inputs = tf.unstack(inputs)
      outputs, state = tf1.nn.static_rnn(
          self._cell, inputs, initial_state=initial_state, dtype=dtype,
          sequence_length=sequence_length, scope=scope)
      if not is_list:
        outputs = tf.stack(outputs)
    return outputs, state


class TimeReversedFusedRNN(FusedRNNCell):
  """Runs a FusedRNNCell on the time-reversed inputs, reversing the outputs.

  With `sequence_length`, each sequence is reversed within its own length
  (``tf.reverse_sequence``); a list of inputs is reversed as a list.

  Args:
    cell: a FusedRNNCell.
  """

  def __init__(self, cell):
    self._cell = cell

  def _reverse(self, t, lengths):
    if isinstance(t, list):
      return list(reversed(t))
    if lengths is None:
      return tf.reverse(t, [0])
    return tf1.reverse_sequence(t, lengths, 0, 1)

  def __call__(self, inputs, initial_state=None, dtype=None,
               sequence_length=None, scope=None):
    """See FusedRNNCell.__call__."""
    inputs = self._reverse(inputs, sequence_length)
    outputs, state = self._cell(
        inputs, initial_state=initial_state, dtype=dtype,
        sequence_length=sequence_length, scope=scope)
    return self._reverse(outputs, sequence_length), state


class LSTMBlockWrapper(_layers_base.Layer):
  """Base of fused LSTMs over `[time, batch, depth]` inputs (a tf.layers
  Layer, as in TF 1.15).

  Subclasses define ``num_units`` and ``_call_cell(inputs,
  initial_cell_state, initial_output, dtype, sequence_length)`` returning the
  cell states and outputs, both `[time, batch, num_units]`.  Calling the
  layer gives ``(outputs, LSTMStateTuple(c, h))``; with `sequence_length` the
  outputs past each length are zeroed and the final state is the one at
  ``length - 1`` (the initial state for length 0).
  """

  @property
  def num_units(self):
    """Number of units (output dimension)."""
    raise NotImplementedError("Abstract method")

  def _call_cell(self, inputs, initial_cell_state, initial_output, dtype,
                 sequence_length):
    raise NotImplementedError("Abstract method")

  def call(self, inputs, initial_state=None, dtype=None, sequence_length=None):
    """Runs the LSTM over `inputs`.

    Args:
      inputs: `[time_len, batch_size, input_size]` Tensor (or a list of
        `[batch_size, input_size]` Tensors).
      initial_state: optional `(c, h)`, each `[batch_size, num_units]`.
      dtype: the state's dtype; required when `initial_state` is None.
      sequence_length: optional int32/int64 vector `[batch_size]`.

    Returns:
      (outputs, LSTMStateTuple(c, h)); outputs `[time_len, batch_size,
      num_units]` (a list when `inputs` was a list).

    Raises:
      ValueError: unknown input depth, neither `initial_state` nor `dtype`,
        or an `initial_state` that is not a pair.
    """
    is_list = isinstance(inputs, list)
    if is_list:
      inputs = tf.stack(inputs)
    shape = inputs.get_shape().with_rank(3)
    if not shape.as_list()[2]:
      raise ValueError("Expecting inputs_shape[2] to be set: %s" % shape)
    batch_size = shape.as_list()[1]
    if batch_size is None:
      batch_size = tf.shape(inputs)[1]
    time_len = shape.as_list()[0]
    if time_len is None:
      time_len = tf.shape(inputs)[0]
    if initial_state is None:
      if dtype is None:
        raise ValueError("Either initial_state or dtype needs to be specified")
      zeros = tf.zeros(tf.stack([batch_size, self.num_units]), dtype=dtype)
      initial_state = zeros, zeros
    else:
      if len(initial_state) != 2:
        raise ValueError(
            "Expecting initial_state to be a tuple with length 2 or None")
      if dtype is None:
        dtype = initial_state[0].dtype
    if sequence_length is not None:
      sequence_length = tf.convert_to_tensor(sequence_length)
    c0, h0 = initial_state
    cell_states, outputs = self._call_cell(inputs, c0, h0, dtype,
                                           sequence_length)
    if sequence_length is not None:
      mask = tf.transpose(tf.sequence_mask(sequence_length, time_len,
                                           dtype=dtype), [1, 0])
      outputs *= tf.tile(tf.expand_dims(mask, [-1]), [1, 1, self.num_units])
      # Index t + 1 of these holds step t's value; 0 the initial state.
      all_c = tf.concat([tf.expand_dims(c0, [0]), cell_states], 0)
      all_h = tf.concat([tf.expand_dims(h0, [0]), outputs], 0)
      final_c = self._gather_states(all_c, sequence_length, batch_size)
      final_h = self._gather_states(all_h, sequence_length, batch_size)
    else:
      final_c = cell_states[-1]
      final_h = outputs[-1]
    if is_list:
      outputs = tf.unstack(outputs)
    return outputs, LSTMStateTuple(final_c, final_h)

  def _gather_states(self, data, indices, batch_size):
    """out[i, :] = data[indices[i], i, :]."""
    batch = tf.cast(tf.range(batch_size), indices.dtype)
    return tf.gather_nd(data, tf.stack([indices, batch], axis=1))


class LSTMBlockFusedCell(LSTMBlockWrapper):
  """tf.contrib.rnn.LSTMBlockFusedCell: the whole LSTM in one BlockLSTM op.

  Variables (scope ``lstm_fused_cell``, numbered per graph): ``kernel``
  `[input_size + num_units, 4 * num_units]` (gates i, ci, f, o), ``bias``
  (zeros) and, with peepholes, ``w_i_diag``, ``w_f_diag``, ``w_o_diag``.
  The math is LSTMBlockCell's.

  Args:
    num_units: int, units of the LSTM.
    forget_bias: added to the forget gate.
    cell_clip: clip the cell state to [-cell_clip, cell_clip]; None: none.
    use_peephole: use peephole connections.
    reuse: reuse the variables of an existing scope of the same name.
    dtype: the variables' dtype.
    name: base of the variable scope's name.
  """

  def __init__(self, num_units, forget_bias=1.0, cell_clip=None,
               use_peephole=False, reuse=None, dtype=None,
               name="lstm_fused_cell"):
    super(LSTMBlockFusedCell, self).__init__(_reuse=reuse, name=name,
                                             dtype=dtype)
    self._num_units = num_units
    self._forget_bias = forget_bias
    self._cell_clip = cell_clip if cell_clip is not None else -1
    self._use_peephole = use_peephole
    self.input_spec = _layers_base.InputSpec(ndim=3)

  @property
  def num_units(self):
    """Number of units (output dimension)."""
    return self._num_units

  def build(self, input_shape):
    depth = tf.TensorShape(input_shape).as_list()[2]
    n = self._num_units
    self._kernel = self.add_variable("kernel", [depth + n, 4 * n])
    self._bias = self.add_variable(
        "bias", [4 * n], initializer=tf1.constant_initializer(0.0))
    if self._use_peephole:
      self._w_i_diag = self.add_variable("w_i_diag", [n])
      self._w_f_diag = self.add_variable("w_f_diag", [n])
      self._w_o_diag = self.add_variable("w_o_diag", [n])
    self.built = True

  def _call_cell(self, inputs, initial_cell_state=None, initial_output=None,
                 dtype=None, sequence_length=None):
    time_len = inputs.get_shape().with_rank(3).as_list()[0]
    if time_len is None:
      time_len = tf.shape(inputs)[0]
    if self._use_peephole:
      wci, wcf, wco = self._w_i_diag, self._w_f_diag, self._w_o_diag
    else:
      wci = wcf = wco = tf.zeros([self._num_units], dtype=dtype)
    if sequence_length is None:
      max_len = tf.cast(time_len, tf.int64)
    else:
      max_len = tf.cast(tf.reduce_max(sequence_length), tf.int64)
    _, cs, _, _, _, _, h = tf.raw_ops.BlockLSTM(
        seq_len_max=max_len, x=inputs, cs_prev=initial_cell_state,
        h_prev=initial_output, w=self._kernel, wci=wci, wcf=wcf, wco=wco,
        b=self._bias, forget_bias=self._forget_bias,
        cell_clip=self._cell_clip, use_peephole=self._use_peephole)
    return cs, h
