"""Entry point: python -m tf1_pkg.main [--steps N]."""
from __future__ import print_function

import json
import sys

import tensorflow as tf

from tf1_pkg import model


def main(argv):
  steps = int(argv[argv.index("--steps") + 1]) if "--steps" in argv else 3
  tf.set_random_seed(1)
  x = tf.constant([[[0.1], [0.2], [0.3]], [[0.3], [0.2], [0.1]]])
  y = model.build(x, units=4)
  loss = tf.reduce_mean(tf.square(y - 1.0))
  train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
  losses = []
  with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(steps):
      losses.append(float(sess.run([train, loss])[1]))
  real = sys.modules["tensorflow"]
  print(json.dumps({"argv": argv[1:], "name": __name__, "losses": losses,
                    "tf_is_real_module": tf is real,
                    "real_is_tf2": not real.__version__.startswith("1."),
                    "variables": sorted(v.op.name for v in
                                        tf.global_variables())}))
  if "--fail" in argv:
    raise ValueError("asked to fail")
  return 0 if "--exit" not in argv else int(argv[argv.index("--exit") + 1])


if __name__ == "__main__":
  sys.exit(main(sys.argv))
