"""Create the four role groups and grant the accounts permissions."""

from django.db import migrations

from apps.accounts.roles import ALL_ROLES, grant_permissions

GRANTS = {
    "county_staff": ["accounts.view_unit", "accounts.change_unit", "accounts.view_user"],
    "leader": ["accounts.view_unit", "accounts.view_user"],
    "office_head": [],
    "member": [],
}


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role in ALL_ROLES:
        Group.objects.get_or_create(name=role)
    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
