"""Regional aggregation of national data along the area hierarchies (DOMAIN.md §7.6)."""
