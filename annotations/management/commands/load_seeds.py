from django.core.management.base import BaseCommand

from annotations.seeding import seeds_load


class Command(BaseCommand):
    help = "Load the seed articles and example spans into the demo project (idempotent)."

    def handle(self, *args, **options):
        report = seeds_load()
        if report.documents_created or report.spans_created:
            self.stdout.write(
                f"Seeded project {report.project.name!r} (id {report.project.pk}): "
                f"{len(report.documents_created)} documents, {report.spans_created} example spans."
            )
        else:
            self.stdout.write(f"Seeds already loaded in {report.project.name!r}; nothing changed.")
