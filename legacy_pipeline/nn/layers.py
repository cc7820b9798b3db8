"""TF 1.15's ``tf.layers`` for TF builds whose Keras cannot run in graph mode.

With Keras 3 (TF >= 2.16, no ``tf_keras``) ``tf.compat.v1.layers`` is gone.
This module has all 36 names of TF 1.15's ``tf.layers``: the classes
(``Dense``, ``Conv2D``, ``BatchNormalization``, ...) on the ``Layer`` of
``layers_base``, and the function forms (``dense``, ``conv2d``, ...), each a
thin wrapper that builds the class and calls it.  Signatures, defaults,
variable names (``<scope>/conv2d/kernel``, ``conv2d_1``, ...;
``batch_normalization/gamma|beta|moving_mean|moving_variance``;
``separable_conv2d/depthwise_kernel|pointwise_kernel|bias``), shapes, dtypes,
collections and math are TF 1.15's; scoping, ``reuse``, variable creation and
the argument lookups are in ``layers_base``.

As in TF 1.15, the function forms of the layers with variables (``dense``,
``conv*``, ``separable_conv*``, ``batch_normalization``) open the variable
scope ``name`` as given (``reuse=True`` shares its variables); ``dropout``,
``flatten`` and the poolings make ``name`` unique (``name``, ``name_1``).

Channels-first data: the same ops as TF 1.15 are built, so on a CPU what
TF 1.15 could not run (``Conv1D/2D/3D``, ``SeparableConv*``,
``Conv3DTranspose``, 2-D poolings, fused batch norm on axis 1) fails at run
time here too; ``Conv2DTranspose`` and the 1-D and 3-D poolings transpose to
channels-last (as TF 1.15 did on a machine without a GPU), and a
non-fused batch norm works on any axis.

Not implemented (NotImplementedError): batch renormalization
(``renorm=True``), ``virtual_batch_size`` and ``adjustment``.  Graph mode
only.
"""
from __future__ import absolute_import, division, print_function

import numpy as np

from legacy_pipeline import _tf
from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.nn import layers_base as base
from legacy_pipeline.nn.keras import backend as K
from legacy_pipeline.nn.layers_base import InputSpec
from legacy_pipeline.nn.layers_base import Layer

__all__ = [
    "Layer", "InputSpec",
    "Dense", "Dropout", "Flatten",
    "Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "Conv3DTranspose",
    "SeparableConv1D", "SeparableConv2D",
    "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
    "MaxPooling1D", "MaxPooling2D", "MaxPooling3D",
    "BatchNormalization",
    "dense", "dropout", "flatten",
    "conv1d", "conv2d", "conv3d", "conv2d_transpose", "conv3d_transpose",
    "separable_conv1d", "separable_conv2d",
    "average_pooling1d", "average_pooling2d", "average_pooling3d",
    "max_pooling1d", "max_pooling2d", "max_pooling3d",
    "batch_normalization",
]


def _positive_int(value, what, who):
  if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or \
      value <= 0:
    raise ValueError("%s: %s must be a positive int, got %r" % (who, what,
                                                               value))
  return int(value)


def _channel_depth(input_shape, data_format, who):
  """The known channel dimension of a static shape."""
  shape = tf.TensorShape(input_shape)
  axis = 1 if data_format == "channels_first" else -1
  depth = _tf.dim_value(shape[axis]) if shape.ndims else None
  if depth is None:
    raise ValueError("%s: the channel dimension of the inputs must be "
                     "known, got shape %s" % (who, shape))
  return depth


# -- Dense, Dropout, Flatten ---------------------------------------------------


class Dense(Layer):
  """Densely connected layer: ``activation(inputs . kernel + bias)``.

  As TF 1.15's ``tf.layers.Dense``.

  Args:
    units: positive int, output size.
    activation: callable, activation name (``"relu"``, ...) or None (linear).
    use_bias: whether to add a bias.
    kernel_initializer: None means the variable scope's (glorot uniform).
    bias_initializer: default zeros.
    kernel_regularizer, bias_regularizer: callable variable -> scalar loss,
      added to ``REGULARIZATION_LOSSES``.
    activity_regularizer: callable output -> scalar loss; the loss divided
      by the batch size is added to ``REGULARIZATION_LOSSES``.
    kernel_constraint, bias_constraint: projections applied by v1 optimizers.
    trainable: add the variables to ``TRAINABLE_VARIABLES``.
    name: the layer's name (its variable scope's base name).
    **kwargs: Layer's.

  Calling it on float ``[..., depth]`` (known depth) gives ``[..., units]``.

  Raises:
    ValueError: `units` is not a positive int, a name is unknown, or (at
      the first call) the last input dimension is unknown.
    TypeError: (at the first call) the inputs are not floating point.
  """

  def __init__(self, units, activation=None, use_bias=True,
               kernel_initializer=None,
               bias_initializer=tf1.zeros_initializer(),
               kernel_regularizer=None, bias_regularizer=None,
               activity_regularizer=None, kernel_constraint=None,
               bias_constraint=None, trainable=True, name=None, **kwargs):
    super(Dense, self).__init__(trainable=trainable, name=name,
                                activity_regularizer=activity_regularizer,
                                **kwargs)
    who = "dense"
    self.units = _positive_int(units, "units", who)
    self.activation = base.get_activation(activation, who)
    self.use_bias = use_bias
    self.kernel_initializer = base.get_initializer(kernel_initializer, who)
    self.bias_initializer = base.get_initializer(bias_initializer, who)
    self.kernel_regularizer = base.get_callable(kernel_regularizer,
                                                "kernel_regularizer", who)
    self.bias_regularizer = base.get_callable(bias_regularizer,
                                              "bias_regularizer", who)
    self.kernel_constraint = base.get_callable(kernel_constraint,
                                               "kernel_constraint", who)
    self.bias_constraint = base.get_callable(bias_constraint,
                                             "bias_constraint", who)
    self.input_spec = InputSpec(min_ndim=2)

  def build(self, input_shape):
    dtype = tf.as_dtype(self.dtype or tf.float32)
    if not (dtype.is_floating or dtype.is_complex):
      raise TypeError("dense: inputs must be floating point, got %s" %
                      dtype.name)
    shape = tf.TensorShape(input_shape)
    depth = _tf.dim_value(shape[-1]) if shape.ndims else None
    if depth is None:
      raise ValueError("dense: the last dimension of the inputs must be "
                       "known, got shape %s" % shape)
    self.input_spec = InputSpec(min_ndim=2, axes={-1: depth})
    self.kernel = self.add_weight(
        "kernel", shape=[depth, self.units],
        initializer=self.kernel_initializer,
        regularizer=self.kernel_regularizer,
        constraint=self.kernel_constraint, dtype=self.dtype, trainable=True)
    self.bias = self.add_weight(
        "bias", shape=[self.units], initializer=self.bias_initializer,
        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
        dtype=self.dtype, trainable=True) if self.use_bias else None
    self.built = True

  def call(self, inputs):  # pylint: disable=arguments-differ
    return base.dense_math(inputs, self.kernel, self.bias, self.activation)

  def compute_output_shape(self, input_shape):
    return tf.TensorShape(input_shape)[:-1].concatenate(self.units)


class Dropout(Layer):
  """Zeroes inputs with probability `rate` (scaling the rest) when training.

  Args:
    rate: the fraction dropped, in [0, 1).
    noise_shape: shape of the keep/drop mask (None entries: the input's).
    seed: int op seed (with a graph seed: the same masks as TF 1.15).
    name: the layer's name.

  ``call(inputs, training=False)``: `training` is a Python bool or a bool
  tensor (None: the graph-mode Keras learning phase, as in TF 1.15).
  """

  def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None,
               **kwargs):
    super(Dropout, self).__init__(name=name, **kwargs)
    self.rate = rate
    self.noise_shape = noise_shape
    self.seed = seed
    self.supports_masking = True

  def _noise_shape(self, inputs):
    if self.noise_shape is None:
      return None
    dynamic = tf.shape(inputs)
    return tf.convert_to_tensor([dynamic[i] if d is None else d
                                 for i, d in enumerate(self.noise_shape)])

  def call(self, inputs, training=False):  # pylint: disable=arguments-differ
    """Dropout of `inputs` when `training`, else `inputs` unchanged.

    Args:
      inputs: the input tensor.
      training: Python bool, bool tensor, or None for the learning phase.

    Returns:
      A tensor of the inputs' shape.
    """
    if training is None:
      training = K.learning_phase()

    def dropped():
      return tf1.nn.dropout(inputs, noise_shape=self._noise_shape(inputs),
                            seed=self.seed, rate=self.rate)
    return base.smart_cond(training, dropped, lambda: tf.identity(inputs))

  def compute_output_shape(self, input_shape):
    return tf.TensorShape(input_shape)


class Flatten(Layer):
  """``[batch, ...]`` -> ``[batch, prod(...)]`` (channels_first: channels
  moved last first).

  Args:
    data_format: ``channels_last`` (default) or ``channels_first``.
  """

  def __init__(self, data_format=None, **kwargs):
    super(Flatten, self).__init__(**kwargs)
    self.data_format = base.normalize_data_format(data_format, "flatten")
    self.input_spec = InputSpec(min_ndim=1)

  def call(self, inputs):  # pylint: disable=arguments-differ
    rank = inputs.get_shape().ndims
    if self.data_format == "channels_first" and rank is not None and rank > 1:
      inputs = tf.transpose(inputs, [0] + list(range(2, rank)) + [1])
    batch = _tf.dim_value(inputs.get_shape()[0]) if rank else None
    outputs = tf.reshape(inputs, (batch or tf.shape(inputs)[0], -1))
    outputs.set_shape(self.compute_output_shape(inputs.get_shape()))
    return outputs

  def compute_output_shape(self, input_shape):
    dims = tf.TensorShape(input_shape).as_list()
    if all(dims[1:]):
      return tf.TensorShape([dims[0], int(np.prod(dims[1:]))])
    return tf.TensorShape([dims[0], None])


# -- convolutions --------------------------------------------------------------


class _Conv(Layer):
  """N-D convolution: ``activation(conv(inputs, kernel) + bias)``."""

  _who = "conv"

  def __init__(self, rank, filters, kernel_size, strides=1, padding="valid",
               data_format="channels_last", dilation_rate=1, activation=None,
               use_bias=True, kernel_initializer=None,
               bias_initializer=tf1.zeros_initializer(),
               kernel_regularizer=None, bias_regularizer=None,
               activity_regularizer=None, kernel_constraint=None,
               bias_constraint=None, trainable=True, name=None, **kwargs):
    super(_Conv, self).__init__(trainable=trainable, name=name,
                                activity_regularizer=activity_regularizer,
                                **kwargs)
    who = snake = base.snake_case(type(self).__name__)
    self.rank = rank
    self.filters = _positive_int(filters, "filters", who)
    self.kernel_size = base.normalize_tuple(kernel_size, rank, "kernel_size",
                                            who)
    self.strides = base.normalize_tuple(strides, rank, "strides", who)
    self.padding = base.normalize_padding(
        padding, who, allow_causal=snake in ("conv1d", "separable_conv1d"))
    self.data_format = base.normalize_data_format(data_format, who)
    self.dilation_rate = base.normalize_tuple(dilation_rate, rank,
                                              "dilation_rate", who)
    self.activation = base.get_activation(activation, who)
    self.use_bias = use_bias
    self.kernel_initializer = base.get_initializer(kernel_initializer, who)
    self.bias_initializer = base.get_initializer(bias_initializer, who)
    self.kernel_regularizer = base.get_callable(kernel_regularizer,
                                                "kernel_regularizer", who)
    self.bias_regularizer = base.get_callable(bias_regularizer,
                                              "bias_regularizer", who)
    self.kernel_constraint = base.get_callable(kernel_constraint,
                                               "kernel_constraint", who)
    self.bias_constraint = base.get_callable(bias_constraint,
                                             "bias_constraint", who)
    self.input_spec = InputSpec(ndim=rank + 2)
    self._who = who

  @property
  def _channel_axis(self):
    return 1 if self.data_format == "channels_first" else -1

  def _kernel_shape(self, depth):
    return self.kernel_size + (depth, self.filters)

  def _add_bias(self):
    self.bias = self.add_weight(
        "bias", shape=(self.filters,), initializer=self.bias_initializer,
        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
        trainable=True, dtype=self.dtype) if self.use_bias else None

  def build(self, input_shape):
    depth = _channel_depth(input_shape, self.data_format, self._who)
    self.kernel = self.add_weight(
        "kernel", shape=self._kernel_shape(depth),
        initializer=self.kernel_initializer,
        regularizer=self.kernel_regularizer,
        constraint=self.kernel_constraint, trainable=True, dtype=self.dtype)
    self._add_bias()
    self.input_spec = InputSpec(ndim=self.rank + 2,
                                axes={self._channel_axis: depth})
    self.built = True

  def _causal_pad(self, inputs):
    left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
    pads = [[0, 0], [left, 0], [0, 0]]
    if self.data_format == "channels_first":
      pads = [[0, 0], [0, 0], [left, 0]]
    return tf.pad(inputs, pads)

  def _bias_and_activation(self, outputs):
    if self.use_bias:
      if self.data_format == "channels_first":
        if self.rank == 1:
          outputs += tf.reshape(self.bias, (1, self.filters, 1))
        else:
          outputs = tf.nn.bias_add(outputs, self.bias, data_format="NCHW")
      else:
        outputs = tf.nn.bias_add(outputs, self.bias, data_format="NHWC")
    return outputs if self.activation is None else self.activation(outputs)

  def call(self, inputs):  # pylint: disable=arguments-differ
    padding = self.padding
    if padding == "causal":
      inputs, padding = self._causal_pad(inputs), "valid"
    outputs = tf1.nn.convolution(
        inputs, self.kernel, padding.upper(), strides=self.strides,
        dilation_rate=self.dilation_rate,
        data_format=base.tf_data_format(self.data_format, self.rank))
    return self._bias_and_activation(outputs)

  def compute_output_shape(self, input_shape):
    dims = tf.TensorShape(input_shape).as_list()
    first = self.data_format == "channels_first"
    space = dims[2:] if first else dims[1:-1]
    new = [base.conv_output_length(n, k, self.padding, s, d) for n, k, s, d in
           zip(space, self.kernel_size, self.strides, self.dilation_rate)]
    if first:
      return tf.TensorShape([dims[0], self.filters] + new)
    return tf.TensorShape([dims[0]] + new + [self.filters])


class Conv1D(_Conv):
  """1-D convolution over ``[batch, width, channels]`` (or channels first).

  As TF 1.15's ``tf.layers.Conv1D``.  Variables ``kernel``
  ``[k, in, filters]`` and ``bias`` ``[filters]``.

  Args:
    filters: positive int, the number of output channels.
    kernel_size: int or 1-tuple, the window.
    strides: int or 1-tuple.
    padding: ``valid``, ``same`` or ``causal`` (case-insensitive).
    data_format: ``channels_last`` (default) or ``channels_first``.
    dilation_rate: int or 1-tuple, the dilation (atrous) rate.
    activation: callable, activation name or None (linear).
    use_bias: whether to add the ``bias`` variable.
    kernel_initializer: None means the variable scope's (glorot uniform).
    bias_initializer: default zeros.
    kernel_regularizer: callable variable -> loss, or None.
    bias_regularizer: callable variable -> loss, or None.
    activity_regularizer: callable output -> loss, or None.
    kernel_constraint: projection applied by v1 optimizers, or None.
    bias_constraint: projection applied by v1 optimizers, or None.
    trainable: add the variables to ``TRAINABLE_VARIABLES``.
    name: the layer's name (its variable scope's base name).
    **kwargs: Layer's.

  Raises:
    ValueError: bad sizes, padding, data format or names.
  """

  def __init__(self, filters, kernel_size, strides=1, padding="valid",
               data_format="channels_last", dilation_rate=1, activation=None,
               use_bias=True, kernel_initializer=None,
               bias_initializer=tf1.zeros_initializer(),
               kernel_regularizer=None, bias_regularizer=None,
               activity_regularizer=None, kernel_constraint=None,
               bias_constraint=None, trainable=True, name=None, **kwargs):
    super(Conv1D, self).__init__(
        1, filters, kernel_size, strides=strides, padding=padding,
        data_format=data_format, dilation_rate=dilation_rate,
        activation=activation, use_bias=use_bias,
        kernel_initializer=kernel_initializer,
        bias_initializer=bias_initializer,
        kernel_regularizer=kernel_regularizer,
        bias_regularizer=bias_regularizer,
        activity_regularizer=activity_regularizer,
        kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
        trainable=trainable, name=name, **kwargs)


class Conv2D(_Conv):
  """2-D convolution over ``[batch, height, width, channels]``.

  As TF 1.15's ``tf.layers.Conv2D``.  Variables ``kernel``
  ``[kh, kw, in, filters]`` and ``bias``.

  Args:
    filters: positive int, the number of output channels.
    kernel_size: int or 2-tuple, the window.
    strides: int or 2-tuple.
    padding: ``valid`` or ``same`` (case-insensitive).
    data_format: ``channels_last`` (default) or ``channels_first``.
    dilation_rate: int or 2-tuple, the dilation (atrous) rate.
    activation: callable, activation name or None (linear).
    use_bias: whether to add the ``bias`` variable.
    kernel_initializer: None means the variable scope's (glorot uniform).
    bias_initializer: default zeros.
    kernel_regularizer: callable variable -> loss, or None.
    bias_regularizer: callable variable -> loss, or None.
    activity_regularizer: callable output -> loss, or None.
    kernel_constraint: projection applied by v1 optimizers, or None.
    bias_constraint: projection applied by v1 optimizers, or None.
    trainable: add the variables to ``TRAINABLE_VARIABLES``.
    name: the layer's name (its variable scope's base name).
    **kwargs: Layer's.

  Raises:
    ValueError: bad sizes, padding, data format or names.
  """

  def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
               data_format="channels_last", dilation_rate=(1, 1),
               activation=None, use_bias=True, kernel_initializer=None,
               bias_initializer=tf1.zeros_initializer(),
               kernel_regularizer=None, bias_regularizer=None,
               activity_regularizer=None, kernel_constraint=None,
               bias_constraint=None, trainable=True, name=None, **kwargs):
    super(Conv2D, self).__init__(
        2, filters, kernel_size, strides=strides, padding=padding,
        data_format=data_format, dilation_rate=dilation_rate,
        activation=activation, use_bias=use_bias,
        kernel_initializer=kernel_initializer,
        bias_initializer=bias_initializer,
        kernel_regularizer=kernel_regularizer,
        bias_regularizer=bias_regularizer,
        activity_regularizer=activity_regularizer,
        kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
        trainable=trainable, name=name, **kwargs)


class Conv3D(_Conv):
  """3-D convolution over ``[batch, depth, height, width, channels]``.

  As TF 1.15's ``tf.layers.Conv3D``.  Variables ``kernel``
  ``[kd, kh, kw, in, filters]`` and ``bias``.

  Args:
    filters: positive int, the number of output channels.
    kernel_size: int or 3-tuple, the window.
    strides: int or 3-tuple.
    padding: ``valid`` or ``same`` (case-insensitive).
    data_format: ``channels_last`` (default) or ``channels_first``.
    dilation_rate: int or 3-tuple, the dilation (atrous) rate.
    activation: callable, activation name or None (linear).
    use_bias: whether to add the ``bias`` variable.
    kernel_initializer: None means the variable scope's (glorot uniform).
    bias_initializer: default zeros.
    kernel_regularizer: callable variable -> loss, or None.
    bias_regularizer: callable variable -> loss, or None.
    activity_regularizer: callable output -> loss, or None.
    kernel_constraint: projection applied by v1 optimizers, or None.
    bias_constraint: projection applied by v1 optimizers, or None.
    trainable: add the variables to ``TRAINABLE_VARIABLES``.
    name: the layer's name (its variable scope's base name).
    **kwargs: Layer's.

  Raises:
    ValueError: bad sizes, padding, data format or names.
  """

  def __init__(self, filters, kernel_size, strides=(1, 1, 1),
               padding="valid", data_format="channels_last",
               dilation_rate=(1, 1, 1), activation=None, use_bias=True,
               kernel_initializer=None,
               bias_initializer=tf1.zeros_initializer(),
               kernel_regularizer=None, bias_regularizer=None,
               activity_regularizer=None, kernel_constraint=None,
               bias_constraint=None, trainable=True, name=None, **kwargs):
    super(Conv3D, self).__init__(
        3, filters, kernel_size, strides=strides, padding=padding,
        data_format=data_format, dilation_rate=dilation_rate,
        activation=activation, use_bias=use_bias,
        kernel_initializer=kernel_initializer,
        bias_initializer=bias_initializer,
        kernel_regularizer=kernel_regularizer,
        bias_regularizer=bias_regularizer,
        activity_regularizer=activity_regularizer,
        kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
        trainable=trainable, name=name, **kwargs)


class _ConvTranspose(_Conv):
  """Transposed convolution; kernel ``kernel_size + (filters, in)``."""

  def _kernel_shape(self, depth):
    return self.kernel_size + (self.filters, depth)

  def build(self, input_shape):
    shape = tf.TensorShape(input_shape)
    if shape.ndims != self.rank + 2:
      raise ValueError("%s: inputs must have rank %d, got shape %s" % (
          self._who, self.rank + 2, shape))
    super(_ConvTranspose, self).build(input_shape)

  def _output_shape(self, inputs):
    """The dynamic output shape, in the layer's data format."""
    dynamic = tf.shape(inputs)
    first = self.data_format == "channels_first"
    spatial = range(2, self.rank + 2) if first else range(1, self.rank + 1)
    lengths = [base.deconv_output_length(dynamic[axis], k, self.padding, s)
               for axis, k, s in zip(spatial, self.kernel_size, self.strides)]
    if first:
      return [dynamic[0], self.filters] + lengths
    return [dynamic[0]] + lengths + [self.filters]

  def compute_output_shape(self, input_shape):
    dims = tf.TensorShape(input_shape).as_list()
    first = self.data_format == "channels_first"
    space = dims[2:] if first else dims[1:-1]
    new = [base.deconv_output_length(n, k, self.padding, s)
           for n, k, s in zip(space, self.kernel_size, self.strides)]
    if first:
      return tf.TensorShape([dims[0], self.filters] + new)
    return tf.TensorShape([dims[0]] + new + [self.filters])


class Conv2DTranspose(_ConvTranspose):
  """Transposed 2-D convolution (deconvolution).

  As TF 1.15's ``tf.layers.Conv2DTranspose`` (no dilation).  Variables
  ``kernel`` ``[kh, kw, filters, in]`` and ``bias``.  Channels-first inputs
  are transposed to channels-last for the op.

  Args:
    filters: positive int, the number of output channels.
    kernel_size: int or 2-tuple, the window.
    strides: int or 2-tuple.
    padding: ``valid`` or ``same`` (case-insensitive).
    data_format: ``channels_last`` (default) or ``channels_first``.
    activation: callable, activation name or None (linear).
    use_bias: whether to add the ``bias`` variable.
    kernel_initializer: None means the variable scope's (glorot uniform).
    bias_initializer: default zeros.
    kernel_regularizer: callable variable -> loss, or None.
    bias_regularizer: callable variable -> loss, or None.
    activity_regularizer: callable output -> loss, or None.
    kernel_constraint: projection applied by v1 optimizers, or None.
    bias_constraint: projection applied by v1 optimizers, or None.
    trainable: add the variables to ``TRAINABLE_VARIABLES``.
    name: the layer's name (its variable scope's base name).
    **kwargs: Layer's.

  Raises:
    ValueError: bad sizes, padding, data format or names.
  """

  def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
               data_format="channels_last", activation=None, use_bias=True,
               kernel_initializer=None,
               bias_initializer=tf1.zeros_initializer(),
               kernel_regularizer=None, bias_regularizer=None,
               activity_regularizer=None, kernel_constraint=None,
               bias_constraint=None, trainable=True, name=None, **kwargs):
    super(Conv2DTranspose, self).__init__(
        2, filters, kernel_size, strides=strides, padding=padding,
        data_format=data_format, activation=activation, use_bias=use_bias,
        kernel_initializer=kernel_initializer,
        bias_initializer=bias_initializer,
        kernel_regularizer=kernel_regularizer,
        bias_regularizer=bias_regularizer,
        activity_regularizer=activity_regularizer,
        kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
        trainable=trainable, name=name, **kwargs)

  def call(self, inputs):  # pylint: disable=arguments-differ
    shape = self._output_shape(inputs)
    first = self.data_format == "channels_first"
    x = inputs
    if first:
      x = tf.transpose(x, (0, 2, 3, 1))
      shape = [shape[0], shape[2], shape[3], shape[1]]
    outputs = tf1.nn.conv2d_transpose(
        x, self.kernel, tf.stack(shape), (1,) + self.strides + (1,),
        padding=self.padding.upper(), data_format="NHWC")
    if first:
      outputs = tf.transpose(outputs, (0, 3, 1, 2))
    outputs.set_shape(self.compute_output_shape(inputs.get_shape()))
    return self._bias_and_activation(outputs)


class Conv3DTranspose(_ConvTranspose):
  """Transposed 3-D convolution (deconvolution).

  As TF 1.15's ``tf.layers.Conv3DTranspose``.  Variables ``kernel``
  ``[kd, kh, kw, filters, in]`` and ``bias``.

  Args:
    filters: positive int, the number of output channels.
    kernel_size: int or 3-tuple, the window.
    strides: int or 3-tuple.
    padding: ``valid`` or ``same`` (case-insensitive).
    data_format: ``channels_last`` (default) or ``channels_first``.
    activation: callable, activation name or None (linear).
    use_bias: whether to add the ``bias`` variable.
    kernel_initializer: None means the variable scope's (glorot uniform).
    bias_initializer: default zeros.
    kernel_regularizer: callable variable -> loss, or None.
    bias_regularizer: callable variable -> loss, or None.
    activity_regularizer: callable output -> loss, or None.
    kernel_constraint: projection applied by v1 optimizers, or None.
    bias_constraint: projection applied by v1 optimizers, or None.
    trainable: add the variables to ``TRAINABLE_VARIABLES``.
    name: the layer's name (its variable scope's base name).
    **kwargs: Layer's.

  Raises:
    ValueError: bad sizes, padding, data format or names.
  """

  def __init__(self, filters, kernel_size, strides=(1, 1, 1),
               padding="valid", data_format="channels_last", activation=None,
               use_bias=True, kernel_initializer=None,
               bias_initializer=tf1.zeros_initializer(),
               kernel_regularizer=None, bias_regularizer=None,
               activity_regularizer=None, kernel_constraint=None,
               bias_constraint=None, trainable=True, name=None, **kwargs):
    super(Conv3DTranspose, self).__init__(
        3, filters, kernel_size, strides=strides, padding=padding,
        data_format=data_format, activation=activation, use_bias=use_bias,
        kernel_initializer=kernel_initializer,
        bias_initializer=bias_initializer,
        kernel_regularizer=kernel_regularizer,
        bias_regularizer=bias_regularizer,
        activity_regularizer=activity_regularizer,
        kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
        trainable=trainable, name=name, **kwargs)

  def call(self, inputs):  # pylint: disable=arguments-differ
    first = self.data_format == "channels_first"
    strides = (1, 1) + self.strides if first else (1,) + self.strides + (1,)
    outputs = tf1.nn.conv3d_transpose(
        inputs, self.kernel, tf.stack(self._output_shape(inputs)), strides,
        padding=self.padding.upper(),
        data_format=base.tf_data_format(self.data_format, 3))
    outputs.set_shape(self.compute_output_shape(inputs.get_shape()))
    return self._bias_and_activation(outputs)


class _SeparableConv(_Conv):
  """Depthwise then pointwise convolution."""

  def __init__(self, rank, filters, kernel_size, strides, padding,
               data_format, dilation_rate, depth_multiplier, activation,
               use_bias, depthwise_initializer, pointwise_initializer,
               bias_initializer, depthwise_regularizer, pointwise_regularizer,
               bias_regularizer, activity_regularizer, depthwise_constraint,
               pointwise_constraint, bias_constraint, trainable, name,
               **kwargs):
    super(_SeparableConv, self).__init__(
        rank, filters, kernel_size, strides=strides, padding=padding,
        data_format=data_format, dilation_rate=dilation_rate,
        activation=activation, use_bias=use_bias,
        bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
        activity_regularizer=activity_regularizer,
        bias_constraint=bias_constraint, trainable=trainable, name=name,
        **kwargs)
    who = self._who
    self.depth_multiplier = _positive_int(depth_multiplier,
                                          "depth_multiplier", who)
    self.depthwise_initializer = base.get_initializer(depthwise_initializer,
                                                      who)
    self.pointwise_initializer = base.get_initializer(pointwise_initializer,
                                                      who)
    self.depthwise_regularizer = base.get_callable(
        depthwise_regularizer, "depthwise_regularizer", who)
    self.pointwise_regularizer = base.get_callable(
        pointwise_regularizer, "pointwise_regularizer", who)
    self.depthwise_constraint = base.get_callable(
        depthwise_constraint, "depthwise_constraint", who)
    self.pointwise_constraint = base.get_callable(
        pointwise_constraint, "pointwise_constraint", who)

  def build(self, input_shape):
    depth = _channel_depth(input_shape, self.data_format, self._who)
    self.input_spec = InputSpec(ndim=self.rank + 2,
                                axes={self._channel_axis: depth})
    self.depthwise_kernel = self.add_weight(
        "depthwise_kernel",
        shape=self.kernel_size + (depth, self.depth_multiplier),
        initializer=self.depthwise_initializer,
        regularizer=self.depthwise_regularizer,
        constraint=self.depthwise_constraint, trainable=True,
        dtype=self.dtype)
    self.pointwise_kernel = self.add_weight(
        "pointwise_kernel",
        shape=(1,) * self.rank + (self.depth_multiplier * depth, self.filters),
        initializer=self.pointwise_initializer,
        regularizer=self.pointwise_regularizer,
        constraint=self.pointwise_constraint, trainable=True,
        dtype=self.dtype)
    self._add_bias()
    self.built = True

  def _separable(self, inputs, depthwise, pointwise, strides, rate, padding):
    first = self.data_format == "channels_first"
    outputs = tf1.nn.separable_conv2d(
        inputs, depthwise, pointwise,
        strides=(1, 1) + strides if first else (1,) + strides + (1,),
        padding=padding.upper(), rate=rate,
        data_format="NCHW" if first else "NHWC")
    if self.use_bias:
      outputs = tf.nn.bias_add(outputs, self.bias,
                               data_format="NCHW" if first else "NHWC")
    return outputs


class SeparableConv1D(_SeparableConv):
  """Depthwise separable 1-D convolution.

  As TF 1.15's ``tf.layers.SeparableConv1D``.  Variables
  ``depthwise_kernel`` ``[k, in, depth_multiplier]``, ``pointwise_kernel``
  ``[1, in * depth_multiplier, filters]`` and ``bias``.

  Args:
    filters: positive int, the number of output channels.
    kernel_size: int or 1-tuple, the window.
    strides: int or 1-tuple.
    padding: ``valid``, ``same`` or ``causal`` (case-insensitive).
    data_format: ``channels_last`` (default) or ``channels_first``.
    dilation_rate: int or 1-tuple, of the depthwise convolution.
    depth_multiplier: depthwise output channels per input channel.
    activation: callable, activation name or None (linear).
    use_bias: whether to add the ``bias`` variable.
    depthwise_initializer: None means glorot uniform.
    pointwise_initializer: None means glorot uniform.
    bias_initializer: default zeros.
    depthwise_regularizer: callable variable -> loss, or None.
    pointwise_regularizer: callable variable -> loss, or None.
    bias_regularizer: callable variable -> loss, or None.
    activity_regularizer: callable output -> loss, or None.
    depthwise_constraint: projection applied by v1 optimizers, or None.
    pointwise_constraint: projection applied by v1 optimizers, or None.
    bias_constraint: projection applied by v1 optimizers, or None.
    trainable: add the variables to ``TRAINABLE_VARIABLES``.
    name: the layer's name (its variable scope's base name).
    **kwargs: Layer's.

  Raises:
    ValueError: bad sizes, padding, data format or names.
  """

  def __init__(self, filters, kernel_size, strides=1, padding="valid",
               data_format="channels_last", dilation_rate=1,
               depth_multiplier=1, activation=None, use_bias=True,
               depthwise_initializer=None, pointwise_initializer=None,
               bias_initializer=tf1.zeros_initializer(),
               depthwise_regularizer=None, pointwise_regularizer=None,
               bias_regularizer=None, activity_regularizer=None,
               depthwise_constraint=None, pointwise_constraint=None,
               bias_constraint=None, trainable=True, name=None, **kwargs):
    super(SeparableConv1D, self).__init__(
        1, filters, kernel_size, strides, padding, data_format,
        dilation_rate, depth_multiplier, activation, use_bias,
        depthwise_initializer, pointwise_initializer, bias_initializer,
        depthwise_regularizer, pointwise_regularizer, bias_regularizer,
        activity_regularizer, depthwise_constraint, pointwise_constraint,
        bias_constraint, trainable, name, **kwargs)

  def call(self, inputs):  # pylint: disable=arguments-differ
    padding = self.padding
    if padding == "causal":
      inputs, padding = self._causal_pad(inputs), "valid"
    axis = 2 if self.data_format == "channels_first" else 1
    outputs = self._separable(
        tf.expand_dims(inputs, axis), tf.expand_dims(self.depthwise_kernel, 0),
        tf.expand_dims(self.pointwise_kernel, 0), self.strides * 2,
        (1,) + self.dilation_rate, padding)
    outputs = tf.squeeze(outputs, [axis])
    return outputs if self.activation is None else self.activation(outputs)


class SeparableConv2D(_SeparableConv):
  """Depthwise separable 2-D convolution.

  As TF 1.15's ``tf.layers.SeparableConv2D``.  Variables
  ``depthwise_kernel`` ``[kh, kw, in, dm]``, ``pointwise_kernel``
  ``[1, 1, in * dm, filters]`` and ``bias``.

  Args:
    filters: positive int, the number of output channels.
    kernel_size: int or 2-tuple, the window.
    strides: int or 2-tuple.
    padding: ``valid`` or ``same`` (case-insensitive).
    data_format: ``channels_last`` (default) or ``channels_first``.
    dilation_rate: int or 2-tuple, of the depthwise convolution.
    depth_multiplier: depthwise output channels per input channel.
    activation: callable, activation name or None (linear).
    use_bias: whether to add the ``bias`` variable.
    depthwise_initializer: None means glorot uniform.
    pointwise_initializer: None means glorot uniform.
    bias_initializer: default zeros.
    depthwise_regularizer: callable variable -> loss, or None.
    pointwise_regularizer: callable variable -> loss, or None.
    bias_regularizer: callable variable -> loss, or None.
    activity_regularizer: callable output -> loss, or None.
    depthwise_constraint: projection applied by v1 optimizers, or None.
    pointwise_constraint: projection applied by v1 optimizers, or None.
    bias_constraint: projection applied by v1 optimizers, or None.
    trainable: add the variables to ``TRAINABLE_VARIABLES``.
    name: the layer's name (its variable scope's base name).
    **kwargs: Layer's.

  Raises:
    ValueError: bad sizes, padding, data format or names.
  """

  def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
               data_format="channels_last", dilation_rate=(1, 1),
               depth_multiplier=1, activation=None, use_bias=True,
               depthwise_initializer=None, pointwise_initializer=None,
               bias_initializer=tf1.zeros_initializer(),
               depthwise_regularizer=None, pointwise_regularizer=None,
               bias_regularizer=None, activity_regularizer=None,
               depthwise_constraint=None, pointwise_constraint=None,
               bias_constraint=None, trainable=True, name=None, **kwargs):
    super(SeparableConv2D, self).__init__(
        2, filters, kernel_size, strides, padding, data_format,
        dilation_rate, depth_multiplier, activation, use_bias,
        depthwise_initializer, pointwise_initializer, bias_initializer,
        depthwise_regularizer, pointwise_regularizer, bias_regularizer,
        activity_regularizer, depthwise_constraint, pointwise_constraint,
        bias_constraint, trainable, name, **kwargs)

  def call(self, inputs):  # pylint: disable=arguments-differ
    outputs = self._separable(inputs, self.depthwise_kernel,
                              self.pointwise_kernel, self.strides,
                              self.dilation_rate, self.padding)
    return outputs if self.activation is None else self.activation(outputs)


# -- pooling -------------------------------------------------------------------


class _Pooling(Layer):
  """Max or average pooling over `rank` spatial axes."""

  _rank = None
  _mode = None  # "max" or "avg"

  def __init__(self, pool_size, strides, padding="valid",
               data_format="channels_last", name=None, **kwargs):
    super(_Pooling, self).__init__(name=name, **kwargs)
    who = base.snake_case(type(self).__name__)
    if strides is None:
      strides = pool_size
    self.pool_size = base.normalize_tuple(pool_size, self._rank, "pool_size",
                                          who)
    self.strides = base.normalize_tuple(strides, self._rank, "strides", who)
    self.padding = base.normalize_padding(padding, who)
    self.data_format = base.normalize_data_format(data_format, who)
    self.input_spec = InputSpec(ndim=self._rank + 2)

  def _pool(self, x, window, strides, data_format):
    """The pooling op on NHWC/NCHW (rank <= 2) or NDHWC inputs."""
    pool3d = len(window) == 3
    if self._mode == "max":
      op = tf1.nn.max_pool3d if pool3d else tf1.nn.max_pool
    else:
      op = tf1.nn.avg_pool3d if pool3d else tf1.nn.avg_pool
    if data_format in ("NCHW",):
      ksize, strides = (1, 1) + window, (1, 1) + strides
    else:
      ksize, strides = (1,) + window + (1,), (1,) + strides + (1,)
    return op(x, ksize, strides, self.padding.upper(), data_format)

  def compute_output_shape(self, input_shape):
    dims = tf.TensorShape(input_shape).as_list()
    first = self.data_format == "channels_first"
    space = dims[2:] if first else dims[1:-1]
    new = [base.conv_output_length(n, k, self.padding, s)
           for n, k, s in zip(space, self.pool_size, self.strides)]
    if first:
      return tf.TensorShape(dims[:2] + new)
    return tf.TensorShape([dims[0]] + new + [dims[-1]])


class _Pooling1D(_Pooling):
  """1-D pooling: a 2-D pooling of width 1 (channels-last for the op)."""

  _rank = 1

  def call(self, inputs):  # pylint: disable=arguments-differ
    first = self.data_format == "channels_first"
    x = tf.transpose(inputs, (0, 2, 1)) if first else inputs
    x = self._pool(tf.expand_dims(x, 2), self.pool_size + (1,),
                   self.strides + (1,), "NHWC")
    x = tf.squeeze(x, [2])
    return tf.transpose(x, (0, 2, 1)) if first else x


class _Pooling2D(_Pooling):
  """2-D pooling (channels-first uses the NCHW op, as TF 1.15)."""

  _rank = 2

  def call(self, inputs):  # pylint: disable=arguments-differ
    return self._pool(inputs, self.pool_size, self.strides,
                      base.tf_data_format(self.data_format, 2))


class _Pooling3D(_Pooling):
  """3-D pooling (channels-first transposed to channels-last, as TF 1.15)."""

  _rank = 3

  def call(self, inputs):  # pylint: disable=arguments-differ
    first = self.data_format == "channels_first"
    x = tf.transpose(inputs, (0, 2, 3, 4, 1)) if first else inputs
    x = self._pool(x, self.pool_size, self.strides, "NDHWC")
    return tf.transpose(x, (0, 4, 1, 2, 3)) if first else x


class AveragePooling1D(_Pooling1D):
  """Average pooling over ``[batch, steps, channels]`` (or channels first).

  Args:
    pool_size: int or 1-tuple, the window.
    strides: int or 1-tuple (required; None means pool_size).
    padding: ``valid`` or ``same``.
    data_format: ``channels_last`` (default) or ``channels_first``.
    name: the layer's name.
  """
  _mode = "avg"


class MaxPooling1D(_Pooling1D):
  """Max pooling over ``[batch, steps, channels]``; args as AveragePooling1D.
  """
  _mode = "max"


class AveragePooling2D(_Pooling2D):
  """Average pooling over ``[batch, height, width, channels]``; args as
  AveragePooling1D's with 2-tuples."""
  _mode = "avg"


class MaxPooling2D(_Pooling2D):
  """Max pooling over ``[batch, height, width, channels]``; args as
  AveragePooling1D's with 2-tuples."""
  _mode = "max"


class AveragePooling3D(_Pooling3D):
  """Average pooling over ``[batch, depth, height, width, channels]``; args
  as AveragePooling1D's with 3-tuples."""
  _mode = "avg"


class MaxPooling3D(_Pooling3D):
  """Max pooling over ``[batch, depth, height, width, channels]``; args as
  AveragePooling1D's with 3-tuples."""
  _mode = "max"


# -- batch normalization -------------------------------------------------------


class BatchNormalization(Layer):
  """Batch normalization (Ioffe & Szegedy, 2015), as TF 1.15's tf.layers.

  Args:
    axis: int or list of ints, the normalized (feature) axis or axes.
    momentum: of the moving averages.
    epsilon: added to the variance.
    center: add the offset ``beta``.
    scale: multiply by ``gamma``.
    beta_initializer, gamma_initializer, moving_mean_initializer,
      moving_variance_initializer: initializers (or names).
    beta_regularizer, gamma_regularizer: callables variable -> loss.
    beta_constraint, gamma_constraint: projections after optimizer updates.
    renorm, renorm_clipping, renorm_momentum: renorm must be False.
    fused: None or True: the fused kernel when the input has rank 4 and the
      axis is 1 or 3 (else the composite ops); False: the composite ops.
    trainable: gamma and beta trainable; a non-trainable layer adds no
      ``UPDATE_OPS`` (its update ops are still built), as in TF 1.15.
    virtual_batch_size, adjustment: must be None.
    name: the layer's name.

  ``call(inputs, training=False)``: `training` is a Python bool or a bool
  tensor (None: the graph-mode Keras learning phase).  With training False
  (Python or constant) the moving statistics normalize and nothing is updated;
  otherwise the batch's moments normalize and the update ops of
  ``moving_mean``/``moving_variance`` (``AssignMovingAvg``,
  ``AssignMovingAvg_1``) go to ``layer.updates`` and ``UPDATE_OPS`` (with a
  tensor, the updates leave the averages unchanged when it is False).  The
  moving statistics are non-trainable global variables.  The fused kernel's
  batch variance (used for the moving variance) is the unbiased one, the
  composite ops' the biased one, as in TF 1.15.

  Raises:
    NotImplementedError: renorm, virtual_batch_size or adjustment was given.
    TypeError: `axis` is neither an int nor a list.
    ValueError: (at the first call) an unknown rank or feature dimension,
      an invalid or duplicate axis.
  """

  def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True,
               scale=True, beta_initializer=tf1.zeros_initializer(),
               gamma_initializer=tf1.ones_initializer(),
               moving_mean_initializer=tf1.zeros_initializer(),
               moving_variance_initializer=tf1.ones_initializer(),
               beta_regularizer=None, gamma_regularizer=None,
               beta_constraint=None, gamma_constraint=None, renorm=False,
               renorm_clipping=None, renorm_momentum=0.99, fused=None,
               trainable=True, virtual_batch_size=None, adjustment=None,
               name=None, **kwargs):
    super(BatchNormalization, self).__init__(trainable=trainable, name=name,
                                             **kwargs)
    who = "batch_normalization"
    for arg, value in (("renorm", renorm),
                       ("virtual_batch_size", virtual_batch_size),
                       ("adjustment", adjustment)):
      if value is not None and value is not False:
        raise NotImplementedError(
            "%s: %s=%r is not supported by legacy-pipeline's in-house "
            "tf.layers (batch renormalization, ghost batches and adjustments "
            "are not implemented); use the default (%s)" % (
                who, arg, value, "False" if arg == "renorm" else "None"))
    del renorm_clipping, renorm_momentum  # meaningful with renorm only
    if isinstance(axis, (list, tuple)):
      self.axis = list(axis)
    elif isinstance(axis, int) and not isinstance(axis, bool):
      self.axis = axis
    else:
      raise TypeError("%s: axis must be an int or a list of ints, got %r" % (
          who, axis))
    self.momentum = momentum
    self.epsilon = epsilon
    self.center = center
    self.scale = scale
    self.beta_initializer = base.get_initializer(beta_initializer, who)
    self.gamma_initializer = base.get_initializer(gamma_initializer, who)
    self.moving_mean_initializer = base.get_initializer(
        moving_mean_initializer, who)
    self.moving_variance_initializer = base.get_initializer(
        moving_variance_initializer, who)
    self.beta_regularizer = base.get_callable(beta_regularizer,
                                              "beta_regularizer", who)
    self.gamma_regularizer = base.get_callable(gamma_regularizer,
                                               "gamma_regularizer", who)
    self.beta_constraint = base.get_callable(beta_constraint,
                                             "beta_constraint", who)
    self.gamma_constraint = base.get_callable(gamma_constraint,
                                              "gamma_constraint", who)
    self.renorm = False
    self.virtual_batch_size = None
    self.adjustment = None
    self.fused = True if fused is None else fused
    self.supports_masking = True
    self._data_format = None

  @property
  def _param_dtype(self):
    dtype = tf.as_dtype(self.dtype or tf.float32)
    if dtype in (tf.float16, tf.bfloat16):
      return tf.float32
    return dtype

  def build(self, input_shape):
    shape = tf.TensorShape(input_shape)
    if not shape.ndims:
      raise ValueError("batch_normalization: the inputs' rank must be known "
                       "and positive, got shape %s" % shape)
    ndims = shape.ndims
    axes = [self.axis] if isinstance(self.axis, int) else list(self.axis)
    axes = [a + ndims if a < 0 else a for a in axes]
    for a in axes:
      if a < 0 or a >= ndims:
        raise ValueError("batch_normalization: invalid axis %d for inputs of "
                         "rank %d" % (a, ndims))
    if len(axes) != len(set(axes)):
      raise ValueError("batch_normalization: duplicate axis in %s" % axes)
    self.axis = axes
    if self.fused:
      self.fused = ndims == 4 and axes in ([1], [3])
    if self.fused:
      self._data_format = "NCHW" if axes == [1] else "NHWC"
    sizes = {a: _tf.dim_value(shape[a]) for a in axes}
    for a in axes:
      if sizes[a] is None:
        raise ValueError("batch_normalization: the inputs' dimension %d "
                         "must be known, got shape %s" % (a, shape))
    self.input_spec = InputSpec(ndim=ndims, axes=sizes)
    if len(axes) == 1:
      param_shape = (sizes[axes[0]],)
    else:
      param_shape = [sizes.get(i, 1) for i in range(ndims)]
    dtype = self._param_dtype
    self.gamma = self.add_weight(
        "gamma", shape=param_shape, dtype=dtype,
        initializer=self.gamma_initializer,
        regularizer=self.gamma_regularizer,
        constraint=self.gamma_constraint, trainable=True) if self.scale \
        else None
    self.beta = self.add_weight(
        "beta", shape=param_shape, dtype=dtype,
        initializer=self.beta_initializer, regularizer=self.beta_regularizer,
        constraint=self.beta_constraint, trainable=True) if self.center \
        else None
    if self.fused and not self.scale:
      self._gamma_const = tf.constant(1.0, dtype=dtype, shape=param_shape)
    if self.fused and not self.center:
      self._beta_const = tf.constant(0.0, dtype=dtype, shape=param_shape)
    # The moving statistics are never partitioned (as in TF 1.15).
    partitioner = self._scope.partitioner if self._scope else None
    if partitioner:
      self._scope.set_partitioner(None)
    try:
      stats = dict(shape=param_shape, dtype=dtype, trainable=False,
                   synchronization=tf.VariableSynchronization.ON_READ,
                   aggregation=tf.VariableAggregation.MEAN)
      self.moving_mean = self.add_weight(
          "moving_mean", initializer=self.moving_mean_initializer, **stats)
      self.moving_variance = self.add_weight(
          "moving_variance", initializer=self.moving_variance_initializer,
          **stats)
    finally:
      if partitioner:
        self._scope.set_partitioner(partitioner)
    self.built = True

  def _assign_moving_average(self, variable, value, momentum):
    with tf1.name_scope("AssignMovingAvg") as scope:
      with tf1.get_default_graph().colocate_with(variable):
        dtype = variable.dtype.base_dtype
        decay = tf.convert_to_tensor(1.0 - momentum, name="decay")
        if decay.dtype != dtype:
          decay = tf.cast(decay, dtype)
        delta = (variable - tf.cast(value, dtype)) * decay
        return tf1.assign_sub(variable, delta, name=scope)

  def _fused(self, inputs, training):
    gamma = self.gamma if self.scale else self._gamma_const
    beta = self.beta if self.center else self._beta_const

    def train():
      return tf1.nn.fused_batch_norm(inputs, gamma, beta,
                                     epsilon=self.epsilon,
                                     data_format=self._data_format)

    def infer():
      return tf1.nn.fused_batch_norm(
          inputs, gamma, beta, mean=self.moving_mean,
          variance=self.moving_variance, epsilon=self.epsilon,
          is_training=False, data_format=self._data_format)

    outputs, mean, variance = base.smart_cond(training, train, infer)
    known = base.constant_value(training)
    if known is None:
      momentum = base.smart_cond(training, lambda: self.momentum,
                                 lambda: 1.0)
    else:
      momentum = tf.convert_to_tensor(self.momentum)
    if known or known is None:
      self.add_update(lambda: self._assign_moving_average(
          self.moving_mean, mean, momentum))
      self.add_update(lambda: self._assign_moving_average(
          self.moving_variance, variance, momentum))
    return outputs

  def _updated(self, training, variable, value):
    """The moving average's update, conditional on a `training` tensor."""
    return base.smart_cond(
        training,
        lambda: tf.identity(self._assign_moving_average(variable, value,
                                                        self.momentum)),
        lambda: tf.identity(variable)) \
        if base.constant_value(training) is None else \
        self._assign_moving_average(variable, value, self.momentum)

  def call(self, inputs, training=False):  # pylint: disable=arguments-differ
    """Normalizes `inputs` (see the class docstring for `training`).

    Args:
      inputs: the input tensor.
      training: Python bool, bool tensor, or None for the learning phase.

    Returns:
      The normalized tensor, of the inputs' shape.
    """
    if training is None:
      training = K.learning_phase()
    if self.fused:
      return self._fused(inputs, training)
    shape = inputs.get_shape()
    ndims = shape.ndims
    reduction = [i for i in range(ndims) if i not in self.axis]
    broadcast_shape = [1] * ndims
    broadcast_shape[self.axis[0]] = _tf.dim_value(shape[self.axis[0]])

    def broadcast(v):
      if v is not None and v.get_shape().ndims != ndims and \
          reduction != list(range(ndims - 1)):
        return tf.reshape(v, broadcast_shape)
      return v

    scale, offset = broadcast(self.gamma), broadcast(self.beta)
    if base.constant_value(training) is False:
      mean, variance = self.moving_mean, self.moving_variance
    else:
      mean, variance = tf1.nn.moments(
          tf.cast(inputs, self._param_dtype), reduction,
          keep_dims=len(self.axis) > 1)
      mean = base.smart_cond(training, lambda: mean,
                             lambda: tf.convert_to_tensor(self.moving_mean))
      variance = base.smart_cond(
          training, lambda: variance,
          lambda: tf.convert_to_tensor(self.moving_variance))
      new_mean, new_variance = mean, variance
      self.add_update(lambda: self._updated(training, self.moving_mean,
                                            new_mean))
      self.add_update(lambda: self._updated(training, self.moving_variance,
                                            new_variance))
    mean = tf.cast(mean, inputs.dtype)
    variance = tf.cast(variance, inputs.dtype)
    if offset is not None:
      offset = tf.cast(offset, inputs.dtype)
    if scale is not None:
      scale = tf.cast(scale, inputs.dtype)
    outputs = tf.nn.batch_normalization(inputs, broadcast(mean),
                                        broadcast(variance), offset, scale,
                                        self.epsilon)
    outputs.set_shape(shape)
    return outputs

  def compute_output_shape(self, input_shape):
    return tf.TensorShape(input_shape)


# -- function forms ------------------------------------------------------------


def dense(inputs, units, activation=None, use_bias=True,
          kernel_initializer=None, bias_initializer=tf1.zeros_initializer(),
          kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None,
          bias_constraint=None, trainable=True, name=None, reuse=None):
  """Functional interface of ``Dense`` (``tf.compat.v1.layers.dense``).

  Args:
    inputs: float tensor `[..., depth]` with a known last dimension.
    units: positive int, output size.
    activation: callable, activation name (``"relu"``, ...) or None (linear).
    use_bias: whether to add a bias.
    kernel_initializer: None means the variable scope's (glorot uniform).
    bias_initializer: initializer for the bias.
    kernel_regularizer: callable variable -> scalar loss, added to
      ``REGULARIZATION_LOSSES``.
    bias_regularizer: same for the bias.
    activity_regularizer: callable output -> scalar loss; divided by the
      batch size and added to ``REGULARIZATION_LOSSES``.
    kernel_constraint: projection applied by v1 optimizers after updates.
    bias_constraint: same for the bias.
    trainable: add the variables to ``TRAINABLE_VARIABLES``.
    name: variable scope name; default ``dense`` made unique (``dense_1``...).
    reuse: reuse the variables of a previous layer with the same name.

  Returns:
    Tensor `[..., units]` of the inputs' dtype.

  Raises:
    ValueError: `units` is not a positive int, the last input dimension is
      unknown, or an activation/initializer name is unknown.
    TypeError: the inputs are not floating point.
    GraphModeError: called while executing eagerly.

  Compatibility: graph mode; same variable names as TF 1.x's layer.
  """
  _tf.require_graph_mode("dense")
  return Dense(units, activation=activation, use_bias=use_bias,
               kernel_initializer=kernel_initializer,
               bias_initializer=bias_initializer,
               kernel_regularizer=kernel_regularizer,
               bias_regularizer=bias_regularizer,
               activity_regularizer=activity_regularizer,
               kernel_constraint=kernel_constraint,
               bias_constraint=bias_constraint, trainable=trainable,
               name=name, _scope=name, _reuse=reuse).apply(inputs)


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False,
            name=None):
  """Functional interface of ``Dropout``.

  Args:
    inputs: a tensor.
    rate: fraction dropped, in [0, 1).
    noise_shape: 1-D shape of the keep/drop mask.
    seed: int op seed.
    training: Python bool or bool tensor; dropout only when true.
    name: the layer's name (made unique).

  Returns:
    A tensor like `inputs`.
  """
  return Dropout(rate, noise_shape=noise_shape, seed=seed,
                 name=name).apply(inputs, training=training)


def flatten(inputs, name=None, data_format="channels_last"):
  """Functional interface of ``Flatten``: `[batch, ...]` -> `[batch, n]`.

  Args:
    inputs: a tensor of rank >= 1.
    name: the layer's name (made unique).
    data_format: ``channels_last`` or ``channels_first``.

  Returns:
    A rank-2 tensor.
  """
  return Flatten(name=name, data_format=data_format).apply(inputs)


def _conv_fn(cls, inputs, name, reuse, *args, **kwargs):
  return cls(*args, name=name, _scope=name, _reuse=reuse,
             **kwargs).apply(inputs)


def conv1d(inputs, filters, kernel_size, strides=1, padding="valid",
           data_format="channels_last", dilation_rate=1, activation=None,
           use_bias=True, kernel_initializer=None,
           bias_initializer=tf1.zeros_initializer(), kernel_regularizer=None,
           bias_regularizer=None, activity_regularizer=None,
           kernel_constraint=None, bias_constraint=None, trainable=True,
           name=None, reuse=None):
  """Functional interface of ``Conv1D``.

  Args:
    inputs: `[batch, width, channels]` (or channels first).
    filters, kernel_size, strides, padding, data_format, dilation_rate,
    activation, use_bias, kernel_initializer, bias_initializer,
    kernel_regularizer, bias_regularizer, activity_regularizer,
    kernel_constraint, bias_constraint, trainable: see ``Conv1D``.
    name: variable scope name (default ``conv1d`` made unique).
    reuse: reuse the variables of a previous layer with the same name.

  Returns:
    The output tensor.
  """
  return _conv_fn(
      Conv1D, inputs, name, reuse, filters, kernel_size, strides=strides,
      padding=padding, data_format=data_format, dilation_rate=dilation_rate,
      activation=activation, use_bias=use_bias,
      kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
      kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
      activity_regularizer=activity_regularizer,
      kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
      trainable=trainable)


def conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
           data_format="channels_last", dilation_rate=(1, 1),
           activation=None, use_bias=True, kernel_initializer=None,
           bias_initializer=tf1.zeros_initializer(), kernel_regularizer=None,
           bias_regularizer=None, activity_regularizer=None,
           kernel_constraint=None, bias_constraint=None, trainable=True,
           name=None, reuse=None):
  """Functional interface of ``Conv2D``.

  Args:
    inputs: `[batch, height, width, channels]` (or channels first).
    filters ... trainable: see ``Conv2D``.
    name: variable scope name (default ``conv2d`` made unique).
    reuse: reuse the variables of a previous layer with the same name.

  Returns:
    The output tensor.
  """
  return _conv_fn(
      Conv2D, inputs, name, reuse, filters, kernel_size, strides=strides,
      padding=padding, data_format=data_format, dilation_rate=dilation_rate,
      activation=activation, use_bias=use_bias,
      kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
      kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
      activity_regularizer=activity_regularizer,
      kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
      trainable=trainable)


def conv3d(inputs, filters, kernel_size, strides=(1, 1, 1), padding="valid",
           data_format="channels_last", dilation_rate=(1, 1, 1),
           activation=None, use_bias=True, kernel_initializer=None,
           bias_initializer=tf1.zeros_initializer(), kernel_regularizer=None,
           bias_regularizer=None, activity_regularizer=None,
           kernel_constraint=None, bias_constraint=None, trainable=True,
           name=None, reuse=None):
  """Functional interface of ``Conv3D``.

  Args:
    inputs: `[batch, depth, height, width, channels]` (or channels first).
    filters ... trainable: see ``Conv3D``.
    name: variable scope name (default ``conv3d`` made unique).
    reuse: reuse the variables of a previous layer with the same name.

  Returns:
    The output tensor.
  """
  return _conv_fn(
      Conv3D, inputs, name, reuse, filters, kernel_size, strides=strides,
      padding=padding, data_format=data_format, dilation_rate=dilation_rate,
      activation=activation, use_bias=use_bias,
      kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
      kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
      activity_regularizer=activity_regularizer,
      kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
      trainable=trainable)


def conv2d_transpose(inputs, filters, kernel_size, strides=(1, 1),
                     padding="valid", data_format="channels_last",
                     activation=None, use_bias=True, kernel_initializer=None,
                     bias_initializer=tf1.zeros_initializer(),
                     kernel_regularizer=None, bias_regularizer=None,
                     activity_regularizer=None, kernel_constraint=None,
                     bias_constraint=None, trainable=True, name=None,
                     reuse=None):
  """Functional interface of ``Conv2DTranspose``.

  Args:
    inputs: rank-4 tensor.
    filters ... trainable: see ``Conv2DTranspose``.
    name: variable scope name (default ``conv2d_transpose`` made unique).
    reuse: reuse the variables of a previous layer with the same name.

  Returns:
    The output tensor.
  """
  return _conv_fn(
      Conv2DTranspose, inputs, name, reuse, filters, kernel_size,
      strides=strides, padding=padding, data_format=data_format,
      activation=activation, use_bias=use_bias,
      kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
      kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
      activity_regularizer=activity_regularizer,
      kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
      trainable=trainable)


def conv3d_transpose(inputs, filters, kernel_size, strides=(1, 1, 1),
                     padding="valid", data_format="channels_last",
                     activation=None, use_bias=True, kernel_initializer=None,
                     bias_initializer=tf1.zeros_initializer(),
                     kernel_regularizer=None, bias_regularizer=None,
                     activity_regularizer=None, kernel_constraint=None,
                     bias_constraint=None, trainable=True, name=None,
                     reuse=None):
  """Functional interface of ``Conv3DTranspose``.

  Args:
    inputs: rank-5 tensor.
    filters ... trainable: see ``Conv3DTranspose``.
    name: variable scope name (default ``conv3d_transpose`` made unique).
    reuse: reuse the variables of a previous layer with the same name.

  Returns:
    The output tensor.
  """
  return _conv_fn(
      Conv3DTranspose, inputs, name, reuse, filters, kernel_size,
      strides=strides, padding=padding, data_format=data_format,
      activation=activation, use_bias=use_bias,
      kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
      kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
      activity_regularizer=activity_regularizer,
      kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
      trainable=trainable)


def separable_conv1d(inputs, filters, kernel_size, strides=1,
                     padding="valid", data_format="channels_last",
                     dilation_rate=1, depth_multiplier=1, activation=None,
                     use_bias=True, depthwise_initializer=None,
                     pointwise_initializer=None,
                     bias_initializer=tf1.zeros_initializer(),
                     depthwise_regularizer=None, pointwise_regularizer=None,
                     bias_regularizer=None, activity_regularizer=None,
                     depthwise_constraint=None, pointwise_constraint=None,
                     bias_constraint=None, trainable=True, name=None,
                     reuse=None):
  """Functional interface of ``SeparableConv1D``.

  Args:
    inputs: rank-3 tensor.
    filters ... trainable: see ``SeparableConv1D``.
    name: variable scope name (default ``separable_conv1d`` made unique).
    reuse: reuse the variables of a previous layer with the same name.

  Returns:
    The output tensor.
  """
  return _conv_fn(
      SeparableConv1D, inputs, name, reuse, filters, kernel_size,
      strides=strides, padding=padding, data_format=data_format,
      dilation_rate=dilation_rate, depth_multiplier=depth_multiplier,
      activation=activation, use_bias=use_bias,
      depthwise_initializer=depthwise_initializer,
      pointwise_initializer=pointwise_initializer,
      bias_initializer=bias_initializer,
      depthwise_regularizer=depthwise_regularizer,
      pointwise_regularizer=pointwise_regularizer,
      bias_regularizer=bias_regularizer,
      activity_regularizer=activity_regularizer,
      depthwise_constraint=depthwise_constraint,
      pointwise_constraint=pointwise_constraint,
      bias_constraint=bias_constraint, trainable=trainable)


def separable_conv2d(inputs, filters, kernel_size, strides=(1, 1),
                     padding="valid", data_format="channels_last",
                     dilation_rate=(1, 1), depth_multiplier=1,
                     activation=None, use_bias=True,
                     depthwise_initializer=None, pointwise_initializer=None,
                     bias_initializer=tf1.zeros_initializer(),
                     depthwise_regularizer=None, pointwise_regularizer=None,
                     bias_regularizer=None, activity_regularizer=None,
                     depthwise_constraint=None, pointwise_constraint=None,
                     bias_constraint=None, trainable=True, name=None,
                     reuse=None):
  """Functional interface of ``SeparableConv2D``.

  Args:
    inputs: rank-4 tensor.
    filters ... trainable: see ``SeparableConv2D``.
    name: variable scope name (default ``separable_conv2d`` made unique).
    reuse: reuse the variables of a previous layer with the same name.

  Returns:
    The output tensor.
  """
  return _conv_fn(
      SeparableConv2D, inputs, name, reuse, filters, kernel_size,
      strides=strides, padding=padding, data_format=data_format,
      dilation_rate=dilation_rate, depth_multiplier=depth_multiplier,
      activation=activation, use_bias=use_bias,
      depthwise_initializer=depthwise_initializer,
      pointwise_initializer=pointwise_initializer,
      bias_initializer=bias_initializer,
      depthwise_regularizer=depthwise_regularizer,
      pointwise_regularizer=pointwise_regularizer,
      bias_regularizer=bias_regularizer,
      activity_regularizer=activity_regularizer,
      depthwise_constraint=depthwise_constraint,
      pointwise_constraint=pointwise_constraint,
      bias_constraint=bias_constraint, trainable=trainable)


def _pool_fn(cls, inputs, pool_size, strides, padding, data_format, name):
  return cls(pool_size=pool_size, strides=strides, padding=padding,
             data_format=data_format, name=name).apply(inputs)


def average_pooling1d(inputs, pool_size, strides, padding="valid",
                      data_format="channels_last", name=None):
  """Functional interface of ``AveragePooling1D``.

  Args:
    inputs: rank-3 tensor.
    pool_size: int or 1-tuple, the window.
    strides: int or 1-tuple.
    padding: ``valid`` or ``same``.
    data_format: ``channels_last`` or ``channels_first``.
    name: the layer's name (made unique).

  Returns:
    The output tensor.
  """
  return _pool_fn(AveragePooling1D, inputs, pool_size, strides, padding,
                  data_format, name)


def max_pooling1d(inputs, pool_size, strides, padding="valid",
                  data_format="channels_last", name=None):
  """Functional interface of ``MaxPooling1D``.

  Args:
    inputs: rank-3 tensor.
    pool_size: int or 1-tuple, the window.
    strides: int or 1-tuple.
    padding: ``valid`` or ``same``.
    data_format: ``channels_last`` or ``channels_first``.
    name: the layer's name (made unique).

  Returns:
    The output tensor.
  """
  return _pool_fn(MaxPooling1D, inputs, pool_size, strides, padding,
                  data_format, name)


def average_pooling2d(inputs, pool_size, strides, padding="valid",
                      data_format="channels_last", name=None):
  """Functional interface of ``AveragePooling2D``.

  Args:
    inputs: rank-4 tensor.
    pool_size: int or 2-tuple, the window.
    strides: int or 2-tuple.
    padding: ``valid`` or ``same``.
    data_format: ``channels_last`` or ``channels_first``.
    name: the layer's name (made unique).

  Returns:
    The output tensor.
  """
  return _pool_fn(AveragePooling2D, inputs, pool_size, strides, padding,
                  data_format, name)


def max_pooling2d(inputs, pool_size, strides, padding="valid",
                  data_format="channels_last", name=None):
  """Functional interface of ``MaxPooling2D``.

  Args:
    inputs: rank-4 tensor.
    pool_size: int or 2-tuple, the window.
    strides: int or 2-tuple.
    padding: ``valid`` or ``same``.
    data_format: ``channels_last`` or ``channels_first``.
    name: the layer's name (made unique).

  Returns:
    The output tensor.
  """
  return _pool_fn(MaxPooling2D, inputs, pool_size, strides, padding,
                  data_format, name)


def average_pooling3d(inputs, pool_size, strides, padding="valid",
                      data_format="channels_last", name=None):
  """Functional interface of ``AveragePooling3D``.

  Args:
    inputs: rank-5 tensor.
    pool_size: int or 3-tuple, the window.
    strides: int or 3-tuple.
    padding: ``valid`` or ``same``.
    data_format: ``channels_last`` or ``channels_first``.
    name: the layer's name (made unique).

  Returns:
    The output tensor.
  """
  return _pool_fn(AveragePooling3D, inputs, pool_size, strides, padding,
                  data_format, name)


def max_pooling3d(inputs, pool_size, strides, padding="valid",
                  data_format="channels_last", name=None):
  """Functional interface of ``MaxPooling3D``.

  Args:
    inputs: rank-5 tensor.
    pool_size: int or 3-tuple, the window.
    strides: int or 3-tuple.
    padding: ``valid`` or ``same``.
    data_format: ``channels_last`` or ``channels_first``.
    name: the layer's name (made unique).

  Returns:
    The output tensor.
  """
  return _pool_fn(MaxPooling3D, inputs, pool_size, strides, padding,
                  data_format, name)


def batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=1e-3,
                        center=True, scale=True,
                        beta_initializer=tf1.zeros_initializer(),
                        gamma_initializer=tf1.ones_initializer(),
                        moving_mean_initializer=tf1.zeros_initializer(),
                        moving_variance_initializer=tf1.ones_initializer(),
                        beta_regularizer=None, gamma_regularizer=None,
                        beta_constraint=None, gamma_constraint=None,
                        training=False, trainable=True, name=None, reuse=None,
                        renorm=False, renorm_clipping=None,
                        renorm_momentum=0.99, fused=None,
                        virtual_batch_size=None, adjustment=None):
  """Functional interface of ``BatchNormalization``.

  The moving-average updates go to ``tf.GraphKeys.UPDATE_OPS``: run them
  with the train op (``tf.control_dependencies(update_ops)``).

  Args:
    inputs: a tensor with a known rank and feature dimension(s).
    axis ... gamma_constraint: see ``BatchNormalization``.
    training: Python bool or bool tensor: normalize with the batch's moments
      (and update the moving averages) rather than the moving averages.
    trainable: gamma and beta trainable (and UPDATE_OPS collected).
    name: variable scope name (default ``batch_normalization`` made unique).
    reuse: reuse the variables of a previous layer with the same name.
    renorm, renorm_clipping, renorm_momentum, virtual_batch_size,
      adjustment: only the defaults are supported.
    fused: see ``BatchNormalization``.

  Returns:
    The normalized tensor.

  Raises:
    NotImplementedError: renorm, virtual_batch_size or adjustment given.
  """
  return BatchNormalization(
      axis=axis, momentum=momentum, epsilon=epsilon, center=center,
      scale=scale, beta_initializer=beta_initializer,
      gamma_initializer=gamma_initializer,
      moving_mean_initializer=moving_mean_initializer,
      moving_variance_initializer=moving_variance_initializer,
      beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
      beta_constraint=beta_constraint, gamma_constraint=gamma_constraint,
      renorm=renorm, renorm_clipping=renorm_clipping,
      renorm_momentum=renorm_momentum, fused=fused, trainable=trainable,
      virtual_batch_size=virtual_batch_size, adjustment=adjustment,
      name=name, _reuse=reuse, _scope=name).apply(inputs, training=training)
