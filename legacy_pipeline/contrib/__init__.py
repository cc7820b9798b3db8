"""In-house ports of tf.contrib pieces that have no maintained home on TF 2.x.

``hparams`` (tf.contrib.training.HParams), ``seq2seq`` (sequence_loss),
``learn`` (run_n, run_feeds) and ``layers`` (embed_sequence).  What a maintained library provides faithfully
(tf-slim: contrib.slim, contrib.layers, contrib.metrics, contrib.framework's
variables and arg scopes) is routed there by ``compat``, not rewritten here.
Imports only ``legacy_pipeline.errors`` and ``legacy_pipeline._tf`` from
outside this package.
"""
