import logging

from django.core.management.base import BaseCommand

from annotations.seeding import seeds_load

# Celery's per-task success line. With no broker (make run) the import's jobs run in-process
# and would each print one: noise between the migrations and the demo logins.
TASK_LOG = logging.getLogger("celery.app.trace")


class Command(BaseCommand):
    help = "Load the seed articles and example spans into the demo project (idempotent)."

    def handle(self, *args, **options):
        level = TASK_LOG.level
        TASK_LOG.setLevel(logging.WARNING)  # a failing task still says so
        try:
            report = seeds_load()
        finally:
            TASK_LOG.setLevel(level)
        if report.documents_created or report.spans_created:
            self.stdout.write(
                f"Seeded project {report.project.name!r} (id {report.project.pk}): "
                f"{len(report.documents_created)} documents, {report.spans_created} example spans."
            )
        else:
            self.stdout.write(f"Seeds already loaded in {report.project.name!r}; nothing changed.")
