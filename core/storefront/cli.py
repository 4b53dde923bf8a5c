"""``shequ theme new|check|slots``. Kept light: the storefront loads only when a command runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


class ThemeCommand:
    name = "theme"
    help = "storefront themes: new NAME, check PATH, slots"

    def configure(self, parser: argparse.ArgumentParser) -> None:
        from shequ.core.cli.main import add_common

        common = argparse.ArgumentParser(add_help=False)
        add_common(common, defaults=False)
        actions = parser.add_subparsers(dest="theme_action", metavar="ACTION")
        actions.required = True
        new = actions.add_parser(
            "new", help="scaffold a theme folder that extends another", parents=[common]
        )
        new.add_argument("theme_name", metavar="NAME")
        new.add_argument(
            "--extends", default="default", help="the parent theme ('none' for no parent)"
        )
        new.add_argument("--dir", type=Path, default=Path("."), help="where to create it")
        check = actions.add_parser(
            "check",
            help="compile templates and check slots, assets and translations",
            parents=[common],
        )
        check.add_argument("path", type=Path, help="the theme folder")
        actions.add_parser("slots", help="list the storefront slots plugins fill", parents=[common])

    def __call__(self, args: argparse.Namespace) -> int:
        return {"new": self.new, "check": self.check, "slots": self.slots}[args.theme_action](args)

    def new(self, args: argparse.Namespace) -> int:
        from shequ.core.cli.commands import CommandError
        from shequ.core.storefront.scaffold import scaffold_theme

        parent = None if args.extends == "none" else args.extends
        try:
            folder = scaffold_theme(args.theme_name, parent, args.dir)
        except FileExistsError as exc:
            raise CommandError(f"{exc} already exists; not overwritten") from None
        print(f"wrote {folder}")
        print(f"next: shequ theme check {folder}, then set theme.path in shequ.toml")
        return 0

    def check(self, args: argparse.Namespace) -> int:
        from shequ.core.storefront.check import check_theme

        problems = check_theme(args.path, self._plugin_template_dirs(args))
        for problem in problems:
            print(problem)
        if problems:
            print(f"{len(problems)} problem(s) in {args.path}", file=sys.stderr)
            return 1
        print(f"theme ok: {args.path}")
        return 0

    @staticmethod
    def _plugin_template_dirs(args: argparse.Namespace) -> list[Path]:
        """With a config at hand, templates of its enabled plugins take part in lookups."""
        if not args.config.is_file():
            return []
        from shequ.core.cli.commands import Command, build_runtime
        from shequ.core.storefront.templates import plugin_template_dirs

        return plugin_template_dirs(build_runtime(Command.settings(args)))

    def slots(self, args: argparse.Namespace) -> int:
        from shequ.core.storefront.slots import describe_slots

        sys.stdout.write(describe_slots())
        return 0
