"""Share links: any storefront URL with ``?ref=CODE`` binds the visitor to that distributor.

A signed-in visitor is bound at once; a guest's code waits in the session and is bound on the
first request after sign-in. Unknown or forged codes are ignored (and logged by the binding
service): the page is served as usual, never an error.
"""

from __future__ import annotations

from aiohttp import web

from shequ.core.appkeys import RUNTIME
from shequ.core.distribution.binding import bind_by_code
from shequ.core.web.session import load_session

# "carry." keys survive sign-in (see shequ.core.accounts.middleware.login).
PENDING = "carry.distribution.ref"
MAX_CODE = 64


@web.middleware
async def referral_links(request: web.Request, handler):
    if request.method == "GET" and not request.path.startswith(("/api/", "/static/", "/admin")):
        code = request.query.get("ref", "")[:MAX_CODE]
        customer = request.get("customer")
        if code and customer is None:
            (await load_session(request))[PENDING] = code
        elif customer is not None and request.get("auth") == "session":
            session = await load_session(request)
            code = code or session.pop(PENDING, "")
            if code:
                await bind_by_code(request.app[RUNTIME], customer.id, code, source="link")
    return await handler(request)


def install(app: web.Application) -> None:
    app.middlewares.append(referral_links)
