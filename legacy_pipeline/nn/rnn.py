"""RNN drivers from tf.contrib.rnn that TF 2.x's tf.compat.v1.nn lacks."""
from __future__ import absolute_import, division, print_function

from legacy_pipeline._tf import tf, tf1


def check_stack_args(cells_fw, cells_bw, initial_states_fw,
                     initial_states_bw):
  """The argument checks of TF 1.15's stacked bidirectional RNNs.

  Args:
    cells_fw: list of forward cells, one per layer.
    cells_bw: list of backward cells, one per layer.
    initial_states_fw: None, or a list of forward initial states.
    initial_states_bw: None, or a list of backward initial states.

  Raises:
    ValueError: empty or non-list cell lists, lists of different lengths, or
      an initial-state list that is not one state per layer (TF 1.15's
      messages).
  """
  if not cells_fw:
    raise ValueError("Must specify at least one fw cell for BidirectionalRNN.")
  if not cells_bw:
    raise ValueError("Must specify at least one bw cell for BidirectionalRNN.")
  if not isinstance(cells_fw, list):
    raise ValueError("cells_fw must be a list of RNNCells (one per layer).")
  if not isinstance(cells_bw, list):
    raise ValueError("cells_bw must be a list of RNNCells (one per layer).")
  if len(cells_fw) != len(cells_bw):
    raise ValueError("Forward and Backward cells must have the same depth.")
  for what, states in (("fw", initial_states_fw), ("bw", initial_states_bw)):
    if states is not None and (not isinstance(states, list) or
                               len(states) != len(cells_fw)):
      raise ValueError("initial_states_%s must be a list of state tensors "
                       "(one per layer)." % what)


def stack_bidirectional_dynamic_rnn(cells_fw, cells_bw, inputs,
                                    initial_states_fw=None,
                                    initial_states_bw=None, dtype=None,
                                    sequence_length=None,
                                    parallel_iterations=None, time_major=False,
                                    scope=None, swap_memory=False):
  """Stacked bidirectional layers: each layer's fw and bw outputs, concatenated
  on the last axis, feed the next (TF 1.x's tf.contrib.rnn function).

  Variables: ``<scope or stack_bidirectional_rnn>/cell_<i>/bidirectional_rnn/
  {fw,bw}/<cell>/...``.

  Args:
    cells_fw, cells_bw: equal-length non-empty lists of RNN cells.
    inputs: [batch, time, depth] (or [time, batch, depth] with time_major).
    initial_states_fw, initial_states_bw: per-layer initial states, or None.
    dtype, sequence_length, parallel_iterations, time_major, swap_memory: as
      tf.compat.v1.nn.bidirectional_dynamic_rnn.
    scope: variable scope (default ``stack_bidirectional_rnn``).

  Returns:
    (outputs, states_fw, states_bw): the last layer's concatenated outputs
    and tuples of each layer's final forward and backward states.

  Raises:
    ValueError: empty or mismatched cell lists or initial state lists.
  """
  check_stack_args(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
  layer_input = inputs
  states_fw, states_bw = [], []
  with tf1.variable_scope(scope or "stack_bidirectional_rnn"):
    for i, (cell_fw, cell_bw) in enumerate(zip(cells_fw, cells_bw)):
      with tf1.variable_scope("cell_%d" % i):
        outputs, (state_fw, state_bw) = tf1.nn.bidirectional_dynamic_rnn(
            cell_fw, cell_bw, layer_input,
            initial_state_fw=initial_states_fw[i] if initial_states_fw
            else None,
            initial_state_bw=initial_states_bw[i] if initial_states_bw
            else None,
            sequence_length=sequence_length,
            parallel_iterations=parallel_iterations, dtype=dtype,
            swap_memory=swap_memory, time_major=time_major)
        layer_input = tf.concat(outputs, 2)
      states_fw.append(state_fw)
      states_bw.append(state_bw)
  return layer_input, tuple(states_fw), tuple(states_bw)
