"""TF 1.15 fixture for tf.contrib.learn.preprocessing.

``python tests/learn_preprocessing_fixture.py [OUT_DIR]`` (TF 1.15 only;
default ``tests/fixtures/tf115_learn``) fits TF 1.15's own
``VocabularyProcessor`` (with and without ``min_frequency``, so ``trim``
ordering is recorded), ``CategoricalProcessor`` and ``ByteProcessor`` on the
fixed inputs below, saves the vocabularies with TF 1.15's ``save`` (the
default pickle, and a protocol-0 one as Python 2 era files are), and writes
``expected.json``: each transform, reverse and vocabulary mapping.
``tests/test_contrib_learn.py`` restores the saved files with ours and
repeats every transform.
"""
from __future__ import absolute_import, division, print_function

import json
import os
import pickle
import sys

# Word frequencies chosen so that trim(min_frequency=1) has ties to order.
DOCUMENTS = [
    "the cat sat on the mat",
    "The DOG ate the cat's HTMLParser food",
    "dogs and cats -- well-known pets, 42 of them",
    "Ünïcode wörds: naïve café the the",
    "",
    "a b c d e f g h i j k l",
    "cat mat on sat sat zebra Zebra 7 7 a",
]
NEW_DOCUMENTS = ["the cat ate a zebra", "unknown words only", "on the mat mat"]
MAX_LENGTH = 7
CATEGORICAL_ROWS = [["red", 1], ["blue", 2], [float("nan"), 1], ["red", 3],
                    ["green", 2]]
NEW_CATEGORICAL_ROWS = [["red", 2], ["purple", 1], ["blue", float("nan")]]
BYTE_DOCUMENTS = ["hello", "caf\u00e9 world long text", "", b"\xff\xfebytes"]
BYTE_LENGTH = 10


def _lists(rows):
  return [[int(v) for v in row] for row in rows]


def _mapping(vocab):
  return sorted([str(k), int(v)] for k, v in vocab._mapping.items())  # pylint: disable=protected-access


def record(preprocessing, out):
  """Runs every case with `preprocessing`; saves files into `out`."""
  expected = {}
  for min_frequency in (0, 1):
    vp = preprocessing.VocabularyProcessor(MAX_LENGTH,
                                           min_frequency=min_frequency)
    key = "min_frequency_%d" % min_frequency
    fitted = _lists(vp.fit_transform(DOCUMENTS))
    vp.save(os.path.join(out, "vocab_%s.pkl" % key))
    expected[key] = {
        "fit_transform": fitted,
        "transform_new": _lists(vp.transform(NEW_DOCUMENTS)),
        "reverse": list(vp.reverse(fitted)),
        "mapping": _mapping(vp.vocabulary_),
        "reverse_mapping": list(vp.vocabulary_._reverse_mapping),  # pylint: disable=protected-access
        "freq": sorted([k, v] for k, v in vp.vocabulary_._freq.items()),  # pylint: disable=protected-access
        "length": len(vp.vocabulary_),
    }
  with open(os.path.join(out, "vocab_protocol0.pkl"), "wb") as f:
    vp = preprocessing.VocabularyProcessor(4)
    vp.fit(DOCUMENTS[:2])
    f.write(pickle.dumps(vp, protocol=0))
    expected["protocol0_transform"] = _lists(vp.transform(NEW_DOCUMENTS))

  for share in (False, True):
    cp = preprocessing.CategoricalProcessor(min_frequency=0, share=share)
    expected["categorical_share_%s" % share] = {
        "fit_transform": _lists(cp.fit_transform(CATEGORICAL_ROWS)),
        "transform_new": _lists(cp.transform(NEW_CATEGORICAL_ROWS)),
    }
  cp = preprocessing.CategoricalProcessor(min_frequency=1)
  expected["categorical_trimmed"] = _lists(cp.fit_transform(CATEGORICAL_ROWS))

  bp = preprocessing.ByteProcessor(BYTE_LENGTH)
  byte_rows = list(bp.transform(BYTE_DOCUMENTS))
  expected["bytes"] = {"transform": _lists(byte_rows),
                       "reverse": list(bp.reverse(byte_rows))}
  expected["tokens"] = list(preprocessing.tokenizer(DOCUMENTS))

  with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f, sort_keys=True, ensure_ascii=True)
  return expected


def main(argv):
  out = argv[1] if len(argv) > 1 else os.path.join(
      os.path.dirname(os.path.abspath(__file__)), "fixtures", "tf115_learn")
  from tensorflow.contrib.learn import preprocessing  # pylint: disable=g-import-not-at-top
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)
  if not os.path.isdir(out):
    os.makedirs(out)
  record(preprocessing, out)
  print("wrote", out)


if __name__ == "__main__":
  main(sys.argv)
