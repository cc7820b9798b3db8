"""The tutorial reproduction runs end to end with few steps."""
from __future__ import absolute_import, division, print_function

import importlib.util
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def _load(name):
  path = os.path.join(os.path.dirname(HERE), "examples", name + ".py")
  spec = importlib.util.spec_from_file_location(name, path)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


def test_reproduce_tutorial_small(tmp_path, capsys):
  tutorial = _load("reproduce_tutorial")
  result = tutorial.main(["--steps", "40", "--log-every", "20", "--out",
                          str(tmp_path), "--seed", "3"])
  out = capsys.readouterr().out
  assert "TensorFlow version:" in out and "Backend:" in out
  assert os.path.exists(tmp_path / "toydata.tfrecords")
  walk = result["walk"]
  assert len(walk) == 8
  last_state = {}
  for row in walk:
    for r, key in enumerate(row["keys"]):
      prefix, name = key.split(b":", 1)
      seg, count = int(prefix[:5]), int(prefix[9:])
      assert prefix[5:9] == b"_of_"
      if seg + 1 == count:
        assert row["next_keys"][r] == b"STOP:" + name
      # States rise by exactly one per segment of the same key.
      if seg > 0:
        np.testing.assert_allclose(row["state_c"][r],
                                   last_state[name] + 1.0)
      last_state[name] = row["state_c"][r]
      # Padding past the true length is zero.
      n = row["length"][r]
      assert not row["sequences"][r][n:].any()
  assert any(row["length"].min() < 3 for row in walk)
  means = result["means"]
  assert [s for s, _ in means] == [20, 40]
  assert all(np.isfinite(m) and m > 0 for _, m in means)
