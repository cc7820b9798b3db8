"""Long-run soak of the state saver (not part of CI).

  python benchmarks/soak.py [--minutes 60] [--impl inhouse|contrib]
      [--sample-every 30] [--data DIR]

Runs the W1 pipeline (bench.py's) with make_keys_unique=True and
num_epochs=None for the given wall time -- at ~50k segments/s an hour is about
180M segments, many days of a typical training job's input -- sampling the
process's RSS and live thread count.  At the end it prints the samples and
whether either grew between the first and the last quarter of the run
(RSS: more than 5%; threads: any).  Exit code 1 if something grew.
"""
from __future__ import absolute_import, division, print_function

import argparse
import os
import sys
import threading
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import bench  # noqa: E402
import tensorflow as tf  # noqa: E402

from legacy_pipeline.saver.runners import queue_runners  # noqa: E402

tf1 = tf.compat.v1


def main(argv=None):
  p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  p.add_argument("--minutes", type=float, default=60.0)
  p.add_argument("--impl", choices=["inhouse", "contrib"], default="inhouse")
  p.add_argument("--sample-every", type=float, default=30.0,
                 help="seconds between samples")
  p.add_argument("--data", default=os.path.join(HERE, ".data"))
  args = p.parse_args(argv)
  if not os.path.isdir(args.data):
    bench.make_data(args.data)
  samples = []
  with tf.Graph().as_default():
    step = bench._pipeline_graph(args.impl, bench._files(args.data), 32, 20)  # pylint: disable=protected-access
    with tf1.Session() as sess:
      sess.run(tf1.local_variables_initializer())
      with queue_runners(sess):
        start = last = time.time()
        steps = 0
        while time.time() - start < args.minutes * 60:
          sess.run(step, options=bench.TIMEOUT)
          steps += 1
          now = time.time()
          if now - last >= args.sample_every:
            last = now
            rss = bench._status_mb("VmRSS")  # pylint: disable=protected-access
            samples.append((now - start, steps * 32, rss,
                            threading.active_count()))
            print("t=%6.0fs segments=%11d rss=%8.1f MB threads=%d" %
                  samples[-1])
            sys.stdout.flush()
  if len(samples) < 4:
    print("too short to judge: run longer than 4 samples")
    return 0
  q = max(1, len(samples) // 4)
  first = samples[:q]
  final = samples[-q:]
  rss_a = float(np.median([s[2] for s in first]))
  rss_b = float(np.median([s[2] for s in final]))
  thr_a = max(s[3] for s in first)
  thr_b = max(s[3] for s in final)
  rss_grew = rss_b > rss_a * 1.05
  threads_grew = thr_b > thr_a
  print("RSS median first quarter %.1f MB, last quarter %.1f MB (%+.1f%%): %s"
        % (rss_a, rss_b, 100 * (rss_b - rss_a) / rss_a,
           "GREW" if rss_grew else "flat"))
  print("threads first quarter %d, last quarter %d: %s" % (
      thr_a, thr_b, "GREW" if threads_grew else "flat"))
  return 1 if rss_grew or threads_grew else 0


if __name__ == "__main__":
  sys.exit(main())
