"""TF 1.15 fixture of tf.contrib.rnn's research cells (NAS, GLSTM, Indy...).

``python tests/contrib_cells_fixture.py OUT_DIR`` (TF 1.15 only) builds, in
one graph, a short static_rnn per configuration with TF 1.15's own
``tf.contrib.rnn`` classes, gives every variable seeded values, and writes a
checkpoint plus ``expected.npz``: each configuration's outputs and final
states, and the gradient of one loss over all of them for every trainable
variable.  ``tests/test_contrib_cells.py`` rebuilds the graph with the routed
and the in-house classes, restores by variable name and compares.
"""
from __future__ import absolute_import, division, print_function

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture_io  # pylint: disable=g-import-not-at-top,wrong-import-position

BATCH, STEPS, DEPTH = 3, 3, 4
GRAPH_SEED = 1234

# name -> cell factory over a contrib.rnn-like namespace.
CONFIGS = {
    "nas": lambda rc: rc.NASCell(5),
    "nas_proj": lambda rc: rc.NASCell(5, num_proj=3, use_bias=True),
    "glstm": lambda rc: rc.GLSTMCell(6, number_of_groups=2),
    "glstm_proj": lambda rc: rc.GLSTMCell(6, num_proj=4, number_of_groups=2,
                                          forget_bias=0.5),
    "indy": lambda rc: rc.MultiRNNCell([
        rc.IndyLSTMCell(5, forget_bias=0.5), rc.IndyGRUCell(4),
        rc.IndRNNCell(3)]),
    "ugrnn": lambda rc: rc.UGRNNCell(5, forget_bias=0.7),
    "intersection": lambda rc: rc.MultiRNNCell([
        rc.IntersectionRNNCell(5, num_in_proj=5),
        rc.IntersectionRNNCell(5, forget_bias=0.3)]),
    "phased": lambda rc: rc.PhasedLSTMCell(5),
    "phased_peep": lambda rc: rc.PhasedLSTMCell(
        4, use_peepholes=True, leak=0.01, ratio_on=0.3,
        trainable_ratio_on=False),
    "cifg": lambda rc: rc.CoupledInputForgetGateLSTMCell(
        5, use_peepholes=True, num_proj=3, proj_clip=0.4, num_unit_shards=2,
        num_proj_shards=2, forget_bias=0.6),
    "cifg_ln": lambda rc: rc.CoupledInputForgetGateLSTMCell(
        4, layer_norm=True, norm_gain=1.1, norm_shift=0.2,
        state_is_tuple=False),
    "sru": lambda rc: rc.SRUCell(5),
    "highway": lambda rc: rc.MultiRNNCell([
        rc.HighwayWrapper(rc.LSTMCell(4)),
        rc.HighwayWrapper(rc.GRUCell(4), couple_carry_transform_gates=False,
                          carry_bias_init=0.5)]),
    "highway_top": lambda rc: rc.HighwayWrapper(rc.GRUBlockCell(4)),
    "gru_block": lambda rc: rc.MultiRNNCell([
        rc.GRUBlockCell(5), rc.GRUBlockCell(cell_size=3)]),
}

# Configurations whose step input is (time [batch, 1] float64, features).
TIMED = ("phased", "phased_peep")


def _state_arrays(rng, state_size):
  if isinstance(state_size, int):
    return rng.uniform(-1, 1, (BATCH, state_size)).astype(np.float32)
  if hasattr(state_size, "_fields"):
    return type(state_size)(*[_state_arrays(rng, s) for s in state_size])
  return tuple(_state_arrays(rng, s) for s in state_size)


def flatten(structure):
  if isinstance(structure, (tuple, list)):
    return [x for s in structure for x in flatten(s)]
  return [structure]


def _map(fn, structure):
  if hasattr(structure, "_fields"):
    return type(structure)(*[_map(fn, s) for s in structure])
  if isinstance(structure, tuple):
    return tuple(_map(fn, s) for s in structure)
  return fn(structure)


def build(v1, rc, rng, names=None):
  """The whole graph: returns (fetches by config, loss, numpy inputs).

  Args:
    v1: ``tf.compat.v1``.
    rc: namespace with the contrib.rnn classes to build with.
    rng: numpy RandomState giving inputs and initial states.
    names: optional subset of CONFIGS to build (the others still draw
      their random inputs, so each config's are the fixture's).
  """
  fetches, arrays = {}, {}
  for name in sorted(CONFIGS):
    cell = CONFIGS[name](rc)
    x = rng.uniform(-1, 1, (STEPS, BATCH, DEPTH)).astype(np.float32)
    arrays[name + "/inputs"] = x
    steps = [v1.constant(s) for s in x]
    if name in TIMED:
      t = (np.arange(STEPS)[:, None, None] * 0.9 +
           rng.uniform(0, 3, (1, BATCH, 1)))
      arrays[name + "/time"] = t
      steps = [(v1.constant(t[i]), s) for i, s in enumerate(steps)]
    init = _state_arrays(rng, cell.state_size)
    for i, s in enumerate(flatten(init)):
      arrays["%s/init_%d" % (name, i)] = s
    if names is not None and name not in names:
      continue
    with v1.variable_scope(name):
      outputs, final = v1.nn.static_rnn(cell, steps,
                                        initial_state=_map(v1.constant, init))
    fetches[name] = list(outputs) + flatten(final)
  loss = v1.add_n([v1.reduce_mean(v1.square(f))
                   for name in sorted(fetches) for f in fetches[name]])
  return fetches, loss, arrays


def gradients(v1, loss):
  """{variable name: gradient} for every trainable variable the loss uses
  (CoupledInputForgetGateLSTMCell's ``B`` is unused with layer norm)."""
  tvars = v1.trainable_variables()
  grads = v1.gradients(loss, tvars)
  return {v.op.name: g for v, g in zip(tvars, grads) if g is not None}


def load_values(v1, sess, rng):
  """Seeded values; PhasedLSTM's time gate gets periods that open and close
  within the fixture's times."""
  fixture_io.load_random_values(v1, sess, rng)
  for var in v1.global_variables():
    leaf = var.op.name.rsplit("/", 1)[-1]
    shape = var.get_shape().as_list()
    if leaf == "period":
      var.load(rng.uniform(1.0, 4.0, shape).astype(np.float32), sess)
    elif leaf == "phase":
      var.load(rng.uniform(0.0, 1.0, shape).astype(np.float32), sess)
    elif leaf == "ratio_on":
      var.load(rng.uniform(0.2, 0.7, shape).astype(np.float32), sess)


def main(argv):
  """Writes the fixture to argv[1] (TF 1.15 with tf.contrib only)."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  if not tf.version.VERSION.startswith("1."):
    raise SystemExit("contrib_cells_fixture: run this under TF 1.15")
  out = argv[1]
  if not os.path.isdir(out):
    os.makedirs(out)
  v1 = tf.compat.v1
  with tf.Graph().as_default():
    v1.set_random_seed(GRAPH_SEED)
    rng = np.random.RandomState(11)
    fetches, loss, arrays = build(v1, tf.contrib.rnn, rng)
    grads = gradients(v1, loss)
    with v1.Session() as sess:
      sess.run(v1.global_variables_initializer())
      load_values(v1, sess, rng)
      values, grad_values = sess.run((fetches, grads))
      v1.train.Saver().save(sess, os.path.join(out, "cells"),
                            write_meta_graph=False, write_state=False)
  for name, g in grad_values.items():
    arrays["grad/" + name] = g
  fixture_io.write_expected(out, values, tf.version.VERSION, arrays)
  print("wrote %s (TF %s): %d configs, %d gradients" % (
      out, tf.version.VERSION, len(CONFIGS), len(grad_values)))


if __name__ == "__main__":
  main(sys.argv)
