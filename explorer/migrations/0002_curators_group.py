"""Create the "Curators" group: add, change, delete and view every explorer model."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Curators"
ACTIONS = ("add", "change", "delete", "view")


def create_curators_group(apps, schema_editor):
    using = schema_editor.connection.alias
    # Permissions are normally created after migrate (post_migrate signal): on a
    # fresh database they do not exist yet, so create them now.
    app_config = apps.get_app_config("explorer")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True  # create_permissions skips falsy ones
    try:
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
    finally:
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [
        f"{action}_{model._meta.model_name}"
        for model in app_config.get_models()
        for action in ACTIONS
    ]
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="explorer", codename__in=codenames
    )
    group, _ = Group.objects.using(using).get_or_create(name=GROUP_NAME)
    group.permissions.add(*permissions)


def delete_curators_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("explorer", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_curators_group, delete_curators_group),
    ]
