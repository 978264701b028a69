"""The pinyin of names: pure functions, no database."""

import pytest

from apps.members.pinyin import name_pinyin, name_syllables, normalize_pinyin, pinyin_initials


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张三", "zhang san"),
        ("曾国藩", "zeng guo fan"),
        ("单田芳", "shan tian fang"),
        ("解缙", "xie jin"),
        ("仇英", "qiu ying"),
        ("区庆", "ou qing"),
        ("朴树", "piao shu"),
        ("查良镛", "zha liang yong"),
        ("盖叫天", "ge jiao tian"),
        ("缪斯", "miao si"),
        ("翟志刚", "zhai zhi gang"),
        ("召忽", "shao hu"),
        ("覃国", "qin guo"),
        ("乐毅", "yue yi"),
        ("尉迟恭", "yu chi gong"),
        ("万俟卨", "mo qi xie"),
        ("长孙无忌", "zhang sun wu ji"),
        ("吕布", "lv bu"),
    ],
)
def test_surname_readings_are_corrected(name, expected):
    assert name_pinyin(name) == expected


def test_a_corrected_character_is_read_normally_outside_the_surname():
    # 曾 as a surname is zeng; in the given name it keeps pypinyin's reading.
    assert name_syllables("李曾") == ["li", "ceng"]


def test_single_character_is_read_as_a_surname():
    assert name_pinyin("单") == "shan"


def test_initials_follow_the_syllables():
    assert pinyin_initials("zeng guo fan") == "zgf"
    assert pinyin_initials(name_pinyin("张三")) == "zs"
    assert pinyin_initials("") == ""


def test_transliterated_names_drop_the_middle_dot():
    assert name_pinyin("买买提·艾力") == "mai mai ti ai li"


def test_latin_letters_are_kept_and_lowered():
    assert name_pinyin("Tom") == "tom"


def test_empty_name():
    assert name_pinyin("") == ""
    assert name_syllables("  ") == []


def test_staff_typed_pinyin_is_normalized():
    assert normalize_pinyin("Zēng  Guófān") == "zeng guofan"
    assert normalize_pinyin("Lǚ Bù") == "lv bu"
    assert normalize_pinyin("zeng1 guo2 fan1") == "zeng guo fan"


@pytest.mark.parametrize(
    ("typed", "name", "stored"),
    [
        ("Zēng Guófān", "曾国藩", "zeng guo fan"),
        ("ZengGuofan", "曾国藩", "zeng guo fan"),
        ("Shan Tianfang", "单田芳", "shan tian fang"),
        ("zhangsan", "张三", "zhang san"),
        ("lixian", "李西安", "li xi an"),  # as many syllables as characters
        ("lixian", "李贤", "li xian"),
        ("fangan", "方安", "fang an"),
        ("maimaiti aili", "买买提·艾力", "mai mai ti ai li"),
        # A whole syllable is never cut to make up a missing one: left for the form.
        ("zeng guo", "曾国藩", "zeng guo"),
        ("xian", "西安", "xian"),
        # Not pinyin, or a name not in Chinese characters: as typed.
        ("tom", "张三", "tom"),
        ("annabel", "Annabel", "annabel"),
    ],
)
def test_syllables_typed_together_are_split_one_per_character(typed, name, stored):
    assert normalize_pinyin(typed, name) == stored


def test_initials_of_split_pinyin_have_one_letter_per_character():
    assert pinyin_initials(normalize_pinyin("Zēng Guófān", "曾国藩")) == "zgf"
