"""autobahn's options held once by daphne's protocol class, not copied into every connection.

When a connection is made, autobahn copies its ~30 options (ping intervals, payload limits, allowed
origins…) from the factory onto the new protocol object, unless the protocol already has them, so
that a later change to the factory does not reach open connections. Under daphne that is ~30 entries
in every socket's instance dictionary, its largest single allocation (3.2 KiB of the ~35 KiB a
websocket holds, #22). daphne sets its factory's options once, before it listens: here the first
connection copies them onto daphne's protocol class instead, so every later connection finds them
there and copies nothing, and reads the same values. A protocol of another factory (none under
daphne) gets its own copy, as autobahn does.

Installed by portal/asgi.py under daphne; PORTAL_SHARED_WS_OPTIONS=0 leaves autobahn as it is.
"""

from portal import patching


def install() -> bool:
    """Wraps daphne's protocol's `_connectionMade`; False when daphne is not loaded (not under daphne)
    or autobahn no longer has what this relies on."""
    return patching.wrap("daphne.ws_protocol", "WebSocketProtocol", "_connectionMade", _sharing_options)


def _sharing_options(protocol_class, original):
    names = tuple(getattr(protocol_class, "CONFIG_ATTRS", ()))
    if not names or any(name in vars(protocol_class) for name in names):
        return None  # not the autobahn this was written for, or options already set on the class

    def _connectionMade(self):
        owner = protocol_class.__dict__.get("_portal_options_factory")
        if owner is None:
            for name in names:
                value = getattr(self.factory, name)
                # A function (perMessageCompressionAccept) read through an instance would become a
                # method of the protocol and get it as its first argument: kept as it is.
                setattr(protocol_class, name, staticmethod(value) if hasattr(type(value), "__get__") else value)
            protocol_class._portal_options_factory = owner = self.factory
        if self.factory is not owner:
            for name in names:  # another factory's options: on the instance, as autobahn does
                setattr(self, name, getattr(self.factory, name))
        original(self)

    return _connectionMade
