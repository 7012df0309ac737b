"""daphne's per-socket input queue (portal/socket_memory.py): what a consumer reads, in order, nothing lost."""

import asyncio

from portal.socket_memory import InputQueue


def test_frames_reach_the_consumer_in_order_and_none_is_lost_to_a_cancelled_read():
    async def scenario():
        queue = InputQueue()
        queue.put_nowait({"type": "websocket.connect"})
        assert await queue.get() == {"type": "websocket.connect"}

        waiting = asyncio.ensure_future(queue.get())
        await asyncio.sleep(0)
        queue.put_nowait("first")
        queue.put_nowait("second")
        # Woken by the frame, then cancelled before it ran (a consumer stopping its read): the frames stay.
        waiting.cancel()
        await asyncio.sleep(0)
        assert waiting.cancelled()
        assert [await queue.get(), await queue.get()] == ["first", "second"]

        reader = asyncio.ensure_future(queue.get())
        await asyncio.sleep(0)
        queue.put_nowait({"type": "websocket.disconnect"})
        assert await asyncio.wait_for(reader, 1) == {"type": "websocket.disconnect"}
        assert queue.empty() and queue._getters is None

    asyncio.run(scenario())
