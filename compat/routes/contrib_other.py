"""Whole tf.contrib modules outside the sequence-program scope: not provided.

Each entry says what TF 2.x (or a maintained package) offers instead, and
``PIN_TF115`` where nothing does.  The names of each are in
tf115_inventory.json for the record.
"""
from compat.routes import PIN_TF115, M

_WHY = ("outside legacy-pipeline's scope (TF 1.x sequence-training "
        "programs)")
_NOTHING = _WHY + "; TF 2.x has no equivalent"

ROUTES = [
    M("tf.contrib.autograph", absent=_WHY, instead="tf.autograph (tf.autograph.to_graph) and tf.function"),
    M("tf.contrib.batching", absent=_WHY, instead="tf.nondifferentiable_batch_function"),
    M("tf.contrib.bayesflow", absent=_WHY, instead="tensorflow_probability (bayesflow.monte_carlo: tensorflow_probability.monte_carlo)"),
    M("tf.contrib.checkpoint", absent=_WHY, instead="tf.train.Checkpoint and tf.train.CheckpointManager"),
    M("tf.contrib.cloud", absent=_WHY, instead="tensorflow_io.bigquery (BigQuery reads)", pin=PIN_TF115),
    M("tf.contrib.cluster_resolver", absent=_WHY, instead="tf.distribute.cluster_resolver"),
    M("tf.contrib.compiler", absent=_WHY, instead="tf.function(jit_compile=True) or tf.xla.experimental.jit_scope"),
    M("tf.contrib.constrained_optimization", absent=_WHY, instead="tensorflow_constrained_optimization (the same library, released separately)"),
    M("tf.contrib.copy_graph", absent=_WHY, instead="tf.compat.v1.train.export_meta_graph and tf.compat.v1.train.import_meta_graph(import_scope=...)"),
    M("tf.contrib.deprecated", absent=_WHY, instead="tf.compat.v1.summary.scalar and the other tf.compat.v1.summary ops"),
    M("tf.contrib.distribute", absent=_WHY, instead="tf.distribute"),
    M("tf.contrib.distributions", absent=_WHY, instead="tensorflow_probability.distributions"),
    M("tf.contrib.eager", absent=_WHY, instead="TF 2.x's eager execution: tf.function (defun), tf.GradientTape, tf.train.Checkpoint"),
    M("tf.contrib.estimator", absent=_WHY, instead="tf.estimator (TF <= 2.15: add_metrics, heads and hooks moved there)", pin=PIN_TF115),
    M("tf.contrib.factorization", absent=_WHY, instead="tf.compat.v1.estimator.experimental.KMeans (TF <= 2.15) for KMeans; WALS and GMM have no TF 2.x home", pin=PIN_TF115),
    M("tf.contrib.feature_column", absent=_WHY, instead="tf.feature_column.sequence_categorical_column_with_identity and the other sequence columns of tf.feature_column, read by tf.keras.experimental.SequenceFeatures (Keras 2)"),
    M("tf.contrib.ffmpeg", absent=_WHY, instead="tf.audio.decode_wav and tf.audio.encode_wav (WAV only), or tensorflow_io.audio", pin=PIN_TF115),
    M("tf.contrib.graph_editor", absent=_NOTHING, instead="tf.compat.v1.import_graph_def(graph_def, input_map=...) rewires a graph's inputs", pin=PIN_TF115),
    M("tf.contrib.grid_rnn", absent=_NOTHING, pin=PIN_TF115),
    M("tf.contrib.image", absent=_WHY, instead="tf.image, tf.raw_ops.ImageProjectiveTransformV3 (transform, rotate), tensorflow_addons.image (TF <= 2.15, end of life)", pin=PIN_TF115),
    M("tf.contrib.input_pipeline", absent=_WHY, instead="tf.data.Dataset.from_tensor_slices(strings).repeat()"),
    M("tf.contrib.integrate", absent=_WHY, instead="tensorflow_probability.math.ode.DormandPrince (odeint)"),
    M("tf.contrib.keras", absent=_WHY, instead="tf.keras (compat's namespace also serves it as contrib.keras)"),
    M("tf.contrib.kernel_methods", absent=_WHY, instead="tf_keras.layers.experimental.RandomFourierFeatures (Keras 2; tf.keras on TF <= 2.15)", pin=PIN_TF115),
    M("tf.contrib.labeled_tensor", absent=_NOTHING, pin=PIN_TF115),
    M("tf.contrib.linear_optimizer", absent=_WHY, instead="tf.estimator.experimental.LinearSDCA (TF <= 2.15)", pin=PIN_TF115),
    M("tf.contrib.memory_stats", absent=_WHY, instead="tf.config.experimental.get_memory_info"),
    M("tf.contrib.mixed_precision", absent=_WHY, instead="tf.compat.v1.mixed_precision.MixedPrecisionLossScaleOptimizer (graph mode) or tf.keras.mixed_precision.LossScaleOptimizer"),
    M("tf.contrib.model_pruning", absent=_WHY, instead="tensorflow_model_optimization.sparsity.keras.prune_low_magnitude"),
    M("tf.contrib.optimizer_v2", absent=_WHY, instead="tf.keras.optimizers"),
    M("tf.contrib.periodic_resample", absent=_NOTHING, pin=PIN_TF115),
    M("tf.contrib.predictor", absent=_WHY, instead="tf.saved_model.load(export_dir).signatures['serving_default']"),
    M("tf.contrib.proto", absent=_WHY, instead="tf.io.decode_proto and tf.io.encode_proto"),
    M("tf.contrib.quantization", absent=_WHY, instead="tf.quantization"),
    M("tf.contrib.quantize", absent=_WHY, instead="tensorflow_model_optimization.quantization.keras.quantize_model (quantization-aware training)"),
    M("tf.contrib.receptive_field", absent=_NOTHING, pin=PIN_TF115),
    M("tf.contrib.recurrent", absent=_WHY, instead="tf.compat.v1.nn.dynamic_rnn or tf.keras.layers.RNN"),
    M("tf.contrib.reduce_slice_ops", absent=_WHY, instead="tf.math.unsorted_segment_sum (and its max, min, prod siblings), with each slice as a segment"),
    M("tf.contrib.remote_fused_graph", absent=_NOTHING, pin=PIN_TF115),
    M("tf.contrib.resampler", absent=_WHY, instead="tensorflow_addons.image.resampler (TF <= 2.15, end of life)", pin=PIN_TF115),
    M("tf.contrib.rpc", absent=_WHY, instead="tf.distribute.experimental.rpc (tf.function servers and clients) or gRPC directly", pin=PIN_TF115),
    M("tf.contrib.saved_model", absent=_WHY, instead="tf.saved_model and tf.compat.v1.saved_model (save_keras_model: tf.keras.models.save_model)"),
    M("tf.contrib.solvers", absent=_WHY, instead="tf.linalg.experimental.conjugate_gradient and tf.linalg.lstsq (lanczos has no TF 2.x home)", pin=PIN_TF115),
    M("tf.contrib.sparsemax", absent=_WHY, instead="tensorflow_addons.activations.sparsemax and tensorflow_addons.losses.sparsemax_loss (TF <= 2.15, end of life)", pin=PIN_TF115),
    M("tf.contrib.specs", absent=_NOTHING, pin=PIN_TF115),
    M("tf.contrib.staging", absent=_WHY, instead="tf.data.Dataset.prefetch and tf.data.experimental.prefetch_to_device"),
    M("tf.contrib.stat_summarizer", absent=_WHY, instead="tf.profiler.experimental.Profile"),
    M("tf.contrib.summary", absent=_WHY, instead="tf.summary (TF 2.x's, which grew out of it: tf.summary.create_file_writer, tf.summary.scalar) or tf.compat.v1.summary"),
    M("tf.contrib.tensor_forest", absent=_WHY, instead="tensorflow_decision_forests.keras.RandomForestModel"),
    M("tf.contrib.tensorboard", absent=_WHY, instead="tf.summary and tensorboard.plugins.projector"),
    M("tf.contrib.testing", absent=_WHY, instead="tf.test"),
    M("tf.contrib.tfprof", absent=_WHY, instead="tf.compat.v1.profiler.profile and tf.compat.v1.profiler.ProfileOptionBuilder"),
    M("tf.contrib.timeseries", absent=_WHY, instead="a tf.keras model over tf.keras.utils.timeseries_dataset_from_array windows", pin=PIN_TF115),
    M("tf.contrib.tpu", absent=_WHY, instead="tf.distribute.TPUStrategy and tf.tpu"),
]
