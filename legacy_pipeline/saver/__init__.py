"""The state saver: contrib's SequenceQueueingStateSaver and its entry points.

``state_saver`` (the saver: arguments, the shared paths, the batch),
``stores`` (which store a saver uses: the one place that decides; the store
interface, ``Settings`` and ``Batch``), ``controls`` (what the saver shares
with its store: capacity tokens, end of input, cancel, failure record, keys
in flight), ``barrier_store`` (the Barrier store, as contrib), ``scheduled``
(the scheduled store: the same batches, placed as examples are read),
``batching`` (batch_sequences_with_states: padding, sparse inputs, the saver's
queue runner), ``datasets`` (the tf.data entry point), ``batched`` (batches
of examples per run), ``in_flight`` (the in-flight checkpoint journal),
``watchdog`` (the opt-in stall watchdog), ``runners`` (queue runners as a
context manager), ``constant_input`` (the build-time constant-input check)
and ``_checks`` (argument and run-time checks).  Imports only
``legacy_pipeline.errors`` and ``legacy_pipeline._tf`` from outside this
package; the public names are re-exported by ``legacy_pipeline``.
"""
