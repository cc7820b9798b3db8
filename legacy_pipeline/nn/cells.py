"""In-house TF 1.x RNN cells for TensorFlow builds without them (Keras 3).

TF >= 2.16 with Keras 3 no longer provides ``tf.compat.v1.nn.rnn_cell``.  These
cells follow the TF 1.x cells' math, state layout and variable names
(``<scope>/lstm_cell/kernel``, ``.../bias``), so graphs and checkpoints written
with TF 1.x cells keep working.  They are plain objects used through
``tf.compat.v1.variable_scope``/``get_variable``; graph mode only.
"""
from __future__ import absolute_import, division, print_function

import collections

from legacy_pipeline import _tf
from legacy_pipeline._tf import tf, tf1

_LSTMStateTupleBase = collections.namedtuple("LSTMStateTuple", ("c", "h"))


class LSTMStateTuple(_LSTMStateTupleBase):
  """(c, h) state of an LSTM cell, as in TF 1.x."""
  __slots__ = ()

  @property
  def dtype(self):
    if self.c.dtype != self.h.dtype:
      raise TypeError("Inconsistent internal state: %s vs %s" %
                      (self.c.dtype, self.h.dtype))
    return self.c.dtype


class RNNCell(object):
  """Base class: `output, new_state = cell(inputs, state)`.

  Subclasses implement ``state_size``, ``output_size`` and ``_step``.  The
  first call creates variables under ``<current variable scope>/<name>`` (the
  name made unique per graph like TF 1.x layers: ``lstm_cell``,
  ``lstm_cell_1``, ...); later calls reuse them.

  Args:
    reuse: reuse flag for the cell's variable scope on the first call
      (True, None or ``tf.compat.v1.AUTO_REUSE``); later calls always reuse.
    name: variable scope name; None for the class default made unique.
    dtype: kept for TF 1.x compatibility; variables take the input's dtype.
  """

  _default_name = "rnn_cell"

  def __init__(self, reuse=None, name=None, dtype=None):
    self._reuse = reuse
    self._name = name
    self._dtype = dtype
    self._scope = None

  @property
  def state_size(self):
    raise NotImplementedError

  @property
  def output_size(self):
    raise NotImplementedError

  def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
    """The zero state, sized from ``inputs`` when given.

    Args:
      inputs: optional Tensor [batch, ...]; its dynamic dim 0 is the batch
        size and its dtype the default dtype.
      batch_size: batch size (int or int32 scalar) when inputs is None.
      dtype: state dtype; defaults to inputs.dtype when inputs is given.

    Returns:
      ``zero_state(batch_size, dtype)``.
    """
    if inputs is not None:
      batch_size = tf.shape(inputs)[0]
      dtype = dtype or inputs.dtype
    return self.zero_state(batch_size, dtype)

  def zero_state(self, batch_size, dtype):
    """Zero-filled state(s) of shape [batch_size, size] per leaf.

    Args:
      batch_size: int or int32 scalar Tensor.
      dtype: dtype of the zeros.

    Returns:
      A Tensor, or a structure shaped like ``state_size`` of Tensors.
    """
    with tf1.name_scope(type(self).__name__ + "ZeroState"):
      return tf.nest.map_structure(
          lambda n: tf.zeros(tf.stack([batch_size, n]), dtype=dtype),
          self.state_size)

  def __call__(self, inputs, state, scope=None):
    if scope is not None:
      with tf1.variable_scope(scope, reuse=tf1.AUTO_REUSE):
        return self._step(inputs, state)
    if self._scope is None:
      name = self._name or unique_scope_name(self._default_name)
      with tf1.variable_scope(name, reuse=self._reuse) as vs:
        self._scope = vs
        return self._step(inputs, state)
    with tf1.variable_scope(self._scope, reuse=True):
      return self._step(inputs, state)

  def _step(self, inputs, state):
    raise NotImplementedError


def unique_scope_name(base):
  """`base`, or `base_N`: the variable scope name TF 1.x layers would take.

  Asks TF's own variable-scope store (a default-named scope, entered without
  a name scope so no op name is taken), so the rules are TF 1.x's: numbered
  per parent scope, and counted afresh each time the parent scope is entered
  again -- a new cell built under ``variable_scope(s, reuse=True)`` finds the
  variables of the first cell built under ``s``.
  """
  with tf1.variable_scope(None, default_name=base,
                          auxiliary_name_scope=False) as probe:
    return probe.name.rsplit("/", 1)[-1]


def _linear(args, output_size, bias=True, bias_init=None, kernel_init=None,
            kernel_name="kernel", bias_name="bias"):
  """concat(args) @ kernel + bias with TF 1.x variable names."""
  x = tf.concat(args, 1) if len(args) > 1 else args[0]
  depth = _tf.dim_value(x.get_shape()[-1])
  kernel = tf1.get_variable(kernel_name, [depth, output_size], dtype=x.dtype,
                            initializer=kernel_init)
  out = tf.matmul(x, kernel)
  if bias:
    b = tf1.get_variable(bias_name, [output_size], dtype=x.dtype,
                         initializer=bias_init or tf1.zeros_initializer())
    out = tf.nn.bias_add(out, b)
  return out


class _VectorStateCell(RNNCell):
  """A cell whose state and output are one [batch, num_units] tensor."""

  _num_units = None

  @property
  def state_size(self):
    return self._num_units

  @property
  def output_size(self):
    return self._num_units


class BasicRNNCell(_VectorStateCell):
  """TF 1.x BasicRNNCell: ``h' = activation(W [x, h] + b)``.

  Args:
    num_units: int, the size of the state and output.
    activation: nonlinearity; default ``tf.tanh``.
    reuse: see ``RNNCell``.
    name: variable scope name; default ``basic_rnn_cell`` made unique.
    dtype: see ``RNNCell``.
  """

  _default_name = "basic_rnn_cell"

  def __init__(self, num_units, activation=None, reuse=None, name=None,
               dtype=None):
    super(BasicRNNCell, self).__init__(reuse=reuse, name=name, dtype=dtype)
    self._num_units = num_units
    self._activation = activation or tf.tanh

  def _step(self, inputs, state):
    out = self._activation(_linear([inputs, state], self._num_units))
    return out, out


class BasicLSTMCell(RNNCell):
  """TF 1.x BasicLSTMCell: no peepholes, no clipping, no projection.

  Args:
    num_units: int, units in the LSTM cell.
    forget_bias: float added to the forget gate's pre-activation.
    state_is_tuple: if True the state is ``LSTMStateTuple(c, h)``, else
      ``c`` and ``h`` concatenated on axis 1.
    activation: inner nonlinearity; default ``tf.tanh``.
    reuse: see ``RNNCell``.
    name: variable scope name; default ``basic_lstm_cell`` made unique.
    dtype: see ``RNNCell``.
  """

  _default_name = "basic_lstm_cell"

  def __init__(self, num_units, forget_bias=1.0, state_is_tuple=True,
               activation=None, reuse=None, name=None, dtype=None):
    super(BasicLSTMCell, self).__init__(reuse=reuse, name=name, dtype=dtype)
    self._num_units = num_units
    self._forget_bias = forget_bias
    self._state_is_tuple = state_is_tuple
    self._activation = activation or tf.tanh

  @property
  def state_size(self):
    n = self._num_units
    return LSTMStateTuple(n, n) if self._state_is_tuple else 2 * n

  @property
  def output_size(self):
    return self._num_units

  def _step(self, inputs, state):
    if self._state_is_tuple:
      c, h = state
    else:
      c, h = tf.split(state, 2, axis=1)
    gates = _linear([inputs, h], 4 * self._num_units)
    i, j, f, o = tf.split(gates, 4, axis=1)
    new_c = c * tf.sigmoid(f + self._forget_bias) + tf.sigmoid(i) * \
        self._activation(j)
    new_h = self._activation(new_c) * tf.sigmoid(o)
    if self._state_is_tuple:
      return new_h, LSTMStateTuple(new_c, new_h)
    return new_h, tf.concat([new_c, new_h], 1)


class LSTMCell(RNNCell):
  """TF 1.x LSTMCell: optional peepholes, cell clipping and projection.

  Args:
    num_units: int, units in the LSTM cell.
    use_peepholes: add diagonal peephole weights (``w_f_diag``,
      ``w_i_diag``, ``w_o_diag``).
    cell_clip: float or None; clip the cell state to [-clip, clip].
    initializer: initializer of the kernels and peephole weights.
    num_proj: int or None; project the output to this size (``projection``
      scope, no bias).
    proj_clip: float or None; clip the projected output (with num_proj).
    num_unit_shards: must be None (sharding is not supported).
    num_proj_shards: must be None (sharding is not supported).
    forget_bias: float added to the forget gate's pre-activation.
    state_is_tuple: if True the state is ``LSTMStateTuple(c, m)``, else
      ``c`` and ``m`` concatenated on axis 1.
    activation: inner nonlinearity; default ``tf.tanh``.
    reuse: see ``RNNCell``.
    name: variable scope name; default ``lstm_cell`` made unique.
    dtype: see ``RNNCell``.

  Raises:
    ValueError: num_unit_shards or num_proj_shards is given.
  """

  _default_name = "lstm_cell"

  def __init__(self, num_units, use_peepholes=False, cell_clip=None,
               initializer=None, num_proj=None, proj_clip=None,
               num_unit_shards=None, num_proj_shards=None, forget_bias=1.0,
               state_is_tuple=True, activation=None, reuse=None, name=None,
               dtype=None):
    super(LSTMCell, self).__init__(reuse=reuse, name=name, dtype=dtype)
    if num_unit_shards is not None or num_proj_shards is not None:
      raise ValueError("LSTMCell: num_unit_shards/num_proj_shards are not "
                       "supported by the in-house cell")
    self._num_units = num_units
    self._use_peepholes = use_peepholes
    self._cell_clip = cell_clip
    self._initializer = initializer
    self._num_proj = num_proj
    self._proj_clip = proj_clip
    self._forget_bias = forget_bias
    self._state_is_tuple = state_is_tuple
    self._activation = activation or tf.tanh

  @property
  def state_size(self):
    h = self._num_proj or self._num_units
    if self._state_is_tuple:
      return LSTMStateTuple(self._num_units, h)
    return self._num_units + h

  @property
  def output_size(self):
    return self._num_proj or self._num_units

  def _step(self, inputs, state):
    n = self._num_units
    if self._state_is_tuple:
      c_prev, m_prev = state
    else:
      c_prev = tf.slice(state, [0, 0], [-1, n])
      m_prev = tf.slice(state, [0, n], [-1, self._num_proj or n])
    gates = _linear([inputs, m_prev], 4 * n, kernel_init=self._initializer)
    i, j, f, o = tf.split(gates, 4, axis=1)
    dtype = inputs.dtype
    if self._use_peepholes:
      w_f = tf1.get_variable("w_f_diag", [n], dtype=dtype,
                             initializer=self._initializer)
      w_i = tf1.get_variable("w_i_diag", [n], dtype=dtype,
                             initializer=self._initializer)
      w_o = tf1.get_variable("w_o_diag", [n], dtype=dtype,
                             initializer=self._initializer)
      c = (tf.sigmoid(f + self._forget_bias + w_f * c_prev) * c_prev +
           tf.sigmoid(i + w_i * c_prev) * self._activation(j))
    else:
      c = (tf.sigmoid(f + self._forget_bias) * c_prev +
           tf.sigmoid(i) * self._activation(j))
    if self._cell_clip is not None:
      c = tf.clip_by_value(c, -self._cell_clip, self._cell_clip)
    if self._use_peepholes:
      m = tf.sigmoid(o + w_o * c) * self._activation(c)
    else:
      m = tf.sigmoid(o) * self._activation(c)
    if self._num_proj is not None:
      with tf1.variable_scope("projection"):
        m = _linear([m], self._num_proj, bias=False,
                    kernel_init=self._initializer)
      if self._proj_clip is not None:
        m = tf.clip_by_value(m, -self._proj_clip, self._proj_clip)
    if self._state_is_tuple:
      return m, LSTMStateTuple(c, m)
    return m, tf.concat([c, m], 1)


class _TupleStateLSTM(RNNCell):
  """An LSTM whose state is always LSTMStateTuple(c, h) of num_units each."""

  _num_units = None

  @property
  def state_size(self):
    return LSTMStateTuple(self._num_units, self._num_units)

  @property
  def output_size(self):
    return self._num_units


class LSTMBlockCell(_TupleStateLSTM):
  """tf.contrib.rnn.LSTMBlockCell: TF 1.x's fused LSTM, as plain ops.

  Same variables (``kernel`` [input + units, 4 * units] with gates in the
  order i, ci, f, o; ``bias``; with peepholes ``w_i_diag``, ``w_f_diag``,
  ``w_o_diag``) and math as the fused kernel: forget bias added to f,
  peepholes on the previous cell state for i and f and on the new one for o,
  the cell state clipped to [-cell_clip, cell_clip] when cell_clip > 0.

  Args:
    num_units: int, units in the LSTM cell.
    forget_bias: float added to the forget gate.
    cell_clip: float or None; None (or <= 0) means no clipping.
    use_peephole: add the diagonal peephole weights.
    dtype: see ``RNNCell``.
    reuse: see ``RNNCell``.
    name: variable scope name; the default ``lstm_cell`` is made unique.

  A call raises ValueError when the state is not a pair.
  """

  _default_name = "lstm_cell"

  def __init__(self, num_units, forget_bias=1.0, cell_clip=None,
               use_peephole=False, dtype=None, reuse=None, name="lstm_cell"):
    # TF 1.x numbered the default name like any layer's ("lstm_cell_1"...).
    super(LSTMBlockCell, self).__init__(
        reuse=reuse, name=None if name == "lstm_cell" else name, dtype=dtype)
    self._num_units = num_units
    self._forget_bias = forget_bias
    self._cell_clip = cell_clip if cell_clip is not None else -1
    self._use_peephole = use_peephole

  def _step(self, inputs, state):
    if len(state) != 2:
      raise ValueError("Expecting state to be a tuple with length 2.")
    n = self._num_units
    c_prev, h_prev = state
    gates = _linear([inputs, h_prev], 4 * n)
    i, ci, f, o = tf.split(gates, 4, axis=1)
    f = f + self._forget_bias
    if self._use_peephole:
      w_i = tf1.get_variable("w_i_diag", [n], dtype=inputs.dtype)
      w_f = tf1.get_variable("w_f_diag", [n], dtype=inputs.dtype)
      w_o = tf1.get_variable("w_o_diag", [n], dtype=inputs.dtype)
      i = i + c_prev * w_i
      f = f + c_prev * w_f
    c = tf.tanh(ci) * tf.sigmoid(i) + c_prev * tf.sigmoid(f)
    if self._cell_clip > 0:
      c = tf.clip_by_value(c, -self._cell_clip, self._cell_clip)
    if self._use_peephole:
      o = o + c * w_o
    h = tf.tanh(c) * tf.sigmoid(o)
    return h, LSTMStateTuple(c, h)


class LayerNormBasicLSTMCell(_TupleStateLSTM):
  """tf.contrib.rnn.LayerNormBasicLSTMCell: BasicLSTM with layer norm.

  ``kernel`` over [inputs, h] for the gates i, j, f, o (``bias`` only without
  layer norm); with layer norm each of i, j, f, o and the new cell state is
  normalized over its units with its own ``gamma``/``beta`` (scopes
  ``input``, ``transform``, ``forget``, ``output``, ``state``), epsilon
  1e-12 as TF 1.x's layer_norm; optional recurrent dropout on j.

  Args:
    num_units: int, units in the LSTM cell.
    forget_bias: float added to the forget gate.
    input_size: deprecated and ignored.
    activation: nonlinearity of j and the output; default ``tf.tanh``.
    layer_norm: apply layer normalization (then the kernel has no bias).
    norm_gain: initial value of the ``gamma`` variables.
    norm_shift: initial value of the ``beta`` variables.
    dropout_keep_prob: keep probability (float or scalar Tensor) of the
      recurrent dropout on j; a float 1.0 disables it.
    dropout_prob_seed: seed of that dropout.
    reuse: see ``RNNCell``.
  """

  _default_name = "layer_norm_basic_lstm_cell"

  def __init__(self, num_units, forget_bias=1.0, input_size=None,
               activation=None, layer_norm=True, norm_gain=1.0,
               norm_shift=0.0, dropout_keep_prob=1.0, dropout_prob_seed=None,
               reuse=None):
    del input_size  # deprecated in TF 1.x too
    super(LayerNormBasicLSTMCell, self).__init__(reuse=reuse)
    self._num_units = num_units
    self._forget_bias = forget_bias
    self._activation = activation or tf.tanh
    self._layer_norm = layer_norm
    self._norm_gain = norm_gain
    self._norm_shift = norm_shift
    self._keep_prob = dropout_keep_prob
    self._seed = dropout_prob_seed

  def _norm(self, x, scope):
    with tf1.variable_scope(scope):
      size = x.get_shape()[-1:]
      gamma = tf1.get_variable(
          "gamma", shape=size, dtype=x.dtype,
          initializer=tf1.constant_initializer(self._norm_gain))
      beta = tf1.get_variable(
          "beta", shape=size, dtype=x.dtype,
          initializer=tf1.constant_initializer(self._norm_shift))
      mean, variance = tf.nn.moments(x, [1], keepdims=True)
      return tf.nn.batch_normalization(x, mean, variance, offset=beta,
                                       scale=gamma, variance_epsilon=1e-12)

  def _step(self, inputs, state):
    c, h = state
    gates = _linear([inputs, h], 4 * self._num_units,
                    bias=not self._layer_norm,
                    bias_init=tf1.glorot_uniform_initializer())
    i, j, f, o = tf.split(gates, 4, axis=1)
    if self._layer_norm:
      i, j, f, o = (self._norm(i, "input"), self._norm(j, "transform"),
                    self._norm(f, "forget"), self._norm(o, "output"))
    g = self._activation(j)
    if not isinstance(self._keep_prob, float) or self._keep_prob < 1:
      g = tf1.nn.dropout(g, keep_prob=self._keep_prob, seed=self._seed)
    new_c = c * tf.sigmoid(f + self._forget_bias) + tf.sigmoid(i) * g
    if self._layer_norm:
      new_c = self._norm(new_c, "state")
    new_h = self._activation(new_c) * tf.sigmoid(o)
    return new_h, LSTMStateTuple(new_c, new_h)


class CudnnCompatibleLSTMCell(LSTMBlockCell):
  """tf.contrib.cudnn_rnn.CudnnCompatibleLSTMCell: the CPU cell that reads a
  CudnnLSTM's weights (converted to canonical form by TF 1.x's saveable):
  LSTMBlockCell with forget bias 0 under ``cudnn_compatible_lstm_cell``.

  Args:
    num_units: int, units in the LSTM cell.
    reuse: see ``RNNCell``.
  """

  _default_name = "cudnn_compatible_lstm_cell"

  def __init__(self, num_units, reuse=None):
    super(CudnnCompatibleLSTMCell, self).__init__(
        num_units, forget_bias=0, cell_clip=None, use_peephole=False,
        reuse=reuse)


class GRUCell(_VectorStateCell):
  """TF 1.x GRUCell (gates/candidate variables, gate bias 1.0).

  Args:
    num_units: int, the size of the state and output.
    activation: candidate nonlinearity; default ``tf.tanh``.
    reuse: see ``RNNCell``.
    kernel_initializer: initializer of the ``gates`` and ``candidate``
      kernels.
    bias_initializer: initializer of both biases; by default the gates bias
      starts at 1.0 and the candidate bias at 0.
    name: variable scope name; default ``gru_cell`` made unique.
    dtype: see ``RNNCell``.
  """

  _default_name = "gru_cell"

  def __init__(self, num_units, activation=None, reuse=None,
               kernel_initializer=None, bias_initializer=None, name=None,
               dtype=None):
    super(GRUCell, self).__init__(reuse=reuse, name=name, dtype=dtype)
    self._num_units = num_units
    self._activation = activation or tf.tanh
    self._kernel_init = kernel_initializer
    self._bias_init = bias_initializer

  def _step(self, inputs, state):
    n = self._num_units
    with tf1.variable_scope("gates"):
      gates = tf.sigmoid(_linear(
          [inputs, state], 2 * n, kernel_init=self._kernel_init,
          bias_init=self._bias_init or tf1.constant_initializer(
              1.0, dtype=inputs.dtype)))
    r, u = tf.split(gates, 2, axis=1)
    with tf1.variable_scope("candidate"):
      cand = self._activation(_linear(
          [inputs, r * state], n, kernel_init=self._kernel_init,
          bias_init=self._bias_init))
    new_h = u * state + (1 - u) * cand
    return new_h, new_h


class GRUBlockCellV2(GRUCell):
  """tf.contrib.rnn.GRUBlockCellV2: the fused GRU, as GRUCell's plain ops.

  TF 1.x's fused kernel computes GRUCell's math (gates bias initialized to 1,
  candidate bias to 0, tanh candidate) with GRUCell's variable names.

  Args:
    num_units: int, the size of the state and output.
    cell_size: deprecated alias of num_units.
    reuse: see ``RNNCell``.
    name: variable scope name; the default ``gru_cell`` is made unique.

  Raises:
    ValueError: not exactly one of num_units and cell_size is given.
  """

  def __init__(self, num_units=None, cell_size=None, reuse=None,
               name="gru_cell"):
    if (num_units is None) == (cell_size is None):
      raise ValueError("Exactly one of num_units or cell_size must be "
                       "provided.")
    super(GRUBlockCellV2, self).__init__(
        num_units if num_units is not None else cell_size, reuse=reuse,
        name=None if name == "gru_cell" else name)


class MultiRNNCell(RNNCell):
  """Stack of cells; variables under ``multi_rnn_cell/cell_<i>/...``.

  Args:
    cells: non-empty list of cells, applied in order.
    state_is_tuple: if True the state is a tuple of the cells' states, else
      their (vector) states concatenated on axis 1.

  Raises:
    ValueError: cells is empty.
  """

  _default_name = "multi_rnn_cell"

  def __init__(self, cells, state_is_tuple=True):
    super(MultiRNNCell, self).__init__()
    if not cells:
      raise ValueError("MultiRNNCell: must specify at least one cell")
    self._cells = list(cells)
    self._state_is_tuple = state_is_tuple

  @property
  def state_size(self):
    sizes = tuple(c.state_size for c in self._cells)
    if self._state_is_tuple:
      return sizes
    return sum(sizes)

  @property
  def output_size(self):
    return self._cells[-1].output_size

  def zero_state(self, batch_size, dtype):
    """Each cell's own ``zero_state`` (a tuple), as TF 1.15's did.

    A cell whose state is not all [batch, n] zeros -- an AttentionWrapper's
    state holds a time step and TensorArrays -- builds its own.

    Args:
      batch_size: int or int32 scalar Tensor.
      dtype: dtype of the zeros.

    Returns:
      A tuple of per-cell states, or one concatenated Tensor when
      state_is_tuple is False.
    """
    if not self._state_is_tuple:
      return super(MultiRNNCell, self).zero_state(batch_size, dtype)
    with tf1.name_scope(type(self).__name__ + "ZeroState"):
      return tuple(c.zero_state(batch_size, dtype) for c in self._cells)

  def _step(self, inputs, state):
    x = inputs
    new_states = []
    offset = 0
    for i, cell in enumerate(self._cells):
      with tf1.variable_scope("cell_%d" % i):
        if self._state_is_tuple:
          s = state[i]
        else:
          size = cell.state_size
          s = tf.slice(state, [0, offset], [-1, size])
          offset += size
        x, s = cell(x, s, scope=_inner_scope(cell))
      new_states.append(s)
    if self._state_is_tuple:
      return x, tuple(new_states)
    return x, tf.concat(new_states, 1)


def _inner_scope(cell):
  # Inside MultiRNNCell each cell sits directly under its default name.
  return cell._name or cell._default_name  # pylint: disable=protected-access


class CudnnCompatibleGRUCell(GRUCell):
  """tf.contrib.cudnn_rnn.CudnnCompatibleGRUCell: the CPU cell that reads a
  CudnnGRU's weights (converted to canonical form by TF 1.x's saveable).

  cuDNN's GRU applies the reset gate after the hidden projection:
  ``c = tanh(W_x x + b_x + r * (W_h h + b_h))``, ``h' = (1 - u) c + u h``,
  with ``[r, u] = sigmoid(W_g [x, h] + b_g)``.  Variables, under
  ``cudnn_compatible_gru_cell``: ``gates/kernel`` and ``gates/bias``
  (initialized to 1), ``candidate/input_projection/{kernel,bias}`` and
  ``candidate/hidden_projection/{kernel,bias}`` (biases initialized to 0).

  Args:
    num_units: int, the size of the state and output.
    reuse: see ``RNNCell``.
    kernel_initializer: initializer of the kernels.

  A call raises ValueError when the inputs' last dimension is unknown.
  """

  _default_name = "cudnn_compatible_gru_cell"

  def __init__(self, num_units, reuse=None, kernel_initializer=None):
    super(CudnnCompatibleGRUCell, self).__init__(
        num_units, reuse=reuse, kernel_initializer=kernel_initializer)

  def _step(self, inputs, state):
    n = self._num_units
    if _tf.dim_value(inputs.get_shape()[-1]) is None:
      raise ValueError("Expected inputs.shape[-1] to be known, saw shape: %s"
                       % inputs.get_shape())
    depth = _tf.dim_value(inputs.get_shape()[-1])
    dtype = inputs.dtype
    zeros = tf1.zeros_initializer(dtype=dtype)
    var = tf1.get_variable
    # Created in TF 1.15's order (gates, both candidate kernels, both
    # candidate biases), so seeded initial values match too.
    gate_kernel = var("gates/kernel", [depth + n, 2 * n], dtype=dtype,
                      initializer=self._kernel_init)
    gate_bias = var("gates/bias", [2 * n], dtype=dtype,
                    initializer=tf1.constant_initializer(1.0, dtype=dtype))
    in_kernel = var("candidate/input_projection/kernel", [depth, n],
                    dtype=dtype, initializer=self._kernel_init)
    hid_kernel = var("candidate/hidden_projection/kernel", [n, n],
                     dtype=dtype, initializer=self._kernel_init)
    in_bias = var("candidate/input_projection/bias", [n], dtype=dtype,
                  initializer=zeros)
    hid_bias = var("candidate/hidden_projection/bias", [n], dtype=dtype,
                   initializer=zeros)
    gates = tf.sigmoid(tf.nn.bias_add(
        tf.matmul(tf.concat([inputs, state], 1), gate_kernel), gate_bias))
    r, u = tf.split(gates, 2, axis=1)
    cand = tf.nn.bias_add(tf.matmul(inputs, in_kernel), in_bias)
    cand += r * tf.nn.bias_add(tf.matmul(state, hid_kernel), hid_bias)
    cand = self._activation(cand)
    new_h = (1 - u) * cand + u * state
    return new_h, new_h
