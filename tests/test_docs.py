"""The README and docs/: size, the two commands, links, generated tables.

Fast and without TensorFlow. The coverage tables of docs/migration.md are
checked per env by tests/test_routes.py (they need the route table's
resolver, hence TensorFlow); the benchmark tables of docs/benchmarks.md are
checked here against benchmarks/run_all.py's renderer, from the committed
benchmarks/results.json (no benchmark runs).
"""
from __future__ import absolute_import, division, print_function

import glob
import importlib.util
import io
import json
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")
DOCS = os.path.join(ROOT, "docs")
README_LIMIT = 10240
# The README's two commands, character for character.
COMMANDS = (
    "bash scripts/run_tutorial.sh            # --steps N, --seed S, "
    "--out DIR, --help",
    "bash scripts/test_matrix.sh             # or: bash scripts/test_matrix.sh"
    " -e py311-tf221-keras3",
)
PAGES = ("index", "migration", "state_saver", "training", "benchmarks",
         "compatibility", "architecture")


def _read(path):
  with io.open(path, encoding="utf-8") as f:
    return f.read()


def _markdown_files():
  return [README] + sorted(glob.glob(os.path.join(DOCS, "*.md")))


def _without_code(text):
  """`text` without fenced code blocks and inline code spans."""
  text = re.sub(r"^```.*?^```[^\n]*$", "", text, flags=re.M | re.S)
  return re.sub(r"`[^`\n]*`", "", text)


def _slug(heading):
  """GitHub's anchor for a heading's text."""
  text = re.sub(r"[^\w\- ]", "", heading.strip().lower(), flags=re.U)
  return text.replace(" ", "-")


def _anchors(text):
  seen = {}
  out = set()
  for line in re.sub(r"^```.*?^```[^\n]*$", "", text,
                     flags=re.M | re.S).splitlines():
    m = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
    if not m:
      continue
    slug = _slug(m.group(1))
    n = seen.get(slug, 0)
    seen[slug] = n + 1
    out.add(slug if n == 0 else "%s-%d" % (slug, n))
  return out


def _links(text):
  """(target) of every inline Markdown link outside code."""
  return re.findall(r"\]\(([^()\s]+)\)", _without_code(text))


def _load_run_all():
  path = os.path.join(ROOT, "benchmarks", "run_all.py")
  spec = importlib.util.spec_from_file_location("bench_run_all", path)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


def test_readme_is_short():
  size = os.path.getsize(README)
  assert size <= README_LIMIT, (
      "README.md is %d bytes, over %d: move content to docs/" % (
          size, README_LIMIT))


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_keeps_its_two_commands_verbatim(command):
  text = _read(README)
  blocks = re.findall(r"^```sh\n(.*?)^```$", text, flags=re.M | re.S)
  assert any(command in block.splitlines() for block in blocks), (
      "README.md must keep this line in a ```sh block: %r" % command)


def test_every_page_exists():
  for page in PAGES:
    assert os.path.isfile(os.path.join(DOCS, page + ".md")), page
  assert not os.path.exists(os.path.join(ROOT, "ARCHITECTURE.md")), (
      "ARCHITECTURE.md moved to docs/architecture.md")


@pytest.mark.parametrize("path", _markdown_files(),
                         ids=lambda p: os.path.relpath(p, ROOT))
def test_relative_links_resolve(path):
  text = _read(path)
  bad = []
  for target in _links(text):
    if re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
      continue
    file_part, _, anchor = target.partition("#")
    dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) \
        if file_part else path
    if not os.path.exists(dest):
      bad.append("%s: no such file" % target)
      continue
    if anchor and dest.endswith(".md") and anchor not in _anchors(
        _read(dest)):
      bad.append("%s: no heading with that anchor" % target)
  assert not bad, "%s: broken links:\n  %s" % (
      os.path.relpath(path, ROOT), "\n  ".join(bad))


def test_readme_links_every_docs_page():
  linked = {os.path.normpath(os.path.join(ROOT, t.partition("#")[0]))
            for t in _links(_read(README))}
  for page in PAGES:
    assert os.path.join(DOCS, page + ".md") in linked, page


def test_benchmark_tables_are_the_generated_ones():
  run_all = _load_run_all()
  with open(os.path.join(ROOT, "benchmarks", "results.json")) as f:
    expected = run_all.render(json.load(f))
  committed = run_all.docs_block(_read(os.path.join(DOCS, "benchmarks.md")))
  assert committed is not None, "docs/benchmarks.md lost its generated block"
  assert committed == expected, (
      "docs/benchmarks.md's benchmark tables differ from "
      "benchmarks/results.json: run python benchmarks/run_all.py "
      "--render-docs docs/benchmarks.md")
  assert _read(os.path.join(ROOT, "benchmarks", "results.md")) == expected, (
      "benchmarks/results.md differs from benchmarks/results.json")


def test_readme_coverage_headline_matches_the_generated_tables():
  page = _read(os.path.join(DOCS, "migration.md"))
  heads = re.findall(
      r"<!-- coverage:(\S+) -->\n`python -m compat coverage` in `\S+`: the "
      r"target (\d+) of (\d+) provided \(([\d.]+)%\)\.", page)
  assert {h[0] for h in heads} >= {"py311-tf221-keras3",
                                    "py311-tf221-tfkeras"}, heads
  readme = _read(README)
  for env, provided, total, percent in heads:
    assert "the target %s of %s" % (provided, total) in readme, env
    assert "(%s%%)" % percent in readme, env
