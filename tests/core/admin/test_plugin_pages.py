"""A plugin's admin page is guarded and scoped like the core's own pages."""

from shequ.core.accounts.service import OWNER
from shequ.core.shops.scope import shop_scope
from tests.core.admin.support import make_person, make_shop
from tests.plugins.fullplugin.models import Note

FULL = {"plugins": {"enabled": ["fullplugin"], "paths": {"fullplugin": "tests.plugins.fullplugin"}}}


async def test_plugin_admin_page_is_in_the_menu_scoped_and_guarded(admin_app, browsers):
    client, _ = await admin_app(FULL)
    shop_a, shop_b = await make_shop("甲店"), await make_shop("乙店")
    for shop, text in ((shop_a, "甲的便签"), (shop_b, "乙的便签")):
        with shop_scope(shop.id):
            await Note.create(text=text)
    owner_a = await make_person(OWNER, shop_a)
    browser = browsers(client)
    await browser.login(owner_a.email)

    status, html = await browser.get(f"/admin/shops/{shop_a.id}/")
    assert status == 200 and f'href="/admin/shops/{shop_a.id}/p/fullplugin/notes"' in html

    status, html = await browser.get(f"/admin/shops/{shop_a.id}/p/fullplugin/notes")
    assert status == 200 and "甲的便签" in html and "乙的便签" not in html

    status, html = await browser.get(f"/admin/shops/{shop_b.id}/p/fullplugin/notes")
    assert status == 403 and "乙的便签" not in html


async def test_plugin_admin_page_needs_a_signed_in_staff_member(admin_app):
    client, _ = await admin_app(FULL)
    shop = await make_shop()
    response = await client.get(f"/admin/shops/{shop.id}/p/fullplugin/notes", allow_redirects=False)
    assert response.status in (302, 303)
    assert response.headers["Location"].startswith("/admin/login")
