"""The public surface: __all__ is complete and matches contrib's signatures."""
from __future__ import absolute_import, division, print_function

import inspect

import legacy_pipeline
from conftest import contrib_training, needs_contrib


def test_all_names_exist_and_nothing_else_is_public():
  for name in legacy_pipeline.__all__:
    assert hasattr(legacy_pipeline, name), name
  public_modules = {n for n, v in vars(legacy_pipeline).items()
                    if inspect.ismodule(v) and not n.startswith("_")}
  exported = set(legacy_pipeline.__all__)
  assert not (exported & public_modules)


def _params(fn):
  """(name, default) of the parameters contrib had: all but keyword-only."""
  return [(p.name, p.default) for p in
          inspect.signature(fn).parameters.values()
          if p.kind != inspect.Parameter.KEYWORD_ONLY]


def _additions(fn):
  """(name, default) of our keyword-only additions to contrib's signature."""
  return [(p.name, p.default) for p in
          inspect.signature(fn).parameters.values()
          if p.kind == inspect.Parameter.KEYWORD_ONLY]


def test_documented_signatures():
  assert _params(legacy_pipeline.batch_sequences_with_states) == [
      ("input_key", inspect.Parameter.empty),
      ("input_sequences", inspect.Parameter.empty),
      ("input_context", inspect.Parameter.empty),
      ("input_length", inspect.Parameter.empty),
      ("initial_states", inspect.Parameter.empty),
      ("num_unroll", inspect.Parameter.empty),
      ("batch_size", inspect.Parameter.empty),
      ("num_threads", 3), ("capacity", 1000), ("allow_small_batch", True),
      ("pad", True), ("make_keys_unique", False),
      ("make_keys_unique_seed", None), ("name", None)]
  sqss = _params(legacy_pipeline.SequenceQueueingStateSaver.__init__)[1:]
  assert sqss[-3:] == [("capacity", None), ("allow_small_batch", False),
                       ("name", None)]
  # The store choice is an addition contrib code never passes: keyword-only,
  # after every contrib parameter, defaulting to None (the default store).
  for fn in (legacy_pipeline.batch_sequences_with_states,
             legacy_pipeline.SequenceQueueingStateSaver.__init__,
             legacy_pipeline.batch_sequences_with_states_from_dataset):
    assert _additions(fn) == [("store", None)], fn
  save = _params(legacy_pipeline.NextQueuedSequenceBatch.save_state)[1:]
  assert save[-1] == ("name", None)


@needs_contrib
def test_signatures_equal_contrib():
  training = contrib_training()
  for name in ("batch_sequences_with_states",):
    assert _params(getattr(legacy_pipeline, name)) == _params(
        getattr(training, name))
  for cls, method in [("SequenceQueueingStateSaver", "__init__"),
                      ("SequenceQueueingStateSaver", "close"),
                      ("NextQueuedSequenceBatch", "save_state"),
                      ("NextQueuedSequenceBatch", "state")]:
    ours = getattr(getattr(legacy_pipeline, cls), method)
    theirs = getattr(getattr(training, cls), method)
    assert _params(ours) == _params(theirs), (cls, method)
  for prop in ("key", "next_key", "length", "total_length", "sequence",
               "sequence_count", "insertion_index", "batch_size", "context",
               "sequences"):
    assert isinstance(getattr(legacy_pipeline.NextQueuedSequenceBatch, prop),
                      property)
  for prop in ("name", "barrier", "batch_size", "num_unroll", "prefetch_op",
               "next_batch"):
    assert isinstance(getattr(legacy_pipeline.SequenceQueueingStateSaver,
                              prop), property)
