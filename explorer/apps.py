from django.apps import AppConfig


class ExplorerConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "explorer"
    verbose_name = "Recap Explorer"

    def ready(self) -> None:
        # Connects the signals that keep the search documents current.
        from . import search  # noqa: F401
