"""The attention NMT program decodes a TF 1.15 checkpoint as TF 1.15 did.

tests/programs/attention_nmt.py (the TF NMT tutorial's way: contrib.lookup
tables, a bidirectional encoder, AttentionWrapper + LuongAttention,
TrainingHelper / GreedyEmbeddingHelper / BeamSearchDecoder) runs unedited
through ``python -m compat`` with ``--restore`` on the checkpoint TF 1.15.5
saved (tests/fixtures/attention_nmt_tf115_ckpt): the restore finds every
variable by its TF 1.15 name, and the greedy and beam-search decodes must
equal TF 1.15's (tests/fixtures/attention_nmt_restore_tf115.json): ids
exactly, beam scores to 1e-5.  To re-record on TF 1.15 (the checkpoint
first): ``python tests/programs/attention_nmt.py --save
tests/fixtures/attention_nmt_tf115_ckpt > tests/fixtures/attention_nmt_tf115.json``
then ``python tests/programs/attention_nmt.py --restore
tests/fixtures/attention_nmt_tf115_ckpt >
tests/fixtures/attention_nmt_restore_tf115.json``.
"""
from __future__ import absolute_import, division, print_function

import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PROGRAM = os.path.join(HERE, "programs", "attention_nmt.py")
CHECKPOINT = os.path.join(HERE, "fixtures", "attention_nmt_tf115_ckpt")
REFERENCE = os.path.join(HERE, "fixtures", "attention_nmt_restore_tf115.json")


def test_restored_tf115_checkpoint_decodes_as_tf115():
  env = dict(os.environ, PYTHONPATH=ROOT)
  proc = subprocess.run(
      [sys.executable, "-m", "compat", PROGRAM, "--restore", CHECKPOINT],
      env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
  assert proc.returncode == 0, proc.stderr.decode()[-3000:]
  got = json.loads(proc.stdout.decode().strip().splitlines()[-1])
  want = json.load(open(REFERENCE))
  assert sorted(got) == sorted(want)
  for key in ("source", "greedy_ids", "greedy", "beam_ids", "beam_parents",
              "beam_lengths", "beam_best"):
    assert got[key] == want[key], (key, got[key], want[key])
  for key in ("beam_scores", "beam_log_probs"):
    np.testing.assert_allclose(got[key], want[key], rtol=1e-5, atol=1e-5,
                               err_msg=key)
