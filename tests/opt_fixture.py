"""Cross-version fixture: TF 1.15's tf.contrib.opt -> legacy_pipeline's.

``python tests/opt_fixture.py [OUT_DIR]`` (TF 1.15 only; default
``tests/fixtures/tf115_opt``) trains one small problem per configuration
below with the real ``tf.contrib.opt``, on ref variables ("ref") and on
resource variables ("res"): a dense matrix ``w``, an embedding ``emb`` read
through ``tf.gather`` (an IndexedSlices gradient, with a duplicate row) and
a vector ``b`` whose gradient is all zeros for the first two steps.  Initial
values and inputs are fixed and seeded.  It records every global variable
(slots and non-slot variables included) after each of STEPS steps into
``expected.npz`` (``<config>/<kind>/names``, sorted, and ``/values``: per
step, the variables' values flattened in that order) and saves a
checkpoint after CKPT_STEP steps (``<config>_<kind>``;
``<config>_<kind>_swapped`` is the MovingAverageOptimizer's swapping saver
after STEPS steps).
``tests/test_contrib_opt.py`` rebuilds each problem with
``legacy_pipeline.contrib.opt``.
"""
from __future__ import absolute_import, division, print_function

import os
import sys

import numpy as np

STEPS = 4
CKPT_STEP = 2
KINDS = ("ref", "res")
INDICES = [0, 2, 2, 4]
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixtures", "tf115_opt")


class Problem(object):
  """One graph's problem: variables, global step, losses."""

  def __init__(self, tf, kind, sparse=True):
    v1 = tf.compat.v1
    rng = np.random.RandomState(0)
    shapes = (("w", [3, 2]), ("emb", [5, 2]), ("b", [2]))
    init = {k: rng.uniform(-1, 1, s).astype(np.float32) for k, s in shapes}
    x = rng.uniform(-1, 1, [4, 3]).astype(np.float32)
    target = rng.uniform(-1, 1, [4, 2]).astype(np.float32)
    self.global_step = v1.train.get_or_create_global_step()
    self.vars = {k: v1.get_variable(k, initializer=init[k],
                                    use_resource=kind == "res")
                 for k, _ in shapes}
    w, emb, b = self.vars["w"], self.vars["emb"], self.vars["b"]
    # A dense read of emb (emb * 1.0) gives it a dense gradient.
    rows = tf.gather(emb if sparse else emb * 1.0, INDICES)
    y = tf.matmul(tf.constant(x), w) + rows
    gate = tf.cast(self.global_step >= 2, tf.float32)
    self.loss = (0.5 * tf.reduce_sum(tf.square(y - target)) +
                 tf.reduce_sum(tf.tanh(y)) +
                 gate * tf.reduce_sum(tf.square(b - 0.3)))
    self.reg_loss = 0.05 * (tf.reduce_sum(tf.square(w)) +
                            tf.reduce_sum(tf.square(tf.gather(emb, INDICES))))


# Each update is built under a control dependency on its loss: an update
# that does not read the gradient (AdamW's decay, var -= wd * var) could
# otherwise run before the forward pass reads the variable, in TF 1.15 as
# here, and the step would depend on the scheduling.


def _minimize(make, **kwargs):
  """Builder: one step = opt.minimize(loss, global_step)."""
  def build(tf, ns, p):
    opt = make(tf, ns, p)
    extra = {k: f(p) for k, f in kwargs.items()}
    with tf.control_dependencies([p.loss]):
      return opt, [[opt.minimize(p.loss, global_step=p.global_step,
                                 **extra)]]
  return build


def _clipped(tf, ns, p):
  opt = tf.compat.v1.train.MomentumOptimizer(0.1, 0.9)
  with tf.control_dependencies([p.loss]):
    grads, _ = ns.clip_gradients_by_global_norm(
        opt.compute_gradients(p.loss), clip_norm=0.5)
    return opt, [[opt.apply_gradients(grads, global_step=p.global_step)]]


def _reg_adagrad(tf, ns, p):
  opt = ns.RegAdagradOptimizer(0.1, initial_accumulator_value=0.2)
  with tf.control_dependencies([p.loss]):
    loss_update = opt.minimize(p.loss, global_step=p.global_step)
  with opt.avoid_updating_slots(), tf.control_dependencies([p.reg_loss]):
    reg_update = opt.minimize(p.reg_loss)
  return opt, [[loss_update], [reg_update]]


def _decay_fn(tf):
  return lambda gs: 1.0 - 0.2 * tf.cast(gs, tf.float32)


def _v1(tf):
  return tf.compat.v1.train


# name -> (builder(tf, ns, problem) -> (optimizer, list of run groups per
# step), options).  Options: "res_dense" (resource variables get a dense
# gradient: TF 1.15 has no sparse update for them), "dense" (no sparse
# gradient at all), "swap" (also save the swapping saver).
CONFIGS = {
    "adamw": (_minimize(lambda tf, ns, p: ns.AdamWOptimizer(
        0.02, learning_rate=0.05)), {}),
    "adamw_decay_list": (_minimize(
        lambda tf, ns, p: ns.AdamWOptimizer(0.1, learning_rate=0.05,
                                            beta1=0.8),
        decay_var_list=lambda p: [p.vars["w"], p.vars["emb"]]), {}),
    "momentumw": (_minimize(lambda tf, ns, p: ns.MomentumWOptimizer(
        0.05, 0.1, 0.9, use_nesterov=True)), {}),
    "extend_sgd": (_minimize(
        lambda tf, ns, p: ns.extend_with_decoupled_weight_decay(
            _v1(tf).GradientDescentOptimizer)(0.05, learning_rate=0.1)), {}),
    "lazy_adam": (_minimize(lambda tf, ns, p: ns.LazyAdamOptimizer(0.05)),
                  {}),
    "nadam": (_minimize(lambda tf, ns, p: ns.NadamOptimizer(0.05)), {}),
    "adamax": (_minimize(lambda tf, ns, p: ns.AdaMaxOptimizer(
        0.05, beta2=0.9)), {}),
    "addsign": (_minimize(lambda tf, ns, p: ns.AddSignOptimizer(0.05)),
                {"res_dense": True}),
    "addsign_decay": (_minimize(lambda tf, ns, p: ns.AddSignOptimizer(
        0.05, alpha=0.5, beta=0.8, sign_decay_fn=_decay_fn(tf))),
                      {"res_dense": True}),
    "powersign": (_minimize(lambda tf, ns, p: ns.PowerSignOptimizer(
        0.05, base=2.0, sign_decay_fn=_decay_fn(tf))), {"res_dense": True}),
    "var_clip": (_minimize(lambda tf, ns, p: ns.VariableClippingOptimizer(
        _v1(tf).MomentumOptimizer(0.1, 0.9),
        {p.vars["w"]: [0], p.vars["emb"]: [1], p.vars["b"]: [0]}, 0.5)), {}),
    "var_clip_dim0": (_minimize(lambda tf, ns, p: ns.VariableClippingOptimizer(
        _v1(tf).GradientDescentOptimizer(0.3), {p.vars["emb"]: [0]}, 0.7,
        colocate_clip_ops_with_vars=True)), {}),
    "multitask": (_minimize(lambda tf, ns, p: ns.MultitaskOptimizerWrapper(
        _v1(tf).AdamOptimizer(0.05))), {}),
    "clip_global_norm": (_clipped, {"dense": True}),
    "lars": (_minimize(lambda tf, ns, p: ns.LARSOptimizer(
        0.5, weight_decay=0.01, eeta=0.05)), {}),
    "lars_skip": (_minimize(lambda tf, ns, p: ns.LARSOptimizer(
        0.5, momentum=0.5, eeta=0.05, epsilon=0.1, skip_list=["b"],
        use_nesterov=True)), {}),
    "reg_adagrad": (_reg_adagrad, {}),
    "adam_gs": (_minimize(lambda tf, ns, p: ns.AdamGSOptimizer(
        global_step=p.global_step, learning_rate=0.05)), {}),
    "lazy_adam_gs": (_minimize(lambda tf, ns, p: ns.LazyAdamGSOptimizer(
        global_step=p.global_step, learning_rate=0.05)), {}),
    "drop_stale": (_minimize(lambda tf, ns, p: ns.DropStaleGradientOptimizer(
        _v1(tf).AdamOptimizer(0.05), staleness=0)), {}),
    "drop_stale_all": (_minimize(
        lambda tf, ns, p: ns.DropStaleGradientOptimizer(
            _v1(tf).AdamOptimizer(0.05), staleness=-1)), {}),
    "moving_average": (_minimize(lambda tf, ns, p: ns.MovingAverageOptimizer(
        _v1(tf).AdamOptimizer(0.05), average_decay=0.5)), {"swap": True}),
    "moving_average_num_updates": (_minimize(
        lambda tf, ns, p: ns.MovingAverageOptimizer(
            _v1(tf).MomentumOptimizer(0.1, 0.5), average_decay=0.9,
            num_updates=p.global_step)),
                                   {"swap": True}),
}


def sparse_for(name, kind):
  options = CONFIGS[name][1]
  return not (options.get("dense") or
              (kind == "res" and options.get("res_dense")))


class Run(object):
  """One configuration's graph, built with the optimizers of `ns`."""

  def __init__(self, tf, ns, name, kind):
    self.graph = tf.Graph()
    v1 = self._v1 = tf.compat.v1
    self._saver = None
    with self.graph.as_default():
      self.problem = Problem(tf, kind, sparse_for(name, kind))
      self.optimizer, self.step_groups = CONFIGS[name][0](tf, ns,
                                                          self.problem)
      self.variables = {v.op.name: v for v in v1.global_variables()}
      self.swapping_saver = None
      if CONFIGS[name][1].get("swap"):
        self.swapping_saver = self.optimizer.swapping_saver()
      # The problem's variables first: on TF 2.x (control flow v2), TF's
      # ExponentialMovingAverage reads a ref variable outside its cond
      # when initializing the average.
      self.init = [v1.variables_initializer(list(self.problem.vars.values())),
                   v1.global_variables_initializer()]

  def saver(self):
    """A saver of every global variable (built on first use)."""
    if self._saver is None:
      with self.graph.as_default():
        self._saver = self._v1.train.Saver(
            sorted(self.variables.values(), key=lambda v: v.op.name))
    return self._saver

  def shapes(self):
    return {n: v.get_shape().as_list() for n, v in self.variables.items()}

  def step(self, sess):
    """Runs one training step; returns every variable's value after it."""
    for group in self.step_groups:
      sess.run(group)
    return sess.run(self.variables)


def flatten(values):
  """{name: array} -> one float64 vector, the arrays in name order."""
  return np.concatenate([np.asarray(values[k], np.float64).ravel()
                         for k in sorted(values)])


def _write(tf, out):
  expected = {}
  ns = tf.contrib.opt
  v1 = tf.compat.v1
  for name in sorted(CONFIGS):
    for kind in KINDS:
      key = "%s/%s" % (name, kind)
      run = Run(tf, ns, name, kind)
      expected[key + "/names"] = np.array(sorted(run.variables))
      with run.graph.as_default(), v1.Session() as sess:
        for init in run.init:
          sess.run(init)
        values = []
        for step in range(1, STEPS + 1):
          values.append(flatten(run.step(sess)))
          if step == CKPT_STEP:
            run.saver().save(sess, os.path.join(out, "%s_%s" % (name, kind)),
                           write_meta_graph=False, write_state=False)
        expected[key + "/values"] = np.stack(values)
        if run.swapping_saver is not None:
          run.swapping_saver.save(
              sess, os.path.join(out, "%s_%s_swapped" % (name, kind)),
              write_meta_graph=False, write_state=False)
  np.savez_compressed(os.path.join(out, "expected.npz"),
                      tf_version=tf.version.VERSION, **expected)


def main(argv):
  """Writes the fixture to argv[1] (default FIXTURE); TF 1.15 only."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  if not tf.version.VERSION.startswith("1."):
    raise SystemExit("opt_fixture: run this under TF 1.15 (real contrib)")
  out = argv[1] if len(argv) > 1 else FIXTURE
  if not os.path.isdir(out):
    os.makedirs(out)
  tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)
  _write(tf, out)
  print("wrote %s (TF %s): %d configs x %d kinds" % (
      out, tf.version.VERSION, len(CONFIGS), len(KINDS)))


if __name__ == "__main__":
  main(sys.argv)
