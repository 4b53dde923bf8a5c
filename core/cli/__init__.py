"""The ``shequ`` command line."""
