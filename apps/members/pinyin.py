"""Pinyin of Chinese personal names, for sorting and for initials search ("zs" → 张三).

Pure functions, no database. pypinyin reads a character by its most common
pronunciation; as a surname many characters are read differently (曾 zeng, not
ceng; 单 shan, not dan), so the surname is looked up in SURNAME_READINGS first.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

from pypinyin import Style, lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict

# Surnames whose reading differs from the character's common reading.
# Compound surnames first: the longest match at the start of the name wins.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    # compound surnames
    "尉迟": ("yu", "chi"),
    "万俟": ("mo", "qi"),
    "长孙": ("zhang", "sun"),
    "单于": ("chan", "yu"),
    "澹台": ("tan", "tai"),
    "令狐": ("ling", "hu"),
    "乐正": ("yue", "zheng"),
    "句龙": ("gou", "long"),
    # single-character surnames
    "曾": ("zeng",),
    "单": ("shan",),
    "解": ("xie",),
    "仇": ("qiu",),
    "区": ("ou",),
    "朴": ("piao",),
    "查": ("zha",),
    "盖": ("ge",),
    "缪": ("miao",),
    "翟": ("zhai",),
    "召": ("shao",),
    "乐": ("yue",),
    "覃": ("qin",),
    "种": ("chong",),
    "秘": ("bi",),
    "繁": ("po",),
    "员": ("yun",),
    "句": ("gou",),
    "黑": ("he",),
    "折": ("she",),
    "能": ("nai",),
    "隗": ("wei",),
    "尉": ("wei",),
    "宓": ("mi",),
    "谌": ("chen",),
    "冼": ("xian",),
    "洗": ("xian",),
    "薄": ("bo",),
    "柏": ("bai",),
    "牟": ("mou",),
    "粘": ("nian",),
    "蕃": ("pi",),
    "都": ("du",),
    "长": ("chang",),
    "重": ("chong",),
    "贲": ("ben",),
    "阚": ("kan",),
    "沈": ("shen",),
    "石": ("shi",),
    "任": ("ren",),
    "华": ("hua",),
    "过": ("guo",),
    "藏": ("zang",),
    "暴": ("bao",),
    "祭": ("zhai",),
}
_MAX_SURNAME = max(len(s) for s in SURNAME_READINGS)
_SYLLABLE = re.compile(r"[a-z]+")


def _clean(name: str) -> str:
    """Drop spaces and the middle dot of transliterated names (买买提·艾力)."""
    return re.sub(r"[\s·•・.\-]+", "", name or "")


def name_syllables(name: str) -> list[str]:
    """The pinyin syllables of a name, lower-case ASCII without tones (ü as v).

    >>> name_syllables("曾国藩")
    ['zeng', 'guo', 'fan']
    """
    name = _clean(name)
    if not name:
        return []
    surname: tuple[str, ...] = ()
    rest = name
    for length in range(min(_MAX_SURNAME, len(name)), 0, -1):
        head = name[:length]
        if head in SURNAME_READINGS:
            surname, rest = SURNAME_READINGS[head], name[length:]
            break
    syllables = list(surname)
    for chunk in lazy_pinyin(rest, style=Style.NORMAL, errors="default"):
        syllables.extend(_SYLLABLE.findall(chunk.lower()))
    return syllables


def name_pinyin(name: str) -> str:
    """Full pinyin, syllables separated by spaces: "zeng guo fan". Sorts 李 before 梁."""
    return " ".join(name_syllables(name))


def pinyin_initials(pinyin: str) -> str:
    """Initials of a (possibly staff-edited) pinyin string: "zeng guo fan" → "zgf"."""
    return "".join(s[0] for s in _SYLLABLE.findall((pinyin or "").lower()))


def _ascii(value: str) -> str:
    """Lower case, tone marks dropped, ü as v."""
    value = re.sub("[üÜǖǘǚǜǕǗǙǛ]", "v", value or "")
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@functools.cache
def valid_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable pypinyin knows (about 420), without the vowelless
    interjections (m, n, ng, hm, hng) that would split anything."""
    syllables = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            syllable = _ascii(reading)
            if re.fullmatch(r"[a-z]*[aeiouv][a-z]*", syllable):
                syllables.add(syllable)
    return frozenset(syllables)


def _splits(run: str) -> Iterator[list[str]]:
    """The ways to read a run of letters as pinyin syllables, longest first syllable
    first ("fangan": fang an, then fan gan)."""
    if not run:
        yield []
        return
    for length in range(min(6, len(run)), 0, -1):
        head = run[:length]
        if head in valid_syllables():
            for rest in _splits(run[length:]):
                yield [head, *rest]


def _split_into(runs: list[str], count: int) -> list[str] | None:
    """`runs` read as exactly `count` syllables, or None. Only runs of syllables typed
    together are split: a run that is one syllable ("xian", "guo") or no pinyin at all
    stays as typed, so a missing syllable is not made up from a whole one."""
    if not runs:
        return [] if count == 0 else None
    head, rest = runs[0], runs[1:]
    options = [[head]]
    if head not in valid_syllables():
        options = [*_splits(head), [head]]
    for option in options:
        if len(option) <= count - len(rest):
            tail = _split_into(rest, count - len(option))
            if tail is not None:
                return [*option, *tail]
    return None


def han_count(name: str) -> int:
    """The number of Chinese characters of a name written only in them, else 0."""
    name = _clean(name)
    if name and all("\u3400" <= c <= "\u9fff" or "\U00020000" <= c <= "\U0002ffff" for c in name):
        return len(name)
    return 0


def normalize_pinyin(value: str, name: str = "") -> str:
    """Staff-typed pinyin to the stored form: lower case, tone marks and digits dropped,
    single spaces; with the name, syllables typed together are split so that each
    Chinese character has one ("Zēng  Guófān" for 曾国藩 → "zeng guo fan"), which keeps
    the initials ("zgf") searchable. A run that cannot be split so stays as typed."""
    runs = _SYLLABLE.findall(_ascii(value))
    count = han_count(name)
    if count > len(runs):
        runs = _split_into(runs, count) or runs
    return " ".join(runs)
