"""The pluggy markers for the ``shequ`` project name."""

import pluggy

PROJECT = "shequ"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
