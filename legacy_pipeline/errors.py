"""Exceptions raised by legacy_pipeline itself.

Errors that TensorFlow raises at run time (``tf.errors.OutOfRangeError`` at the
end of input, ``InvalidArgumentError`` from a failed assertion) keep their TF
classes so that code written for contrib catches them unchanged.  Errors found
while the graph is built are ``TypeError``/``ValueError`` as in contrib; the
classes below add the project's own base so callers can catch "anything this
library refused" in one place.
"""
from __future__ import absolute_import, division, print_function


class Error(Exception):
  """Base class of every exception defined by legacy_pipeline."""


class GraphModeError(Error, RuntimeError):
  """An op of this library was built while TensorFlow executes eagerly."""


class BackendUnavailableError(Error, ImportError):
  """A requested backend or optional piece is not installed."""


class InputDataError(Error, ValueError):
  """Input files are missing, unreadable or do not match the declared features.
  """


class StallError(Error, RuntimeError):
  """The state saver can never deliver another batch (see add_stall_watchdog).
  """


class ArgumentError(Error, TypeError, ValueError):
  """A build-time argument has the wrong type or value.

  Both a TypeError and a ValueError: contrib raised one or the other for the
  same mistake depending on the code path (e.g. a float num_unroll is a
  ValueError through batch_sequences_with_states with pad=True and a
  TypeError elsewhere), and code written against either keeps catching it.
  """


class ConstantInputError(Error, ValueError):
  """The saver's inputs cannot change between prefetches (saver.constant_input).

  Raised only in strict mode (``LEGACY_PIPELINE_STRICT=1``); otherwise the
  same message is a ConstantInputWarning.
  """


class ConstantInputWarning(UserWarning):
  """The saver's inputs cannot change between prefetches (saver.constant_input).

  Warned by default, as contrib built such graphs; an error
  (ConstantInputError) with ``LEGACY_PIPELINE_STRICT=1``.
  """
