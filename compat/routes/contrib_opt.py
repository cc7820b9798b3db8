"""TF 1.15's tf.contrib.opt."""
from compat.routes import PIN_TF115, M, R

_RESEARCH = "a research preconditioner with no maintained port"
_RESEARCH_INSTEAD = ("tf.compat.v1.train.AdamOptimizer or "
                     "tf.compat.v1.train.AdagradOptimizer (no port of the "
                     "preconditioner)")
_SCIPY = "not ported (it drives scipy.optimize, which is not a dependency)"
_SCIPY_INSTEAD = ("scipy.optimize.minimize on a function that runs the "
                  "session, or tensorflow_probability.optimizer.lbfgs_minimize")
_PS = ("parameter-server training across separate worker graphs, which TF "
       "2.x no longer supports")
_PS_INSTEAD = ("tf.distribute.MultiWorkerMirroredStrategy with a plain "
               "optimizer")

ROUTES = M("tf.contrib.opt", rows=[
    R("tf.contrib.opt.AGNCustomGetter", absent=_PS, instead=_PS_INSTEAD, pin=PIN_TF115),
    R("tf.contrib.opt.AGNOptimizer", absent=_PS, instead=_PS_INSTEAD, pin=PIN_TF115),
    R("tf.contrib.opt.AdaMaxOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.AdamGSOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.AdamWOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.AddSignOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.DecoupledWeightDecayExtension", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.DropStaleGradientOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.ElasticAverageCustomGetter", absent=_PS, instead=_PS_INSTEAD, pin=PIN_TF115),
    R("tf.contrib.opt.ElasticAverageOptimizer", absent=_PS, instead=_PS_INSTEAD, pin=PIN_TF115),
    R("tf.contrib.opt.ExternalOptimizerInterface", absent=_SCIPY, instead=_SCIPY_INSTEAD, pin=PIN_TF115),
    R("tf.contrib.opt.GGTOptimizer", absent=_RESEARCH, instead=_RESEARCH_INSTEAD, pin=PIN_TF115),
    R("tf.contrib.opt.LARSOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.LazyAdamGSOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.LazyAdamOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.ModelAverageCustomGetter", absent=_PS, instead=_PS_INSTEAD, pin=PIN_TF115),
    R("tf.contrib.opt.ModelAverageOptimizer", absent=_PS, instead=_PS_INSTEAD, pin=PIN_TF115),
    R("tf.contrib.opt.MomentumWOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.MovingAverageOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.MultitaskOptimizerWrapper", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.NadamOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.PowerSignOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.RegAdagradOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.ScipyOptimizerInterface", absent=_SCIPY, instead=_SCIPY_INSTEAD, pin=PIN_TF115),
    R("tf.contrib.opt.ShampooOptimizer", absent=_RESEARCH, instead=_RESEARCH_INSTEAD, pin=PIN_TF115),
    R("tf.contrib.opt.VariableClippingOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.clip_gradients_by_global_norm", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.extend_with_decoupled_weight_decay", inhouse="legacy_pipeline.contrib.opt"),
])
