"""daphne's sockets written at once when nothing is waiting, as asyncio's own transports do.

Twisted buffers every write and asks the reactor to say when the socket is writable: with the
asyncio reactor that is an `epoll_ctl` to watch the socket, one more loop turn, the `send`, and
another `epoll_ctl` to stop watching it — two system calls more than the write itself for each
websocket frame. Profiled under the chat benchmark they were about a fifth of daphne's busy time
(#22). Here a TCP connection whose buffer is empty sends at once; whatever the kernel does not
take (a slow reader), and every write after it, goes through Twisted's buffer as before, in order.

Installed by portal/asgi.py; PORTAL_DIRECT_WRITES=0 leaves Twisted as it is.
"""

import logging
import sys

logger = logging.getLogger(__name__)


def install() -> bool:
    """Patches Twisted's writes, only in a process whose reactor is already running (daphne installs
    it before it imports the application): elsewhere nothing is imported nor changed."""
    if "twisted.internet.reactor" not in sys.modules:
        return False
    from twisted.internet import abstract, tcp

    original = abstract.FileDescriptor.write
    if getattr(original, "portal_direct", False):
        return True
    needed = ("dataBuffer", "offset", "_writeDisconnected", "writeSomeData", "doWrite")
    if not all(hasattr(tcp.Connection, name) for name in needed):  # not the Twisted this was written for
        logger.warning("Twisted's FileDescriptor changed: direct writes stay off")
        return False

    def write(self, data):
        if (
            isinstance(self, tcp.Connection)
            and type(data) is bytes
            and data
            and self.connected
            and not self.disconnecting
            and not self._writeDisconnected
            and not getattr(self, "TLS", False)
            and not self._tempDataBuffer
            and self.offset >= len(self.dataBuffer)
        ):
            sent = self.writeSomeData(data)
            if isinstance(sent, int) and sent > 0:
                if sent >= len(data):
                    return
                data = data[sent:]
            # 0 (the kernel's buffer is full) or a lost connection: Twisted's path sees to it.
        original(self, data)

    write.portal_direct = True
    abstract.FileDescriptor.write = write
    return True
