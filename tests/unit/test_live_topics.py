"""The live-update topics: which tabs a change reaches (memory for one process, Redis for several)."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from repair_portal import live


def _run(coro):
    return asyncio.run(coro)


async def _exercise(topics) -> None:
    topic, other = f"order{uuid.uuid4().int % 10**9}", f"order{uuid.uuid4().int % 10**9}"
    await topics.add(topic, "tab-a")
    await topics.add(topic, "tab-b")
    await topics.add(topic, "tab-a")  # registering twice is one registration
    await topics.add(other, "tab-c")
    assert sorted(await topics.members(topic)) == ["tab-a", "tab-b"]
    assert await topics.members(other) == ["tab-c"]  # a change of one order never reaches another's tabs
    await topics.remove(topic, "tab-a", "tab-never-there")
    assert await topics.members(topic) == ["tab-b"]
    await topics.remove(topic, "tab-b")
    assert await topics.members(topic) == []
    await topics.remove(other, "tab-c")


def test_memory_topics_keep_each_orders_tabs_apart_and_forget_closed_ones():
    topics = live._MemoryTopics()
    _run(_exercise(topics))
    assert _run(topics.topics()) == []  # an emptied topic is gone, nothing left to sweep


def test_redis_topics_do_the_same_across_workers_and_expire_when_unused():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15").ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379: the Redis topics are not tested on this machine")

    async def scenario():
        topics = live._RedisTopics("redis://127.0.0.1:6379/15")
        await _exercise(topics)
        topic = f"order{uuid.uuid4().int % 10**9}"
        await topics.add(topic, "tab-a")
        ttl = await topics._redis.ttl(topics._key(topic))
        assert 0 < ttl <= live.TOPIC_TTL  # a forgotten topic disappears by itself
        await topics._redis.expire(topics._key(topic), 5)
        await topics.keep(topic)  # a nudge to open tabs keeps the topic alive
        assert await topics._redis.ttl(topics._key(topic)) > 5
        await topics.remove(topic, "tab-a")
        await topics._redis.aclose()

    _run(scenario())


def test_a_tab_whose_socket_has_gone_is_forgotten_at_the_next_change():
    topics = live._MemoryTopics()
    _run(topics.add("order7", "tab-closed-an-hour-ago"))
    original, live._topics = live._topics, topics
    try:
        _run(live._nudge("order7", "revision", "stage"))  # Reflex knows no socket for that tab
    finally:
        live._topics = original
    assert _run(topics.members("order7")) == []


def test_the_acting_tab_is_not_nudged_about_what_it_has_just_shown(monkeypatch):
    topics = live._MemoryTopics()
    _run(topics.add("order8", "tab-that-posted"))
    _run(topics.add("order8", "tab-also-open"))
    nudged = []

    class Connected:
        async def is_token_connected(self, token):
            return True

    async def update(app, token, counter, part, fill):
        nudged.append((token, counter, part))
        return False

    monkeypatch.setattr(live, "_topics", topics)
    monkeypatch.setattr(live, "_connections", Connected)
    monkeypatch.setattr(live, "_update_tab", update)
    _run(live._nudge("order8", "revision", "messages", 8, skip="tab-that-posted"))
    assert nudged == [("tab-also-open", "revision", "messages")]
    nudged.clear()
    _run(live._nudge("order8", "revision", "messages", 8))
    assert sorted(t for t, _, _ in nudged) == ["tab-also-open", "tab-that-posted"]
