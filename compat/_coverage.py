"""``python -m compat coverage``: how much of TF 1.15's API this TF provides.

Counts, per TF 1.x module of the inventory (``compat/routes/
tf115_inventory.json``), the names that resolve here and which source serves
them (``tf1``: TF 1.x itself; ``native``: TF 2.x's own object; ``library``:
tf-slim; ``inhouse``: legacy-pipeline's port), the names absent with a
reason, those deferred to a later issue, and any that are broken (a row whose
sources all fail here) or unrouted (no row: a gap in the table).

The headline is the target of issues 24 and 26: the sequence-program modules
(tf.layers and the tf.contrib modules below, contrib.seq2seq,
legacy_seq2seq and crf included), without rows deferred to a later issue,
contrib.learn beyond ``ModeKeys``, and contrib's feature-column API.
"""
from __future__ import absolute_import, division, print_function

import collections
import json

from compat import _routes
from compat import routes

# Issue 24's target modules (their sub-modules included).
TARGET_MODULES = (
    "tf.layers", "tf.contrib.training", "tf.contrib.rnn", "tf.contrib.layers",
    "tf.contrib.framework", "tf.contrib.metrics", "tf.contrib.slim",
    "tf.contrib.data", "tf.contrib.lookup", "tf.contrib.cudnn_rnn",
    "tf.contrib.losses", "tf.contrib.nn", "tf.contrib.stateless",
    "tf.contrib.signal", "tf.contrib.util", "tf.contrib.opt",
    "tf.contrib.learn", "tf.contrib.seq2seq", "tf.contrib.legacy_seq2seq",
    "tf.contrib.crf",
)
PROVIDED = ("tf1", "native", "library", "inhouse")
COLUMNS = PROVIDED + ("absent", "deferred", "broken", "unrouted")


def in_target(path):
  """Whether the TF 1.x name `path` counts toward the target."""
  module = path.rsplit(".", 1)[0]
  if not any(module == m or module.startswith(m + ".")
             for m in TARGET_MODULES):
    return False
  if module == "tf.contrib.learn":
    return path == "tf.contrib.learn.ModeKeys"
  r = _routes.row(path)
  if r is not None and (r.deferred or
                        r.absent == routes.FEATURE_COLUMNS):
    return False
  return True


def measure():
  """{module: Counter(source -> count)}, the target's Counter, and problems.

  Returns:
    (per_module, target, problems): `problems` lists (path, source, detail)
    of broken and unrouted names.
  """
  per_module = collections.OrderedDict()
  target = collections.Counter()
  problems = []
  for module, entry in sorted(_routes.inventory().items()):
    counts = collections.Counter()
    for name in sorted(entry["names"]):
      st = _routes.status(module + "." + name)
      counts[st.source] += 1
      if in_target(st.path):
        target[st.source] += 1
      if st.source in ("broken", "unrouted"):
        problems.append(st)
    per_module[module] = (entry["scope"], counts)
  return per_module, target, problems


def _provided(counts):
  return sum(counts[k] for k in PROVIDED)


def markdown(label):
  """The coverage block of docs/migration.md for this TensorFlow, generated.

  Args:
    label: what the block is about (the tox env that produced it).

  Returns:
    Markdown text: the target's headline, then one row per module of the
    inventory's contrib and core scopes (contrib.slim's sub-modules folded
    into one row).
  """
  per_module, target, _ = measure()
  total = sum(target.values())
  lines = ["`python -m compat coverage` in `%s`: the target %d of %d "
           "provided (%.1f%%)." % (label, _provided(target), total,
                                   100.0 * _provided(target) / max(total, 1)),
           "", "| module | provided | %s |" % " | ".join(COLUMNS),
           "|---|---|%s|" % "|".join("---" for _ in COLUMNS)]
  folded = collections.Counter()
  folded_n = 0
  for module, (scope, counts) in per_module.items():
    if scope == "record":
      continue
    if module.startswith("tf.contrib.slim."):
      folded.update(counts)
      folded_n += 1
      continue
    lines.append(_markdown_row(module, counts))
  if folded_n:
    lines.append(_markdown_row("tf.contrib.slim.* (%d submodules)" % folded_n,
                               folded))
  return "\n".join(lines) + "\n"


def _markdown_row(module, counts):
  return "| %s | %d/%d | %s |" % (
      module, _provided(counts), sum(counts.values()),
      " | ".join(str(counts[k]) if counts[k] else "" for k in COLUMNS))


_BLOCK = "<!-- coverage:%s -->\n"
_END = "<!-- /coverage -->"


def readme_block(text, label):
  """The generated block for `label` of Markdown `text`, or None."""
  start = text.find(_BLOCK % label)
  if start < 0:
    return None
  start += len(_BLOCK % label)
  return text[start:text.index(_END, start)]


def write_readme(path, label):
  """Regenerates the block for `label` of Markdown file `path` in place.

  The page is docs/migration.md (the name and --write-readme are older).
  """
  with open(path) as f:
    text = f.read()
  old = readme_block(text, label)
  if old is None:
    raise ValueError("%s has no %r block" % (path, (_BLOCK % label).strip()))
  start = text.index(_BLOCK % label) + len(_BLOCK % label)
  with open(path, "w") as f:
    f.write(text[:start] + markdown(label) + text[start + len(old):])


def report(out, as_json=False, show_all=False):
  """Writes the coverage table; returns 0, or 1 if a name is broken/unrouted.

  Args:
    out: a text stream.
    as_json: write one JSON object instead of the table.
    show_all: include the modules kept only for the record (whole contrib
      modules outside the scope).
  """
  import compat  # pylint: disable=g-import-not-at-top
  per_module, target, problems = measure()
  total = sum(target.values())
  if as_json:
    json.dump({
        "describe": compat.describe(),
        "target": {"provided": _provided(target), "total": total,
                   "by_source": dict(target)},
        "modules": {m: {"scope": scope, "provided": _provided(c),
                        "total": sum(c.values()), "by_source": dict(c)}
                    for m, (scope, c) in per_module.items()},
        "next_steps": _routes.next_steps(),
        "problems": [list(p) for p in problems]}, out, indent=1,
              sort_keys=True)
    out.write("\n")
    return 1 if problems else 0
  out.write("legacy-pipeline TF 1.15 API coverage: %s\n" % compat.describe())
  out.write("target (sequence-program modules): %d of %d "
            "provided (%.1f%%)\n\n" % (_provided(target), total,
                                      100.0 * _provided(target) /
                                      max(total, 1)))
  out.write("| module | scope | provided | %s |\n" % " | ".join(COLUMNS))
  out.write("|---|---|---|%s|\n" % "|".join("---" for _ in COLUMNS))
  for module, (scope, counts) in per_module.items():
    if scope == "record" and not show_all:
      continue
    out.write("| %s | %s | %d/%d | %s |\n" % (
        module, scope, _provided(counts), sum(counts.values()),
        " | ".join(str(counts[k]) if counts[k] else "" for k in COLUMNS)))
  if not show_all:
    record = [c for scope, c in per_module.values() if scope == "record"]
    out.write("\n%d more modules kept for the record (tf.estimator and "
              "contrib modules outside the scope: %d names, %d provided); "
              "--all lists them\n" % (
                  len(record), sum(sum(c.values()) for c in record),
                  sum(_provided(c) for c in record)))
  for p in problems:
    out.write("%s %s: %s\n" % (p.source.upper(), p.path, p.detail))
  return 1 if problems else 0
