"""TF 1.15's tf.contrib.util."""
from compat.routes import M, R

ROUTES = M("tf.contrib.util", rows=[
    R("tf.contrib.util.constant_value", native="tensorflow.python.framework.tensor_util:constant_value"),
    R("tf.contrib.util.make_ndarray", native="tensorflow.python.framework.tensor_util:MakeNdarray"),
    R("tf.contrib.util.make_tensor_proto", native="tensorflow.python.framework.tensor_util:make_tensor_proto"),
    R("tf.contrib.util.ops_used_by_graph_def", native="tensorflow.python.framework.meta_graph:ops_used_by_graph_def"),
    R("tf.contrib.util.stripped_op_list_for_graph", native="tensorflow.python.framework.meta_graph:stripped_op_list_for_graph"),
])
