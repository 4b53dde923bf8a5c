"""Accounts: customers (platform-wide), their identities, addresses, follows, staff roles."""
