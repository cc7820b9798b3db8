"""An attention NMT model, written as the 2018 TF NMT tutorial wrote it.

A tiny synthetic parallel corpus (the target is the source reversed, over a
10-word vocabulary) is made here and fed as padded string tokens; vocabulary
tables from tf.contrib.lookup turn them into ids (and decoded ids back into
words).  A bidirectional tf.nn.dynamic_rnn of tf.contrib.rnn.LSTMCells
encodes; the decoder is an LSTMCell in tf.contrib.seq2seq.AttentionWrapper
with LuongAttention(scale=True), trained with TrainingHelper + BasicDecoder +
dynamic_decode, a tf.layers.Dense projection and
tf.contrib.seq2seq.sequence_loss (Adam, clipped gradients).  Inference shares
the variables (reuse scope): a GreedyEmbeddingHelper decode and a
BeamSearchDecoder (beam 3, tile_batch, length penalty 0.5).

  python attention_nmt.py               train, decode; one JSON line
  python attention_nmt.py --save DIR    ... and save a checkpoint in DIR
  python attention_nmt.py --restore DIR no training: restore DIR, decode
"""
from __future__ import print_function

import argparse
import json
import os

import numpy as np
import tensorflow as tf

UNK, SOS, EOS = "<unk>", "<s>", "</s>"
WORDS = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
VOCAB = [UNK, SOS, EOS] + WORDS
EMBED = 6
UNITS = 6  # per encoder direction; the decoder has 2 * UNITS
BEAM = 3
STEPS = 30


def make_corpus(n, seed):
  rng = np.random.RandomState(seed)
  return [[WORDS[i] for i in rng.randint(0, len(WORDS),
                                         size=rng.randint(2, 6))]
          for _ in range(n)]


def pad(sentences, prefix=(), suffix=()):
  rows = [list(prefix) + s + list(suffix) for s in sentences]
  width = max(len(r) for r in rows)
  tokens = np.array([r + [EOS] * (width - len(r)) for r in rows], dtype=object)
  return tokens, np.array([len(r) for r in rows], np.int32)


def train_feed(placeholders, sources):
  src, tgt_in, tgt_out, src_len, tgt_len = placeholders
  targets = [list(reversed(s)) for s in sources]
  src_tokens, src_lengths = pad(sources)
  in_tokens, lengths = pad(targets, prefix=[SOS])
  out_tokens, _ = pad(targets, suffix=[EOS])
  return {src: src_tokens, src_len: src_lengths, tgt_in: in_tokens,
          tgt_out: out_tokens, tgt_len: lengths}


def encoder(embedding, src_ids, src_len):
  inputs = tf.nn.embedding_lookup(embedding, src_ids)
  with tf.variable_scope("encoder"):
    fw_cell = tf.contrib.rnn.LSTMCell(
        UNITS, initializer=tf.random_uniform_initializer(-0.3, 0.3, seed=21))
    bw_cell = tf.contrib.rnn.LSTMCell(
        UNITS, initializer=tf.random_uniform_initializer(-0.3, 0.3, seed=22))
    (fw_out, bw_out), (fw_state, bw_state) = tf.nn.bidirectional_dynamic_rnn(
        fw_cell, bw_cell, inputs, sequence_length=src_len, dtype=tf.float32)
  outputs = tf.concat([fw_out, bw_out], -1)
  state = tf.contrib.rnn.LSTMStateTuple(
      tf.concat([fw_state.c, bw_state.c], -1),
      tf.concat([fw_state.h, bw_state.h], -1))
  return outputs, state


def decoder_cell(memory, memory_length, encoder_state, batch_size):
  attention = tf.contrib.seq2seq.LuongAttention(
      2 * UNITS, memory, memory_sequence_length=memory_length, scale=True)
  cell = tf.contrib.rnn.LSTMCell(
      2 * UNITS, initializer=tf.random_uniform_initializer(-0.3, 0.3, seed=23))
  cell = tf.contrib.seq2seq.AttentionWrapper(
      cell, attention, attention_layer_size=2 * UNITS,
      alignment_history=False, name="attention")
  initial_state = cell.zero_state(batch_size, tf.float32).clone(
      cell_state=encoder_state)
  return cell, initial_state


def build(src_ids, src_len, tgt_in_ids, tgt_out_ids, tgt_len, infer_src,
          infer_len, sos_id, eos_id):
  initializer = tf.random_uniform_initializer(-0.1, 0.1, seed=5)
  projection = tf.layers.Dense(len(VOCAB), use_bias=False,
                               name="output_projection")
  with tf.variable_scope("nmt", initializer=initializer):
    embedding_encoder = tf.get_variable(
        "embedding_encoder", [len(VOCAB), EMBED],
        initializer=tf.random_uniform_initializer(-0.5, 0.5, seed=31))
    embedding_decoder = tf.get_variable(
        "embedding_decoder", [len(VOCAB), EMBED],
        initializer=tf.random_uniform_initializer(-0.5, 0.5, seed=32))
    memory, encoder_state = encoder(embedding_encoder, src_ids, src_len)
    batch_size = tf.size(src_len)
    with tf.variable_scope("decoder") as decoder_scope:
      cell, initial_state = decoder_cell(memory, src_len, encoder_state,
                                         batch_size)
      helper = tf.contrib.seq2seq.TrainingHelper(
          tf.nn.embedding_lookup(embedding_decoder, tgt_in_ids), tgt_len)
      decoder = tf.contrib.seq2seq.BasicDecoder(cell, helper, initial_state)
      outputs, _, _ = tf.contrib.seq2seq.dynamic_decode(
          decoder, scope=decoder_scope)
      logits = projection(outputs.rnn_output)
    weights = tf.sequence_mask(tgt_len, tf.shape(logits)[1],
                               dtype=tf.float32)
    loss = tf.contrib.seq2seq.sequence_loss(logits, tgt_out_ids, weights)

  with tf.variable_scope("nmt", initializer=initializer, reuse=True):
    memory, encoder_state = encoder(embedding_encoder, infer_src, infer_len)
    batch_size = tf.size(infer_len)
    start_tokens = tf.fill([batch_size], sos_id)
    max_iterations = 2 * tf.reduce_max(infer_len)
    with tf.variable_scope("decoder") as decoder_scope:
      cell, initial_state = decoder_cell(memory, infer_len, encoder_state,
                                         batch_size)
      helper = tf.contrib.seq2seq.GreedyEmbeddingHelper(
          embedding_decoder, start_tokens, eos_id)
      decoder = tf.contrib.seq2seq.BasicDecoder(cell, helper, initial_state,
                                                output_layer=projection)
      greedy, _, _ = tf.contrib.seq2seq.dynamic_decode(
          decoder, maximum_iterations=max_iterations, scope=decoder_scope)

    with tf.variable_scope("decoder", reuse=True) as decoder_scope:
      tiled_memory = tf.contrib.seq2seq.tile_batch(memory, multiplier=BEAM)
      tiled_len = tf.contrib.seq2seq.tile_batch(infer_len, multiplier=BEAM)
      tiled_state = tf.contrib.seq2seq.tile_batch(encoder_state,
                                                  multiplier=BEAM)
      cell, initial_state = decoder_cell(tiled_memory, tiled_len, tiled_state,
                                         batch_size * BEAM)
      decoder = tf.contrib.seq2seq.BeamSearchDecoder(
          cell, embedding_decoder, start_tokens, eos_id, initial_state,
          beam_width=BEAM, output_layer=projection,
          length_penalty_weight=0.5)
      beam, beam_state, beam_lengths = tf.contrib.seq2seq.dynamic_decode(
          decoder, maximum_iterations=max_iterations, scope=decoder_scope)
  return loss, greedy.sample_id, beam, beam_state, beam_lengths


def sentence(words):
  out = []
  for w in words:
    w = w.decode("utf-8")
    if w == EOS:
      break
    out.append(w)
  return " ".join(out)


def main():
  parser = argparse.ArgumentParser()
  parser.add_argument("--save", help="save a checkpoint here after training")
  parser.add_argument("--restore", help="restore this checkpoint, no training")
  args = parser.parse_args()
  tf.set_random_seed(3)

  vocab = tf.constant(VOCAB)
  table = tf.contrib.lookup.index_table_from_tensor(vocab, default_value=0)
  reverse_table = tf.contrib.lookup.index_to_string_table_from_tensor(
      vocab, default_value=UNK)
  src = tf.placeholder(tf.string, [None, None], name="source")
  tgt_in = tf.placeholder(tf.string, [None, None], name="target_input")
  tgt_out = tf.placeholder(tf.string, [None, None], name="target_output")
  src_len = tf.placeholder(tf.int32, [None], name="source_length")
  tgt_len = tf.placeholder(tf.int32, [None], name="target_length")
  infer = tf.placeholder(tf.string, [None, None], name="infer_source")
  infer_len = tf.placeholder(tf.int32, [None], name="infer_length")
  sos_id = tf.cast(table.lookup(tf.constant(SOS)), tf.int32)
  eos_id = tf.cast(table.lookup(tf.constant(EOS)), tf.int32)

  def ids(tokens):
    return tf.cast(table.lookup(tokens), tf.int32)

  loss, greedy_ids, beam, beam_state, beam_lengths = build(
      ids(src), src_len, ids(tgt_in), ids(tgt_out), tgt_len, ids(infer),
      infer_len, sos_id, eos_id)
  greedy_words = reverse_table.lookup(tf.to_int64(greedy_ids))
  best_words = reverse_table.lookup(tf.to_int64(beam.predicted_ids[:, :, 0]))

  train_op = None
  if not args.restore:
    params = tf.trainable_variables()
    gradients = tf.gradients(loss, params)
    clipped, _ = tf.clip_by_global_norm(gradients, 5.0)
    train_op = tf.train.AdamOptimizer(0.05).apply_gradients(
        zip(clipped, params))

  corpus = make_corpus(16, seed=0)
  batches = [corpus[:8], corpus[8:]]
  placeholders = (src, tgt_in, tgt_out, src_len, tgt_len)
  test = corpus[:2] + make_corpus(2, seed=1)
  infer_tokens, infer_lengths = pad(test)
  result = {}
  with tf.Session() as sess:
    sess.run(tf.tables_initializer())
    if args.restore:
      tf.train.Saver().restore(sess, os.path.join(args.restore, "model.ckpt"))
    else:
      sess.run(tf.global_variables_initializer())
      losses = []
      for step in range(STEPS):
        value, _ = sess.run([loss, train_op],
                            train_feed(placeholders, batches[step % 2]))
        losses.append(float(value))
      result["losses"] = losses
      result["eval_loss"] = float(sess.run(
          loss, train_feed(placeholders, test)))
      result["variables"] = sorted([v.op.name, v.get_shape().as_list()]
                                   for v in tf.global_variables())
      if args.save:
        tf.train.Saver(tf.trainable_variables()).save(
            sess, os.path.join(args.save, "model.ckpt"), write_state=False,
            write_meta_graph=False)
    (g_ids, g_words, b_ids, b_parents, b_scores, b_log_probs, b_lengths,
     b_words) = sess.run(
         [greedy_ids, greedy_words, beam.predicted_ids,
          beam.beam_search_decoder_output.parent_ids,
          beam.beam_search_decoder_output.scores, beam_state.log_probs,
          beam_lengths, best_words],
         {infer: infer_tokens, infer_len: infer_lengths})
  result.update({
      "source": [" ".join(s) for s in test],
      "greedy_ids": g_ids.tolist(),
      "greedy": [sentence(row) for row in g_words],
      "beam_ids": b_ids.tolist(), "beam_parents": b_parents.tolist(),
      "beam_scores": b_scores.tolist(), "beam_log_probs": b_log_probs.tolist(),
      "beam_lengths": b_lengths.tolist(),
      "beam_best": [sentence(row) for row in b_words]})
  print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
  main()
