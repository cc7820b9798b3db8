"""legacy_pipeline.training.model: the tutorial's classifier on saver batches."""
from __future__ import absolute_import, division, print_function

import numpy as np
import pytest
import tensorflow as tf

import legacy_pipeline
from conftest import write_sequence_examples
from legacy_pipeline.training import model as model_lib
from legacy_pipeline.training import readers

tf1 = tf.compat.v1
LENGTHS = [5, 3, 9]


def _batch(tmp_path, num_classes, lstm_size=6, num_layers=1, token_shape=()):
  examples = []
  for i, n in enumerate(LENGTHS):
    examples.append({"sequences": {
        "token": [list(np.full(token_shape or [1], 0.1 * t + i, np.float32))
                  for t in range(n)],
        "label": [(t + i) % num_classes for t in range(n)]}})
  path = write_sequence_examples(tmp_path / "m.tfrecords", examples)
  key, sequences, length = readers.sequence_input(
      [path], {"token": readers.FeatureSpec(tf.float32, list(token_shape)),
               "label": readers.FeatureSpec(tf.int64, [])},
      num_epochs=1, shuffle=False)
  return legacy_pipeline.batch_sequences_with_states(
      input_key=key, input_sequences=sequences, input_context={},
      input_length=length,
      initial_states=model_lib.initial_states(lstm_size, num_layers),
      num_unroll=4, batch_size=2, num_threads=1, capacity=4,
      allow_small_batch=True)


def _run_epoch(h, fetches):
  h.init_variables()
  h.start_queue_runners()
  out = []
  while True:
    try:
      out.append(h.run(fetches))
    except tf.errors.OutOfRangeError:
      return out


@pytest.mark.parametrize("num_classes, num_layers, token_shape", [
    (2, 1, ()), (3, 2, (2,))], ids=["binary_one_layer", "softmax_two_layers"])
def test_counts_only_valid_steps(h, tmp_path, num_classes, num_layers,
                                 token_shape):
  batch = _batch(tmp_path, num_classes, num_layers=num_layers,
                 token_shape=token_shape)
  m = model_lib.sequence_classifier(batch, "token", "label", num_classes,
                                    lstm_size=6, num_layers=num_layers)
  want = [None, 4] if num_classes == 2 else [None, 4, num_classes]
  assert m.logits.get_shape().as_list() == want
  rows = _run_epoch(h, {"m": m, "length": batch.length,
                        "label": batch.sequences["label"]})
  assert sum(r["m"].valid_steps for r in rows) == sum(LENGTHS)
  for r in rows:
    mask = np.arange(4)[None, :] < r["length"][:, None]
    assert np.array_equal(r["m"].mask.astype(bool), mask)
    agree = (r["m"].predictions == r["label"]) & mask
    assert r["m"].correct == agree.sum()
    assert np.isclose(r["m"].loss, r["m"].loss_sum / max(mask.sum(), 1))


def test_variable_names_are_tf1s(h, tmp_path):
  batch = _batch(tmp_path, 2, num_layers=2)
  model_lib.sequence_classifier(batch, "token", "label", 2, lstm_size=6,
                                num_layers=2, name="model")
  names = sorted(v.op.name for v in tf1.trainable_variables())
  assert names == [
      "model/hidden/bias", "model/hidden/kernel", "model/logits/bias",
      "model/logits/kernel",
      "model/rnn/multi_rnn_cell/cell_0/lstm_cell/bias",
      "model/rnn/multi_rnn_cell/cell_0/lstm_cell/kernel",
      "model/rnn/multi_rnn_cell/cell_1/lstm_cell/bias",
      "model/rnn/multi_rnn_cell/cell_1/lstm_cell/kernel"]


def test_argument_errors(h, tmp_path):
  batch = _batch(tmp_path, 2)
  with pytest.raises(ValueError, match="num_classes must be >= 2"):
    model_lib.sequence_classifier(batch, "token", "label", 1, 6, 1)
  with pytest.raises(ValueError, match="num_layers must be >= 1"):
    model_lib.sequence_classifier(batch, "token", "label", 2, 6, 0)


def test_state_names_and_initial_states():
  assert model_lib.state_names(2) == (("lstm_0_c", "lstm_0_h"),
                                      ("lstm_1_c", "lstm_1_h"))
  states = model_lib.initial_states(3, 2)
  assert sorted(states) == ["lstm_0_c", "lstm_0_h", "lstm_1_c", "lstm_1_h"]
  assert all(v.shape == (3,) and v.dtype == np.float32 and not v.any()
             for v in states.values())
