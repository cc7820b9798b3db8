"""TF 1.15's tf.contrib.lookup names whose TF 2.x counterparts differ.

TF 1.15's contrib.lookup re-exported ``tensorflow.python.ops.lookup_ops``
(the v1 graph-mode tables that ``tf.compat.v1.tables_initializer()``
initializes) and added a few of its own; ``compat`` routes the re-exports to
that module.  Here are the contrib ones:

* ``HashTable(initializer, default_value, shared_name=None, name=None)``:
  TF 2.x's v1 table without ``shared_name``; this adds it back.
* ``index_table_from_tensor`` / ``index_to_string_table_from_tensor``: take
  ``mapping`` where TF 2.x's take ``vocabulary_list``.
* ``string_to_index``, ``index_to_string``,
  ``string_to_index_table_from_file``, ``string_to_index_table_from_tensor``:
  the deprecated contrib wrappers.

The tables returned are ``lookup_ops``' own classes (``IdTableWithHashBuckets``
with out-of-vocabulary buckets, else the v1 ``StaticHashTable``), so the ids
and hash buckets are TF's.  This module imports ``lookup_ops`` directly: TF
2.x publishes neither it nor ``index_table_from_file``/``_tensor``.
Graph mode; TF 1.15 and TF 2.x.
"""
from __future__ import absolute_import, division, print_function

from tensorflow.python.ops import lookup_ops  # pylint: disable=g-direct-tensorflow-import

from legacy_pipeline._tf import tf, tf1

__all__ = [
    "HashTable",
    "index_table_from_tensor",
    "index_to_string",
    "index_to_string_table_from_tensor",
    "string_to_index",
    "string_to_index_table_from_file",
    "string_to_index_table_from_tensor",
]

FastHashSpec = lookup_ops.FastHashSpec


class HashTable(lookup_ops.HashTable):
  """An immutable hash table, initialized by its ``init`` op.

  ``table = HashTable(KeyValueTensorInitializer(keys, values), -1)``;
  ``table.lookup(x)`` after ``tf.compat.v1.tables_initializer()`` (or
  ``table.init``) has run.
  """

  def __init__(self, initializer, default_value, shared_name=None, name=None):
    """Creates the table (uninitialized).

    Args:
      initializer: a table initializer (``KeyValueTensorInitializer``,
        ``TextFileInitializer``); it fixes the key and value dtypes.
      default_value: value of a missing key.
      shared_name: if non-empty, the table is shared under this name across
        sessions of one server.
      name: op name (default ``hash_table``).
    """
    self._contrib_shared_name = shared_name
    super(HashTable, self).__init__(initializer, default_value, name=name)

  def _create_resource(self):
    if self._contrib_shared_name:
      self._shared_name = self._contrib_shared_name
    return super(HashTable, self)._create_resource()


def index_table_from_tensor(mapping, num_oov_buckets=0, default_value=-1,
                            hasher_spec=FastHashSpec, dtype=tf.string,
                            name=None):
  """A table of key -> int64 id (its position in `mapping`).

  Args:
    mapping: 1-D string or integer tensor of distinct keys.
    num_oov_buckets: hash buckets for unknown keys, ids ``len(mapping)`` on.
    default_value: id of an unknown key when `num_oov_buckets` is 0.
    hasher_spec: ``FastHashSpec`` or a ``StrongHashSpec``.
    dtype: key dtype, string or integer.
    name: name scope (default ``string_to_index``).

  Returns:
    The table (run ``tf.compat.v1.tables_initializer()`` first).

  Raises:
    ValueError: `mapping` is None, or a bad `num_oov_buckets`/`dtype`.
  """
  if mapping is None:
    raise ValueError("mapping must be specified.")
  return lookup_ops.index_table_from_tensor(
      vocabulary_list=mapping, num_oov_buckets=num_oov_buckets,
      default_value=default_value, hasher_spec=hasher_spec, dtype=dtype,
      name=name)


def index_to_string_table_from_tensor(mapping, default_value="UNK", name=None):
  """A table of int64 id -> string (the id-th element of `mapping`).

  Args:
    mapping: 1-D string tensor.
    default_value: string for an id outside `mapping`.
    name: name scope (default ``index_to_string``).

  Returns:
    The table (run ``tf.compat.v1.tables_initializer()`` first).

  Raises:
    ValueError: `mapping` is None.
  """
  if mapping is None:
    raise ValueError("mapping must be specified.")
  return lookup_ops.index_to_string_table_from_tensor(
      vocabulary_list=mapping, default_value=default_value, name=name)


def string_to_index_table_from_file(vocabulary_file=None, num_oov_buckets=0,
                                    vocab_size=None, default_value=-1,
                                    hasher_spec=FastHashSpec, name=None):
  """``index_table_from_file`` with string keys (deprecated contrib name).

  Args:
    vocabulary_file: text file, one key per line (its line number is the id).
    num_oov_buckets: hash buckets for unknown keys.
    vocab_size: number of lines to read (None: all).
    default_value: id of an unknown key when `num_oov_buckets` is 0.
    hasher_spec: ``FastHashSpec`` or a ``StrongHashSpec``.
    name: name scope.

  Returns:
    The table (run ``tf.compat.v1.tables_initializer()`` first).

  Raises:
    ValueError: as ``index_table_from_file``.
  """
  return lookup_ops.index_table_from_file(
      vocabulary_file, num_oov_buckets, vocab_size, default_value,
      hasher_spec, key_dtype=tf.string, name=name)


def string_to_index_table_from_tensor(mapping, num_oov_buckets=0,
                                      default_value=-1,
                                      hasher_spec=FastHashSpec, name=None):
  """``index_table_from_tensor`` for string keys (deprecated contrib name).

  Args:
    mapping: 1-D string tensor of distinct keys.
    num_oov_buckets: hash buckets for unknown keys.
    default_value: id of an unknown key when `num_oov_buckets` is 0.
    hasher_spec: ``FastHashSpec`` or a ``StrongHashSpec``.
    name: name scope (default ``string_to_index``).

  Returns:
    The table (run ``tf.compat.v1.tables_initializer()`` first).

  Raises:
    ValueError: `mapping` is not a string tensor.
  """
  with tf1.name_scope(name, "string_to_index") as scope:
    mapping = tf.convert_to_tensor(mapping)
  if mapping.dtype.base_dtype != tf.string:
    raise ValueError("string_to_index_table_from_tensor requires string.")
  return index_table_from_tensor(mapping, num_oov_buckets, default_value,
                                 hasher_spec, name=scope)


def string_to_index(tensor, mapping, default_value=-1, name=None):
  """Looks `tensor`'s strings up in `mapping`: int64 positions.

  Args:
    tensor: string tensor of keys.
    mapping: 1-D string tensor of distinct keys.
    default_value: id of a key not in `mapping`.
    name: name scope of the table (default ``string_to_index``).

  Returns:
    int64 tensor shaped like `tensor` (after the tables initializer runs).
  """
  table = index_table_from_tensor(mapping=mapping,
                                  default_value=default_value, name=name)
  return table.lookup(tensor)


def index_to_string(tensor, mapping, default_value="UNK", name=None):
  """Maps int64 ids to the strings of `mapping` at those positions.

  Args:
    tensor: int64 tensor of ids.
    mapping: 1-D string tensor.
    default_value: string for an id outside `mapping`.
    name: name scope of the table (default ``index_to_string``).

  Returns:
    string tensor shaped like `tensor` (after the tables initializer runs).
  """
  table = index_to_string_table_from_tensor(
      mapping=mapping, default_value=default_value, name=name)
  return table.lookup(tensor)
