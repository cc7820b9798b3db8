"""Checkpointed in-flight sequences (issue 7 part 3).

The pipeline runs in subprocesses (tests/in_flight_run.py): one uninterrupted
run, and one that checkpoints every few steps, SIGKILLs itself a few steps
after a checkpoint and is restarted.  What the restarted run delivers, together
with what the killed run delivered up to its last checkpoint, must be every
(example, segment) of the uninterrupted run exactly once, each starting from
the same states with the same data.
"""
from __future__ import absolute_import, division, print_function

import collections
import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

import in_flight_run
import legacy_pipeline as lp

tf1 = tf.compat.v1

# Every test here runs against both of our stores (conftest.store).
pytestmark = pytest.mark.usefixtures("store")
HERE = os.path.dirname(os.path.abspath(__file__))
RUN_TIMEOUT_S = 180


def _run(data, model_dir, log, *flags):
  cmd = [sys.executable, os.path.join(HERE, "in_flight_run.py"), "run", data,
         model_dir, log] + [str(f) for f in flags]
  proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                        timeout=RUN_TIMEOUT_S)
  return proc.returncode, proc.stdout.decode(errors="replace")


def _load(log):
  with open(log) as f:
    return [json.loads(line) for line in f]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
  path = str(tmp_path_factory.mktemp("in_flight") / "data")
  in_flight_run.write(path)
  return path


@pytest.fixture(scope="module")
def reference(data, tmp_path_factory):
  """{(key, segment): row} of an uninterrupted run."""
  tmp = tmp_path_factory.mktemp("reference")
  log = str(tmp / "log")
  code, out = _run(data, str(tmp / "model"), log)
  assert code == 0, out
  rows = _load(log)
  by_segment = dict(((r["key"], r["segment"]), r) for r in rows)
  assert len(by_segment) == len(rows)
  expected = sum(-(-n // in_flight_run.NUM_UNROLL)
                 for n in in_flight_run.lengths())
  assert len(rows) == expected
  return by_segment


def _killed_and_resumed(data, tmp, kill_after, save_every, *flags):
  """Rows committed by the killed run plus the restarted run's rows."""
  model, log = str(tmp / "model"), str(tmp / "log")
  os.makedirs(model)
  code, out = _run(data, model, log, "--kill-after", kill_after,
                   "--save-every", save_every, *flags)
  assert code == -signal.SIGKILL, out
  checkpoint = tf1.train.latest_checkpoint(model)
  assert checkpoint, out
  committed = int(tf1.train.load_variable(checkpoint, "global_step"))
  assert committed == kill_after - kill_after % save_every
  before = _load(log)
  assert max(r["step"] for r in before) == kill_after
  code, out = _run(data, model, log, *flags)
  assert code == 0, out
  after = _load(log)[len(before):]
  assert after and after[0]["step"] == committed + 1
  kept = [r for r in before if r["step"] <= committed]
  return kept, after, committed


@pytest.mark.parametrize("kill_after,save_every,flags", [
    (13, 5, ()), (41, 8, ()),
    # Dataset.shuffle's buffer is part of the iterator's saved state.
    (13, 5, ("--shuffle-buffer", "8"))], ids=["13-5", "41-8", "shuffled"])
def test_resume_continues_every_sequence_exactly_once(
    data, reference, tmp_path, kill_after, save_every, flags):
  kept, after, committed = _killed_and_resumed(data, tmp_path, kill_after,
                                               save_every, *flags)
  delivered = collections.Counter((r["key"], r["segment"])
                                  for r in kept + after)
  twice = [k for k, n in delivered.items() if n > 1]
  assert not twice, "delivered twice across the restart: %s" % twice[:5]
  assert set(delivered) == set(reference), (
      "lost: %s" % sorted(set(reference) - set(delivered))[:5])
  for r in kept + after:
    want = reference[(r["key"], r["segment"])]
    assert (r["s"], r["n"], r["data"], r["label"]) == (
        want["s"], want["n"], want["data"], want["label"]), (r, want)
  # The checkpoint held sequences part-way through: the restarted run
  # continues them (segment > 0) without their earlier segments.
  started = set(r["key"] for r in kept)
  finished = set(r["key"] for r in kept
                 if r["segment"] == max(s for k, s in reference
                                        if k == r["key"]))
  in_flight = started - finished
  assert in_flight, "the checkpoint at step %d had nothing in flight" % (
      committed)
  continued = set(r["key"] for r in after if r["key"] in in_flight)
  assert continued == in_flight
  first_after = dict((r["key"], r["segment"]) for r in reversed(after))
  assert all(first_after[k] > 0 for k in in_flight)


def test_without_the_journal_a_restart_repeats_input(data, reference,
                                                     tmp_path):
  """The failure the journal fixes: contrib-style restart redelivers input."""
  kept, after, _ = _killed_and_resumed(data, tmp_path, 13, 5, "--no-journal")
  delivered = collections.Counter((r["key"], r["segment"])
                                  for r in kept + after)
  assert any(n > 1 for n in delivered.values())
  # Sequences finished before the checkpoint start over from segment 0.
  done_before = set(r["key"] for r in kept if r["segment"] == 0)
  assert done_before & set(r["key"] for r in after if r["segment"] == 0)


def test_replayed_sequences_keep_their_unique_keys(data, reference, tmp_path):
  """make_keys_unique draws the suffix once, when the example is first read."""
  kept, after, _ = _killed_and_resumed(data, tmp_path, 13, 5, "--unique-keys")
  rows = kept + after
  delivered = collections.Counter((r["key"], r["segment"]) for r in rows)
  assert max(delivered.values()) == 1
  assert len(delivered) == len(reference)
  before = set(r["key"] for r in kept)
  continued = set(r["key"] for r in after if r["segment"] > 0) & before
  assert continued, "no sequence continued under its key"
  # Every key's segments form one unbroken run 0..k across the restart.
  segments = collections.defaultdict(list)
  for r in rows:
    segments[r["key"]].append(r["segment"])
  for key, got in segments.items():
    assert sorted(got) == list(range(len(got))), (key, got)


# -- build-time checks (in process) -----------------------------------------


def _dataset(sparse=False):
  def gen():
    yield {"key": b"a", "sequences": {"x": np.zeros([3, 2], np.float32)}}

  dataset = tf.data.Dataset.from_generator(
      gen, {"key": tf.string, "sequences": {"x": tf.float32}},
      {"key": [], "sequences": {"x": [None, 2]}})
  if sparse:
    dataset = dataset.map(lambda e: {
        "key": e["key"],
        "sequences": {"x": tf.sparse.from_dense(e["sequences"]["x"])}})
  return dataset


def test_sparse_sequences_are_refused():
  with tf.Graph().as_default():
    with pytest.raises(TypeError, match="dense sequences and context only"):
      lp.batch_sequences_with_states_from_dataset(
          _dataset(sparse=True), {"s": np.zeros([2], np.float32)},
          num_unroll=2, batch_size=1, checkpoint_in_flight=True)


def test_unsupported_state_dtype_is_refused():
  with tf.Graph().as_default():
    with pytest.raises(TypeError, match="state 'flag' has dtype bool"):
      lp.batch_sequences_with_states_from_dataset(
          _dataset(), {"flag": np.zeros([2], bool)}, num_unroll=2,
          batch_size=1, checkpoint_in_flight=True)


def test_reserved_context_name_is_refused():
  with tf.Graph().as_default():
    dataset = _dataset().map(lambda e: dict(e, context={
        "__in_flight_counter": tf.constant(1, tf.int64)}))
    with pytest.raises(ValueError, match="'__in_flight_counter' is reserved"):
      lp.batch_sequences_with_states_from_dataset(
          dataset, {"s": np.zeros([2], np.float32)}, num_unroll=2,
          batch_size=1, checkpoint_in_flight=True)


def test_journal_is_in_the_default_saver():
  with tf.Graph().as_default():
    batch = lp.batch_sequences_with_states_from_dataset(
        _dataset(), {"s": np.zeros([2], np.float32)}, num_unroll=2,
        batch_size=1, checkpoint_in_flight=True, name="pipe")
    assert list(batch.context) == []  # the journal's counter is hidden
    saveables = tf1.get_collection(tf1.GraphKeys.SAVEABLE_OBJECTS)
    assert [s.name for s in saveables] == ["pipe/in_flight"]
    names = [spec.name for spec in saveables[0].specs]
    assert "pipe/in_flight/iterator" in names
    assert "pipe/in_flight/state_s-values" in names
