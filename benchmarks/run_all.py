"""Runs every benchmark side by side and writes results.json and results.md.

  python benchmarks/run_all.py --py115 PYTHON_WITH_TF115 --py221 PYTHON_WITH_TF221
      [--reps 3] [--quick] [--out benchmarks]
  python benchmarks/run_all.py --render-docs docs/benchmarks.md

Five configurations -- contrib on TF 1.15, and each of our two stores (the
Barrier store and the scheduled one) on TF 1.15 and TF 2.21 -- run
interleaved (configuration inside repetition), each measurement in a fresh
process; the table shows medians and ratios to contrib from this one run.
Use ``bash benchmarks/run.sh``, which makes the interpreters first. A run
with the default --out also rewrites docs/benchmarks.md's generated block;
--render-docs only renders that block from the committed results.json
(``render`` is the one table code, checked by tests/test_docs.py).
"""
from __future__ import absolute_import, division, print_function

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, "bench.py")
PROFILE = os.path.join(HERE, "profile_step.py")
# RSS samples of the memory run (segments taken); growth is read from 200k
# (after the ramp of the first ~100-300k segments) to 1M.
MEMORY_MARKS = "100000,200000,400000,600000,800000,1000000"
# The five configurations: (name, table label, interpreter option, --impl).
CONFIGS = (("contrib", "TF 1.15 contrib", "py115", "contrib"),
           ("barrier115", "TF 1.15 Barrier store", "py115", "inhouse"),
           ("scheduled115", "TF 1.15 scheduled store", "py115", "scheduled"),
           ("barrier221", "TF 2.21 Barrier store", "py221", "inhouse"),
           ("scheduled221", "TF 2.21 scheduled store", "py221", "scheduled"))
# The scaling curve and the memory run: contrib and both stores on TF 2.21.
CURVE = ("contrib", "barrier221", "scheduled221")
RESULTS = os.path.join(HERE, "results.json")
# The docs page whose marked block holds the tables of results.json.
DOCS = os.path.join(os.path.dirname(HERE), "docs", "benchmarks.md")
DOCS_BEGIN = "<!-- bench:results -->\n"
DOCS_END = "<!-- /bench:results -->"


def measure(python, args, timeout=1800, script=BENCH):
  env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONHASHSEED="0")
  proc = subprocess.run([python, script] + args, env=env,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        timeout=timeout)
  for line in proc.stdout.decode().splitlines():
    if line.startswith("RESULT "):
      return json.loads(line[len("RESULT "):])
  raise RuntimeError("%s %s failed:\n%s" % (
      os.path.basename(script), " ".join(args), proc.stderr.decode()[-3000:]))


def main(argv=None):
  p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  p.add_argument("--py115")
  p.add_argument("--py221")
  p.add_argument("--reps", type=int, default=3)
  p.add_argument("--quick", action="store_true",
                 help="fewer segments and no 1M-segment memory run")
  p.add_argument("--out", default=HERE)
  p.add_argument("--render-docs", metavar="PAGE",
                 help="measure nothing: rewrite PAGE's generated block "
                 "(docs/benchmarks.md) from OUT/results.json")
  args = p.parse_args(argv)
  if args.render_docs:
    render_docs(args.render_docs, os.path.join(args.out, "results.json"))
    return
  if not (args.py115 and args.py221):
    p.error("--py115 and --py221 are required (or --render-docs PAGE)")
  configs = [(name, label, getattr(args, py), impl)
             for name, label, py, impl in CONFIGS]
  # The scaling curve and the memory run: contrib and both stores on TF 2.21.
  curve = [c for c in configs if c[0] in CURVE]
  data = os.path.join(HERE, ".data")
  if not os.path.isfile(os.path.join(data, "lengths.json")):
    measure(args.py221, ["--case", "make-data", "--data", data])
  segs = "10000" if args.quick else "40000"
  raw = {}

  def record(key, value):
    raw.setdefault(key, []).append(value)
    print(key, json.dumps(value, sort_keys=True))
    sys.stdout.flush()

  started = time.time()
  for rep in range(args.reps):
    for name, _, py, impl in configs:
      record((name, "pipeline"), measure(py, [
          "--case", "pipeline", "--impl", impl, "--data", data,
          "--segments", segs]))
      record((name, "tutorial"), measure(py, ["--case", "tutorial",
                                              "--impl", impl]))
    # The tf.data entry point, without and with the in-flight journal, and
    # the batched one (scheduled store only).
    for source in ("tfdata", "tfdata-journal", "tfdata-batched"):
      for impl in ("inhouse", "scheduled"):
        if source == "tfdata-batched" and impl == "inhouse":
          continue
        record(("%s221" % ("barrier" if impl == "inhouse" else impl), source),
               measure(args.py221, [
                   "--case", "pipeline", "--source", source, "--impl", impl,
                   "--data", data, "--segments", segs]))
    for case in ("limit", "limit-per-record"):
      record(("%s115" % case, "limit"), measure(args.py115, [
          "--case", case, "--data", data]))
      record(("%s221" % case, "limit"), measure(args.py221, [
          "--case", case, "--data", data]))
    del rep
  # Where the time goes, once per configuration: the prefetch per example
  # and W1's consumer step per batch (profile_step.py).
  profiles = {}
  for name, _, py, impl in configs:
    for case in ("prefetch", "pipeline"):
      profiles[(name, case)] = measure(py, [
          "--case", case, "--impl", impl, "--steps", "100" if args.quick
          else "300"], script=PROFILE)
      print("profile", name, case, json.dumps(profiles[(name, case)]))
      sys.stdout.flush()
  scaling = {}
  for batch in (8, 32, 128, 512):
    for unroll in (5, 20, 100):
      for name, _, py, impl in curve:
        r = measure(py, ["--case", "pipeline", "--impl", impl, "--data", data,
                         "--batch", str(batch), "--unroll", str(unroll),
                         "--segments", str(max(4 * batch, int(segs) // 2))])
        scaling[(name, batch, unroll)] = r["us_per_segment"]
        print("scaling", name, batch, unroll, round(r["us_per_segment"], 1))
        sys.stdout.flush()
  memory = {}
  if not args.quick:
    for name, _, py, impl in curve:
      memory[name] = measure(py, ["--case", "memory", "--impl", impl,
                                  "--data", data, "--checkpoints",
                                  MEMORY_MARKS], timeout=3600)["memory"]
      print("memory", name, memory[name])
      sys.stdout.flush()

  def med(name, case, field):
    return statistics.median(v[field] for v in raw[(name, case)])

  summary = {
      "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
      "reps": args.reps, "seconds": round(time.time() - started),
      "pipeline_segments_per_s": {n: med(n, "pipeline", "segments_per_s")
                                  for n, _, _, _ in configs},
      "tutorial_steps_per_s": {n: med(n, "tutorial", "steps_per_s")
                               for n, _, _, _ in configs},
      "limit_segments_per_s": {
          "tf115": med("limit115", "limit", "segments_per_s"),
          "tf221": med("limit221", "limit", "segments_per_s"),
          "tf115_per_record": med("limit-per-record115", "limit",
                                  "segments_per_s"),
          "tf221_per_record": med("limit-per-record221", "limit",
                                  "segments_per_s")},
      "tfdata_segments_per_s": {
          "%s/%s" % (n, s): med(n, s, "segments_per_s")
          for n in ("barrier221", "scheduled221")
          for s in ("tfdata", "tfdata-journal")},
      "tfdata_batched_segments_per_s": med("scheduled221", "tfdata-batched",
                                           "segments_per_s"),
      "profiles": {"%s/%s" % k: v for k, v in profiles.items()},
      "scaling_us_per_segment": {"%s/b%d/u%d" % k: v
                                 for k, v in sorted(scaling.items())},
      "memory": memory,
      "raw": {"%s/%s" % k: v for k, v in raw.items()},
  }
  with open(os.path.join(args.out, "results.json"), "w") as f:
    json.dump(summary, f, indent=1, sort_keys=True)
  # The tables are rendered from the file just written, as --render-docs
  # renders them from the committed one.
  with open(os.path.join(args.out, "results.json")) as f:
    table = render(json.load(f))
  with open(os.path.join(args.out, "results.md"), "w") as f:
    f.write(table)
  if os.path.abspath(args.out) == HERE and os.path.isfile(DOCS):
    render_docs(DOCS, os.path.join(args.out, "results.json"))
  print(table)


def render(summary):
  """The Markdown tables of one run, from its results.json contents.

  Args:
    summary: the dict run_all.py writes to results.json.

  Returns:
    The text of results.md: the main table, the scaling grid and issue 27's
    targets. docs/benchmarks.md holds the same text between its
    ``<!-- bench:results -->`` markers.
  """
  configs = [(n, label, None, impl) for n, label, _, impl in CONFIGS]
  curve = [c for c in configs if c[0] in CURVE]
  profiles = {tuple(k.split("/")): v for k, v in summary["profiles"].items()}
  scaling = {(n, b, u): summary["scaling_us_per_segment"][
      "%s/b%d/u%d" % (n, b, u)] for n in CURVE for b in (8, 32, 128, 512)
             for u in (5, 20, 100)}
  memory = summary["memory"]
  p_ = summary["pipeline_segments_per_s"]
  t_ = summary["tutorial_steps_per_s"]
  lim = summary["limit_segments_per_s"]
  names = [n for n, _, _, _ in configs]

  def tf_of(name):
    return "tf115" if name in ("contrib", "barrier115", "scheduled115") else \
        "tf221"

  def row(label, values, target=""):
    return "| %s | %s | %s |" % (label, " | ".join(values), target)

  def vs_contrib(d, n, fmt="%.0f"):
    if n == "contrib":
      return fmt % d[n]
    return (fmt + " (%.2fx)") % (d[n], d[n] / d["contrib"])

  lines = [
      "| measure | " + " | ".join(label for _, label, _, _ in configs) +
      " | target |",
      "|---|" + "---|" * (len(configs) + 1),
      row("W1 pipeline, segments/s (median of %d)" % summary["reps"],
          [vs_contrib(p_, n) for n in names], ">= 3x contrib"),
      row("tutorial model, steps/s", [vs_contrib(t_, n) for n in names],
          ">= 1.5x contrib"),
      row("read+parse limit, per record as the pipeline reads, "
          "segment-equivalents/s",
          ["%.0f" % lim[tf_of(n) + "_per_record"] for n in names]),
      row("W1 pipeline / per-record limit (same TF)",
          ["%.2f" % (p_[n] / lim[tf_of(n) + "_per_record"]) for n in names],
          ">= 0.5"),
      row("read+parse limit, batched parse, segment-equivalents/s",
          ["%.0f" % lim[tf_of(n)] for n in names]),
      row("W1 pipeline / batched limit (same TF)",
          ["%.2f" % (p_[n] / lim[tf_of(n)]) for n in names]),
  ]
  td = summary["tfdata_segments_per_s"]
  blank = ["", "", ""]
  lines.append(row("W1 via tf.data (`--source tfdata`), segments/s",
                   blank + ["%.0f" % td["%s/tfdata" % n]
                            for n in ("barrier221", "scheduled221")]))
  lines.append(row("the same with `checkpoint_in_flight=True`", blank + [
      "%.0f (%.2fx)" % (td["%s/tfdata-journal" % n],
                        td["%s/tfdata-journal" % n] / td["%s/tfdata" % n])
      for n in ("barrier221", "scheduled221")]))
  batched = summary["tfdata_batched_segments_per_s"]
  lines.append(row(
      "W1 via batched tf.data (`--source tfdata-batched`: 32 records parsed "
      "and placed per run), segments/s", blank + ["", "%.0f (%.2fx contrib)" % (
          batched, batched / p_["contrib"])], ">= 4x contrib"))
  lines += _profile_rows(profiles, names, row)
  if memory:
    def growth(samples):
      at = dict((s["segments"], s["rss_mb"]) for s in samples)
      a, b = at[200000], at[1000000]
      return "%.0f -> %.0f MB (%+.1f%%)" % (a, b, 100.0 * (b - a) / a)
    lines.append(row("RSS at 200k -> 1M segments taken", [
        growth(memory[n]) if n in memory else "" for n in names],
                     "flat after warm-up"))
  curve_names = [n for n, _, _, _ in curve]
  lines += ["", "Cost per segment (microseconds) by batch size and num_unroll:",
            "", "| batch / unroll | " + " | ".join(
                "%s u=%d" % (n, u) for u in (5, 20, 100)
                for n in curve_names) + " |",
            "|---|" + "---|" * (3 * len(curve_names))]
  for batch in (8, 32, 128, 512):
    lines.append("| %d | " % batch + " | ".join(
        "%.1f" % scaling[(n, batch, u)] for u in (5, 20, 100)
        for n in curve_names) + " |")
  lines += _targets(summary, p_, t_, lim, td, batched, scaling, memory,
                    curve_names)
  return "\n".join(lines) + "\n"


def docs_block(text):
  """The generated block of docs page `text` (between the markers), or None."""
  start = text.find(DOCS_BEGIN)
  if start < 0:
    return None
  start += len(DOCS_BEGIN)
  return text[start:text.index(DOCS_END, start)]


def render_docs(page, results=RESULTS):
  """Rewrites `page`'s generated block from `results` (a results.json)."""
  with open(results) as f:
    table = render(json.load(f))
  with open(page) as f:
    text = f.read()
  old = docs_block(text)
  if old is None:
    raise ValueError("%s has no %r block" % (page, DOCS_BEGIN.strip()))
  start = text.index(DOCS_BEGIN) + len(DOCS_BEGIN)
  with open(page, "w") as f:
    f.write(text[:start] + table + text[start + len(old):])
  print("%s: benchmark tables rendered from %s" % (page, results))


def _profile_rows(profiles, names, row):
  """Table rows from profile_step.py: op counts and time per example and
  per batch, by part."""
  def cell(name, case, fmt):
    p = profiles[(name, case)]
    return fmt(p)
  out = [
      row("prefetch: ops per example (read+parse / wrapper / state saver)",
          [cell(n, "prefetch", lambda p: "%.0f (%.0f / %.0f / %.0f)" % (
              p["ops"], p["ops_by_part"]["read+parse"],
              p["ops_by_part"]["wrapper"], p["ops_by_part"]["state saver"]))
           for n in names]),
      row("prefetch: us per example, wall untraced (op time: read+parse / "
          "wrapper / state saver)",
          [cell(n, "prefetch", lambda p: "%.0f (%.0f / %.0f / %.0f)" % (
              p["wall_us"], p["us_by_part"]["read+parse"],
              p["us_by_part"]["wrapper"], p["us_by_part"]["state saver"]))
           for n in names]),
      row("consumer step: ops per batch of 32",
          [cell(n, "pipeline", lambda p: "%.0f" % p["ops"]) for n in names]),
      row("consumer step: us per batch, wall untraced (op time: state saver "
          "/ other)",
          [cell(n, "pipeline", lambda p: "%.0f (%.0f / %.0f)" % (
              p["wall_us"], p["us_by_part"]["state saver"],
              p["op_us"] - p["us_by_part"]["state saver"])) for n in names],
          "<= 250 us on TF 2.21"),
  ]
  return out


def _targets(summary, p_, t_, lim, td, batched, scaling, memory, curve):
  """The targets of issue 27, each with its measure from this run."""
  best = max(("barrier221", "scheduled221"), key=lambda n: p_[n])
  limit = lim["tf221_per_record"]
  cells = [(n, b, u) for b in (8, 32, 128, 512) for u in (5, 20, 100)
           for n in curve if n != "contrib"]
  worst = min(scaling[("contrib", b, u)] / scaling[(n, b, u)]
              for n, b, u in cells)
  step = summary["profiles"]["scheduled221/pipeline"]["wall_us"]
  rows = [
      ("W1, queue path", "%.2fx contrib (%s)" % (p_[best] / p_["contrib"],
                                                 best), ">= 3x", 3.0,
       p_[best] / p_["contrib"]),
      ("W1 against the per-record read+parse ceiling (TF 2.21)",
       "%.2f" % (p_[best] / limit), ">= 0.6", 0.6, p_[best] / limit),
      ("W1 via tf.data (the faster of per-example and batched)",
       "%.2fx contrib" % (max(batched, td["scheduled221/tfdata"]) /
                          p_["contrib"]), ">= 4x", 4.0,
       max(batched, td["scheduled221/tfdata"]) / p_["contrib"]),
      ("every cell of the scaling grid", "worst %.2fx contrib" % worst,
       ">= 1.0x", 1.0, worst),
      ("tutorial", "%.2fx contrib (best store, TF 2.21)" % (
          max(t_["barrier221"], t_["scheduled221"]) / t_["contrib"]),
       ">= 1.0x", 1.0, max(t_["barrier221"], t_["scheduled221"]) /
       t_["contrib"]),
      ("consumer step, batch 32, TF 2.21 scheduled store",
       "%.0f us" % step, "<= 250 us", -250.0, -step),
  ]
  out = ["", "Targets (issue 27), from this run:", "",
         "| target | measured | wanted | met |", "|---|---|---|---|"]
  for label, measured, wanted, bound, value in rows:
    out.append("| %s | %s | %s | %s |" % (label, measured, wanted,
                                          "yes" if value >= bound else "no"))
  if memory:
    out.append("| memory | see the RSS row | flat | see the RSS row |")
  return out


if __name__ == "__main__":
  main()
