"""TF 1.15's tf.contrib.opt."""
from compat.routes import M, R

_RESEARCH = (
    "a research preconditioner with no maintained port; use "
    "tf.compat.v1.train.AdamOptimizer or AdagradOptimizer instead")
_SCIPY = (
    "not ported (it drives scipy.optimize, which is not a dependency): call "
    "scipy.optimize.minimize yourself with a function that runs the session")
_PS = (
    "parameter-server training across separate worker graphs, which TF 2.x "
    "no longer supports; use tf.distribute (MultiWorkerMirroredStrategy) with "
    "a plain optimizer")

ROUTES = M("tf.contrib.opt", rows=[
    R("tf.contrib.opt.AGNCustomGetter", absent=_PS),
    R("tf.contrib.opt.AGNOptimizer", absent=_PS),
    R("tf.contrib.opt.AdaMaxOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.AdamGSOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.AdamWOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.AddSignOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.DecoupledWeightDecayExtension", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.DropStaleGradientOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.ElasticAverageCustomGetter", absent=_PS),
    R("tf.contrib.opt.ElasticAverageOptimizer", absent=_PS),
    R("tf.contrib.opt.ExternalOptimizerInterface", absent=_SCIPY),
    R("tf.contrib.opt.GGTOptimizer", absent=_RESEARCH),
    R("tf.contrib.opt.LARSOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.LazyAdamGSOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.LazyAdamOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.ModelAverageCustomGetter", absent=_PS),
    R("tf.contrib.opt.ModelAverageOptimizer", absent=_PS),
    R("tf.contrib.opt.MomentumWOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.MovingAverageOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.MultitaskOptimizerWrapper", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.NadamOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.PowerSignOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.RegAdagradOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.ScipyOptimizerInterface", absent=_SCIPY),
    R("tf.contrib.opt.ShampooOptimizer", absent=_RESEARCH),
    R("tf.contrib.opt.VariableClippingOptimizer", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.clip_gradients_by_global_norm", inhouse="legacy_pipeline.contrib.opt"),
    R("tf.contrib.opt.extend_with_decoupled_weight_decay", inhouse="legacy_pipeline.contrib.opt"),
])
