"""autobahn's debug-log arguments rendered only when a message is written, not for every frame.

autobahn logs each frame it sends (`sendData`) and each read (`dataReceived`) at debug level, and
builds the arguments first: `hltype(self.sendData)` and `hlval(self.peer)` find the method's
qualified name and colour it through click's `style`, whether or not the debug level is on (with
it off, txaio's `log.debug` is a function that does nothing). Profiled under the chat benchmark it
was a visible share of daphne's time per delivery (#22). Here autobahn's websocket modules get
versions of `hltype` and `hlval` that keep their arguments and render them when a message is
actually formatted: the debug messages, and every info, warning and error message that uses them,
read exactly as before; nothing is rendered for a message no one writes. The same goes for the
`pformat` of every option autobahn logs at debug level when a connection is made.

Installed by portal/asgi.py when autobahn is already imported (daphne); PORTAL_LAZY_LOG_ARGS=0
leaves autobahn as it is.
"""

import sys

MODULES = ("autobahn.websocket.protocol", "autobahn.twisted.websocket")


class Deferred:
    """One argument of a log message, rendered by autobahn's own function when it is formatted."""

    __slots__ = ("function", "value")

    def __init__(self, function, value):
        self.function = function
        self.value = value

    def __str__(self) -> str:
        return str(self.function(self.value))

    def __format__(self, spec: str) -> str:
        return format(self.function(self.value), spec)

    __repr__ = __str__


def deferring(function):
    def lazy(value, *args, **kwargs):
        if args or kwargs:  # a colour or weight asked for: as rare as it is cheap to do at once
            return function(value, *args, **kwargs)
        return Deferred(function, value)

    lazy.portal_lazy = True
    lazy.__wrapped__ = function
    return lazy


def deferring_lists(function):
    """`pformat` for autobahn's protocol module: a list (the options it logs at debug level when a
    connection is made, #22) is rendered when the message is formatted; anything else at once, as
    `Timings.__str__` must return a string."""

    def lazy(value, *args, **kwargs):
        if args or kwargs or type(value) is not list:
            return function(value, *args, **kwargs)
        return Deferred(function, value)

    lazy.portal_lazy = True
    lazy.__wrapped__ = function
    return lazy


def install() -> bool:
    """Swaps `hltype` and `hlval` in autobahn's websocket modules already imported, and `pformat` in
    its protocol module; False when there are none (not under daphne)."""
    modules = [sys.modules[name] for name in MODULES if name in sys.modules]
    if not modules:
        return False
    for module in modules:
        for name, wrap in (("hltype", deferring), ("hlval", deferring), ("pformat", deferring_lists)):
            function = getattr(module, name, None)
            if function is None or getattr(function, "portal_lazy", False):
                continue
            if name == "pformat" and module.__name__ != "autobahn.websocket.protocol":
                continue
            setattr(module, name, wrap(function))
    return True
