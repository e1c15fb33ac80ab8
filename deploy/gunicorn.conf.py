"""gunicorn settings of a Kartoteka web process: `gunicorn -c deploy/gunicorn.conf.py …`."""

import gc


def post_worker_init(worker):
    """After the app is loaded, what exists now lives as long as the process: out of the collector's
    reach (gc.freeze), a full collection walks only what requests made since. Before, each one
    walked the ~200,000 objects of the app's modules, models and templates: ~120 ms with every
    thread stopped (the GIL is held), every few dozen tracker pages."""
    gc.collect()
    gc.freeze()
