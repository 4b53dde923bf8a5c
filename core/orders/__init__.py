"""Orders: the state machine, transitions with history, shipments, expiry and completion."""
