"""The state saver: contrib's SequenceQueueingStateSaver and its entry points.

``state_saver`` (the Barrier store, the shared close and take paths),
``scheduled`` (the scheduled store: the same batches, placed as examples are
read), ``stores`` (which store a saver uses: the one place that decides),
``batching`` (batch_sequences_with_states: padding, sparse inputs, the saver's
queue runner), ``datasets`` (the tf.data entry point), ``in_flight`` (the
in-flight checkpoint journal), ``watchdog`` (the opt-in stall watchdog),
``runners`` (queue runners as a context manager), ``constant_input`` (the
build-time constant-input check) and ``_checks`` (argument and run-time
checks).  Imports only ``legacy_pipeline.errors`` and ``legacy_pipeline._tf``
from outside this package; the public names are re-exported by
``legacy_pipeline``.
"""
# Both stores register their class with `stores` when imported.
from legacy_pipeline.saver import scheduled  # pylint: disable=unused-import
