from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "annotations"
    verbose_name = "Fact-check annotations"

    def ready(self) -> None:
        from annotations import converters  # noqa: F401  (registers the <id:...> URL converter)
        from factcheck import after_response  # noqa: F401  (keeps a request's jobs for after it)
