from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations import services
from annotations.errors import ValidationError
from annotations.models import Project
from annotations.suggest.datasets import load_split
from annotations.suggest.validation import debate_groups, topic_groups

# Which labeled-sentence files teach which label (the layout of shared/data). QUOTE learns only
# from the desk's own QUOTE spans: the public attribution corpus is for evaluation only.
TASKS = {"CLAIM": "checkworthiness", "OPINION": "subjectivity"}
LABELS = ("CLAIM", "OPINION", "QUOTE")


class Command(BaseCommand):
    help = (
        "Train a project's learned suggesters from its own reviewers' decisions, or CLAIM and "
        "OPINION from labeled sentence files (DIR/checkworthiness-en/SPLIT.tsv, "
        "DIR/subjectivity-en/SPLIT.tsv). The new model becomes the active one; with 'all', a "
        "label without enough examples is skipped with the reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("project", help="The project's name or id.")
        parser.add_argument("--label", choices=[*LABELS, "all"], default="all")
        parser.add_argument("--data", type=Path, help="A directory of labeled sentence files.")
        parser.add_argument("--split", default="train")
        parser.add_argument(
            "--features",
            choices=["tfidf", "tfidf+embeddings"],
            help="What CLAIM and OPINION learn from (default: settings.SUGGESTER_FEATURES).",
        )

    def handle(self, *args, project, label, data, split, features, **options):
        found = Project.objects.filter(name=project).first()
        if found is None and project.isdigit():
            found = Project.objects.filter(pk=int(project)).first()
        if found is None:
            raise CommandError(f"No project {project!r}.")
        names = list(LABELS) if data is None else list(TASKS)
        if label != "all":
            names = [label]
        if data is not None and "QUOTE" in names:
            raise CommandError("QUOTE learns from the project's own spans: leave out --data.")
        for name in names:
            sentences = labels = groups = None
            source = "project"
            if data is not None:
                try:
                    rows = load_split(data, TASKS[name], split)
                except FileNotFoundError as exc:
                    raise CommandError(f"No labeled sentences for {name}: {exc}") from None
                sentences, labels = [r.text for r in rows], [r.label for r in rows]
                # Validation holds out whole debates, or clusters of sentences on one topic
                # (the subjectivity files do not say which article a sentence is from).
                groups = (
                    debate_groups([r.id for r in rows])
                    if TASKS[name] == "checkworthiness"
                    else topic_groups(sentences)
                )
                source = f"{data / (TASKS[name] + '-en') / (split + '.tsv')}"
            self.stdout.write(f"Training {name} for {found.name!r} from {source} ...")
            try:
                row = services.suggester_train(
                    project=found,
                    label=name,
                    sentences=sentences,
                    labels=labels,
                    groups=groups,
                    features=features,
                    source=source,
                )
            except ValidationError as exc:
                if label == "all":
                    self.stdout.write(f"  skipped: {exc}")
                    continue
                raise CommandError(str(exc)) from None
            held = row.heldout
            figures = ", ".join(
                f"{key} {value:.3f}" for key, value in held.items() if isinstance(value, float)
            )
            self.stdout.write(
                f"  {name} model v{row.version}: {row.sentences} "
                f"{'articles' if name == 'QUOTE' else 'sentences'} ({row.positives} "
                f"{'quotes' if name == 'QUOTE' else 'yes'}), held-out {figures}"
            )
