"""No function in legacy_pipeline/ or compat/ is over 80 lines (issue 28).

A function's length is its total lines, from its ``def`` line to its last
line (``end_lineno``), docstring and nested functions included.  Checked
with ``ast`` only (no TensorFlow import).  Python 3.7's ``ast`` has no
``end_lineno`` (and puts a decorated function's ``lineno`` on its first
decorator): there the lines come from the tokens, a measure checked against
``ast`` on newer Pythons.  The sources are parsed in a fresh interpreter,
as in test_architecture (CPython 3.11.7's ``ast.parse`` can raise a spurious
SystemError in a process that has run the TF-heavy tests, cpython#106905).
"""
from __future__ import absolute_import, division, print_function

import ast
import functools
import io
import json
import os
import subprocess
import sys
import tokenize

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = ("legacy_pipeline", "compat")
MAX_LINES = 80

# Functions still over the limit because someone is rewriting them now
# (path relative to the checkout, "/"-separated; function name).  The list
# can only shrink: an entry that no longer exists or is no longer over the
# limit fails the test until it is removed.
PENDING = frozenset([
    # Empty: the five legacy_pipeline/saver/ functions listed here first
    # (scheduled.py _admit_many and _build_take, state_saver.py __init__,
    # batched.py batch_sequences_with_states_from_batches, batching.py
    # batch_sequences_with_states) came under the limit while this test was
    # written (64e2252, ce3eed4).
])


def _source_files():
  """Every .py file under PACKAGES, as (relative "/" path, absolute path)."""
  for package in PACKAGES:
    for dirpath, dirnames, files in os.walk(os.path.join(ROOT, package)):
      dirnames.sort()
      for f in sorted(files):
        if f.endswith(".py"):
          path = os.path.join(dirpath, f)
          yield os.path.relpath(path, ROOT).replace(os.sep, "/"), path


class _Tokens(object):
  """A source's logical line starts and significant tokens (for Python 3.7).

  Significant: every token but newlines, comments, indents and dedents.
  """

  _SKIP = (tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT, tokenize.INDENT,
           tokenize.DEDENT, tokenize.ENDMARKER)

  def __init__(self, source):
    self.starts = []  # (row, col) of each logical line's first token
    self.tokens = []
    at_start = True
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
      if tok.type == tokenize.NEWLINE:
        at_start = True
      elif tok.type not in self._SKIP:
        if at_start:
          self.starts.append(tok.start)
          at_start = False
        self.tokens.append(tok)

  def def_line(self, node):
    """The line of `node`'s ``def`` (after its decorators)."""
    for tok in self.tokens:
      if (tok.start[0] >= node.lineno and tok.start[1] == node.col_offset and
          tok.type == tokenize.NAME and tok.string in ("def", "async")):
        return tok.start[0]
    raise AssertionError("no def for %s at line %d" % (node.name, node.lineno))

  def end_line(self, def_line, col):
    """The last line of the function whose ``def`` is at (def_line, col).

    The body ends before the next logical line that starts at column `col`
    or less; its last line is that of its last significant token.
    """
    boundary = float("inf")
    for row, start_col in self.starts:
      if row > def_line and start_col <= col:
        boundary = row
        break
    return max(tok.end[0] for tok in self.tokens
               if def_line <= tok.start[0] < boundary)


def _function_lengths_here(use_ast_ends=True):
  """(relative path, function name, def line, total lines) of every function.

  Nested functions and methods count on their own too.  `use_ast_ends`
  False (or Python 3.7) measures from the tokens instead of ``ast``'s
  ``end_lineno``.
  """
  use_ast_ends = use_ast_ends and sys.version_info >= (3, 8)
  out = []
  for rel, path in _source_files():
    with open(path) as f:
      source = f.read()
    tree = ast.parse(source, path)
    tokens = None if use_ast_ends else _Tokens(source)
    for node in ast.walk(tree):
      if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if use_ast_ends:
          start, end = node.lineno, node.end_lineno
        else:
          start = tokens.def_line(node)
          end = tokens.end_line(start, node.col_offset)
        out.append((rel, node.name, start, end - start + 1))
  return sorted(out)


@functools.lru_cache(maxsize=None)
def _function_lengths(use_ast_ends=True):
  """_function_lengths_here(use_ast_ends), computed in a fresh interpreter."""
  args = [sys.executable, os.path.abspath(__file__)]
  if not use_ast_ends:
    args.append("--tokens")
  out = subprocess.check_output(args, timeout=300)
  return [tuple(row) for row in json.loads(out.decode("utf-8"))]


def test_no_function_over_80_lines():
  too_long = ["%s:%d %s (%d lines)" % (rel, line, name, length)
              for rel, name, line, length in _function_lengths()
              if length > MAX_LINES and (rel, name) not in PENDING]
  assert not too_long, (
      "functions over %d lines (def to end, docstring included):\n  %s" % (
          MAX_LINES, "\n  ".join(too_long)))


def test_pending_entries_are_still_over_80_lines():
  lengths = {}
  for rel, name, _, length in _function_lengths():
    key = (rel, name)
    lengths[key] = max(length, lengths.get(key, 0))
  stale = ["%s %s (%s)" % (rel, name, "not found" if (rel, name) not in
                           lengths else "%d lines" % lengths[(rel, name)])
           for rel, name in sorted(PENDING)
           if lengths.get((rel, name), 0) <= MAX_LINES]
  assert not stale, (
      "PENDING entries no longer over %d lines; remove them:\n  %s" % (
          MAX_LINES, "\n  ".join(stale)))


@pytest.mark.skipif(sys.version_info < (3, 8),
                    reason="ast has end_lineno from Python 3.8")
def test_token_measure_matches_ast():
  """The Python 3.7 measure (from the tokens) agrees with ``ast``'s."""
  assert _function_lengths(use_ast_ends=False) == _function_lengths()


if __name__ == "__main__":
  print(json.dumps(_function_lengths_here("--tokens" not in sys.argv[1:])))
