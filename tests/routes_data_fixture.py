"""TF 1.15's numbers for contrib.data/lookup/nn/util/stateless/signal/cudnn_rnn.

``python tests/routes_data_fixture.py OUT_DIR`` (TF 1.15 only) builds every
case of ``CASES`` with the real ``tf.contrib`` objects (``compat._routes``
serves them on TF 1.x), runs it and writes ``expected.npz`` (every fetched
value, static shapes as strings) and, for the cuDNN-compatible GRU, a
checkpoint of seeded random weights.  ``tests/test_routes_data.py`` builds
the same cases with the objects the route table serves on the running TF and
compares to 1e-5.

A case is ``fn(get, tmp) -> {key: fetch}``: `get` maps a TF 1.x path to an
object, `tmp` is a scratch directory; a fetch is a tensor (or nested
tensors), a ``Dataset`` (read to the end through its own
``make_one_shot_iterator``), ``Static(value)`` (a Python value known at build
time) or ``Fails(tensor)`` (the name of the error running it raises).
"""
from __future__ import absolute_import, division, print_function

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

GRAPH_SEED = 87
RUN_TIMEOUT_MS = 20000
GRU_UNITS, GRU_DEPTH, GRU_BATCH, GRU_STEPS = 3, 4, 2, 3


class Static(object):
  """A build-time value to record (a shape string, a name, ...)."""

  def __init__(self, value):
    self.value = value


class Fails(object):
  """A tensor whose run must fail; the error's class name is recorded."""

  def __init__(self, tensor):
    self.tensor = tensor


def _tf():
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  return tf, tf.compat.v1


# ---------------------------------------------------------------- contrib.data


def _data_drop_remainder(get, tmp):
  del tmp
  _, v1 = _tf()
  d = get("tf.contrib.data")
  ds = v1.data.Dataset.range(10).apply(d.batch_and_drop_remainder(3))
  padded = v1.data.Dataset.range(1, 6).map(
      lambda x: v1.fill([x], x)).apply(
          d.padded_batch_and_drop_remainder(2, [None]))
  padded_values = v1.data.Dataset.range(1, 4).map(
      lambda x: v1.fill([x], x)).apply(
          d.padded_batch_and_drop_remainder(2, [4], padding_values=np.int64(-1)))
  return {"batch": ds, "batch_shape": Static(shapes(ds.output_shapes)),
          "padded": padded, "padded_values": padded_values,
          "padded_shape": Static(shapes(padded.output_shapes))}


def _data_sliding(get, tmp):
  del tmp
  _, v1 = _tf()
  d = get("tf.contrib.data")
  base = v1.data.Dataset.range(1, 7).map(lambda x: v1.reshape(x, [1]))
  pairs = v1.data.Dataset.range(5).map(lambda x: (x, {"y": 2 * x}))
  default = base.apply(d.sliding_window_batch(3))
  return {
      "default": default, "default_shape": Static(shapes(default.output_shapes)),
      "shift": base.apply(d.sliding_window_batch(3, window_shift=2)),
      "stride_arg": base.apply(d.sliding_window_batch(2, stride=3)),
      "window_stride": base.apply(d.sliding_window_batch(3,
                                                         window_stride=2)),
      "nested": pairs.apply(d.sliding_window_batch(2, window_shift=2)),
  }


def _data_interleave_reduce(get, tmp):
  del tmp
  _, v1 = _tf()
  d = get("tf.contrib.data")
  sloppy = v1.data.Dataset.range(3).apply(d.sloppy_interleave(
      lambda x: v1.data.Dataset.from_tensors(x).repeat(x + 1), 2))
  total = sloppy.reduce(np.int64(0), lambda s, x: s + x * x)
  reducer = d.Reducer(lambda _: (np.int64(0), np.int64(1)),
                      lambda s, x: (s[0] + x, s[1] * (x + 1)),
                      lambda s: s[0])
  return {"sloppy_sum_squares": total,
          "reduced": d.reduce_dataset(v1.data.Dataset.range(1, 5), reducer),
          "reduce_type": Static(_error_name(
              lambda: d.reduce_dataset([1, 2], reducer)))}


def _data_assert_shape(get, tmp):
  del tmp
  tf, v1 = _tf()
  d = get("tf.contrib.data")
  ragged = v1.data.Dataset.range(2).map(lambda x: (v1.fill([x + 2], x),
                                                   v1.fill([2, 1], x)))
  checked = ragged.apply(d.assert_element_shape(
      (tf.TensorShape([2]), tf.TensorShape(None))))
  first = checked.make_one_shot_iterator().get_next()
  dicts = v1.data.Dataset.from_tensors(
      {"a": v1.placeholder_with_default([1, 2, 3], [None]),
       "b": tf.constant(4.0)}).apply(d.assert_element_shape(
           {"a": tf.TensorShape([3]), "b": tf.TensorShape([])}))
  return {"shapes": Static(shapes(checked.output_shapes)),
          "dict_shapes": Static(shapes(dicts.output_shapes)),
          "dict": dicts, "first": first,
          "second_fails": Fails([first, first]),
          "incompatible": Static(_error_name(lambda: ragged.apply(
              d.assert_element_shape((tf.TensorShape([2, 2]),
                                      tf.TensorShape([2, 1]))))))}


def _data_read_batch_features(get, tmp):
  tf, v1 = _tf()
  d = get("tf.contrib.data")
  path = os.path.join(tmp, "examples.tfrecord")
  with v1.python_io.TFRecordWriter(path) as w:
    for i in range(5):
      ex = v1.train.Example(features=v1.train.Features(feature={
          "x": v1.train.Feature(int64_list=v1.train.Int64List(value=[i])),
          "w": v1.train.Feature(bytes_list=v1.train.BytesList(
              value=[b"w%d" % j for j in range(i % 3)]))}))
      w.write(ex.SerializeToString())
  batch = d.read_batch_features(
      path, 2, {"x": v1.FixedLenFeature([], tf.int64),
                "w": v1.VarLenFeature(tf.string)},
      randomize_input=False, num_epochs=1)
  return {"b0": batch, "b1": batch, "b2": batch, "end": Fails(batch)}


def _data_natives(get, tmp):
  tf, v1 = _tf()
  d = get("tf.contrib.data")
  rng = v1.data.Dataset.range
  csv = os.path.join(tmp, "rows.csv")
  with open(csv, "w") as f:
    f.write("a,b\n1,x\n2,y\n3,z\n")
  lengths = v1.data.Dataset.from_tensor_slices([1, 3, 2, 5, 4, 1]).map(
      lambda n: v1.fill([n], n))
  return {
      "counter": d.Counter(2, 3).take(3),
      "random": d.RandomDataset(seed=7).take(3),
      "sample": d.sample_from_datasets([rng(10), rng(100, 110)],
                                       weights=[0.3, 0.7], seed=5).take(8),
      "choose": d.choose_from_datasets(
          [rng(3), rng(10, 13)], v1.data.Dataset.from_tensor_slices(
              np.array([0, 1, 1, 0, 0], np.int64))),
      "shuffle_repeat": rng(5).apply(d.shuffle_and_repeat(5, 2, seed=3)),
      "scan": rng(5).apply(d.scan(np.int64(0), lambda s, x: (s + x, s * x))),
      "unbatch": v1.data.Dataset.from_tensors([[1, 2], [3, 4]]).apply(
          d.unbatch()),
      "unique": v1.data.Dataset.from_tensor_slices([3, 1, 3, 2, 1]).apply(
          d.unique()),
      "enumerate": rng(3, 6).apply(d.enumerate_dataset(start=4)),
      "group_window": rng(10).apply(d.group_by_window(
          lambda x: x % 2, lambda k, ds: ds.batch(3), 3)),
      "bucket": lengths.apply(d.bucket_by_sequence_length(
          lambda x: v1.shape(x)[0], [3], [2, 2])),
      "map_batch": rng(7).apply(d.map_and_batch(lambda x: x * 10, 3)),
      "sparse_batch": lengths.take(3).apply(d.dense_to_sparse_batch(2, [6])),
      "single": d.get_single_element(rng(4, 5)),
      "ignore_errors": v1.data.Dataset.from_tensor_slices(
          [1., 0., 2.]).map(lambda x: v1.check_numerics(1. / x, "inf")).apply(
              d.ignore_errors()),
      "csv": d.CsvDataset(csv, [tf.int64, tf.string], header=True),
      "csv_batches": d.make_csv_dataset(csv, 2, shuffle=False, num_epochs=1),
      "parallel": rng(4).apply(d.parallel_interleave(
          lambda x: v1.data.Dataset.from_tensors(x).repeat(2), 2)),
  }


# -------------------------------------------------------------- contrib.lookup


def _lookup_tables(get, tmp):
  tf, v1 = _tf()
  lk = get("tf.contrib.lookup")
  vocab = os.path.join(tmp, "vocab.txt")
  with open(vocab, "w") as f:
    f.write("emerson\t10\nlake\t20\npalmer\t30\n")
  words = tf.constant(["emerson", "lake", "and", "palmer", "ok"])
  mapping = tf.constant(["emerson", "lake", "palmer"])
  kv = lk.KeyValueTensorInitializer(["a", "b", "c"], [1, 2, 3])
  table = lk.HashTable(kv, -1)
  keys, values = table.export()
  buckets = lk.IdTableWithHashBuckets(
      lk.HashTable(lk.KeyValueTensorInitializer(["a", "b"], [0, 1],
                                                value_dtype=tf.int64), -1),
      num_oov_buckets=3)
  strong = lk.index_table_from_tensor(
      mapping, num_oov_buckets=4, hasher_spec=lk.StrongHashSpec([17, 23]))
  text = lk.HashTable(lk.TextFileInitializer(
      vocab, tf.string, 0, tf.int64, 1, delimiter="\t"), -7)
  mutable = lk.MutableHashTable(tf.string, tf.int64, -1)
  dense = lk.MutableDenseHashTable(tf.int64, tf.int64, -1, empty_key=0,
                                   deleted_key=-1)
  ins = [mutable.insert(["x", "y"], tf.constant([5, 6], tf.int64)),
         dense.insert(tf.constant([3, 4], tf.int64),
                      tf.constant([30, 40], tf.int64))]
  with v1.control_dependencies(ins):
    mutable_out = mutable.lookup(tf.constant(["y", "z", "x"]))
    dense_out = dense.lookup(tf.constant([4, 9, 3], tf.int64))
  fetches = {
      "hash": table.lookup(tf.constant(["a", "z", "c"])),
      "hash_init_is_initializer": Static(table.init is table.initializer),
      "hash_name": Static(table.name),
      "hash_size": table.size(),
      "export_sorted": v1.sort(values),
      "export_size": v1.size(keys),
      "buckets": buckets.lookup(tf.constant(["a", "b", "zzz", "q"])),
      "from_tensor": lk.index_table_from_tensor(
          mapping=mapping, num_oov_buckets=1).lookup(words),
      "from_tensor_int": lk.index_table_from_tensor(
          tf.constant([10, 20], tf.int64), default_value=-5,
          dtype=tf.int64).lookup(tf.constant([20, 30], tf.int64)),
      "strong": strong.lookup(words),
      "from_file": lk.index_table_from_file(
          vocab, num_oov_buckets=2, key_column_index=0,
          value_column_index=1).lookup(words),
      "from_file_lines": lk.index_table_from_file(
          vocab, key_column_index=1, delimiter="\t",
          key_dtype=tf.string).lookup(tf.constant(["20", "99"])),
      "to_string": lk.index_to_string_table_from_tensor(
          mapping=mapping, default_value="UNKNOWN").lookup(
              tf.constant([1, 5], tf.int64)),
      "to_string_file": lk.index_to_string_table_from_file(
          vocab, vocab_size=2).lookup(tf.constant([0, 1, 2], tf.int64)),
      "text_init": text.lookup(tf.constant(["lake", "nobody"])),
      "string_to_index": lk.string_to_index(words, mapping, default_value=-3),
      "index_to_string": lk.index_to_string(
          tf.constant([2, 0, 9], tf.int64), mapping),
      "s2i_tensor": lk.string_to_index_table_from_tensor(
          mapping, num_oov_buckets=2).lookup(words),
      "s2i_file": lk.string_to_index_table_from_file(
          vocab, num_oov_buckets=1).lookup(words),
      "s2i_requires_string": Static(_error_name(
          lambda: lk.string_to_index_table_from_tensor([1, 2]))),
      "mutable": mutable_out,
      "dense": dense_out,
      "fast_hash": Static(str(lk.FastHashSpec)),
      "is_lookup_interface": Static(
          isinstance(table, lk.LookupInterface) and
          isinstance(table, lk.InitializableLookupTableBase)),
      "text_index": Static([lk.TextFileIndex.WHOLE_LINE,
                            lk.TextFileIndex.LINE_NUMBER]),
  }
  fetches["0_init"] = v1.tables_initializer()
  return fetches


def _lookup_shared(get, tmp):
  del tmp
  tf, _ = _tf()
  lk = get("tf.contrib.lookup")
  shared = lk.HashTable(lk.KeyValueTensorInitializer(["a"], [7]), -1,
                        shared_name="routes_shared")
  shared_too = lk.HashTable(lk.KeyValueTensorInitializer(["a"], [8]), -1,
                            shared_name="routes_shared")
  alone = lk.HashTable(lk.KeyValueTensorInitializer(["a"], [9]), -1)
  return {"0_init": shared.init, "1_shared": shared_too.lookup(
      tf.constant(["a"])), "2_alone_uninitialized": Fails(alone.lookup(
          tf.constant(["a"])))}


# ------------------------------------------------------------------ contrib.nn


def _nn_ops(get, tmp):
  del tmp
  tf, v1 = _tf()
  nn = get("tf.contrib.nn")
  rng = np.random.RandomState(3)
  x = tf.constant(rng.uniform(-2, 2, (4, 5)).astype(np.float32))
  alpha = tf.constant([0.5, 1.5, 2.0, 0.3, 1.0], tf.float32)
  clip = tf.constant(1.2)
  soft = nn.scaled_softplus(x, alpha)
  clipped = nn.scaled_softplus(x, alpha, clip=clip)
  labels = tf.constant(rng.dirichlet(np.ones(5), 4).astype(np.float32))
  ids = tf.constant([0, 3, 4, 1])
  targets = tf.constant(rng.uniform(0, 1, (4, 5)).astype(np.float32))
  signal = tf.constant(rng.uniform(-1, 1, (1, 4, 2)).astype(np.float32))
  filters = tf.constant(rng.uniform(-1, 1, (3, 3, 2)).astype(np.float32))
  flipped = nn.deprecated_flipped_softmax_cross_entropy_with_logits(x, labels)
  return {
      "alpha_dropout": nn.alpha_dropout(x, 0.7, seed=4),
      "alpha_dropout_noise": nn.alpha_dropout(x, 0.5, noise_shape=[4, 1],
                                              seed=9),
      "alpha_dropout_keep_all": nn.alpha_dropout(x, 1.0),
      "alpha_dropout_bad": Static(_error_name(
          lambda: nn.alpha_dropout(x, 1.5))),
      "softplus": soft,
      "softplus_clip": clipped,
      "softplus_grads": v1.gradients(soft * soft, [x, alpha]),
      "softplus_clip_grads": v1.gradients(clipped * x, [x, alpha, clip]),
      "flipped_softmax": flipped,
      "flipped_softmax_grads": v1.gradients(flipped, [x, labels])[:1],
      "flipped_softmax_labels_grad_none": Static(
          v1.gradients(flipped, [labels])[0] is None),
      "flipped_softmax_dim0": nn.
      deprecated_flipped_softmax_cross_entropy_with_logits(
          v1.transpose(x), v1.transpose(labels), dim=0),
      "flipped_sparse": nn.
      deprecated_flipped_sparse_softmax_cross_entropy_with_logits(x, ids),
      "flipped_sigmoid": nn.
      deprecated_flipped_sigmoid_cross_entropy_with_logits(x, targets),
      "conv1d_transpose": nn.conv1d_transpose(signal, filters, [1, 8, 3], 2),
      "nth_element": nn.nth_element(x, 2),
      "nth_element_reverse": nn.nth_element(x, 1, reverse=True),
  }


def _nn_sampled(get, tmp):
  del tmp
  tf, v1 = _tf()
  nn = get("tf.contrib.nn")
  rng = np.random.RandomState(5)
  weights = tf.constant(rng.uniform(-1, 1, (10, 4)).astype(np.float32))
  biases = tf.constant(rng.uniform(-1, 1, (10,)).astype(np.float32))
  inputs = tf.constant(rng.uniform(-1, 1, (3, 4)).astype(np.float32))
  labels = tf.constant([[1], [7], [3]], tf.int64)
  sampled = (tf.constant([0, 2, 5, 7, 9], tf.int64),
             tf.constant(rng.uniform(0.1, 1, (3, 1)).astype(np.float32)),
             tf.constant(rng.uniform(0.1, 1, (5,)).astype(np.float32)))
  sparse = nn.sampled_sparse_softmax_loss(
      weights, biases, labels, inputs, 5, 10, sampled_values=sampled)
  ranked = nn.rank_sampled_softmax_loss(
      [weights[:5], weights[5:]], [biases[:5], biases[5:]], labels, inputs,
      num_sampled=5, num_resampled=3, num_classes=10, num_true=1,
      sampled_values=sampled, resampling_temperature=0.5,
      remove_accidental_hits=True, partition_strategy="div")
  return {
      "sparse": sparse,
      "sparse_no_remove": nn.sampled_sparse_softmax_loss(
          weights, biases, labels, inputs, 5, 10, sampled_values=sampled,
          remove_accidental_hits=False),
      "sparse_grads": v1.gradients(sparse, [weights, inputs]),
      "ranked": ranked,
      "ranked_grads": v1.gradients(ranked, [weights, biases, inputs]),
      "ranked_bad": Static(_error_name(lambda: nn.rank_sampled_softmax_loss(
          weights, biases, labels, inputs, 3, 3, 10, 1, sampled, 1.0, True,
          "mod"))),
  }


# ---------------------------------------------------------------- contrib.util


def _util(get, tmp):
  del tmp
  tf, v1 = _tf()
  u = get("tf.contrib.util")
  proto = u.make_tensor_proto([[1.5, 2.0], [3.0, 4.5]], dtype=tf.float32)
  with v1.Graph().as_default() as g:
    a = v1.placeholder(tf.float32, [None, 3], name="a")
    v1.identity(tf.reduce_sum(a * 2.0), name="out")
  gd = g.as_graph_def()
  x = v1.placeholder(tf.float32, [None, 3])
  return {
      "round_trip": Static(u.make_ndarray(proto)),
      "proto_shape": Static([d.size for d in proto.tensor_shape.dim]),
      "constant_value": Static(u.constant_value(tf.stack([2, 3]))),
      "constant_value_none": Static(u.constant_value(x) is None),
      "constant_value_partial": Static(str(u.constant_value(
          v1.shape(x), partial=True))),
      "ops_used": Static(sorted(u.ops_used_by_graph_def(gd))),
      "stripped": Static(sorted(o.name for o in
                                u.stripped_op_list_for_graph(gd).op)),
  }


# ----------------------------------------------------- contrib.stateless/signal


def _stateless(get, tmp):
  del tmp
  tf, _ = _tf()
  s = get("tf.contrib.stateless")
  seed = tf.constant([7, 11], tf.int64)
  return {
      "normal": s.stateless_random_normal([2, 3], seed),
      "uniform": s.stateless_random_uniform([4], seed=[1, 2]),
      "uniform_int": s.stateless_random_uniform([4], [1, 2], minval=0,
                                                maxval=50, dtype=tf.int32),
      "truncated": s.stateless_truncated_normal([3], seed, mean=1.0,
                                                stddev=2.0),
      "multinomial": s.stateless_multinomial(
          tf.constant([[0., 1., 2.], [2., 0., -1.]]), 6, seed),
  }


def _signal(get, tmp):
  del tmp
  tf, _ = _tf()
  sg = get("tf.contrib.signal")
  rng = np.random.RandomState(11)
  wave = tf.constant(rng.uniform(-1, 1, (2, 64)).astype(np.float32))
  stft = sg.stft(wave, frame_length=16, frame_step=8, fft_length=16)
  mel = sg.linear_to_mel_weight_matrix(
      num_mel_bins=5, num_spectrogram_bins=9, sample_rate=8000,
      lower_edge_hertz=100.0, upper_edge_hertz=3000.0)
  log_mel = tf.math.log(tf.tensordot(tf.abs(stft), mel, 1) + 1e-6)
  frames = sg.frame(wave, 10, 6, pad_end=True, pad_value=0.5)
  return {
      "frame": frames,
      "overlap_add": sg.overlap_and_add(frames, 6),
      "hamming": sg.hamming_window(7),
      "hann": sg.hann_window(6, periodic=False),
      "stft_abs": tf.abs(stft),
      "stft_pad": tf.abs(sg.stft(wave, 20, 7, pad_end=True)),
      "inverse": sg.inverse_stft(
          stft, 16, 8, fft_length=16,
          window_fn=sg.inverse_stft_window_fn(8)),
      "mel": mel,
      "mfcc": sg.mfccs_from_log_mel_spectrograms(log_mel),
  }


# --------------------------------------------------------- contrib.cudnn_rnn


def gru_graph(get, inputs, init):
  """CudnnCompatibleGRUCell over the steps of `inputs`, under scope 'gru'."""
  tf, v1 = _tf()
  cell = get("tf.contrib.cudnn_rnn").CudnnCompatibleGRUCell(GRU_UNITS)
  outs = []
  state = tf.constant(init)
  with v1.variable_scope("gru"):
    for t in range(inputs.shape[0]):
      out, state = cell(tf.constant(inputs[t]), state)
      outs.append(out)
  return {"outputs": tf.stack(outs), "state": state,
          "output_size": Static([cell.output_size, cell.state_size])}


def gru_arrays():
  rng = np.random.RandomState(13)
  return (rng.uniform(-1, 1, (GRU_STEPS, GRU_BATCH, GRU_DEPTH)).astype(
      np.float32), rng.uniform(-1, 1, (GRU_BATCH, GRU_UNITS)).astype(
          np.float32))


def sorted_variables(v1):
  return sorted(v1.global_variables(), key=lambda v: v.op.name)


class Namespace(object):
  """A TF 1.x module path whose attributes come from `resolve(path)`."""

  def __init__(self, path, resolve):
    self._path = path
    self._resolve = resolve

  def __getattr__(self, name):
    if name.startswith("_"):
      raise AttributeError(name)
    return self._resolve(self._path + "." + name)


CASES = {
    "data_drop_remainder": _data_drop_remainder,
    "data_sliding": _data_sliding,
    "data_interleave_reduce": _data_interleave_reduce,
    "data_assert_shape": _data_assert_shape,
    "data_read_batch_features": _data_read_batch_features,
    "data_natives": _data_natives,
    "lookup_tables": _lookup_tables,
    "lookup_shared": _lookup_shared,
    "nn_ops": _nn_ops,
    "nn_sampled": _nn_sampled,
    "util": _util,
    "stateless": _stateless,
    "signal": _signal,
}


def shapes(structure):
  """Static shapes as lists (-1: unknown dimension, [-2]: unknown rank)."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  return tf.nest.map_structure(
      lambda s: ShapeList([-1 if d is None else d for d in s.as_list()]
                          if s.ndims is not None else [-2]), structure)


class ShapeList(object):
  """A shape as a list of ints (a leaf for tf.nest)."""

  def __init__(self, dims):
    self.dims = dims


def _error_name(fn):
  try:
    fn()
  except Exception as e:  # pylint: disable=broad-except
    return type(e).__name__
  return "no error"


def _flat(key, value, out):
  """Flattens nested fetch results into out[key/i...] = numpy arrays."""
  if isinstance(value, dict):
    for k in sorted(value):
      _flat("%s/%s" % (key, k), value[k], out)
  elif isinstance(value, (list, tuple)) and not hasattr(value, "indices"):
    for i, v in enumerate(value):
      _flat("%s/%d" % (key, i), v, out)
  elif hasattr(value, "indices") and hasattr(value, "dense_shape"):
    _flat(key, {"indices": value.indices, "values": value.values,
                "dense_shape": value.dense_shape}, out)
  elif isinstance(value, ShapeList):
    out[key] = np.asarray(value.dims, np.int64)
  else:
    out[key] = np.asarray(value)
    if out[key].dtype == object:  # strings fetched by a session
      out[key] = out[key].astype(bytes)


def run_case(name, get, tmp):
  """Builds and runs CASES[name] in a fresh graph: {key: numpy value}."""
  tf, v1 = _tf()
  options = v1.RunOptions(timeout_in_ms=RUN_TIMEOUT_MS)
  out = {}
  with tf.Graph().as_default():
    v1.set_random_seed(GRAPH_SEED)
    fetches = CASES[name](get, tmp)
    with v1.Session() as sess:
      for key in sorted(fetches):
        value = fetches[key]
        if isinstance(value, Static):
          _flat(key, value.value, out)
        elif isinstance(value, Fails):
          try:
            sess.run(value.tensor, options=options)
            out[key] = np.asarray("no error")
          except tf.errors.OpError as e:
            out[key] = np.asarray(type(e).__name__)
        elif isinstance(value, tf.data.Dataset):
          nxt = value.make_one_shot_iterator().get_next()
          items = []
          for _ in range(100):
            try:
              items.append(sess.run(nxt, options=options))
            except tf.errors.OutOfRangeError:
              break
          _flat(key, items, out)
          out[key + "/count"] = np.asarray(len(items))
        elif isinstance(value, tf.Operation):
          sess.run(value, options=options)
        else:
          _flat(key, sess.run(value, options=options), out)
  return {"%s/%s" % (name, k): v for k, v in out.items()}


def run_gru(get, checkpoint_dir, save):
  """The GRU case: writes (save) or restores the checkpoint, returns values."""
  tf, v1 = _tf()
  inputs, init = gru_arrays()
  out = {}
  with tf.Graph().as_default():
    v1.set_random_seed(GRAPH_SEED)
    fetches = gru_graph(get, inputs, init)
    variables = sorted_variables(v1)
    saver = v1.train.Saver()
    prefix = os.path.join(checkpoint_dir, "gru")
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      out["gru/initial_values"] = sess.run(variables)
      if save:
        rng = np.random.RandomState(21)
        for var in variables:
          var.load(rng.uniform(-0.6, 0.6, var.get_shape().as_list()).astype(
              np.float32), sess)
        saver.save(sess, prefix, write_meta_graph=False, write_state=False)
      else:
        saver.restore(sess, prefix)
      out["gru/outputs"] = sess.run(fetches["outputs"])
      out["gru/state"] = sess.run(fetches["state"])
  out["gru/variables"] = np.asarray([v.op.name for v in variables])
  out["gru/shapes"] = np.asarray([str(v.get_shape().as_list())
                                  for v in variables])
  out["gru/sizes"] = fetches["output_size"].value
  flat = {}
  for k, v in out.items():
    _flat(k, v, flat)
  return flat


def main(argv):
  """Writes the fixture to argv[1] (TF 1.15 only)."""
  import tempfile  # pylint: disable=g-import-not-at-top
  tf, _ = _tf()
  if not tf.version.VERSION.startswith("1."):
    raise SystemExit("routes_data_fixture: run this under TF 1.15")
  from compat import _routes  # pylint: disable=g-import-not-at-top

  def get(path):
    return Namespace(path, _routes.resolve)

  out = argv[1]
  if not os.path.isdir(out):
    os.makedirs(out)
  expected = {}
  tmp = tempfile.mkdtemp()
  for name in sorted(CASES):
    expected.update(run_case(name, get, tmp))
  expected.update(run_gru(get, out, save=True))
  np.savez_compressed(os.path.join(out, "expected.npz"),
                      tf_version=tf.version.VERSION, **expected)
  print("wrote %s (TF %s): %d values" % (out, tf.version.VERSION,
                                         len(expected)))


if __name__ == "__main__":
  main(sys.argv)
