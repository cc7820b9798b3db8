"""legacy_pipeline.nn.keras: TF 1.15's graph-mode Keras, in every env.

The TF 1.15 checkpoint test (test_checkpoint_compat.py) compares names and
outputs with the real TF 1.15 Keras; these tests pin the behaviours around
it: naming, build timing, learning phase, losses, masks, weights, sessions,
and the errors for bad input.  On TF 1.15 the behaviour tests also run on
TF 1.15's own tf.keras, so each expectation is checked against the original.
"""
from __future__ import absolute_import, division, print_function

import numpy as np
import pytest
import tensorflow as tf

from legacy_pipeline.errors import GraphModeError
from legacy_pipeline.nn import keras
from legacy_pipeline.nn.keras import backend as K

v1 = tf.compat.v1
L = keras.layers
TIMEOUT = v1.RunOptions(timeout_in_ms=60000)
TF1 = tf.version.VERSION.startswith("1.")


@pytest.fixture(params=["inhouse"] + (["tf115"] if TF1 else []))
def kr(request):
  """The Keras under test; on TF 1.15 the same tests run on its real Keras."""
  return keras if request.param == "inhouse" else tf.keras


def _names(variables=None):
  return [v.op.name for v in (v1.global_variables() if variables is None
                              else variables)]


def test_names_are_unique_per_graph_and_follow_name_scopes(kr):
  L, K = kr.layers, kr.backend
  with tf.Graph().as_default():
    a, b, c = L.Dense(2), L.Dense(2), L.Dense(2, name="head")
    assert (a.name, b.name, c.name) == ("dense", "dense_1", "head")
    x = tf.ones([1, 3])
    with v1.variable_scope("model"):
      a(x)
    with v1.variable_scope("model"):  # a second name scope: model_1
      b(x)
    c(x)
    assert _names() == ["model/dense/kernel", "model/dense/bias",
                        "model_1/dense_1/kernel", "model_1/dense_1/bias",
                        "head/kernel", "head/bias"]
    a(x)  # later calls reuse the variables
    assert len(v1.global_variables()) == 6
  with tf.Graph().as_default():  # a new graph counts afresh
    assert L.Dense(1).name == "dense"


def test_snake_case_names_of_subclasses(kr):
  L, K = kr.layers, kr.backend
  with tf.Graph().as_default():
    names = [type(n, (L.Layer,), {})().name
             for n in ("MyLayer", "LSTMBlock", "HTTPResponse2", "_Private")]
  assert names == ["my_layer", "lstm_block", "http_response2",
                   "private__private"]


def test_sequential_builds_at_add_with_an_input_shape_else_at_call(kr):
  L, K = kr.layers, kr.backend
  with tf.Graph().as_default():
    with v1.variable_scope("at_add"):
      early = kr.models.Sequential(name="logits")
      early.add(L.Dense(3, activation="relu", input_dim=4))
      assert early.built and _names() == ["at_add/dense/kernel",
                                          "at_add/dense/bias"]
      early.add(L.Dense(1))
    assert len(v1.global_variables()) == 4
    late = kr.Sequential([L.Dense(2)])
    assert not late.built and len(v1.global_variables()) == 4
    out = late(tf.ones([5, 4]))
    assert _names()[-2:] == ["sequential/dense_2/kernel",
                             "sequential/dense_2/bias"]
    # TF 1.x applied a model declared input_dim=4 to any [..., 4] tensor.
    y3 = early(tf.ones([6, 5, 4]))
    assert y3.get_shape().as_list() == [6, 5, 1]
    assert out.get_shape().as_list() == [5, 2]
    assert [l.name for l in early.layers] == ["dense", "dense_1"]
    assert len(early.weights) == 4 and len(early.trainable_variables) == 4


def test_training_through_a_sequential_changes_every_weight(kr):
  L, K = kr.layers, kr.backend
  with tf.Graph().as_default():
    v1.set_random_seed(3)
    model = kr.Sequential([L.Dense(8, activation="tanh", input_shape=(3,)),
                              L.Dense(1)])
    x = tf.constant(np.random.RandomState(0).randn(16, 3), tf.float32)
    loss = tf.reduce_mean(tf.square(model(x) - 1.0))
    train = v1.train.GradientDescentOptimizer(0.1).minimize(loss)
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      before = sess.run(model.weights)
      first = sess.run(loss, options=TIMEOUT)
      for _ in range(50):
        sess.run(train, options=TIMEOUT)
      after = sess.run(model.weights)
      last = sess.run(loss, options=TIMEOUT)
  assert last < first / 2
  assert all(np.abs(a - b).max() > 0 for a, b in zip(before, after))


def test_dropout_follows_the_learning_phase(kr):
  L, K = kr.layers, kr.backend
  with tf.Graph().as_default():
    ones = tf.ones([8, 200])
    drop = L.Dropout(0.5, seed=1)
    default, forced = drop(ones), drop(ones, training=True)
    off = drop(ones, training=False)
    with v1.Session() as sess:
      assert (sess.run(default) == 1).all()  # phase defaults to test
      assert (sess.run(off) == 1).all()
      dropped = sess.run(default, {K.learning_phase(): True})
      assert set(np.unique(dropped)) == {0.0, 2.0}
      assert set(np.unique(sess.run(forced))) == {0.0, 2.0}
  with tf.Graph().as_default():
    K.set_learning_phase(1)
    assert K.learning_phase() == 1
    out = L.Dropout(0.5)(tf.ones([4, 100]))
    assert "cond" not in out.op.name  # static: no tf.cond
    with v1.Session() as sess:
      assert 0 in sess.run(out)
  with tf.Graph().as_default():
    with K.learning_phase_scope(0):
      assert K.learning_phase() == 0
    assert K.learning_phase().op.name == "keras_learning_phase"
    with pytest.raises(ValueError, match="0 or 1"):
      K.set_learning_phase(2)


def test_losses_stay_on_the_layer_in_tf115_order(kr):
  L, K = kr.layers, kr.backend
  with tf.Graph().as_default():

    class Both(L.Layer):

      def build(self, input_shape):
        self.w = self.add_weight("w", [int(input_shape[-1])],
                                 regularizer=kr.regularizers.l2(0.5))

      def call(self, inputs):
        return inputs * self.w

    layer = Both(activity_regularizer=kr.regularizers.l1())
    x = tf.constant([[1., -2.], [3., 4.]])
    y = layer(x)
    layer.add_loss(tf.constant(7.))
    assert not v1.get_collection(v1.GraphKeys.REGULARIZATION_LOSSES)
    names = [l.op.name for l in layer.losses]
    assert names[0] == "both/ActivityRegularizer/truediv"
    assert names[2] == "both/w/Regularizer/add"
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      w, out, losses = sess.run([layer.w, y, layer.losses])
    # activity: 0.01 * sum|y| / batch; weight: 0.5 * sum(w^2)
    np.testing.assert_allclose(losses[0], 0.01 * np.abs(out).sum() / 2,
                               rtol=1e-5)
    assert losses[1] == 7.
    np.testing.assert_allclose(losses[2], 0.5 * (w ** 2).sum(), rtol=1e-5)


def test_weights_order_and_trainable_flag(kr):
  L, K = kr.layers, kr.backend
  with tf.Graph().as_default():

    class Outer(L.Layer):

      def __init__(self):
        super(Outer, self).__init__()
        self.inner = L.Dense(2, name="inner")

      def build(self, input_shape):
        self.k = self.add_weight("k", [2], initializer="zeros")
        self.n = self.add_weight("n", [2], trainable=False)

      def call(self, x):
        return self.inner(x) + self.k + self.n

    class Net(kr.Model):

      def __init__(self):
        super(Net, self).__init__()
        self.w = self.add_weight("w", [2], initializer="ones")
        self.d = L.Dense(2)

      def call(self, x):
        return self.d(x) * self.w

    outer, net = Outer(), Net()
    x = tf.ones([1, 3])
    outer(x)
    net(x)
    assert _names(outer.weights) == ["outer/k", "outer/inner/kernel",
                                     "outer/inner/bias", "outer/n"]
    assert _names(net.weights) == ["net/dense/kernel", "net/dense/bias", "w"]
    outer.trainable = False
    assert outer.trainable_weights == [] and len(
        outer.non_trainable_weights) == 4
    assert outer.count_params() == 2 + 6 + 2 + 2


def test_masks_flow_from_embedding_through_layers_that_support_them(kr):
  L, K = kr.layers, kr.backend
  with tf.Graph().as_default():
    ids = tf.constant([[3, 0, 2], [0, 0, 1]])
    seen = []

    def record(x, mask=None):
      seen.append(mask)
      return x

    e = L.Embedding(5, 2, mask_zero=True)(ids)
    d = L.Dropout(0.1)(e)
    out = L.Lambda(record)(d)
    flat = L.Flatten()(e)
    assert seen and seen[0] is d._keras_mask  # pylint: disable=protected-access
    assert flat._keras_mask is None  # pylint: disable=protected-access
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      mask, _ = sess.run([out._keras_mask, out])  # pylint: disable=protected-access
    np.testing.assert_array_equal(mask, [[True, False, True],
                                         [False, False, True]])


def test_session_helpers_initialize_and_move_values(kr):
  L, K = kr.layers, kr.backend
  with tf.Graph().as_default():
    layer = L.Dense(2, input_dim=3)
    y = layer(tf.ones([1, 3]))
    sess = K.get_session()  # initializes what is not yet initialized
    kernel = np.arange(6, dtype=np.float32).reshape(3, 2)
    layer.set_weights([kernel, np.array([1., -1.], np.float32)])
    got = layer.get_weights()
    np.testing.assert_array_equal(got[0], kernel)
    np.testing.assert_array_equal(sess.run(y), [[7., 8.]])
    x = K.placeholder(shape=(None, 3))
    f = K.function([x, K.learning_phase()], [layer(x) * 2])
    np.testing.assert_array_equal(f([np.ones((1, 3)), False])[0],
                                  [[14., 16.]])
    assert K.eval(K.variable([1., 2.])).tolist() == [1., 2.]
    with pytest.raises(ValueError, match="has 2 weights, got 1" if kr is keras
                       else "length 1"):
      layer.set_weights([kernel])
    with pytest.raises(ValueError, match="shape"):
      layer.set_weights([kernel.T, np.zeros(2, np.float32)])
    sess.close()


def test_initializers_and_regularizers_by_name_keep_keras_defaults():
  assert keras.initializers.get("uniform").get_config()["maxval"] == 0.05
  assert keras.initializers.get("normal").get_config()["stddev"] == 0.05
  assert keras.initializers.get(None) is None
  assert keras.regularizers.get("l2").l2 == pytest.approx(0.01)
  with pytest.raises(ValueError, match="unknown initializer 'nope'"):
    keras.initializers.get("nope")
  with pytest.raises(ValueError, match="unknown regularizer"):
    keras.regularizers.get("l3")
  with pytest.raises(ValueError, match="unknown activation function"):
    keras.activations.get("swishy")


def test_input_is_a_placeholder():
  with tf.Graph().as_default():
    x = keras.Input(shape=(4,))
    assert x.op.type == "Placeholder" and x.get_shape().as_list() == [None, 4]
    with pytest.raises(ValueError, match="give `shape`"):
      keras.Input()


@pytest.mark.parametrize("make, exc, match", [
    (lambda: L.Dense(0), ValueError, "units must be a positive int"),
    (lambda: L.Dense(2, activation="swishy"), ValueError, "swishy"),
    (lambda: L.Dense(2, bogus=1), TypeError, "not understood: 'bogus'"),
    (lambda: L.Dropout(1.0), ValueError, r"rate must be in \[0, 1\)"),
    (lambda: L.Embedding(0, 3), ValueError, "input_dim must be a positive"),
    (lambda: keras.Model(tf.ones([1]), tf.ones([1])), NotImplementedError,
     "functional API"),
    (lambda: keras.Sequential().compile("sgd"), NotImplementedError,
     "Model.compile is not provided"),
    (lambda: keras.Sequential().add(lambda x: x), TypeError,
     "must be an instance of class Layer"),
    (lambda: keras.Sequential()(tf.ones([1, 2])), ValueError,
     "has no layers"),
    (lambda: L.Dense(2)(tf.ones([3])), ValueError, "min_ndim=2"),
    (lambda: L.Dense(2)(v1.placeholder(tf.float32, [None, None])),
     ValueError, "should be defined"),
    (lambda: L.Dense(2, input_dim=5)(tf.ones([1, 3])), ValueError,
     "expected axis -1 of input shape to have value 5"),
    (lambda: L.Layer().add_weight("w", [2], partitioner=lambda *a: [1]),
     NotImplementedError, "partitioner"),
])
def test_bad_input_names_what_is_wrong(make, exc, match):
  with tf.Graph().as_default():
    with pytest.raises(exc, match=match):
      make()


def test_a_layer_stays_in_its_graph_and_needs_graph_mode():
  with tf.Graph().as_default():
    layer = L.Dense(2)
    layer(tf.ones([1, 3]))
  with tf.Graph().as_default():
    with pytest.raises(ValueError, match="another graph"):
      layer(tf.ones([1, 3]))
  if tf.executing_eagerly():
    with pytest.raises(GraphModeError):
      L.Dense(2)(tf.ones([1, 3]))


def test_backend_all_is_literal_and_lists_every_public_name():
  """backend.__all__ is written out (a reader sees the API) and is exactly
  the module's public functions and classes, plus name_scope."""
  import inspect  # pylint: disable=g-import-not-at-top
  defined = sorted(
      n for n, v in vars(K).items()
      if not n.startswith("_") and (inspect.isfunction(v) or
                                    inspect.isclass(v)) and
      getattr(v, "__module__", None) == K.__name__)
  assert K.__all__ == sorted(defined + ["name_scope"])
  source = inspect.getsource(K)
  assert "\n__all__ = [\n" in source
