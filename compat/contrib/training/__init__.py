"""compat.contrib.training: contrib's state saver, real or in-house.

``from compat.contrib.training import batch_sequences_with_states`` gives TF
1.x's own function where tf.contrib exists and the in-house one elsewhere
(decided by compat._probe).
"""
from __future__ import absolute_import, division, print_function

from compat import _routes

batch_sequences_with_states = _routes.resolve(
    "tf.contrib.training.batch_sequences_with_states")
SequenceQueueingStateSaver = _routes.resolve(
    "tf.contrib.training.SequenceQueueingStateSaver")
NextQueuedSequenceBatch = _routes.resolve(
    "tf.contrib.training.NextQueuedSequenceBatch")

__all__ = ["batch_sequences_with_states", "SequenceQueueingStateSaver",
           "NextQueuedSequenceBatch"]
