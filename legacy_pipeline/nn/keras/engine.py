"""The graph-mode Keras ``Layer``, ``Model`` and ``Sequential`` of TF 1.15.

What TF 1.x graph code relies on, kept as TF 1.15's Keras did it:

* names: a layer without a name takes its class name in snake case, made
  unique per graph when it is constructed (``dense``, ``dense_1``, ...);
* variables: ``add_weight`` makes a resource variable named after the name
  scope it is created in -- inside the first call, that is the caller's name
  scope plus the layer's (``model/dense/kernel``), so it follows name scopes,
  not variable scopes, and a layer never reuses another layer's variables;
  in the global and (if trainable) trainable collections;
* ``build(input_shape)`` once, on the first call, inside the layer's name
  scope; the layer's dtype is the first input's dtype unless given (an
  integer first input makes integer weights, as in TF 1.15);
* losses: activity regularizers (divided by the batch size) and
  ``add_loss``'s, then weight regularizers (``<weight>/Regularizer``), then
  the sub-layers' go to ``layer.losses`` only -- not to
  ``REGULARIZATION_LOSSES``, as in TF 1.15;
* masks ride on tensors as ``_keras_mask`` and are passed to ``call`` when it
  takes a ``mask`` argument;
* ``weights`` lists a layer's own weights before its sub-layers' (a Model's
  sub-layers' before its own);
* ``Sequential``: a first layer with a declared input shape (``input_dim``,
  ``input_shape``, ``batch_input_shape``; Embedding always has one) builds the
  model when it is added, in the name scope current at that moment (the
  TF 1.15 tutorial's ``logits`` model has ``dense/kernel``, ``dense_1/kernel``);
  otherwise the first call builds it inside the model's name scope
  (``sequential/dense/kernel``).  It applies its layers in order to inputs of
  any rank.

Graph mode only.  Not provided: the functional ``Model(inputs, outputs)`` and
``compile``/``fit``/``evaluate``/``predict`` (a clear NotImplementedError says
what to use instead).
"""
from __future__ import absolute_import, division, print_function

import inspect
import re

import numpy as np

from legacy_pipeline import _tf
from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.nn.keras import backend as K
from legacy_pipeline.nn.keras import initializers
from legacy_pipeline.nn.keras import regularizers

_LAYER_KWARGS = ("input_shape", "batch_input_shape", "batch_size",
                 "input_dim", "weights", "activity_regularizer", "autocast",
                 "dynamic")


def snake_case(name):
  """``MyLayer`` -> ``my_layer``, ``LSTMBlock`` -> ``lstm_block`` (Keras')."""
  out = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
  out = re.sub(r"([a-z])([A-Z])", r"\1_\2", out).lower()
  return "private" + out if out.startswith("_") else out


def _takes(fn, arg):
  try:
    params = inspect.signature(fn).parameters
  except (TypeError, ValueError):
    return False
  return arg in params or any(p.kind == p.VAR_KEYWORD
                              for p in params.values())


def _as_tensor(x):
  if isinstance(x, (tf.Tensor, tf.SparseTensor, tf.Variable)) or \
      hasattr(x, "_as_graph_element"):
    return x
  return tf.convert_to_tensor(x)


def _mask_of(x):
  return getattr(x, "_keras_mask", None)


class Layer(object):
  """Base class of graph-mode Keras layers (TF 1.15 semantics).

  Subclass it as in TF 1.x: create weights with ``add_weight`` in
  ``__init__`` or ``build(input_shape)``, compute in ``call(inputs, ...)``.

  Args:
    trainable: whether the layer's weights are trainable.
    name: the layer's name; default: the class name in snake case, unique
      per graph.
    dtype: the weights' dtype; default: the first input's dtype.
    **kwargs: ``input_shape``, ``batch_input_shape``, ``batch_size``,
      ``input_dim``, ``weights`` (initial values), ``activity_regularizer``.

  Raises:
    TypeError: an unknown keyword argument.
  """

  _sublayers_first = False  # Model lists its sub-layers' weights first

  def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
    for key in kwargs:
      if key not in _LAYER_KWARGS:
        raise TypeError("%s: keyword argument not understood: %r" % (
            type(self).__name__, key))
    d = self.__dict__
    d["_tracked"] = []
    d["_own_trainable"] = []
    d["_own_non_trainable"] = []
    d["_own_losses"] = []  # add_loss and activity regularizers
    d["_weight_losses"] = []  # weight regularizers, listed after those
    d["_own_updates"] = []
    self._trainable = bool(trainable)
    self._name = name or K.unique_object_name(snake_case(type(self).__name__))
    self._dtype = None if dtype is None else tf.as_dtype(dtype).name
    self.built = False
    self.supports_masking = False
    self.input_spec = None
    self._graph = None
    self._initial_weights = kwargs.get("weights")
    self._activity_regularizer = regularizers.get(
        kwargs.get("activity_regularizer"))
    batch_shape = kwargs.get("batch_input_shape")
    if batch_shape is None and kwargs.get("input_dim") is not None and \
        kwargs.get("input_shape") is None:
      kwargs["input_shape"] = (kwargs["input_dim"],)
    if batch_shape is None and kwargs.get("input_shape") is not None:
      batch_shape = (kwargs.get("batch_size"),) + tuple(kwargs["input_shape"])
    self._batch_input_shape = None if batch_shape is None else \
        tuple(batch_shape)

  def __setattr__(self, key, value):
    tracked = self.__dict__.get("_tracked")
    if tracked is not None and value is not self:
      for item in (value if isinstance(value, (list, tuple)) else [value]):
        if isinstance(item, Layer) and item is not self and \
            all(item is not t for t in tracked):
          tracked.append(item)
    object.__setattr__(self, key, value)

  # -- properties ---------------------------------------------------------

  @property
  def name(self):
    return self._name

  @property
  def dtype(self):
    return self._dtype

  @property
  def trainable(self):
    return self._trainable

  @trainable.setter
  def trainable(self, value):
    self._trainable = bool(value)
    for layer in self._tracked:
      layer.trainable = value

  @property
  def trainable_weights(self):
    if not self.trainable:
      return []
    own = list(self._own_trainable)
    subs = [w for layer in self._tracked for w in layer.trainable_weights]
    return _unique(subs + own if self._sublayers_first else own + subs)

  @property
  def non_trainable_weights(self):
    own = list(self._own_non_trainable)
    if not self.trainable:
      own = list(self._own_trainable) + own
    subs = [w for layer in self._tracked for w in layer.non_trainable_weights]
    return _unique(subs + own if self._sublayers_first else own + subs)

  @property
  def weights(self):
    return self.trainable_weights + self.non_trainable_weights

  variables = weights
  trainable_variables = trainable_weights
  non_trainable_variables = non_trainable_weights

  @property
  def losses(self):
    subs = [l for layer in self._tracked for l in layer.losses]
    return list(self._own_losses) + list(self._weight_losses) + subs

  @property
  def updates(self):
    subs = [u for layer in self._tracked for u in layer.updates]
    return list(self._own_updates) + subs

  @property
  def layers(self):
    return list(self._tracked)

  # -- weights ------------------------------------------------------------

  def add_weight(self, name=None, shape=None, dtype=None, initializer=None,
                 regularizer=None, trainable=None, constraint=None,
                 partitioner=None, use_resource=None, synchronization=None,
                 aggregation=None, **kwargs):
    """Creates a weight variable of this layer (TF 1.15 Keras' add_weight).

    Args:
      name: the variable's name inside the current name scope.
      shape: its shape (default scalar).
      dtype: its dtype (default the layer's, else floatx()).
      initializer: an initializer, a name or None (glorot_uniform for
        floats, zeros for ints and bools).
      regularizer: a callable variable -> scalar loss (or a name); the loss
        goes to ``layer.losses``.
      trainable: default True.
      constraint: a projection applied by v1 optimizers after each update.
      partitioner: not supported (must be None).
      use_resource: default True (a resource variable, as TF 1.15's Keras).
      synchronization, aggregation: accepted; an ON_READ synchronization
        makes the weight non-trainable, as in TF 1.15.
      **kwargs: ``getter`` is accepted and ignored.

    Returns:
      The variable.

    Raises:
      ValueError: no initializer given for a dtype without a default.
      NotImplementedError: a partitioner was given.
      TypeError: an unknown keyword argument.
    """
    for key in kwargs:
      if key not in ("getter", "collections", "experimental_autocast"):
        raise TypeError("add_weight: unknown keyword argument %r" % key)
    if partitioner is not None:
      raise NotImplementedError(
          "%s.add_weight(partitioner=...) is not supported by legacy-pipeline's "
          "graph-mode Keras; create the variable with "
          "tf.compat.v1.get_variable(..., partitioner=...) instead" %
          type(self).__name__)
    shape = () if shape is None else tuple(shape)
    dtype = tf.as_dtype(dtype or self._dtype or K.floatx())
    init = initializers.get(initializer)
    if init is None:
      if dtype.is_floating:
        init = initializers.GlorotUniform()
      elif dtype.is_integer or dtype.is_unsigned or dtype == tf.bool:
        init = initializers.Zeros()
      else:
        raise ValueError("An initializer for variable %s of type %s is "
                         "required for layer %s" % (name, dtype.name,
                                                    self.name))
    if synchronization is not None and \
        synchronization == tf.VariableSynchronization.ON_READ:
      trainable = False
    trainable = True if trainable is None else bool(trainable)
    _tf.require_graph_mode("%s.add_weight" % type(self).__name__)
    self._remember_graph()
    with tf1.init_scope():
      variable = tf1.Variable(
          initial_value=lambda: init(shape, dtype=dtype), name=name,
          trainable=trainable, dtype=dtype, constraint=constraint,
          use_resource=True if use_resource is None else use_resource)
    (self._own_trainable if trainable else self._own_non_trainable).append(
        variable)
    regularizer = regularizers.get(regularizer)
    if regularizer is not None:
      with tf1.name_scope((name or "weight") + "/Regularizer"):
        self._weight_losses.append(regularizer(variable))
    return variable

  add_variable = add_weight

  def get_weights(self):
    """The weights' values (numpy), in ``weights`` order."""
    return K.batch_get_value(self.weights)

  def set_weights(self, weights):
    """Assigns numpy values to ``weights`` in order.

    Raises:
      ValueError: a different number of values or a shape mismatch.
    """
    params = self.weights
    if len(params) != len(weights):
      raise ValueError("%s.set_weights: the layer has %d weights, got %d "
                       "values" % (self.name, len(params), len(weights)))
    pairs = []
    for p, w in zip(params, weights):
      if tuple(p.get_shape().as_list()) != tuple(np.shape(w)):
        raise ValueError("%s.set_weights: weight %s has shape %s, the value "
                         "has shape %s" % (self.name, p.name,
                                           p.get_shape().as_list(),
                                           np.shape(w)))
      pairs.append((p, w))
    K.batch_set_value(pairs)

  def count_params(self):
    """Number of scalars in the weights (the layer must be built)."""
    if not self.built:
      raise ValueError("%s.count_params: the layer is not built yet (call it "
                       "on a tensor first)" % self.name)
    return int(sum(K.count_params(w) for w in self.weights))

  def add_loss(self, losses, inputs=None):
    """Adds loss tensors to ``layer.losses``.

    Args:
      losses: a tensor or callable returning one, or a list or tuple of
        them; callables are called now.
      inputs: ignored (kept for TF 1.15's signature).
    """
    del inputs
    for loss in (losses if isinstance(losses, (list, tuple)) else [losses]):
      self._own_losses.append(loss() if callable(loss) else loss)

  def add_update(self, updates, inputs=None):
    """Adds update ops to ``layer.updates``.

    Args:
      updates: an op or callable returning one, or a list or tuple of
        them; callables are called now.
      inputs: ignored (kept for TF 1.15's signature).
    """
    del inputs
    for u in (updates if isinstance(updates, (list, tuple)) else [updates]):
      self._own_updates.append(u() if callable(u) else u)

  # -- building and calling -------------------------------------------------

  def build(self, input_shape):
    """Creates the weights; called once, before the first call."""
    del input_shape
    self.built = True

  def call(self, inputs, **kwargs):
    """The layer's computation (the identity here)."""
    del kwargs
    return inputs

  def compute_mask(self, inputs, mask=None):
    """The output mask: the input mask if masking is supported, else None.

    Args:
      inputs: the input tensor(s) (unused).
      mask: the incoming mask, or None.

    Returns:
      `mask` when ``supports_masking``, else None.
    """
    del inputs
    return mask if self.supports_masking else None

  def compute_output_shape(self, input_shape):
    """The output shape for `input_shape` (the same by default)."""
    return input_shape

  def _remember_graph(self):
    graph = tf1.get_default_graph()
    if self._graph is None:
      self._graph = graph
    elif self._graph is not graph:
      raise ValueError("%s %r was built in another graph; make a new layer "
                       "per graph" % (type(self).__name__, self.name))

  def _maybe_build(self, inputs):
    if self.built:
      return
    flat = tf.nest.flatten(inputs)
    if self._dtype is None and flat and hasattr(flat[0], "dtype"):
      # TF 1.15: the first input's dtype, even an integer one.
      self._dtype = flat[0].dtype.base_dtype.name
    shapes = tf.nest.map_structure(
        lambda x: x.get_shape() if hasattr(x, "get_shape") else None, inputs)
    self.build(shapes)
    self.built = True
    if self._initial_weights is not None:
      weights, self._initial_weights = self._initial_weights, None
      self.set_weights(weights)

  def __call__(self, inputs, *args, **kwargs):
    _tf.require_graph_mode("%s.__call__" % type(self).__name__)
    self._remember_graph()
    inputs = tf.nest.map_structure(_as_tensor, inputs)
    masks = tf.nest.map_structure(_mask_of, inputs)
    has_mask = any(m is not None for m in tf.nest.flatten(masks))
    if "mask" not in kwargs and has_mask and _takes(self.call, "mask"):
      kwargs["mask"] = masks
    with tf1.name_scope(self.name):
      self._maybe_build(inputs)
      outputs = self.call(inputs, *args, **kwargs)
      if self._activity_regularizer is not None:
        with tf1.name_scope("ActivityRegularizer"):
          for out in tf.nest.flatten(outputs):
            loss = self._activity_regularizer(out)
            batch = tf.cast(tf.shape(out)[0], loss.dtype)
            self._own_losses.append(loss / batch)
      self._set_masks(inputs, outputs, kwargs.get("mask", masks))
    return outputs

  def _set_masks(self, inputs, outputs, masks):
    overridden = type(self).compute_mask is not Layer.compute_mask
    flat_out = tf.nest.flatten(outputs)
    if all(_mask_of(out) is not None for out in flat_out):
      return  # call() computed them (or returned tensors that carry one)
    if not (self.supports_masking or overridden):
      out_masks = [None] * len(flat_out)
    else:
      single = masks if not isinstance(masks, (list, tuple)) or \
          len(masks) != 1 else masks[0]
      computed = self.compute_mask(inputs, single)
      out_masks = tf.nest.flatten(computed) if isinstance(
          computed, (list, tuple)) else [computed] * len(flat_out)
    for out, m in zip(flat_out, out_masks):
      try:
        out._keras_mask = m  # pylint: disable=protected-access
      except AttributeError:
        pass

  def get_config(self):
    """The constructor arguments of the base class."""
    config = {"name": self.name, "trainable": self.trainable,
              "dtype": self.dtype}
    if self._batch_input_shape is not None:
      config["batch_input_shape"] = self._batch_input_shape
    return config

  @classmethod
  def from_config(cls, config):
    """A new layer from get_config()'s dict."""
    return cls(**config)

  def __repr__(self):
    return "<%s name=%s, built=%s>" % (type(self).__name__, self.name,
                                       self.built)


def _unique(values):
  out = []
  for v in values:
    if all(v is not u for u in out):
      out.append(v)
  return out


_NO_TRAINING_LOOP = (
    "tf.keras.Model.%s is not provided by legacy-pipeline's graph-mode Keras "
    "(Keras 3 without tf_keras): train with a tf.compat.v1.train optimizer's "
    "minimize() and a Session, or install tf_keras and set "
    "TF_USE_LEGACY_KERAS=1")


class Model(Layer):
  """A Layer that groups layers (TF 1.x model subclassing, graph mode).

  Subclass it and assign layers as attributes; ``call`` composes them.
  ``weights`` lists the sub-layers' weights before the model's own.

  Raises:
    NotImplementedError: the functional form ``Model(inputs, outputs)``, and
      ``compile``/``fit``/``evaluate``/``predict``/``train_on_batch``.
  """

  _sublayers_first = True

  def __init__(self, *args, **kwargs):
    if args or "inputs" in kwargs or "outputs" in kwargs:
      raise NotImplementedError(
          "tf.keras.Model(inputs, outputs) (the functional API) is not "
          "provided by legacy-pipeline's graph-mode Keras: subclass "
          "tf.keras.Model (or use Sequential), or install tf_keras and set "
          "TF_USE_LEGACY_KERAS=1")
    super(Model, self).__init__(**kwargs)

  def _no_loop(self, what):
    raise NotImplementedError(_NO_TRAINING_LOOP % what)

  def compile(self, *args, **kwargs):  # pylint: disable=missing-docstring
    self._no_loop("compile")

  def fit(self, *args, **kwargs):  # pylint: disable=missing-docstring
    self._no_loop("fit")

  def evaluate(self, *args, **kwargs):  # pylint: disable=missing-docstring
    self._no_loop("evaluate")

  def predict(self, *args, **kwargs):  # pylint: disable=missing-docstring
    self._no_loop("predict")

  def train_on_batch(self, *args, **kwargs):  # pylint: disable=missing-docstring
    self._no_loop("train_on_batch")

  def summary(self, print_fn=print):
    """Prints each layer's name, class and parameter count."""
    print_fn("Model: %s" % self.name)
    total = 0
    for layer in self.layers:
      n = sum(K.count_params(w) for w in layer.weights)
      total += n
      print_fn("  %-28s %-20s %d" % (layer.name, type(layer).__name__, n))
    print_fn("Total params: %d" % total)


class Sequential(Model):
  """A linear stack of layers (TF 1.15's graph-mode Sequential).

  Args:
    layers: optional list of layers to add.
    name: the model's name; default ``sequential`` made unique.

  Raises:
    TypeError: something other than a Layer is added.
    ValueError: called with no layers.
  """

  def __init__(self, layers=None, name=None):
    super(Sequential, self).__init__(name=name)
    self._symbolic = None  # output of the layers on a placeholder, if built
    for layer in layers or []:
      self.add(layer)

  def add(self, layer):
    """Appends `layer`; builds it at once if the model has an input shape.

    Raises:
      TypeError: `layer` is not a Layer.
    """
    if not isinstance(layer, Layer):
      raise TypeError("Sequential.add: the added layer must be an instance "
                      "of class Layer, found %r" % (layer,))
    self._tracked.append(layer)
    if self._symbolic is None and len(self._tracked) == 1 and \
        layer._batch_input_shape is not None:  # pylint: disable=protected-access
      _tf.require_graph_mode("Sequential.add")
      self._remember_graph()
      self._symbolic = tf1.placeholder(
          tf.as_dtype(layer.dtype or K.floatx()),
          layer._batch_input_shape, name=layer.name + "_input")  # pylint: disable=protected-access
    if self._symbolic is not None:
      self._symbolic = layer(self._symbolic)
      self.built = True

  def pop(self):
    """Removes the last layer.

    Raises:
      TypeError: the model has no layers.
    """
    if not self._tracked:
      raise TypeError("Sequential.pop: there are no layers in the model")
    self._tracked.pop()

  def call(self, inputs, training=None, mask=None):  # pylint: disable=arguments-differ
    """Applies the layers in order.

    Args:
      inputs: the input tensor.
      training: passed to each layer whose ``call`` takes it, if not None.
      mask: ignored.

    Returns:
      The last layer's output.

    Raises:
      ValueError: the model has no layers.
    """
    if not self._tracked:
      raise ValueError("Sequential %r has no layers" % self.name)
    del mask
    x = inputs
    for layer in self._tracked:
      kwargs = {}
      if training is not None and _takes(layer.call, "training"):
        kwargs["training"] = training
      x = layer(x, **kwargs)
    return x

  def build(self, input_shape=None):
    self.built = True
