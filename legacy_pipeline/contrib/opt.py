"""TF 1.15's tf.contrib.opt, as tf.compat.v1.train optimizers.

Every class is a ``tf.compat.v1.train.Optimizer`` subclass (or wraps one)
with TF 1.15's constructor signature and defaults, and creates the same
slots and variables under the same names (``<var>/AdamW/``, ``m``, ``v``,
``beta1_power``, ``<var>/ExponentialMovingAverage``...), so a TF 1.15
checkpoint restores and training continues with the same values.  Ref and
resource variables, dense and ``IndexedSlices`` gradients are supported
where TF 1.15 supported them.  Graph mode.

Modules: ``_opt_weight_decay`` (AdamW, MomentumW and the extension),
``_opt_adam`` (AdaMax, LazyAdam, Nadam, AdamGS, LazyAdamGS), ``_opt_sign``
(AddSign, PowerSign), ``_opt_momentum`` (LARS, RegAdagrad),
``_opt_wrappers`` (MovingAverage, VariableClipping, Multitask,
DropStaleGradient, clip_gradients_by_global_norm).

Not provided (use the named alternative):

- GGTOptimizer, ShampooOptimizer: research preconditioners with no
  maintained port; use tf.compat.v1.train.AdamOptimizer (or
  AdagradOptimizer) instead.
- ScipyOptimizerInterface, ExternalOptimizerInterface: drive
  scipy.optimize.minimize from a session; call scipy.optimize.minimize
  yourself with a loss/gradient function that runs the session (or use
  tensorflow_probability's L-BFGS).
- ElasticAverageOptimizer/CustomGetter, ModelAverageOptimizer/CustomGetter,
  AGNOptimizer/AGNCustomGetter: between-graph replicated parameter-server
  training, which TF 2.x no longer runs; use
  tf.distribute (MultiWorkerMirroredStrategy) with a plain optimizer.
"""
from __future__ import absolute_import, division, print_function

from legacy_pipeline.contrib._opt_adam import AdaMaxOptimizer
from legacy_pipeline.contrib._opt_adam import AdamGSOptimizer
from legacy_pipeline.contrib._opt_adam import LazyAdamGSOptimizer
from legacy_pipeline.contrib._opt_adam import LazyAdamOptimizer
from legacy_pipeline.contrib._opt_adam import NadamOptimizer
from legacy_pipeline.contrib._opt_momentum import LARSOptimizer
from legacy_pipeline.contrib._opt_momentum import RegAdagradOptimizer
from legacy_pipeline.contrib._opt_sign import AddSignOptimizer
from legacy_pipeline.contrib._opt_sign import PowerSignOptimizer
from legacy_pipeline.contrib._opt_weight_decay import (
    AdamWOptimizer, DecoupledWeightDecayExtension,
    extend_with_decoupled_weight_decay, MomentumWOptimizer)
from legacy_pipeline.contrib._opt_wrappers import clip_gradients_by_global_norm
from legacy_pipeline.contrib._opt_wrappers import DropStaleGradientOptimizer
from legacy_pipeline.contrib._opt_wrappers import MovingAverageOptimizer
from legacy_pipeline.contrib._opt_wrappers import MultitaskOptimizerWrapper
from legacy_pipeline.contrib._opt_wrappers import VariableClippingOptimizer

__all__ = [
    "AdaMaxOptimizer",
    "AdamGSOptimizer",
    "AdamWOptimizer",
    "AddSignOptimizer",
    "DecoupledWeightDecayExtension",
    "DropStaleGradientOptimizer",
    "LARSOptimizer",
    "LazyAdamGSOptimizer",
    "LazyAdamOptimizer",
    "MomentumWOptimizer",
    "MovingAverageOptimizer",
    "MultitaskOptimizerWrapper",
    "NadamOptimizer",
    "PowerSignOptimizer",
    "RegAdagradOptimizer",
    "VariableClippingOptimizer",
    "clip_gradients_by_global_norm",
    "extend_with_decoupled_weight_decay",
]
