"""Runs every benchmark side by side and writes results.json and results.md.

  python benchmarks/run_all.py --py115 PYTHON_WITH_TF115 --py221 PYTHON_WITH_TF221
      [--reps 3] [--quick] [--out benchmarks]

Three configurations -- contrib on TF 1.15, ours on TF 1.15, ours on TF 2.21 --
run interleaved (configuration inside repetition), each measurement in a
fresh process; the table shows medians and ratios to contrib from this one run.
Use ``bash benchmarks/run.sh``, which makes the interpreters first.
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


def measure(python, args, timeout=1800):
  env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONHASHSEED="0")
  proc = subprocess.run([python, BENCH] + args, env=env,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        timeout=timeout)
  for line in proc.stdout.decode().splitlines():
    if line.startswith("RESULT "):
      return json.loads(line[len("RESULT "):])
  raise RuntimeError("bench.py %s failed:\n%s" % (
      " ".join(args), proc.stderr.decode()[-3000:]))


def main(argv=None):
  p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  p.add_argument("--py115", required=True)
  p.add_argument("--py221", required=True)
  p.add_argument("--reps", type=int, default=3)
  p.add_argument("--quick", action="store_true",
                 help="fewer segments and no 1M-segment memory run")
  p.add_argument("--out", default=HERE)
  args = p.parse_args(argv)
  configs = [("contrib", "TF 1.15 contrib", args.py115, "contrib"),
             ("ours115", "TF 1.15 ours", args.py115, "inhouse"),
             ("ours221", "TF 2.21 ours", args.py221, "inhouse")]
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
    # The tf.data entry point, without and with the in-flight journal.
    for source in ("tfdata", "tfdata-journal"):
      record(("ours221", source), measure(args.py221, [
          "--case", "pipeline", "--source", source, "--data", data,
          "--segments", segs]))
    for case in ("limit", "limit-per-record"):
      record(("%s115" % case, "limit"), measure(args.py115, [
          "--case", case, "--data", data]))
      record(("%s221" % case, "limit"), measure(args.py221, [
          "--case", case, "--data", data]))
    del rep
  scaling = {}
  for batch in (8, 32, 128, 512):
    for unroll in (5, 20, 100):
      for name, _, py, impl in configs:
        r = measure(py, ["--case", "pipeline", "--impl", impl, "--data", data,
                         "--batch", str(batch), "--unroll", str(unroll),
                         "--segments", str(max(4 * batch, int(segs) // 2))])
        scaling[(name, batch, unroll)] = r["us_per_segment"]
        print("scaling", name, batch, unroll, round(r["us_per_segment"], 1))
        sys.stdout.flush()
  memory = {}
  if not args.quick:
    for name, _, py, impl in configs:
      memory[name] = measure(py, ["--case", "memory", "--impl", impl,
                                  "--data", data], timeout=3600)["memory"]
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
      "tfdata_segments_per_s": {s: med("ours221", s, "segments_per_s")
                                for s in ("tfdata", "tfdata-journal")},
      "scaling_us_per_segment": {"%s/b%d/u%d" % k: v
                                 for k, v in sorted(scaling.items())},
      "memory": memory,
      "raw": {"%s/%s" % k: v for k, v in raw.items()},
  }
  p_ = summary["pipeline_segments_per_s"]
  t_ = summary["tutorial_steps_per_s"]
  lim = summary["limit_segments_per_s"]
  lines = [
      "| measure | TF 1.15 contrib | TF 1.15 ours | TF 2.21 ours | target |",
      "|---|---|---|---|---|",
      "| W1 pipeline, segments/s (median of %d) | %.0f | %.0f (%.2fx) | %.0f "
      "(%.2fx) | >= 1.5x contrib |" % (
          args.reps, p_["contrib"], p_["ours115"], p_["ours115"] /
          p_["contrib"], p_["ours221"], p_["ours221"] / p_["contrib"]),
      "| tutorial model, steps/s | %.0f | %.0f (%.2fx) | %.0f (%.2fx) | "
      ">= 1.3x contrib |" % (
          t_["contrib"], t_["ours115"], t_["ours115"] / t_["contrib"],
          t_["ours221"], t_["ours221"] / t_["contrib"]),
      "| read+parse limit (batched parse), segment-equivalents/s | %.0f | "
      "%.0f | %.0f | |" % (lim["tf115"], lim["tf115"], lim["tf221"]),
      "| W1 pipeline / batched limit (same TF) | %.2f | %.2f | %.2f | "
      ">= 0.8 |" % (p_["contrib"] / lim["tf115"], p_["ours115"] /
                    lim["tf115"], p_["ours221"] / lim["tf221"]),
      "| read+parse limit (per record, as the pipeline reads) | %.0f | %.0f "
      "| %.0f | |" % (lim["tf115_per_record"], lim["tf115_per_record"],
                      lim["tf221_per_record"]),
      "| W1 pipeline / per-record limit (same TF) | %.2f | %.2f | %.2f | |" % (
          p_["contrib"] / lim["tf115_per_record"],
          p_["ours115"] / lim["tf115_per_record"],
          p_["ours221"] / lim["tf221_per_record"]),
  ]
  td = summary["tfdata_segments_per_s"]
  lines.append(
      "| W1 via tf.data (`--source tfdata`), segments/s | | | %.0f | |" %
      td["tfdata"])
  lines.append(
      "| the same with `checkpoint_in_flight=True` | | | %.0f (%.2fx) | |" % (
          td["tfdata-journal"], td["tfdata-journal"] / td["tfdata"]))
  if memory:
    def growth(samples):
      a, b = samples[0]["rss_mb"], samples[-1]["rss_mb"]
      return "%.0f -> %.0f MB (%+.1f%%)" % (a, b, 100.0 * (b - a) / a)
    lines.append("| RSS at 200k -> 1M segments | %s | %s | %s | <= +5%% |" % (
        growth(memory["contrib"]), growth(memory["ours115"]),
        growth(memory["ours221"])))
  lines += ["", "Cost per segment (microseconds) by batch size and num_unroll:",
            "", "| batch / unroll | " + " | ".join(
                "%s u=%d" % (n, u) for u in (5, 20, 100)
                for n in ("contrib", "ours115", "ours221")) + " |",
            "|---|" + "---|" * 9]
  for batch in (8, 32, 128, 512):
    lines.append("| %d | " % batch + " | ".join(
        "%.1f" % scaling[(n, batch, u)] for u in (5, 20, 100)
        for n in ("contrib", "ours115", "ours221")) + " |")
  table = "\n".join(lines) + "\n"
  with open(os.path.join(args.out, "results.json"), "w") as f:
    json.dump(summary, f, indent=1, sort_keys=True)
  with open(os.path.join(args.out, "results.md"), "w") as f:
    f.write(table)
  print(table)


if __name__ == "__main__":
  main()
