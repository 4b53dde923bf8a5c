"""``shequ``: init, check, migrate, serve, plugins, hooks, jobs, and plugins' own commands.

Every command takes ``--config PATH`` (default ``./shequ.toml``) and ``--log-level``.
Configuration mistakes print one line naming the key and exit with status 2.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from shequ.core import __version__
from shequ.core.cli import commands
from shequ.core.config import ConfigError, load_settings

EXIT_CONFIG = 2
log = logging.getLogger(__name__)


def add_common(parser: argparse.ArgumentParser, defaults: bool) -> None:
    """``--config`` and ``--log-level`` work before or after the sub-command's name."""
    missing = None if defaults else argparse.SUPPRESS
    parser.add_argument(
        "--config",
        type=Path,
        help="config file (default ./shequ.toml)",
        default=Path("shequ.toml") if defaults else missing,
    )
    parser.add_argument(
        "--log-level",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        type=str.upper,
        default=missing,
        help="override logging.level",
    )


def build_parser(plugin_commands: Sequence = ()) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    add_common(common, defaults=False)
    parser = argparse.ArgumentParser(prog="shequ", description="Shequ community commerce")
    add_common(parser, defaults=True)
    parser.add_argument("--version", action="version", version=f"shequ {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for command in commands.ALL:
        child = sub.add_parser(command.name, help=command.help, parents=[common])
        command.configure(child)
        child.set_defaults(handler=command)
    for command in plugin_commands:
        child = sub.add_parser(command.name, help=command.help, parents=[common])
        if command.configure is not None:
            command.configure(child)
        child.set_defaults(handler=commands.PluginCommand(command))
    return parser


def plugin_commands_for(argv: Sequence[str]) -> list:
    """Plugin commands exist only when the config loads and enables their plugin."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--config", default="shequ.toml", type=Path)
    known, _ = pre.parse_known_args(argv)
    if not known.config.exists():
        return []
    try:
        return commands.plugin_cli_commands(load_settings(known.config))
    except ConfigError:
        return []  # the command itself reports the error


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(plugin_commands_for(argv))
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except ConfigError as exc:
        print(f"shequ: config error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except commands.CommandError as exc:
        print(f"shequ: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
