"""The portal's ASGI application served by a daphne that accepts per-message compression.

daphne never accepts a client's offer of permessage-deflate; a proxy or a later daphne may. The
fan-out writes its broadcasts once framed only to sockets without compression
(tests/workgroups/test_prepared_frames.py): this module makes the real server that test needs, by
giving daphne's websocket factory, when daphne makes it, autobahn's option that accepts the offer.
"""

from autobahn.websocket.compress import PerMessageDeflateOffer, PerMessageDeflateOfferAccept
from daphne.ws_protocol import WebSocketFactory

from portal.asgi import application  # noqa: F401 - what daphne serves

_original_init = WebSocketFactory.__init__


def _accept_deflate(offers):
    for offer in offers:
        if isinstance(offer, PerMessageDeflateOffer):
            return PerMessageDeflateOfferAccept(offer)
    return None


def _init(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    self.setProtocolOptions(perMessageCompressionAccept=_accept_deflate)


WebSocketFactory.__init__ = _init
