"""Plugin discovery, loading, settings layering and hook dispatch."""
