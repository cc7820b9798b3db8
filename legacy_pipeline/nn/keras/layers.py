"""Graph-mode ``tf.keras.layers`` as TF 1.15's Keras had them.

``Dense``, ``Dropout``, ``Embedding``, ``Activation``, ``Flatten``, ``Lambda``
with TF 1.15's arguments, defaults, variable names (``kernel``, ``bias``,
``embeddings``) and math, on the ``Layer`` of ``engine``.  ``Input`` returns a
placeholder (graph mode), as TF 1.x's did.
"""
from __future__ import absolute_import, division, print_function

import numpy as np

from legacy_pipeline import _tf
from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.nn import layers_base
from legacy_pipeline.nn.keras import activations
from legacy_pipeline.nn.keras import backend as K
from legacy_pipeline.nn.keras import initializers
from legacy_pipeline.nn.keras import regularizers
from legacy_pipeline.nn.keras.engine import Layer
from legacy_pipeline.nn.keras.engine import _takes


def _positive_int(value, what, who):
  try:
    out = int(value)
  except (TypeError, ValueError):
    raise ValueError("%s: %s must be a positive int, got %r" % (who, what,
                                                               value))
  if out <= 0 or isinstance(value, bool) or out != value:
    raise ValueError("%s: %s must be a positive int, got %r" % (who, what,
                                                               value))
  return out


class Dense(Layer):
  """``activation(dot(inputs, kernel) + bias)`` on the last axis.

  As TF 1.15's ``tf.keras.layers.Dense``.

  Args:
    units: positive int, output size.
    activation: callable, name or None (linear).
    use_bias: whether to add a bias.
    kernel_initializer: default ``"glorot_uniform"``.
    bias_initializer: default ``"zeros"``.
    kernel_regularizer: callable or name; its loss goes to ``layer.losses``.
    bias_regularizer: callable or name; its loss goes to ``layer.losses``.
    activity_regularizer: callable or name, applied to the output.
    kernel_constraint: projection applied by v1 optimizers.
    bias_constraint: projection applied by v1 optimizers.
    **kwargs: Layer's (``input_dim``, ``input_shape``, ``name``, ...).

  Calling it on ``[..., depth]`` returns ``[..., units]``.

  Raises:
    ValueError: bad units or names; inputs of rank < 2, with an unknown last
      dimension, or with a last dimension other than the declared one.
  """

  def __init__(self, units, activation=None, use_bias=True,
               kernel_initializer="glorot_uniform", bias_initializer="zeros",
               kernel_regularizer=None, bias_regularizer=None,
               activity_regularizer=None, kernel_constraint=None,
               bias_constraint=None, **kwargs):
    super(Dense, self).__init__(activity_regularizer=activity_regularizer,
                                **kwargs)
    self.units = _positive_int(units, "units", "Dense")
    self.activation = activations.get(activation)
    self.use_bias = use_bias
    self.kernel_initializer = initializers.get(kernel_initializer)
    self.bias_initializer = initializers.get(bias_initializer)
    self.kernel_regularizer = regularizers.get(kernel_regularizer)
    self.bias_regularizer = regularizers.get(bias_regularizer)
    self.kernel_constraint = kernel_constraint
    self.bias_constraint = bias_constraint
    self.supports_masking = True
    self._declared_depth = None if self._batch_input_shape is None else \
        self._batch_input_shape[-1]

  def build(self, input_shape):
    input_shape = tf.TensorShape(input_shape)
    if input_shape.ndims is not None and input_shape.ndims < 2:
      raise ValueError("Input 0 of layer %s is incompatible with the layer: "
                       "expected min_ndim=2, found ndim=%d" % (
                           self.name, input_shape.ndims))
    depth = _tf.dim_value(input_shape[-1]) if input_shape.ndims else None
    if depth is None:
      raise ValueError("The last dimension of the inputs to `Dense` should be "
                       "defined. Found `None`. (layer %s, input shape %s)" %
                       (self.name, input_shape))
    self._check_depth(depth, input_shape)
    self.kernel = self.add_weight(
        "kernel", shape=[depth, self.units],
        initializer=self.kernel_initializer,
        regularizer=self.kernel_regularizer,
        constraint=self.kernel_constraint, dtype=self.dtype, trainable=True)
    if self.use_bias:
      self.bias = self.add_weight(
          "bias", shape=[self.units], initializer=self.bias_initializer,
          regularizer=self.bias_regularizer,
          constraint=self.bias_constraint, dtype=self.dtype, trainable=True)
    else:
      self.bias = None
    self._declared_depth = depth
    self.built = True

  def _check_depth(self, depth, shape):
    if self._declared_depth is not None and depth is not None and \
        depth != self._declared_depth:
      raise ValueError("Input 0 of layer %s is incompatible with the layer: "
                       "expected axis -1 of input shape to have value %d but "
                       "received input with shape %s" % (
                           self.name, self._declared_depth, shape))

  def call(self, inputs):  # pylint: disable=arguments-differ
    rank = inputs.get_shape().ndims
    self._check_depth(_tf.dim_value(inputs.get_shape()[-1]) if rank else None,
                      inputs.get_shape())
    return layers_base.dense_math(inputs, self.kernel,
                                  self.bias if self.use_bias else None,
                                  self.activation)

  def compute_output_shape(self, input_shape):
    return tf.TensorShape(input_shape)[:-1].concatenate(self.units)

  def get_config(self):
    config = super(Dense, self).get_config()
    config.update(units=self.units, use_bias=self.use_bias,
                  activation=activations.serialize(self.activation))
    return config


class Dropout(Layer):
  """Drops inputs with probability `rate` in the training phase.

  Args:
    rate: float in [0, 1), the fraction dropped.
    noise_shape: shape of the keep/drop mask (None entries: the input's).
    seed: int op seed.
    **kwargs: Layer's.

  ``call(inputs, training=None)``: with ``training`` None the learning phase
  decides (``K.learning_phase()``: a placeholder defaulting to False, so
  dropout is off unless it is fed True or ``K.set_learning_phase(1)``).

  Raises:
    ValueError: `rate` outside [0, 1).
  """

  def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
    super(Dropout, self).__init__(**kwargs)
    if not 0 <= float(rate) < 1:
      raise ValueError("Dropout: rate must be in [0, 1), got %r" % (rate,))
    self.rate = rate
    self.noise_shape = noise_shape
    self.seed = seed
    self.supports_masking = True

  def _noise_shape(self, inputs):
    if self.noise_shape is None:
      return None
    dynamic = tf.shape(inputs)
    return tf.stack([dynamic[i] if d is None else d
                     for i, d in enumerate(self.noise_shape)])

  def call(self, inputs, training=None):  # pylint: disable=arguments-differ
    """Dropout of `inputs` in the training phase, else `inputs` unchanged.

    Args:
      inputs: the input tensor.
      training: Python bool, bool tensor, or None for the learning phase.

    Returns:
      A tensor of the inputs' shape.
    """
    if training is None:
      training = K.learning_phase()

    def dropped():
      return tf.nn.dropout(inputs, noise_shape=self._noise_shape(inputs),
                           seed=self.seed, rate=self.rate)

    return K.smart_cond(training, dropped, lambda: tf.identity(inputs))

  def get_config(self):
    config = super(Dropout, self).get_config()
    config.update(rate=self.rate, noise_shape=self.noise_shape,
                  seed=self.seed)
    return config


class Embedding(Layer):
  """Maps integer ids to dense vectors (``embeddings`` [input_dim, output_dim]).

  As TF 1.15's ``tf.keras.layers.Embedding``.

  Args:
    input_dim: vocabulary size.
    output_dim: vector size.
    embeddings_initializer: default ``"uniform"`` (in [-0.05, 0.05]).
    embeddings_regularizer: callable or name; its loss goes to
      ``layer.losses``.
    activity_regularizer: callable or name, applied to the output.
    embeddings_constraint: projection applied by v1 optimizers.
    mask_zero: id 0 is padding: outputs carry a mask (ids != 0).
    input_length: length of the id sequences, if fixed (it sets the
      default ``input_shape``).
    **kwargs: Layer's (dtype defaults to floatx()).

  The variable is placed on the CPU, as TF 1.15's Keras did in graph mode.

  Raises:
    ValueError: non-positive sizes.
  """

  def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
               embeddings_regularizer=None, activity_regularizer=None,
               embeddings_constraint=None, mask_zero=False, input_length=None,
               **kwargs):
    if "input_shape" not in kwargs:
      kwargs["input_shape"] = (input_length,) if input_length else (None,)
    kwargs.setdefault("dtype", K.floatx())
    super(Embedding, self).__init__(activity_regularizer=activity_regularizer,
                                    **kwargs)
    self.input_dim = _positive_int(input_dim, "input_dim", "Embedding")
    self.output_dim = _positive_int(output_dim, "output_dim", "Embedding")
    self.embeddings_initializer = initializers.get(embeddings_initializer)
    self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
    self.embeddings_constraint = embeddings_constraint
    self.mask_zero = mask_zero
    self.supports_masking = mask_zero
    self.input_length = input_length

  def build(self, input_shape):
    with tf.device("cpu:0"):
      self.embeddings = self.add_weight(
          "embeddings", shape=(self.input_dim, self.output_dim),
          initializer=self.embeddings_initializer,
          regularizer=self.embeddings_regularizer,
          constraint=self.embeddings_constraint)
    self.built = True

  def call(self, inputs):  # pylint: disable=arguments-differ
    if inputs.dtype.base_dtype != tf.int32:
      inputs = tf.cast(inputs, tf.int32)
    return tf.nn.embedding_lookup(self.embeddings, inputs)

  def compute_mask(self, inputs, mask=None):
    """``inputs != 0`` with `mask_zero`, else None.

    Args:
      inputs: the id tensor.
      mask: the incoming mask (ignored).

    Returns:
      A bool tensor of the inputs' shape, or None.
    """
    if not self.mask_zero:
      return None
    return tf.not_equal(inputs, 0)

  def get_config(self):
    config = super(Embedding, self).get_config()
    config.update(input_dim=self.input_dim, output_dim=self.output_dim,
                  mask_zero=self.mask_zero, input_length=self.input_length)
    return config


class Activation(Layer):
  """Applies an activation function (callable or name)."""

  def __init__(self, activation, **kwargs):
    super(Activation, self).__init__(**kwargs)
    self.activation = activations.get(activation)
    self.supports_masking = True

  def call(self, inputs):  # pylint: disable=arguments-differ
    return self.activation(inputs)

  def get_config(self):
    config = super(Activation, self).get_config()
    config.update(activation=activations.serialize(self.activation))
    return config


class Flatten(Layer):
  """[batch, ...] -> [batch, prod(...)] (channels_first: channels last first).
  """

  def __init__(self, data_format=None, **kwargs):
    super(Flatten, self).__init__(**kwargs)
    self.data_format = data_format or K.image_data_format()

  def call(self, inputs):  # pylint: disable=arguments-differ
    rank = inputs.get_shape().ndims
    if self.data_format == "channels_first" and rank is not None and rank > 2:
      inputs = tf.transpose(inputs, [0] + list(range(2, rank)) + [1])
    batch = _tf.dim_value(inputs.get_shape()[0]) if rank else None
    if batch is None:
      batch = tf.shape(inputs)[0]
    static = inputs.get_shape()[1:]
    if static.is_fully_defined():
      return tf.reshape(inputs, [batch if isinstance(batch, int) else -1,
                                 int(np.prod(static.as_list()))])
    return tf.reshape(inputs, tf.stack([batch, -1]))


class Lambda(Layer):
  """Wraps a function of tensors as a layer.

  Args:
    function: fn(inputs, **arguments) (it may take ``mask``/``training``).
    output_shape: accepted for compatibility.
    mask: a mask, or fn(inputs, mask) giving the output mask.
    arguments: dict of extra keyword arguments for `function`.
    **kwargs: Layer's.
  """

  def __init__(self, function, output_shape=None, mask=None, arguments=None,
               **kwargs):
    super(Lambda, self).__init__(**kwargs)
    self.function = function
    self.arguments = dict(arguments or {})
    self._output_shape = output_shape
    self.mask = mask
    self.supports_masking = mask is not None

  def call(self, inputs, mask=None, training=None):  # pylint: disable=arguments-differ
    """`function` of `inputs`.

    Args:
      inputs: the input tensor(s).
      mask: passed on as ``mask=`` if not None and `function` takes it.
      training: passed on as ``training=`` if not None and `function`
        takes it.

    Returns:
      What `function` returns.
    """
    kwargs = dict(self.arguments)
    if mask is not None and _takes(self.function, "mask"):
      kwargs["mask"] = mask
    if training is not None and _takes(self.function, "training"):
      kwargs["training"] = training
    return self.function(inputs, **kwargs)

  def compute_mask(self, inputs, mask=None):
    """The output mask given by the `mask` constructor argument.

    Args:
      inputs: the input tensor(s).
      mask: the incoming mask.

    Returns:
      ``mask_fn(inputs, mask)`` when the layer's mask is callable, else
      the layer's mask (None by default).
    """
    if callable(self.mask):
      return self.mask(inputs, mask)
    return self.mask


def Input(shape=None, batch_size=None, name=None, dtype=None, sparse=False,  # pylint: disable=invalid-name
          tensor=None, batch_shape=None, **kwargs):
  """A placeholder for the model's input (graph mode, as TF 1.x's Input).

  Args:
    shape: shape without the batch dimension.
    batch_size: fixed batch size, or None.
    name: the placeholder's name (default ``input_1``, ``input_2``, ...).
    dtype: default floatx().
    sparse: a sparse placeholder.
    tensor: an existing tensor to use instead of a placeholder.
    batch_shape: the full shape including the batch dimension.

  Returns:
    The placeholder (or `tensor`).

  Raises:
    ValueError: neither `shape`, `batch_shape` nor `tensor` is given.
    TypeError: an unknown keyword argument.
  """
  if kwargs:
    raise TypeError("Input: unknown keyword arguments %s" % sorted(kwargs))
  if tensor is not None:
    return tensor
  if batch_shape is None:
    if shape is None:
      raise ValueError("Input: give `shape` (without the batch dimension), "
                       "`batch_shape` or `tensor`")
    batch_shape = (batch_size,) + tuple(shape)
  _tf.require_graph_mode("tf.keras.Input")
  name = name or "input_%d" % K.get_uid("input")
  return K.placeholder(shape=batch_shape, dtype=dtype, sparse=sparse,
                       name=name)

__all__ = ["Activation", "Dense", "Dropout", "Embedding", "Flatten", "Input",
           "Lambda", "Layer"]
