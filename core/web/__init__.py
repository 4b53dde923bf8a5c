"""HTTP plumbing shared by every route: middlewares, JSON errors, health."""
