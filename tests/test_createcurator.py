"""manage.py createcurator: a user in the Curators group, with a password from env or a TTY."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def createcurator(*args: str, **options) -> str:
    out = io.StringIO()
    options.setdefault("stdin", io.StringIO())  # not a terminal
    call_command("createcurator", *args, stdout=out, **options)
    return out.getvalue()


def test_creates_a_curator_with_the_password_from_env(monkeypatch):
    monkeypatch.setenv("CURATOR_PASSWORD", PASSWORD)

    out = createcurator(
        "ada", "--email", "ada@example.com", "--password-from-env", "CURATOR_PASSWORD"
    )

    user = User.objects.get(username="ada")
    assert out == "Created curator “ada”.\n"
    assert user.email == "ada@example.com"
    assert user.check_password(PASSWORD)
    assert list(user.groups.all()) == [Group.objects.get(name="Curators")]
    assert user.has_perm("explorer.change_entry")
    assert user.has_perm("explorer.delete_credit")
    assert not user.is_staff and not user.is_superuser


def test_updates_an_existing_user_into_a_curator(monkeypatch):
    User.objects.create_user("ada", email="old@example.com", password="old password 123")
    monkeypatch.setenv("CURATOR_PASSWORD", PASSWORD)

    out = createcurator("ada", "--password-from-env", "CURATOR_PASSWORD")

    user = User.objects.get(username="ada")
    assert out == "Updated curator “ada”.\n"
    assert user.email == "old@example.com"  # kept: no --email given
    assert user.check_password(PASSWORD)
    assert user.groups.filter(name="Curators").exists()
    assert User.objects.count() == 1


def test_unset_environment_variable_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("CURATOR_PASSWORD", raising=False)

    with pytest.raises(CommandError) as error:
        createcurator("ada", "--password-from-env", "CURATOR_PASSWORD")

    assert str(error.value) == "The environment variable CURATOR_PASSWORD is not set."
    assert not User.objects.exists()


def test_weak_password_is_refused(monkeypatch):
    monkeypatch.setenv("CURATOR_PASSWORD", "ada")

    with pytest.raises(CommandError, match="The password is too weak: "):
        createcurator("ada", "--password-from-env", "CURATOR_PASSWORD")

    assert not User.objects.exists()


def test_without_a_terminal_or_a_variable_it_says_how_to_give_a_password():
    with pytest.raises(CommandError) as error:
        createcurator("ada")

    assert str(error.value) == (
        "No password given: run this command in a terminal to type one, or pass "
        "--password-from-env VAR naming an environment variable that holds it."
    )
    assert not User.objects.exists()


def test_asks_for_the_password_twice_on_a_terminal(monkeypatch):
    answers = iter(["first try 1234", "does not match", PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="Password: ": next(answers))
    err = io.StringIO()

    createcurator("ada", stdin=Terminal(), stderr=err)

    assert "The two passwords differ; try again." in err.getvalue()
    assert User.objects.get(username="ada").check_password(PASSWORD)


def test_without_the_group_it_asks_to_migrate(monkeypatch):
    Group.objects.filter(name="Curators").delete()
    monkeypatch.setenv("CURATOR_PASSWORD", PASSWORD)

    with pytest.raises(CommandError, match=r"run `manage.py migrate` first"):
        createcurator("ada", "--password-from-env", "CURATOR_PASSWORD")
