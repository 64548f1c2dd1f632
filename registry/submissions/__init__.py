"""Data submissions: from an uploaded file to stored observations.

Modules: ``detect`` (unwrap the upload, pick the reader), ``structure`` (what the data are validated
against: store or structure message), ``pipeline`` (validate, then load, for one submission),
``loader`` (batched writes with history and provenance), ``services`` (create, find and authorise
submissions; what the HTTP API and the CLI call), ``jobs`` (the worker: a bounded thread pool in the
service, or RQ on Redis, with heartbeats and recovery after a crash).
"""
