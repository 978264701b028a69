"""The rule `suggestion_adopted` counts adopted suggestions only (the collector reads an
adopted outcome, never a referral): its seeded name "意见建议被采纳或批转" said more. Rename
rows still carrying that seeded name; a name staff changed since is left as it is. Running
it again changes nothing."""

from django.db import migrations

CODE = "suggestion_adopted"
OLD_NAME = "意见建议被采纳或批转"
NEW_NAME = "意见建议被采纳"


def rename(apps, schema_editor):
    PointRule = apps.get_model("performance", "PointRule")
    PointRule.objects.filter(code=CODE, name=OLD_NAME).update(name=NEW_NAME)


def unrename(apps, schema_editor):
    PointRule = apps.get_model("performance", "PointRule")
    PointRule.objects.filter(code=CODE, name=NEW_NAME).update(name=OLD_NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0003_duty_report_attachment_by_content"),
    ]

    operations = [migrations.RunPython(rename, unrename)]
