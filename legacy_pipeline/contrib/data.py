"""TF 1.15's tf.contrib.data names that tf.data.experimental dropped.

Each is a thin, faithful port over public ``tf.data`` (TF 1.15's own
deprecation notes name the replacement each one wraps):
``batch_and_drop_remainder`` / ``padded_batch_and_drop_remainder`` (batch with
``drop_remainder=True``), ``sliding_window_batch`` (``Dataset.window`` then a
batch per window), ``sloppy_interleave`` (``parallel_interleave`` with
``sloppy=True``), ``assert_element_shape`` (static shapes merged at build
time, checked per element at run time), ``reduce_dataset`` and
``read_batch_features``.  The datasets returned are ``tf.compat.v1.data``
datasets (``make_one_shot_iterator`` etc. work), graph mode as in TF 1.15.

Compatibility: TF 1.15 and TF 2.x.  ``sliding_window_batch`` builds
``window``/``flat_map`` ops instead of contrib's SlidingWindowDataset kernel
(same elements, same static shapes); ``assert_element_shape`` builds a ``map``
of ``EnsureShape`` ops instead of contrib's restructured dataset (same
elements and static shapes; a mismatch is an ``InvalidArgumentError`` at run
time in both).
"""
from __future__ import absolute_import, division, print_function

import numpy as np

from legacy_pipeline._tf import tf, tf1

__all__ = [
    "assert_element_shape",
    "batch_and_drop_remainder",
    "padded_batch_and_drop_remainder",
    "read_batch_features",
    "reduce_dataset",
    "sliding_window_batch",
    "sloppy_interleave",
]


def batch_and_drop_remainder(batch_size):
  """Batches consecutive elements and drops a final batch that is too small.

  Args:
    batch_size: int64 scalar, elements per batch.

  Returns:
    A transformation for ``Dataset.apply``: ``dataset.batch(batch_size,
    drop_remainder=True)``, whose batch dimension is static when
    `batch_size` is a constant.
  """

  def _apply_fn(dataset):
    return dataset.batch(batch_size, drop_remainder=True)

  return _apply_fn


def padded_batch_and_drop_remainder(batch_size, padded_shapes,
                                    padding_values=None):
  """``padded_batch`` that drops a final batch smaller than `batch_size`.

  Args:
    batch_size: int64 scalar, elements per batch.
    padded_shapes: nested ``TensorShape`` or int64 vectors, as for
      ``Dataset.padded_batch``.
    padding_values: optional nested scalars to pad with.

  Returns:
    A transformation for ``Dataset.apply``.
  """

  def _apply_fn(dataset):
    return dataset.padded_batch(batch_size, padded_shapes=padded_shapes,
                                padding_values=padding_values,
                                drop_remainder=True)

  return _apply_fn


def sliding_window_batch(window_size, stride=None, window_shift=None,
                         window_stride=1):
  """Batches of `window_size` elements taken from a window sliding over input.

  ``{[1], [2], [3], [4], [5], [6]}`` with ``window_size=3`` gives
  ``[[1], [2], [3]], [[2], [3], [4]], [[3], [4], [5]], [[4], [5], [6]]``;
  with ``window_shift=2``, ``[[1], [2], [3]], [[3], [4], [5]]``; with
  ``window_stride=2``, ``[[1], [3], [5]], [[2], [4], [6]]``.  A window that
  cannot be filled is dropped.

  Args:
    window_size: int64 scalar > 0, elements per window.
    stride: deprecated name of `window_shift`.
    window_shift: int64 scalar > 0, how far each window moves on (default 1).
    window_stride: int64 scalar > 0, step between the elements of a window.

  Returns:
    A transformation for ``Dataset.apply``; each output component has an
    unknown leading (window) dimension, as in TF 1.15.

  Raises:
    ValueError: both `stride` and `window_shift` are given.
  """
  if stride is None and window_shift is None:
    window_shift = 1
  elif stride is not None and window_shift is None:
    window_shift = stride
  elif stride is not None and window_shift is not None:
    raise ValueError("Cannot specify both `stride` and `window_shift`")

  def _batch_window(*windows):
    windows = windows[0] if len(windows) == 1 else windows
    batched = tf.nest.map_structure(lambda w: w.batch(window_size), windows)
    if isinstance(batched, tf.data.Dataset):
      return batched
    return tf1.data.Dataset.zip(batched)

  def _apply_fn(dataset):
    return dataset.window(window_size, shift=window_shift,
                          stride=window_stride,
                          drop_remainder=True).flat_map(_batch_window)

  return _apply_fn


def sloppy_interleave(map_func, cycle_length, block_length=1):
  """``parallel_interleave`` with ``sloppy=True``: elements in any order.

  Args:
    map_func: element -> ``Dataset``.
    cycle_length: number of input datasets read in parallel.
    block_length: consecutive elements taken from one input dataset.

  Returns:
    A transformation for ``Dataset.apply``.
  """
  return tf1.data.experimental.parallel_interleave(
      map_func, cycle_length, block_length, sloppy=True)


def _flatten_up_to(structure, value):
  """`value`'s parts at the leaves of `structure` (a leaf takes all of it)."""
  if not tf.nest.is_nested(structure):
    return [value]
  if isinstance(structure, dict):
    if sorted(structure) != sorted(value):
      raise ValueError("The two structures don't have the same keys: %r vs "
                       "%r" % (sorted(structure), sorted(value)))
    keys = sorted(structure)
    pairs = [(structure[k], value[k]) for k in keys]
  else:
    if len(structure) != len(value):
      raise ValueError("The two structures don't have the same sequence "
                       "length: %d vs %d" % (len(structure), len(value)))
    pairs = zip(structure, value)
  out = []
  for s, v in pairs:
    out.extend(_flatten_up_to(s, v))
  return out


def assert_element_shape(expected_shapes):
  """Merges `expected_shapes` into the static shapes and checks each element.

  Args:
    expected_shapes: nested ``tf.TensorShape`` objects, one per component of
      the dataset's elements; unknown dimensions are not checked, a shape of
      unknown rank skips its component.

  Returns:
    A transformation for ``Dataset.apply``.  Its dataset's
    ``output_shapes`` are the input's merged with `expected_shapes`; an
    element whose shape does not match raises ``InvalidArgumentError`` when
    it is produced.

  Raises:
    ValueError: (when applied) the static shapes are incompatible, or the
      structures differ.
  """

  def _apply_fn(dataset):
    shapes = tf1.data.get_output_shapes(dataset)
    classes = tf.nest.flatten(tf1.data.get_output_classes(dataset))
    flat_shapes = tf.nest.flatten(shapes)
    flat_expected = [tf.TensorShape(s) for s in
                     _flatten_up_to(shapes, expected_shapes)]
    for have, want in zip(flat_shapes, flat_expected):
      have.merge_with(want)  # ValueError when incompatible, as in TF 1.15.

    def _check(*elements):
      flat = tf.nest.flatten(elements[0] if len(elements) == 1 else elements)
      checked = []
      for tensor, want, cls in zip(flat, flat_expected, classes):
        if want.ndims is not None and not issubclass(cls, tf.SparseTensor):
          tensor = tf.ensure_shape(tensor, want)
        checked.append(tensor)
      return tf.nest.pack_sequence_as(shapes, checked)

    return dataset.map(_check)

  return _apply_fn


def reduce_dataset(dataset, reducer):
  """Reduces all of `dataset` with a ``tf.data.experimental.Reducer``.

  Args:
    dataset: a ``tf.data.Dataset``.
    reducer: a ``Reducer``; its ``init_func`` gets the key ``np.int64(0)``.

  Returns:
    The nested tensors of the final reduction state (``finalize_func`` is not
    applied, as in TF 1.15).

  Raises:
    TypeError: `dataset` is not a ``tf.data.Dataset``.
  """
  if not isinstance(dataset, tf.data.Dataset):
    raise TypeError("`dataset` must be a `tf.data.Dataset` object.")
  return dataset.reduce(reducer.init_func(np.int64(0)), reducer.reduce_func)


def read_batch_features(file_pattern, batch_size, features, reader=None,
                        reader_args=None, randomize_input=True,
                        num_epochs=None, capacity=10000):
  """Reads batches of parsed ``Example`` protos from files (one-shot iterator).

  Args:
    file_pattern: file path(s) or glob pattern(s) of ``Example`` records.
    batch_size: examples per batch.
    features: dict of feature key -> ``FixedLenFeature``/``VarLenFeature``.
    reader: fn(filenames, *reader_args) -> ``Dataset`` of serialized
      examples (default ``tf.data.TFRecordDataset``).
    reader_args: extra arguments for `reader`.
    randomize_input: shuffle files and examples.
    num_epochs: passes over the data; None repeats forever.
    capacity: shuffle buffer size.

  Returns:
    A dict of feature key -> ``Tensor`` or ``SparseTensor``: the next batch
    of a one-shot iterator (``OutOfRangeError`` after `num_epochs`).
  """
  dataset = tf1.data.experimental.make_batched_features_dataset(
      file_pattern, batch_size, features,
      reader=reader if reader is not None else tf1.data.TFRecordDataset,
      reader_args=reader_args, shuffle=randomize_input,
      num_epochs=num_epochs, shuffle_buffer_size=capacity)
  return tf1.data.make_one_shot_iterator(dataset).get_next()
