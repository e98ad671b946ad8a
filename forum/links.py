"""Full addresses for links read away from the site (feeds, e-mails)."""

from urllib.parse import urlsplit

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    """The endpoint's full address: under PUBLIC_URL when it is set, whatever the request's
    Host header (and with no request at all); otherwise from the request, as url_for builds it.
    """
    public_url = current_app.config.get("PUBLIC_URL")
    if not public_url:
        return url_for(endpoint, _external=True, **values)
    base = urlsplit(public_url)
    current_app.inject_url_defaults(endpoint, values)
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)
