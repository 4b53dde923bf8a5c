"""Cart and checkout: cart lines across shops, the pricing pipeline, order placement."""
