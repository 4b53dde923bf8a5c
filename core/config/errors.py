"""The one exception for every configuration mistake."""

from __future__ import annotations

from pydantic import ValidationError


class ConfigError(Exception):
    """A configuration mistake; ``str(error)`` is the one-line message shown to the user.

    The CLI prints it and exits with status 2, without a traceback.
    """


def describe_validation_error(error: ValidationError, prefix: tuple[str | int, ...] = ()) -> str:
    """Turn pydantic's report into ``key.path: message`` lines, one per problem."""
    lines = []
    for item in error.errors():
        loc = ".".join(str(part) for part in (*prefix, *item["loc"]))
        if item["type"] == "extra_forbidden":
            message = "unknown key"
        else:
            message = item["msg"]
            if "input" in item and item["type"] not in ("missing",):
                message += f" (got {item['input']!r})"
        lines.append(f"{loc}: {message}" if loc else message)
    return "; ".join(lines)
