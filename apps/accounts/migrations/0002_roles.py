"""Create the four role groups.

What each role may do is declared once, as `role_permissions` on each app's AppConfig,
and granted by `apps.accounts.roles.sync_role_permissions` after every `migrate` (and
after a test flush). This migration granted the accounts permissions too, a copy of
`AccountsConfig.role_permissions`; the copy is gone. Databases that ran it keep those
grants (the sync only adds), and a fresh `migrate` gets the same ones from the sync.
"""

from django.db import migrations

from apps.accounts.roles import ALL_ROLES


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role in ALL_ROLES:
        Group.objects.get_or_create(name=role)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
