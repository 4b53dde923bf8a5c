"""``shequ createuser``: an account with a password, optionally an operator, owner or staff.

The class has the shape of :class:`shequ.core.cli.commands.Command` without inheriting from
it: ``commands.ALL`` lists this class, so importing ``commands`` here would be circular.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass


class CreateUser:
    name = "createuser"
    help = "create a customer with an e-mail and password (and a staff role)"

    def configure(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", help="prompted for when left out")
        parser.add_argument("--nickname", default="")
        role = parser.add_mutually_exclusive_group()
        role.add_argument("--operator", action="store_true", help="the platform operator")
        role.add_argument("--owner", metavar="SHOP_SLUG", help="owner of this shop")
        role.add_argument("--staff", metavar="SHOP_SLUG", help="staff of this shop")

    def __call__(self, args: argparse.Namespace) -> int:
        from shequ.core.cli.commands import Command, CommandError, build_runtime

        runtime = build_runtime(Command.settings(args))
        password = args.password
        if password is None:
            password = getpass.getpass("password: ")
            if getpass.getpass("again: ") != password:
                raise CommandError("the passwords differ", 2)

        async def run() -> int:
            await runtime.db.open()
            try:
                with runtime.db.bound():
                    customer = await _create(args, password)
            finally:
                await runtime.db.close()
            if args.operator:
                role = "operator"
            elif args.owner or args.staff:
                role = f"owner of {args.owner}" if args.owner else f"staff of {args.staff}"
            else:
                role = "customer"
            print(f"created customer #{customer.id} <{args.email.strip().lower()}> ({role})")
            return 0

        return asyncio.run(run())


async def _create(args: argparse.Namespace, password: str):
    from tortoise.transactions import in_transaction

    from shequ.core.accounts import service
    from shequ.core.accounts.errors import AccountError
    from shequ.core.cli.commands import CommandError
    from shequ.core.shops.models import Shop

    slug = args.owner or args.staff
    shop = None
    if slug:
        shop = await Shop.get_or_none(slug=slug)
        if shop is None:
            known = ", ".join(await Shop.all().order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"no shop with slug {slug!r} (shops: {known or 'none'})", 2)
    try:
        async with in_transaction():
            customer = await service.register("email", args.email, password, args.nickname)
            if args.operator:
                await service.grant_role(customer, service.OPERATOR)
            elif shop is not None:
                role = service.OWNER if args.owner else service.STAFF
                await service.grant_role(customer, role, shop.id)
    except AccountError as exc:
        raise CommandError(f"{exc.field or 'input'}: {exc.message}", 2) from None
    return customer
