"""Cross-version fixture: TF 1.15's contrib.seq2seq decoding -> ours.

``python tests/seq2seq_decode_fixture.py OUT_DIR`` (TF 1.15 only) builds one
graph with TF 1.15's ``tf.contrib.seq2seq`` (greedy, seeded sampling, the
scheduled, inference and custom helpers, beam search with a length penalty and
with a coverage penalty over a toy attentional cell, gather_tree, tile_batch,
and the loss gradients of a TrainingHelper decode), gives every variable
seeded random values and writes a checkpoint (``seq2seq``) plus
``expected.npz``.  ``tests/test_seq2seq_decode.py`` rebuilds the graph with
``legacy_pipeline.nn.seq2seq_decode``/``seq2seq_beam_search``, restores the
checkpoint by variable name and compares to 1e-5.
"""
from __future__ import absolute_import, division, print_function

import collections
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_io  # pylint: disable=g-import-not-at-top,wrong-import-position

GRAPH_SEED = 2718
B, V, E, U, M, T, W = 2, 6, 3, 4, 3, 4, 3
# The scheduled helpers decode with parallel_iterations=1: their Bernoulli
# draw depends on no loop value, so a control-flow-v1 while loop running
# steps in parallel may draw the steps' values out of order (TF's behaviour).
# End tokens: each case ends some beams/entries early with these weights.
END_GREEDY, END_SAMPLE, END_BEAM, END_COV = 0, 5, 4, 2

# Fields of TF 1.15's AttentionWrapperState (the toy cell's state).
AWS_FIELDS = ("cell_state", "attention", "time", "alignments",
              "alignment_history", "attention_state")
LocalAttentionWrapperState = collections.namedtuple("AttentionWrapperState",
                                                    AWS_FIELDS)


def inputs(rng):
  """The fixed numpy inputs."""
  return {
      "enc_state": rng.uniform(-1, 1, (B, U)).astype(np.float32),
      "memory": rng.uniform(-1, 1, (B, M, U)).astype(np.float32),
      "targets": rng.randint(0, V, (B, T)).astype(np.int32),
      "aux": rng.uniform(-1, 1, (B, T, 2)).astype(np.float32),
      "lengths": np.array([T, 2], np.int32),
      "step_ids": rng.randint(0, 4, (5, 3, 3)).astype(np.int32),
      "parent_ids": rng.randint(0, 3, (5, 3, 3)).astype(np.int32),
  }


class ToyAttentionCell(object):
  """A GRU whose state is an AttentionWrapperState (dot attention)."""

  def __init__(self, tf, cell, memory, aws_cls):
    self._tf, self._cell, self._memory, self._aws = tf, cell, memory, aws_cls

  @property
  def output_size(self):
    return U

  @property
  def state_size(self):
    return self._aws(cell_state=self._cell.state_size, attention=U,
                     time=self._tf.TensorShape([]), alignments=M,
                     alignment_history=(), attention_state=M)

  def zero_state(self, batch_size, dtype):
    tf = self._tf
    return self._aws(
        cell_state=self._cell.zero_state(batch_size, dtype),
        attention=tf.zeros([batch_size, U], dtype), time=tf.zeros([], tf.int32),
        alignments=tf.zeros([batch_size, M], dtype), alignment_history=(),
        attention_state=tf.zeros([batch_size, M], dtype))

  def __call__(self, inputs_, state, scope=None):
    tf = self._tf
    v1 = tf.compat.v1
    out, cell_state = self._cell(inputs_, state.cell_state)
    with v1.variable_scope("toy_attention", reuse=v1.AUTO_REUSE):
      w = v1.get_variable("query", [U, U])
    query = tf.matmul(out, w)
    align = tf.nn.softmax(
        tf.reduce_sum(self._memory * tf.expand_dims(query, 1), 2))
    attention = tf.reduce_sum(tf.expand_dims(align, 2) * self._memory, 1)
    new = self._aws(cell_state=cell_state, attention=attention,
                    time=state.time + 1, alignments=align,
                    alignment_history=(), attention_state=align)
    return attention + out, new


ALL_CASES = ("greedy", "sample", "sched_emb", "sched_out", "inference",
             "custom", "beam", "beam_cov", "gather_tree", "tile_batch",
             "train")


def build(tf, s2s, rnn, dense_cls, aws_cls, values, cases=ALL_CASES):
  """Builds the cases; returns (name -> list of fetches, loss, train vars).

  Args:
    tf: the ``tensorflow`` module.
    s2s: a ``tf.contrib.seq2seq``-like namespace.
    rnn: a namespace with ``GRUCell`` and ``LSTMCell``.
    dense_cls: ``tf.layers.Dense``-like class.
    aws_cls: the AttentionWrapperState class for the toy attentional cell.
    values: the numpy inputs (see ``inputs``).
    cases: the names of the cases to build (default: all).
  """
  v1 = tf.compat.v1
  x = {k: tf.constant(v, name=k) for k, v in sorted(values.items())}
  emb = v1.get_variable("embedding", [V, E])
  start = tf.constant([0, 2], tf.int32)
  out = {}
  loss, train_vars = None, []

  def decode(name, make, **kwargs):
    """BasicDecoder(*make()) decoded under scope `name`, if a chosen case."""
    if name not in cases:
      return
    helper, cell, init, layer = make()
    decoder = s2s.BasicDecoder(cell, helper, init, output_layer=layer)
    o, s, lengths = s2s.dynamic_decode(decoder, scope=name, **kwargs)
    out[name] = ([o.rnn_output, o.sample_id, lengths] +
                 tf.nest.flatten(s))

  train_in = tf.nn.embedding_lookup(emb, x["targets"])
  decode("greedy", lambda: (
      s2s.GreedyEmbeddingHelper(emb, start, END_GREEDY), rnn.GRUCell(U),
      x["enc_state"], dense_cls(V)), maximum_iterations=6)
  decode("sample", lambda: (
      s2s.SampleEmbeddingHelper(emb, start, END_SAMPLE,
                                softmax_temperature=0.7, seed=3),
      rnn.LSTMCell(U), rnn.LSTMCell(U).zero_state(B, tf.float32),
      dense_cls(V)), maximum_iterations=6, impute_finished=True,
         output_time_major=True)
  decode("sched_emb", lambda: (
      s2s.ScheduledEmbeddingTrainingHelper(
          train_in, x["lengths"], emb, 0.5, seed=5, scheduling_seed=7),
      rnn.GRUCell(U), x["enc_state"], dense_cls(V)), parallel_iterations=1)
  decode("sched_out", lambda: (
      s2s.ScheduledOutputTrainingHelper(
          train_in, x["lengths"], 0.6, seed=11,
          next_inputs_fn=lambda o: tf.tanh(o[:, :E]),
          auxiliary_inputs=x["aux"]),
      rnn.GRUCell(U), x["enc_state"], dense_cls(V)), impute_finished=True,
         parallel_iterations=1)
  decode("inference", lambda: (
      s2s.InferenceHelper(
          sample_fn=tf.tanh, sample_shape=[E], sample_dtype=tf.float32,
          start_inputs=tf.zeros([B, E]), end_fn=lambda s: s[:, 0] > 0.5),
      rnn.GRUCell(U), x["enc_state"], dense_cls(E)), maximum_iterations=5)
  decode("custom", lambda: (
      s2s.CustomHelper(
          initialize_fn=lambda: (tf.tile([False], [B]),
                                 tf.nn.embedding_lookup(emb, start)),
          sample_fn=lambda time, outputs, state: tf.argmax(
              outputs, -1, output_type=tf.int32),
          next_inputs_fn=lambda time, outputs, state, sample_ids: (
              tf.fill([B], time >= 2),
              tf.nn.embedding_lookup(emb, sample_ids), state)),
      rnn.GRUCell(U), x["enc_state"], dense_cls(V)))

  # Beam search, length penalty, a plain cell.
  if "beam" in cases:
    bs = s2s.BeamSearchDecoder(
        rnn.GRUCell(U), emb, start, END_BEAM,
        s2s.tile_batch(x["enc_state"], W), W, output_layer=dense_cls(V),
        length_penalty_weight=0.6)
    o, s, lengths = s2s.dynamic_decode(bs, maximum_iterations=6, scope="beam")
    out["beam"] = [o.predicted_ids, o.beam_search_decoder_output.scores,
                   o.beam_search_decoder_output.predicted_ids,
                   o.beam_search_decoder_output.parent_ids, lengths,
                   s.log_probs, s.lengths, s.finished] + tf.nest.flatten(
                       s.cell_state)

  # Beam search, length + coverage penalty, a toy attentional cell.
  if "beam_cov" in cases:
    cell = ToyAttentionCell(tf, rnn.GRUCell(U),
                            s2s.tile_batch(x["memory"], W), aws_cls)
    init = cell.zero_state(B * W, tf.float32)._replace(
        cell_state=s2s.tile_batch(x["enc_state"], W))
    bs = s2s.BeamSearchDecoder(cell, emb, start, END_COV, init, W,
                               output_layer=dense_cls(V),
                               length_penalty_weight=0.5,
                               coverage_penalty_weight=0.4)
    o, s, lengths = s2s.dynamic_decode(bs, maximum_iterations=6,
                                       output_time_major=True,
                                       scope="beam_cov")
    out["beam_cov"] = [o.predicted_ids, o.beam_search_decoder_output.scores,
                       o.beam_search_decoder_output.parent_ids, lengths,
                       s.log_probs, s.accumulated_attention_probs]

  if "gather_tree" in cases:
    # Entries traced 3 steps, past the end (9 > 5 steps), not at all (0).
    out["gather_tree"] = [s2s.gather_tree(
        x["step_ids"], x["parent_ids"], tf.constant([3, 9, 0]), 2)]

  if "tile_batch" in cases:
    out["tile_batch"] = list(s2s.tile_batch(
        (x["memory"], x["lengths"]), 2))

  # A TrainingHelper decode's loss and gradients.
  if "train" in cases:
    helper = s2s.TrainingHelper(train_in, x["lengths"])
    decoder = s2s.BasicDecoder(rnn.LSTMCell(U), helper,
                               rnn.LSTMCell(U).zero_state(B, tf.float32),
                               output_layer=dense_cls(V))
    o, _, _ = s2s.dynamic_decode(decoder, impute_finished=True, scope="train")
    mask = tf.sequence_mask(x["lengths"], T, dtype=tf.float32)
    xent = tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=x["targets"], logits=o.rnn_output)
    loss = tf.reduce_sum(xent * mask) / tf.reduce_sum(mask)
    train_vars = sorted([v for v in v1.trainable_variables()
                         if v.op.name.startswith("train/") or
                         v.op.name == "embedding"], key=lambda v: v.op.name)
    grads = v1.gradients(loss, train_vars)
    out["train"] = [loss] + [tf.convert_to_tensor(g) for g in grads]

  return out, loss, train_vars


def main(out_dir):
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  v1 = tf.compat.v1
  if not out_dir:
    raise SystemExit("usage: seq2seq_decode_fixture.py OUT_DIR")
  os.makedirs(out_dir, exist_ok=True)
  values = inputs(np.random.RandomState(0))
  graph = tf.Graph()
  with graph.as_default():
    v1.set_random_seed(GRAPH_SEED)
    out, _, _ = build(tf, tf.contrib.seq2seq, tf.nn.rnn_cell, v1.layers.Dense,
                      tf.contrib.seq2seq.AttentionWrapperState, values)
    saver = v1.train.Saver()
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      fixture_io.load_random_values(v1, sess, np.random.RandomState(1))
      fetched = sess.run(out)
      saver.save(sess, os.path.join(out_dir, "seq2seq"), write_meta_graph=False)
    names = sorted(v.op.name for v in v1.global_variables())
  n = fixture_io.write_expected(
      out_dir, fetched, tf.version.VERSION,
      extra={"variable_names": np.array(names)})
  for name in sorted(fetched):
    print(name, [np.asarray(v).tolist() for v in fetched[name][:2]])
  print("wrote", n, "arrays;", len(names), "variables:", names)


if __name__ == "__main__":
  main(sys.argv[1] if len(sys.argv) > 1 else None)
