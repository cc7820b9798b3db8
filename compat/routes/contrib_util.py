"""TF 1.15's tf.contrib.util."""
from compat.routes import M, R

ROUTES = M("tf.contrib.util", rows=[
    R("tf.contrib.util.constant_value", absent="TODO"),
    R("tf.contrib.util.make_ndarray", absent="TODO"),
    R("tf.contrib.util.make_tensor_proto", absent="TODO"),
    R("tf.contrib.util.ops_used_by_graph_def", absent="TODO"),
    R("tf.contrib.util.stripped_op_list_for_graph", absent="TODO"),
])
