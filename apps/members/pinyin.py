"""Pinyin of Chinese personal names, for sorting and for initials search ("zs" → 张三).

Pure functions, no database. pypinyin reads a character by its most common
pronunciation; as a surname many characters are read differently (曾 zeng, not
ceng; 单 shan, not dan), so the surname is looked up in SURNAME_READINGS first.
"""

from __future__ import annotations

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

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


def normalize_pinyin(value: str) -> str:
    """Staff-typed pinyin to the stored form: lower case, tone marks and digits dropped,
    single spaces ("Zēng  Guófān" → "zeng guofan")."""
    value = re.sub("[üÜǖǘǚǜǕǗǙǛ]", "v", value or "")
    decomposed = unicodedata.normalize("NFKD", value)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(_SYLLABLE.findall(ascii_only))
