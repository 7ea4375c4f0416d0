"""Warming a fresh dashboard process: what every page imports, imported once in the background.

A page's first run in a new server process imports pandas, plotly, polars and the service layer
(about 1.3 s on this machine); every session that opens a page meanwhile waits for those imports.
The first sign-in page the process serves (to a user, or to a proxy's readiness check) starts
one daemon thread that imports them, so that by the time a user has signed in the pages
find them loaded. It only imports modules (no query, no cache is filled): the pages still meet
empty data caches. When done it logs one line ("dashboard warm: ..."), which the load benchmark
waits for. An import that fails is logged and left to the page that needs it.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import threading
import time

_log = logging.getLogger("dashboard.warm_up")
LIBRARIES = ("pandas", "polars", "plotly.express", "plotly.graph_objects", "numpy")
PACKAGES = ("services", "ui")  # every module of these: the pages' own imports
WARM_MESSAGE = "dashboard warm"
_lock = threading.Lock()
_thread: threading.Thread | None = None
done = threading.Event()


def modules() -> list[str]:
    """The modules imported: the libraries, then every module of the packages."""
    names = list(LIBRARIES)
    for package in PACKAGES:
        path = importlib.import_module(package).__path__
        names += [f"{package}.{m.name}" for m in pkgutil.iter_modules(path) if not m.ispkg]
    return names


def start_once() -> None:
    """Start the warm-up thread, once per process."""
    global _thread
    with _lock:
        if _thread is not None:
            return
        _thread = threading.Thread(target=_import_all, name="warm-up", daemon=True)
        _thread.start()


def _import_all() -> None:
    started = time.perf_counter()
    names = modules()
    failed = 0
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # the page that needs it will show the error
            failed += 1
            _log.exception("warm-up: importing %s failed", name)
    done.set()
    seconds = time.perf_counter() - started
    # print, not only log: the server's stdout is where an operator (and the load benchmark) look
    print(f"{WARM_MESSAGE}: {len(names) - failed} modules in {seconds:.1f} s", flush=True)
