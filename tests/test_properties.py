"""Property test: every segment exactly once, in order, with an exact state chain.

Random sets of sequences (lengths 1-60) go through the in-house saver with
random num_unroll (1-8), batch_size (1-6), num_threads (1-4), capacity, pad and
allow_small_batch, for one epoch.  Step t of sequence i carries the value
``i * 1000 + t``, so every delivered row can be checked against its source.

With allow_small_batch=True the delivered (sequence, segment) pairs equal the
expected set exactly.  With allow_small_batch=False every batch is full, and
what is not delivered is the tail of fewer than batch_size sequences -- the
final partial batch that allow_small_batch=False declines (as tf.train.batch
drops its final partial batch).

LEGACY_PIPELINE_PROPERTY_EXAMPLES sets the number of examples (default 200).
"""
from __future__ import absolute_import, division, print_function

import math
import os

import numpy as np
import tensorflow as tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import legacy_pipeline

tf1 = tf.compat.v1
EXAMPLES = int(os.environ.get("LEGACY_PIPELINE_PROPERTY_EXAMPLES", "200"))
RUN_TIMEOUT_MS = 20000


@st.composite
def scenarios(draw):
  num_unroll = draw(st.integers(1, 8))
  batch_size = draw(st.integers(1, 6))
  pad = draw(st.booleans())
  lengths = draw(st.lists(st.integers(1, 60), min_size=1, max_size=10))
  if not pad:  # without padding every length must be a multiple
    lengths = [int(math.ceil(n / float(num_unroll))) * num_unroll
               for n in lengths]
  capacity = draw(st.one_of(st.none(), st.integers(batch_size,
                                                   batch_size + 8)))
  return dict(lengths=lengths, num_unroll=num_unroll, batch_size=batch_size,
              num_threads=draw(st.integers(1, 4)), capacity=capacity, pad=pad,
              allow_small_batch=draw(st.booleans()))


def _deliver(lengths, num_unroll, batch_size, num_threads, capacity, pad,
             allow_small_batch):
  """Runs one epoch; returns the delivered rows (dicts), in delivery order."""
  n = len(lengths)
  longest = max(lengths)
  table = np.zeros([n, longest], np.float32)
  for i, length in enumerate(lengths):
    table[i, :length] = i * 1000 + np.arange(length)
  rows = []
  with tf.Graph().as_default():
    index = tf1.train.range_input_producer(
        n, num_epochs=1, shuffle=False).dequeue()
    length = tf.gather(tf.constant(lengths, tf.int32), index)
    x = tf.gather(tf.constant(table), index)[:length]
    key = tf.strings.join(["seq", tf.strings.as_string(index)])
    batch = legacy_pipeline.batch_sequences_with_states(
        input_key=key, input_sequences={"x": x}, input_context={},
        input_length=length if not pad else None,
        initial_states={"step": np.int32(0), "prev": np.float32(-1)},
        num_unroll=num_unroll, batch_size=batch_size, num_threads=num_threads,
        capacity=capacity, allow_small_batch=allow_small_batch, pad=pad)
    saves = tf.group(
        batch.save_state("step", batch.state("step") + 1),
        batch.save_state("prev", batch.sequences["x"][:, 0]))
    fetches = {"key": batch.key, "sequence": batch.sequence,
               "count": batch.sequence_count, "length": batch.length,
               "x": batch.sequences["x"], "step": batch.state("step"),
               "prev": batch.state("prev"), "save": saves}
    options = tf1.RunOptions(timeout_in_ms=RUN_TIMEOUT_MS)
    with tf1.Session() as sess:
      sess.run(tf1.local_variables_initializer())
      with legacy_pipeline.queue_runners(sess):
        while True:
          try:
            out = sess.run(fetches, options=options)
          except tf.errors.OutOfRangeError:
            break
          size = len(out["key"])
          assert allow_small_batch or size == batch_size, size
          assert 1 <= size <= batch_size
          for r in range(size):
            rows.append({k: out[k][r] for k in fetches if k != "save"})
  return rows


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          database=None, suppress_health_check=list(HealthCheck))
@given(scenarios())
def test_every_segment_exactly_once_in_order_with_exact_states(s):
  rows = _deliver(**s)
  u = s["num_unroll"]
  counts = [int(math.ceil(n / float(u))) for n in s["lengths"]]
  expected = {(i, k) for i, c in enumerate(counts) for k in range(c)}
  seen = []
  for row in rows:
    key = row["key"].decode()
    prefix, name = key.split(":", 1)
    i = int(name[len("seq"):])
    k = int(row["sequence"])
    seen.append((i, k))
    assert prefix == "%05d_of_%05d" % (k, counts[i])
    assert row["count"] == counts[i]
    valid = min(u, s["lengths"][i] - k * u)
    assert row["length"] == valid
    want = np.zeros([u], np.float32)
    want[:valid] = i * 1000 + k * u + np.arange(valid)
    np.testing.assert_array_equal(row["x"], want)
    # The state chain: saved by this sequence's previous segment, exactly.
    assert row["step"] == k
    assert row["prev"] == (-1 if k == 0 else i * 1000 + (k - 1) * u)
  assert len(seen) == len(set(seen)), "a segment was delivered twice"
  delivered = set(seen)
  assert delivered <= expected
  by_seq = {}
  for i, k in seen:
    by_seq.setdefault(i, []).append(k)
  for i, ks in by_seq.items():
    assert ks == list(range(len(ks))), (i, ks)  # in order, from 0, no gaps
  missing = expected - delivered
  if s["allow_small_batch"]:
    assert not missing
  else:
    unfinished = {i for i, _ in missing}
    assert len(unfinished) < s["batch_size"], (unfinished, s)
