"""The training program (``python -m legacy_pipeline.train``) and its model.

``cli`` (flags, input resolution, main), ``loop`` (graph, hooks and session
of one worker), ``graph`` (input, state saver, model and optimizer step),
``evaluation``, ``hooks``, ``toy_data``, ``readers`` (the queue-runner input
graph and input checks) and ``model`` (the tutorial's sequence classifier).
The top layer: it may import the saver and nn; nothing below imports it.
"""
