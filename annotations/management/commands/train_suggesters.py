from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations import services
from annotations.errors import ValidationError
from annotations.models import Project
from annotations.suggest.datasets import load_split

# Which labeled-sentence files teach which label (the layout of shared/data).
TASKS = {"CLAIM": "checkworthiness", "OPINION": "subjectivity"}


class Command(BaseCommand):
    help = (
        "Train a project's learned CLAIM and OPINION suggesters, from its own reviewers' "
        "decisions or from labeled sentence files (DIR/checkworthiness-en/SPLIT.tsv, "
        "DIR/subjectivity-en/SPLIT.tsv). The new model becomes the active one."
    )

    def add_arguments(self, parser):
        parser.add_argument("project", help="The project's name or id.")
        parser.add_argument("--label", choices=[*TASKS, "all"], default="all")
        parser.add_argument("--data", type=Path, help="A directory of labeled sentence files.")
        parser.add_argument("--split", default="train")

    def handle(self, *args, project, label, data, split, **options):
        found = Project.objects.filter(name=project).first()
        if found is None and project.isdigit():
            found = Project.objects.filter(pk=int(project)).first()
        if found is None:
            raise CommandError(f"No project {project!r}.")
        for name in TASKS if label == "all" else [label]:
            sentences = labels = None
            source = "project"
            if data is not None:
                try:
                    rows = load_split(data, TASKS[name], split)
                except FileNotFoundError as exc:
                    raise CommandError(f"No labeled sentences for {name}: {exc}") from None
                sentences, labels = [r.text for r in rows], [r.label for r in rows]
                source = f"{data / (TASKS[name] + '-en') / (split + '.tsv')}"
            self.stdout.write(f"Training {name} for {found.name!r} from {source} ...")
            try:
                row = services.suggester_train(
                    project=found, label=name, sentences=sentences, labels=labels, source=source
                )
            except ValidationError as exc:
                raise CommandError(str(exc)) from None
            held = row.heldout
            self.stdout.write(
                f"  {name} model v{row.version}: {row.sentences} sentences ({row.positives} yes), "
                f"held-out precision {held['precision']:.3f} recall {held['recall']:.3f} "
                f"F1 {held['f1']:.3f} macro-F1 {held['macro_f1']:.3f}"
            )
