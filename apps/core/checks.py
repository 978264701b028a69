"""System checks of the shell."""

from django.conf import settings
from django.core import checks


def shared_cache(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """A server with several worker processes needs a cache they share: the data version
    (`apps.core.versions`) moves in the process that wrote, and a per-process cache would
    let another worker show figures of before the write."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            checks.Warning(
                "The default cache is per process (local memory); the overview's cached "
                "figures and the kept pages (off without it) need a cache shared by the "
                "gunicorn workers.",
                hint="Set CACHE_URL=redis://127.0.0.1:6379/1 (see .env.example).",
                id="core.W001",
            )
        ]
    return []


def register() -> None:
    checks.register(shared_cache, checks.Tags.caches, deploy=True)
