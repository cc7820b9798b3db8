"""TF 1.x RNN cell wrappers for TF builds without tf.nn.rnn_cell / contrib.rnn.

``DropoutWrapper`` (incl. ``variational_recurrent``), ``ResidualWrapper`` and
``DeviceWrapper`` add no variable scope: the wrapped cell's variables keep
their names, as in TF 1.x.  ``OutputProjectionWrapper`` and
``InputProjectionWrapper`` (tf.contrib.rnn) are cells of their own, with the
wrapped cell's variables under theirs.  Variable names, math and (for seeded
dropout) the random streams follow TF 1.15; tests/test_checkpoint_compat.py
restores TF 1.15 checkpoints of them.
"""
from __future__ import absolute_import, division, print_function

import hashlib

from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.nn import cells


class _PassThroughWrapper(cells.RNNCell):
  """A wrapper that opens no scope: calls go to the wrapped cell."""

  def __init__(self, cell):
    super(_PassThroughWrapper, self).__init__()
    self._cell = cell

  # MultiRNNCell places a cell under its own default name; a pass-through
  # wrapper places the wrapped cell where the cell itself would be.
  @property
  def _name(self):
    return self._cell._name  # pylint: disable=protected-access

  @_name.setter
  def _name(self, value):
    del value  # set by RNNCell.__init__; the wrapped cell's name wins

  @property
  def _default_name(self):
    return self._cell._default_name  # pylint: disable=protected-access

  @property
  def wrapped_cell(self):
    return self._cell

  @property
  def state_size(self):
    return self._cell.state_size

  @property
  def output_size(self):
    return self._cell.output_size

  def zero_state(self, batch_size, dtype):
    """The wrapped cell's zero state.

    Args:
      batch_size: int or int32 scalar Tensor.
      dtype: dtype of the zeros.

    Returns:
      The wrapped cell's ``zero_state(batch_size, dtype)``.
    """
    with tf1.name_scope(type(self).__name__ + "ZeroState"):
      return self._cell.zero_state(batch_size, dtype)

  def __call__(self, inputs, state, scope=None):
    return self._wrap(inputs, state,
                      lambda x, s: self._cell(x, s, scope=scope))

  def _wrap(self, inputs, state, call):
    raise NotImplementedError


class ResidualWrapper(_PassThroughWrapper):
  """Outputs ``residual_fn(inputs, outputs)``, by default their sum.

  Args:
    cell: the RNN cell to wrap.
    residual_fn: function (inputs, outputs) -> outputs; None for the sum,
      which needs inputs and outputs of the same structure and shapes.
  """

  def __init__(self, cell, residual_fn=None):
    super(ResidualWrapper, self).__init__(cell)
    self._residual_fn = residual_fn

  def _wrap(self, inputs, state, call):
    outputs, new_state = call(inputs, state)

    def add(x, y):
      x.get_shape().assert_is_compatible_with(y.get_shape())
      return x + y

    if self._residual_fn is not None:
      return self._residual_fn(inputs, outputs), new_state
    tf.nest.assert_same_structure(inputs, outputs)
    return tf.nest.map_structure(add, inputs, outputs), new_state


class DeviceWrapper(_PassThroughWrapper):
  """Runs the wrapped cell on `device`.

  Args:
    cell: the RNN cell to wrap.
    device: device string or function for ``tf.device``.
  """

  def __init__(self, cell, device):
    super(DeviceWrapper, self).__init__(cell)
    self._device = device

  def zero_state(self, batch_size, dtype):
    """The wrapped cell's zero state, built on the device.

    Args:
      batch_size: int or int32 scalar Tensor.
      dtype: dtype of the zeros.

    Returns:
      The wrapped cell's ``zero_state(batch_size, dtype)``.
    """
    with tf1.name_scope(type(self).__name__ + "ZeroState"):
      with tf.device(self._device):
        return self._cell.zero_state(batch_size, dtype)

  def _wrap(self, inputs, state, call):
    with tf.device(self._device):
      return call(inputs, state)


def _lstm_state_filter(substate):
  """Default of DropoutWrapper: drop every state but an LSTM's memory c."""
  if isinstance(substate, cells.LSTMStateTuple):
    return cells.LSTMStateTuple(c=False, h=True)
  return True


def _flat_index_map(fn, structure):
  """map_structure with each leaf's flat index: fn(index, leaf)."""
  flat = tf.nest.flatten(structure)
  return tf.nest.pack_sequence_as(structure,
                                  [fn(i, leaf) for i, leaf in enumerate(flat)])


class DropoutWrapper(_PassThroughWrapper):
  """Dropout on a cell's inputs, outputs and (filtered) new state.

  As TF 1.x: keep probabilities are floats or scalar tensors; a constant
  1.0 adds no op.  With ``variational_recurrent=True`` each of inputs, outputs
  and state uses one mask per sequence (drawn once per session run, shared by
  every step and batch row, as TF 1.x's [1, size] noise), which needs `dtype`
  and, for input dropout, `input_size`.  With `seed`, each dropout's op seed is
  derived from it and the dropout's role and index exactly as TF 1.15 did, so
  a seeded program draws the same masks.
  """

  def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0,
               state_keep_prob=1.0, variational_recurrent=False,
               input_size=None, dtype=None, seed=None,
               dropout_state_filter_visitor=None):
    """Wraps `cell`; see the class docstring.

    Args:
      cell: the RNN cell to wrap.
      input_keep_prob: keep probability of the inputs (float or scalar).
      output_keep_prob: keep probability of the outputs.
      state_keep_prob: keep probability of the new state's leaves that
        the filter selects.
      variational_recurrent: one mask per sequence instead of per step.
      input_size: (nested) input depth(s), for variational input dropout.
      dtype: dtype of the variational masks.
      seed: int or None, from which each dropout's op seed is derived.
      dropout_state_filter_visitor: function of a (sub-)state returning a
        bool or a depth-1 structure of bools: which parts to drop; default
        drops all but an LSTMStateTuple's c.

    Raises:
      TypeError: variational_recurrent without dtype.
      ValueError: a constant keep probability outside [0, 1];
        variational input dropout without input_size.
    """
    super(DropoutWrapper, self).__init__(cell)
    self._seed = seed
    self._variational = variational_recurrent
    self._filter = dropout_state_filter_visitor or _lstm_state_filter
    self._keep = {}
    with tf1.name_scope("DropoutWrapperInit"):
      for role, prob in (("input", input_keep_prob),
                         ("state", state_keep_prob),
                         ("output", output_keep_prob)):
        tensor = tf.convert_to_tensor(prob)
        known = tf1.get_static_value(tensor)
        if known is not None and (known < 0 or known > 1):
          raise ValueError("Parameter %s_keep_prob must be between 0 and 1: "
                           "%d" % (role, known))
        self._keep[role] = (prob, tensor)
    self._noise = {}
    if variational_recurrent:
      if dtype is None:
        raise TypeError("When variational_recurrent=True, dtype must be "
                        "provided")

      def noise(role, sizes):
        return _flat_index_map(
            lambda i, size: tf1.random_uniform(
                tf.concat([[1], tf.TensorShape(size).as_list()], 0),
                seed=self._gen_seed(role, i), dtype=dtype), sizes)

      if self._should_drop("input"):
        if input_size is None:
          raise ValueError("When variational_recurrent=True and "
                           "input_keep_prob < 1.0 or is unknown, input_size "
                           "must be provided")
        self._noise["input"] = noise("input", input_size)
      self._noise["state"] = noise("state", cell.state_size)
      self._noise["output"] = noise("output", cell.output_size)

  def _gen_seed(self, role, index):
    if self._seed is None:
      return None
    text = ("%s%s_%d" % (self._seed, role, index)).encode("utf-8")
    return int(hashlib.md5(text).hexdigest()[:8], 16) & 0x7FFFFFFF

  def _should_drop(self, role):
    # As TF 1.x: anything but a Python float (an int 1 too) adds the op.
    prob = self._keep[role][0]
    return not isinstance(prob, float) or prob < 1

  def _drop(self, role, values, keep_filter=None):
    keep = self._keep[role][1]
    noise = self._noise.get(role)

    def one(index, value, noise_leaf=None):
      if self._variational:
        kept = tf.floor(keep + noise_leaf)
        out = tf.math.divide(value, keep) * kept
        out.set_shape(value.get_shape())
        return out
      return tf1.nn.dropout(value, keep_prob=keep,
                            seed=self._gen_seed(role, index))

    flat = tf.nest.flatten(values)
    noises = tf.nest.flatten(noise) if noise is not None else [None] * len(
        flat)
    # Groups of consecutive leaves: (drop?, how many).  A dropped group is
    # one tensor; a kept one may be a whole sub-structure the filter did not
    # traverse.  The seed index counts groups, as TF 1.x counted the leaves
    # of its filtered shallow structure.
    groups = [(True, 1)] * len(flat) if keep_filter is None else \
        _filter_groups(keep_filter, values)
    out, pos = [], 0
    for index, (drop, count) in enumerate(groups):
      if drop:
        out.append(one(index, flat[pos], noises[pos]))
      else:
        out.extend(flat[pos:pos + count])
      pos += count
    return tf.nest.pack_sequence_as(values, out)

  def _wrap(self, inputs, state, call):
    if self._should_drop("input"):
      inputs = self._drop("input", inputs)
    outputs, new_state = call(inputs, state)
    if self._should_drop("state"):
      new_state = self._drop("state", new_state, self._filter)
    if self._should_drop("output"):
      outputs = self._drop("output", outputs)
    return outputs, new_state


def _filter_groups(visitor, structure):
  """[(drop?, number of leaves)] for `structure`, as TF 1.x's state filter.

  The visitor answers for a (sub-)structure: False keeps all of it; True
  goes on into its parts (each asked again; a tensor answers for itself);
  a depth-1 structure of bools does that part by part.

  Raises:
    TypeError: an answer that is not a bool where one is needed.
    ValueError: a structured answer that does not match the structure.
  """
  answer = visitor(structure)
  if not _is_nested(structure):
    if not isinstance(answer, bool):
      raise TypeError("dropout_state_filter_visitor must return a bool for "
                      "a tensor, got %r" % (answer,))
    return [(answer, 1)]
  if isinstance(answer, bool):
    if not answer:
      return [(False, len(tf.nest.flatten(structure)))]
    return [g for part in structure for g in _filter_groups(visitor, part)]
  if not _is_nested(answer) or len(answer) != len(structure):
    raise ValueError("dropout_state_filter_visitor returned %r for %r" %
                     (answer, structure))
  out = []
  for part_answer, part in zip(answer, structure):
    if not isinstance(part_answer, bool):
      raise TypeError("dropout_state_filter_visitor must return bools one "
                      "level deep, got %r" % (answer,))
    if part_answer:
      out.extend(_filter_groups(visitor, part))
    else:
      out.append((False, len(tf.nest.flatten(part))))
  return out


def _is_nested(x):
  return isinstance(x, (tuple, list))


class _ProjectionWrapper(cells.RNNCell):
  """A cell with its own scope around a wrapped cell and a linear map."""

  def __init__(self, cell, size, activation, reuse):
    super(_ProjectionWrapper, self).__init__(reuse=reuse)
    self._cell = cell
    self._size = size
    self._activation = activation

  @property
  def state_size(self):
    return self._cell.state_size

  def zero_state(self, batch_size, dtype):
    """The wrapped cell's zero state.

    Args:
      batch_size: int or int32 scalar Tensor.
      dtype: dtype of the zeros.

    Returns:
      The wrapped cell's ``zero_state(batch_size, dtype)``.
    """
    with tf1.name_scope(type(self).__name__ + "ZeroState"):
      return self._cell.zero_state(batch_size, dtype)

  def _project(self, x):
    out = cells._linear([x], self._size)  # pylint: disable=protected-access
    return self._activation(out) if self._activation else out


class OutputProjectionWrapper(_ProjectionWrapper):
  """tf.contrib.rnn's: the wrapped cell's output through a linear map.

  Args:
    cell: the RNN cell to wrap.
    output_size: int > 0, the size of the projected output.
    activation: optional nonlinearity applied after the projection.
    reuse: see ``RNNCell``.

  Raises:
    ValueError: output_size < 1.
  """

  _default_name = "output_projection_wrapper"

  def __init__(self, cell, output_size, activation=None, reuse=None):
    if output_size < 1:
      raise ValueError("Parameter output_size must be > 0: %d." % output_size)
    super(OutputProjectionWrapper, self).__init__(cell, output_size,
                                                  activation, reuse)

  @property
  def output_size(self):
    return self._size

  def _step(self, inputs, state):
    output, new_state = self._cell(inputs, state)
    return self._project(output), new_state


class InputProjectionWrapper(_ProjectionWrapper):
  """tf.contrib.rnn's: the inputs through a linear map into the cell.

  Args:
    cell: the RNN cell to wrap.
    num_proj: int, the size the inputs are projected to.
    activation: optional nonlinearity applied after the projection.
    input_size: deprecated and ignored.
    reuse: see ``RNNCell``.
  """

  _default_name = "input_projection_wrapper"

  def __init__(self, cell, num_proj, activation=None, input_size=None,
               reuse=None):
    del input_size  # deprecated in TF 1.x too
    super(InputProjectionWrapper, self).__init__(cell, num_proj, activation,
                                                 reuse)

  @property
  def output_size(self):
    return self._cell.output_size

  def _step(self, inputs, state):
    return self._cell(self._project(inputs), state)


class AttentionCellWrapper(cells.RNNCell):
  """tf.contrib.rnn.AttentionCellWrapper: attention over the last outputs.

  The state carries, besides the wrapped cell's, the last attention read
  (``attn_size``) and the last ``attn_length`` outputs.  Each step mixes the
  input with the previous read (``kernel``/``bias``), runs the cell, attends
  over the kept outputs with the new cell state as query (``attention/attn_w``
  as a 1x1 convolution, ``attention/attn_v``, ``attention/kernel``/``bias``),
  and projects cell output and read to the output
  (``attn_output_projection/kernel``/``bias``), which joins the kept outputs.
  Variable names and math as TF 1.15.
  """

  _default_name = "attention_cell_wrapper"

  def __init__(self, cell, attn_length, attn_size=None, attn_vec_size=None,
               input_size=None, state_is_tuple=True, reuse=None):
    """Wraps `cell`.

    Args:
      cell: the RNN cell to wrap.
      attn_length: int > 0, how many past outputs are attended over.
      attn_size: size of each kept output and read; default the cell's
        output_size.
      attn_vec_size: size of the attention features; default attn_size.
      input_size: size the input and last read are mixed into; default the
        input's static depth.
      state_is_tuple: state as a tuple (cell state, read, kept outputs), else
        those concatenated on axis 1.
      reuse: see ``RNNCell``.

    Raises:
      ValueError: a tuple-state cell with state_is_tuple=False, or
        attn_length <= 0.
    """
    super(AttentionCellWrapper, self).__init__(reuse=reuse)
    if isinstance(cell.state_size, (tuple, list)) and not state_is_tuple:
      raise ValueError("Cell returns tuple of states, but the flag "
                       "state_is_tuple is not set. State size is: %s" %
                       str(cell.state_size))
    if attn_length <= 0:
      raise ValueError("attn_length should be greater than zero, got %s" %
                       str(attn_length))
    self._cell = cell
    self._attn_length = attn_length
    self._attn_size = attn_size if attn_size is not None else \
        cell.output_size
    self._attn_vec_size = attn_vec_size if attn_vec_size is not None else \
        self._attn_size
    self._input_size = input_size
    self._state_is_tuple = state_is_tuple

  @property
  def state_size(self):
    sizes = (self._cell.state_size, self._attn_size,
             self._attn_size * self._attn_length)
    return sizes if self._state_is_tuple else sum(sizes)

  @property
  def output_size(self):
    return self._attn_size

  def _split_state(self, state):
    if self._state_is_tuple:
      return state
    cell_size = self._cell.state_size
    return (state[:, :cell_size],
            state[:, cell_size:cell_size + self._attn_size],
            state[:, cell_size + self._attn_size:])

  def _step(self, inputs, state):
    cell_state, attns, kept = self._split_state(state)
    kept = tf.reshape(kept, [-1, self._attn_length, self._attn_size])
    input_size = self._input_size or inputs.get_shape().as_list()[1]
    mixed = cells._linear([inputs, attns], input_size)  # pylint: disable=protected-access
    cell_output, new_cell_state = self._cell(mixed, cell_state)
    query = tf.concat(tf.nest.flatten(new_cell_state), 1) \
        if self._state_is_tuple else new_cell_state
    new_attns, older = self._attend(query, kept)
    with tf1.variable_scope("attn_output_projection"):
      output = cells._linear([cell_output, new_attns], self._attn_size)  # pylint: disable=protected-access
    new_kept = tf.reshape(
        tf.concat([older, tf.expand_dims(output, 1)], 1),
        [-1, self._attn_length * self._attn_size])
    new_state = (new_cell_state, new_attns, new_kept)
    if not self._state_is_tuple:
      new_state = tf.concat(list(new_state), 1)
    return output, new_state

  def _attend(self, query, kept):
    """(attention read [B, attn_size], kept outputs without the oldest)."""
    with tf1.variable_scope("attention"):
      w = tf1.get_variable("attn_w", [1, 1, self._attn_size,
                                      self._attn_vec_size])
      v = tf1.get_variable("attn_v", [self._attn_vec_size])
      hidden = tf.reshape(kept, [-1, self._attn_length, 1, self._attn_size])
      features = tf1.nn.conv2d(hidden, w, [1, 1, 1, 1], "SAME")
      projected = tf.reshape(
          cells._linear([query], self._attn_vec_size),  # pylint: disable=protected-access
          [-1, 1, 1, self._attn_vec_size])
      scores = tf.reduce_sum(v * tf.tanh(features + projected), [2, 3])
      weights = tf.reshape(tf.nn.softmax(scores),
                           [-1, self._attn_length, 1, 1])
      read = tf.reshape(tf.reduce_sum(weights * hidden, [1, 2]),
                        [-1, self._attn_size])
      return read, kept[:, 1:, :]


class EmbeddingWrapper(cells.RNNCell):
  """tf.contrib.rnn.EmbeddingWrapper: integer ids embedded before the cell.

  The cell's input is a batch of symbol ids; each step looks them up in the
  variable ``embedding`` ([embedding_classes, embedding_size], on the CPU,
  under this wrapper's own scope ``embedding_wrapper``) and runs the wrapped
  cell, whose variables sit under the same scope, on the vectors.  Without an
  ``initializer`` the variable scope's is used, else a uniform one on
  [-sqrt(3), sqrt(3)] (variance 1), as TF 1.15.
  """

  _default_name = "embedding_wrapper"

  def __init__(self, cell, embedding_classes, embedding_size,
               initializer=None, reuse=None):
    """Wraps `cell`.

    Args:
      cell: the RNN cell the embedded inputs go to.
      embedding_classes: int, the number of symbols.
      embedding_size: int, the size of each symbol's vector.
      initializer: the embedding's initializer; None for the variable
        scope's, or TF 1.15's uniform default.
      reuse: reuse the variables of an existing scope.

    Raises:
      TypeError: `cell` is not like an RNN cell.
      ValueError: embedding_classes or embedding_size is not positive.
    """
    super(EmbeddingWrapper, self).__init__(reuse=reuse)
    _check_like_cell("cell", cell)
    if embedding_classes <= 0 or embedding_size <= 0:
      raise ValueError("Both embedding_classes and embedding_size must be > 0: "
                       "%d, %d." % (embedding_classes, embedding_size))
    self._cell = cell
    self._embedding_classes = embedding_classes
    self._embedding_size = embedding_size
    self._initializer = initializer

  @property
  def state_size(self):
    return self._cell.state_size

  @property
  def output_size(self):
    return self._cell.output_size

  def zero_state(self, batch_size, dtype):
    """The wrapped cell's zero state.

    Args:
      batch_size: int or int32 scalar Tensor.
      dtype: dtype of the zeros.

    Returns:
      The wrapped cell's ``zero_state(batch_size, dtype)``.
    """
    with tf1.name_scope(type(self).__name__ + "ZeroState"):
      return self._cell.zero_state(batch_size, dtype)

  def _step(self, inputs, state):
    with tf.device("/cpu:0"):
      initializer = (self._initializer or
                     tf1.get_variable_scope().initializer or
                     tf1.random_uniform_initializer(-3 ** 0.5, 3 ** 0.5))
      dtype = tf.nest.flatten(state)[0].dtype
      embedding = tf1.get_variable(
          "embedding", [self._embedding_classes, self._embedding_size],
          initializer=initializer, dtype=dtype)
      embedded = tf.nn.embedding_lookup(embedding, tf.reshape(inputs, [-1]))
      return self._cell(embedded, state)


def _check_like_cell(name, cell):
  """Raises TypeError unless `cell` has an RNN cell's surface."""
  missing = [a for a in ("output_size", "state_size", "zero_state")
             if not hasattr(cell, a)]
  if missing or not callable(cell):
    raise TypeError("The argument %r (%s) is not an RNNCell: %s." % (
        name, cell, ", ".join(
            ["'%s' property is missing" % a for a in missing] +
            ([] if callable(cell) else ["is not callable"]))))
