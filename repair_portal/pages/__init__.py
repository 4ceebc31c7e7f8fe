"""Pages; importing this package registers every page module in backoffice/, portal/ and account/."""

import importlib
import pkgutil

from . import account, backoffice, portal

for _package in (backoffice, portal, account):
    for _module in sorted(m.name for m in pkgutil.iter_modules(_package.__path__)):
        importlib.import_module(f"{_package.__name__}.{_module}")
