"""One benchmark measurement; prints one JSON line.  Not a test.

  python benchmarks/bench.py --case make-data --data DIR
  python benchmarks/bench.py --case pipeline --impl contrib|inhouse|scheduled
      --data DIR
      [--batch 32 --unroll 20 --segments 20000]
  python benchmarks/bench.py --case limit --data DIR
  python benchmarks/bench.py --case tutorial --impl contrib|inhouse|scheduled
  python benchmarks/bench.py --case memory --impl ... --data DIR
      [--checkpoints 200000,1000000]

Workload W1 (``make-data``): 1000 SequenceExamples, lengths uniform in
50-400, per step 16 float32 features and one int64 label, in 4 files.
``pipeline``: TFRecord -> parse -> batch_sequences_with_states (batch 32,
num_unroll 20, one float32[64] state, make_keys_unique=True, 3 threads) with a
trivial state update and a cheap reduction of the segment data, as segments/s.
``limit``: the same files read and parsed with no state saver
(read_up_to + parse_sequence_example, 3 threads into a queue), in segment
equivalents (ceil(length / num_unroll) per sequence) per second;
``limit-per-record``: the same, read and parsed one record per run as the
pipeline does (read + parse_single_sequence_example).
``tutorial``: the seed tutorial's model (LSTM 64, dense 32-32-1, Adadelta,
batch 2, num_unroll 3) on its toy data, training steps/s.
``memory``: the pipeline case run for 1M segments, peak RSS (VmHWM) sampled at
each checkpoint.
"""
from __future__ import absolute_import, division, print_function

import argparse
import glob
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(1, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402

from legacy_pipeline.saver.runners import queue_runners  # noqa: E402

tf1 = tf.compat.v1
TIMEOUT = tf1.RunOptions(timeout_in_ms=120000)
DEFAULT_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".data")


def impl_module(name):
  if name == "contrib":
    from tensorflow.contrib import training  # pylint: disable=g-import-not-at-top
    return training
  import legacy_pipeline  # pylint: disable=g-import-not-at-top
  return legacy_pipeline


def cells_module(name):
  if name == "contrib":
    return tf1.nn.rnn_cell
  import legacy_pipeline  # pylint: disable=g-import-not-at-top
  return legacy_pipeline


def make_data(data_dir, num=1000, seed=0, shards=4):
  if not os.path.isdir(data_dir):
    os.makedirs(data_dir)
  rng = np.random.RandomState(seed)
  writers = [tf1.python_io.TFRecordWriter(
      os.path.join(data_dir, "w1-%d.tfrecords" % i)) for i in range(shards)]
  lengths = []
  for i in range(num):
    n = int(rng.randint(50, 401))
    lengths.append(n)
    ex = tf.train.SequenceExample()
    fl = ex.feature_lists.feature_list
    x = rng.rand(n, 16).astype(np.float32)
    y = rng.randint(0, 2, n)
    for t in range(n):
      fl["x"].feature.add().float_list.value.extend(x[t])
      fl["y"].feature.add().int64_list.value.append(int(y[t]))
    writers[i % shards].write(ex.SerializeToString())
  for w in writers:
    w.close()
  with open(os.path.join(data_dir, "lengths.json"), "w") as f:
    json.dump(lengths, f)
  return {"sequences": num, "steps": int(sum(lengths))}


def _files(data_dir):
  files = sorted(glob.glob(os.path.join(data_dir, "w1-*.tfrecords")))
  if not files:
    raise SystemExit("no W1 data in %s: run --case make-data first" % data_dir)
  return files


FEATURES = {"x": tf1.io.FixedLenSequenceFeature([16], tf.float32),
            "y": tf1.io.FixedLenSequenceFeature([], tf.int64)}


def _store_args(impl):
  """The store= argument for our implementations ("inhouse": the Barrier
  store; "scheduled"); none for contrib."""
  if impl == "inhouse":
    return {"store": "barrier"}
  if impl == "scheduled":
    return {"store": "scheduled"}
  return {}


def _pipeline_graph(impl, files, batch_size, num_unroll, source="queue"):
  """W1's graph; source: queue (reader), tfdata, tfdata-journal,
  tfdata-batched (32 records parsed and placed per run; scheduled store)."""
  common = dict(initial_states={"s": np.zeros([64], np.float32)},
                num_unroll=num_unroll, batch_size=batch_size, num_threads=3,
                capacity=1000, allow_small_batch=False, make_keys_unique=True,
                make_keys_unique_seed=7)
  common.update(_store_args(impl))
  if source == "queue":
    queue = tf1.train.string_input_producer(files, shuffle=True, seed=1)
    key, record = tf1.TFRecordReader().read(queue)
    _, seqs = tf1.io.parse_single_sequence_example(record,
                                                   sequence_features=FEATURES)
    batch = impl_module(impl).batch_sequences_with_states(
        input_key=key, input_sequences=seqs, input_context={},
        input_length=tf.shape(seqs["y"])[0], **common)
  elif source == "tfdata-batched":
    from legacy_pipeline.saver import batched  # pylint: disable=g-import-not-at-top
    dataset = batched.sequence_example_batches(
        files, FEATURES, records_per_run=32, num_epochs=None,
        shuffle_files=True, seed=1)
    common.pop("store", None)
    common["num_threads"] = 1
    batch = batched.batch_sequences_with_states_from_batches(dataset, **common)
  else:
    import legacy_pipeline as lp  # pylint: disable=g-import-not-at-top
    dataset = lp.sequence_example_dataset(files, FEATURES, num_epochs=None,
                                          shuffle_files=True, seed=1)
    batch = lp.batch_sequences_with_states_from_dataset(
        dataset, checkpoint_in_flight=source == "tfdata-journal", **common)
  state = batch.state("s")
  save = batch.save_state("s", state + 1.0)
  work = tf.reduce_sum(batch.sequences["x"]) + tf.cast(
      tf.reduce_sum(batch.sequences["y"]), tf.float32)
  return tf.group(save, work)


def _status_mb(field):
  """A /proc/self/status memory field (VmRSS, VmHWM) in MB."""
  with open("/proc/self/status") as f:
    for line in f:
      if line.startswith(field + ":"):
        return int(line.split()[1]) / 1024.0
  return float("nan")


def pipeline(impl, data_dir, batch_size, num_unroll, segments, warmup=20,
             checkpoints=None, source="queue"):
  with tf.Graph().as_default():
    step = _pipeline_graph(impl, _files(data_dir), batch_size, num_unroll,
                           source)
    with tf1.Session() as sess:
      sess.run(tf1.local_variables_initializer())
      with queue_runners(sess):
        for _ in range(warmup):
          sess.run(step, options=TIMEOUT)
        steps = max(1, segments // batch_size)
        marks = sorted(checkpoints or [])
        samples = []
        start = time.time()
        for i in range(1, steps + 1):
          sess.run(step, options=TIMEOUT)
          if marks and i * batch_size >= marks[0]:
            samples.append({"segments": marks.pop(0),
                            "rss_mb": _status_mb("VmRSS"),
                            "peak_rss_mb": _status_mb("VmHWM")})
        elapsed = time.time() - start
  return {"segments_per_s": steps * batch_size / elapsed,
          "ms_per_batch": 1000.0 * elapsed / steps,
          "us_per_segment": 1e6 * elapsed / (steps * batch_size),
          "memory": samples or None}


def limit(data_dir, num_unroll, seconds=8.0, per_record=False):
  """Raw read + parse of the W1 files, in segment equivalents per second.

  Batched (read_up_to 32 + parse_sequence_example), or per record as the
  pipeline itself reads (read + parse_single_sequence_example), 3 threads.
  """
  files = _files(data_dir)
  with tf.Graph().as_default():
    queue = tf1.train.string_input_producer(files, shuffle=True, seed=1)
    out = tf1.FIFOQueue(64, [tf.int32], shapes=[[]])
    enqueues = []
    for _ in range(3):
      if per_record:
        _, record = tf1.TFRecordReader().read(queue)
        _, seqs = tf1.io.parse_single_sequence_example(
            record, sequence_features=FEATURES)
        steps = tf.shape(seqs["y"])[0]
      else:
        _, records = tf1.TFRecordReader().read_up_to(queue, 32)
        _, seqs, lengths = tf1.io.parse_sequence_example(
            records, sequence_features=FEATURES)
        steps = tf.cast(lengths["y"], tf.int32)
      segs = tf.reduce_sum((steps + num_unroll - 1) // num_unroll)
      # Touch the parsed data so nothing is pruned.
      touch = tf.cast(tf.reduce_sum(seqs["x"]) * 0, tf.int32)
      enqueues.append(out.enqueue(segs + touch))
    tf1.train.add_queue_runner(tf1.train.QueueRunner(out, enqueues))
    take = out.dequeue_many(8)
    with tf1.Session() as sess, queue_runners(sess):
      for _ in range(5):
        sess.run(take, options=TIMEOUT)
      total, start = 0, time.time()
      while time.time() - start < seconds:
        total += int(np.sum(sess.run(take, options=TIMEOUT)))
      elapsed = time.time() - start
  return {"segments_per_s": total / elapsed}


def tutorial_graph(impl):
  """The tutorial's training graph in the default graph; returns the op to
  run per step (the loss, after the train op)."""
  import tempfile  # pylint: disable=g-import-not-at-top
  rng = np.random.RandomState(0)
  path = os.path.join(tempfile.mkdtemp(), "toydata.tfrecords")
  with tf1.python_io.TFRecordWriter(path) as w:
    for _ in range(100):
      n = rng.randint(12, 15)
      t = rng.rand(n)
      ex = tf.train.SequenceExample()
      fl = ex.feature_lists.feature_list
      for tk, lb in zip(t, (np.cumsum(t) > n / 4.0).astype(np.int64)):
        fl["token"].feature.add().float_list.value.append(tk)
        fl["label"].feature.add().int64_list.value.append(lb)
      w.write(ex.SerializeToString())
  tf1.set_random_seed(0)
  queue = tf1.train.string_input_producer([path])
  key, record = tf1.TFRecordReader().read(queue)
  ctx, seq = tf1.io.parse_single_sequence_example(record, sequence_features={
      "token": tf1.io.FixedLenSequenceFeature([], tf.float32),
      "label": tf1.io.FixedLenSequenceFeature([], tf.int64)})
  batch = impl_module(impl).batch_sequences_with_states(
      input_key=key, input_sequences=seq, input_context=ctx,
      input_length=tf.shape(seq["token"])[0],
      initial_states={"c": rng.rand(64), "h": rng.rand(64)},
      num_unroll=3, batch_size=2, allow_small_batch=False,
      make_keys_unique=True, make_keys_unique_seed=29392,
      **_store_args(impl))
  inputs = tf.split(tf.cast(batch.sequences["token"], tf.float64), 3, axis=1)
  cell = cells_module(impl).LSTMCell(64)
  with tf1.variable_scope("model"):
    out, _ = tf1.nn.static_state_saving_rnn(cell, inputs, batch, ("c", "h"))
    h = tf.cast(tf1.nn.dropout(tf.stack(out), keep_prob=0.5), tf.float32)
    import legacy_pipeline.nn.layers as lyr  # pylint: disable=g-import-not-at-top
    dense = tf1.layers.dense if impl == "contrib" else lyr.dense
    h = dense(h, 32, activation=tf.nn.relu)
    h = dense(h, 32, activation=tf.nn.relu)
    logits = tf.squeeze(dense(h, 1), -1)
    loss = tf.nn.sigmoid_cross_entropy_with_logits(
        logits=logits, labels=tf.cast(tf.transpose(batch.sequences["label"]),
                                      tf.float32))
  with tf1.name_scope("optimizer"):
    train_op = tf1.train.AdadeltaOptimizer(0.01).minimize(loss)
  with tf.control_dependencies([train_op]):
    return tf.reduce_sum(loss)


def tutorial(impl, steps=1500, warmup=100):
  with tf.Graph().as_default():
    loss_val = tutorial_graph(impl)
    with tf1.Session() as sess:
      sess.run(tf1.global_variables_initializer())
      with queue_runners(sess):
        for _ in range(warmup):
          sess.run(loss_val, options=TIMEOUT)
        start = time.time()
        for _ in range(steps):
          sess.run(loss_val, options=TIMEOUT)
        elapsed = time.time() - start
  return {"steps_per_s": steps / elapsed}


def main(argv=None):
  p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  p.add_argument("--case", required=True,
                 choices=["make-data", "pipeline", "limit", "limit-per-record",
                          "tutorial", "memory"])
  p.add_argument("--impl", choices=["contrib", "inhouse", "scheduled"],
                 default="inhouse")
  p.add_argument("--data", default=DEFAULT_DATA)
  p.add_argument("--batch", type=int, default=32)
  p.add_argument("--unroll", type=int, default=20)
  p.add_argument("--segments", type=int, default=40000)
  p.add_argument("--checkpoints", default="200000,1000000")
  p.add_argument("--source", choices=["queue", "tfdata", "tfdata-journal",
                                      "tfdata-batched"],
                 default="queue",
                 help="pipeline input: reader queue, tf.data, or tf.data with "
                 "checkpoint_in_flight=True (in-house only)")
  args = p.parse_args(argv)
  if args.impl == "contrib" and not tf.version.VERSION.startswith("1."):
    raise SystemExit("--impl contrib needs TF 1.x")
  if args.source == "tfdata-batched" and args.impl != "scheduled":
    raise SystemExit("--source tfdata-batched runs on the scheduled store: "
                     "use --impl scheduled")
  if args.impl == "contrib" and args.source != "queue":
    raise SystemExit("--source %s is in-house only" % args.source)
  result = {"case": args.case, "impl": args.impl, "tf": tf.version.VERSION,
            "python": "%d.%d" % sys.version_info[:2]}
  if args.case == "make-data":
    result.update(make_data(args.data))
  elif args.case == "pipeline":
    result.update(batch=args.batch, unroll=args.unroll, source=args.source)
    result.update(pipeline(args.impl, args.data, args.batch, args.unroll,
                           args.segments, source=args.source))
  elif args.case == "memory":
    marks = [int(x) for x in args.checkpoints.split(",")]
    result.update(pipeline(args.impl, args.data, 32, 20, max(marks),
                           checkpoints=marks))
  elif args.case in ("limit", "limit-per-record"):
    result.update(unroll=args.unroll)
    result.update(limit(args.data, args.unroll,
                        per_record=args.case == "limit-per-record"))
  else:
    result.update(tutorial(args.impl))
  print("RESULT " + json.dumps(result, sort_keys=True))
  sys.stdout.flush()


if __name__ == "__main__":
  main()
