import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from annotations import services
from annotations.errors import ValidationError
from annotations.models import Project, Role


class Command(BaseCommand):
    help = (
        "Add a user to a project with a role, creating the account if it does not exist. "
        "Moderators also get access to the admin site."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("project", help="The project's name or id.")
        parser.add_argument("--role", choices=Role.values, required=True)
        parser.add_argument(
            "--password",
            help="Set this password. Without it a new account's password is asked for.",
        )
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--create-project", action="store_true", help="Create the project if it is missing."
        )

    def handle(self, *args, username, project, role, password, email, create_project, **options):
        found = self._project(project, create=create_project)
        from django.contrib.auth import get_user_model

        exists = get_user_model().objects.filter(username=username).exists()
        if not exists and password is None:
            password = self._ask_password(username)
        user, created = services.user_get_or_create(
            username=username, password=password, email=email
        )
        if role == Role.MODERATOR and not user.is_staff:
            user.is_staff = True  # the admin site is the moderators' tool
            user.save(update_fields=["is_staff"])
        try:
            services.membership_set(project=found, user=user, role=role)
        except ValidationError as exc:
            raise CommandError(str(exc)) from None
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} {username!r}: {role} in project {found.name!r} (id {found.pk}).")

    def _project(self, name_or_id: str, *, create: bool) -> Project:
        query = Project.objects.filter(name=name_or_id)
        if name_or_id.isdigit():
            query = Project.objects.filter(pk=int(name_or_id)) | query
        project = query.first()
        if project is None:
            if not create:
                raise CommandError(
                    f"No project {name_or_id!r}. Check the name, or pass --create-project."
                )
            project, _ = services.project_get_or_create(name=name_or_id)
            self.stdout.write(f"Created project {project.name!r}.")
        return project

    def _ask_password(self, username: str) -> str:
        if not sys.stdin.isatty():
            raise CommandError(
                f"{username!r} is a new account: give --password (no terminal to ask)."
            )
        first = getpass.getpass(f"Password for {username}: ")
        if not first or first != getpass.getpass("Again: "):
            raise CommandError("The passwords were empty or did not match.")
        return first
