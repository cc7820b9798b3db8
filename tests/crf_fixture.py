"""Cross-version fixture: TF 1.15's tf.contrib.crf -> legacy_pipeline's.

``python tests/crf_fixture.py [OUT_DIR]`` (TF 1.15 only; default
``tests/fixtures/tf115_crf``) builds one graph with the real
``tf.contrib.crf``: every function on a batch of mixed lengths (5, 3, 1 and
0) with int32 and with int64 tags and lengths, on a static max length of 1, and on a
max length known only at run time (fed as 4, then as 1); the three cells
called directly; gradients of the log-likelihood and of the multitag score
with respect to the unary scores and the transitions.  ``transitions`` is
the variable ``crf_log_likelihood`` creates (``crf/transitions``); the unary
scores are variables too.  It saves the variables to a checkpoint (``crf``)
and writes ``expected.npz``: every fetch, and ``viterbi_decode``'s tags and
score for each example of the mixed batch.  ``tests/test_crf.py`` rebuilds
the graph with the routed names (and, on TF 1.15, the in-house ones),
restores the checkpoint by variable name and compares.
"""
from __future__ import absolute_import, division, print_function

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_io  # pylint: disable=g-import-not-at-top,wrong-import-position

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixtures", "tf115_crf")
NUM_TAGS = 3
LENGTHS = [5, 3, 1, 0]
MAX_LEN = 5
DYNAMIC_LENGTHS = {4: [4, 2, 0], 1: [1, 0, 1]}  # fed max length -> lengths


def data():
  """Seeded tags and bitmaps (the unary scores live in the checkpoint)."""
  rng = np.random.RandomState(3)
  tags = rng.randint(0, NUM_TAGS, [len(LENGTHS), MAX_LEN])
  bitmap = rng.rand(len(LENGTHS), MAX_LEN, NUM_TAGS) < 0.5
  bitmap[np.arange(len(LENGTHS))[:, None], np.arange(MAX_LEN)[None], tags] = 1
  dyn = {t: rng.uniform(-2, 2, [3, t, NUM_TAGS]).astype(np.float32)
         for t in DYNAMIC_LENGTHS}
  return tags, bitmap, dyn


def build(tf, crf):
  """Builds the graph with `crf`'s names.

  Args:
    tf: the tensorflow module.
    crf: an object with the eleven tf.contrib.crf names as attributes.

  Returns:
    fetches: dict name -> list of tensors (one dict per session run key).
    runs: dict run key -> (fetch names, feed dict).
    sizes: the cells' state and output sizes.
  """
  v1 = tf.compat.v1
  tags, bitmap, dyn = data()
  unary = v1.get_variable("unary", [len(LENGTHS), MAX_LEN, NUM_TAGS])
  unary_one = v1.get_variable("unary_one", [3, 1, NUM_TAGS])
  lengths = tf.constant(LENGTHS)
  fetches = {}
  with v1.variable_scope("crf"):
    ll, trans = crf.crf_log_likelihood(unary, tf.constant(tags), lengths)
  grads = v1.gradients(tf.reduce_sum(ll), [unary, trans])
  multitag = crf.crf_multitag_sequence_score(unary, tf.constant(bitmap),
                                             lengths, trans)
  tags64, lengths64 = tf.constant(tags, tf.int64), tf.constant(LENGTHS,
                                                               tf.int64)
  # crf_log_norm's many-step path is checked through ll = score - log_norm.
  fetches["int32"] = [
      ll, crf.crf_sequence_score(unary, tf.constant(tags), lengths, trans),
      crf.crf_unary_score(tf.constant(tags), lengths, unary),
      crf.crf_binary_score(tf.constant(tags), lengths, trans), multitag,
      ] + list(crf.crf_decode(unary, trans, lengths64)) + grads + \
      v1.gradients(tf.reduce_sum(multitag), [unary, trans])
  fetches["int64"] = [
      crf.crf_sequence_score(unary, tags64, lengths64, trans),
      crf.crf_unary_score(tags64, lengths64, unary),
      crf.crf_binary_score(tags64, lengths64, trans)]
  one_lengths = tf.constant([1, 0, 1])
  one_tags = tf.constant([[2], [1], [0]])
  ll1, _ = crf.crf_log_likelihood(unary_one, one_tags, one_lengths, trans)
  mt1 = crf.crf_multitag_sequence_score(
      unary_one, tf.constant(bitmap[:3, :1]), one_lengths, trans)
  fetches["one"] = [
      ll1, crf.crf_log_norm(unary_one, one_lengths, trans), mt1] + list(
          crf.crf_decode(unary_one, trans, one_lengths)) + v1.gradients(
              tf.reduce_sum(ll1) + tf.reduce_sum(mt1), [unary_one])
  # Cells, called directly.
  state = unary[:, 0]
  step = unary[:, 1]
  fwd = crf.CrfForwardRnnCell(trans)
  dec = crf.CrfDecodeForwardRnnCell(trans)
  bwd = crf.CrfDecodeBackwardRnnCell(NUM_TAGS)
  backpointers, new_state = dec(step, state)
  fetches["cells"] = list(fwd(step, state)) + [backpointers, new_state] + \
      list(bwd(backpointers, tf.constant([[0], [2], [1], [1]])))
  sizes = [fwd.state_size, fwd.output_size, dec.state_size, dec.output_size,
           bwd.state_size, bwd.output_size]
  # Max length known only at run time.
  dyn_unary = v1.placeholder(tf.float32, [None, None, NUM_TAGS])
  dyn_lengths = v1.placeholder(tf.int32, [None])
  dyn_tags = tf.cast(tf.argmin(dyn_unary, axis=2), tf.int32)
  dll, _ = crf.crf_log_likelihood(dyn_unary, dyn_tags, dyn_lengths, trans)
  dyn_fetch = [dll] + list(crf.crf_decode(dyn_unary, trans, dyn_lengths)) + \
      v1.gradients(tf.reduce_sum(dll), [trans])
  runs = {"static": (sorted(fetches), {})}
  for t, lens in sorted(DYNAMIC_LENGTHS.items()):
    key = "dynamic%d" % t
    fetches[key] = dyn_fetch
    runs[key] = ([key], {dyn_unary: dyn[t], dyn_lengths: lens})
  return fetches, runs, sizes


def run(sess, fetches, runs):
  """Runs every session run of `runs`; returns name -> list of arrays."""
  values = {}
  for _, (names, feed) in sorted(runs.items()):
    values.update(sess.run({n: fetches[n] for n in names}, feed_dict=feed))
  return values


def viterbi_values(crf, unary_value, trans_value):
  """viterbi_decode of each non-empty example: name -> [tags, score]."""
  out = {}
  for b, n in enumerate(LENGTHS):
    if n:
      tags, score = crf.viterbi_decode(unary_value[b, :n], trans_value)
      out["viterbi_%d" % b] = [np.asarray(tags), np.asarray(score)]
  return out


def main(out):
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  assert tf.version.VERSION.startswith("1."), "record on TF 1.15"
  v1 = tf.compat.v1
  if not os.path.isdir(out):
    os.makedirs(out)
  with tf.Graph().as_default():
    fetches, runs, sizes = build(tf, tf.contrib.crf)
    assert sizes == [NUM_TAGS, NUM_TAGS, NUM_TAGS, NUM_TAGS, 1, 1], sizes
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      rng = np.random.RandomState(0)
      for var in v1.global_variables():
        var.load(rng.uniform(-2, 2, var.get_shape().as_list()).astype(
            np.float32), sess)
      values = run(sess, fetches, runs)
      by_name = {v.op.name: v for v in v1.global_variables()}
      unary_value, trans_value = sess.run(
          [by_name["unary"], by_name["crf/transitions"]])
      values.update(viterbi_values(tf.contrib.crf, unary_value, trans_value))
      v1.train.Saver().save(sess, os.path.join(out, "crf"),
                            write_meta_graph=False, write_state=False)
  n = fixture_io.write_expected(out, values, tf.version.VERSION)
  print("wrote %d arrays to %s" % (n, out))


if __name__ == "__main__":
  main(sys.argv[1] if len(sys.argv) > 1 else FIXTURE)
