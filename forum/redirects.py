"""Safe redirect targets: `next` may only lead to a path on this site."""

from urllib.parse import urlsplit

from flask import request


def is_local_url(target: str | None) -> bool:
    """Whether a target is a path on this site, never another host or scheme."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and not any(ord(c) < 32 for c in target)


def local_next(default: str) -> str:
    """The request's `next` if it is a local path, else the default."""
    target = request.values.get("next")
    return target if is_local_url(target) else default


def return_path() -> str | None:
    """Where to come back to after logging in: this page, or for a form the page it was on."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return path if is_local_url(path) else None
