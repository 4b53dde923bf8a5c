"""Share cards, transactional notices and inbound events go through their hooks."""

import types

import pytest

from shequ.core import hookimpl
from shequ.core.hooktypes import ShareCard
from shequ.core.runtime import Runtime
from shequ.core.social.inbound import answer_inbound
from shequ.core.social.notices import notify_customer
from shequ.core.social.share import build_share_card


def plugin(name, **hooks):
    module = types.ModuleType(name)
    for hook_name, fn in hooks.items():
        setattr(module, hook_name, hookimpl(fn))
    return module


async def test_share_card_merges_fields_earlier_plugins_win(make_settings):
    first = plugin(
        "moments",
        shequ_share_card=lambda target_type, target_id: ShareCard(
            title=f"{target_type} {target_id}", image_url="/poster.png"
        ),
    )
    second = plugin(
        "other", shequ_share_card=lambda: ShareCard(title="ignored", description="好物推荐")
    )
    # pluggy calls the last registered first: "moments" then "other".
    runtime = Runtime(
        make_settings({"plugins": {"enabled": ["other", "moments"]}}),
        extra_plugins={"moments": first, "other": second},
    )
    card = await build_share_card(runtime, "product", 7, 1, fallback=ShareCard(link="/p/7"))
    assert card == ShareCard(
        title="product 7",
        description="好物推荐",
        image_url="/poster.png",
        link="/p/7",
        plugin="moments,other",
    )


async def test_notice_reaches_channel_after_commit(make_runtime):
    from tortoise.transactions import in_transaction

    sent = []

    async def push(customer_id, topic, data):
        sent.append((customer_id, topic, data))

    runtime = make_runtime(
        {"plugins": {"enabled": ["push"]}},
        extra_plugins={"push": plugin("push", shequ_notify_customer=push)},
    )
    async with runtime.running(run_jobs=False):
        async with in_transaction():
            assert await notify_customer(runtime, 3, 1, "order.shipped", {"number": "A1"}) == 1
        assert sent == []
        await runtime.runner.run_due()
        assert sent == [(3, "order.shipped", {"number": "A1"})]


async def test_marketing_topics_are_refused(make_runtime):
    runtime = make_runtime()
    async with runtime.running(run_jobs=False):
        with pytest.raises(ValueError, match="transactional only"):
            await notify_customer(runtime, 3, 1, "promo.double11", {})


async def test_inbound_event_first_answer_wins(make_settings):
    def keyword(channel, event):
        return {"text": "营业时间 9-21 点"} if event.get("content") == "营业时间" else None

    def fallback(event):
        return {"text": "您好"}

    runtime = Runtime(
        make_settings({"plugins": {"enabled": ["fallback", "keyword"]}}),
        extra_plugins={
            "keyword": plugin("keyword", shequ_inbound_event=keyword),
            "fallback": plugin("fallback", shequ_inbound_event=fallback),
        },
    )
    assert await answer_inbound(runtime, "wechat_mp", {"content": "营业时间"}) == {
        "text": "营业时间 9-21 点"
    }
    assert await answer_inbound(runtime, "wechat_mp", {"content": "?"}) == {"text": "您好"}
    nobody = Runtime(make_settings())
    assert await answer_inbound(nobody, "wechat_mp", {"type": "text"}) is None
