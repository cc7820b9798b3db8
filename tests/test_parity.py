"""Batch-by-batch parity with the real tf.contrib on TF 1.15.

The same TFRecord file feeds two identical input graphs in one session: one
ends in contrib's ``batch_sequences_with_states``, the other in ours.  Each
step takes one batch from each (and saves the same function of each batch's
states), and every field of the two batches must be equal -- keys, next keys,
lengths, counters, insertion indices, dense, string and sparse sequences,
dense and sparse context, and three states of different shapes and dtypes.

Determinism: one prefetch thread each, and a capacity of four batches, so every
take sees all examples in flight (newcomers are always the youngest and never
enter a batch before the older ones).  The input cycles forever so that no take
races the end of input (where contrib can hang, SPEC §14 O5).  Both of our
stores (the Barrier store and the scheduled one) are compared, unchanged.
"""
from __future__ import absolute_import, division, print_function

import numpy as np
import pytest
import tensorflow as tf

import legacy_pipeline
from conftest import needs_contrib, write_sequence_examples

tf1 = tf.compat.v1

NUM_SEQUENCES = 240
NUM_BATCHES = 1200
BATCH = 3
NUM_UNROLL = 4


def _examples(rng):
  out = []
  for i in range(NUM_SEQUENCES):
    # Lengths 1..33: about a quarter are multiples of NUM_UNROLL.
    n = int(rng.randint(1, 34)) if i % 4 else NUM_UNROLL * int(rng.randint(1, 9))
    out.append({
        "context": {"label": [i % 7], "vec": rng.rand(2),
                    "tags": rng.randint(0, 50, size=rng.randint(1, 4))},
        "sequences": {
            "x": [rng.rand(3) for _ in range(n)],
            "tok": [[int(t)] for t in rng.randint(0, 1000, size=n)],
            "word": [[b"w%d" % t] for t in rng.randint(0, 9, size=n)],
            "ids": [rng.randint(0, 100, size=rng.randint(0, 4)) for _ in
                    range(n)],
        }})
  return out


def _pipeline(impl, path, **store):
  queue = tf1.train.string_input_producer([path], shuffle=False)
  key, record = tf1.TFRecordReader().read(queue)
  context, sequences = tf1.io.parse_single_sequence_example(
      record,
      context_features={
          "label": tf1.io.FixedLenFeature([], tf.int64),
          "vec": tf1.io.FixedLenFeature([2], tf.float32),
          "tags": tf1.io.VarLenFeature(tf.int64)},
      sequence_features={
          "x": tf1.io.FixedLenSequenceFeature([3], tf.float32),
          "tok": tf1.io.FixedLenSequenceFeature([], tf.int64),
          "word": tf1.io.FixedLenSequenceFeature([], tf.string),
          "ids": tf1.io.VarLenFeature(tf.int64)})
  batch = impl.batch_sequences_with_states(
      input_key=key,
      input_sequences=sequences,
      input_context=context,
      input_length=tf.shape(sequences["x"])[0],
      initial_states={
          "h": np.linspace(0, 1, 5).astype(np.float32),
          "c": np.ones([2, 2], np.float64),
          "steps": np.int32(0)},
      num_unroll=NUM_UNROLL,
      batch_size=BATCH,
      num_threads=1,
      capacity=4 * BATCH,
      make_keys_unique=True,
      make_keys_unique_seed=7,
      **store)
  h, c, steps = batch.state("h"), batch.state("c"), batch.state("steps")
  x_mean = tf.reduce_mean(batch.sequences["x"], axis=[1, 2])
  save = tf.group(
      batch.save_state("h", h + tf.expand_dims(x_mean, 1)),
      batch.save_state("c", c * 0.5 + tf.cast(
          tf.reshape(batch.length, [-1, 1, 1]), tf.float64)),
      batch.save_state("steps", steps + batch.length))
  fetch = {
      "key": batch.key, "next_key": batch.next_key, "length": batch.length,
      "total_length": batch.total_length, "sequence": batch.sequence,
      "sequence_count": batch.sequence_count,
      "insertion_index": batch.insertion_index,
      "batch_size": batch.batch_size, "h": h, "c": c, "steps": steps,
      "save": save}
  for k, v in batch.sequences.items():
    fetch["seq_" + k] = v
  for k, v in batch.context.items():
    fetch["ctx_" + k] = v
  if store:
    assert batch.state_saver.store == store["store"]
  return fetch


def _flatten(value):
  if isinstance(value, tf1.SparseTensorValue):
    return [value.indices, value.values, value.dense_shape]
  return [value]


@needs_contrib
@pytest.mark.parametrize("store", ["barrier", "scheduled"])
def test_contrib_parity_over_1200_batches(h, tmp_path, store):
  from tensorflow.contrib import training  # pylint: disable=g-import-not-at-top
  path = write_sequence_examples(tmp_path / "parity.tfrecords",
                                 _examples(np.random.RandomState(1234)))
  theirs = _pipeline(training, path)
  ours = _pipeline(legacy_pipeline, path, store=store)
  assert sorted(theirs) == sorted(ours)
  h.init_variables()
  h.start_queue_runners()
  differences = []
  rows = 0
  segments_seen = set()
  finished = short_rows = 0
  for step in range(NUM_BATCHES):
    a, b = h.run([theirs, ours])
    for name in sorted(a):
      if name == "save":
        continue
      for x, y in zip(_flatten(a[name]), _flatten(b[name])):
        if x.shape != y.shape or not np.array_equal(x, y):
          differences.append((step, name, x, y))
    rows += len(a["key"])
    segments_seen.update(a["key"])
    finished += int(np.sum([k.startswith(b"STOP:") for k in a["next_key"]]))
    short_rows += int(np.sum(a["length"] < NUM_UNROLL))
    assert len(differences) < 5, differences
  assert not differences
  assert rows == NUM_BATCHES * BATCH
  # The stream covered whole sequences, padded and unpadded, many times over.
  assert len(segments_seen) > 3000
  assert finished > NUM_SEQUENCES  # more than one full pass over the file
  assert short_rows > 0  # rows with padding (length < num_unroll) compared
