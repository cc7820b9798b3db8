"""tf.contrib.rnn's research cells, for TF builds without tf.contrib.

``NASCell``, ``GLSTMCell``, ``IndyLSTMCell``, ``IndyGRUCell``, ``IndRNNCell``,
``UGRNNCell``, ``IntersectionRNNCell``, ``PhasedLSTMCell``,
``CoupledInputForgetGateLSTMCell``, ``SRUCell``, ``GRUBlockCell`` and the
``HighwayWrapper``, with TF 1.15's constructors, state layouts, math and
variable names: a cell's variables sit under its snake-case class name made
unique per scope (``nas_cell``, ``nas_cell_1``, ...), as TF 1.15's layers
named them, so TF 1.15 checkpoints restore by name.  They are
``legacy_pipeline.nn.cells.RNNCell`` objects: they run under
``tf.compat.v1.nn.static_rnn``/``dynamic_rnn`` and inside any MultiRNNCell,
native or in-house.  Graph mode only.

Deliberate differences from TF 1.15: ``CoupledInputForgetGateLSTMCell``
concatenates its weight shards anew at each step (TF 1.15 kept one concat
per scope in a graph collection; the values are the same), and
``GRUBlockCell`` runs as plain ops rather than the fused kernel.
"""
from __future__ import absolute_import, division, print_function

from legacy_pipeline import _tf
from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.nn import cells
from legacy_pipeline.nn import wrappers

LSTMStateTuple = cells.LSTMStateTuple
_linear = cells._linear  # pylint: disable=protected-access


def _input_depth(inputs, what="inputs"):
  """The static last dimension of rank-2 `inputs`.

  Raises:
    ValueError: `inputs` is not rank 2 or its depth is unknown.
  """
  depth = _tf.dim_value(inputs.get_shape().with_rank(2)[1])
  if depth is None:
    raise ValueError("Could not infer input size from %s.get_shape()[-1]"
                     % what)
  return depth


def _check_layer_kwargs(cls_name, kwargs):
  """Refuses layer keyword arguments the in-house cells do not take.

  Raises:
    TypeError: a keyword other than `name` and `dtype`.
  """
  unknown = sorted(set(kwargs) - {"name", "dtype"})
  if unknown:
    raise TypeError("%s: the in-house cell takes only name and dtype as "
                    "layer keyword arguments, got %s" % (cls_name, unknown))


class _NamedCell(cells.RNNCell):
  """A cell named like a TF 1.15 layer: `name`, else its default, numbered.

  TF 1.15 numbered a layer's scope even when its name was given as the
  default (``gru_cell``, ``gru_cell_1``); subclasses pass that default as
  ``None`` to the base class.
  """

  def __init__(self, reuse=None, name=None, dtype=None):
    if name == self._default_name:
      name = None
    super(_NamedCell, self).__init__(reuse=reuse, name=name, dtype=dtype)


class _VectorCell(_NamedCell, cells._VectorStateCell):  # pylint: disable=protected-access
  """State and output: one [batch, num_units] tensor (cells' own sizes),
  named like a TF 1.15 layer."""


class _LSTMTupleCell(_NamedCell):
  """State LSTMStateTuple(c [num_units], m [num_proj or num_units])."""

  _num_units = None
  _num_proj = None

  @property
  def state_size(self):
    return LSTMStateTuple(self._num_units, self._num_proj or self._num_units)

  @property
  def output_size(self):
    return self._num_proj or self._num_units


class NASCell(_LSTMTupleCell):
  """tf.contrib.rnn.NASCell: the cell found by Neural Architecture Search.

  Zoph & Le, https://arxiv.org/abs/1611.01578.  Variables under
  ``nas_cell``: ``recurrent_kernel`` [num_proj or num_units, 8 * num_units],
  ``kernel`` [input depth, 8 * num_units], with `use_bias` ``bias``
  [8 * num_units] (initialized to 0), with `num_proj` ``projection_weights``
  [num_units, num_proj].
  """

  _default_name = "nas_cell"
  _BRANCHES = 8

  def __init__(self, num_units, num_proj=None, use_bias=False, reuse=None,
               **kwargs):
    """Creates the cell.

    Args:
      num_units: int, units of the cell state.
      num_proj: optional int, the output (and m state) size after a
        projection; None for no projection.
      use_bias: bool, whether the recurrent branches get a bias.
      reuse: optional bool, reuse the variables of an existing scope.
      **kwargs: `name` and `dtype`, as TF 1.15's layer arguments.
    """
    _check_layer_kwargs("NASCell", kwargs)
    super(NASCell, self).__init__(reuse=reuse, name=kwargs.get("name"),
                                  dtype=kwargs.get("dtype"))
    self._num_units = num_units
    self._num_proj = num_proj
    self._use_bias = use_bias

  def _step(self, inputs, state):
    depth = _input_depth(inputs)
    n, width = self._num_units, self._BRANCHES * self._num_units
    dtype = inputs.dtype
    c_prev, m_prev = state
    rec_kernel = tf1.get_variable("recurrent_kernel",
                                  [self._num_proj or n, width], dtype=dtype)
    kernel = tf1.get_variable("kernel", [depth, width], dtype=dtype)
    m_mat = tf.matmul(m_prev, rec_kernel)
    x_mat = tf.matmul(inputs, kernel)
    if self._use_bias:
      bias = tf1.get_variable("bias", [width], dtype=dtype,
                              initializer=tf1.zeros_initializer())
      m_mat = tf.nn.bias_add(m_mat, bias)
    m_parts = tf.split(m_mat, self._BRANCHES, axis=1)
    x_parts = tf.split(x_mat, self._BRANCHES, axis=1)
    sig, tanh, relu = tf.sigmoid, tf.tanh, tf.nn.relu
    # The searched graph: eight input/recurrent branches, combined pairwise.
    a = [sig(x_parts[0] + m_parts[0]), relu(x_parts[1] + m_parts[1]),
         sig(x_parts[2] + m_parts[2]), relu(x_parts[3] * m_parts[3]),
         tanh(x_parts[4] + m_parts[4]), sig(x_parts[5] + m_parts[5]),
         tanh(x_parts[6] + m_parts[6]), sig(x_parts[7] + m_parts[7])]
    b0 = tanh(tanh(a[0] * a[1]) + c_prev)
    b1 = tanh(a[2] + a[3])
    b2 = tanh(a[4] * a[5])
    b3 = sig(a[6] + a[7])
    new_c = b0 * b1
    new_m = tanh(new_c * tanh(b2 + b3))
    if self._num_proj is not None:
      proj = tf1.get_variable("projection_weights", [n, self._num_proj],
                              dtype=dtype)
      new_m = tf.matmul(new_m, proj)
    return new_m, LSTMStateTuple(new_c, new_m)


class GLSTMCell(_LSTMTupleCell):
  """tf.contrib.rnn.GLSTMCell: group LSTM (Kuchaiev & Ginsburg, 2017).

  The inputs and the previous output are cut into `number_of_groups` equal
  slices; group g's LSTM reads slice g of each through ``group<g>/kernel``
  (no bias), and the gates i, j, f, o, concatenated over the groups, get
  ``bias_i``, ``bias_j``, ``bias_f``, ``bias_o``.  With `num_proj` the output
  goes through ``projection/kernel``.  Variables under ``glstm_cell``.
  """

  _default_name = "glstm_cell"

  def __init__(self, num_units, initializer=None, num_proj=None,
               number_of_groups=1, forget_bias=1.0, activation=tf.tanh,
               reuse=None):
    """Creates the cell.

    Args:
      num_units: int, units of the cell state.
      initializer: optional initializer of the kernels.
      num_proj: optional int, the output size after a projection.
      number_of_groups: int, groups; must divide num_units and num_proj.
      forget_bias: float added to the forget gate.
      activation: applied to the new cell state for the output.
      reuse: optional bool, reuse the variables of an existing scope.

    Raises:
      ValueError: num_units or num_proj not divisible by number_of_groups.
    """
    super(GLSTMCell, self).__init__(reuse=reuse)
    if num_units % number_of_groups != 0:
      raise ValueError("num_units must be divisible by number_of_groups")
    if num_proj and num_proj % number_of_groups != 0:
      raise ValueError("num_proj must be divisible by number_of_groups")
    self._num_units = num_units
    self._initializer = initializer
    self._num_proj = num_proj
    self._number_of_groups = number_of_groups
    self._forget_bias = forget_bias
    self._activation = activation

  def _step(self, inputs, state):
    c_prev, m_prev = state
    groups = self._number_of_groups
    input_size = _tf.dim_value(inputs.get_shape()[1])
    if input_size is None:
      raise ValueError("input size must be statically known")
    if input_size % groups != 0:
      raise ValueError(
          "input size (%d) must be divisible by number_of_groups (%d)" %
          (input_size, groups))
    in_width = input_size // groups
    m_width = (self._num_proj or self._num_units) // groups
    unit_width = self._num_units // groups
    parts = [[], [], [], []]
    for g in range(groups):
      with tf1.variable_scope("group%d" % g):
        x_g = tf.concat([inputs[:, g * in_width:(g + 1) * in_width],
                         m_prev[:, g * m_width:(g + 1) * m_width]], axis=1)
        gates = _linear([x_g], 4 * unit_width, bias=False,
                        kernel_init=self._initializer)
      for k, part in enumerate(tf.split(gates, 4, axis=1)):
        parts[k].append(part)
    dtype = inputs.dtype
    i, j, f, o = [
        tf.nn.bias_add(tf.concat(p, axis=1), tf1.get_variable(
            "bias_" + gate, [self._num_units], dtype=dtype,
            initializer=tf1.zeros_initializer(dtype=dtype)))
        for gate, p in zip("ijfo", parts)]
    c = tf.sigmoid(f + self._forget_bias) * c_prev + tf.sigmoid(i) * tf.tanh(j)
    m = tf.sigmoid(o) * self._activation(c)
    if self._num_proj is not None:
      with tf1.variable_scope("projection"):
        m = _linear([m], self._num_proj, bias=False,
                    kernel_init=self._initializer)
    return m, LSTMStateTuple(c, m)


class IndRNNCell(_VectorCell):
  """tf.contrib.rnn.IndRNNCell: ``h' = act(x W + u * h + b)``, u a vector.

  Li et al., https://arxiv.org/abs/1803.04831.  Variables under
  ``ind_rnn_cell``: ``kernel_w`` [depth, units], ``kernel_u`` [1, units]
  (initialized uniformly in [-1, 1]), ``bias`` [units] (0).
  """

  _default_name = "ind_rnn_cell"

  def __init__(self, num_units, activation=None, reuse=None, name=None,
               dtype=None):
    """Creates the cell.

    Args:
      num_units: int, units of the cell.
      activation: nonlinearity, default tanh.
      reuse: optional bool, reuse the variables of an existing scope.
      name: optional layer name (the variable scope).
      dtype: optional dtype of the variables (default: the inputs').
    """
    super(IndRNNCell, self).__init__(reuse=reuse, name=name, dtype=dtype)
    self._num_units = num_units
    self._activation = activation or tf.tanh

  def _step(self, inputs, state):
    depth = _input_depth(inputs, "inputs")
    n, dtype = self._num_units, inputs.dtype
    w = tf1.get_variable("kernel_w", [depth, n], dtype=dtype)
    u = tf1.get_variable("kernel_u", [1, n], dtype=dtype,
                         initializer=tf1.random_uniform_initializer(
                             minval=-1, maxval=1, dtype=dtype))
    b = tf1.get_variable("bias", [n], dtype=dtype,
                         initializer=tf1.zeros_initializer(dtype=dtype))
    out = self._activation(tf.nn.bias_add(tf.matmul(inputs, w) + state * u, b))
    return out, out


class IndyGRUCell(_VectorCell):
  """tf.contrib.rnn.IndyGRUCell: GRUCell with diagonal recurrent weights.

  Variables under ``indy_gru_cell``: ``gates/kernel_w`` [depth, 2 * units],
  ``gates/kernel_u`` [1, 2 * units], ``gates/bias`` (1 by default),
  ``candidate/kernel`` [depth, units], ``candidate/kernel_u`` [1, units],
  ``candidate/bias`` (0 by default).
  """

  _default_name = "indy_gru_cell"

  def __init__(self, num_units, activation=None, reuse=None,
               kernel_initializer=None, bias_initializer=None, name=None,
               dtype=None):
    """Creates the cell.

    Args:
      num_units: int, units of the cell.
      activation: nonlinearity of the candidate, default tanh.
      reuse: optional bool, reuse the variables of an existing scope.
      kernel_initializer: optional initializer of the input kernels.
      bias_initializer: optional initializer of both biases.
      name: optional layer name (the variable scope).
      dtype: optional dtype of the variables (default: the inputs').
    """
    super(IndyGRUCell, self).__init__(reuse=reuse, name=name, dtype=dtype)
    self._num_units = num_units
    self._activation = activation or tf.tanh
    self._kernel_init = kernel_initializer
    self._bias_init = bias_initializer

  def _step(self, inputs, state):
    depth = _input_depth(inputs, "inputs")
    n, dtype = self._num_units, inputs.dtype
    var = tf1.get_variable

    def diag(name, width):
      return var(name, [1, width], dtype=dtype,
                 initializer=tf1.random_uniform_initializer(
                     minval=-1, maxval=1, dtype=dtype))

    gate_w = var("gates/kernel_w", [depth, 2 * n], dtype=dtype,
                 initializer=self._kernel_init)
    gate_u = diag("gates/kernel_u", 2 * n)
    gate_b = var("gates/bias", [2 * n], dtype=dtype,
                 initializer=self._bias_init or tf1.constant_initializer(
                     1.0, dtype=dtype))
    cand_w = var("candidate/kernel", [depth, n], dtype=dtype,
                 initializer=self._kernel_init)
    cand_u = diag("candidate/kernel_u", n)
    cand_b = var("candidate/bias", [n], dtype=dtype,
                 initializer=self._bias_init or tf1.zeros_initializer(
                     dtype=dtype))
    gates = tf.sigmoid(tf.nn.bias_add(
        tf.matmul(inputs, gate_w) + tf.tile(state, [1, 2]) * gate_u, gate_b))
    r, u = tf.split(gates, 2, axis=1)
    cand = self._activation(tf.nn.bias_add(
        tf.matmul(inputs, cand_w) + r * state * cand_u, cand_b))
    new_h = u * state + (1 - u) * cand
    return new_h, new_h


class IndyLSTMCell(_LSTMTupleCell):
  """tf.contrib.rnn.IndyLSTMCell: BasicLSTMCell with diagonal recurrence.

  Gates i, j, f, o = x W + tile(h) * u + b; variables under
  ``indy_lstm_cell``: ``kernel_w`` [depth, 4 * units], ``kernel_u``
  [1, 4 * units] (uniform in [-1, 1]), ``bias`` [4 * units] (0 by default).
  """

  _default_name = "indy_lstm_cell"

  def __init__(self, num_units, forget_bias=1.0, activation=None, reuse=None,
               kernel_initializer=None, bias_initializer=None, name=None,
               dtype=None):
    """Creates the cell.

    Args:
      num_units: int, units of the cell.
      forget_bias: float added to the forget gate.
      activation: nonlinearity of the inner states, default tanh.
      reuse: optional bool, reuse the variables of an existing scope.
      kernel_initializer: optional initializer of the input kernel.
      bias_initializer: optional initializer of the bias.
      name: optional layer name (the variable scope).
      dtype: optional dtype of the variables (default: the inputs').
    """
    super(IndyLSTMCell, self).__init__(reuse=reuse, name=name, dtype=dtype)
    self._num_units = num_units
    self._forget_bias = forget_bias
    self._activation = activation or tf.tanh
    self._kernel_init = kernel_initializer
    self._bias_init = bias_initializer

  def _step(self, inputs, state):
    depth = _input_depth(inputs, "inputs")
    n, dtype = self._num_units, inputs.dtype
    c, h = state
    w = tf1.get_variable("kernel_w", [depth, 4 * n], dtype=dtype,
                         initializer=self._kernel_init)
    u = tf1.get_variable("kernel_u", [1, 4 * n], dtype=dtype,
                         initializer=tf1.random_uniform_initializer(
                             minval=-1, maxval=1, dtype=dtype))
    b = tf1.get_variable("bias", [4 * n], dtype=dtype,
                         initializer=self._bias_init or
                         tf1.zeros_initializer(dtype=dtype))
    gates = tf.nn.bias_add(tf.matmul(inputs, w) + tf.tile(h, [1, 4]) * u, b)
    i, j, f, o = tf.split(gates, 4, axis=1)
    forget_bias = tf.constant(self._forget_bias, dtype=f.dtype)
    new_c = c * tf.sigmoid(f + forget_bias) + tf.sigmoid(i) * \
        self._activation(j)
    new_h = self._activation(new_c) * tf.sigmoid(o)
    return new_h, LSTMStateTuple(new_c, new_h)


class UGRNNCell(_VectorCell):
  """tf.contrib.rnn.UGRNNCell: one update gate between state and candidate.

  Collins et al., https://arxiv.org/abs/1611.09913.  ``kernel`` and ``bias``
  under ``ugrnn_cell`` give [gate, candidate] from [x, h];
  ``h' = g * h + (1 - g) * act(candidate)`` with
  ``g = sigmoid(gate + forget_bias)``.
  """

  _default_name = "ugrnn_cell"

  def __init__(self, num_units, initializer=None, forget_bias=1.0,
               activation=tf.tanh, reuse=None):
    """Creates the cell.

    Args:
      num_units: int, units of the cell.
      initializer: optional initializer of the kernel.
      forget_bias: float added to the gate.
      activation: nonlinearity of the candidate.
      reuse: optional bool, reuse the variables of an existing scope.
    """
    super(UGRNNCell, self).__init__(reuse=reuse)
    self._num_units = num_units
    self._initializer = initializer
    self._forget_bias = forget_bias
    self._activation = activation

  def _step(self, inputs, state):
    _input_depth(inputs)
    mat = _linear([inputs, state], 2 * self._num_units,
                  kernel_init=self._initializer)
    g_act, c_act = tf.split(mat, 2, axis=1)
    g = tf.sigmoid(g_act + self._forget_bias)
    new_state = g * state + (1.0 - g) * self._activation(c_act)
    return new_state, new_state


class IntersectionRNNCell(_VectorCell):
  """tf.contrib.rnn.IntersectionRNNCell: the +RNN, gated through time and
  depth (Collins et al., https://arxiv.org/abs/1611.09913).

  Inputs must have num_units features, or pass `num_in_proj` to project them
  first through ``in_projection/{kernel,bias}``.  ``kernel``/``bias`` under
  ``intersection_rnn_cell`` give the state gate, the state candidate, the
  depth gate and the depth candidate from [x, h].
  """

  _default_name = "intersection_rnn_cell"

  def __init__(self, num_units, num_in_proj=None, initializer=None,
               forget_bias=1.0, y_activation=tf.nn.relu, reuse=None):
    """Creates the cell.

    Args:
      num_units: int, units of the cell (and of its output).
      num_in_proj: optional int; if set, inputs of another size are
        projected to num_units first.
      initializer: optional initializer of the kernels.
      forget_bias: float added to both gates.
      y_activation: nonlinearity of the output passed through depth.
      reuse: optional bool, reuse the variables of an existing scope.
    """
    super(IntersectionRNNCell, self).__init__(reuse=reuse)
    self._num_units = num_units
    self._num_input_proj = num_in_proj
    self._initializer = initializer
    self._forget_bias = forget_bias
    self._y_activation = y_activation

  def _step(self, inputs, state):
    n = self._num_units
    if _input_depth(inputs) != n:
      if not self._num_input_proj:
        raise ValueError("Must have input size == output size for "
                         "Intersection RNN. To fix, num_in_proj should "
                         "be set to num_units at cell init.")
      with tf1.variable_scope("in_projection"):
        inputs = _linear([inputs], n, kernel_init=self._initializer)
    mat = _linear([inputs, state], 4 * n, kernel_init=self._initializer)
    gh_act, h_act, gy_act, y_act = tf.split(mat, 4, axis=1)
    gh = tf.sigmoid(gh_act + self._forget_bias)
    gy = tf.sigmoid(gy_act + self._forget_bias)
    new_state = gh * state + (1.0 - gh) * tf.tanh(h_act)
    new_y = gy * inputs + (1.0 - gy) * self._y_activation(y_act)
    return new_y, new_state


def _exp_uniform_initializer(low, high, dtype=tf.float32):
  """exp(U(log low, log high)): the period initializer of PhasedLSTMCell."""

  def init(shape, dtype=dtype, partition_info=None):
    del partition_info
    return tf.exp(tf1.random_uniform(shape, tf.math.log(low),
                                     tf.math.log(high), dtype))

  return init


class PhasedLSTMCell(_NamedCell):
  """tf.contrib.rnn.PhasedLSTMCell (Neil et al., arXiv:1610.09513).

  Inputs are a pair ``(time [batch, 1], features [batch, depth])``; time may
  be float64.  An LSTM (``mask_gates``, ``new_input``, ``output_gate``
  kernels and biases; with peepholes the cell state joins the gates' inputs)
  whose update is opened by a per-unit time gate with variables ``period``,
  ``phase`` and ``ratio_on``, leaking by `leak` while closed.  Variables
  under ``phased_lstm_cell``.
  """

  _default_name = "phased_lstm_cell"

  def __init__(self, num_units, use_peepholes=False, leak=0.001,
               ratio_on=0.1, trainable_ratio_on=True, period_init_min=1.0,
               period_init_max=1000.0, reuse=None):
    """Creates the cell.

    Args:
      num_units: int, units of the cell.
      use_peepholes: bool, feed the cell state to the gates.
      leak: float in [0, 1], the leak while the time gate is closed.
      ratio_on: float in [0, 1], the open share of each period (initial).
      trainable_ratio_on: bool, whether ratio_on is trained.
      period_init_min: float > 0, smallest initial period.
      period_init_max: float > period_init_min, largest initial period.
      reuse: optional bool, reuse the variables of an existing scope.
    """
    super(PhasedLSTMCell, self).__init__(reuse=reuse)
    self._num_units = num_units
    self._use_peepholes = use_peepholes
    self._leak = leak
    self._ratio_on = ratio_on
    self._trainable_ratio_on = trainable_ratio_on
    self._period_init_min = period_init_min
    self._period_init_max = period_init_max

  @property
  def state_size(self):
    return LSTMStateTuple(self._num_units, self._num_units)

  @property
  def output_size(self):
    return self._num_units

  def _step(self, inputs, state):
    c_prev, h_prev = state
    time, x = inputs
    n = self._num_units
    gate_in = [x, h_prev] + ([c_prev] if self._use_peepholes else [])
    with tf1.variable_scope("mask_gates"):
      input_gate, forget_gate = tf.split(
          tf.sigmoid(_linear(gate_in, 2 * n)), 2, axis=1)
    with tf1.variable_scope("new_input"):
      new_input = tf.tanh(_linear([x, h_prev], n))
    new_c = c_prev * forget_gate + input_gate * new_input
    out_in = [x, h_prev] + ([new_c] if self._use_peepholes else [])
    with tf1.variable_scope("output_gate"):
      output_gate = tf.sigmoid(_linear(out_in, n))
    new_h = tf.tanh(new_c) * output_gate
    period = tf1.get_variable(
        "period", [n], initializer=_exp_uniform_initializer(
            self._period_init_min, self._period_init_max))
    phase = tf1.get_variable(
        "phase", [n], initializer=tf1.random_uniform_initializer(
            0., period.initial_value))
    ratio_on = tf1.get_variable(
        "ratio_on", [n], initializer=tf1.constant_initializer(self._ratio_on),
        trainable=self._trainable_ratio_on)
    shifted = time - tf.cast(phase, time.dtype)
    period_t = tf.cast(period, time.dtype)
    # floormod without its gradient: d(mod(t, p))/dt is taken as 1.
    wrapped = tf.stop_gradient(tf.math.floormod(shifted, period_t) -
                               shifted) + shifted
    cycle = tf.cast(wrapped / period_t, tf.float32)
    k_up = 2 * cycle / ratio_on
    k = tf1.where(cycle < ratio_on, 2 - k_up, self._leak * cycle)
    k = tf1.where(cycle < 0.5 * ratio_on, k_up, k)
    new_c = k * new_c + (1 - k) * c_prev
    new_h = k * new_h + (1 - k) * h_prev
    return new_h, LSTMStateTuple(new_c, new_h)


def _sharded(name, shape, dtype, num_shards):
  """`name`_0 .. `name`_{k-1}, split along rows, concatenated (TF 1.15)."""
  if num_shards > shape[0]:
    raise ValueError("Too many shards: shape=%s, num_shards=%d" %
                     (shape, num_shards))
  base, extra = divmod(shape[0], num_shards)
  shards = [tf1.get_variable("%s_%d" % (name, i),
                             [base + (1 if i < extra else 0)] + shape[1:],
                             dtype=dtype)
            for i in range(num_shards)]
  if len(shards) == 1:
    return shards[0]
  return tf.concat(shards, 0, name=name + "/concat")


def _layer_norm(x, gain, shift, scope):
  """contrib.layers.layer_norm of rank-2 `x` in `scope` (gamma, beta)."""
  with tf1.variable_scope(scope):
    size = x.get_shape()[-1:]
    gamma = tf1.get_variable("gamma", shape=size,
                             initializer=tf1.constant_initializer(gain))
    beta = tf1.get_variable("beta", shape=size,
                            initializer=tf1.constant_initializer(shift))
    mean, variance = tf.nn.moments(x, [1], keepdims=True)
    return tf.nn.batch_normalization(x, mean, variance, offset=beta,
                                     scale=gamma, variance_epsilon=1e-12)


class CoupledInputForgetGateLSTMCell(_NamedCell):
  """tf.contrib.rnn.CoupledInputForgetGateLSTMCell: the input gate is one
  minus the forget gate (Greff et al., arXiv:1503.04069).

  Variables under ``coupled_input_forget_gate_lstm_cell``: ``W_0`` ..
  (`num_unit_shards` row shards of [depth + m, 3 * units], gates j, f, o),
  ``B`` (not used with layer norm), with peepholes ``W_F_diag`` and
  ``W_O_diag``, with `num_proj` ``W_P_0`` .. (shards of [units, num_proj]),
  with layer norm ``transform``, ``forget``, ``output`` and ``state``, each
  holding ``gamma`` and ``beta``.
  """

  _default_name = "coupled_input_forget_gate_lstm_cell"

  def __init__(self, num_units, use_peepholes=False, initializer=None,
               num_proj=None, proj_clip=None, num_unit_shards=1,
               num_proj_shards=1, forget_bias=1.0, state_is_tuple=True,
               activation=tf.tanh, reuse=None, layer_norm=False,
               norm_gain=1.0, norm_shift=0.0):
    """Creates the cell.

    Args:
      num_units: int, units of the cell state.
      use_peepholes: bool, diagonal peephole connections.
      initializer: accepted for TF 1.15's signature; as there, unused.
      num_proj: optional int, the output size after a projection.
      proj_clip: optional float, clip of the projected output.
      num_unit_shards: int, row shards of the gate weights.
      num_proj_shards: int, row shards of the projection.
      forget_bias: float added to the forget gate.
      state_is_tuple: bool; False concatenates c and m.
      activation: nonlinearity of the inner states.
      reuse: optional bool, reuse the variables of an existing scope.
      layer_norm: bool, layer-normalize the gates and the new cell state.
      norm_gain: float, initial gamma of the layer norms.
      norm_shift: float, initial beta of the layer norms.
    """
    super(CoupledInputForgetGateLSTMCell, self).__init__(reuse=reuse)
    self._num_units = num_units
    self._use_peepholes = use_peepholes
    self._initializer = initializer
    self._num_proj = num_proj
    self._proj_clip = proj_clip
    self._num_unit_shards = num_unit_shards
    self._num_proj_shards = num_proj_shards
    self._forget_bias = forget_bias
    self._state_is_tuple = state_is_tuple
    self._activation = activation
    self._layer_norm = layer_norm
    self._norm_gain = norm_gain
    self._norm_shift = norm_shift

  @property
  def state_size(self):
    m = self._num_proj or self._num_units
    if self._state_is_tuple:
      return LSTMStateTuple(self._num_units, m)
    return self._num_units + m

  @property
  def output_size(self):
    return self._num_proj or self._num_units

  def _norm(self, x, scope):
    return _layer_norm(x, self._norm_gain, self._norm_shift, scope)

  def _step(self, inputs, state):
    n = self._num_units
    m_size = self._num_proj if self._num_proj is not None else n
    if self._state_is_tuple:
      c_prev, m_prev = state
    else:
      c_prev = tf.slice(state, [0, 0], [-1, n])
      m_prev = tf.slice(state, [0, n], [-1, m_size])
    dtype = inputs.dtype
    depth = _input_depth(inputs)
    w = _sharded("W", [depth + m_size, 3 * n], dtype, self._num_unit_shards)
    b = tf1.get_variable("B", shape=[3 * n], dtype=dtype,
                         initializer=tf1.zeros_initializer())
    mat = tf.matmul(tf.concat([inputs, m_prev], 1), w)
    if not self._layer_norm:
      mat = tf.nn.bias_add(mat, b)
    j, f, o = tf.split(mat, 3, axis=1)
    if self._layer_norm:
      j = self._norm(j, "transform")
      f = self._norm(f, "forget")
      o = self._norm(o, "output")
    if self._use_peepholes:
      w_f = tf1.get_variable("W_F_diag", shape=[n], dtype=dtype)
      w_o = tf1.get_variable("W_O_diag", shape=[n], dtype=dtype)
      f_act = tf.sigmoid(f + self._forget_bias + w_f * c_prev)
    else:
      f_act = tf.sigmoid(f + self._forget_bias)
    c = f_act * c_prev + (1 - f_act) * self._activation(j)
    if self._layer_norm:
      c = self._norm(c, "state")
    if self._use_peepholes:
      m = tf.sigmoid(o + w_o * c) * self._activation(c)
    else:
      m = tf.sigmoid(o) * self._activation(c)
    if self._num_proj is not None:
      w_p = _sharded("W_P", [n, self._num_proj], dtype, self._num_proj_shards)
      m = tf.matmul(m, w_p)
      if self._proj_clip is not None:
        m = tf.clip_by_value(m, -self._proj_clip, self._proj_clip)
    if self._state_is_tuple:
      return m, LSTMStateTuple(c, m)
    return m, tf.concat([c, m], 1)


class SRUCell(_VectorCell):
  """tf.contrib.rnn.SRUCell: Simple Recurrent Unit (arXiv:1709.02755).

  ``kernel`` [depth, 4 * units] gives x~, f, r and the highway term from the
  inputs alone; ``bias`` [2 * units] (0) goes to f and r.
  ``c' = f * c + (1 - f) * x~``, ``h = r * act(c') + (1 - r) * x_highway``;
  the output is h, the state c'.  Variables under ``sru_cell``.
  """

  _default_name = "sru_cell"

  def __init__(self, num_units, activation=None, reuse=None, name=None,
               **kwargs):
    """Creates the cell.

    Args:
      num_units: int, units of the cell.
      activation: nonlinearity, default tanh.
      reuse: optional bool, reuse the variables of an existing scope.
      name: optional layer name (the variable scope).
      **kwargs: `dtype`, as TF 1.15's layer argument.
    """
    _check_layer_kwargs("SRUCell", kwargs)
    super(SRUCell, self).__init__(reuse=reuse, name=name,
                                  dtype=kwargs.get("dtype"))
    self._num_units = num_units
    self._activation = activation or tf.tanh

  def _step(self, inputs, state):
    depth = _tf.dim_value(inputs.get_shape().with_rank(2)[1])
    if depth is None:
      raise ValueError("Expected inputs.shape[-1] to be known, saw shape: %s"
                       % inputs.get_shape())
    n, dtype = self._num_units, inputs.dtype
    kernel = tf1.get_variable("kernel", [depth, 4 * n], dtype=dtype)
    bias = tf1.get_variable("bias", [2 * n], dtype=dtype,
                            initializer=tf1.zeros_initializer())
    x_bar, f_pre, r_pre, x_hw = tf.split(tf.matmul(inputs, kernel), 4, axis=1)
    f, r = tf.split(tf.sigmoid(tf.nn.bias_add(
        tf.concat([f_pre, r_pre], 1), bias)), 2, axis=1)
    c = f * state + (1.0 - f) * x_bar
    h = r * self._activation(c) + (1.0 - r) * x_hw
    return h, c


class GRUBlockCell(_VectorCell):
  """tf.contrib.rnn.GRUBlockCell: the fused GRU, as plain ops.

  GRUCell's math with the fused op's variables under ``gru_cell``: ``w_ru``
  [depth + units, 2 * units] and ``b_ru`` (1) for the reset and update
  gates, ``w_c`` [depth + units, units] and ``b_c`` (0) for the candidate.
  """

  _default_name = "gru_cell"

  def __init__(self, num_units=None, cell_size=None, reuse=None,
               name="gru_cell"):
    """Creates the cell.

    Args:
      num_units: int, units of the cell.
      cell_size: int, the deprecated name of num_units.
      reuse: optional bool, reuse the variables of an existing scope.
      name: layer name (the variable scope), numbered if the default.

    Raises:
      ValueError: both or neither of num_units and cell_size given.
    """
    super(GRUBlockCell, self).__init__(reuse=reuse, name=name)
    if (cell_size is None) == (num_units is None):
      raise ValueError(
          "Exactly one of num_units or cell_size must be provided.")
    self._num_units = num_units if num_units is not None else cell_size

  def _step(self, inputs, state):
    depth = _tf.dim_value(inputs.get_shape().with_rank(2)[1])
    if depth is None:
      raise ValueError("Expecting input_size to be set.")
    n = self._num_units
    state_size = _tf.dim_value(state.get_shape().with_rank(2)[1])
    if state_size != n:
      raise ValueError("Shape of h_prev[1] incorrect: cell_size %i vs %s" %
                       (n, state_size))
    dtype = inputs.dtype
    w_ru = tf1.get_variable("w_ru", [depth + n, 2 * n], dtype=dtype)
    b_ru = tf1.get_variable("b_ru", [2 * n], dtype=dtype,
                            initializer=tf1.constant_initializer(1.0))
    w_c = tf1.get_variable("w_c", [depth + n, n], dtype=dtype)
    b_c = tf1.get_variable("b_c", [n], dtype=dtype,
                           initializer=tf1.constant_initializer(0.0))
    r, u = tf.split(tf.sigmoid(tf.nn.bias_add(
        tf.matmul(tf.concat([inputs, state], 1), w_ru), b_ru)), 2, axis=1)
    c = tf.tanh(tf.nn.bias_add(
        tf.matmul(tf.concat([inputs, r * state], 1), w_c), b_c))
    new_h = u * state + (1 - u) * c
    return new_h, new_h


# pylint: disable=protected-access
_PassThroughWrapper = wrappers._PassThroughWrapper
# pylint: enable=protected-access


class HighwayWrapper(_PassThroughWrapper):
  """tf.contrib.rnn.HighwayWrapper: a highway connection around a cell.

  ``out = x * t + cell(x) * (1 - t)`` with the carry gate
  ``t = sigmoid(x carry_w + carry_b)``; with uncoupled gates the second term
  is weighted by its own ``sigmoid(x transform_w + transform_b)``.  As in
  TF 1.15 the wrapper opens no scope: ``carry_w``, ``carry_b`` (initialized
  to `carry_bias_init`), ``transform_w`` and ``transform_b``
  (-`carry_bias_init`) sit in the scope it is called in, beside the wrapped
  cell's own scope.  Inputs and outputs must have the same size.
  """

  def __init__(self, cell, couple_carry_transform_gates=True,
               carry_bias_init=1.0):
    """Wraps `cell`.

    Args:
      cell: an RNNCell whose output size equals its input size.
      couple_carry_transform_gates: bool, transform gate = 1 - carry gate.
      carry_bias_init: float, initial bias of the carry gate.
    """
    super(HighwayWrapper, self).__init__(cell)
    self._couple = couple_carry_transform_gates
    self._carry_bias_init = carry_bias_init

  def _highway(self, inp, out):
    size = _tf.dim_value(inp.get_shape().with_rank(2)[1])
    carry_w = tf1.get_variable("carry_w", [size, size])
    carry_b = tf1.get_variable(
        "carry_b", [size],
        initializer=tf1.constant_initializer(self._carry_bias_init))
    carry = tf.sigmoid(tf.matmul(inp, carry_w) + carry_b)
    if self._couple:
      transform = 1 - carry
    else:
      transform_w = tf1.get_variable("transform_w", [size, size])
      transform_b = tf1.get_variable(
          "transform_b", [size],
          initializer=tf1.constant_initializer(-self._carry_bias_init))
      transform = tf.sigmoid(tf.matmul(inp, transform_w) + transform_b)
    return inp * carry + out * transform

  def _wrap(self, inputs, state, call):
    outputs, new_state = call(inputs, state)
    tf.nest.assert_same_structure(inputs, outputs)
    tf.nest.map_structure(
        lambda i, o: i.get_shape().assert_is_compatible_with(o.get_shape()),
        inputs, outputs)
    return tf.nest.map_structure(self._highway, inputs, outputs), new_state
