"""Graph-mode training of a sequence classifier.

``python -m legacy_pipeline.train`` (console script ``legacy-pipeline-train``)
reads SequenceExamples from TFRecord files through the TF 1.x queue-runner
graph (or tf.data) and ``batch_sequences_with_states``, trains stacked LSTMs
with truncated BPTT under ``tf.compat.v1.train.MonitoredTrainingSession``
(checkpoints, TensorBoard summaries, resume after a crash), evaluates held-out
files exactly once per timestep (per-timestep and last-step accuracy, a
confusion matrix), and runs between-graph replicated on a TensorFlow cluster.

With no flags it writes the toy task's data (cumulative-sum classification)
into ``--model-dir`` and trains on it.  ``--help`` lists every flag.

TensorFlow's own log lines are hidden unless ``--verbose`` (see
legacy_pipeline.quiet); TensorFlow is imported only once that is set.
"""
from __future__ import absolute_import, division, print_function

from legacy_pipeline import quiet

__all__ = ["main", "run"]


def main(argv=None):
  """Runs the program on `argv` (default: the command line).

  Args:
    argv: the flags (see ``--help``), or None for ``sys.argv[1:]``.

  Returns:
    The report of legacy_pipeline.training.cli.main (a dict; None for a
    parameter server).

  Raises:
    SystemExit: bad flags or input (code 2), a stalled input (code 3).
  """
  from legacy_pipeline.training import cli  # pylint: disable=g-import-not-at-top
  return cli.main(argv)


def run(argv=None):
  """The command-line entry (console script and ``python -m``).

  Hides TensorFlow's own log output unless ``--verbose`` (before TensorFlow
  is imported), then runs `main`.

  Args:
    argv: the flags, or None for ``sys.argv[1:]``.

  Returns:
    0, the exit code of a finished run (the report is printed, not returned,
    so that the console script does not print it a second time).

  Raises:
    SystemExit: as `main`.
  """
  quiet.quiet_tensorflow(quiet.wants_verbose(argv))
  main(argv)
  return 0


if __name__ == "__main__":
  raise SystemExit(run())
