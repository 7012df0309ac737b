"""The process-local fan-out (portal/fanout.py): one Redis subscription per room and process, gone
when the room's last socket leaves, and a broadcast still reaches every member once."""

import asyncio
import os

import pytest
import redis
from django.conf import settings

from portal import fanout

from .test_consumer import _close_consumer_connections, joined, next_of  # noqa: F401 - the autouse fixture

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is unset: the fan-out subscribes in Redis"),
]


def subscriptions() -> list[str]:
    prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"].get("prefix", "asgi")
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    try:
        return sorted(name.decode() for name in client.pubsub_channels(f"{prefix}:fanout:*"))
    finally:
        client.close()


async def settled(expected_count, among=None) -> list[str]:
    """The subscriptions once Redis has processed the last (un)subscribe (sent, not awaited)."""
    for _ in range(40):
        found = [name for name in subscriptions() if among is None or name in among]
        if len(found) == expected_count:
            break
        await asyncio.sleep(0.05)
    return found


async def test_one_subscription_per_room_while_members_are_connected_none_after(room):
    if not fanout.enabled():
        pytest.skip("PORTAL_REALTIME_FANOUT is off")
    alice, bob = await joined(room, "alice"), await joined(room, "bob")
    channels = subscriptions()
    room_channels = [name for name in channels if name.endswith(f"workgroup.{room['workgroup'].pk}")]
    assert len(room_channels) == 1  # two sockets, one subscription
    await alice.send_json_to({"type": "send", "body": "Un pour tous", "client_id": "fan-1"})
    assert (await next_of(alice, "ack"))["sequence"] == 1
    assert (await next_of(bob, "message"))["message"]["body"] == "Un pour tous"
    assert (await next_of(alice, "message"))["message"]["sequence"] == 1
    await alice.disconnect()
    assert len(await settled(1, among=room_channels)) == 1  # bob is still there
    await bob.disconnect()
    assert await settled(0) == []
