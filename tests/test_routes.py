"""The route table against TF 1.15's own API listing (compat/routes)."""
from __future__ import absolute_import, division, print_function

import json
import os
import subprocess
import sys

import pytest
import tensorflow as tf

from compat import _coverage
from compat import _routes
from compat import routes

TF1 = tf.version.VERSION.startswith("1.")
INVENTORY = _routes.inventory()
ALL_NAMES = sorted(m + "." + n for m, e in INVENTORY.items()
                   for n in e["names"])


def _keras3():
  try:
    tf.compat.v1.layers.dense  # pylint: disable=pointless-statement
    return False
  except (AttributeError, ImportError):
    return True


def test_inventory_is_tf115s():
  with open(_routes.INVENTORY_FILE) as f:
    data = json.load(f)
  assert data["tf_version"] == "1.15.5"
  assert len(ALL_NAMES) > 2500
  for module in ("tf.layers", "tf.contrib.training", "tf.contrib.data",
                 "tf.contrib.lookup", "tf.contrib.slim.nets.resnet_v1",
                 "tf.contrib.learn.preprocessing", "tf.estimator"):
    assert INVENTORY[module]["names"], module
  assert len(INVENTORY["tf.layers"]["names"]) == 36
  assert INVENTORY["tf.contrib.training"]["names"][
      "bucket_by_sequence_length"] == "function"


def test_table_lies_inside_the_inventory():
  rows, modules = _routes._index()  # pylint: disable=protected-access
  outside = [p for p in rows if p.rsplit(".", 1)[0] not in INVENTORY or
             p.rsplit(".", 1)[1] not in INVENTORY[p.rsplit(".", 1)[0]]["names"]]
  assert not outside, outside[:20]
  assert not [m for m in modules if m not in INVENTORY and
              modules[m].alias not in INVENTORY]


def test_every_inventory_name_has_an_entry_and_resolves_or_says_why():
  problems = []
  for path in ALL_NAMES:
    st = _routes.status(path)
    if st.source in ("unrouted", "broken"):
      problems.append(st)
  assert not problems, "\n".join("%s %s: %s" % p for p in problems[:30])


def test_absent_names_raise_their_reason():
  checked = 0
  for path in ALL_NAMES:
    r = _routes.row(path)
    module = _routes.module(path.rsplit(".", 1)[0])
    reason = (r.absent if r is not None else None) or (
        module.absent if module is not None else None)
    if not reason:
      continue
    assert reason != "TODO" and len(reason) > 30, (path, reason)
    st = _routes.status(path)
    if st.source not in ("absent", "deferred"):
      continue  # provided here (TF 1.x, or a native that exists here)
    with pytest.raises(AttributeError) as e:
      _routes.resolve(path)
    assert reason in str(e.value)
    checked += 1
  assert TF1 or checked > 100


def test_unknown_names_say_tf115_had_none():
  with pytest.raises(AttributeError, match="TF 1.15's tf.contrib.data has no"):
    _routes.resolve("tf.contrib.data.no_such_function")


def test_deep_import_paths_map_to_the_table():
  canonical = _routes.canonical
  assert canonical("tf.contrib.training.python.training.bucket_ops."
                   "bucket_by_sequence_length") == \
      "tf.contrib.training.bucket_by_sequence_length"
  assert canonical("tf.contrib.training.python.training.bucket_ops") == \
      "tf.contrib.training"
  assert canonical("tf.contrib.slim.python.slim.nets.resnet_v1") == \
      "tf.contrib.slim.nets.resnet_v1"
  assert canonical("tf.contrib.slim.python.slim.learning.train") == \
      "tf.contrib.slim.learning.train"
  assert canonical("tf.contrib.rnn.python.ops.rnn_cell.NASCell") == \
      "tf.contrib.rnn.NASCell"
  assert canonical("tf.contrib.layers.python.layers.layers") == \
      "tf.contrib.layers"
  assert canonical("tf.contrib.data.unbatch") == "tf.contrib.data.unbatch"


@pytest.mark.skipif(TF1, reason="the target is measured on TF 2.x")
def test_coverage_target():
  _, target, problems = _coverage.measure()
  provided = sum(target[k] for k in _coverage.PROVIDED)
  total = sum(target.values())
  assert not problems
  # TF 2.21 + Keras 3 (no native tf.layers/cells) and every other TF 2.x.
  assert provided >= 0.95 * total, (provided, total, dict(target))


def test_target_excludes_what_the_issue_excludes():
  assert _coverage.in_target("tf.layers.conv2d")
  assert _coverage.in_target("tf.contrib.learn.ModeKeys")
  assert _coverage.in_target("tf.contrib.learn.preprocessing."
                             "VocabularyProcessor")
  assert not _coverage.in_target("tf.contrib.learn.DNNClassifier")
  # Issue 26's modules count since they were ported.
  assert _coverage.in_target("tf.contrib.crf.crf_decode")
  assert _coverage.in_target("tf.contrib.rnn.NASCell")
  assert not _coverage.in_target("tf.contrib.layers.real_valued_column")
  assert not _coverage.in_target("tf.nn.relu")
  assert _routes.row("tf.contrib.layers.real_valued_column").absent == \
      routes.FEATURE_COLUMNS


_FORCED = r"""
import json
from compat import _routes
print("JSON" + json.dumps({p: _routes.status(p).source for p in (
    "tf.layers.conv2d", "tf.nn.rnn_cell.LSTMCell",
    "tf.contrib.training.SequenceQueueingStateSaver",
    "tf.contrib.data.unbatch", "tf.contrib.slim.conv2d")}))
"""


@pytest.mark.parametrize("backend", ["auto", "inhouse"])
def test_one_decision_per_row_and_it_says_which(backend):
  env = dict(os.environ, LEGACY_PIPELINE_BACKEND=backend)
  out = subprocess.check_output([sys.executable, "-c", _FORCED], env=env,
                                timeout=300).decode()
  got = json.loads([l for l in out.splitlines() if l.startswith("JSON")][-1][4:])
  if backend == "inhouse":
    assert got["tf.layers.conv2d"] == got["tf.nn.rnn_cell.LSTMCell"] == \
        got["tf.contrib.training.SequenceQueueingStateSaver"] == "inhouse"
  elif TF1:
    assert set(got.values()) == {"tf1"}
  else:
    assert got["tf.contrib.training.SequenceQueueingStateSaver"] == "inhouse"
    assert got["tf.contrib.data.unbatch"] == "native"
    expected = "inhouse" if _keras3() else "native"
    assert got["tf.layers.conv2d"] == got["tf.nn.rnn_cell.LSTMCell"] == \
        expected
  if not TF1:
    assert got["tf.contrib.slim.conv2d"] == "library"


def test_docs_coverage_table_is_the_generated_one():
  env = os.environ.get("LEGACY_PIPELINE_TOX_ENV")
  page = os.path.join(os.path.dirname(os.path.dirname(
      os.path.abspath(__file__))), "docs", "migration.md")
  with open(page) as f:
    committed = _coverage.readme_block(f.read(), env)
  if committed is None:
    pytest.skip("docs/migration.md has no coverage table for %r" % env)
  if os.environ.get("LEGACY_PIPELINE_BACKEND", "auto") != "auto":
    pytest.skip("backend forced by LEGACY_PIPELINE_BACKEND")
  assert committed == _coverage.markdown(env), (
      "docs/migration.md's coverage table for %s is stale: run bash "
      "scripts/coverage_tables.sh" % env)


def test_sources_follow_the_probes_providers():
  from compat import _probe  # pylint: disable=g-import-not-at-top
  decision = _probe.decision()
  assert set(decision.providers) == set(_probe.PROVIDERS)
  for path, provider in (("tf.layers.conv2d", "keras2_layers"),
                         ("tf.nn.rnn_cell.LSTMCell", "keras2_cells"),
                         ("tf.contrib.slim.conv2d", "tf_slim")):
    loaders = dict(_routes._sources(_routes.row(path)))  # pylint: disable=protected-access
    kind = "library" if provider == "tf_slim" else "native"
    if decision.providers[provider][0]:
      assert loaders[kind]() is not None
    else:
      with pytest.raises(ImportError, match="needs " + provider):
        loaders[kind]()
