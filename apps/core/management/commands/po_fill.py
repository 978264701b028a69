"""Development aid for the zh_Hans catalogs.

    manage.py po_fill --list               # untranslated/fuzzy msgids of every catalog, as JSON
    manage.py po_fill --apply FILE.json    # {"msgid": "译文", ...} filled into every catalog

Also fixes the zh_Hans header (plural forms, no fuzzy flag). Needs polib (dev only).
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


def catalogs():
    root = Path(settings.BASE_DIR)
    yield from root.glob("locale/zh_Hans/LC_MESSAGES/django.po")
    yield from root.glob("apps/*/locale/zh_Hans/LC_MESSAGES/django.po")


class Command(BaseCommand):
    help = "List or fill untranslated entries of the zh_Hans catalogs, then compile them."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true")
        parser.add_argument("--apply", metavar="JSON")

    def handle(self, *args, **options):
        import polib

        mapping = {}
        if options["apply"]:
            mapping = json.loads(Path(options["apply"]).read_text(encoding="utf-8"))
        missing = {}
        for path in catalogs():
            po = polib.pofile(str(path), wrapwidth=100)
            po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
            po.metadata["Language"] = "zh_Hans"
            po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
            po.metadata_is_fuzzy = False
            for entry in po:
                if entry.obsolete:
                    continue
                if entry.msgid in mapping and (not entry.translated() or "fuzzy" in entry.flags):
                    value = mapping[entry.msgid]
                    if entry.msgid_plural:
                        entry.msgstr_plural = {0: value}
                    else:
                        entry.msgstr = value
                    if "fuzzy" in entry.flags:
                        entry.flags.remove("fuzzy")
                        # The previous ids go together: a lone "#| msgid_plural" is a
                        # syntax error to the next msgmerge.
                        entry.previous_msgid = None
                        entry.previous_msgid_plural = None
                        entry.previous_msgctxt = None
                if not entry.translated() or "fuzzy" in entry.flags:
                    missing.setdefault(entry.msgid, str(path.relative_to(settings.BASE_DIR)))
            po.save()
            po.save_as_mofile(str(path.with_suffix(".mo")))
        if options["list"] or missing:
            self.stdout.write(json.dumps(missing, ensure_ascii=False, indent=1))
