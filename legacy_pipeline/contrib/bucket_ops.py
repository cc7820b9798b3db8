"""bucket, bucket_by_sequence_length: TF 1.15's tf.contrib.training bucketing.

Queue-based, as in TF 1.15: each element goes to one of ``num_buckets``
bucket queues (a ``FIFOQueue``, or a ``PaddingFIFOQueue`` with
``dynamic_pad``); one queue-runner thread per bucket dequeues full batches
(``dequeue_many``, or ``dequeue_up_to`` with ``allow_smaller_final_batch``)
into a top ``PaddingFIFOQueue`` of ``(bucket id, batch)`` entries, which the
returned tensors dequeue.  Two queue runners are registered in the graph's
``QUEUE_RUNNERS`` collection, exactly as TF 1.15 registers them: one
(attached to bucket queue 0) for the bucket->top threads, whose last thread
closes the top queue, and one (attached to the top queue) for the
``num_threads`` input threads, whose last thread closes the bucket queues.
At the end of input the remaining partial batches come out (with
``allow_smaller_final_batch``) and then the dequeue raises
``tf.errors.OutOfRangeError``.

Sparse inputs are stored in a ``SparseTensorsMap`` on the way in and taken
back on the way out, as TF 1.15's batching does.

Behaviours kept from TF 1.15 on purpose, because programs see them:

* the per-bucket summaries ``bucket/<bucket queue>/size`` report the *top*
  queue's size (as TF 1.15's do), plus ``bucket/<top queue>/fraction_of_<
  capacity>_full``;
* ``bucket`` of a one-element list returns the batched tensor itself, not a
  one-element list;
* ``bucket_by_sequence_length`` of a one-key dict returns
  ``{key: [batched tensor]}`` (a list in the dict);
* the static batch dimension is known only when ``batch_size`` is one
  static number and ``allow_smaller_final_batch`` is False.

Differences: a tuple ``tensors`` is accepted by ``bucket_by_sequence_length``
(TF 1.15 fails to concatenate it); the ``SparseTensorsMap`` of a sparse input
gets an explicit shared name, so that it is found again when ``keep_input``
puts the store inside a ``tf.cond`` (TF 2.x's functional cond hides the
store op, which TF 1.15's lookup relies on).

Compatibility: graph mode only (``tf.compat.v1``), TF 1.15 and TF 2.x.
"""
from __future__ import absolute_import, division, print_function

import functools

import numpy as np

from legacy_pipeline._tf import raw, require_graph_mode, tf, tf1

__all__ = ["bucket", "bucket_by_sequence_length"]

_QUEUE_CLOSED = (tf.errors.OutOfRangeError, tf.errors.CancelledError)


# ----------------------------------------------------------------------------
# Helpers shared by the two entry points: lists and dicts, sparse storage,
# keep_input and shape checks (TF 1.15's batching conventions).


def _as_tensor_list(tensors):
  """A dict's values sorted by str(key), else `tensors` unchanged."""
  if isinstance(tensors, dict):
    return [tensors[k] for k in sorted(tensors, key=str)]
  return tensors


def _as_original_type(original, tensor_list):
  """The inverse of _as_tensor_list (a one-key dict wraps its value)."""
  if isinstance(original, dict):
    if len(original) == 1:
      tensor_list = [tensor_list]
    return {k: tensor_list[i]
            for i, k in enumerate(sorted(original, key=str))}
  return tensor_list


def _to_tensor(value):
  """A Tensor, or a SparseTensor (from a SparseTensorValue too)."""
  if isinstance(value, tf1.SparseTensorValue):
    return tf.SparseTensor.from_value(value)
  if isinstance(value, (tf.SparseTensor, tf.IndexedSlices)):
    return value
  return tf.convert_to_tensor(value)


def _validate_bucket(tensor_list):
  tensor_list = [_to_tensor(t) for t in tensor_list]
  if not tensor_list:
    raise ValueError("Expected at least one tensor in bucket().")
  return tensor_list


def _validate_keep_input(keep_input):
  """keep_input as a scalar tensor (bucket enqueues one element at a time).

  Raises:
    ValueError: unknown rank, or rank 1 or more.
  """
  keep_input = tf.convert_to_tensor(keep_input)
  ndims = keep_input.shape.ndims
  if ndims is None:
    raise ValueError(
        "`keep_input` dimensions must be known at graph construction.")
  if ndims == 1:
    raise ValueError(
        "`keep_input` cannot be a vector when `enqueue_many=False`.")
  if ndims > 1:
    raise ValueError("`keep_input` must be 0 or 1 dimensions.")
  return keep_input


def _smart_cond(pred, true_fn, false_fn):
  """true_fn() or false_fn() when `pred` is static, else a tf.cond."""
  static = tf.get_static_value(pred)
  if static is not None:
    return true_fn() if static else false_fn()
  return tf1.cond(pred, true_fn, false_fn)


class _SparseSlot(object):
  """Where a sparse component went: its map's shared name, dtype and rank."""

  def __init__(self, shared_name, dtype, rank):
    self.shared_name = shared_name
    self.dtype = dtype
    self.rank = rank  # of one element, or None


def _store_sparse_tensors(tensor_list, keep_input):
  """Replaces each SparseTensor by a [1] int64 handle into a tensors map.

  A rejected element (keep_input False at run time) stores nothing and gets
  the handle -1.

  Returns:
    (stored list, slots): slots[i] is a _SparseSlot for a sparse component,
    None for a dense one.
  """
  stored, slots = [], []
  for t in tensor_list:
    if not isinstance(t, tf.SparseTensor):
      stored.append(t)
      slots.append(None)
      continue
    graph = tf1.get_default_graph()
    shared_name = graph.unique_name("SparseTensorsMap", mark_as_used=True)
    rank = tf.compat.dimension_value(t.dense_shape.shape.with_rank(1)[0])

    def store(t=t, shared_name=shared_name):
      return raw.AddSparseToTensorsMap(
          sparse_indices=t.indices, sparse_values=t.values,
          sparse_shape=t.dense_shape, container="", shared_name=shared_name)

    handle = _smart_cond(keep_input, store,
                         lambda: tf.constant(-1, tf.int64))
    stored.append(tf.expand_dims(handle, -1))
    slots.append(_SparseSlot(shared_name, t.values.dtype, rank))
  return stored, slots


def _restore_sparse_tensors(stored, slots):
  """Takes the batched handles back out of their maps as SparseTensors.

  Every output waits for every restored component, so that one run takes
  all the components of a batch out of their maps together.
  """
  is_sequence = isinstance(stored, (list, tuple))
  if not is_sequence:
    stored = [stored]
  tensors = []
  for s, slot in zip(stored, slots):
    if slot is None:
      tensors.append(s)
      continue
    indices, values, shape = raw.TakeManySparseFromTensorsMap(
        sparse_handles=tf.squeeze(s, [1]), dtype=slot.dtype, container="",
        shared_name=slot.shared_name)
    rank = None if slot.rank is None else slot.rank + 1
    indices.set_shape([None, rank])
    shape.set_shape([rank])
    tensors.append(tf.SparseTensor(indices, values, shape))
  if any(slot is not None for slot in slots):
    anchors = [t.values if isinstance(t, tf.SparseTensor) else t
               for t in tensors]

    def after_all(x):
      with tf1.name_scope(None, "control_dependency", anchors + [x]) as scope:
        with tf1.control_dependencies(anchors):
          return tf.identity(x, name=scope)

    tensors = [
        tf.SparseTensor(after_all(t.indices), after_all(t.values),
                        after_all(t.dense_shape))
        if isinstance(t, tf.SparseTensor) else after_all(t)
        for t in tensors]
  return tensors if is_sequence else tensors[0]


def _shapes(tensor_list, shapes):
  """The element shapes: `shapes` if given, else the inferred ones.

  Raises:
    ValueError: shapes is None and a tensor's rank is unknown.
  """
  if shapes is not None:
    return shapes
  for t in tensor_list:
    if t.shape.ndims is None:
      raise ValueError("Cannot infer Tensor's rank: %s" % t)
  return [t.shape.as_list() for t in tensor_list]


# ----------------------------------------------------------------------------
# The entry points.


def bucket(tensors,
           which_bucket,
           batch_size,
           num_buckets,
           num_threads=1,
           capacity=32,
           bucket_capacities=None,
           shapes=None,
           dynamic_pad=False,
           allow_smaller_final_batch=False,
           keep_input=True,
           shared_name=None,
           name=None):
  """Batches elements per bucket: ``(bucket id, batch)`` of one bucket a run.

  Each element of `tensors` goes into the bucket queue `which_bucket`; when
  a bucket holds a batch, the batch moves to a top queue; the returned
  tensors dequeue the top queue.  The queue runners are added to the graph's
  ``QUEUE_RUNNERS`` collection (start them with
  ``tf.compat.v1.train.start_queue_runners``).

  Args:
    tensors: list or dict of tensors (dense or SparseTensor) of one element.
      Nested lists are not supported.
    which_bucket: int32 scalar in ``[0, num_buckets)``.
    batch_size: python int or int32 scalar tensor, or a list of
      `num_buckets` of them (one per bucket).
    num_buckets: python int.
    num_threads: number of threads enqueuing `tensors`.
    capacity: capacity of the top queue (in batches) and, by default, of
      each bucket queue (in elements).
    bucket_capacities: None, or `num_buckets` ints: bucket queue capacities.
    shapes: the element shapes; default: the static shapes of `tensors`
      (which must be fully defined unless `dynamic_pad`).
    dynamic_pad: pad the None dimensions of the shapes to the longest in
      each batch (0, or "" for strings).
    allow_smaller_final_batch: at the end of input, give out each bucket's
      remaining elements as a smaller batch (the batch dimension is then
      None statically).
    keep_input: bool scalar: False drops the element.
    shared_name: if set, the queues are shared under this name (bucket
      queue i under ``shared_name_i``).
    name: name scope (default ``bucket``).

  Returns:
    ``(bucket, outputs)``: the int32 scalar bucket id of the batch, and the
    batched `tensors` ([batch, ...] each) as a list or dict like `tensors`
    (a one-element list gives the tensor itself).

  Raises:
    ValueError: a list `batch_size` or `bucket_capacities` whose length is
      not `num_buckets`; no tensors; `keep_input` not a scalar; shapes that
      cannot be inferred.
    GraphModeError: called while executing eagerly.
    tf.errors.OutOfRangeError: (at run time) the input has ended and every
      batch has been given out.
  """
  require_graph_mode("bucket")
  per_bucket_batch_size, batch_size, bucket_capacities = _bucket_sizes(
      batch_size, num_buckets, bucket_capacities, capacity)
  tensor_list = _as_tensor_list(tensors)
  with tf1.name_scope(name, "bucket", tensor_list) as name:
    tensor_list = _validate_bucket(tensor_list)
    keep_input = _validate_keep_input(keep_input)
    tensor_list, sparse_slots = _store_sparse_tensors(tensor_list, keep_input)
    batch_size, static_batch_size = _static_batch_sizes(batch_size)
    shapes = _shapes(tensor_list, shapes)
    which_bucket = tf.convert_to_tensor(
        which_bucket, dtype=tf.int32, name="which_bucket")
    bucket_queues, top_queue = _bucket_queues(
        tensor_list, shapes, bucket_capacities, capacity, dynamic_pad,
        shared_name, None if allow_smaller_final_batch or
        per_bucket_batch_size else static_batch_size)
    _add_bucket_queue_runners(
        bucket_queues, top_queue, tensor_list, which_bucket, keep_input,
        batch_size, num_threads, allow_smaller_final_batch)
    _add_bucket_summaries(bucket_queues, top_queue, capacity)
    return _dequeue_top(top_queue, sparse_slots, tensors)


def _dequeue_top(top_queue, sparse_slots, tensors):
  """``(bucket id, batch)`` from the top queue, sparse tensors restored.

  Args:
    top_queue: the top queue.
    sparse_slots: the `_SparseSlot` (or None) of each tensor.
    tensors: bucket's `tensors` (a list or dict).

  Returns:
    ``(bucket, outputs)`` as `bucket` returns them.
  """
  dequeued = top_queue.dequeue(name="dequeue_top")
  bucket_id, dequeued = dequeued[0], dequeued[1:]
  if len(dequeued) == 1:
    dequeued = dequeued[0]
  dequeued = _restore_sparse_tensors(dequeued, sparse_slots)
  return bucket_id, _as_original_type(tensors, dequeued)


def _bucket_sizes(batch_size, num_buckets, bucket_capacities, capacity):
  """bucket's batch sizes and bucket capacities, one per bucket.

  Args:
    batch_size: one batch size, or a list of `num_buckets` of them.
    num_buckets: python int.
    bucket_capacities: None, or `num_buckets` ints.
    capacity: the default bucket capacity.

  Returns:
    (per_bucket_batch_size, batch_sizes, bucket_capacities): whether
    `batch_size` was a list, and the two lists.

  Raises:
    ValueError: a list `batch_size` or `bucket_capacities` whose length is
      not `num_buckets`.
  """
  per_bucket_batch_size = False
  if isinstance(batch_size, (list, tuple)):
    per_bucket_batch_size = True
    if len(batch_size) != num_buckets:
      raise ValueError(
          "If batch_size is a list it must have num_buckets elements")
  else:
    batch_size = [batch_size] * num_buckets
  batch_size = list(batch_size)

  if bucket_capacities is None:
    bucket_capacities = [capacity] * num_buckets
  if len(bucket_capacities) != num_buckets:
    raise ValueError(
        "The list bucket_capacities (%s) must have exactly num_buckets (%d) "
        "elements." % (str(bucket_capacities), num_buckets))
  return per_bucket_batch_size, batch_size, bucket_capacities


def _static_batch_sizes(batch_size):
  """(sizes, last static size): each a python int where static.

  Each batch size becomes a python int where it is static (TF 1.15 makes
  the same "batch_size" constants); the second value is the last size's
  static value (None if dynamic).
  """
  static_batch_size = None
  for i, size in enumerate(batch_size):
    size = tf.convert_to_tensor(size, dtype=tf.int32, name="batch_size")
    static_batch_size = tf.get_static_value(size)
    batch_size[i] = size if static_batch_size is None else static_batch_size
  return batch_size, static_batch_size


def _bucket_queues(tensor_list, shapes, bucket_capacities, capacity,
                   dynamic_pad, shared_name, batch_dim):
  """Creates the bucket queues and the top queue of `bucket`.

  Args:
    tensor_list: the (stored) tensors of one element.
    shapes: their element shapes.
    bucket_capacities: the bucket queues' capacities.
    capacity: the top queue's capacity.
    dynamic_pad: padding bucket queues.
    shared_name: None, or the queues' shared name.
    batch_dim: the static batch dimension: the last batch size seen, known
      only for one shared size and full batches (else None).

  Returns:
    (bucket_queues, top_queue).
  """
  types = [t.dtype for t in tensor_list]
  queue_class = tf1.PaddingFIFOQueue if dynamic_pad else tf1.FIFOQueue
  bucket_queues = [
      queue_class(
          capacity=bucket_capacities[i], dtypes=types, shapes=shapes,
          shared_name=(None if shared_name is None else
                       "%s_%d" % (shared_name, i)),
          name="bucket_queue_%d" % i)
      for i in range(len(bucket_capacities))]
  batch_shapes = [tf.TensorShape([batch_dim]).concatenate(s)
                  for s in bucket_queues[0].shapes]
  # A padding queue even without dynamic_pad: its shapes may start with
  # None, which a FIFOQueue refuses.
  top_queue = tf1.PaddingFIFOQueue(
      capacity=capacity, dtypes=[tf.int32] + types,
      shapes=[tf.TensorShape([])] + batch_shapes,
      shared_name=shared_name, name="top_queue")
  return bucket_queues, top_queue


def _add_bucket_queue_runners(bucket_queues, top_queue, tensor_list,
                              which_bucket, keep_input, batch_size,
                              num_threads, allow_smaller_final_batch):
  """Registers `bucket`'s two queue runners, as TF 1.15 does.

  Args:
    bucket_queues: the bucket queues.
    top_queue: the top queue.
    tensor_list: the (stored) tensors of one element.
    which_bucket: int32 scalar, the element's bucket.
    keep_input: bool scalar: False drops the element.
    batch_size: the batch size of each bucket.
    num_threads: number of threads enqueuing the element.
    allow_smaller_final_batch: read with ``dequeue_up_to``.
  """
  num_buckets = len(bucket_queues)

  def enqueue_in_its_bucket():
    def enqueue_in(i):
      return bucket_queues[i].enqueue(tensor_list)
    return tf.group(*[
        tf1.cond(tf.equal(which_bucket, i),
                 functools.partial(enqueue_in, i), tf.no_op)
        for i in range(num_buckets)], name="group_enqueues")

  maybe_enqueue = _smart_cond(keep_input, enqueue_in_its_bucket, tf.no_op)

  def read_batch(queue, size, i):
    read = queue.dequeue_up_to if allow_smaller_final_batch else (
        queue.dequeue_many)
    batch = read(size, name="read_bucket_%d" % i)
    return list(batch) if isinstance(batch, (list, tuple)) else [batch]

  to_top = [
      top_queue.enqueue([tf.constant(i)] + read_batch(q, size, i),
                        name="enqueue_from_bucket_%d" % i)
      for i, (q, size) in enumerate(zip(bucket_queues, batch_size))]

  tf1.train.add_queue_runner(tf1.train.QueueRunner(
      bucket_queues[0], to_top,
      close_op=top_queue.close(),
      cancel_op=top_queue.close(cancel_pending_enqueues=True),
      queue_closed_exception_types=_QUEUE_CLOSED))
  tf1.train.add_queue_runner(tf1.train.QueueRunner(
      top_queue, [maybe_enqueue] * num_threads,
      close_op=tf.group(*[q.close() for q in bucket_queues]),
      cancel_op=tf.group(*[q.close(cancel_pending_enqueues=True)
                           for q in bucket_queues]),
      queue_closed_exception_types=_QUEUE_CLOSED))


def _add_bucket_summaries(bucket_queues, top_queue, capacity):
  """TF 1.15's summaries: each bucket's (the top queue's) size, fullness.

  Args:
    bucket_queues: the bucket queues (each gets a ``size`` summary, of the
      top queue's size, as in TF 1.15).
    top_queue: the top queue.
    capacity: the top queue's capacity.
  """
  for q in bucket_queues:
    tf1.summary.scalar("bucket/%s/size" % q.name,
                       tf.cast(top_queue.size(), tf.float32))
  tf1.summary.scalar(
      "bucket/%s/fraction_of_%d_full" % (top_queue.name, capacity),
      tf.cast(top_queue.size(), tf.float32) * (1. / capacity))


def bucket_by_sequence_length(input_length,
                              tensors,
                              batch_size,
                              bucket_boundaries,
                              num_threads=1,
                              capacity=32,
                              bucket_capacities=None,
                              shapes=None,
                              dynamic_pad=False,
                              allow_smaller_final_batch=False,
                              keep_input=True,
                              shared_name=None,
                              name=None):
  """`bucket` by length: bucket i holds ``b[i-1] <= input_length < b[i]``.

  With boundaries ``b`` there are ``len(b) + 1`` buckets: lengths below
  ``b[0]``, each ``[b[i-1], b[i])``, and lengths from ``b[-1]`` up.

  Args:
    input_length: int32 scalar, the element's sequence length.
    tensors: list or dict of tensors of one element (see `bucket`).
    batch_size: python int or int32 scalar, or one per bucket
      (``len(bucket_boundaries) + 1`` of them).
    bucket_boundaries: list or tuple of increasing python ints.
    num_threads: number of threads enqueuing `tensors`.
    capacity: top queue capacity and default bucket capacity.
    bucket_capacities: None, or ``len(bucket_boundaries) + 1`` ints.
    shapes: the element shapes of `tensors` (default: inferred).
    dynamic_pad: pad None dimensions to the longest in each batch.
    allow_smaller_final_batch: give out partial batches at the end of input.
    keep_input: bool scalar: False drops the element.
    shared_name: if set, the queues are shared under this name.
    name: name scope (default ``bucket_by_sequence_length``).

  Returns:
    ``(sequence_length, outputs)``: the int32 [batch] lengths and the
    batched `tensors`, a list or dict like `tensors`.

  Raises:
    TypeError: `bucket_boundaries` is not a list or tuple, or holds
      non-ints.
    ValueError: `bucket_boundaries` is empty or not increasing; see
      `bucket`.
    GraphModeError: called while executing eagerly.
    tf.errors.OutOfRangeError: (at run time) the input has ended and every
      batch has been given out.
  """
  require_graph_mode("bucket_by_sequence_length")
  tensor_list = list(_as_tensor_list(tensors))
  _check_bucket_boundaries(bucket_boundaries)

  with tf1.name_scope(name, "bucket_by_sequence_length",
                      [input_length] + tensor_list):
    input_length = tf.convert_to_tensor(
        input_length, dtype=tf.int32, name="input_length")
    which_bucket = _bucket_of_length(input_length, bucket_boundaries)

    if shapes is not None:
      shapes = [tf.TensorShape([])] + list(shapes)

    _, dequeued = bucket(
        tensors=[input_length] + tensor_list,
        which_bucket=which_bucket,
        batch_size=batch_size,
        num_buckets=len(bucket_boundaries) + 1,
        num_threads=num_threads,
        capacity=capacity,
        bucket_capacities=bucket_capacities,
        shapes=shapes,
        dynamic_pad=dynamic_pad,
        allow_smaller_final_batch=allow_smaller_final_batch,
        keep_input=keep_input,
        shared_name=shared_name)
    return dequeued[0], _as_original_type(tensors, dequeued[1:])


def _check_bucket_boundaries(bucket_boundaries):
  """Raises unless `bucket_boundaries` is a non-empty increasing int list.

  Raises:
    TypeError: `bucket_boundaries` is not a list or tuple, or holds
      non-ints.
    ValueError: `bucket_boundaries` is empty or not increasing.
  """
  if not isinstance(bucket_boundaries, (list, tuple)):
    raise TypeError(
        "bucket_boundaries must be a list or tuple, but received: %s" %
        bucket_boundaries)
  if not bucket_boundaries:
    raise ValueError("bucket_boundaries must not be empty")
  for lower, upper in zip(bucket_boundaries[:-1], bucket_boundaries[1:]):
    if not isinstance(lower, int) or not isinstance(upper, int):
      raise TypeError("bucket boundaries must be integers, but saw: %s and %s"
                      % (lower, upper))
    if lower >= upper:
      raise ValueError(
          "Buckets must contain sequential increasing lengths, but saw: "
          "%d before %d" % (lower, upper))


def _bucket_of_length(input_length, bucket_boundaries):
  """The int32 bucket of `input_length`: the first range that holds it."""
  # Bucket i is [lower[i], upper[i]): the first whose range holds the
  # length.
  lower = [np.iinfo(np.int32).min] + list(bucket_boundaries)
  upper = list(bucket_boundaries) + [np.iinfo(np.int32).max]
  in_range = tf.logical_and(tf.less_equal(lower, input_length),
                            tf.less(input_length, upper))
  return tf.cast(tf.reduce_min(tf1.where(in_range)), tf.int32)
