"""legacy_pipeline.train: the graph-mode training program, end to end.

Real TFRecords, real MonitoredTrainingSession, real subprocesses for the
crash-and-resume, signal and localhost-cluster tests.  Every wait on a child
process has a timeout, and children are killed in `finally`.
"""
from __future__ import absolute_import, division, print_function

import glob
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow as tf

from legacy_pipeline.training import readers
from legacy_pipeline import train
from legacy_pipeline.training import toy_data

v1 = tf.compat.v1
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SMALL = ["--toy-sequences", "60", "--batch-size", "4", "--lstm-size", "8",
         "--num-unroll", "4", "--log-every", "10", "--capacity", "32"]


def _env():
  return dict(os.environ, PYTHONPATH=REPO + os.pathsep +
              os.environ.get("PYTHONPATH", ""), PYTHONUNBUFFERED="1")


def _spawn(args, log):
  return subprocess.Popen(
      [sys.executable, "-m", "legacy_pipeline.train"] + args, env=_env(),
      stdout=log, stderr=subprocess.STDOUT)


def _report(text):
  lines = [l for l in text.splitlines() if "done: {" in l]
  assert lines, text[-3000:]
  return json.loads(lines[-1].split("done: ", 1)[1])


def _ckpt_step(model_dir):
  path = v1.train.latest_checkpoint(model_dir)
  return int(v1.train.load_variable(path, "global_step")) if path else 0


def _wait_for(predicate, timeout, what, procs=()):
  deadline = time.time() + timeout
  while time.time() < deadline:
    if predicate():
      return
    for p in procs:
      if p.poll() is not None:
        raise AssertionError("%s: a process exited (%d) first" %
                             (what, p.returncode))
    time.sleep(0.2)
  raise AssertionError("timed out after %ds waiting for %s" % (timeout, what))


def _summary_tags(directory):
  tags = set()
  for path in glob.glob(os.path.join(directory, "events.out.tfevents.*")):
    for event in v1.train.summary_iterator(path):
      tags.update(v.tag for v in event.summary.value)
  return tags


def test_no_flags_trains_learns_and_writes_checkpoints_and_summaries(
    tmp_path, monkeypatch, capsys):
  monkeypatch.chdir(tmp_path)
  report = train.main([])
  out = capsys.readouterr().out
  model_dir = tmp_path / "legacy_pipeline_model"
  assert "writing the toy task's data" in out
  assert len(glob.glob(str(model_dir / "data" / "train-*.tfrecords"))) == 4
  assert report["final_checkpoint_step"] == 1500 == _ckpt_step(str(model_dir))
  assert report["local_steps"] == 1500
  assert "steps/s  ETA" in out
  tags = _summary_tags(str(model_dir))
  for tag in ("loss", "accuracy_per_timestep", "learning_rate",
              "state_saver/ready_segments",
              "state_saver/incomplete_segments",
              "state_saver/sequences_in_flight"):
    assert tag in tags, sorted(tags)
  assert {"eval/loss", "eval/accuracy"} <= _summary_tags(
      str(model_dir / "eval"))
  # It learns: the held-out per-timestep accuracy of the final checkpoint.
  assert report["eval"]["global_step"] == 1500
  assert report["eval"]["accuracy"] > 0.9, report


def _write(path, lengths, seed=0):
  rng = np.random.RandomState(seed)
  with v1.python_io.TFRecordWriter(str(path)) as w:
    for n in lengths:
      ex = tf.train.SequenceExample()
      fl = ex.feature_lists.feature_list
      for t in rng.rand(n):
        fl["token"].feature.add().float_list.value.append(t)
        fl["label"].feature.add().int64_list.value.append(int(t > 0.5))
      w.write(ex.SerializeToString())


def test_tfdata_input_trains(tmp_path):
  report = train.main(SMALL + ["--model-dir", str(tmp_path / "m"), "--steps",
                               "30", "--input", "tfdata",
                               "--checkpoint-every-steps", "15",
                               "--eval-every-steps", "15"])
  assert report["final_checkpoint_step"] == 30
  assert report["eval"]["timesteps"] == readers.count_timesteps(
      [str(tmp_path / "m" / "data" / "eval.tfrecords")], "token")[0]


@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
  d = tmp_path_factory.mktemp("small_model")
  model_dir = str(d / "m")
  train.main(SMALL + ["--model-dir", model_dir, "--steps", "20",
                      "--checkpoint-every-steps", "10"])
  return model_dir


@pytest.mark.parametrize("input_kind", ["queue", "tfdata"])
def test_eval_counts_every_timestep_exactly_once(small_model, tmp_path,
                                                 capsys, input_kind):
  # Lengths: 1 step, exact multiples of num_unroll=4, ragged tails; 23
  # sequences with batch 4 leave a small last batch.
  lengths = [1, 4, 8, 3, 5, 12, 7, 16, 2, 9, 4, 31, 6, 1, 20, 11, 13, 4, 8,
             17, 3, 25, 2]
  a, b = tmp_path / "eval-a.tfrecords", tmp_path / "eval-b.tfrecords"
  _write(a, lengths[:11], seed=1)
  _write(b, lengths[11:], seed=2)
  result = train.main(SMALL + ["--mode", "eval", "--model-dir", small_model,
                               "--eval-files", str(tmp_path / "eval-*"),
                               "--input", input_kind])
  total, sequences = readers.count_timesteps([str(a), str(b)], "token")
  assert total == sum(lengths)
  assert result["timesteps"] == total
  assert result["sequences"] == sequences == len(lengths)
  assert result["segments"] == sum(math.ceil(n / 4.0) for n in lengths)
  assert result["global_step"] == 20
  assert 0.0 <= result["accuracy"] <= 1.0
  assert "%d timesteps" % total in capsys.readouterr().out


def _expect_exit_2(argv, capsys, *fragments):
  with pytest.raises(SystemExit) as e:
    train.main(argv)
  assert e.value.code == 2
  err = capsys.readouterr().err
  for fragment in fragments:
    assert fragment in err, err
  return err


def test_clear_errors_before_training(small_model, tmp_path, capsys):
  base = SMALL + ["--model-dir", str(tmp_path / "m"), "--steps", "5"]
  _expect_exit_2(base + ["--train-files", str(tmp_path / "nothing-*.rec")],
                 capsys, "--train-files", "matches no file")
  bad = tmp_path / "garbage.tfrecords"
  bad.write_bytes(b"this is not a tfrecord file at all" * 10)
  _expect_exit_2(base + ["--train-files", str(bad)], capsys, str(bad),
                 "not a readable TFRecord file")
  good = tmp_path / "good.tfrecords"
  _write(good, [5, 6])
  _expect_exit_2(base + ["--train-files", str(good), "--sequence-feature",
                         "tokens"], capsys, "no sequence feature 'tokens'",
                 "it has: label, token")
  _expect_exit_2(base + ["--train-files", str(good), "--feature-shape", "3"],
                 capsys, "has 1 values, declared shape [3] needs 3")
  _expect_exit_2(base + ["--train-files", str(good), "--feature-dtype",
                         "int64"], capsys, "is float_list, declared int64")
  _expect_exit_2(base + ["--checkpoint-in-flight", "on"], capsys,
                 "--checkpoint-in-flight on needs --input tfdata")


def _journaled_at(model_dir, step):
  """Sequences in flight recorded in the checkpoint of `step`."""
  path = os.path.join(model_dir, "model.ckpt-%d" % step)
  names = [n for n, _ in v1.train.list_variables(path)
           if n.endswith("in_flight/records-keys")]
  assert len(names) == 1, names
  return len(v1.train.load_variable(path, names[0]))


@pytest.mark.matrix_ends
@pytest.mark.parametrize("input_kind", ["queue", "tfdata"])
def test_killed_run_resumes_from_latest_checkpoint(tmp_path, input_kind):
  model_dir = str(tmp_path / "m")
  args = SMALL + ["--model-dir", model_dir, "--checkpoint-every-steps", "25",
                  "--eval-every-steps", "100000", "--input", input_kind]
  with open(str(tmp_path / "first.log"), "w") as log:
    proc = _spawn(args + ["--steps", "1000000"], log)
    try:
      _wait_for(lambda: _ckpt_step(model_dir) >= 50, 240,
                "a checkpoint at step >= 50", [proc])
      proc.send_signal(signal.SIGKILL)
      proc.wait(timeout=60)
    finally:
      if proc.poll() is None:
        proc.kill()
  assert proc.returncode == -signal.SIGKILL
  reached = _ckpt_step(model_dir)
  # Read before resuming: the resumed run saves a checkpoint of the same step
  # when its session starts, with the journal of that moment, over this one.
  journaled = _journaled_at(model_dir, reached) if input_kind == "tfdata" \
      else None
  target = reached + 40
  out = subprocess.run(
      [sys.executable, "-m", "legacy_pipeline.train"] + args +
      ["--steps", str(target)], env=_env(), stdout=subprocess.PIPE,
      stderr=subprocess.STDOUT, timeout=300).stdout.decode()
  assert "resuming from checkpoint at step %d" % reached in out, out[-3000:]
  if input_kind == "tfdata":
    # The in-flight journal came back with the checkpoint (its exactness is
    # tests/test_in_flight.py's subject).
    assert journaled > 0
    assert "continuing %d sequence(s) in flight" % journaled in out, [
        l for l in out.splitlines() if "resuming" in l or "in flight" in l or
        "continuing" in l]
  else:
    assert "in flight" not in out
  report = _report(out)
  assert report["resumed_from"] == reached
  assert report["local_steps"] == 40  # the global step continued
  assert report["final_checkpoint_step"] == target == _ckpt_step(model_dir)


@pytest.mark.matrix_ends
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT],
                         ids=["SIGTERM", "SIGINT"])
def test_signal_saves_a_checkpoint_and_exits_cleanly(tmp_path, sig):
  model_dir = str(tmp_path / "m")
  log_path = str(tmp_path / "run.log")
  with open(log_path, "w") as log:
    proc = _spawn(SMALL + ["--model-dir", model_dir, "--steps", "1000000",
                           "--checkpoint-every-steps", "100000",
                           "--eval-every-steps", "100000"], log)
    try:
      _wait_for(lambda: "steps/s" in open(log_path).read(), 240,
                "the first progress line", [proc])
      proc.send_signal(sig)
      proc.wait(timeout=120)
    finally:
      if proc.poll() is None:
        proc.kill()
  out = open(log_path).read()
  assert proc.returncode == 0, out[-3000:]
  report = _report(out)
  assert report["signal"] == sig
  assert report["final_checkpoint_step"] == _ckpt_step(model_dir) > 10


def _free_ports(n):
  socks = [socket.socket() for _ in range(n)]
  try:
    for s in socks:
      s.bind(("localhost", 0))
    return [s.getsockname()[1] for s in socks]
  finally:
    for s in socks:
      s.close()


@pytest.mark.matrix_ends
def test_localhost_cluster_one_ps_two_workers(tmp_path):
  ps, w0, w1 = _free_ports(3)
  model_dir = str(tmp_path / "m")
  common = SMALL + [
      "--model-dir", model_dir, "--steps", "1500",
      "--ps-hosts", "localhost:%d" % ps,
      "--worker-hosts", "localhost:%d,localhost:%d" % (w0, w1),
      "--checkpoint-every-steps", "500", "--eval-every-steps", "100000",
      "--log-every", "100"]
  # The toy data exists before the workers start, as on real hosts.
  toy_data.write_toy_data(os.path.join(model_dir, "data"), 60, 0)
  procs, logs = [], []
  try:
    for job, task in (("ps", 0), ("worker", 0), ("worker", 1)):
      path = str(tmp_path / ("%s%d.log" % (job, task)))
      logs.append(path)
      with open(path, "w") as log:
        procs.append(_spawn(common + ["--job-name", job, "--task-index",
                                      str(task)], log))
    for p in procs[1:]:
      p.wait(timeout=400)
  finally:
    for p in procs:
      if p.poll() is None:
        p.kill()
        p.wait(timeout=60)
  outs = [open(p).read() for p in logs]
  assert procs[1].returncode == 0 and procs[2].returncode == 0, \
      outs[1][-2000:] + outs[2][-2000:]
  chief, other = _report(outs[1]), _report(outs[2])
  assert chief["local_steps"] > 0 and other["local_steps"] > 0
  assert chief["final_checkpoint_step"] >= 1500
  assert "[worker 1] step" in outs[2]
  # The chief's checkpoint restores: evaluate it in this process.
  result = train.main(SMALL + ["--mode", "eval", "--model-dir", model_dir])
  assert result["global_step"] == _ckpt_step(model_dir) >= 1500
  assert result["timesteps"] == readers.count_timesteps(
      [os.path.join(model_dir, "data", "eval.tfrecords")], "token")[0]


def test_help_lists_the_flags():
  out = subprocess.run(
      [sys.executable, "-m", "legacy_pipeline.train", "--help"], env=_env(),
      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
  text = out.stdout.decode()
  assert out.returncode == 0, text
  for flag in ("--train-files", "--eval-files", "--sequence-feature",
               "--feature-shape", "--label-feature", "--num-unroll",
               "--batch-size", "--lstm-size", "--num-layers", "--optimizer",
               "--learning-rate", "--steps", "--model-dir", "--num-threads",
               "--capacity", "--seed", "--log-every",
               "--checkpoint-every-steps", "--checkpoint-every-secs",
               "--eval-every-steps", "--mode", "--ps-hosts", "--worker-hosts",
               "--input", "--stall-timeout-secs",
               "--job-name", "--task-index"):
    assert flag in text, flag
  script = shutil.which("legacy-pipeline-train")
  if script:  # installed (tox installs the package with its console script)
    assert subprocess.run([script, "--help"], stdout=subprocess.PIPE,
                          timeout=120).returncode == 0
