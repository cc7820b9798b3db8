"""TF 1.15's tf.estimator."""
from compat.routes import PIN_ESTIMATOR, M, R

_WHY = (
    "tf.estimator was removed from TensorFlow in 2.16 (tensorflow-estimator "
    "2.15 does not import on newer TF); compat serves it natively on TF <= "
    "2.15")
_LOOP = ("a tf.compat.v1.train.MonitoredTrainingSession loop running the "
         "model_fn's ops")
_SAME = "tf.compat.v1.train.%s (the same class)"
_EXPORT = "tf.saved_model.save, or tf.compat.v1.saved_model.Builder, after training"

ROUTES = M("tf.estimator", base=True, rows=[
    R("tf.estimator.BaselineClassifier", native=True, absent=_WHY, deferred="issue 29", pin=PIN_ESTIMATOR),
    R("tf.estimator.BaselineEstimator", native=True, absent=_WHY, deferred="issue 29", pin=PIN_ESTIMATOR),
    R("tf.estimator.BaselineRegressor", native=True, absent=_WHY, deferred="issue 29", pin=PIN_ESTIMATOR),
    R("tf.estimator.BestExporter", native=True, absent=_WHY, deferred="issue 29", instead=_EXPORT, pin=PIN_ESTIMATOR),
    R("tf.estimator.BinaryClassHead", native=True, absent=_WHY, deferred="issue 29", instead="its loss: tf.keras.losses.BinaryCrossentropy(from_logits=True)", pin=PIN_ESTIMATOR),
    R("tf.estimator.BoostedTreesClassifier", native=True, absent=_WHY, deferred="issue 29", instead="tensorflow_decision_forests.keras.GradientBoostedTreesModel", pin=PIN_ESTIMATOR),
    R("tf.estimator.BoostedTreesEstimator", native=True, absent=_WHY, deferred="issue 29", instead="tensorflow_decision_forests.keras.GradientBoostedTreesModel", pin=PIN_ESTIMATOR),
    R("tf.estimator.BoostedTreesRegressor", native=True, absent=_WHY, deferred="issue 29", instead="tensorflow_decision_forests.keras.GradientBoostedTreesModel(task=tensorflow_decision_forests.keras.Task.REGRESSION)", pin=PIN_ESTIMATOR),
    R("tf.estimator.CheckpointSaverHook", native=True, absent=_WHY, deferred="issue 29", instead=_SAME % "CheckpointSaverHook", pin=PIN_ESTIMATOR),
    R("tf.estimator.CheckpointSaverListener", native=True, absent=_WHY, deferred="issue 29", instead=_SAME % "CheckpointSaverListener", pin=PIN_ESTIMATOR),
    R("tf.estimator.DNNClassifier", native=True, absent=_WHY, deferred="issue 29", instead="a tf.keras.Sequential of tf.keras.layers.Dense layers", pin=PIN_ESTIMATOR),
    R("tf.estimator.DNNEstimator", native=True, absent=_WHY, deferred="issue 29", instead="a tf.keras.Sequential of tf.keras.layers.Dense layers", pin=PIN_ESTIMATOR),
    R("tf.estimator.DNNLinearCombinedClassifier", native=True, absent=_WHY, deferred="issue 29", instead="a Keras model summing a linear tf.keras.layers.Dense and a deep tf.keras.Sequential", pin=PIN_ESTIMATOR),
    R("tf.estimator.DNNLinearCombinedEstimator", native=True, absent=_WHY, deferred="issue 29", instead="a Keras model summing a linear tf.keras.layers.Dense and a deep tf.keras.Sequential", pin=PIN_ESTIMATOR),
    R("tf.estimator.DNNLinearCombinedRegressor", native=True, absent=_WHY, deferred="issue 29", instead="a Keras model summing a linear tf.keras.layers.Dense and a deep tf.keras.Sequential", pin=PIN_ESTIMATOR),
    R("tf.estimator.DNNRegressor", native=True, absent=_WHY, deferred="issue 29", instead="a tf.keras.Sequential of tf.keras.layers.Dense layers", pin=PIN_ESTIMATOR),
    R("tf.estimator.Estimator", native=True, absent=_WHY, deferred="issue 29", instead=_LOOP, pin=PIN_ESTIMATOR),
    R("tf.estimator.EstimatorSpec", native=True, absent=_WHY, deferred="issue 29", instead=_LOOP, pin=PIN_ESTIMATOR),
    R("tf.estimator.EvalSpec", native=True, absent=_WHY, deferred="issue 29", instead=_LOOP, pin=PIN_ESTIMATOR),
    R("tf.estimator.Exporter", native=True, absent=_WHY, deferred="issue 29", instead=_EXPORT, pin=PIN_ESTIMATOR),
    R("tf.estimator.FeedFnHook", native=True, absent=_WHY, deferred="issue 29", instead=_SAME % "FeedFnHook", pin=PIN_ESTIMATOR),
    R("tf.estimator.FinalExporter", native=True, absent=_WHY, deferred="issue 29", instead=_EXPORT, pin=PIN_ESTIMATOR),
    R("tf.estimator.FinalOpsHook", native=True, absent=_WHY, deferred="issue 29", instead=_SAME % "FinalOpsHook", pin=PIN_ESTIMATOR),
    R("tf.estimator.GlobalStepWaiterHook", native=True, absent=_WHY, deferred="issue 29", instead=_SAME % "GlobalStepWaiterHook", pin=PIN_ESTIMATOR),
    R("tf.estimator.Head", native=True, absent=_WHY, deferred="issue 29", pin=PIN_ESTIMATOR),
    R("tf.estimator.LatestExporter", native=True, absent=_WHY, deferred="issue 29", instead=_EXPORT, pin=PIN_ESTIMATOR),
    R("tf.estimator.LinearClassifier", native=True, absent=_WHY, deferred="issue 29", instead="one tf.keras.layers.Dense over the features (a linear model)", pin=PIN_ESTIMATOR),
    R("tf.estimator.LinearEstimator", native=True, absent=_WHY, deferred="issue 29", instead="one tf.keras.layers.Dense over the features (a linear model)", pin=PIN_ESTIMATOR),
    R("tf.estimator.LinearRegressor", native=True, absent=_WHY, deferred="issue 29", instead="one tf.keras.layers.Dense over the features (a linear model)", pin=PIN_ESTIMATOR),
    R("tf.estimator.LoggingTensorHook", native=True, absent=_WHY, deferred="issue 29", instead=_SAME % "LoggingTensorHook", pin=PIN_ESTIMATOR),
    R("tf.estimator.LogisticRegressionHead", native=True, absent=_WHY, deferred="issue 29", instead="its loss: tf.keras.losses.BinaryCrossentropy(from_logits=True)", pin=PIN_ESTIMATOR),
    R("tf.estimator.ModeKeys", native=True, absent=_WHY, deferred="issue 29", instead="the strings 'train', 'eval' and 'infer' (its TRAIN, EVAL and PREDICT)", pin=PIN_ESTIMATOR),
    R("tf.estimator.MultiClassHead", native=True, absent=_WHY, deferred="issue 29", instead="its loss: tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)", pin=PIN_ESTIMATOR),
    R("tf.estimator.MultiHead", native=True, absent=_WHY, deferred="issue 29", pin=PIN_ESTIMATOR),
    R("tf.estimator.MultiLabelHead", native=True, absent=_WHY, deferred="issue 29", instead="its loss: tf.keras.losses.BinaryCrossentropy(from_logits=True) over the label vector", pin=PIN_ESTIMATOR),
    R("tf.estimator.NanLossDuringTrainingError", native=True, absent=_WHY, deferred="issue 29", instead=_SAME % "NanLossDuringTrainingError", pin=PIN_ESTIMATOR),
    R("tf.estimator.NanTensorHook", native=True, absent=_WHY, deferred="issue 29", instead=_SAME % "NanTensorHook", pin=PIN_ESTIMATOR),
    R("tf.estimator.PoissonRegressionHead", native=True, absent=_WHY, deferred="issue 29", instead="its loss: tf.nn.log_poisson_loss", pin=PIN_ESTIMATOR),
    R("tf.estimator.ProfilerHook", native=True, absent=_WHY, deferred="issue 29", instead=_SAME % "ProfilerHook", pin=PIN_ESTIMATOR),
    R("tf.estimator.RegressionHead", native=True, absent=_WHY, deferred="issue 29", instead="its loss: tf.keras.losses.MeanSquaredError", pin=PIN_ESTIMATOR),
    R("tf.estimator.RunConfig", native=True, absent=_WHY, deferred="issue 29", instead="tf.compat.v1.ConfigProto and tf.compat.v1.train.MonitoredTrainingSession's checkpoint arguments", pin=PIN_ESTIMATOR),
    R("tf.estimator.SecondOrStepTimer", native=True, absent=_WHY, deferred="issue 29", instead=_SAME % "SecondOrStepTimer", pin=PIN_ESTIMATOR),
    R("tf.estimator.SessionRunArgs", native=True, absent=_WHY, deferred="issue 29", instead=_SAME % "SessionRunArgs", pin=PIN_ESTIMATOR),
    R("tf.estimator.SessionRunContext", native=True, absent=_WHY, deferred="issue 29", instead=_SAME % "SessionRunContext", pin=PIN_ESTIMATOR),
    R("tf.estimator.SessionRunHook", native=True, absent=_WHY, deferred="issue 29", instead=_SAME % "SessionRunHook", pin=PIN_ESTIMATOR),
    R("tf.estimator.SessionRunValues", native=True, absent=_WHY, deferred="issue 29", instead=_SAME % "SessionRunValues", pin=PIN_ESTIMATOR),
    R("tf.estimator.StepCounterHook", native=True, absent=_WHY, deferred="issue 29", instead=_SAME % "StepCounterHook", pin=PIN_ESTIMATOR),
    R("tf.estimator.StopAtStepHook", native=True, absent=_WHY, deferred="issue 29", instead=_SAME % "StopAtStepHook", pin=PIN_ESTIMATOR),
    R("tf.estimator.SummarySaverHook", native=True, absent=_WHY, deferred="issue 29", instead=_SAME % "SummarySaverHook", pin=PIN_ESTIMATOR),
    R("tf.estimator.TrainSpec", native=True, absent=_WHY, deferred="issue 29", instead=_LOOP, pin=PIN_ESTIMATOR),
    R("tf.estimator.VocabInfo", native=True, absent=_WHY, deferred="issue 29", instead=_SAME % "VocabInfo", pin=PIN_ESTIMATOR),
    R("tf.estimator.WarmStartSettings", native=True, absent=_WHY, deferred="issue 29", instead="tf.compat.v1.train.warm_start, which is what it configured", pin=PIN_ESTIMATOR),
    R("tf.estimator.add_metrics", native=True, absent=_WHY, deferred="issue 29", instead="tf.compat.v1.metrics ops run in the evaluation loop", pin=PIN_ESTIMATOR),
    R("tf.estimator.classifier_parse_example_spec", native=True, absent=_WHY, deferred="issue 29", instead="tf.feature_column.make_parse_example_spec(columns) plus a tf.io.FixedLenFeature for the label", pin=PIN_ESTIMATOR),
    R("tf.estimator.regressor_parse_example_spec", native=True, absent=_WHY, deferred="issue 29", instead="tf.feature_column.make_parse_example_spec(columns) plus a tf.io.FixedLenFeature for the label", pin=PIN_ESTIMATOR),
    R("tf.estimator.train_and_evaluate", native=True, absent=_WHY, deferred="issue 29", instead=_LOOP, pin=PIN_ESTIMATOR),
])
