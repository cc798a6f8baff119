"""Create or update a curator: a user in the "Curators" group.

    manage.py createcurator alice --email alice@example.com
    CURATOR_PASSWORD=... manage.py createcurator alice --password-from-env CURATOR_PASSWORD

Without ``--password-from-env`` the password is asked for twice on the terminal.
"""

from __future__ import annotations

import getpass
import os
import sys

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

GROUP_NAME = "Curators"


class Command(BaseCommand):
    help = "Create a curator (a user in the Curators group), or update an existing user into one."
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("username", help="The curator's username.")
        parser.add_argument("--email", help="The curator's email address.")
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="Read the password from this environment variable instead of asking for it.",
        )

    def handle(self, *args, username, email=None, password_from_env=None, **options):
        self.stdin = options.get("stdin", sys.stdin)
        try:
            group = Group.objects.get(name=GROUP_NAME)
        except Group.DoesNotExist:
            raise CommandError(
                f"The {GROUP_NAME} group does not exist: run `manage.py migrate` first."
            ) from None

        User = get_user_model()
        user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        created = user is None
        if created:
            user = User(**{User.USERNAME_FIELD: username})
        if email is not None:
            user.email = email

        password = self.get_password(user, password_from_env)
        user.set_password(password)
        with transaction.atomic():
            user.save()
            user.groups.add(group)

        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} curator “{username}”."))

    def get_password(self, user, variable: str | None) -> str:
        if variable:
            password = os.environ.get(variable)
            if password is None:
                raise CommandError(f"The environment variable {variable} is not set.")
            self.validate(password, user)
            return password
        if not (hasattr(self.stdin, "isatty") and self.stdin.isatty()):
            raise CommandError(
                "No password given: run this command in a terminal to type one, "
                "or pass --password-from-env VAR naming an environment variable that holds it."
            )
        while True:
            try:
                password = getpass.getpass()
                again = getpass.getpass("Password (again): ")
            except KeyboardInterrupt:
                raise CommandError("Cancelled: no curator was saved.") from None
            if password != again:
                self.stderr.write("The two passwords differ; try again.")
                continue
            try:
                self.validate(password, user)
            except CommandError as error:
                self.stderr.write(str(error))
                continue
            return password

    def validate(self, password: str, user) -> None:
        if not password:
            raise CommandError("The password is empty.")
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError("The password is too weak: " + " ".join(error.messages)) from None
