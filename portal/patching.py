"""The one way the portal replaces a method of daphne's classes in a daphne process (#22's memory and
CPU savings): only where daphne is loaded, once however often portal.asgi is imported, and not at all
on a version whose code the replacement was not written for."""

import sys


def wrap(module_name: str, class_name: str, name: str, make) -> bool:
    """Replaces `name` of `class_name` in the loaded module `module_name` by `make(cls, original)`.

    Returns False when the module is not loaded (not under daphne: nothing is imported nor changed)
    or when `make` returns None (not the version it was written for); True once replaced.
    """
    module = sys.modules.get(module_name)
    if module is None:
        return False
    cls = getattr(module, class_name)
    original = getattr(cls, name)
    if getattr(original, "portal_patch", None) is make:
        return True
    replacement = make(cls, original)
    if replacement is None:
        return False
    replacement.portal_patch = make
    setattr(cls, name, replacement)
    return True
