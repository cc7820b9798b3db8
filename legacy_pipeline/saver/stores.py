"""Which store a state saver uses: the one place that decides.

Two stores implement SequenceQueueingStateSaver: "barrier" (TF's Barrier, as
contrib did; the state_saver module) and "scheduled" (the same batches placed
when examples are read; the scheduled module).  ``choose_store`` picks one
from the ``store=`` argument, the ``LEGACY_PIPELINE_STORE`` environment
variable and the batch size, and says why.  Each store module registers its
class here (``register``), so the base class can build the chosen one without
importing the module that subclasses it.
"""
from __future__ import absolute_import, division, print_function

import os

from legacy_pipeline.saver import _checks

#: The values ``store=`` accepts.
STORES = ("barrier", "scheduled", "auto")
#: Environment variable naming the store used when ``store`` is None.
STORE_ENV = "LEGACY_PIPELINE_STORE"
#: The store used when neither ``store=`` nor the environment names one.
DEFAULT_STORE = "barrier"
#: "auto" takes the scheduled store from this static batch size up.  Below it
#: the scheduled store's take (more ops per batch, a lock taken through a
#: thread hop) costs more than it saves: measured on W1 (bench.py, TF 2.21,
#: 2 cores) it is ~1.0x the Barrier store at batch 8, ~1.1x at 32 and ~1.2x
#: at 128, and ~0.93x on the tutorial's batch of 2.
AUTO_MIN_BATCH_SIZE = 32

_CLASSES = {}


def register(kind, cls):
  """Records `cls` as the saver class of store `kind` ("barrier", ...)."""
  _CLASSES[kind] = cls


def saver_class(kind):
  """The class registered for store `kind`.

  Raises:
    LookupError: no class is registered under `kind` (its module was not
      imported; ``import legacy_pipeline`` imports both).
  """
  try:
    return _CLASSES[kind]
  except KeyError:
    raise LookupError("no state saver store %r is registered (known: %s)" %
                      (kind, ", ".join(sorted(_CLASSES)) or "none"))


def choose_store(store, batch_size):
  """Decides which store a state saver uses.

  Args:
    store: "barrier", "scheduled", "auto" or None (None: the
      ``LEGACY_PIPELINE_STORE`` environment variable, else DEFAULT_STORE).
      "auto": scheduled for a static batch_size >= AUTO_MIN_BATCH_SIZE.
      "scheduled" from the environment variable: scheduled wherever the
      batch size is a static positive int, the Barrier store elsewhere.
    batch_size: the saver's batch_size (int or int32 Tensor).

  Returns:
    (store, reason): "barrier" or "scheduled", and why, in words.

  Raises:
    ValueError: an unknown store, or store="scheduled" with a batch size
      that is not a static positive int.
  """
  source = "store=%r" % (store,)
  from_env = None
  if store is None:
    from_env = os.environ.get(STORE_ENV)
    store = from_env or DEFAULT_STORE
    source = ("%s=%s" % (STORE_ENV, store) if from_env else
              "the default store (%s)" % store)
  if store not in STORES:
    raise ValueError("%s: unknown state saver store, expected one of %s" %
                     (source, ", ".join(repr(s) for s in STORES)))
  if store == "barrier":
    return "barrier", "%s asks for the Barrier store" % source
  size = _checks.static_int(batch_size)
  fits = size is not None and size > 0
  if store == "scheduled" and not fits and from_env:
    # The variable applies to every saver of the process: one that cannot
    # use the scheduled store keeps the Barrier store instead of failing.
    return "barrier", ("%s but batch_size %r is not a static positive int" %
                       (source, batch_size))
  if store == "scheduled" and not fits:
    raise ValueError(
        "%s needs a static batch_size > 0 (a Python int or a constant), got "
        "%r: batches are placed when examples are read. Use store='auto' or "
        "'barrier' for a fed or zero batch size." % (source, batch_size))
  if store == "scheduled":
    return "scheduled", "%s and batch_size %d is static" % (source, size)
  if not fits:
    return "barrier", ("%s but batch_size %r is not a static positive int" %
                       (source, batch_size))
  if size < AUTO_MIN_BATCH_SIZE:
    return "barrier", ("%s but batch_size %d is below %d, where the "
                       "scheduled store is not faster" %
                       (source, size, AUTO_MIN_BATCH_SIZE))
  return "scheduled", "%s and batch_size %d is static and >= %d" % (
      source, size, AUTO_MIN_BATCH_SIZE)
