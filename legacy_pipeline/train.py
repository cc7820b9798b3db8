"""Graph-mode training of a per-timestep sequence classifier.

``python -m legacy_pipeline.train`` (console script ``legacy-pipeline-train``)
reads SequenceExamples from TFRecord files through the TF 1.x queue-runner
graph and ``batch_sequences_with_states``, trains stacked LSTMs with truncated
BPTT under ``tf.compat.v1.train.MonitoredTrainingSession`` (checkpoints,
TensorBoard summaries, resume after a crash), evaluates held-out files exactly
once per timestep, and runs between-graph replicated on a TensorFlow cluster.

With no flags it writes the toy task's data (cumulative-sum classification)
into ``--model-dir`` and trains on it.  ``--help`` lists every flag.
"""
from __future__ import absolute_import, division, print_function

from legacy_pipeline.training.cli import main

__all__ = ["main"]

if __name__ == "__main__":
  main()
