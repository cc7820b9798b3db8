"""TF 1.15's tf.contrib.learn."""
from compat.routes import FEATURE_COLUMNS, M, R

_WHY = (
    "contrib.learn's estimators, heads and experiments are not provided: "
    "tf.estimator replaced them in TF 1.x itself (TF <= 2.15: "
    "tf.compat.v1.estimator; newer TF: Keras or a MonitoredTrainingSession "
    "loop)")
_METRIC_SPEC = (
    "an adapter of contrib.learn's estimators; pass metric ops in "
    "eval_metric_ops (tf.estimator.EstimatorSpec on TF <= 2.15) directly")
_GRAPH_ACTIONS = (
    "contrib.learn's Supervisor-based graph actions; use "
    "tf.compat.v1.train.MonitoredTrainingSession, or tf-slim's learning.train "
    "and evaluation.evaluate_once (tf.contrib.slim here)")
_DASK = (
    "it used dask's old private task-graph API; use dask's own .compute() or "
    "to_dask_array(), or tf.data")

ROUTES = [M("tf.contrib.learn", rows=[
    R("tf.contrib.learn.BaseEstimator", absent=_WHY),
    R("tf.contrib.learn.DNNClassifier", absent=_WHY),
    R("tf.contrib.learn.DNNEstimator", absent=_WHY),
    R("tf.contrib.learn.DNNLinearCombinedClassifier", absent=_WHY),
    R("tf.contrib.learn.DNNLinearCombinedEstimator", absent=_WHY),
    R("tf.contrib.learn.DNNLinearCombinedRegressor", absent=_WHY),
    R("tf.contrib.learn.DNNRegressor", absent=_WHY),
    R("tf.contrib.learn.DynamicRnnEstimator", absent=_WHY),
    R("tf.contrib.learn.Estimator", absent=_WHY),
    R("tf.contrib.learn.Evaluable", absent=_WHY),
    R("tf.contrib.learn.Experiment", absent=_WHY),
    R("tf.contrib.learn.ExportStrategy", absent=_WHY),
    R("tf.contrib.learn.Head", absent=_WHY),
    R("tf.contrib.learn.InputFnOps", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.KMeansClustering", absent=_WHY),
    R("tf.contrib.learn.LinearClassifier", absent=_WHY),
    R("tf.contrib.learn.LinearEstimator", absent=_WHY),
    R("tf.contrib.learn.LinearRegressor", absent=_WHY),
    R("tf.contrib.learn.LogisticRegressor", absent=_WHY),
    R("tf.contrib.learn.MetricSpec", absent=_METRIC_SPEC),
    R("tf.contrib.learn.ModeKeys", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.ModelFnOps", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.NanLossDuringTrainingError", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.NotFittedError", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.PredictionKey", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.ProblemType", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.RunConfig", absent=_WHY),
    R("tf.contrib.learn.SKCompat", absent=_WHY),
    R("tf.contrib.learn.SVM", absent=_WHY),
    R("tf.contrib.learn.TaskType", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.Trainable", absent=_WHY),
    R("tf.contrib.learn.binary_svm_head", absent=_WHY),
    R("tf.contrib.learn.build_parsing_serving_input_fn", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.evaluate", absent=_GRAPH_ACTIONS),
    R("tf.contrib.learn.extract_dask_data", absent=_DASK),
    R("tf.contrib.learn.extract_dask_labels", absent=_DASK),
    R("tf.contrib.learn.extract_pandas_data", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.extract_pandas_labels", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.extract_pandas_matrix", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.infer", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.infer_real_valued_columns_from_input", absent=FEATURE_COLUMNS),
    R("tf.contrib.learn.infer_real_valued_columns_from_input_fn", absent=FEATURE_COLUMNS),
    R("tf.contrib.learn.make_export_strategy", absent=_WHY),
    R("tf.contrib.learn.multi_class_head", absent=_WHY),
    R("tf.contrib.learn.multi_head", absent=_WHY),
    R("tf.contrib.learn.multi_label_head", absent=_WHY),
    R("tf.contrib.learn.no_op_train_fn", absent=_WHY),
    R("tf.contrib.learn.poisson_regression_head", absent=_WHY),
    R("tf.contrib.learn.read_batch_examples", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.read_batch_features", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.read_batch_record_features", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.read_keyed_batch_examples", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.read_keyed_batch_examples_shared_queue", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.read_keyed_batch_features", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.read_keyed_batch_features_shared_queue", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.regression_head", absent=_WHY),
    R("tf.contrib.learn.run_feeds", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.run_n", inhouse="legacy_pipeline.contrib.learn"),
    R("tf.contrib.learn.train", absent=_GRAPH_ACTIONS),
]),
M("tf.contrib.learn.preprocessing", rows=[
    R("tf.contrib.learn.preprocessing.ByteProcessor", inhouse="legacy_pipeline.contrib.preprocessing"),
    R("tf.contrib.learn.preprocessing.CategoricalProcessor", inhouse="legacy_pipeline.contrib.preprocessing"),
    R("tf.contrib.learn.preprocessing.CategoricalVocabulary", inhouse="legacy_pipeline.contrib.preprocessing"),
    R("tf.contrib.learn.preprocessing.TOKENIZER_RE", inhouse="legacy_pipeline.contrib.preprocessing"),
    R("tf.contrib.learn.preprocessing.VocabularyProcessor", inhouse="legacy_pipeline.contrib.preprocessing"),
    R("tf.contrib.learn.preprocessing.tokenizer", inhouse="legacy_pipeline.contrib.preprocessing"),
])]
