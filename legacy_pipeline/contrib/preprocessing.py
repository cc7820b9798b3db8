"""tf.contrib.learn.preprocessing: TF 1.15's vocabulary and byte processors.

Plain Python and NumPy, as in TF 1.15: ``CategoricalVocabulary`` (category ->
id, id 0 for the unknown token), ``VocabularyProcessor`` (documents -> padded
word-id rows), ``ByteProcessor`` (documents -> padded byte rows),
``CategoricalProcessor`` (table columns -> category ids), ``tokenizer`` and
``TOKENIZER_RE``.  Ids, padding, truncation, unknown handling and the order of
``trim`` are TF 1.15's, and the objects keep TF 1.15's attribute names
(``vocabulary_``, ``vocabulary_._mapping``, ...) that programs read.

Saved files: ``VocabularyProcessor.save`` writes the pickle TF 1.15 writes
(protocol 3, with the classes named by their TF 1.15 module paths), so a file
saved here restores on TF 1.15; ``VocabularyProcessor.restore`` reads files
saved by TF 1.15 (or here) with a restricted unpickler that maps TF 1.15's
class paths to these classes and refuses every other global, so a vocabulary
file cannot run arbitrary code.  A file saved with a custom ``tokenizer_fn``
names that function: pass it in ``restore(filename, trusted_globals=[fn])``.

Deliberate differences from TF 1.15: no deprecation log lines; ``restore``
refuses unknown globals (TF 1.15 unpickles anything).

Compatibility: Python 3.7+, any TensorFlow (used only for tf.io.gfile).
"""
from __future__ import absolute_import, division, print_function

import collections
import copyreg
import io
import math
import pickle
import re
import sys
import types

import numpy as np

from legacy_pipeline._tf import tf

__all__ = [
    "ByteProcessor",
    "CategoricalProcessor",
    "CategoricalVocabulary",
    "TOKENIZER_RE",
    "VocabularyProcessor",
    "tokenizer",
]

# Where TF 1.15 defines these names: the pickles name them by these paths.
_TF115_PACKAGE = "tensorflow.contrib.learn.python.learn.preprocessing"
_TF115_TEXT = _TF115_PACKAGE + ".text"
_TF115_VOCABULARY = _TF115_PACKAGE + ".categorical_vocabulary"
_TF115_CATEGORICAL = _TF115_PACKAGE + ".categorical"

# The pickle protocol of TF 1.15's save (pickle.dumps' default on Python 3.7);
# every Python 3 reads it.
_PICKLE_PROTOCOL = 3

TOKENIZER_RE = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Z][a-z]+(?=[A-Z])|[\'\w\-]+",
                          re.UNICODE)


def tokenizer(iterator):
  """Splits each string of `iterator` into tokens by `TOKENIZER_RE`.

  Args:
    iterator: iterable of strings.

  Yields:
    One list of token strings per input string.
  """
  for value in iterator:
    yield TOKENIZER_RE.findall(value)


class CategoricalVocabulary(object):
  """A mapping category -> id, built as categories are seen.

  Id 0 is the unknown token; new categories get the next id until the
  vocabulary is frozen, after which they map to 0.  ``add`` counts
  frequencies, and ``trim`` renumbers by them.
  """

  def __init__(self, unknown_token="<UNK>", support_reverse=True):
    """Creates a vocabulary holding only `unknown_token` (id 0).

    Args:
      unknown_token: the category of id 0.
      support_reverse: keep the id -> category list that `reverse` reads.
    """
    self._unknown_token = unknown_token
    self._mapping = {unknown_token: 0}
    self._support_reverse = support_reverse
    if support_reverse:
      self._reverse_mapping = [unknown_token]
    self._freq = collections.defaultdict(int)
    self._freeze = False

  def __len__(self):
    """The number of ids, the unknown token's included."""
    return len(self._mapping)

  def freeze(self, freeze=True):
    """Stops (or, with False, restarts) giving ids to new categories.

    Args:
      freeze: True to freeze, False to unfreeze.
    """
    self._freeze = freeze

  def get(self, category):
    """The id of `category`, a new one if it is new and not frozen.

    Args:
      category: a hashable category (string, int, ...).

    Returns:
      int id; 0 for a new category of a frozen vocabulary.
    """
    if category not in self._mapping:
      if self._freeze:
        return 0
      self._mapping[category] = len(self._mapping)
      if self._support_reverse:
        self._reverse_mapping.append(category)
    return self._mapping[category]

  def add(self, category, count=1):
    """Adds `count` to the frequency of `category` (giving it an id first).

    The unknown token and, once frozen, new categories are not counted.

    Args:
      category: a hashable category.
      count: int to add.
    """
    if self.get(category) <= 0:
      return
    self._freq[category] += count

  def trim(self, min_frequency, max_frequency=-1):
    """Keeps the categories seen more than `min_frequency` times, renumbered.

    Ids 1..n go by decreasing frequency; ties by category (numbers before
    strings, each in ascending order).  Categories seen `max_frequency` times
    or more (when `max_frequency` > 0) are dropped too.  The walk stops at the
    first category at or under `min_frequency`.

    Args:
      min_frequency: a category must be seen more often than this to stay.
      max_frequency: if > 0, drop categories seen at least this often.
    """
    by_name = sorted(self._freq.items(),
                     key=lambda item: (isinstance(item[0], str), item[0]))
    ranked = sorted(by_name, key=lambda item: item[1], reverse=True)
    self._mapping = {self._unknown_token: 0}
    if self._support_reverse:
      self._reverse_mapping = [self._unknown_token]
    next_id = 1
    for category, count in ranked:
      if max_frequency > 0 and count >= max_frequency:
        continue
      if count <= min_frequency:
        break
      self._mapping[category] = next_id
      next_id += 1
      if self._support_reverse:
        self._reverse_mapping.append(category)
    # TF 1.15 keeps the first next_id - 1 ranked entries, skipped ones too.
    self._freq = dict(ranked[:next_id - 1])

  def reverse(self, class_id):
    """The category of id `class_id`.

    Args:
      class_id: int id.

    Returns:
      The category.

    Raises:
      ValueError: the vocabulary was built with support_reverse=False.
    """
    if not self._support_reverse:
      raise ValueError("This vocabulary wasn't initialized with "
                       "support_reverse to support reverse() function.")
    return self._reverse_mapping[class_id]


class ByteProcessor(object):
  """Maps documents to fixed-length rows of their UTF-8 bytes."""

  def __init__(self, max_document_length):
    """Creates the processor.

    Args:
      max_document_length: row length; longer documents are cut, shorter
        ones padded with zeros.
    """
    self.max_document_length = max_document_length

  def fit(self, x):
    """Does nothing: bytes need no fitting."""

  def fit_transform(self, x):
    """Same as `transform`."""
    return self.transform(x)

  def reverse(self, x):
    """Turns byte rows back into strings.

    Args:
      x: iterable of integer arrays, as `transform` yields.

    Yields:
      One string per row: its bytes up to the trailing zeros, decoded as
      UTF-8, or '' when they do not decode.
    """
    for data in x:
      document = np.trim_zeros(data.astype(np.int8), trim="b").tobytes()
      try:
        yield document.decode("utf-8")
      except UnicodeDecodeError:
        yield ""

  def transform(self, x):
    """Turns each document into `max_document_length` byte values.

    Args:
      x: iterable of str (encoded as UTF-8) or bytes.

    Yields:
      uint8 arrays of shape [max_document_length].
    """
    for document in x:
      if isinstance(document, str):
        document = document.encode("utf-8")
      head = np.frombuffer(memoryview(document)[:self.max_document_length],
                           dtype=np.uint8)
      yield np.pad(head, (0, self.max_document_length - len(head)),
                   "constant")


class VocabularyProcessor(object):
  """Maps documents to fixed-length rows of word ids.

  Attributes:
    vocabulary_: the CategoricalVocabulary.
    max_document_length: row length.
    min_frequency: `fit` trims words seen this often or less (if > 0).
  """

  def __init__(self, max_document_length, min_frequency=0, vocabulary=None,
               tokenizer_fn=None):
    """Creates the processor.

    Args:
      max_document_length: row length; longer documents are cut, shorter
        ones padded with id 0.
      min_frequency: words seen this many times or fewer are dropped by
        `fit` (0 keeps all).
      vocabulary: a CategoricalVocabulary to use, else a new one.
      tokenizer_fn: function iterable of documents -> iterable of token
        lists; default `tokenizer`.
    """
    self.max_document_length = max_document_length
    self.min_frequency = min_frequency
    if vocabulary:
      self.vocabulary_ = vocabulary
    else:
      self.vocabulary_ = CategoricalVocabulary()
    self._tokenizer = tokenizer_fn if tokenizer_fn else tokenizer

  def fit(self, raw_documents, unused_y=None):
    """Adds every token of `raw_documents`, trims, then freezes.

    Args:
      raw_documents: iterable of strings.
      unused_y: ignored (estimator-style signature).

    Returns:
      self.
    """
    for tokens in self._tokenizer(raw_documents):
      for token in tokens:
        self.vocabulary_.add(token)
    if self.min_frequency > 0:
      self.vocabulary_.trim(self.min_frequency)
    self.vocabulary_.freeze()
    return self

  def fit_transform(self, raw_documents, unused_y=None):
    """`fit`, then `transform` of the same documents.

    Args:
      raw_documents: a re-iterable of strings (it is read twice).
      unused_y: ignored.

    Returns:
      A generator of int64 arrays of shape [max_document_length].
    """
    self.fit(raw_documents)
    return self.transform(raw_documents)

  def transform(self, raw_documents):
    """Maps each document to its word ids, cut or zero-padded.

    Args:
      raw_documents: iterable of strings.

    Yields:
      int64 arrays of shape [max_document_length]; unknown words are 0.
    """
    for tokens in self._tokenizer(raw_documents):
      word_ids = np.zeros(self.max_document_length, np.int64)
      for idx, token in enumerate(tokens):
        if idx >= self.max_document_length:
          break
        word_ids[idx] = self.vocabulary_.get(token)
      yield word_ids

  def reverse(self, documents):
    """Maps rows of ids back to space-joined words.

    Args:
      documents: iterable of id sequences.

    Yields:
      One string per row (padding shows as the unknown token).
    """
    for item in documents:
      yield " ".join(self.vocabulary_.reverse(class_id) for class_id in item)

  def save(self, filename):
    """Writes the processor to `filename` as TF 1.15 does (a pickle).

    The pickle names TF 1.15's class paths, so TF 1.15's `restore` reads it.

    Args:
      filename: path (any tf.io.gfile path).

    Raises:
      pickle.PicklingError: the tokenizer_fn cannot be pickled (a lambda).
    """
    with _open(filename, "wb") as f:
      f.write(_dumps(self))

  @classmethod
  def restore(cls, filename, *, trusted_globals=None):
    """Reads a processor saved by `save` here or on TF 1.15.

    Args:
      filename: path written by `save`.
      trusted_globals: extra functions or classes the file may name (a
        custom tokenizer_fn); matched by module and qualified name.  A
        keyword-only addition to TF 1.15's signature.

    Returns:
      The VocabularyProcessor.

    Raises:
      pickle.UnpicklingError: the file names a global that is not one of
        the preprocessing classes, `tokenizer` or `trusted_globals`.
    """
    with _open(filename, "rb") as f:
      data = f.read()
    return _loads(data, trusted_globals)


class CategoricalProcessor(object):
  """Maps the columns of rows of categories to ids, one vocabulary a column.

  NaN values map to id 0 (unknown).

  Attributes:
    vocabularies_: list of CategoricalVocabulary, one per column (the same
      object for every column when `share`).
  """

  def __init__(self, min_frequency=0, share=False, vocabularies=None):
    """Creates the processor.

    Args:
      min_frequency: categories seen this often or less are dropped by `fit`.
      share: one vocabulary for all columns.
      vocabularies: list of CategoricalVocabulary, one per column, or None
        to build them in `fit`.
    """
    self.min_frequency = min_frequency
    self.share = share
    self.vocabularies_ = vocabularies

  def freeze(self, freeze=True):
    """Freezes (or unfreezes) every vocabulary.

    Args:
      freeze: True to freeze, False to unfreeze.
    """
    for vocab in self.vocabularies_:
      vocab.freeze(freeze)

  def fit(self, x, unused_y=None):
    """Adds each column's categories to its vocabulary, trims, freezes.

    Args:
      x: matrix (NumPy array, pandas DataFrame) or iterable of rows.
      unused_y: ignored.

    Returns:
      self.
    """
    for row in _rows(x):
      if self.vocabularies_ is None:
        if self.share:
          shared = CategoricalVocabulary()
          self.vocabularies_ = [shared for _ in row]
        else:
          self.vocabularies_ = [CategoricalVocabulary() for _ in row]
      for idx, value in enumerate(row):
        if _is_nan(value):
          continue
        self.vocabularies_[idx].add(value)
    if self.min_frequency > 0:
      for vocab in self.vocabularies_:
        vocab.trim(self.min_frequency)
    self.freeze()
    return self

  def fit_transform(self, x, unused_y=None):
    """`fit`, then `transform` of the same rows.

    Args:
      x: matrix or iterable of rows.
      unused_y: ignored.

    Returns:
      The generator ``transform(x)`` returns.
    """
    self.fit(x)
    return self.transform(x)

  def transform(self, x):
    """Maps each row to its category ids (freezing the vocabularies first).

    Args:
      x: matrix or iterable of rows.

    Yields:
      int64 arrays, one id per column.
    """
    self.freeze()
    for row in _rows(x):
      ids = [0 if _is_nan(value) else self.vocabularies_[idx].get(value)
             for idx, value in enumerate(row)]
      yield np.array(ids, dtype=np.int64)


def _is_nan(value):
  # TF 1.15's test: a Python float NaN (np.float64 is one); the `== np.nan`
  # half of its test is never true.
  return isinstance(value, float) and math.isnan(value)


def _rows(x):
  """A pandas DataFrame's values (as TF 1.15's data feeder), else `x`."""
  pandas = sys.modules.get("pandas")  # a DataFrame means pandas is imported
  if pandas is not None and isinstance(x, pandas.DataFrame):
    return x.values
  return x


def _open(filename, mode):
  """The file at `filename` (any tf.io.gfile path), as TF 1.15's gfile.Open."""
  return tf.io.gfile.GFile(filename, mode)


# Our classes and functions <-> the names TF 1.15's pickles use.
_TF115_NAMES = {
    VocabularyProcessor: (_TF115_TEXT, "VocabularyProcessor"),
    ByteProcessor: (_TF115_TEXT, "ByteProcessor"),
    tokenizer: (_TF115_TEXT, "tokenizer"),
    CategoricalVocabulary: (_TF115_VOCABULARY, "CategoricalVocabulary"),
    CategoricalProcessor: (_TF115_CATEGORICAL, "CategoricalProcessor"),
}

# Every global a vocabulary pickle may name, by (module, name).  Python 2 /
# protocol 0 spellings (__builtin__, copy_reg) included.
_SAFE_GLOBALS = {path: obj for obj, path in _TF115_NAMES.items()}
_SAFE_GLOBALS.update({(__name__, obj.__name__): obj for obj in _TF115_NAMES})
_SAFE_GLOBALS.update({
    ("collections", "defaultdict"): collections.defaultdict,
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("builtins", "int"): int,
    ("__builtin__", "int"): int,
    ("__builtin__", "long"): int,
    ("builtins", "object"): object,
    ("__builtin__", "object"): object,
    ("copyreg", "_reconstructor"): copyreg._reconstructor,  # pylint: disable=protected-access
    ("copy_reg", "_reconstructor"): copyreg._reconstructor,  # pylint: disable=protected-access
})


class _TF115Pickler(pickle._Pickler):  # pylint: disable=protected-access
  """Python's pickler, naming our classes by their TF 1.15 paths.

  The pure-Python pickler is used because its ``save_global`` is the one
  place where a class or function is written by name.
  """

  def save_global(self, obj, name=None):
    try:
      path = _TF115_NAMES.get(obj)
    except TypeError:  # unhashable
      path = None
    if path is None:
      return super(_TF115Pickler, self).save_global(obj, name)
    module, qualname = path
    self.write(pickle.GLOBAL + module.encode("utf-8") + b"\n" +
               qualname.encode("utf-8") + b"\n")
    self.memoize(obj)
    return None

  # The base class dispatches functions straight to its own save_global.
  dispatch = dict(pickle._Pickler.dispatch)  # pylint: disable=protected-access
  dispatch[types.FunctionType] = save_global


class _RestrictedUnpickler(pickle.Unpickler):
  """Unpickles only the known preprocessing classes and `trusted` globals."""

  def __init__(self, data, trusted):
    super(_RestrictedUnpickler, self).__init__(io.BytesIO(data))
    self._trusted = trusted

  def find_class(self, module, name):
    key = (module, name)
    if key in self._trusted:
      return self._trusted[key]
    if key in _SAFE_GLOBALS:
      return _SAFE_GLOBALS[key]
    raise pickle.UnpicklingError(
        "VocabularyProcessor.restore: the file names %s.%s, which is not a "
        "tf.contrib.learn.preprocessing class; if it is your tokenizer_fn, "
        "pass it in restore(filename, trusted_globals=[...])." % (module, name))


def _dumps(obj):
  buf = io.BytesIO()
  _TF115Pickler(buf, protocol=_PICKLE_PROTOCOL).dump(obj)
  return buf.getvalue()


def _loads(data, trusted_globals=None):
  trusted = {}
  for obj in trusted_globals or ():
    trusted[(obj.__module__, getattr(obj, "__qualname__", obj.__name__))] = obj
  return _RestrictedUnpickler(data, trusted).load()
