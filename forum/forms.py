"""Glue between forms and the services' errors."""

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
