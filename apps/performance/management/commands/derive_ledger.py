"""Re-derive the points ledger and evaluations of a year (or of every year with rules),
then the office scores of the year (or of every year with office rules), and print the
time it took. Safe to run at any time and as often as wanted (a nightly
cron job repairs whatever a failed on-save derivation left behind)."""

from django.core.management.base import BaseCommand, CommandError

from apps.core import audit
from apps.performance.models import OfficeRule, PointRule
from apps.performance.office_scores import office_scores_derive
from apps.performance.services import ledger_derive


class Command(BaseCommand):
    help = "Derive the points ledger and the evaluations of a year from the source records."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--year", type=int, help="The year to derive, e.g. 2021.")
        group.add_argument(
            "--all",
            action="store_true",
            dest="every",
            help="Every year that has point rules (and every year that has office rules).",
        )

    def handle(self, *args, year=None, every=False, **options):
        years = (
            sorted(PointRule.objects.values_list("year", flat=True).distinct()) if every else [year]
        )
        for y in years:
            result = ledger_derive(year=y)
            audit.record(
                "ledger",
                target=str(y),
                detail={
                    "command": "derive_ledger",
                    "created": result.created,
                    "updated": result.updated,
                    "deleted": result.deleted,
                },
            )
            if not result.configured:
                raise CommandError(f"{y} has no point rules: nothing to derive.")
            self.stdout.write(
                f"{y}: {result.facts} facts; entries +{result.created} ~{result.updated} "
                f"-{result.deleted}; {result.evaluations} evaluations written; "
                f"{result.seconds:.2f} s"
            )
        self.derive_offices(
            sorted(OfficeRule.objects.values_list("year", flat=True).distinct())
            if every
            else [year]
        )

    def derive_offices(self, years):
        for y in years:
            result = office_scores_derive(year=y)
            if not result.configured:
                self.stdout.write(f"{y}: no office rules, office scores not derived.")
                continue
            audit.record(
                "ledger",
                target=f"offices {y}",
                detail={
                    "command": "derive_ledger",
                    "created": result.created,
                    "updated": result.updated,
                    "deleted": result.deleted,
                },
            )
            self.stdout.write(
                f"{y} offices: {result.facts} facts; lines +{result.created} "
                f"~{result.updated} -{result.deleted}; {result.scores} scores written; "
                f"{result.seconds:.2f} s"
            )
