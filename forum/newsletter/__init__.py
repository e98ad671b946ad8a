"""The newsletter: subscribing, confirming, unsubscribing, the archive, and the weekly send."""

from . import tasks  # noqa: F401 (declares the weekly job on the queue)
from .views import bp

__all__ = ["bp"]
