"""legacy_pipeline.training.readers: globs, record checks, the reader graph."""
from __future__ import absolute_import, division, print_function

import numpy as np
import pytest
import tensorflow as tf

from conftest import write_sequence_examples
from legacy_pipeline.errors import InputDataError
from legacy_pipeline.training import readers

tf1 = tf.compat.v1
SPEC = {"x": readers.FeatureSpec(tf.float32, [2]),
        "y": readers.FeatureSpec(tf.int64, [])}


def _examples(lengths):
  return [{"sequences": {"x": [[float(i), float(t)] for t in range(n)],
                         "y": [t for t in range(n)]}} for i, n in
          enumerate(lengths)]


def test_resolve_files_expands_sorts_and_dedupes(tmp_path):
  for name in ("b.tfrecords", "a.tfrecords", "c.txt"):
    (tmp_path / name).write_bytes(b"")
  pattern = str(tmp_path / "*.tfrecords")
  files = readers.resolve_files("%s, %s" % (pattern, tmp_path / "a.tfrecords"))
  assert files == [str(tmp_path / "a.tfrecords"), str(tmp_path / "b.tfrecords")]
  assert readers.resolve_files([pattern]) == files


def test_resolve_files_names_the_pattern_that_matches_nothing(tmp_path):
  with pytest.raises(InputDataError, match="--train-files: .*nothing.*"
                     "matches no file"):
    readers.resolve_files(str(tmp_path / "nothing*"), "--train-files")
  with pytest.raises(InputDataError, match="no file pattern given"):
    readers.resolve_files(" , ")


def test_check_sequence_files_accepts_good_files(tmp_path):
  path = write_sequence_examples(tmp_path / "g.tfrecords", _examples([3, 5]))
  readers.check_sequence_files([path], SPEC)


@pytest.mark.parametrize("mutate, message", [
    (lambda ex: ex["sequences"].pop("y"), "has no sequence feature 'y'"),
    (lambda ex: ex["sequences"].update(y=[[1.0]] * 3), "step 0 is float_list"),
    (lambda ex: ex["sequences"].update(x=[[1.0, 2.0, 3.0]] * 3),
     "step 0 has 3 values, declared shape \\[2\\] needs 2"),
    (lambda ex: ex["sequences"].update(y=[1, 2]), "different lengths"),
    (lambda ex: ex.update(sequences={"x": [], "y": []}),
     "zero-length sequence"),
], ids=["missing", "wrong_kind", "wrong_shape", "lengths_differ", "empty"])
def test_check_sequence_files_names_file_record_and_feature(tmp_path, mutate,
                                                            message):
  examples = _examples([3, 3])
  mutate(examples[1])
  path = write_sequence_examples(tmp_path / "bad.tfrecords", examples)
  with pytest.raises(InputDataError, match=message) as info:
    readers.check_sequence_files([path], SPEC)
  assert "%s record 1" % path in str(info.value)


def test_check_sequence_files_refuses_unreadable_and_empty_files(tmp_path):
  junk = tmp_path / "junk.tfrecords"
  junk.write_bytes(b"not a tfrecord file at all, longer than a header")
  with pytest.raises(InputDataError, match="not a readable TFRecord file"):
    readers.check_sequence_files([str(junk)], SPEC)
  empty = write_sequence_examples(tmp_path / "empty.tfrecords", [])
  with pytest.raises(InputDataError, match="holds no records"):
    readers.check_sequence_files([empty], SPEC)


def test_locate_bad_record_and_count_timesteps(tmp_path):
  good = write_sequence_examples(tmp_path / "g.tfrecords", _examples([3, 4]))
  bad = write_sequence_examples(tmp_path / "b.tfrecords", _examples([4] * 4))
  data = bytearray(open(bad, "rb").read())
  data[len(data) * 5 // 8] ^= 0xFF  # inside the third record
  open(bad, "wb").write(bytes(data))
  assert readers.locate_bad_record([good]) is None
  where = readers.locate_bad_record([good, bad])
  assert where.startswith("%s record 2: " % bad), where
  assert readers.count_timesteps([good], "y") == (7, 2)


def test_sequence_input_reads_every_record_once_per_epoch(h, tmp_path):
  a = write_sequence_examples(tmp_path / "a.tfrecords", _examples([3, 1]))
  b = write_sequence_examples(tmp_path / "b.tfrecords", _examples([2]))
  key, sequences, length = readers.sequence_input(
      [a, b], SPEC, num_epochs=2, shuffle=False)
  assert sequences["x"].get_shape().as_list() == [None, 2]
  h.init_variables()
  h.start_queue_runners()
  seen = []
  while True:
    try:
      k, x, y, n = h.run([key, sequences["x"], sequences["y"], length])
    except tf.errors.OutOfRangeError:
      break
    assert x.shape == (n, 2) and list(y) == list(range(n))
    assert np.all(x[:, 1] == np.arange(n))
    seen.append((k.decode().rsplit(":", 1)[0], int(n)))
  assert seen == [(a, 3), (a, 1), (b, 2)] * 2


def test_sequence_input_without_files():
  with pytest.raises(InputDataError, match="no files"):
    readers.sequence_input([], SPEC)
