"""TF 1.15 fixture for the routes of contrib.slim/layers/framework/metrics/losses.

``python tests/routes_slim_fixture.py [OUT_DIR]`` (TF 1.15 only; default
``tests/fixtures/tf115_routes_slim``) builds each case below with the objects
``compat._routes.resolve`` gives -- on TF 1.15 the real ``tf.contrib`` ones --
and writes ``expected.npz`` (fetched values), ``expected.json`` (variable
names and shapes, op names, structures) and the slim model's checkpoint.
``tests/test_routes_slim.py`` rebuilds the same cases with what the resolver
gives on the running TF (tf-slim, TF 2.x natives, in-house ports) and
compares to 1e-5.
"""
from __future__ import absolute_import, division, print_function

import collections
import json
import os
import sys

import numpy as np
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from compat import _routes  # noqa: E402  pylint: disable=wrong-import-position

tf1 = tf.compat.v1
R = _routes.resolve
OUT = os.path.join(HERE, "fixtures", "tf115_routes_slim")
CKPT = "model.ckpt"

IMAGES = np.random.RandomState(0).uniform(-1, 1, (2, 4, 4, 3)).astype(
    np.float32)
LABELS = np.array([1, 3], np.int32)


# batch_norm's variants: "default" (tf-slim builds it from the Keras 2
# BatchNormalization of tensorflow.python.layers, which needs tf_keras on TF
# >= 2.15), "inplace" (updates_collections=None: tf-slim's own ops).
BN_VARIANTS = ("default", "inplace")


def build_slim_model(variant="default"):
  """conv2d+batch_norm, layer_norm, fully_connected, losses, optimize_loss."""
  bn_params = {"is_training": True, "decay": 0.9}
  if variant == "inplace":
    bn_params["updates_collections"] = None
  conv2d = R("tf.contrib.slim.conv2d")
  fc = R("tf.contrib.layers.fully_connected")
  with R("tf.contrib.framework.arg_scope")(
      [conv2d, fc],
      weights_initializer=R("tf.contrib.layers.xavier_initializer")(seed=3),
      weights_regularizer=R("tf.contrib.layers.l2_regularizer")(0.05)):
    net = conv2d(tf.constant(IMAGES), 5, [3, 3],
                 normalizer_fn=R("tf.contrib.layers.batch_norm"),
                 normalizer_params=bn_params,
                 scope="conv")
    net = R("tf.contrib.layers.layer_norm")(net, scope="ln")
    net = R("tf.contrib.slim.flatten")(net)
    logits = fc(net, 4, activation_fn=None, scope="logits")
  labels = tf.constant(LABELS)
  loss = R("tf.contrib.losses.softmax_cross_entropy")(
      logits, tf.one_hot(labels, 4), label_smoothing=0.1)
  reg = tf.add_n(R("tf.contrib.losses.get_regularization_losses")())
  total = R("tf.contrib.losses.get_total_loss")()
  step = R("tf.contrib.framework.get_or_create_global_step")()
  train_op = R("tf.contrib.layers.optimize_loss")(
      total, step, learning_rate=0.1, optimizer="SGD", summaries=[])
  accuracy, update = R("tf.contrib.metrics.streaming_accuracy")(
      tf.argmax(logits, 1, output_type=tf.int32), labels)
  before = {"logits": logits, "loss": loss, "reg": reg, "total": total}
  return before, train_op, update, accuracy


def slim_variables():
  return [(v.op.name, v.get_shape().as_list())
          for v in tf1.global_variables()]


def slim_after_step(accuracy):
  names = ["conv/weights", "conv/BatchNorm/moving_mean",
           "conv/BatchNorm/beta", "ln/gamma", "logits/biases"]
  by_name = {v.op.name: v for v in tf1.global_variables()}
  out = {n: by_name[n] for n in names}
  out["accuracy"] = accuracy
  return out


def seeded_initial():
  by_name = {v.op.name: v for v in tf1.global_variables()}
  return {"conv/weights": by_name["conv/weights"],
          "logits/weights": by_name["logits/weights"]}


def load_random(sess):
  rng = np.random.RandomState(1)
  for var in tf1.global_variables():
    if var.dtype.base_dtype.is_floating and "learning_rate" not in var.name:
      var.load(rng.uniform(-0.6, 0.6, var.get_shape().as_list()).astype(
          np.float32), sess)


def build_framework():
  """Values of the framework names (in-house and TF 2.x natives)."""
  a = tf.constant([[1., 2.], [3., 4.]], name="a")
  b = tf.constant([5., 6.], name="b")
  flexible = tf1.placeholder_with_default(np.ones((2, 3), np.float32),
                                          [None, 3])
  shaped = R("tf.contrib.framework.with_shape")([2, 3], flexible)
  same = R("tf.contrib.framework.with_same_shape")(a, a * 2.)
  preds, labels = R("tf.contrib.framework.remove_squeezable_dimensions")(
      tf.constant([[1], [0], [1]]), tf.constant([1, 1, 0]))
  scalar = R("tf.contrib.framework.assert_scalar_int")(tf.constant(3))
  zeroed = tf1.get_variable("zeroed", [2, 2], initializer=tf1.ones_initializer())
  zero_op = R("tf.contrib.framework.zero_initializer")(zeroed)

  def fn(x, y, scale=None):
    return {"sum": x + y[0], "pair": (x * scale["k"], y[1])}

  result = R("tf.contrib.framework.py_func")(
      fn, [tf.constant([1., 2.]), (tf.constant([3., 4.]),
                                   tf.constant([7, 8]))],
      {"scale": {"k": tf.constant(2.)}},
      output_types={"sum": tf.float32, "pair": (tf.float32, tf.int32)},
      output_shapes={"sum": [2], "pair": ([2], [2])})
  ortho = R("tf.contrib.framework.convolutional_orthogonal_2d")(seed=1)(
      [3, 3, 2, 4])
  delta = R("tf.contrib.framework.convolutional_delta_orthogonal")(
      gain=1.5, seed=2)([3, 3, 2, 2])
  values = tf.constant([[3., 1., 2.], [0., 5., 4.]])
  cond = R("tf.contrib.framework.smart_cond")(
      tf.constant(True), lambda: a, lambda: -a)
  fetches = {
      "reduce_sum_n": R("tf.contrib.framework.reduce_sum_n")([a, b]),
      "with_shape": shaped, "with_same_shape": same,
      "squeezed": [preds, labels], "scalar_int": scalar,
      "py_func": [result["sum"], result["pair"][0], result["pair"][1]],
      "orthogonal_2d": ortho, "delta_orthogonal": delta,
      "sort": R("tf.contrib.framework.sort")(values, direction="DESCENDING"),
      "argsort": R("tf.contrib.framework.argsort")(values),
      "smart_cond": cond,
      "confusion_matrix": R("tf.contrib.metrics.confusion_matrix")(
          [0, 1, 2, 2], [0, 2, 2, 1], num_classes=3, weights=[1, 2, 3, 4]),
  }
  static = {
      "with_shape": shaped.get_shape().as_list(),
      "squeezed": [preds.get_shape().as_list(), labels.get_shape().as_list()],
      "py_func": [t.get_shape().as_list() for t in
                  (result["sum"], result["pair"][0], result["pair"][1])],
      "reduce_sum_n_name": fetches["reduce_sum_n"].op.name,
      "placeholders": [t.name for t in R(
          "tf.contrib.framework.get_placeholders")(tf1.get_default_graph())],
      "strip": R("tf.contrib.framework.strip_name_scope")("outer/x/y:0",
                                                          "outer"),
      "prepend": R("tf.contrib.framework.prepend_name_scope")("x/y:0",
                                                              "outer"),
      "smart_constant_value": R(
          "tf.contrib.framework.smart_constant_value")(tf.constant(False)),
  }
  return fetches, static, zero_op, zeroed


def fuse_graph():
  """fuse_op on a small GraphDef, as [(name, op, inputs)]."""
  graph = tf.Graph()
  with graph.as_default():
    x = tf1.placeholder(tf.float32, [2], name="x")
    y = tf.add(x, 1., name="add")
    z = tf.multiply(y, 2., name="mul")
    tf.identity(z, name="out")
  fused = R("tf.contrib.framework.fuse_op")(
      graph.as_graph_def(), ["x"], ["out"], [tf.float32.as_datatype_enum],
      True, "fused", "FusedOp")
  return [[n.name, n.op, list(n.input)] for n in fused.node]


Point = collections.namedtuple("Point", ["x", "y"])


def nest_cases():
  """Results of the nest names on plain structures (JSON-able)."""
  nest = lambda name: R("tf.contrib.framework.nest." + name)  # noqa: E731
  tree = {"b": [1, (2, 3)], "a": Point(4, {"z": 5, "y": 6})}
  shallow = {"b": [0, 0], "a": Point(0, 0)}
  out = {
      "is_sequence": [nest("is_sequence")(v) for v in
                      ([1], (1,), {"a": 1}, "ab", 3, Point(1, 2), set([1]))],
      "is_nested": [nest("is_nested")(v) for v in ([], "ab", {})],
      "flatten": nest("flatten")(tree),
      "flatten_up_to": repr(nest("flatten_up_to")(shallow, tree)),
      "map_structure": repr(nest("map_structure")(lambda v: v * 10, tree)),
      "map_structure_up_to": repr(nest("map_structure_up_to")(
          shallow, lambda v: repr(v), tree)),
      "paths": repr(nest("flatten_with_joined_string_paths")(tree)),
      "tuple_paths": repr(nest("flatten_with_tuple_paths")(tree)),
      "pack": repr(nest("pack_sequence_as")(tree, list(range(6)))),
      "yield_flat_paths": repr(list(nest("yield_flat_paths")(tree))),
      "flatten_dict_items": repr(sorted(nest("flatten_dict_items")(
          {(1, 2): ("a", "b"), 3: "c"}).items())),
  }
  errors = []
  for args in (([1, 2], [1, 2, 3]), ((1, 2), [1, 2]), ({"a": 1}, {"b": 1})):
    try:
      nest("assert_same_structure")(*args)
      errors.append("ok")
    except (TypeError, ValueError) as e:
      errors.append(type(e).__name__)
  out["assert_same_structure"] = errors
  return out


SPARSE_IDS = dict(indices=[[0, 0], [0, 1], [1, 0], [3, 0], [3, 1]],
                  values=[0, 4, 2, 2, -1], dense_shape=[4, 2])
SPARSE_WEIGHTS = [1.0, 2.0, 0.5, 3.0, 1.0]
TABLE = np.arange(15, dtype=np.float32).reshape(5, 3) / 7.0


def build_layers():
  """bow_encoder, embedding lookups of contrib.layers/slim."""
  ids = tf.constant([[1, 0, 3], [2, 2, 0]])
  init = tf1.constant_initializer(TABLE)
  bow_sparse = R("tf.contrib.layers.bow_encoder")(
      ids, 5, 3, initializer=init, regularizer=lambda w: tf.reduce_sum(w))
  bow_dense = R("tf.contrib.slim.bow_encoder")(
      ids, 5, 3, sparse_lookup=False, initializer=init, scope="dense_bow")
  table = tf.constant(TABLE)
  parts = [tf.constant(TABLE[:3]), tf.constant(TABLE[3:])]
  sp_ids = tf.SparseTensor(**dict(SPARSE_IDS, values=tf.constant(
      SPARSE_IDS["values"], tf.int64)))
  sp_w = tf.SparseTensor(SPARSE_IDS["indices"], SPARSE_WEIGHTS,
                         SPARSE_IDS["dense_shape"])
  ok_ids = tf.SparseTensor(SPARSE_IDS["indices"][:4],
                           tf.constant([0, 4, 2, 2], tf.int64), [4, 2])
  ok_w = tf.SparseTensor(SPARSE_IDS["indices"][:4], SPARSE_WEIGHTS[:4],
                         [4, 2])
  agg = R("tf.contrib.slim.embedding_lookup_sparse_with_distributed_aggregation")
  fetches = {
      "bow_sparse": bow_sparse, "bow_dense": bow_dense,
      "unique": R("tf.contrib.layers.embedding_lookup_unique")(
          parts, tf.constant([[4, 1], [4, 0]]), partition_strategy="div"),
      "safe": R("tf.contrib.layers.safe_embedding_lookup_sparse")(
          table, sp_ids, sp_w, combiner="sqrtn"),
      "safe_default": R("tf.contrib.slim.safe_embedding_lookup_sparse")(
          parts, sp_ids, None, default_id=1),
      "agg_mean": agg(parts, ok_ids, ok_w),
      "agg_sqrtn": agg(table, ok_ids, ok_w, combiner="sqrtn", max_norm=1.0),
      "agg_sum": agg(parts, ok_ids, None, partition_strategy="div",
                     combiner="sum"),
  }
  static = {
      "variables": [(v.op.name, v.get_shape().as_list())
                    for v in tf1.global_variables()],
      "model_variables": [v.op.name for v in tf1.get_collection(
          tf1.GraphKeys.MODEL_VARIABLES)],
      "regularization_losses": len(tf1.get_collection(
          tf1.GraphKeys.REGULARIZATION_LOSSES)),
      "unique_shape": fetches["unique"].get_shape().as_list(),
  }
  return fetches, static


# batch_norm's own cases (each branch of TF 1.15's): name -> builder(bn, scope)
BN_X4 = np.random.RandomState(5).uniform(-2, 2, (3, 2, 2, 4)).astype(
    np.float32)
BN_X2 = np.random.RandomState(6).uniform(-2, 2, (4, 3)).astype(np.float32)
BN_X3 = np.random.RandomState(7).uniform(-2, 2, (2, 3, 4)).astype(np.float32)


def _bn_nchw(bn, arg_scope):
  # TF 1.15's CPU kernel of FusedBatchNorm is NHWC only: the fused branches
  # are left to GPUs, the others are checked here.
  del arg_scope
  x = tf.constant(BN_X4)
  return {"core": bn(x, data_format="NCHW", fused=False, scale=True,
                     scope="core"),
          "rank3": bn(tf.constant(BN_X3), data_format="NCHW", scope="rank3"),
          "rank2": bn(tf.constant(BN_X2), data_format="NCHW", fused=False,
                      scope="rank2"),
          "moments": bn(x, data_format="NCHW", fused=False,
                        updates_collections=None, scope="moments")}


def _bn_tensor(bn, arg_scope):
  del arg_scope
  training = tf1.placeholder_with_default(True, [], name="training")
  x4, x2 = tf.constant(BN_X4), tf.constant(BN_X2)
  return {"core_fused": bn(x4, is_training=training, scope="core_fused"),
          "core": bn(x4, is_training=training, fused=False, scope="core"),
          "fused": bn(x2, is_training=training, scope="fused"),
          "moments": bn(x4, is_training=training, fused=False,
                        updates_collections=["my_updates"], scope="moments"),
          "frozen": bn(x4, is_training=False, scope="frozen")}


def _bn_params(bn, arg_scope):
  del arg_scope
  inits = {"beta": tf1.constant_initializer(0.25),
           "gamma": tf1.constant_initializer(1.5),
           "moving_mean": tf1.constant_initializer(0.1),
           "moving_variance": tf1.constant_initializer(2.0)}
  regs = {"beta": lambda w: 2.0 * tf.reduce_sum(w),
          "gamma": lambda w: 3.0 * tf.reduce_sum(w)}
  colls = {"beta": ["betas"], "gamma": ["gammas"],
           "moving_mean": ["stats"], "moving_variance": ["stats"]}
  out = {}
  for name, x in (("rank2", BN_X2), ("rank3", BN_X3), ("rank4", BN_X4)):
    out[name] = bn(tf.constant(x), decay=0.8, scale=True, epsilon=0.01,
                   activation_fn=tf.nn.relu, param_initializers=inits,
                   param_regularizers=regs, variables_collections=colls,
                   outputs_collections=["outs"], scope=name)
  out["weighted"] = bn(tf.constant(BN_X3), scale=True,
                       param_initializers=inits, param_regularizers=regs,
                       variables_collections=["all_bn"],
                       batch_weights=tf.constant([1., 3.]), scope="weighted")
  out["untrained"] = bn(tf.constant(BN_X4), trainable=False, scope="untrained")
  return out


def _bn_reuse(bn, arg_scope):
  del arg_scope
  first = bn(tf.constant(BN_X4), scale=True, scope="shared")
  again = bn(tf.constant(BN_X4[:2] * 2.), scale=True, scope="shared",
             reuse=True)
  with tf1.variable_scope("outer"):
    unnamed = [bn(tf.constant(BN_X2)), bn(tf.constant(BN_X2))]
  with tf1.variable_scope("outer", reuse=True):
    reused = bn(tf.constant(BN_X2 + 1.), scope="BatchNorm")
  return {"first": first, "again": again, "unnamed0": unnamed[0],
          "unnamed1": unnamed[1], "reused": reused}


def _bn_arg_scope(bn, arg_scope):
  with arg_scope([bn], scale=True, decay=0.5, updates_collections=None):
    inner = bn(tf.constant(BN_X4), scope="scoped")
    override = bn(tf.constant(BN_X2), center=False, scope="override")
  outside = bn(tf.constant(BN_X2), scope="outside")
  return {"scoped": inner, "override": override, "outside": outside}


BN_INITIAL = ("params",)
BN_CASES = {"nchw": _bn_nchw, "tensor": _bn_tensor, "params": _bn_params,
            "reuse": _bn_reuse, "arg_scope": _bn_arg_scope}


def build_batch_norm(case, bn, arg_scope):
  """One batch_norm case: (output fetches, static description)."""
  outputs = BN_CASES[case](bn, arg_scope)
  names = lambda key: [getattr(v, "op", v).name  # noqa: E731
                       for v in tf1.get_collection(key)]
  static = {
      "variables": [(v.op.name, v.get_shape().as_list())
                    for v in tf1.global_variables()],
      "trainable": names(tf1.GraphKeys.TRAINABLE_VARIABLES),
      "model": names(tf1.GraphKeys.MODEL_VARIABLES),
      "updates": len(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS)),
      "my_updates": len(tf1.get_collection("my_updates")),
      "regularization": len(tf1.get_collection(
          tf1.GraphKeys.REGULARIZATION_LOSSES)),
      "collections": {k: names(k) for k in ("betas", "gammas", "stats",
                                            "all_bn")},
      "outs": [getattr(t, "aliases", None)
               for t in tf1.get_collection("outs")],
      "shapes": {k: v.get_shape().as_list() for k, v in outputs.items()},
  }
  return outputs, static


def load_bn_random(sess):
  rng = np.random.RandomState(2)
  for var in tf1.global_variables():
    low, high = (0.5, 1.5) if "variance" in var.op.name else (-0.6, 0.6)
    var.load(rng.uniform(low, high, var.get_shape().as_list()).astype(
        np.float32), sess)


def run_batch_norm(run, outputs):
  """Outputs (training fed True then False where there is a switch), then
  the variables after the update ops ran once (and the regularization)."""
  graph = tf1.get_default_graph()
  fetched = {}
  feeds = [("", None)]
  if "training:0" in [t.name for op in graph.get_operations()
                      for t in op.outputs]:
    feeds = [("", {"training:0": True}), ("eval/", {"training:0": False})]
  for prefix, feed in feeds:
    for k, v in run(outputs, feed).items():
      fetched[prefix + k] = v
  updates = tf1.get_collection(tf1.GraphKeys.UPDATE_OPS) + \
      tf1.get_collection("my_updates")
  if updates:
    run(updates, feeds[-1][1])
    if len(feeds) > 1:
      run(updates, feeds[0][1])
  for var in tf1.global_variables():
    fetched["var/" + var.op.name] = run(var, None)
  reg = tf1.get_collection(tf1.GraphKeys.REGULARIZATION_LOSSES)
  if reg:
    fetched["regularization"] = run(tf.add_n(reg), None)
  return fetched


def _flat(prefix, fetched, into):
  if isinstance(fetched, (list, tuple)):
    for i, v in enumerate(fetched):
      into["%s/%d" % (prefix, i)] = v
  else:
    into[prefix] = fetched


def record(out):
  """Runs every case and writes the fixture files into `out`."""
  if not os.path.isdir(out):
    os.makedirs(out)
  arrays, meta = {}, {}
  for variant in BN_VARIANTS:
    with tf.Graph().as_default():
      before, train_op, update, accuracy = build_slim_model(variant)
      meta["slim_variables"] = slim_variables()
      with tf1.Session() as sess:
        sess.run([tf1.global_variables_initializer(),
                  tf1.local_variables_initializer()])
        for k, v in sess.run(seeded_initial()).items():
          arrays["%s/initial/%s" % (variant, k)] = v
        load_random(sess)
        if variant == "default":
          tf1.train.Saver().save(sess, os.path.join(out, CKPT),
                                 write_meta_graph=False, write_state=False)
        else:
          tf1.train.Saver().restore(sess, os.path.join(out, CKPT))
        for k, v in sess.run(before).items():
          arrays["%s/before/%s" % (variant, k)] = v
        sess.run([train_op, update])
        for k, v in sess.run(slim_after_step(accuracy)).items():
          arrays["%s/after/%s" % (variant, k)] = v
  with tf.Graph().as_default():
    fetches, static, zero_op, zeroed = build_framework()
    with tf1.Session() as sess:
      sess.run(zero_op)
      arrays["zero_initializer"] = sess.run(zeroed)
      for k, v in sess.run(fetches).items():
        _flat("framework/" + k, v, arrays)
    meta["framework"] = static
  meta["fuse_op"] = fuse_graph()
  meta["nest"] = nest_cases()
  with tf.Graph().as_default():
    fetches, static = build_layers()
    with tf1.Session() as sess:
      sess.run(tf1.global_variables_initializer())
      for k, v in sess.run(fetches).items():
        arrays["layers/" + k] = v
    meta["layers"] = static
  meta["batch_norm"] = {}
  for case in sorted(BN_CASES):
    with tf.Graph().as_default():
      outputs, static = build_batch_norm(
          case, R("tf.contrib.layers.batch_norm"),
          R("tf.contrib.framework.arg_scope"))
      meta["batch_norm"][case] = static
      with tf1.Session() as sess:
        sess.run(tf1.global_variables_initializer())
        if case in BN_INITIAL:  # the param_initializers' values
          for k, v in run_batch_norm(
              lambda f, feed: sess.run(f, feed), outputs).items():
            arrays["bn/%s/initial/%s" % (case, k)] = v
        load_bn_random(sess)
        for k, v in run_batch_norm(
            lambda f, feed: sess.run(f, feed), outputs).items():
          arrays["bn/%s/%s" % (case, k)] = v
  np.savez(os.path.join(out, "expected.npz"), **arrays)
  meta["tf_version"] = tf.version.VERSION
  with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(meta, f, indent=1, sort_keys=True, default=str)
  return len(arrays)


if __name__ == "__main__":
  if not tf.version.VERSION.startswith("1."):
    sys.exit("record this fixture with TF 1.15 (the real tf.contrib)")
  print("wrote %d arrays" % record(sys.argv[1] if len(sys.argv) > 1 else OUT))
