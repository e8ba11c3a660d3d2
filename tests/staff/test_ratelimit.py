"""The login limiter in memory and in Redis (the real server at 127.0.0.1:6379, a fresh key
namespace per test, deleted afterwards); two apps sharing one Redis count failures together."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import replace

import pytest
from redis.asyncio import Redis

from bot.web.app import create_app
from bot.web.ratelimit import LoginLimiter, MemoryLoginLimiter, RedisLoginLimiter, redis_client
from tests.staff.conftest import STAFF_EMAIL, hidden_csrf

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
LIMITS = {"per_email": 2, "per_address": 3, "window": 60}
HOST = "1.2.3.4"


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def namespace(redis) -> AsyncIterator[str]:
    """A key namespace of this test's own; its keys are deleted afterwards."""
    name = f"expatdesk-test-{uuid.uuid4().hex[:12]}"
    try:
        yield name
    finally:
        keys = [key async for key in redis.scan_iter(match=f"{name}:*")]
        if keys:
            await redis.delete(*keys)


@pytest.fixture(params=["memory", "redis"])
def make_limiter(request) -> Callable[[], LoginLimiter]:
    """Limiters with LIMITS; the Redis ones all share one namespace, like separate processes."""
    if request.param == "memory":
        return lambda: MemoryLoginLimiter(**LIMITS)
    redis, namespace = request.getfixturevalue("redis"), request.getfixturevalue("namespace")
    return lambda: RedisLoginLimiter(redis, prefix=f"{namespace}:login:", **LIMITS)


async def test_limits_failures_per_email(make_limiter):
    limiter = make_limiter()
    await limiter.failed(HOST, "a@x", now=0)
    assert await limiter.retry_after(HOST, "a@x", now=5) is None
    await limiter.failed(HOST, "a@x", now=10)
    assert await limiter.retry_after(HOST, "a@x", now=20) == 41
    assert await limiter.retry_after(HOST, "b@x", now=20) is None  # other account, same address
    assert await limiter.retry_after("5.6.7.8", "b@x", now=20) is None


async def test_limits_failures_per_address(make_limiter):
    limiter = make_limiter()
    for now, email in enumerate(("a@x", "b@x", "c@x")):
        await limiter.failed(HOST, email, now=now)
    assert await limiter.retry_after(HOST, "d@x", now=10) == 51
    assert await limiter.retry_after("5.6.7.8", "d@x", now=10) is None


async def test_window_slides(make_limiter):
    limiter = make_limiter()
    await limiter.failed(HOST, "a@x", now=0)
    await limiter.failed(HOST, "a@x", now=10)
    assert await limiter.retry_after(HOST, "a@x", now=59) is not None
    assert await limiter.retry_after(HOST, "a@x", now=60) is None  # the failure at 0 is out
    await limiter.failed(HOST, "a@x", now=65)
    assert await limiter.retry_after(HOST, "a@x", now=66) == 5  # until the one at 10 is out
    assert await limiter.retry_after(HOST, "a@x", now=125) is None


async def test_success_clears_the_email_but_not_the_address(make_limiter):
    limiter = make_limiter()
    await limiter.failed(HOST, "a@x", now=0)
    await limiter.failed(HOST, "a@x", now=1)
    await limiter.succeeded("a@x")
    assert await limiter.retry_after(HOST, "a@x", now=2) is None
    await limiter.failed(HOST, "a@x", now=2)
    assert await limiter.retry_after(HOST, "a@x", now=3) is not None  # address: 3 failures


async def test_two_processes_share_the_counts(namespace):
    # Two clients and two limiters, as two web processes would have.
    first_client, second_client = Redis.from_url(REDIS_URL), Redis.from_url(REDIS_URL)
    try:
        first, second = (RedisLoginLimiter(client, prefix=f"{namespace}:login:", **LIMITS)
                         for client in (first_client, second_client))
        await first.failed(HOST, "a@x", now=0)
        await second.failed("5.6.7.8", "a@x", now=1)
        assert await first.retry_after(HOST, "a@x", now=2) == 59
        assert await second.retry_after(HOST, "a@x", now=2) == 59
        await second.succeeded("a@x")
        assert await first.retry_after(HOST, "a@x", now=3) is None
    finally:
        await first_client.aclose()
        await second_client.aclose()


async def test_redis_keys_expire_after_the_window(redis, namespace):
    limiter = RedisLoginLimiter(redis, prefix=f"{namespace}:login:", **LIMITS)
    await limiter.failed(HOST, "a@x")
    keys = sorted([key async for key in redis.scan_iter(match=f"{namespace}:*")])
    assert keys == sorted([limiter._key("a", HOST).encode(), limiter._key("e", "a@x").encode()])
    # Key names are listed by anyone with access to Redis: no address in clear.
    assert all(b"a@x" not in key and HOST.encode() not in key for key in keys)
    for key in keys:
        assert 0 < await redis.ttl(key) <= 61


async def test_redis_down_lets_staff_log_in(caplog):
    client = Redis.from_url("redis://127.0.0.1:1/0")
    try:
        limiter = RedisLoginLimiter(client, per_email=1, per_address=1)
        for _ in range(3):
            await limiter.failed(HOST, "a@x")
            assert await limiter.retry_after(HOST, "a@x") is None
        await limiter.succeeded("a@x")
    finally:
        await client.aclose()
    assert "Redis unreachable" in caplog.text and "a@x" not in caplog.text


async def test_redis_url_prefix_names_the_keys_and_is_not_passed_to_redis():
    # Rasa's lock store reads `?prefix=` from the same REDIS_URL; redis-py would reject it.
    client, namespace = redis_client(f"{REDIS_URL}?prefix=desk-a&health_check_interval=5")
    try:
        assert namespace == "desk-a"
        assert await client.ping()
    finally:
        await client.aclose()
    client, namespace = redis_client(REDIS_URL)
    await client.aclose()
    assert namespace == "expatdesk"


async def test_failed_logins_on_two_apps_add_up(aiohttp_client, settings, redis, namespace):
    """Two web processes behind one address: the 6th failure for an e-mail is refused on
    whichever process it reaches."""
    shared = replace(settings, redis_url=f"{REDIS_URL}?prefix={namespace}")
    clients = [await aiohttp_client(create_app(shared)) for _ in range(2)]
    statuses = []
    for attempt in range(6):
        client = clients[attempt % 2]
        page = await client.get("/staff/login")
        response = await client.post("/staff/login", data={
            "email": STAFF_EMAIL, "password": "guess", "csrf_token": hidden_csrf(await page.text())},
            allow_redirects=False)
        statuses.append(response.status)
    assert statuses == [401] * 5 + [429]
    keys = [key async for key in redis.scan_iter(match=f"{namespace}:login:e:*")]
    assert len(keys) == 1 and STAFF_EMAIL.encode() not in keys[0]
