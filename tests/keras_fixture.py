"""TF 1.15 reference for graph-mode Keras and contrib.layers: checkpoint + outputs.

Run under TF 1.15.5 (``python tests/keras_fixture.py OUT``) to write
``OUT/layers.*`` (a checkpoint of every variable, loaded with non-default
values) and ``OUT/expected.npz`` (every fetch).  The same ``build`` runs in
every env of the matrix with that env's ``tf.keras`` and ``tf.contrib.layers``
(tests/test_checkpoint_compat.py): the variable names must be the
checkpoint's, and after restoring, every fetch must match to 1e-5.

What it covers, as TF 1.x programs use it: a tutorial-style Sequential with
``input_dim`` applied to rank-3 inputs, a deferred-build Sequential inside a
variable scope, Layer subclasses (``add_weight`` in ``build`` and in
``__init__``, a nested layer, a weight regularizer, an activity regularizer),
a Model subclass, Embedding with ``mask_zero`` + Flatten, Dropout in both
phases (fixed seed), initializers and regularizers by name, a batch of
backend functions, and ``contrib.layers`` ``fully_connected`` (with
``layer_norm``), ``embed_sequence`` and the l1/l2 regularizers.
"""
from __future__ import absolute_import, division, print_function

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_io  # pylint: disable=g-import-not-at-top,wrong-import-position

GRAPH_SEED = 1234
BATCH = 3


def _custom_classes(keras):
  """Layer and Model subclasses written as TF 1.x users wrote them."""
  layers = keras.layers

  class Scale(layers.Layer):
    """A weight created in __init__ (named at the construction scope)."""

    def __init__(self, depth, **kwargs):
      super(Scale, self).__init__(**kwargs)
      self.scale = self.add_weight("scale", shape=[depth],
                                   initializer="ones")

    def call(self, inputs):
      return inputs * self.scale

  class Gated(layers.Layer):
    """add_weight in build, a nested Dense, a regularized weight."""

    def __init__(self, units, **kwargs):
      super(Gated, self).__init__(**kwargs)
      self.units = units
      self.proj = layers.Dense(units, activation="tanh", name="proj")

    def build(self, input_shape):
      depth = int(input_shape[-1])
      self.gate = self.add_weight(
          name="gate", shape=[depth, self.units],
          initializer=keras.initializers.RandomNormal(stddev=0.1),
          regularizer=keras.regularizers.l2(0.05))
      self.offset = self.add_weight(name="offset", shape=[self.units],
                                    initializer="zeros", trainable=False)
      super(Gated, self).build(input_shape)

    def call(self, inputs):
      gate = keras.backend.sigmoid(keras.backend.dot(inputs, self.gate))
      return gate * self.proj(inputs) + self.offset

  class Classifier(keras.Model):
    """Model subclassing: layers as attributes, call composes them."""

    def __init__(self, classes):
      super(Classifier, self).__init__(name="classifier")
      self.hidden = layers.Dense(6, activation="relu",
                                 kernel_regularizer="l1")
      self.drop = layers.Dropout(0.5)
      self.out = layers.Dense(classes)
      self.probs = layers.Activation("softmax")

    def call(self, inputs, training=None):
      x = self.drop(self.hidden(inputs), training=training)
      return self.probs(self.out(x))

  return Scale, Gated, Classifier


def build(v1, keras, contrib_layers, rng):
  """The fixture graph in the default graph; returns (fetches, losses).

  Args:
    v1: ``tf.compat.v1``-like namespace.
    keras: the ``tf.keras`` to test.
    contrib_layers: the ``tf.contrib.layers`` to test.
    rng: numpy RandomState giving the inputs.

  Returns:
    (dict name -> list of tensors to compare, list of variable-name checks).
  """
  K = keras.backend
  layers = keras.layers
  Scale, Gated, Classifier = _custom_classes(keras)
  x3 = v1.constant(rng.uniform(-1, 1, (5, BATCH, 4)).astype(np.float32))
  x2 = v1.constant(rng.uniform(-1, 1, (BATCH, 4)).astype(np.float32))
  ids = v1.constant(rng.randint(0, 11, (BATCH, 5)).astype(np.int64))
  fetches = {}

  # The tutorial's model: built when its first layer (input_dim) is added.
  logits = keras.models.Sequential(name="logits")
  logits.add(layers.Dense(8, activation="relu", input_dim=4))
  logits.add(layers.Dense(8, activation="relu"))
  logits.add(layers.Dense(1))
  fetches["sequential_rank3"] = [logits(x3), logits(x2)]

  with v1.variable_scope("deferred"):
    deferred = keras.Sequential([
        layers.Dense(5, activation="tanh"), layers.Dropout(0.3),
        layers.Dense(2, kernel_initializer="he_normal",
                     bias_initializer=keras.initializers.Constant(0.1))])
    fetches["sequential_deferred"] = [deferred(x2)]

  with v1.variable_scope("custom"):
    scale = Scale(4)
    gated = Gated(3, activity_regularizer=keras.regularizers.l1(0.2))
    y = gated(scale(x2))
    fetches["custom"] = [y, gated(x2)] + list(gated.losses)

  model = Classifier(4)
  probs = model(x2)
  fetches["model"] = [probs, model(x2, training=False)] + list(model.losses)

  emb = layers.Embedding(11, 4, mask_zero=True)
  e = emb(ids)
  flat = layers.Flatten()(e)
  head = layers.Dense(3, activation="sigmoid")(flat)
  fetches["embedding"] = [e, v1.cast(e._keras_mask, v1.float32), flat, head]  # pylint: disable=protected-access

  ones = v1.ones([4, 50])
  drop = layers.Dropout(0.5, seed=7)
  fetches["dropout"] = [drop(ones, training=True), drop(ones),
                        drop(ones, training=False)]

  a = v1.constant(rng.uniform(-2, 2, (BATCH, 5)).astype(np.float32))
  p = v1.nn.softmax(a)
  onehot = v1.one_hot([1, 0, 4], 5)
  fetches["backend"] = [
      K.categorical_crossentropy(onehot, p),
      K.categorical_crossentropy(onehot, a, from_logits=True),
      K.sparse_categorical_crossentropy(v1.constant([1, 0, 4]), p),
      K.binary_crossentropy(v1.sigmoid(a), v1.sigmoid(a * 0.5)),
      K.relu(a, alpha=0.1, max_value=1.5), K.relu(a, threshold=0.3),
      K.elu(a, alpha=0.5), K.hard_sigmoid(a), K.sqrt(a), K.clip(a, -0.5, 0.5),
      K.l2_normalize(a, axis=-1), K.std(a, axis=1), K.var(a, axis=0),
      K.mean(a > 0), K.dot(x3, v1.ones([4, 2])), K.batch_flatten(x3),
      K.repeat(x2, 2), K.repeat_elements(x2, 2, axis=1),
      K.concatenate([x2, x2], axis=-1), K.softmax(a), K.max(a, axis=1),
      K.in_train_phase(a, a * 2), K.switch(a > 0, a, -a),
      K.cumsum(a, axis=1), K.argmax(a), K.sum(x3),
      keras.regularizers.l1_l2(0.01, 0.02)(a),
      keras.activations.selu(a), keras.activations.softsign(a)]

  with v1.variable_scope("contrib"):
    fc = contrib_layers.fully_connected(
        x2, 6, normalizer_fn=contrib_layers.layer_norm,
        weights_regularizer=contrib_layers.l2_regularizer(0.1), scope="fc")
    fc2 = contrib_layers.fully_connected(fc, 2, activation_fn=None)
    seq = contrib_layers.embed_sequence(ids, vocab_size=11, embed_dim=3,
                                        scope="words")
    reg = contrib_layers.apply_regularization(
        contrib_layers.l1_regularizer(0.05), [v for v in v1.global_variables()
                                              if v.op.name.startswith(
                                                  "contrib/fc/")])
    fetches["contrib_layers"] = [fc, fc2, seq, reg]
  return fetches


def check(fixture_dir, v1, keras, contrib_layers):
  """Rebuilds the graph with `keras`, restores the fixture, compares.

  Returns:
    The number of arrays compared (each to 1e-5).

  Raises:
    AssertionError: variable names/shapes differ from the checkpoint's, or a
      fetch differs from TF 1.15's.
  """
  expected = np.load(os.path.join(fixture_dir, "expected.npz"))
  prefix = os.path.join(fixture_dir, "layers")
  with v1.Graph().as_default():
    v1.set_random_seed(GRAPH_SEED)
    fetches = build(v1, keras, contrib_layers, np.random.RandomState(11))
    ours = {v.op.name: v.get_shape().as_list()
            for v in v1.global_variables()}
    theirs = dict(v1.train.list_variables(prefix))
    if ours != theirs:
      raise AssertionError("variables differ from TF 1.15's:\n only ours: %s"
                           "\n only TF 1.15: %s" % (
                               sorted(set(ours.items()) - set(
                                   (k, v) for k, v in theirs.items())),
                               sorted(set((k, tuple(v)) for k, v in
                                          theirs.items()) - set(
                                              (k, tuple(v)) for k, v in
                                              ours.items()))))
    with v1.Session() as sess:
      v1.train.Saver().restore(sess, prefix)
      values = sess.run(fetches)
  return fixture_io.compare(values, expected)


def main(argv):
  """Writes the fixture to argv[1] under TF 1.15 (its real tf.keras).

  ``--check DIR`` instead rebuilds with ``from compat import tf``'s keras and
  contrib.layers in any env and prints the number of arrays compared.
  """
  if argv[1] == "--check":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
        __file__))))
    from compat import tf as ctf  # pylint: disable=g-import-not-at-top
    print("compared %d" % check(argv[2], ctf, ctf.keras, ctf.contrib.layers))
    return
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  if not tf.version.VERSION.startswith("1."):
    raise SystemExit("keras_fixture: run this under TF 1.15")
  out = argv[1]
  if not os.path.isdir(out):
    os.makedirs(out)
  v1 = tf.compat.v1
  with tf.Graph().as_default():
    v1.set_random_seed(GRAPH_SEED)
    rng = np.random.RandomState(11)
    fetches = build(v1, tf.keras, tf.contrib.layers, rng)
    saver = v1.train.Saver()
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      fixture_io.load_random_values(v1, sess, rng)
      values = sess.run(fetches)
      saver.save(sess, os.path.join(out, "layers"), write_meta_graph=False,
                 write_state=False)
  count = fixture_io.write_expected(out, values, tf.version.VERSION)
  print("wrote %s (TF %s): %d fetches" % (out, tf.version.VERSION, count))


if __name__ == "__main__":
  main(sys.argv)
