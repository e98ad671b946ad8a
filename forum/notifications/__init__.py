from . import letters  # noqa: F401 (declares the e-mail jobs on the queue)
from .views import bp

__all__ = ["bp"]
