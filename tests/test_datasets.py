"""The tf.data entry point and the constant-input (same sequence again) check."""
from __future__ import absolute_import, division, print_function

import collections
import math

import warnings

import numpy as np
import pytest
import tensorflow as tf

import legacy_pipeline
from conftest import write_sequence_examples
from legacy_pipeline import errors

tf1 = tf.compat.v1
FEATURES = {"x": tf1.io.FixedLenSequenceFeature([], tf.float32)}


def _files(tmp_path, lengths_per_file):
  paths, n = [], 0
  for f, lengths in enumerate(lengths_per_file):
    examples = []
    for length in lengths:
      examples.append({"sequences": {"x": [float(n * 100 + t)
                                           for t in range(length)]}})
      n += 1
    paths.append(write_sequence_examples(tmp_path / ("d%d.tfrecords" % f),
                                         examples))
  return paths


def _drain(h, batch, save):
  rows = []
  while True:
    try:
      key, seq, count, x, s, _ = h.run([batch.key, batch.sequence,
                                        batch.sequence_count,
                                        batch.sequences["x"],
                                        batch.state("s"), save])
    except tf.errors.OutOfRangeError:
      return rows
    rows.extend(zip(key, seq, count, x, s))


def _from_dataset(dataset, **kw):
  args = dict(initial_states={"s": np.int32(0)}, num_unroll=3, batch_size=2,
              num_threads=2, capacity=8, allow_small_batch=True)
  args.update(kw)
  batch = legacy_pipeline.batch_sequences_with_states_from_dataset(
      dataset, **args)
  return batch, batch.save_state("s", batch.state("s") + 1)


def test_tfrecord_dataset_every_segment_once_with_state_chain(h, tmp_path):
  lengths = [[4, 7, 1], [9, 3]]
  files = _files(tmp_path, lengths)
  batch, save = _from_dataset(legacy_pipeline.sequence_example_dataset(
      files, FEATURES))
  h.init_variables()
  h.start_queue_runners()
  rows = _drain(h, batch, save)
  seen = collections.Counter()
  for key, seq, count, x, s in rows:
    name = key.split(b":", 1)[1].decode()
    path, index = name.rsplit(":", 1)
    assert path in files and index.isdigit()
    seen[(name, int(seq))] += 1
    assert s == seq  # the state chain: one increment per segment
    assert x[0] % 100 == 3 * seq
  flat = [n for ls in lengths for n in ls]
  assert sum(seen.values()) == sum(int(math.ceil(n / 3.0)) for n in flat)
  assert set(seen.values()) == {1}
  assert len({k for k, _ in seen}) == len(flat)


def test_epochs_and_shards_stay_in_tf_data(h, tmp_path):
  files = _files(tmp_path, [[3, 3], [3], [3, 3, 3]])
  dataset = legacy_pipeline.sequence_example_dataset(
      files, FEATURES, num_epochs=2, num_shards=2, shard_index=0)
  batch, save = _from_dataset(dataset, make_keys_unique=True)
  h.init_variables()
  h.start_queue_runners()
  rows = _drain(h, batch, save)
  # Shard 0 of 2 reads files 0 and 2 (5 one-segment sequences), twice.
  sources = collections.Counter(
      row[0].split(b":", 1)[1].decode().split(".tfrecords")[0][-2:]
      for row in rows)
  assert sources == {"d0": 4, "d2": 6}


def test_dataset_elements_must_be_dicts(h):
  with pytest.raises(TypeError, match="dicts with 'key' and 'sequences'"):
    legacy_pipeline.batch_sequences_with_states_from_dataset(
        tf.data.Dataset.from_tensors(tf.zeros([3])), {"s": 0.0}, 3, 1)


def _constant_batch(**kw):
  args = dict(input_key=tf.constant("k"),
              input_sequences={"x": tf.zeros([6])}, input_context={},
              input_length=None, initial_states={"s": np.float32(0)},
              num_unroll=3, batch_size=1)
  args.update(kw)
  return legacy_pipeline.batch_sequences_with_states(**args)


def test_constant_input_warns_with_the_fix_and_builds(h):
  """Contrib built such graphs: a warning by default, the graph still built."""
  with pytest.warns(errors.ConstantInputWarning) as record:
    batch = _constant_batch()
  message = str(record[0].message)
  assert "same example again" in message and "21959" in message
  assert "string_input_producer" in message
  assert "batch_sequences_with_states_from_dataset" in message
  assert "constant_input_allowed" in message
  assert "LEGACY_PIPELINE_STRICT=1" in message
  # Built as contrib built it: the prefetch runs and a batch comes out.
  saver = batch._state_saver  # pylint: disable=protected-access
  h.run(saver.prefetch_op)
  keys = h.run([batch.key, batch.save_state("s", batch.state("s"))])[0]
  assert list(keys) == [b"00000_of_00002:k"]
  # The same detection as before: each of these warns too.
  with pytest.warns(errors.ConstantInputWarning):
    _constant_batch(make_keys_unique=True, name="unique")
  with pytest.warns(errors.ConstantInputWarning):
    _constant_batch(input_key=tf1.placeholder_with_default("k", []),
                    name="default")
  with pytest.warns(errors.ConstantInputWarning):
    _constant_batch(input_sequences={"x": np.zeros([6], np.float32)},
                    name="numpy")


def test_constant_input_is_refused_in_strict_mode(h, monkeypatch):
  monkeypatch.setenv("LEGACY_PIPELINE_STRICT", "1")
  with pytest.raises(errors.ConstantInputError) as info:
    _constant_batch()
  assert "21959" in str(info.value)
  # make_keys_unique does not make the data advance.
  with pytest.raises(errors.ConstantInputError):
    _constant_batch(make_keys_unique=True)
  # A placeholder's default is the same at every queue-runner step.
  with pytest.raises(errors.ConstantInputError):
    _constant_batch(input_key=tf1.placeholder_with_default("k", []))
  # Values already pulled out of an iterator into numpy: the pitfall again.
  with pytest.raises(errors.ConstantInputError):
    _constant_batch(input_sequences={"x": np.zeros([6], np.float32)})
  with legacy_pipeline.constant_input_allowed():
    _constant_batch(name="intended")
  monkeypatch.setenv("LEGACY_PIPELINE_STRICT", "0")
  with pytest.warns(errors.ConstantInputWarning):
    _constant_batch(name="lenient")


def test_advancing_inputs_and_the_opt_out_are_accepted(h):
  queue = tf1.FIFOQueue(4, [tf.string], shapes=[[]])
  _constant_batch(input_key=queue.dequeue())  # a dequeue upstream: fine
  iterator = tf1.data.make_one_shot_iterator(
      tf.data.Dataset.from_tensors(tf.zeros([6])).repeat())
  _constant_batch(input_sequences={"x": iterator.get_next()}, name="it")
  with warnings.catch_warnings():
    warnings.simplefilter("error")  # no warning for the three above
    _constant_batch(input_key=queue.dequeue(), name="queue2")
    with legacy_pipeline.constant_input_allowed():
      _constant_batch(name="intended")
  with pytest.warns(errors.ConstantInputWarning):  # the opt-out has ended
    _constant_batch(name="again")
