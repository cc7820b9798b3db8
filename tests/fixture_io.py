"""Shared by the TF 1.15 checkpoint fixtures (cell_fixture, keras_fixture)."""
from __future__ import absolute_import, division, print_function

import os

import numpy as np


def load_random_values(v1, sess, rng):
  """Loads non-default values into every global variable (zero biases would
  hide bias bugs)."""
  for var in v1.global_variables():
    shape = var.get_shape().as_list()
    var.load(rng.uniform(-0.6, 0.6, shape).astype(np.float32), sess)


def write_expected(out, values, tf_version, extra=None):
  """Writes expected.npz: `values` (name -> list of arrays) as name/fetch_i."""
  expected = dict(extra or {})
  for name, vals in values.items():
    for i, v in enumerate(vals):
      expected["%s/fetch_%d" % (name, i)] = v
  np.savez(os.path.join(out, "expected.npz"), tf_version=tf_version,
           **expected)
  return len(expected)


def compare(values, expected):
  """Asserts each fetch equals the fixture's to 1e-5; returns the count."""
  compared = 0
  for name, vals in values.items():
    for i, v in enumerate(vals):
      np.testing.assert_allclose(
          v, expected["%s/fetch_%d" % (name, i)], rtol=1e-5, atol=1e-5,
          err_msg="%s fetch %d" % (name, i))
      compared += 1
  return compared
