"""Data queries: parse (``query``), fetch from the store (``fetch``), disclosure control
(``disclosure``), availability (``availability``) and lineage of observations (``lineage``).

The pipeline every output path shares (``pipeline.published`` and ``pipeline.to_out``)::

    store rows (fetch, streamed, series then period)
      -> disclosure blocks (disclosure: primary + secondary suppression, embargo, audience)
      -> the query's narrowing filters (key, provider, c[...], updatedAfter)
      -> firstN/lastN per series, dimension at observation
      -> OutSeries for a DataWriter, or counts for availability
"""
