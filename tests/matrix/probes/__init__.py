"""One module per app: each registers the probes of its section of rules.TABLE (kit.probe)."""

import importlib
import pkgutil


def load_all() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
