"""Shared rank, shape, dimension and key checks.

Static facts are checked while the graph is built; only what is unknown
statically becomes a run-time assertion.  Messages keep the wording of TF 1.15's
contrib state saver so that code matching on them keeps working.
"""
from __future__ import absolute_import, division, print_function

import numbers


from legacy_pipeline._tf import tf, tf1
from legacy_pipeline.errors import ArgumentError


def _join(parts):
  return tf.strings.join(parts)


def is_int(value):
  """True for a Python integer that is not a bool."""
  return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_num_unroll(num_unroll, caller):
  """The one check of num_unroll, run by every public entry point.

  Raises:
    ArgumentError (a TypeError and a ValueError): not a Python int (bools
      and tensors included), or not positive.
  """
  if not is_int(num_unroll):
    raise ArgumentError(
        "%s: Unsupported num_unroll expected int, got: %s (num_unroll must be "
        "a Python int > 0, the steps per segment)" % (caller, num_unroll))
  if num_unroll <= 0:
    raise ArgumentError("%s: num_unroll must be a positive int, got %d" %
                        (caller, num_unroll))


def static_int(value):
  """The Python int behind `value` (int or constant tensor), or None."""
  if isinstance(value, bool):
    return None
  if is_int(value):
    return int(value)
  if isinstance(value, (tf.Tensor, tf.Variable)):
    known = tf1.get_static_value(value)
    if known is not None and getattr(known, "ndim", 0) == 0:
      return int(known)
  return None


def check_rank(value, expected_rank):
  """Asserts the rank of `value`; static rank is checked at build time.

  Args:
    value: a Tensor.
    expected_rank: Python int or int32 scalar Tensor.

  Returns:
    An identity of `value` that runs the assertion and carries the known rank.

  Raises:
    ValueError: the static rank contradicts `expected_rank`.
  """
  message = _join(["Rank of tensor %s should be: " % value.name,
                   tf.strings.as_string(expected_rank), ", shape received:"])
  assertion = tf1.Assert(tf.equal(expected_rank, tf.rank(value)),
                         [message, tf.shape(value)])
  with tf.control_dependencies([assertion]):
    checked = tf.identity(value, name="rank_checked")
  known = static_int(expected_rank)
  if known is not None:
    try:
      checked.set_shape(checked.get_shape().with_rank(known))
    except ValueError as e:
      raise ValueError("Rank check failed for %s: %s" % (value.name, e))
  return checked


def check_shape(value, expected_shape):
  """Asserts that `value` has exactly `expected_shape`.

  Args:
    value: a Tensor.
    expected_shape: list of ints, TensorShape or int32 vector Tensor.

  Returns:
    An identity of `value` that runs the assertions.

  Raises:
    ValueError: the static shape contradicts `expected_shape`.
  """
  if isinstance(expected_shape, tf.TensorShape):
    expected_shape = expected_shape.as_list()
  if isinstance(expected_shape, tf.Tensor):
    known = tf1.get_static_value(expected_shape)
    if known is not None:
      expected_shape = [int(d) for d in known]
  if isinstance(expected_shape, tf.Tensor):
    value = check_rank(value, tf.size(expected_shape))
  else:
    value = check_rank(value, len(expected_shape))
  message = _join(["Shape of tensor %s should be: " % value.name,
                   tf.strings.as_string(expected_shape), ", shape received: ",
                   tf.strings.as_string(tf.shape(value))])
  assertion = tf1.Assert(
      tf.reduce_all(tf.equal(expected_shape, tf.shape(value))), [message])
  with tf.control_dependencies([assertion]):
    checked = tf.identity(value, name="shape_checked")
  if not isinstance(expected_shape, tf.Tensor):
    try:
      checked.set_shape(checked.get_shape().merge_with(expected_shape))
    except ValueError as e:
      raise ValueError("Shape check failed for %s: %s" % (value.name, e))
  return checked


def _key_suffix(key):
  """Message parts naming the example, or none."""
  return [] if key is None else ["; example key: ", key]


def check_dim0(value, expected_size, label, key=None):
  """Asserts that dimension 0 of `value` equals `expected_size`.

  Args:
    value: a Tensor of rank >= 1.
    expected_size: int32 scalar Tensor or Python int.
    label: name used in the message (``... tensor labeled <label> ...``).
    key: optional string scalar Tensor naming the example in the message.

  Returns:
    An identity of `value` that runs the assertion.
  """
  known = static_int(expected_size)
  if known is not None and value.get_shape().ndims:
    try:
      value.set_shape(
          tf.TensorShape([known]).concatenate(value.get_shape()[1:]).merge_with(
              value.get_shape()))
    except ValueError as e:
      raise ValueError("Dimensions check failed for %s: %s" % (label, e))
  message = _join(["Dimension 0 of tensor labeled %s should be: " % label,
                   tf.strings.as_string(expected_size), ", shape received: ",
                   tf.strings.as_string(tf.shape(value))] + _key_suffix(key))
  assertion = tf1.Assert(tf.equal(expected_size, tf.shape(value)[0]), [message])
  with tf.control_dependencies([assertion]):
    return tf.identity(value, name="dims_checked_%s" % label)


def check_multiple_of(value, multiple_of, what=None, key=None):
  """Asserts that the int32 scalar `value` is a non-zero multiple.

  Args:
    value: int32 scalar Tensor (a length).
    multiple_of: Python int or int32 scalar Tensor.
    what: how the message names the tensor; defaults to ``Tensor <name>``.
    key: optional string scalar Tensor naming the example in the message.

  Returns:
    An identity of `value` that runs the assertion.
  """
  what = what or "Tensor %s" % value.name
  assertion = tf1.Assert(
      tf.logical_and(tf.equal(tf.math.floormod(value, multiple_of), 0),
                     tf.not_equal(value, 0)),
      [_join(["%s should be a multiple of: " % what,
              tf.strings.as_string(multiple_of), ", but saw value: ",
              tf.strings.as_string(value), ". Consider setting pad=True."] +
             _key_suffix(key))])
  with tf.control_dependencies([assertion]):
    return tf.identity(value, name="multiple_of_checked")


def check_dict(value, what, caller):
  """Raises TypeError unless `value` is a dict (contrib raised AttributeError).

  Args:
    value: the argument.
    what: its name.
    caller: the public function, for the message.

  Raises:
    TypeError: not a dict.
  """
  if not isinstance(value, dict):
    raise TypeError("%s: %s must be a dict, got %s" %
                    (caller, what, type(value).__name__))


def check_names(names, kind):
  """Validates dict keys: strings without a colon.

  Args:
    names: iterable of keys.
    kind: "sequence", "context" or "state" for the message.

  Raises:
    TypeError: a key is not a string.
    ValueError: a key contains ':'.
  """
  for k in names:
    if not isinstance(k, str):
      raise TypeError("%s key must be a string: %r (Unsupported %s key "
                      "expected string)" % (kind, k, kind))
    if ":" in k:
      raise ValueError("%s key may not have a colon: '%s'" % (kind, k))


def check_fully_defined(kind, tensors, skip_first=False):
  """Raises ValueError if a shape (after dim 0 when skip_first) is not static.

  Args:
    kind: "state", "context" or "sequence".
    tensors: dict name -> Tensor.
    skip_first: ignore dimension 0 (time) of sequences.

  Raises:
    ValueError: a shape is not fully defined.
  """
  start = 1 if skip_first else 0
  for k, v in tensors.items():
    if not v.get_shape()[start:].is_fully_defined():
      raise ValueError("Shape for %s %s is not fully defined %s: %s" % (
          kind, k, "(ignoring first dimension)" if skip_first else "",
          v.get_shape()))


def first_where(keys, bad):
  """string scalar: the first of `keys` (string [n]) whose `bad` (bool [n])
  holds, or "" if none does -- the key a batched check's message names."""
  first = tf.argmax(tf.concat([tf.cast(bad, tf.int32), [1]], 0),
                    output_type=tf.int32)
  return tf.gather(tf.concat([keys, [""]], 0), first)
