"""``python -m compat``: run a TF 1.x program unedited, or check one first.

  python -m compat SCRIPT [ARGS...]       run SCRIPT with TF 1.x imports
  python -m compat -m MODULE [ARGS...]    the same for a module (python -m)
  python -m compat check PATH...          list the TF names PATH uses and
                                          whether they are provided (exit 1
                                          when one is missing)
  python -m compat coverage [--json] [--all]
                                          how much of TF 1.15's API this
                                          TensorFlow provides, per module
  python -m compat coverage --write-readme README.md LABEL
                                          regenerate README's table for LABEL
                                          (scripts/coverage_tables.sh)
  python -m compat --describe             what compat chose on this machine

See compat._runner, compat._check and compat._coverage.
"""
from __future__ import absolute_import, division, print_function

import sys

_USAGE = __doc__.split("\n\n")[1]


def main(argv):
  """Dispatches on argv[1:]; returns the exit status."""
  args = argv[1:]
  if not args or args[0] in ("-h", "--help"):
    sys.stdout.write("usage:\n" + _USAGE + "\n")
    return 0 if args else 2
  if args[0] == "check":
    if len(args) < 2:
      sys.stderr.write("usage: python -m compat check PATH...\n")
      return 2
    from compat import _check  # pylint: disable=g-import-not-at-top
    return _check.report(args[1:], sys.stdout)
  if args[0] == "coverage" and args[1:2] == ["--write-readme"]:
    if len(args) != 4:
      sys.stderr.write("usage: python -m compat coverage --write-readme "
                       "README.md LABEL\n")
      return 2
    from compat import _coverage  # pylint: disable=g-import-not-at-top
    _coverage.write_readme(args[2], args[3])
    return 0
  if args[0] == "coverage":
    unknown = [a for a in args[1:] if a not in ("--json", "--all")]
    if unknown:
      sys.stderr.write("usage: python -m compat coverage [--json] [--all]\n")
      return 2
    from compat import _coverage  # pylint: disable=g-import-not-at-top
    return _coverage.report(sys.stdout, as_json="--json" in args,
                            show_all="--all" in args)
  if args[0] == "--describe":
    import compat  # pylint: disable=g-import-not-at-top
    print(compat.describe())
    return 0
  from compat import _runner  # pylint: disable=g-import-not-at-top
  if args[0] == "-m":
    if len(args) < 2:
      sys.stderr.write("python -m compat -m: argument expected (a module)\n")
      return 2
    return _runner.run(args[1], args[2:], as_module=True)
  if args[0].startswith("-"):
    sys.stderr.write("python -m compat: unknown option %s\nusage:\n%s\n" % (
        args[0], _USAGE))
    return 2
  return _runner.run(args[0], args[1:])


if __name__ == "__main__":
  sys.exit(main(sys.argv))
