from . import pages  # noqa: F401  (registers the pages' routes on bp)
from .views import bp

__all__ = ["bp"]
