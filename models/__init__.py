"""Every domain's models, imported once so that metadata and mappers are complete: each sub-package
of models/ is a domain and exposes its models in its __init__."""

import importlib
import pkgutil

DOMAINS = tuple(sorted(module.name for module in pkgutil.iter_modules(__path__) if module.ispkg))

for _domain in DOMAINS:
    importlib.import_module(f"{__name__}.{_domain}")
