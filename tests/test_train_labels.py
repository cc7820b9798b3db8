"""The training program on sequence-classification data (issue 17).

Example shuffling (queue and tf.data inputs), one label per sequence from a
context feature, last-step accuracy and the confusion matrix, learning-rate
schedules, early stopping with the best checkpoint kept, a test split, the
contrib backend switch, and the program's quiet output.  Real TFRecord files
(records grouped by class, as archives ship them), real sessions and queue
runners; every blocking run has a timeout.
"""
from __future__ import absolute_import, division, print_function

import argparse
import collections
import glob
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from legacy_pipeline import train
from legacy_pipeline.saver import datasets
from legacy_pipeline.saver.runners import queue_runners
from legacy_pipeline.training import cli
from legacy_pipeline.training import evaluation
from legacy_pipeline.training import graph
from legacy_pipeline.training import readers

v1 = tf.compat.v1
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN = v1.RunOptions(timeout_in_ms=30000)
NUM_CLASSES = 3
DIMS = 2


def _write_grouped(path, per_class, seed, min_len=3, max_len=13):
  """Class-grouped records: class c's steps are noise around c; returns them.

  Returns:
    list of (label, length) in file order.
  """
  rng = np.random.RandomState(seed)
  out = []
  with v1.python_io.TFRecordWriter(str(path)) as writer:
    for c in range(NUM_CLASSES):
      for _ in range(per_class):
        n = int(rng.randint(min_len, max_len + 1))
        ex = tf.train.SequenceExample()
        ex.context.feature["label"].int64_list.value.append(c)
        steps = ex.feature_lists.feature_list["x"]
        for _ in range(n):
          steps.feature.add().float_list.value.extend(
              (c - 1 + 0.3 * rng.randn(DIMS)).tolist())
        writer.write(ex.SerializeToString())
        out.append((c, n))
  return out


@pytest.fixture(scope="module")
def grouped(tmp_path_factory):
  d = tmp_path_factory.mktemp("grouped")
  files = {}
  for split, per_class, seed in (("train", 12, 0), ("valid", 4, 1),
                                 ("test", 5, 2)):
    path = d / ("%s.tfrecords" % split)
    files[split] = (str(path), _write_grouped(path, per_class, seed))
  return files


def _flags(grouped, model_dir, *extra):
  return ["--model-dir", str(model_dir),
          "--train-files", grouped["train"][0],
          "--eval-files", grouped["valid"][0],
          "--sequence-feature", "x", "--feature-shape", str(DIMS),
          "--label-context", "label", "--num-classes", str(NUM_CLASSES),
          "--batch-size", "4", "--num-unroll", "4", "--lstm-size", "8",
          "--capacity", "32", "--log-every", "50"] + list(extra)


def _drain(fetch):
  """Runs `fetch` until OutOfRange; returns the list of results."""
  out = []
  with v1.Session() as sess:
    sess.run([v1.local_variables_initializer(),
              v1.global_variables_initializer()])
    with queue_runners(sess):
      while True:
        try:
          out.append(sess.run(fetch, options=RUN))
        except tf.errors.OutOfRangeError:
          return out


def _queue_keys(path, epochs, shuffle_buffer, seed=7):
  with tf.Graph().as_default():
    ex = readers.example_input(
        [path], {"x": readers.FeatureSpec(tf.float32, [DIMS])},
        {"label": readers.FeatureSpec(tf.int64, [])}, num_epochs=epochs,
        shuffle=False, seed=seed, shuffle_buffer=shuffle_buffer,
        reader_threads=2)
    return [(k, int(l)) for k, l in _drain([ex.key, ex.context["label"]])]


def _dataset_keys(path, epochs, shuffle_buffer, seed=7):
  with tf.Graph().as_default():
    ds = datasets.sequence_example_dataset(
        [path], {"x": v1.io.FixedLenSequenceFeature([DIMS], tf.float32)},
        context_features={"label": v1.io.FixedLenFeature([], tf.int64)},
        num_epochs=epochs, seed=seed, shuffle_buffer=shuffle_buffer)
    nxt = v1.data.make_one_shot_iterator(ds).get_next()
    return [(k, int(l)) for k, l in _drain([nxt["key"],
                                            nxt["context"]["label"]])]


@pytest.mark.parametrize("reader", [_queue_keys, _dataset_keys],
                         ids=["queue", "tfdata"])
def test_shuffle_changes_the_order_and_keeps_every_example(grouped, reader):
  path, rows = grouped["train"]
  plain = reader(path, epochs=2, shuffle_buffer=0)
  mixed = reader(path, epochs=2, shuffle_buffer=16)
  # Without the buffer: file order, so class-grouped.
  assert [l for _, l in plain] == [c for c, _ in rows] * 2
  # With it: the same multiset (each record exactly once per epoch) ...
  assert collections.Counter(mixed) == collections.Counter(plain)
  assert all(n == 2 for n in collections.Counter(k for k, _ in mixed).values())
  # ... in another order, classes mixed from the first examples on.
  assert mixed != plain
  assert len(set(l for _, l in mixed[:12])) > 1


def test_tfdata_shuffle_is_seeded(grouped):
  path = grouped["train"][0]
  assert _dataset_keys(path, 1, 16, seed=3) == _dataset_keys(path, 1, 16,
                                                              seed=3)
  assert _dataset_keys(path, 1, 16, seed=3) != _dataset_keys(path, 1, 16,
                                                              seed=4)


def _file_orders(files, epochs, queue_input):
  """The order in which `files` start, per epoch (one record per file)."""
  features = {"x": readers.FeatureSpec(tf.float32, [DIMS])}
  with tf.Graph().as_default():
    if queue_input:
      ex = readers.example_input(files, features, num_epochs=epochs,
                                 shuffle=True, seed=5)
      keys = [k for k in _drain(ex.key)]
    else:
      ds = datasets.sequence_example_dataset(
          files, {"x": v1.io.FixedLenSequenceFeature([DIMS], tf.float32)},
          num_epochs=epochs, shuffle_files=True, seed=5)
      keys = _drain(v1.data.make_one_shot_iterator(ds).get_next()["key"])
  names = [k.decode().rsplit(":", 1)[0] for k in keys]
  per_epoch = len(files)
  return [names[i:i + per_epoch] for i in range(0, len(names), per_epoch)]


@pytest.mark.parametrize("queue_input", [True, False], ids=["queue", "tfdata"])
def test_files_are_reshuffled_every_epoch(tmp_path, queue_input):
  files = []
  for i in range(8):
    path = tmp_path / ("part-%d.tfrecords" % i)
    with v1.python_io.TFRecordWriter(str(path)) as writer:
      ex = tf.train.SequenceExample()
      ex.feature_lists.feature_list["x"].feature.add().float_list.value.extend(
          [float(i)] * DIMS)
      writer.write(ex.SerializeToString())
    files.append(str(path))
  orders = _file_orders(files, 3, queue_input)
  assert len(orders) == 3
  assert all(sorted(o) == sorted(files) for o in orders)
  assert len(set(tuple(o) for o in orders)) > 1


def test_shuffled_training_batches_mix_classes(grouped):
  """The issue's symptom: without shuffling a batch holds one class."""
  args = cli.build_parser().parse_args(_flags(grouped, "unused"))

  def first_labels(shuffle_buffer):
    with tf.Graph().as_default():
      v1.set_random_seed(0)
      batch = graph.batch(args, [grouped["train"][0]], num_epochs=1,
                          shuffle=False, allow_small_batch=True,
                          make_keys_unique=True, num_threads=1,
                          shuffle_buffer=shuffle_buffer)
      # The model's outputs save each segment's state, which lets the
      # sequence's next segment out.
      m = graph.classifier(args, batch, keep_prob=1.0)
      got = _drain([batch.context["label"], m.predictions])
    return [sorted(set(b.tolist())) for b, _ in got[:3]]

  assert first_labels(0) == [[0], [0], [0]]
  assert any(len(labels) > 1 for labels in first_labels(16))


def test_context_label_last_step_metrics_and_confusion_matrix(grouped,
                                                              tmp_path):
  model_dir = tmp_path / "m"
  report = train.main(_flags(grouped, model_dir, "--steps", "60",
                             "--checkpoint-every-steps", "30",
                             "--eval-every-steps", "30",
                             "--loss-on", "last",
                             "--test-files", grouped["test"][0]))
  rows = grouped["valid"][1]
  result = report["eval"]
  # Every sequence counted once, every timestep once, one last step each.
  assert result["sequences"] == result["last_steps"] == len(rows)
  assert result["timesteps"] == sum(n for _, n in rows)
  assert result["segments"] == sum(-(-n // 4) for _, n in rows)
  matrix = np.array(result["confusion_matrix"])
  assert matrix.shape == (NUM_CLASSES, NUM_CLASSES)
  assert matrix.sum(axis=1).tolist() == [
      sum(1 for c, _ in rows if c == k) for k in range(NUM_CLASSES)]
  assert np.trace(matrix) / float(len(rows)) == pytest.approx(
      result["sequence_accuracy"])
  assert 0.0 <= result["accuracy"] <= 1.0
  # TensorBoard: both accuracies and the matrix as an image.
  tags, images = set(), []
  for path in glob.glob(str(model_dir / "eval" / "events.out.tfevents.*")):
    for event in v1.train.summary_iterator(path):
      for v in event.summary.value:
        tags.add(v.tag)
        if v.HasField("image"):
          images.append(v.image)
  assert {"eval/accuracy", "eval/sequence_accuracy", "eval/loss",
          "eval/confusion_matrix"} <= tags
  assert images[-1].height == images[-1].width == NUM_CLASSES * 16
  with open(str(model_dir / "eval" / "metrics.json")) as f:
    metrics = json.load(f)
  assert metrics["latest"]["confusion_matrix"] == result["confusion_matrix"]
  assert [h["global_step"] for h in metrics["history"]] == [0, 30, 60]
  # The test split: evaluated once with the best checkpoint.
  test = report["test"]
  assert test["sequences"] == test["last_steps"] == len(grouped["test"][1])
  assert test["global_step"] == report["best_eval"]["global_step"]
  assert os.path.exists(str(model_dir / "test" / "metrics.json"))


def test_last_step_mask_marks_each_sequence_once(grouped):
  """One mark per sequence, at its last valid step (lengths 3..13, unroll 4)."""
  args = cli.build_parser().parse_args(_flags(grouped, "unused"))
  path, rows = grouped["valid"]
  with tf.Graph().as_default():
    batch = graph.batch(args, [path], num_epochs=1, shuffle=False,
                        allow_small_batch=True, make_keys_unique=False,
                        num_threads=1)
    m = graph.classifier(args, batch, keep_prob=1.0)
    got = _drain({"key": batch.key, "mask": m.last_mask,
                  "predictions": m.predictions,
                  "length": batch.length, "seq": batch.sequence,
                  "count": batch.sequence_count})
  marks = collections.Counter()
  for out in got:
    for key, mask, length, seq, count in zip(out["key"], out["mask"],
                                             out["length"], out["seq"],
                                             out["count"]):
      where = np.flatnonzero(mask)
      if seq == count - 1:
        assert where.tolist() == [length - 1]
        marks[key] += 1
      else:
        assert where.size == 0
  assert len(marks) == len(rows) and set(marks.values()) == {1}


@pytest.mark.parametrize("decay", ["exponential", "cosine"])
def test_learning_rate_schedules(decay):
  args = argparse.Namespace(learning_rate=0.01, lr_decay=decay,
                            lr_decay_steps=100, lr_decay_rate=0.1,
                            lr_min_fraction=0.05, steps=1000)
  with tf.Graph().as_default():
    step = v1.placeholder(tf.int64, [])
    lr = graph.learning_rate(args, step)
    with v1.Session() as sess:
      for s in (0, 25, 50, 100, 150):
        assert sess.run(lr, {step: s}) == pytest.approx(
            graph.expected_learning_rate(args, s), rel=1e-5)
  assert graph.expected_learning_rate(args, 100) == pytest.approx(
      0.001 if decay == "exponential" else 0.0005)


def test_early_stop_keeps_the_best_checkpoint(grouped, tmp_path):
  model_dir = tmp_path / "m"
  # A zero learning rate never improves: stop after 2 evaluations past the
  # first (steps 0, 10, 20), long before --steps.
  report = train.main(_flags(grouped, model_dir, "--steps", "500",
                             "--learning-rate", "0", "--shuffle-buffer", "8",
                             "--checkpoint-every-steps", "10",
                             "--eval-every-steps", "10",
                             "--early-stop-patience", "2"))
  assert report["early_stopped"] is True
  assert report["final_checkpoint_step"] < 100
  assert report["best_eval"]["global_step"] == 0
  best = v1.train.latest_checkpoint(str(model_dir / "best"))
  assert best and best.endswith("model.ckpt-0")
  assert evaluation.best_checkpoint(str(model_dir)) == best


def test_early_stop_without_eval_files_is_refused(grouped, tmp_path, capsys):
  argv = _flags(grouped, tmp_path / "m", "--early-stop-patience", "2")
  at = argv.index("--eval-files")
  del argv[at:at + 2]
  with pytest.raises(SystemExit) as e:
    train.main(argv)
  assert e.value.code == 2
  assert "--early-stop-patience needs --eval-files" in capsys.readouterr().err


def test_contrib_backend_needs_tf1(grouped, tmp_path, capsys):
  argv = _flags(grouped, tmp_path / "m", "--steps", "20",
                "--checkpoint-every-steps", "10", "--backend", "contrib")
  if tf.version.VERSION.startswith("1."):
    report = train.main(argv)
    assert report["eval"]["sequences"] == len(grouped["valid"][1])
    assert "tf.contrib state saver" in capsys.readouterr().out
  else:
    with pytest.raises(SystemExit) as e:
      train.main(argv)
    assert e.value.code == 2
    assert "--backend contrib needs TensorFlow 1.x" in capsys.readouterr().err


def test_program_output_is_quiet_and_prints_the_result_once(grouped,
                                                             tmp_path):
  env = dict(os.environ, PYTHONPATH=REPO, PYTHONUNBUFFERED="1")
  env.pop("TF_CPP_MIN_LOG_LEVEL", None)
  out = subprocess.run(
      [sys.executable, "-m", "legacy_pipeline.train"] +
      _flags(grouped, tmp_path / "m", "--steps", "20",
             "--checkpoint-every-steps", "10"),
      env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
  stdout, stderr = out.stdout.decode(), out.stderr.decode()
  assert out.returncode == 0, stdout + stderr
  assert stderr.strip() == "", stderr
  assert stdout.count("done: {") == 1
  for noise in ("deprecat", "rendezvous", "cancelled", "I0000", "W0000",
                "cpu_feature_guard", "{'"):
    assert noise not in stdout, noise
  # --verbose hides nothing: TensorFlow's own warnings reach stderr.
  verbose = subprocess.run(
      [sys.executable, "-m", "legacy_pipeline.train", "--mode", "eval",
       "--verbose"] + _flags(grouped, tmp_path / "m"),
      env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
  assert verbose.returncode == 0, verbose.stderr.decode()[-2000:]
  assert "deprecat" in verbose.stderr.decode().lower()
  # Errors stay loud: a wrong label feature is named on stderr, exit 2.
  bad = subprocess.run(
      [sys.executable, "-m", "legacy_pipeline.train"] +
      _flags(grouped, tmp_path / "m2", "--label-context", "speaker"),
      env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
  assert bad.returncode == 2
  assert "no context feature 'speaker'" in bad.stderr.decode()
