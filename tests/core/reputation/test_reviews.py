"""Reviews: only buyers of completed orders, once each, never the seller, never deleted."""

from __future__ import annotations

import asyncio
import logging

import pytest

from shequ.core.jobs.models import Job
from shequ.core.orders.models import OrderState
from shequ.core.reputation.errors import (
    Conflict,
    InvalidReview,
    NotAllowed,
    NotFound,
    RecordKept,
    Vetoed,
)
from shequ.core.reputation.models import Review, ReviewAudit, ReviewStatus
from shequ.core.reputation.reviews import hide_review, reply, submit_review, unhide_review
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from tests.core.reputation.conftest import (
    audit_of,
    build_world,
    enabled,
    first_line,
    make_customer,
    make_order,
    plugin,
    stored_reviews,
)


async def review_line(runtime, world, rating=5, body="新鲜，包装好", line=None, customer=None):
    line = line or await first_line(world.order)
    return await submit_review(
        runtime,
        (customer or world.buyer).id,
        world.order.id,
        line.id,
        rating,
        body,
    )


async def test_buyer_reviews_a_line_of_a_completed_order(runtime, world):
    line = await first_line(world.order)
    review = await review_line(runtime, world, rating=4, body="  蛋很新鲜\r\n会回购  ")
    assert review.shop_id == world.shop.id
    assert review.product_id == line.product_id == 101
    assert (review.rating, review.body, review.status) == (4, "蛋很新鲜\n会回购", "visible")
    (entry,) = await audit_of(review.id)
    assert (entry.action, entry.actor_id, entry.actor_role) == (
        "published",
        world.buyer.id,
        "customer",
    )
    assert (entry.from_status, entry.to_status) == ("", "visible")


async def test_whole_order_review_is_separate_from_line_reviews(runtime, world):
    whole = await submit_review(runtime, world.buyer.id, world.order.id, None, 5, "整体满意")
    line = await review_line(runtime, world)
    assert whole.product_id is None and whole.order_line_id is None
    assert line.order_line_id is not None
    with pytest.raises(Conflict) as dup:
        await submit_review(runtime, world.buyer.id, world.order.id, None, 3, "再来一次")
    assert dup.value.code == "already_reviewed"
    assert len(await stored_reviews()) == 2


async def test_someone_elses_order_is_not_found_and_nothing_is_stored(runtime, world):
    line = await first_line(world.order)
    with pytest.raises(NotFound) as refused:
        await submit_review(runtime, world.stranger.id, world.order.id, line.id, 1, "差评")
    assert (refused.value.status, refused.value.code) == (404, "order_not_found")
    assert await stored_reviews() == []


@pytest.mark.parametrize(
    "state",
    [OrderState.PENDING_PAYMENT, OrderState.PAID, OrderState.SHIPPED, "cancelled", "refunded"],
)
async def test_only_completed_orders_can_be_reviewed(runtime, world, state):
    order = await make_order(world.shop, world.buyer, state=state)
    line = await first_line(order)
    with pytest.raises(Conflict) as refused:
        await submit_review(runtime, world.buyer.id, order.id, line.id, 5, "还没收到")
    assert (refused.value.status, refused.value.code) == (409, "order_not_completed")
    assert await stored_reviews() == []


async def test_a_line_is_reviewed_once(runtime, world):
    await review_line(runtime, world, rating=5)
    with pytest.raises(Conflict) as refused:
        await review_line(runtime, world, rating=1, body="改成差评")
    assert refused.value.code == "already_reviewed"
    (review,) = await stored_reviews()
    assert review.rating == 5


async def test_a_line_of_another_order_is_refused(runtime, world):
    other = await make_order(world.shop, world.buyer)
    other_line = await first_line(other)
    with pytest.raises(NotFound) as refused:
        await review_line(runtime, world, line=other_line)
    assert (refused.value.code, refused.value.field) == ("order_line_not_found", "order_line_id")
    assert await stored_reviews() == []


@pytest.mark.parametrize("who", ["owner", "staff"])
async def test_the_shops_own_people_cannot_review_it(runtime, world, who):
    seller = getattr(world, who)
    order = await make_order(world.shop, seller)  # a "purchase" from their own shop
    line = await first_line(order)
    with pytest.raises(NotAllowed) as refused:
        await submit_review(runtime, seller.id, order.id, line.id, 5, "好评！")
    assert (refused.value.status, refused.value.code) == (403, "seller_cannot_review")
    assert await stored_reviews() == []


async def test_staff_of_another_shop_may_review_as_a_buyer(runtime, world):
    order = await make_order(world.other_shop, world.owner)
    line = await first_line(order)
    review = await submit_review(runtime, world.owner.id, order.id, line.id, 4, "茶不错")
    assert review.shop_id == world.other_shop.id


@pytest.mark.parametrize(
    ("rating", "body", "field"),
    [
        (0, "ok", "rating"),
        (6, "ok", "rating"),
        (True, "ok", "rating"),
        (5, "", "body"),
        (5, "   \n ", "body"),
        (5, "长" * 1001, "body"),
        (5, "bad\x00byte", "body"),
        (5, "hidden\u202etext", "body"),
    ],
)
async def test_bad_rating_or_body_is_refused(runtime, world, rating, body, field):
    with pytest.raises(InvalidReview) as refused:
        await review_line(runtime, world, rating=rating, body=body)
    assert (refused.value.status, refused.value.field) == (422, field)
    assert await stored_reviews() == []


async def test_a_body_of_exactly_1000_characters_is_kept_whole(runtime, world):
    review = await review_line(runtime, world, body="好" * 1000)
    (stored,) = await stored_reviews()
    assert stored.body == review.body == "好" * 1000


async def test_plugin_veto_stores_nothing_and_is_logged_with_the_plugin(make_runtime, caplog):
    calls = []

    def no_links(shop_id, customer_id, order_id, rating, body):
        calls.append((shop_id, customer_id, order_id, rating, body))
        return "评价中不能包含链接" if "http" in body else None

    runtime = make_runtime(
        enabled("nolinks"),
        extra_plugins={"nolinks": plugin("nolinks", shequ_validate_review=no_links)},
    )
    async with runtime.running(run_jobs=False):
        world = await build_world()
        caplog.set_level(logging.INFO, logger="shequ.core.reputation.reviews")
        with pytest.raises(Vetoed) as refused:
            await review_line(runtime, world, body="去 http://spam.example 买")
        assert (refused.value.message, refused.value.plugin) == ("评价中不能包含链接", "nolinks")
        assert refused.value.status == 422
        assert await stored_reviews() == []
        assert await Job.all().count() == 0
        (record,) = [r for r in caplog.records if "refused by plugin" in r.getMessage()]
        assert record.levelno == logging.INFO
        assert "nolinks" in record.getMessage() and "评价中不能包含链接" in record.getMessage()
        assert calls == [
            (world.shop.id, world.buyer.id, world.order.id, 5, "去 http://spam.example 买")
        ]
        # The same plugin lets an honest review through.
        review = await review_line(runtime, world, rating=1, body="太差了")
        assert review.rating == 1


async def test_review_published_is_delivered_after_commit(make_runtime):
    seen = []

    async def published(review_id, shop_id):
        with shop_scope(shop_id):
            seen.append((review_id, shop_id, (await Review.get(id=review_id)).rating))

    runtime = make_runtime(
        enabled("watch"), extra_plugins={"watch": plugin("watch", shequ_review_published=published)}
    )
    async with runtime.running(run_jobs=False):
        world = await build_world()
        review = await review_line(runtime, world, rating=3)
        assert seen == []
        await runtime.runner.run_due()
        assert seen == [(review.id, world.shop.id, 3)]
        # A refused review announces nothing.
        with pytest.raises(Conflict):
            await review_line(runtime, world)
        await runtime.runner.run_due()
        assert len(seen) == 1


async def test_concurrent_duplicates_store_one_review(make_runtime):
    """Both submissions pass every check before either writes; the database keeps one."""
    barrier = asyncio.Barrier(2)

    async def wait_for_both(body):
        await barrier.wait()

    runtime = make_runtime(
        enabled("gate"), extra_plugins={"gate": plugin("gate", shequ_validate_review=wait_for_both)}
    )
    async with runtime.running(run_jobs=False):
        world = await build_world()
        results = await asyncio.gather(
            review_line(runtime, world, rating=5, body="第一"),
            review_line(runtime, world, rating=1, body="第二"),
            return_exceptions=True,
        )
        stored = [r for r in results if isinstance(r, Review)]
        refused = [r for r in results if isinstance(r, Exception)]
        assert len(stored) == 1 and len(refused) == 1, results
        assert isinstance(refused[0], Conflict) and refused[0].code == "already_reviewed"
        (review,) = await stored_reviews()
        assert review.id == stored[0].id
        assert len(await audit_of(review.id)) == 1
        assert await Job.all().count() == 0  # no observer enabled: nothing queued either


# ---- hiding, showing again, replying -----------------------------------------------------


async def test_hiding_keeps_the_row_and_records_who_and_why(runtime, world):
    review = await review_line(runtime, world, rating=1)
    hidden = await hide_review(runtime, review.id, world.owner.id, "含有买家手机号")
    assert hidden.status == ReviewStatus.HIDDEN
    (stored,) = await stored_reviews()
    assert (stored.id, stored.status, stored.body) == (review.id, "hidden", review.body)
    published, hide = await audit_of(review.id)
    assert (hide.action, hide.actor_id, hide.actor_role) == ("hidden", world.owner.id, "owner")
    assert (hide.reason, hide.from_status, hide.to_status) == (
        "含有买家手机号",
        "visible",
        "hidden",
    )


async def test_hiding_needs_a_reason(runtime, world):
    review = await review_line(runtime, world)
    for reason in ("", "   ", "x" * 256):
        with pytest.raises(InvalidReview) as refused:
            await hide_review(runtime, review.id, world.operator.id, reason)
        assert refused.value.field == "reason"
    (stored,) = await stored_reviews()
    assert stored.status == "visible"
    assert len(await audit_of(review.id)) == 1


@pytest.mark.parametrize("who", ["staff", "buyer", "stranger"])
async def test_only_operator_or_owner_may_hide(runtime, world, who):
    review = await review_line(runtime, world)
    with pytest.raises(NotAllowed):
        await hide_review(runtime, review.id, getattr(world, who).id, "不喜欢")
    (stored,) = await stored_reviews()
    assert stored.status == "visible"


async def test_owner_of_another_shop_may_not_hide(runtime, world):
    review = await review_line(runtime, world)
    rival = await make_customer("对手")
    from shequ.core.accounts.models import StaffRole

    await StaffRole.create(customer=rival, shop=world.other_shop, role="owner")
    with pytest.raises(NotAllowed):
        await hide_review(runtime, review.id, rival.id, "竞争")


async def test_hiding_twice_is_a_conflict_with_one_audit_entry(runtime, world):
    review = await review_line(runtime, world)
    await hide_review(runtime, review.id, world.operator.id, "广告")
    with pytest.raises(Conflict):
        await hide_review(runtime, review.id, world.owner.id, "再藏一次")
    assert [a.action for a in await audit_of(review.id)] == ["published", "hidden"]


async def test_what_the_platform_hid_only_the_platform_shows(make_runtime):
    seen = []
    runtime = make_runtime(
        enabled("watch"),
        extra_plugins={
            "watch": plugin(
                "watch", shequ_review_published=lambda review_id: seen.append(review_id)
            )
        },
    )
    async with runtime.running(run_jobs=False):
        world = await build_world()
        review = await review_line(runtime, world)
        await runtime.runner.run_due()
        await hide_review(runtime, review.id, world.operator.id, "涉嫌刷单")
        with pytest.raises(NotAllowed) as refused:
            await unhide_review(runtime, review.id, world.owner.id, "这是真实评价")
        assert refused.value.code == "hidden_by_platform"
        shown = await unhide_review(runtime, review.id, world.operator.id, "复核后确认真实")
        assert shown.status == "visible"
        entries = await audit_of(review.id)
        assert [(a.action, a.actor_role, a.from_status, a.to_status) for a in entries] == [
            ("published", "customer", "", "visible"),
            ("hidden", "operator", "visible", "hidden"),
            ("unhidden", "operator", "hidden", "visible"),
        ]
        # Becoming visible again is announced like publishing.
        await runtime.runner.run_due()
        assert seen == [review.id, review.id]


async def test_owner_may_show_again_what_the_owner_hid(runtime, world):
    review = await review_line(runtime, world)
    await hide_review(runtime, review.id, world.owner.id, "误操作前")
    shown = await unhide_review(runtime, review.id, world.owner.id, "误操作")
    assert shown.status == "visible"
    with pytest.raises(Conflict):
        await unhide_review(runtime, review.id, world.owner.id, "再来")


async def test_seller_replies_once_and_it_is_recorded(runtime, world):
    review = await review_line(runtime, world, rating=2)
    replied = await reply(runtime, review.id, world.staff.id, "  抱歉，已为您补发  ")
    assert replied.seller_reply == "抱歉，已为您补发"
    assert replied.seller_reply_at is not None
    assert replied.body == review.body  # the buyer's words are untouched
    with pytest.raises(Conflict):
        await reply(runtime, review.id, world.owner.id, "再回复")
    last = (await audit_of(review.id))[-1]
    assert (last.action, last.actor_id, last.actor_role) == ("replied", world.staff.id, "staff")


@pytest.mark.parametrize("who", ["operator", "buyer", "stranger"])
async def test_only_the_shops_people_reply(runtime, world, who):
    review = await review_line(runtime, world)
    with pytest.raises(NotAllowed):
        await reply(runtime, review.id, getattr(world, who).id, "你好")
    (stored,) = await stored_reviews()
    assert stored.seller_reply == ""


async def test_unknown_review_is_not_found(runtime, world):
    with pytest.raises(NotFound):
        await hide_review(runtime, 999_999, world.operator.id, "x")
    with pytest.raises(NotFound):
        await reply(runtime, 999_999, world.owner.id, "x")


# ---- never deleted -------------------------------------------------------------------------


async def test_reviews_cannot_be_deleted_by_any_orm_path(runtime, world):
    review = await review_line(runtime, world)
    with shop_scope(world.shop.id):
        with pytest.raises(RecordKept):
            await review.delete()
        with pytest.raises(RecordKept):
            await Review.filter(id=review.id).delete()
        with pytest.raises(RecordKept):
            await Review.all().delete()
        # The scope filter still applies to the kept queryset.
        assert await Review.filter(id=review.id).count() == 1
    with shop_scope(world.other_shop.id):
        assert await Review.filter(id=review.id).count() == 0
    with shop_scope(ALL_SHOPS):
        with pytest.raises(RecordKept):
            await Review.filter(id=review.id).delete()
    assert [r.id for r in await stored_reviews()] == [review.id]


async def test_the_database_refuses_to_drop_a_reviewed_order_or_review(runtime, world):
    review = await review_line(runtime, world)
    conn = runtime.db.connection()
    for sql in (
        f"DELETE FROM review WHERE id = {review.id}",
        f"DELETE FROM shop_order WHERE id = {world.order.id}",
        f"DELETE FROM customer WHERE id = {world.buyer.id}",
    ):
        with pytest.raises(Exception, match="(?i)foreign key|constraint"):
            await conn.execute_script(sql)
    assert len(await stored_reviews()) == 1


async def test_audit_entries_are_append_only(runtime, world):
    review = await review_line(runtime, world)
    (entry,) = await audit_of(review.id)
    with shop_scope(world.shop.id):
        entry.reason = "改写历史"
        with pytest.raises(RecordKept):
            await entry.save()
        with pytest.raises(RecordKept):
            await entry.delete()
        with pytest.raises(RecordKept):
            await ReviewAudit.filter(id=entry.id).update(reason="改写历史")
        with pytest.raises(RecordKept):
            await ReviewAudit.filter(id=entry.id).delete()
    (again,) = await audit_of(review.id)
    assert again.reason == ""
