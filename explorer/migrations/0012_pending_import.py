"""Recaps uploaded in the browser wait here for review; Curators may import them."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GROUP_NAME = "Curators"
PERMISSION = "import_recap"


def grant_import_to_curators(apps, schema_editor):
    using = schema_editor.connection.alias
    # As in 0002: permissions are created after migrate, so make this one now.
    app_config = apps.get_app_config("explorer")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True  # create_permissions skips falsy ones
    try:
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
    finally:
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.using(using).get(
        content_type__app_label="explorer", codename=PERMISSION
    )
    group, _ = Group.objects.using(using).get_or_create(name=GROUP_NAME)
    group.permissions.add(permission)


def revoke_import_from_curators(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.using(schema_editor.connection.alias).filter(
        content_type__app_label="explorer", codename=PERMISSION
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("explorer", "0011_recap_image_base"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PendingImport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("expires_at", models.DateTimeField()),
                (
                    "source_name",
                    models.CharField(
                        help_text="The file's name, or “Pasted text”.", max_length=255
                    ),
                ),
                ("recap_slug", models.SlugField(max_length=200)),
                ("recap_name", models.CharField(max_length=200)),
                (
                    "document",
                    models.JSONField(help_text="The recap document (RecapData.to_dict())."),
                ),
                ("explanation", models.JSONField(blank=True, default=dict)),
                ("corrections", models.JSONField(blank=True, default=dict)),
                ("revision", models.PositiveIntegerField(default=0)),
                ("imported_at", models.DateTimeField(blank=True, null=True)),
                ("summary", models.JSONField(blank=True, default=list)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pending_imports",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "recap",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="explorer.recap",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "permissions": [("import_recap", "Can import a recap in the browser")],
                "default_permissions": (),
            },
        ),
        migrations.RunPython(grant_import_to_curators, revoke_import_from_curators),
    ]
