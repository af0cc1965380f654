from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from annotations import services
from annotations.models import Role
from annotations.seeding import seeds_load

# Known passwords are fine only because these accounts exist in local mode alone.
DEMO_ACCOUNTS = [
    ("reviewer", "reviewer-demo-pass", Role.REVIEWER),
    ("moderator", "moderator-demo-pass", Role.MODERATOR),
]


class Command(BaseCommand):
    help = "Local mode only: create a demo reviewer and moderator in the demo project."

    def handle(self, *args, **options):
        if not settings.LOCAL_MODE:
            raise CommandError(
                "Demo accounts exist only in local mode (FACTCHECK_LOCAL=true, as make run sets). "
                "Use add_member."
            )
        project = seeds_load().project
        lines = []
        for username, password, role in DEMO_ACCOUNTS:
            user, _ = services.user_get_or_create(username=username, password=password)
            if role == Role.MODERATOR and not user.is_staff:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
            services.membership_set(project=project, user=user, role=role)
            lines.append(f"  {role:<10} username {username:<10} password {password}")
        self.stdout.write("Demo logins (local mode only):\n" + "\n".join(lines))
