"""Regional aggregates: explanation, recomputation and region expansion (``blueprint.register``)."""
