"""A UEA multivariate time-series classification set as SequenceExample files.

    python examples/uea_to_tfrecords.py --out DIR [--dataset JapaneseVowels]

The UEA archive's sets ship inside the ``aeon`` wheel on PyPI (as ``.ts``
files under ``aeon/datasets/data/<name>/``).  This script takes them from the
wheel itself -- ``pip download --no-deps aeon==<version>`` into a cache, or a
wheel given with ``--wheel`` -- so neither aeon nor its dependencies need to
be installed, and writes:

* ``train.tfrecords`` -- the archive's TRAIN split minus a held-out part, in
  the archive's order (records grouped by class, as the archive ships them);
* ``valid.tfrecords`` -- ``--valid-fraction`` of TRAIN, stratified by class and
  seeded: the files that pick the best checkpoint and stop training early;
* ``test.tfrecords`` -- the archive's TEST split, untouched until the end;
* ``meta.json`` -- classes, dimensions, lengths and counts.

Each record is a SequenceExample: the sequence feature ``x`` (float, one value
per dimension per step, z-normalized per dimension with the TRAIN statistics)
and the int64 context feature ``label`` (the class index, 0-based, in the
order of the archive's ``@classLabel`` line).  Train on it with::

    python -m legacy_pipeline.train --train-files DIR/train.tfrecords \\
        --eval-files DIR/valid.tfrecords --test-files DIR/test.tfrecords \\
        --sequence-feature x --feature-shape <dims> --label-context label \\
        --num-classes <classes>
"""
from __future__ import absolute_import, division, print_function

import argparse
import json
import os
import subprocess
import sys
import zipfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from legacy_pipeline import quiet  # noqa: E402

AEON_VERSION = "1.6.0"
DATA_PREFIX = "aeon/datasets/data/"


class TsFormatError(ValueError):
  """A .ts file this reader cannot parse (the message names file and line)."""


def fetch_wheel(cache_dir, version=AEON_VERSION):
  """The path of aeon's wheel in `cache_dir`, downloaded if missing."""
  name = "aeon-%s-py3-none-any.whl" % version
  path = os.path.join(cache_dir, name)
  if not os.path.exists(path):
    if not os.path.isdir(cache_dir):
      os.makedirs(cache_dir)
    print("downloading aeon==%s (the wheel only, no dependencies) into %s" %
          (version, cache_dir))
    subprocess.check_call([
        sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
        "--disable-pip-version-check", "--dest", cache_dir,
        "aeon==%s" % version])
  if not os.path.exists(path):
    raise SystemExit("error: pip did not leave %s" % path)
  return path


def parse_ts(text, where):
  """(series, labels, class_names) of the text of a UEA ``.ts`` file.

  Args:
    text: the file's text.
    where: name used in error messages.

  Returns:
    series: list of float32 arrays [length, dimensions]; labels: list of class
    names (strings); class_names: the ``@classLabel`` names in order.

  Raises:
    TsFormatError: no ``@classLabel`` / ``@data``, a case whose dimensions
      differ in length or in number, a missing value, or a label not declared.
  """
  class_names, series, labels = None, [], []
  in_data = False
  for number, line in enumerate(text.splitlines(), 1):
    line = line.strip()
    if not line or line.startswith("#"):
      continue
    if not in_data:
      lower = line.lower()
      if lower.startswith("@classlabel"):
        words = line.split()
        if len(words) < 3 or words[1].lower() != "true":
          raise TsFormatError("%s:%d: no class labels declared" % (where,
                                                                   number))
        class_names = words[2:]
      elif lower.startswith("@data"):
        in_data = True
      continue
    parts = line.split(":")
    label, dims = parts[-1].strip(), parts[:-1]
    try:
      values = [[float(v) for v in d.split(",")] for d in dims]
    except ValueError:
      raise TsFormatError("%s:%d: a missing or non-numeric value" %
                          (where, number))
    if len(set(len(v) for v in values)) != 1:
      raise TsFormatError("%s:%d: dimensions of different lengths" %
                          (where, number))
    if series and len(values) != series[0].shape[1]:
      raise TsFormatError("%s:%d: %d dimensions, the first case has %d" % (
          where, number, len(values), series[0].shape[1]))
    if class_names is None or label not in class_names:
      raise TsFormatError("%s:%d: label %r is not in @classLabel %s" % (
          where, number, label, class_names))
    series.append(np.asarray(values, np.float32).T)
    labels.append(label)
  if class_names is None or not series:
    raise TsFormatError("%s: no @classLabel line or no cases" % where)
  return series, labels, class_names


def read_split(wheel, dataset, split):
  """parse_ts of ``<dataset>_<split>.ts`` inside `wheel`."""
  member = "%s%s/%s_%s.ts" % (DATA_PREFIX, dataset, dataset, split)
  with zipfile.ZipFile(wheel) as z:
    try:
      text = z.read(member).decode("utf-8")
    except KeyError:
      sets = sorted({n[len(DATA_PREFIX):].split("/")[0] for n in z.namelist()
                     if n.startswith(DATA_PREFIX) and n.endswith("_TRAIN.ts")})
      raise SystemExit("error: %s has no %s; sets with a TRAIN split: %s" % (
          os.path.basename(wheel), member, ", ".join(sets)))
  return parse_ts(text, member)


def stratified_split(labels, fraction, seed):
  """(kept, held out) index lists: `fraction` of each class held out."""
  rng = np.random.RandomState(seed)
  held = set()
  for label in sorted(set(labels)):
    members = [i for i, l in enumerate(labels) if l == label]
    count = int(round(fraction * len(members)))
    held.update(rng.choice(members, count, replace=False).tolist())
  kept = [i for i in range(len(labels)) if i not in held]
  return kept, sorted(held)


def write_records(path, series, classes):
  """Writes one SequenceExample per case (``x`` per step, ``label``)."""
  tf = quiet.quiet_tensorflow()
  with tf.io.TFRecordWriter(path) as writer:
    for x, c in zip(series, classes):
      ex = tf.train.SequenceExample()
      ex.context.feature["label"].int64_list.value.append(int(c))
      steps = ex.feature_lists.feature_list["x"]
      for row in x:
        steps.feature.add().float_list.value.extend(row.tolist())
      writer.write(ex.SerializeToString())


def convert(wheel, dataset, out_dir, valid_fraction=0.2, seed=0):
  """Writes the files of the module docstring; returns the meta dict."""
  train_x, train_y, names = read_split(wheel, dataset, "TRAIN")
  test_x, test_y, test_names = read_split(wheel, dataset, "TEST")
  if test_names != names:
    raise SystemExit("error: TRAIN and TEST declare different classes")
  index = {n: i for i, n in enumerate(names)}
  kept, held = stratified_split(train_y, valid_fraction, seed)
  steps = np.concatenate([train_x[i] for i in kept])
  mean, std = steps.mean(axis=0), steps.std(axis=0)
  std = np.where(std > 0, std, 1.0)

  def norm(xs):
    return [((x - mean) / std).astype(np.float32) for x in xs]

  if not os.path.isdir(out_dir):
    os.makedirs(out_dir)
  splits = {"train": kept, "valid": held}
  for split, ids in sorted(splits.items()):
    write_records(os.path.join(out_dir, "%s.tfrecords" % split),
                  norm([train_x[i] for i in ids]),
                  [index[train_y[i]] for i in ids])
  write_records(os.path.join(out_dir, "test.tfrecords"), norm(test_x),
                [index[y] for y in test_y])
  lengths = [len(x) for x in train_x + test_x]
  meta = {"dataset": dataset, "source": "aeon wheel %s" % os.path.basename(
      wheel), "classes": names, "num_classes": len(names),
          "dimensions": int(train_x[0].shape[1]),
          "length_min": min(lengths), "length_max": max(lengths),
          "train": len(kept), "valid": len(held), "test": len(test_x),
          "valid_fraction": valid_fraction, "seed": seed,
          "normalization": "per dimension, TRAIN-minus-valid mean and std"}
  with open(os.path.join(out_dir, "meta.json"), "w") as f:
    json.dump(meta, f, indent=1, sort_keys=True)
  return meta


def main(argv=None):
  p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  p.add_argument("--out", required=True, help="output directory")
  p.add_argument("--dataset", default="JapaneseVowels",
                 help="a UEA set in the aeon wheel (e.g. JapaneseVowels, "
                 "BasicMotions)")
  p.add_argument("--wheel", default=None,
                 help="aeon's wheel (default: downloaded into --cache)")
  p.add_argument("--cache", default=os.path.join(
      os.path.expanduser("~"), ".cache", "legacy_pipeline"),
                 help="where the downloaded wheel is kept")
  p.add_argument("--valid-fraction", type=float, default=0.2)
  p.add_argument("--seed", type=int, default=0)
  args = p.parse_args(argv)
  if not 0.0 < args.valid_fraction < 1.0:
    p.error("--valid-fraction must be in (0, 1)")
  wheel = args.wheel or fetch_wheel(args.cache)
  meta = convert(wheel, args.dataset, args.out, args.valid_fraction,
                 args.seed)
  print("%(dataset)s: %(train)d train, %(valid)d valid, %(test)d test "
        "sequences; %(dimensions)d dimensions, %(num_classes)d classes, "
        "lengths %(length_min)d-%(length_max)d" % meta)
  return meta


if __name__ == "__main__":
  main()
