"""Jobs: a transactional outbox, an in-process runner with retries and dead letters, schedules."""
