"""Payments: providers chosen through a hook, verified idempotent notifications, refunds."""
