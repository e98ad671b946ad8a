"""Glue between forms and the services' errors."""

from collections.abc import Callable

from flask_wtf import FlaskForm

from .errors import ForumError


def attach_error(form: FlaskForm, error: ForumError) -> None:
    """Show a service's error next to the field it names, or above the form."""
    # str(): a lazy translation counts as safe HTML in Jinja, and messages may quote users.
    message = str(error.message)
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, message]
    else:
        form.form_errors.append(message)


def status_for(form: FlaskForm) -> int:
    """200 for a fresh form, 422 for one sent back with errors."""
    return 422 if form.is_submitted() and (form.errors or form.form_errors) else 200


class Deferred:
    """A form made when a template first uses it.

    Making a form makes its CSRF token, and a token starts a session: a page that only may
    show the form (to readers, not to visitors) makes none, so a visitor's copy of it gets no
    session cookie and can be cached.
    """

    def __init__(self, make: Callable[[], FlaskForm]) -> None:
        self._make = make
        self._form: FlaskForm | None = None

    def _made(self) -> FlaskForm:
        if self._form is None:
            self._form = self._make()
        return self._form

    def __getattr__(self, name: str):
        return getattr(self._made(), name)

    def __getitem__(self, name: str):
        return self._made()[name]

    def __iter__(self):
        return iter(self._made())
