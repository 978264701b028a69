"""The zh_Hans catalogs are complete (no untranslated or fuzzy entry) and the committed
.mo files match their .po sources."""

import ast
import gettext
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PO_FILES = sorted(
    p
    for p in [
        *ROOT.glob("locale/*/LC_MESSAGES/*.po"),
        *ROOT.glob("apps/*/locale/*/LC_MESSAGES/*.po"),
    ]
)


def parse_po(path: Path):
    """Yield (msgctxt, msgid, msgid_plural, [msgstr...], flags) for each entry."""
    entries, current, key, flags = [], None, None, set()

    def finish():
        if current is not None:
            entries.append((*current.values(), frozenset(flags)))

    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            finish()
            current, key, flags = None, None, set()
            continue
        if line.startswith("#,"):
            flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        if current is None:
            current = {"ctxt": None, "id": "", "plural": None, "str": {}}
        if line.startswith('"'):
            value = ast.literal_eval(line)
        else:
            head, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if head == "msgctxt":
                key = "ctxt"
            elif head == "msgid":
                key = "id"
            elif head == "msgid_plural":
                key = "plural"
            elif head.startswith("msgstr"):
                key = ("str", int(head[7:-1]) if "[" in head else 0)
            value_set = value
            if isinstance(key, tuple):
                current["str"][key[1]] = value_set
            else:
                current[key] = value_set
            continue
        if isinstance(key, tuple):
            current["str"][key[1]] += value
        else:
            current[key] = (current[key] or "") + value
    return [
        (ctxt, msgid, plural, [strs[i] for i in sorted(strs)], fl)
        for ctxt, msgid, plural, strs, fl in entries
    ]


def test_there_are_catalogs():
    assert PO_FILES, "no zh_Hans catalog found"
    assert any("locale/zh_Hans" in str(p) for p in PO_FILES)


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalog_is_complete_and_compiled(po):
    entries = [e for e in parse_po(po) if e[1] != ""]  # skip the header
    problems = []
    for _ctxt, msgid, _plural, strs, flags in entries:
        if "fuzzy" in flags:
            problems.append(f"fuzzy: {msgid!r}")
        if not strs or any(s == "" for s in strs):
            problems.append(f"untranslated: {msgid!r}")
    assert not problems, "\n".join(problems)
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `make messages`"
    with open(mo, "rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    for ctxt, msgid, plural, strs, _flags in entries:
        if plural is None:
            got = catalog.pgettext(ctxt, msgid) if ctxt else catalog.gettext(msgid)
            assert got == strs[0], f"{mo.name} is stale for {msgid!r}: run `make messages`"
