"""Pages; importing this package registers every page module in backoffice/ and portal/."""

import importlib
import pkgutil

from . import backoffice, portal

for _package in (backoffice, portal):
    for _module in sorted(m.name for m in pkgutil.iter_modules(_package.__path__)):
        importlib.import_module(f"{_package.__name__}.{_module}")
