"""Distribution (分销): referral binding, commission plans, the commission ledger, withdrawals.

The rules of DESIGN.md §8 hold by construction here, whatever a shop configures or a plugin
returns: at most two commission levels, commission only on a paid order line, no fee or
purchase to become a distributor. The built-in ``distribution`` plugin supplies the settings
and the default rates; without it enabled, nothing here binds or pays.
"""
