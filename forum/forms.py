"""Glue between forms and the services' errors."""

from collections.abc import Callable

from flask_wtf import FlaskForm

from .errors import ForumError


def attach_error(form: FlaskForm, error: ForumError) -> None:
    """Show a service's error next to the field it names, or above the form; the form goes
    back with the error's status (a refusal is a 403, not a 422), filled as it was sent."""
    # str(): a lazy translation counts as safe HTML in Jinja, and messages may quote users.
    message = str(error.message)
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, message]
    else:
        form.form_errors.append(message)
    form.refused_with = error.status_code


def first_invalid(form: FlaskForm):
    """The form's first field, in its order, that was refused; None if none was."""
    return next((field for field in form if field.errors), None)


def kept_in(form_class: type[FlaskForm]) -> Callable:
    """Declare the view's form. A refusal that comes before the view runs (too many requests,
    an expired form, the database away) hands back what was sent in this form, with its
    labels and choices, instead of as bare fields."""

    def declare(view: Callable) -> Callable:
        view.kept_form = form_class
        return view

    return declare


def status_for(form: FlaskForm) -> int:
    """200 for a fresh form, 422 (or the refusal's status) for one sent back with errors."""
    if form.is_submitted() and (form.errors or form.form_errors):
        return getattr(form, "refused_with", 422)
    return 200


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
