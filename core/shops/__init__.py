"""Shops: the platform's tenants, the shop scope every seller-side query runs in."""
