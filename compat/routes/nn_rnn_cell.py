"""TF 1.15's tf.nn.rnn_cell."""
from compat.routes import M, R

ROUTES = M("tf.nn.rnn_cell", rows=[
    R("tf.nn.rnn_cell.BasicLSTMCell", native=True, inhouse="legacy_pipeline.nn.cells"),
    R("tf.nn.rnn_cell.BasicRNNCell", native=True, inhouse="legacy_pipeline.nn.cells"),
    R("tf.nn.rnn_cell.DeviceWrapper", native=True, inhouse="legacy_pipeline.nn.wrappers"),
    R("tf.nn.rnn_cell.DropoutWrapper", native=True, inhouse="legacy_pipeline.nn.wrappers"),
    R("tf.nn.rnn_cell.GRUCell", native=True, inhouse="legacy_pipeline.nn.cells"),
    R("tf.nn.rnn_cell.LSTMCell", native=True, inhouse="legacy_pipeline.nn.cells"),
    R("tf.nn.rnn_cell.LSTMStateTuple", native=True, inhouse="legacy_pipeline.nn.cells"),
    R("tf.nn.rnn_cell.MultiRNNCell", native=True, inhouse="legacy_pipeline.nn.cells"),
    R("tf.nn.rnn_cell.RNNCell", native=True, inhouse="legacy_pipeline.nn.cells"),
    R("tf.nn.rnn_cell.ResidualWrapper", native=True, inhouse="legacy_pipeline.nn.wrappers"),
])
