"""One run of a tf.data state-saver pipeline with in-flight checkpoints.

Used as a subprocess by tests/test_in_flight.py:

  python tests/in_flight_run.py write DATA_DIR
  python tests/in_flight_run.py run DATA_DIR MODEL_DIR LOG [--kill-after N]
      [--save-every K] [--no-journal] [--unique-keys] [--shuffle-buffer B]

``run`` restores MODEL_DIR's latest checkpoint if there is one (before the
queue runners start), then takes batches until the input ends.  Each step
updates two states deterministically from the segment's data (float64 [1, 2]
s += sum of x + 1; int32 scalar n += 1), so the state a segment starts from does not depend
on which batch it lands in.  Every row goes to LOG as a JSON line (step, key,
segment, incoming states, data sum); with --kill-after N the process sends
itself SIGKILL after step N, with checkpoints every --save-every steps.
"""
from __future__ import absolute_import, division, print_function

import argparse
import json
import os
import signal
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import legacy_pipeline as lp  # noqa: E402

tf1 = tf.compat.v1
NUM_EXAMPLES = 40
NUM_UNROLL = 4
TIMEOUT_MS = 30000


def lengths():
  return [1 + (7 * i) % 29 for i in range(NUM_EXAMPLES)]


def write(data_dir):
  """Two TFRecord files of SequenceExamples with x[t] = (i + t, i - t)."""
  os.makedirs(data_dir)
  writers = [tf.io.TFRecordWriter(os.path.join(data_dir, "part-%d" % j))
             for j in range(2)]
  for i, n in enumerate(lengths()):
    ex = tf1.train.SequenceExample()
    ex.context.feature["label"].int64_list.value.append(i)
    feats = ex.feature_lists.feature_list["x"]
    for t in range(n):
      feats.feature.add().float_list.value.extend([i + t * 0.5, i - t * 0.25])
    writers[i % 2].write(ex.SerializeToString())
  for w in writers:
    w.close()


def run(args):
  with tf.Graph().as_default():
    _run(args)


def _run(args):
  files = sorted(os.path.join(args.data, f) for f in os.listdir(args.data))
  dataset = lp.sequence_example_dataset(
      files, {"x": tf.io.FixedLenSequenceFeature([2], tf.float32)},
      {"label": tf.io.FixedLenFeature([], tf.int64)},
      shuffle_buffer=args.shuffle_buffer, seed=3)
  batch = lp.batch_sequences_with_states_from_dataset(
      dataset, initial_states={"s": np.zeros([1, 2], np.float64),
                               "n": np.int32(0)},
      num_unroll=NUM_UNROLL, batch_size=3, num_threads=2, capacity=5,
      make_keys_unique=args.unique_keys, make_keys_unique_seed=7,
      checkpoint_in_flight=not args.no_journal)
  step = tf1.train.get_or_create_global_step()
  s, n = batch.state("s"), batch.state("n")
  data = tf.reduce_sum(tf.cast(batch.sequences["x"], tf.float64), axis=[1, 2])
  saves = [batch.save_state("s", s + data[:, None, None] + 1.0),
           batch.save_state("n", n + 1)]
  with tf.control_dependencies(saves):
    advance = tf1.assign_add(step, 1)
  fetch = {"step": advance, "key": batch.key, "segment": batch.sequence,
           "s": s, "n": n, "data": data, "label": batch.context["label"]}
  saver = tf1.train.Saver()
  opts = tf1.RunOptions(timeout_in_ms=TIMEOUT_MS)
  with tf1.Session() as sess:
    sess.run(tf1.global_variables_initializer())
    latest = tf1.train.latest_checkpoint(args.model_dir)
    if latest:
      saver.restore(sess, latest)
    coord = tf1.train.Coordinator()
    threads = tf1.train.start_queue_runners(sess, coord)
    with open(args.log, "a") as log:
      while True:
        try:
          out = sess.run(fetch, options=opts)
        except tf.errors.OutOfRangeError:
          break
        for r in range(len(out["key"])):
          log.write(json.dumps({
              "step": int(out["step"]),
              "key": out["key"][r].decode().split(":", 1)[1],
              "segment": int(out["segment"][r]),
              "s": [float(v) for v in out["s"][r].ravel()], "n": int(out["n"][r]),
              "data": float(out["data"][r]),
              "label": int(out["label"][r])}) + "\n")
        log.flush()
        if args.save_every and out["step"] % args.save_every == 0:
          saver.save(sess, os.path.join(args.model_dir, "ckpt"),
                     global_step=int(out["step"]))
        if args.kill_after and out["step"] >= args.kill_after:
          os.kill(os.getpid(), signal.SIGKILL)
    coord.request_stop()
    coord.join(threads, stop_grace_period_secs=10)


def main(argv):
  p = argparse.ArgumentParser()
  p.add_argument("what", choices=["write", "run"])
  p.add_argument("data")
  p.add_argument("model_dir", nargs="?")
  p.add_argument("log", nargs="?")
  p.add_argument("--kill-after", type=int, default=0)
  p.add_argument("--save-every", type=int, default=0)
  p.add_argument("--no-journal", action="store_true")
  p.add_argument("--unique-keys", action="store_true")
  p.add_argument("--shuffle-buffer", type=int, default=0)
  args = p.parse_args(argv)
  if args.what == "write":
    write(args.data)
  else:
    run(args)


if __name__ == "__main__":
  main(sys.argv[1:])
