from . import tasks  # noqa: F401 (declares the job that shows new threads' scores)
from .views import bp

__all__ = ["bp"]
