"""legacy_pipeline.contrib.learn and .preprocessing against TF 1.15.

Preprocessing: every env repeats the transforms recorded by TF 1.15
(tests/learn_preprocessing_fixture.py -> tests/fixtures/tf115_learn/) and
restores the vocabulary files TF 1.15 saved; a file saved here is restored by
TF 1.15 (in-process on TF 1.15, else by the TF 1.15 env's Python in a
subprocess when that env exists).  Learn: constants, holders and the
queue-runner readers over real TFRecord files, drained to OutOfRangeError;
on TF 1.15 the same cases run through the real tf.contrib.learn in the same
process and must give the same values, batches and op names.
"""
from __future__ import absolute_import, division, print_function

import json
import math
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from conftest import HAS_CONTRIB, RUN_TIMEOUT_MS, needs_contrib
from legacy_pipeline import errors
from legacy_pipeline.contrib import learn
from legacy_pipeline.contrib import preprocessing

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import learn_preprocessing_fixture as fx  # pylint: disable=g-import-not-at-top,wrong-import-position

tf1 = tf.compat.v1
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixtures", "tf115_learn")
TF115_PYTHON = os.path.join(os.path.dirname(HERE), ".tox", "py37-tf115", "bin",
                            "python")
IMPLS = ["inhouse", pytest.param("contrib", marks=needs_contrib)]


def _real_learn():
  from tensorflow.contrib import learn as real  # pylint: disable=g-import-not-at-top
  return real


def _lib(impl):
  return learn if impl == "inhouse" else _real_learn()


def _pre(impl):
  return preprocessing if impl == "inhouse" else _real_learn().preprocessing


def _expected():
  with open(os.path.join(FIXTURE, "expected.json")) as f:
    return json.load(f)


def _lists(rows):
  return [[int(v) for v in row] for row in rows]


# -- preprocessing -----------------------------------------------------------------


def test_transforms_match_the_tf115_fixture(tmp_path):
  recorded = _expected()
  ours = fx.record(preprocessing, str(tmp_path))
  assert json.loads(json.dumps(ours, sort_keys=True)) == recorded


@pytest.mark.parametrize("key", ["min_frequency_0", "min_frequency_1"])
def test_restores_files_saved_by_tf115(key):
  recorded = _expected()[key]
  vp = preprocessing.VocabularyProcessor.restore(
      os.path.join(FIXTURE, "vocab_%s.pkl" % key))
  assert type(vp) is preprocessing.VocabularyProcessor  # pylint: disable=unidiomatic-typecheck
  assert type(vp.vocabulary_) is preprocessing.CategoricalVocabulary  # pylint: disable=unidiomatic-typecheck
  assert vp._tokenizer is preprocessing.tokenizer  # pylint: disable=protected-access
  assert vp.max_document_length == fx.MAX_LENGTH
  assert _lists(vp.transform(fx.NEW_DOCUMENTS)) == recorded["transform_new"]
  assert _lists(vp.transform(fx.DOCUMENTS)) == recorded["fit_transform"]
  assert list(vp.reverse(recorded["fit_transform"])) == recorded["reverse"]
  assert len(vp.vocabulary_) == recorded["length"]
  # Frozen after restore: new words stay unknown and add no id.
  assert vp.vocabulary_.get("never-seen") == 0
  assert len(vp.vocabulary_) == recorded["length"]


def test_restores_a_protocol0_file_saved_by_tf115():
  vp = preprocessing.VocabularyProcessor.restore(
      os.path.join(FIXTURE, "vocab_protocol0.pkl"))
  assert _lists(vp.transform(fx.NEW_DOCUMENTS)) == \
      _expected()["protocol0_transform"]


def _fitted(pre):
  vp = pre.VocabularyProcessor(6, min_frequency=1)
  vp.fit(fx.DOCUMENTS)
  return vp


_TF115_CHECK = r"""
import json, sys
from tensorflow.contrib.learn import preprocessing as p
vp = p.VocabularyProcessor.restore(sys.argv[1])
assert type(vp) is p.VocabularyProcessor, type(vp)
assert type(vp.vocabulary_) is p.CategoricalVocabulary
print(json.dumps([[int(i) for i in r] for r in vp.transform(json.loads(
    sys.argv[2]))]))
"""


def test_a_file_saved_here_restores_on_tf115(tmp_path):
  path = str(tmp_path / "vocab.pkl")
  ours = _fitted(preprocessing)
  ours.save(path)
  want = _lists(ours.transform(fx.NEW_DOCUMENTS + fx.DOCUMENTS))
  if HAS_CONTRIB:
    real = _real_learn().preprocessing
    restored = real.VocabularyProcessor.restore(path)
    assert type(restored) is real.VocabularyProcessor  # pylint: disable=unidiomatic-typecheck
    assert _lists(restored.transform(fx.NEW_DOCUMENTS + fx.DOCUMENTS)) == want
    # Byte for byte what TF 1.15's own save writes.
    real_path = str(tmp_path / "real.pkl")
    _fitted(real).save(real_path)
    with open(path, "rb") as a, open(real_path, "rb") as b:
      assert a.read() == b.read()
    return
  if not os.path.exists(TF115_PYTHON):
    pytest.skip("no TF 1.15 env at %s" % TF115_PYTHON)
  env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
  out = subprocess.run(
      [TF115_PYTHON, "-c", _TF115_CHECK, path,
       json.dumps(fx.NEW_DOCUMENTS + fx.DOCUMENTS)],
      stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=120,
      check=False)
  assert out.returncode == 0, out.stderr.decode()[-2000:]
  assert json.loads(out.stdout.decode().strip().splitlines()[-1]) == want


def test_save_restore_round_trip_keeps_state(tmp_path):
  vp = preprocessing.VocabularyProcessor(5)
  vp.fit(["b a a", "c"])
  vp.vocabulary_.freeze(False)
  path = str(tmp_path / "v.pkl")
  vp.save(path)
  back = preprocessing.VocabularyProcessor.restore(path)
  assert back.vocabulary_._mapping == vp.vocabulary_._mapping  # pylint: disable=protected-access
  assert dict(back.vocabulary_._freq) == {"b": 1, "a": 2, "c": 1}  # pylint: disable=protected-access
  assert back.vocabulary_.get("new") == 4  # unfrozen state kept


def _custom_tokenizer(docs):
  for doc in docs:
    yield doc.split(",")


def test_restore_refuses_unknown_globals(tmp_path):
  path = str(tmp_path / "custom.pkl")
  vp = preprocessing.VocabularyProcessor(3, tokenizer_fn=_custom_tokenizer)
  vp.fit(["x,y", "y,z"])
  vp.save(path)
  with pytest.raises(pickle.UnpicklingError, match="_custom_tokenizer"):
    preprocessing.VocabularyProcessor.restore(path)
  back = preprocessing.VocabularyProcessor.restore(
      path, trusted_globals=[_custom_tokenizer])
  assert _lists(back.transform(["z,x,q"])) == [[3, 1, 0]]
  # A pickle that would call os.system is refused before anything runs.
  evil = str(tmp_path / "evil.pkl")
  with open(evil, "wb") as f:
    f.write(b"cos\nsystem\n(S'touch %s'\ntR." % str(
        tmp_path / "pwned").encode())
  with pytest.raises(pickle.UnpicklingError, match="os.system"):
    preprocessing.VocabularyProcessor.restore(evil)
  assert not os.path.exists(str(tmp_path / "pwned"))
  with pytest.raises(pickle.PicklingError if sys.version_info >= (3, 8) else
                     (pickle.PicklingError, AttributeError)):
    preprocessing.VocabularyProcessor(
        3, tokenizer_fn=lambda d: d).save(str(tmp_path / "lambda.pkl"))


def _vocabulary_story(pre):
  """A sequence of CategoricalVocabulary calls -> everything observable."""
  out = []
  v = pre.CategoricalVocabulary(unknown_token="<U>")
  for word, count in [("b", 3), ("a", 3), (2, 3), (1, 5), ("c", 1),
                      ("d", 2), ("<U>", 9), ("e", 7)]:
    v.add(word, count)
  out.append(("len", len(v), v.get("b"), v.get("zz")))
  v.freeze()
  out.append(("frozen", v.get("new"), len(v)))
  v.add("new2")
  out.append(("frozen add", len(v), sorted(map(str, v._freq))))  # pylint: disable=protected-access
  v.freeze(False)
  v.trim(1, max_frequency=7)
  out.append(("trim", sorted((str(k), i) for k, i in v._mapping.items()),  # pylint: disable=protected-access
              [str(v.reverse(i)) for i in range(len(v))],
              sorted((str(k), c) for k, c in v._freq.items())))  # pylint: disable=protected-access
  try:
    v.reverse(99)
  except IndexError as e:
    out.append(("reverse", type(e).__name__))
  nr = pre.CategoricalVocabulary(support_reverse=False)
  nr.get("x")
  try:
    nr.reverse(1)
  except ValueError as e:
    out.append(("no reverse", str(e), hasattr(nr, "_reverse_mapping")))
  return out


def test_categorical_vocabulary_story():
  story = _vocabulary_story(preprocessing)
  assert story[0] == ("len", 8, 1, 8)  # get() of a new word adds it
  # By count (e: 7 >= max_frequency, dropped), ties numbers first; c: 1 stops.
  assert story[3][1] == [("1", 1), ("2", 2), ("<U>", 0), ("a", 3), ("b", 4),
                         ("d", 5)]
  if HAS_CONTRIB:
    assert story == _vocabulary_story(_real_learn().preprocessing)


@pytest.mark.parametrize("impl", IMPLS)
def test_processor_edge_cases(impl):
  pre = _pre(impl)
  assert pre.TOKENIZER_RE.pattern == preprocessing.TOKENIZER_RE.pattern
  vocab = pre.CategoricalVocabulary()
  vp = pre.VocabularyProcessor(3, vocabulary=vocab)
  assert vp.vocabulary_ is vocab
  rows = _lists(vp.fit_transform(["x y z w", "w"]))
  assert rows == [[1, 2, 3], [4, 0, 0]]
  assert list(vp.reverse([[4, 0, 1]])) == ["w <UNK> x"]
  bp = pre.ByteProcessor(4)
  assert bp.fit(["a"]) is None
  assert _lists(bp.fit_transform([u"\u00e9t\u00e9"])) == [[195, 169, 116, 195]]
  assert list(bp.reverse(list(bp.transform([u"\u00e9t\u00e9"])))) == [""]
  cp = pre.CategoricalProcessor()
  data = np.array([[1.0, float("nan")], [2.0, 1.0]], dtype=object)
  assert _lists(cp.fit_transform(data)) == [[1, 0], [2, 1]]
  assert len(cp.vocabularies_) == 2


# -- constants, exceptions, holders ------------------------------------------------


@pytest.mark.parametrize("impl", IMPLS)
def test_constants(impl):
  lib = _lib(impl)
  assert (lib.ModeKeys.TRAIN, lib.ModeKeys.EVAL, lib.ModeKeys.INFER) == (
      "train", "eval", "infer")
  assert vars(lib.PredictionKey).get("GENERIC") == "output"
  keys = {k: v for k, v in vars(lib.PredictionKey).items() if k.isupper()}
  assert keys == {k: v for k, v in vars(learn.PredictionKey).items()
                  if k.isupper()}
  assert [lib.ProblemType.UNSPECIFIED, lib.ProblemType.CLASSIFICATION,
          lib.ProblemType.LINEAR_REGRESSION,
          lib.ProblemType.LOGISTIC_REGRESSION] == [0, 1, 2, 3]
  assert (lib.TaskType.MASTER, lib.TaskType.PS, lib.TaskType.WORKER) == (
      "master", "ps", "worker")
  with pytest.raises(ValueError, match="Invalid mode predict."):
    lib.ModeKeys.validate("predict")
  assert str(lib.NanLossDuringTrainingError()) == "NaN loss during training."
  assert issubclass(lib.NotFittedError, ValueError)
  assert issubclass(lib.NotFittedError, AttributeError)
  assert issubclass(lib.NanLossDuringTrainingError, RuntimeError)


def _model_fn_ops_cases(lib):
  """Outcome of each ModelFnOps construction: fields or the error."""
  modes = lib.ModeKeys
  out = []
  with tf.Graph().as_default():
    loss = tf.constant([2.0])
    pred = tf.constant([1.0, 2.0])
    train = tf.no_op(name="train")
    cases = [
        dict(mode="bad"),
        dict(mode=modes.TRAIN, loss=loss),
        dict(mode=modes.TRAIN, train_op=train),
        dict(mode=modes.EVAL, loss=loss),
        dict(mode=modes.INFER),
        dict(mode=modes.TRAIN, loss=tf.constant([1.0, 2.0]), train_op=train),
        dict(mode=modes.EVAL, loss=loss, predictions=pred,
             eval_metric_ops=[1]),
        dict(mode=modes.TRAIN, loss=loss, train_op=train, training_hooks=[1]),
        dict(mode=modes.TRAIN, loss=loss, train_op=tf.identity(loss)),
        dict(mode=modes.INFER, predictions={"p": [1, 2]}),
    ]
    for kwargs in cases:
      try:
        ops = lib.ModelFnOps(**kwargs)
        out.append(("ok", ops.mode, ops.loss is not None and (
            ops.loss.get_shape().as_list()), type(ops.train_op).__name__,
                    ops.eval_metric_ops, ops.training_hooks,
                    sorted(ops.predictions) if isinstance(
                        ops.predictions, dict) else None, ops._fields))  # pylint: disable=protected-access
      except (ValueError, TypeError) as e:
        out.append((type(e).__name__, str(e).split(":")[0]))
  with tf.Graph().as_default():
    other = tf.constant(1.0)
  with tf.Graph().as_default():
    try:
      lib.ModelFnOps(mode=modes.EVAL, predictions=tf.constant(1.0),
                     loss=other)
    except ValueError as e:
      out.append(("graphs", "same graph" in str(e)))
  return out


def test_model_fn_ops():
  got = _model_fn_ops_cases(learn)
  assert got[0] == ("ValueError", "Invalid mode bad.")
  assert got[1] == ("ValueError", "Missing train_op.")
  assert got[-1] == ("graphs", True)
  assert got[-3][0] == "ok" and got[-3][2] == [] and \
      got[-3][3] == "Operation"
  if HAS_CONTRIB:
    assert got == _model_fn_ops_cases(_real_learn())


@pytest.mark.parametrize("impl", IMPLS)
def test_input_fn_ops_and_parsing_serving_input_fn(impl):
  lib = _lib(impl)
  assert lib.InputFnOps._fields == ("features", "labels", "default_inputs")  # pylint: disable=protected-access
  spec = {"x": tf1.FixedLenFeature([2], tf.float32),
          "s": tf1.VarLenFeature(tf.int64)}
  with tf.Graph().as_default():
    ops = lib.build_parsing_serving_input_fn(spec, default_batch_size=3)()
    assert ops.labels is None
    example = ops.default_inputs["examples"]
    assert example.op.name == "input_example_tensor"
    assert example.get_shape().as_list() == [3]
    with tf1.Session() as sess:
      x = sess.run(ops.features["x"],
                   {example: [_example(i, 0) for i in range(3)]})
  np.testing.assert_allclose(x, [[0, 0], [1, 0.5], [2, 1]])


def test_extract_pandas_without_pandas():
  try:
    import pandas  # pylint: disable=g-import-not-at-top,unused-import
    pytest.skip("pandas is installed")
  except ImportError:
    pass
  for fn in (learn.extract_pandas_data, learn.extract_pandas_labels,
             learn.extract_pandas_matrix):
    with pytest.raises(errors.BackendUnavailableError, match="needs pandas"):
      fn(np.zeros(2))


# -- readers -------------------------------------------------------------------------

FILES, PER_FILE = 3, 5
FEATURES = {"x": tf1.FixedLenFeature([2], tf.float32),
            "n": tf1.VarLenFeature(tf.int64)}


def _example(i, f):
  ex = tf.train.Example()
  ex.features.feature["x"].float_list.value.extend([float(i), i * 0.5])
  ex.features.feature["n"].int64_list.value.extend(range(i % 3))
  ex.features.feature["id"].bytes_list.value.append(b"%d-%d" % (f, i))
  return ex.SerializeToString()


@pytest.fixture(scope="module")
def records(tmp_path_factory):
  base = tmp_path_factory.mktemp("learn_records")
  for f in range(FILES):
    with tf1.python_io.TFRecordWriter(str(base / ("part-%d.tfr" % f))) as w:
      for i in range(PER_FILE):
        w.write(_example(i, f))
  return str(base / "part-*.tfr")


def _drain(fetches, shared=False):
  """Runs `fetches` until OutOfRangeError; returns the list of results."""
  init = [tf1.local_variables_initializer()]
  if shared:
    init.append(tf1.global_variables_initializer())
  options = tf1.RunOptions(timeout_in_ms=RUN_TIMEOUT_MS)
  results = []
  with tf1.Session() as sess:
    sess.run(init)
    coord = tf1.train.Coordinator()
    threads = tf1.train.start_queue_runners(sess, coord=coord)
    try:
      for _ in range(200):
        results.append(sess.run(fetches, options=options))
      raise AssertionError("no OutOfRangeError after 200 batches")
    except tf.errors.OutOfRangeError:
      pass
    finally:
      coord.request_stop()
      coord.join(threads, stop_grace_period_secs=10)
  return results


def _build(impl, what, pattern, **kwargs):
  """Builds one reader in a fresh graph; returns (graph, fetches)."""
  lib = _lib(impl)
  graph = tf.Graph()
  with graph.as_default():
    if what == "examples":
      fetches = lib.read_keyed_batch_examples(
          pattern, 4, tf1.TFRecordReader, **kwargs)
    elif what == "examples_shared":
      fetches = lib.read_keyed_batch_examples_shared_queue(
          pattern, 4, tf1.TFRecordReader, **kwargs)
    elif what == "features":
      keys, feats = lib.read_keyed_batch_features(
          pattern, 4, FEATURES, tf1.TFRecordReader, num_enqueue_threads=1,
          **kwargs)
      fetches = dict(feats, key=keys)
    elif what == "features_shared":
      keys, feats = lib.read_keyed_batch_features_shared_queue(
          pattern, 4, FEATURES, tf1.TFRecordReader, num_queue_runners=1,
          **kwargs)
      fetches = dict(feats, key=keys)
    elif what == "record_features":
      fetches = lib.read_batch_record_features(pattern, 4, FEATURES, **kwargs)
    else:
      fetches = {"examples": lib.read_batch_examples(
          pattern, 4, tf1.TFRecordReader, **kwargs)}
  return graph, fetches


def _flatten(batches):
  """Batches -> comparable nested lists (sparse as indices/values/shape)."""
  out = []
  for batch in batches:
    if isinstance(batch, dict):
      item = {}
      for k, v in sorted(batch.items()):
        if isinstance(v, tf1.SparseTensorValue):
          item[k] = [v.indices.tolist(), v.values.tolist(),
                     v.dense_shape.tolist()]
        else:
          item[k] = np.asarray(v).tolist()
      out.append(item)
    else:
      out.append([np.asarray(t).tolist() for t in batch])
  return out


def _batch_len(batch):
  if not isinstance(batch, dict):
    return len(batch[0])
  return len(batch["x"] if "x" in batch else batch["examples"])


def _records_seen(batches):
  """Every serialized record (or x value) delivered, in order."""
  seen = []
  for batch in batches:
    if isinstance(batch, dict) and "x" in batch:
      seen.extend(tuple(r) for r in np.asarray(batch["x"]).tolist())
    elif isinstance(batch, dict):
      seen.extend(_ids(batch["examples"]))
    else:
      seen.extend(_ids(batch[1]))
  return seen


def _ids(serialized):
  """The 'id' feature of each serialized Example (map order may vary)."""
  return [tf.train.Example.FromString(r).features.feature["id"].bytes_list
          .value[0] if isinstance(r, bytes) else r for r in serialized]


READER_CASES = [
    ("examples", dict(randomize_input=False, num_epochs=2)),
    ("examples", dict(randomize_input=True, num_epochs=1, seed=7,
                      queue_capacity=100)),
    ("examples", dict(randomize_input=False, num_epochs=1,
                      read_batch_size=3)),
    ("batch_examples", dict(randomize_input=False, num_epochs=1,
                            parse_fn=lambda r: tf.strings.length(r))),
    ("examples_shared", dict(randomize_input=False, num_epochs=2)),
    ("examples_shared", dict(randomize_input=True, num_epochs=2, seed=3,
                             queue_capacity=100)),
    ("features", dict(randomize_input=False, num_epochs=1)),
    ("features_shared", dict(randomize_input=False, num_epochs=1)),
    ("record_features", dict(randomize_input=False, num_epochs=2,
                             name=None)),
]


@pytest.mark.parametrize("what,kwargs", READER_CASES,
                         ids=["%s-%d" % (c[0], i)
                              for i, c in enumerate(READER_CASES)])
def test_readers_deliver_each_record_once_per_epoch(records, what, kwargs):
  graph, fetches = _build("inhouse", what, records, **kwargs)
  with graph.as_default():
    batches = _drain(fetches, shared="shared" in what)
  seen = _records_seen(batches)
  epochs = kwargs["num_epochs"]
  assert len(seen) == FILES * PER_FILE * epochs
  if what in ("features", "features_shared", "record_features"):
    want = sorted(set((float(i), i * 0.5) for i in range(PER_FILE)))
    assert sorted(set(seen)) == want
  elif what != "batch_examples":
    want = [b"%d-%d" % (f, i) for f in range(FILES)
            for i in range(PER_FILE)] * epochs
    assert sorted(seen) == sorted(want)
  sizes = [_batch_len(b) for b in batches]
  if what == "record_features":  # two enqueue threads: the short one may
    sizes.sort(reverse=True)     # overtake the full one before it
  assert all(s == 4 for s in sizes[:-1]) and 0 < sizes[-1] <= 4
  if HAS_CONTRIB:
    real_graph, real_fetches = _build("contrib", what, records, **kwargs)
    with real_graph.as_default():
      real = _drain(real_fetches, shared="shared" in what)
    if what == "record_features":  # two enqueue threads: batches may swap
      assert sorted(map(json.dumps, _flatten(batches))) == sorted(
          map(json.dumps, _flatten(real)))
    else:
      assert _flatten(batches) == _flatten(real)
    ours_ops = sorted((op.name, op.type) for op in graph.get_operations())
    real_ops = sorted((op.name, op.type) for op in real_graph.get_operations())
    if "shared" in what:  # contrib's custom ObtainNext kernel vs graph ops
      ours_ops = [o for o in ours_ops if "obtain_next" not in o[0]]
      real_ops = [o for o in real_ops if "obtain_next" not in o[0]]
    assert ours_ops == real_ops
    assert sorted(v.op.name for v in graph.get_collection("variables")) == \
        sorted(v.op.name for v in real_graph.get_collection("variables"))


def test_shared_queue_file_order_is_contribs(tmp_path):
  names = ["f%d" % i for i in range(6)]
  for shuffle, seed, epochs in [(False, None, 3), (True, 5, 3), (True, 9, None)]:
    got = learn._expanded_file_list(names, shuffle, seed, epochs)  # pylint: disable=protected-access
    assert sorted(got) == sorted(names * (epochs or 1))
    if HAS_CONTRIB:
      from tensorflow.contrib.input_pipeline.python.ops import input_pipeline_ops as ipo  # pylint: disable=g-import-not-at-top
      assert got == ipo._create_list(list(names), shuffle, seed, epochs)  # pylint: disable=protected-access
  assert learn._expanded_file_list(names, False, None, 2) == names * 2  # pylint: disable=protected-access


def _reader_errors(lib, pattern):
  out = []
  calls = [
      dict(file_pattern=[]),
      dict(file_pattern=pattern + ".none"),
      dict(batch_size=0),
      dict(batch_size=10000),
      dict(queue_capacity=0),
      dict(read_batch_size=0),
      dict(num_threads=0),
      dict(num_epochs=0),
  ]
  for extra in calls:
    kwargs = dict(file_pattern=pattern, batch_size=4,
                  reader=tf1.TFRecordReader)
    kwargs.update(extra)
    with tf.Graph().as_default():
      try:
        lib.read_batch_examples(**kwargs)
        out.append("ok")
      except ValueError as e:
        out.append(str(e).replace(pattern, "P"))
  return out


def test_reader_argument_errors(records):
  got = _reader_errors(learn, records)
  assert got[0] == "No files given to dequeue_examples."
  assert got[2] == "Invalid batch_size 0, with queue_capacity 10000."
  assert "ok" not in got
  if HAS_CONTRIB:
    assert got == _reader_errors(_real_learn(), records)


def test_reader_in_eager_mode_says_to_build_a_graph(records):
  if not tf.executing_eagerly():
    pytest.skip("eager execution is off in this process")
  with pytest.raises(errors.GraphModeError):
    learn.read_batch_examples(records, 4, tf1.TFRecordReader)


def _signature(fn):
  """(name, default) of the parameters TF 1.15 had: all but keyword-only."""
  import inspect  # pylint: disable=g-import-not-at-top
  return [(p.name, p.default) for p in
          inspect.signature(fn).parameters.values()
          if p.kind != inspect.Parameter.KEYWORD_ONLY]


@needs_contrib
def test_signatures_are_tf115s():
  real = _real_learn()
  checked = 0
  for name in learn.__all__:
    target = getattr(real, name, None) or getattr(real.io, name, None)
    if target is None:  # run_feeds_iter: graph_actions only
      target = getattr(real.graph_actions, name)
    if name == "run_feeds":  # TF 1.15's is run_feeds(*args, **kwargs)
      continue
    if callable(target) and not isinstance(target, type):
      assert _signature(getattr(learn, name)) == _signature(target), name
      checked += 1
  for cls in ("VocabularyProcessor", "CategoricalVocabulary", "ByteProcessor",
              "CategoricalProcessor"):
    ours, theirs = getattr(preprocessing, cls), getattr(real.preprocessing, cls)
    for method in [m for m in vars(theirs) if not m.startswith("_")] + [
        "__init__"]:
      assert _signature(getattr(ours, method)) == _signature(
          getattr(theirs, method)), (cls, method)
      checked += 1
  assert _signature(learn.ModelFnOps.__new__) == _signature(
      real.ModelFnOps.__new__)
  assert sorted(learn.__all__) == learn.__all__
  assert checked > 30
