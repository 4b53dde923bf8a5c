"""Social channels: share cards, transactional customer notices, inbound platform events.

The core owns the contracts; channel plugins (WeChat Moments sharing, official-account
pushes) implement the hooks.
"""
