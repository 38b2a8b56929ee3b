"""Pinyin of Chinese names, for sorting and searching (张三 -> "zhangsan", initials "zs").

Surnames read differently from the common reading of their character (单 is shan, not dan), so
the first character uses an override table when it is a known polyphonic surname.

Names sort character by character, as Chinese users expect: 李晓明 before 刘伟, although the
run-together "lixiaoming" sorts after "liuwei". The stored sort key therefore separates the
syllables with a space, which sorts before every letter ("li xiao ming" < "liu wei");
`spaced_prefixes` turns a run-together search ("lixiaom") into the spaced forms it can mean.
"""

from __future__ import annotations

from functools import cache

from pypinyin import Style, lazy_pinyin
from pypinyin.contrib.tone_convert import to_normal
from pypinyin.pinyin_dict import pinyin_dict

# Polyphonic surnames: the character's reading as a surname.
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "仇": "qiu", "解": "xie", "区": "ou", "朴": "piao", "查": "zha",
    "尉": "yu", "乐": "yue", "缪": "miao", "翟": "zhai", "盖": "ge", "覃": "qin", "祭": "zhai",
    "种": "chong", "繁": "po", "折": "she", "员": "yun", "长": "chang", "沈": "shen", "秘": "bi",
    "句": "gou", "召": "shao", "隗": "wei", "洗": "xian", "任": "ren", "华": "hua", "纪": "ji",
    "过": "guo", "宁": "ning", "柏": "bai", "燕": "yan",
}  # fmt: skip
# Compound surnames whose characters read differently as a surname, syllable by syllable.
COMPOUND_READINGS = {"万俟": ["mo", "qi"], "尉迟": ["yu", "chi"], "单于": ["chan", "yu"]}
COMPOUND_SURNAMES = [*COMPOUND_READINGS, "欧阳", "司马", "上官", "诸葛", "东方", "皇甫"]


def _split(name: str) -> tuple[str, str]:
    for surname in COMPOUND_SURNAMES:
        if name.startswith(surname):
            return surname, name[len(surname) :]
    return name[:1], name[1:]


def syllables(name: str | None) -> list[str]:
    name = (name or "").strip()
    if not name:
        return []
    surname, given = _split(name)
    if surname in COMPOUND_READINGS:
        head = list(COMPOUND_READINGS[surname])
    elif surname in SURNAME_READINGS:
        head = [SURNAME_READINGS[surname]]
    else:
        head = lazy_pinyin(surname, style=Style.NORMAL)
    return [s.lower() for s in head + lazy_pinyin(given, style=Style.NORMAL) if s.strip()]


def full(name: str | None) -> str:
    return "".join(syllables(name))


def initials(name: str | None) -> str:
    return "".join(p[0] for p in syllables(name))


def sort_key(name: str) -> str:
    """The stored sort key: syllables separated by a space ("li xiao ming")."""
    return " ".join(syllables(name))


@cache
def _syllable_set() -> frozenset[str]:
    """Every pinyin syllable with a vowel (the bare "n", "ng", "hm" would split words apart)."""
    readings = {to_normal(r) for rs in pinyin_dict.values() for r in rs.split(",")}
    return frozenset(r for r in readings if any(v in r for v in "aeiouv"))


@cache
def _syllable_prefixes() -> frozenset[str]:
    return frozenset(s[:end] for s in _syllable_set() for end in range(1, len(s) + 1))


def spaced_prefixes(letters: str, *, limit: int = 8) -> list[str]:
    """The sort-key prefixes a run-together pinyin search can mean: "lixiaom" -> ["li xiao m"],
    "xian" -> ["xian", "xi an"]; the last syllable may be partly typed. At most `limit` forms,
    fewest syllables first; none when the letters are not pinyin."""
    letters = letters.lower()
    known, prefixes = _syllable_set(), _syllable_prefixes()
    found: list[list[str]] = []

    def walk(start: int, parts: list[str]) -> None:
        if len(found) >= limit * 4:
            return
        rest = letters[start:]
        if rest in prefixes:
            found.append([*parts, rest])
        for end in range(len(letters), start, -1):
            head = letters[start:end]
            if end < len(letters) and head in known:
                walk(end, [*parts, head])

    walk(0, [])
    found.sort(key=len)
    return [" ".join(parts) for parts in found[:limit]]
