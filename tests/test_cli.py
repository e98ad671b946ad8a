"""The command-line tasks."""

from sqlalchemy import select

from forum.extensions import db
from forum.models import Role, User
from forum.services.accounts import authenticate


def test_create_user_with_a_role_and_password(runner):
    result = runner.invoke(
        args=[
            "create-user",
            "Ida",
            "--email",
            "ida@example.dk",
            "--role",
            "author",
            "--password",
            "a long password",
        ]
    )

    assert result.exit_code == 0, result.output
    assert "Created author Ida <ida@example.dk>." in result.output
    user = db.session.scalar(select(User))
    assert user.role == Role.AUTHOR
    assert authenticate("ida", "a long password") == user


def test_create_user_prints_a_generated_password(runner):
    result = runner.invoke(args=["create-user", "ole", "--email", "ole@example.dk"])

    assert result.exit_code == 0
    password = result.output.split("Password: ")[1].strip()
    assert len(password) >= 10
    assert authenticate("ole", password) is not None


def test_create_user_refuses_a_taken_name(runner, make_user):
    make_user("ida")
    result = runner.invoke(args=["create-user", "IDA", "--email", "x@example.dk"])
    assert result.exit_code == 2
    assert "username: That username is taken." in result.output


def test_create_user_refuses_an_unknown_role(runner):
    result = runner.invoke(args=["create-user", "bo", "--email", "b@example.dk", "--role", "king"])
    assert result.exit_code == 2
    assert db.session.scalar(select(User)) is None
