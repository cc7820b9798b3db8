"""Prints the graphs the library builds as sorted `name op_type` lines.

For refactors that must not change the graph: run before and after, diff.

    python scripts/graph_fingerprint.py OUT_DIR

writes OUT_DIR/saver.txt (batch_sequences_with_states from the queue input
graph, the tf.data entry point with the in-flight journal, the stall
watchdog), OUT_DIR/model.txt (the tutorial classifier on a state saver batch)
and OUT_DIR/trainer.txt (the graph.pbtxt a one-step run of
`python -m legacy_pipeline.train` writes).
"""
from __future__ import absolute_import, division, print_function

import os
import subprocess
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from google.protobuf import text_format  # noqa: E402

import legacy_pipeline as lp  # noqa: E402
from legacy_pipeline.training import model as model_lib  # noqa: E402

tf1 = tf.compat.v1


def _lines(graph_def):
  return sorted("%s %s" % (n.name, n.op) for n in graph_def.node)


def _queue_batch(data_dir):
  path = os.path.join(data_dir, "d.tfrecords")
  with tf1.python_io.TFRecordWriter(path) as writer:
    se = tf.train.SequenceExample()
    for t in range(6):
      se.feature_lists.feature_list["x"].feature.add().float_list.value.append(
          float(t))
      se.feature_lists.feature_list["y"].feature.add().int64_list.value.append(
          t % 2)
    writer.write(se.SerializeToString())
  queue = tf1.train.string_input_producer([path], shuffle=False)
  key, record = tf1.TFRecordReader().read(queue)
  _, seqs = tf1.io.parse_single_sequence_example(record, sequence_features={
      "x": tf1.io.FixedLenSequenceFeature([], tf.float32),
      "y": tf1.io.FixedLenSequenceFeature([], tf.int64)})
  return path, lp.batch_sequences_with_states(
      input_key=key, input_sequences=seqs, input_context={},
      input_length=tf.shape(seqs["x"])[0],
      initial_states=model_lib.initial_states(8, 1), num_unroll=3,
      batch_size=2, num_threads=2, capacity=6, allow_small_batch=True)


def saver_graph(data_dir):
  with tf.Graph().as_default() as g:
    path, batch = _queue_batch(data_dir)
    for name in sorted(model_lib.initial_states(8, 1)):
      batch.save_state(name, batch.state(name))
    lp.add_stall_watchdog(batch, 60)
    ds_batch = lp.batch_sequences_with_states_from_dataset(
        lp.sequence_example_dataset(
            [path], {"x": tf1.io.FixedLenSequenceFeature([], tf.float32)}),
        initial_states={"s": np.float32(0)}, num_unroll=3, batch_size=2,
        capacity=6, checkpoint_in_flight=True)
    ds_batch.save_state("s", ds_batch.state("s") + 1)
    return _lines(g.as_graph_def())


def model_graph(data_dir):
  with tf.Graph().as_default() as g:
    _, batch = _queue_batch(data_dir)
    model_lib.sequence_classifier(batch, "x", "y", num_classes=2, lstm_size=8,
                                  num_layers=1)
    return _lines(g.as_graph_def())


def trainer_graph(data_dir):
  model_dir = os.path.join(data_dir, "model")
  subprocess.check_call(
      [sys.executable, "-m", "legacy_pipeline.train", "--model-dir", model_dir,
       "--steps", "1", "--toy-sequences", "40", "--stall-timeout-secs", "0"],
      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
  graph_def = tf1.GraphDef()
  with open(os.path.join(model_dir, "graph.pbtxt")) as f:
    text_format.Merge(f.read(), graph_def)
  return _lines(graph_def)


def main(out_dir):
  if not os.path.isdir(out_dir):
    os.makedirs(out_dir)
  data_dir = tempfile.mkdtemp()
  for name, build in [("saver", saver_graph), ("model", model_graph),
                      ("trainer", trainer_graph)]:
    lines = build(data_dir)
    with open(os.path.join(out_dir, name + ".txt"), "w") as f:
      f.write("\n".join(lines) + "\n")
    print("%s: %d ops" % (name, len(lines)))


if __name__ == "__main__":
  main(sys.argv[1])
