"""Create the group of the `department` role (承办单位): users acting for one handling
department. Its grants are declared in `ConsultationConfig.role_permissions` and added by
`apps.accounts.roles.sync_role_permissions` after every migrate."""

from django.db import migrations


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="department")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_date_and_number_bounds")]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
