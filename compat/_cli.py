"""The command lines of compat's tools: run, check, coverage.

Three ways in, one implementation:

* ``python -m compat [RUN OPTIONS] SCRIPT|-m MODULE [ARGS]``, ``python -m
  compat check ...``, ``python -m compat coverage ...`` (``main``);
* the console scripts ``tf1-run``, ``tf1-check`` and ``tf1-coverage``
  (``legacy_pipeline_cli``), which work from any folder, even one whose own
  ``compat.py`` would shadow this package under ``python -m compat``.

Everything here runs before TensorFlow is imported, so the choices that
TensorFlow reads at import time are made first:

* Keras (``keras_rule``): with ``tf_keras`` installed and
  ``TF_USE_LEGACY_KERAS`` unset, the tools set ``TF_USE_LEGACY_KERAS=1``, so
  ``tf.keras``, ``tf.layers`` and ``tf.nn.rnn_cell`` are TensorFlow's own
  Keras 2 objects (TF 1.15's variable names) on TF >= 2.16; ``--keras 3``
  leaves the variable unset, ``--keras 2`` requires tf_keras.  The checker and
  the coverage report resolve names under the same rule as the runner.
* Log output: the checker and the coverage report import TensorFlow quietly
  (``legacy_pipeline.quiet``); the runner hides only what the import itself
  prints, so the program's own logs are as they would be without it.
"""
from __future__ import absolute_import, division, print_function

import argparse
import importlib
import importlib.util
import os
import sys

RUN_USAGE = """\
usage: %(prog)s [--quiet] [--keras {2,3}] SCRIPT [ARGS...]
       %(prog)s [--quiet] [--keras {2,3}] -m MODULE [ARGS...]

Runs a TF 1.x program unedited on this TensorFlow: its TensorFlow imports get
legacy-pipeline's TF 1.x namespace (tf.contrib, tf.layers, tf.nn.rnn_cell...).

  --quiet         print nothing of the runner's own (no banner line)
  --keras 2|3     Keras for tf.keras/tf.layers on TF >= 2.16: 2 is tf_keras
                  (TF_USE_LEGACY_KERAS=1, the default when tf_keras is
                  installed), 3 is TensorFlow's default Keras
"""

MAIN_USAGE = """\
usage: python -m compat [--quiet] [--keras {2,3}] SCRIPT [ARGS...]
       python -m compat [--quiet] [--keras {2,3}] -m MODULE [ARGS...]
       python -m compat check [--verbose] [--json] [--keras {2,3}] PATH...
       python -m compat coverage [--json] [--all] [--keras {2,3}]
       python -m compat coverage --write-readme docs/migration.md LABEL
       python -m compat --describe

The same tools as the console scripts tf1-run, tf1-check and tf1-coverage,
which also work from a folder that has its own compat.py (there, `python -m
compat` runs that file instead of this package).
"""

KERAS_VARIABLE = "TF_USE_LEGACY_KERAS"


class UsageError(Exception):
  """A command line that cannot be run; the message says why."""


def keras_rule(choice=None):
  """Sets ``TF_USE_LEGACY_KERAS`` by the tools' rule; returns what was done.

  Must run before TensorFlow is imported (TensorFlow reads the variable once).

  Args:
    choice: None (the rule: Keras 2 when tf_keras is installed and the
      variable is unset), ``"2"`` (require tf_keras) or ``"3"`` (leave the
      variable unset).

  Returns:
    One phrase for the banner/report, e.g. "Keras 2 from tf_keras
    (TF_USE_LEGACY_KERAS=1 set by legacy-pipeline; --keras 3 opts out)".

  Raises:
    UsageError: ``choice`` is ``"2"`` and tf_keras is not installed, or
      ``choice`` contradicts a TF_USE_LEGACY_KERAS the user set.
  """
  have_tf_keras = importlib.util.find_spec("tf_keras") is not None
  user_value = os.environ.get(KERAS_VARIABLE)
  if user_value is not None:
    legacy = user_value.strip().lower() in ("1", "true")
    if choice is not None and (choice == "2") != legacy:
      raise UsageError("--keras %s contradicts %s=%s set in the environment"
                       % (choice, KERAS_VARIABLE, user_value))
    return "%s=%s as set" % (KERAS_VARIABLE, user_value)
  if choice == "3":
    return "Keras 3 (--keras 3)"
  if not have_tf_keras:
    if choice == "2":
      raise UsageError("--keras 2 needs tf_keras: pip install "
                       "'legacy-pipeline[tf1]' (or tf_keras matching your "
                       "TensorFlow)")
    return "tf_keras not installed (pip install 'legacy-pipeline[tf1]')"
  if "tensorflow" in sys.modules:
    return "tf_keras installed, but TensorFlow was imported first"
  os.environ[KERAS_VARIABLE] = "1"
  return ("Keras 2 from tf_keras (%s=1 set by legacy-pipeline; --keras 3 "
          "opts out)" % KERAS_VARIABLE)


def _keras_phrase(rule, tf_version):
  # Before TF 2.16, tf.keras is Keras 2 whatever the variable says.
  major_minor = tuple(int(p) for p in tf_version.split(".")[:2])
  if major_minor < (2, 16):
    return "Keras 2 (TF %s's own)" % tf_version
  return rule


def _import_tensorflow(for_run):
  from legacy_pipeline import quiet  # pylint: disable=g-import-not-at-top
  return quiet.quiet_tensorflow(import_only=for_run)


def _parse_run(args):
  """(quiet, keras, as_module, target, program args) from the runner's args,
  or None for --help."""
  quiet, keras = False, None
  i = 0
  while i < len(args) and args[i].startswith("-") and args[i] != "-m":
    opt = args[i]
    if opt in ("-h", "--help"):
      return None
    if opt == "--quiet":
      quiet = True
    elif opt == "--keras" or opt.startswith("--keras="):
      if opt == "--keras":
        i += 1
        value = args[i] if i < len(args) else ""
      else:
        value = opt.split("=", 1)[1]
      if value not in ("2", "3"):
        raise UsageError("--keras takes 2 or 3, not %r" % value)
      keras = value
    else:
      raise UsageError("unknown option %s" % opt)
    i += 1
  rest = args[i:]
  if not rest:
    raise UsageError("a SCRIPT or -m MODULE is required")
  if rest[0] == "-m":
    if len(rest) < 2:
      raise UsageError("-m: argument expected (a module)")
    return quiet, keras, True, rest[1], rest[2:]
  return quiet, keras, False, rest[0], rest[1:]


def run_main(args, prog="tf1-run"):
  """The runner's command line; returns the exit status."""
  try:
    parsed = _parse_run(args)
    if parsed is None:
      sys.stdout.write(RUN_USAGE % {"prog": prog})
      return 0
    quiet, keras, as_module, target, program_args = parsed
    if not as_module and not os.path.exists(target):
      raise UsageError("can't open file %r: no such file or directory" %
                       target)
    rule = keras_rule(keras)
  except UsageError as e:
    sys.stderr.write(RUN_USAGE % {"prog": prog})
    sys.stderr.write("%s: error: %s\n" % (prog, e))
    return 2
  tf = _import_tensorflow(for_run=True)
  from compat import _runner  # pylint: disable=g-import-not-at-top
  import compat  # pylint: disable=g-import-not-at-top
  shadow = _runner.shadow_note()
  prepared = _runner.prepare(target, as_module)
  if not quiet:
    sys.stderr.write("legacy-pipeline: %s on TF %s's TF 1.x namespace; %s; "
                     "%s%s%s (--quiet hides this line)\n" % (
                         ("-m " + target) if as_module else target,
                         tf.version.VERSION,
                         _keras_phrase(rule, tf.version.VERSION),
                         compat.describe(short=True), prepared.note,
                         "; note: " + shadow if shadow else ""))
    sys.stderr.flush()
  return _runner.run(target, program_args, as_module=as_module,
                     prepared=prepared)


def _parser(prog, description):
  parser = argparse.ArgumentParser(prog=prog, description=description)
  parser.add_argument("--keras", choices=("2", "3"), default=None,
                      help="resolve names as the runner would with --keras "
                      "(default: Keras 2 when tf_keras is installed)")
  return parser


def check_main(args, prog="tf1-check"):
  """The checker's command line; returns the exit status."""
  parser = _parser(prog, "Lists the TF 1.x names that Python files and "
                   "notebooks use and whether this TensorFlow, through "
                   "legacy-pipeline, provides them.  Exit status: 0 all "
                   "provided, 1 some missing (or a file does not parse), 2 "
                   "nothing to check.")
  parser.add_argument("paths", nargs="+", metavar="PATH",
                      help="a .py or .ipynb file, or a folder to scan")
  parser.add_argument("--verbose", action="store_true",
                      help="also list every provided name with its places")
  parser.add_argument("--json", action="store_true",
                      help="print one JSON object instead of the report")
  opts = parser.parse_args(args)
  for path in opts.paths:
    if not os.path.exists(path):
      parser.print_usage(sys.stderr)
      sys.stderr.write("%s: error: no such file or directory: %s\n" % (
          prog, path))
      return 2
  try:
    rule = keras_rule(opts.keras)
  except UsageError as e:
    parser.error(str(e))
  tf = _import_tensorflow(for_run=False)
  from compat import _check  # pylint: disable=g-import-not-at-top
  return _check.report(opts.paths, sys.stdout, verbose=opts.verbose,
                       as_json=opts.json, prog=prog,
                       keras=_keras_phrase(rule, tf.version.VERSION))


def coverage_main(args, prog="tf1-coverage"):
  """The coverage report's command line; returns the exit status."""
  parser = _parser(prog, "How much of TF 1.15's API this TensorFlow provides "
                   "through legacy-pipeline, per module.")
  parser.add_argument("--json", action="store_true",
                      help="print one JSON object instead of the table")
  parser.add_argument("--all", action="store_true",
                      help="also list the modules outside the target scope")
  parser.add_argument("--write-readme", nargs=2, metavar=("PAGE", "LABEL"),
                      help="regenerate the coverage block LABEL of the docs "
                      "page PAGE (docs/migration.md)")
  opts = parser.parse_args(args)
  try:
    keras_rule(opts.keras)
  except UsageError as e:
    parser.error(str(e))
  _import_tensorflow(for_run=False)
  from compat import _coverage  # pylint: disable=g-import-not-at-top
  if opts.write_readme:
    _coverage.write_readme(*opts.write_readme)
    return 0
  return _coverage.report(sys.stdout, as_json=opts.json, show_all=opts.all)


def main(argv):
  """``python -m compat``: dispatches on argv[1:]; returns the exit status."""
  args = argv[1:]
  if not args or args[0] in ("-h", "--help"):
    (sys.stdout if args else sys.stderr).write(MAIN_USAGE)
    return 0 if args else 2
  if args[0] == "check":
    return check_main(args[1:], "python -m compat check")
  if args[0] == "coverage":
    return coverage_main(args[1:], "python -m compat coverage")
  if args[0] == "--describe":
    _import_tensorflow(for_run=False)
    import compat  # pylint: disable=g-import-not-at-top
    print(compat.describe())
    return 0
  return run_main(args, "python -m compat")

