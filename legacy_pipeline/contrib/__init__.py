"""In-house ports of tf.contrib pieces that have no maintained home on TF 2.x.

``hparams`` (tf.contrib.training.HParams), ``seq2seq`` (sequence_loss),
``learn`` and ``preprocessing`` (contrib.learn's non-estimator names),
``layers`` and ``framework`` (what tf-slim lacks), ``bucket_ops``,
``sampling_ops``, ``feeding``, ``device_setter`` (contrib.training),
``data``, ``lookup``, ``nn`` and ``opt``.  compat/routes says which TF 1.x
name each serves.  What a maintained library provides faithfully
(tf-slim: contrib.slim, contrib.layers, contrib.metrics, contrib.framework's
variables and arg scopes) is routed there by ``compat``, not rewritten here.
Imports only ``legacy_pipeline.errors`` and ``legacy_pipeline._tf`` from
outside this package.
"""
