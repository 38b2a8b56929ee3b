"""Pinyin of Chinese names, for sorting and searching (张三 -> "zhangsan", initials "zs").

Surnames read differently from the common reading of their character (单 is shan, not dan), so
the first character uses an override table when it is a known polyphonic surname.
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

# Polyphonic surnames: the character's reading as a surname.
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "仇": "qiu", "解": "xie", "区": "ou", "朴": "piao", "查": "zha",
    "尉": "yu", "乐": "yue", "缪": "miao", "翟": "zhai", "盖": "ge", "覃": "qin", "祭": "zhai",
    "种": "chong", "繁": "po", "折": "she", "员": "yun", "长": "chang", "万俟": "moqi", "尉迟": "yuchi",
    "单于": "chanyu", "沈": "shen", "秘": "bi", "句": "gou", "召": "shao", "隗": "wei", "洗": "xian",
    "任": "ren", "华": "hua", "纪": "ji", "过": "guo", "宁": "ning", "柏": "bai", "燕": "yan",
}  # fmt: skip
COMPOUND_SURNAMES = [s for s in SURNAME_READINGS if len(s) == 2] + [
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
]


def _split(name: str) -> tuple[str, str]:
    for surname in COMPOUND_SURNAMES:
        if name.startswith(surname):
            return surname, name[len(surname) :]
    return name[:1], name[1:]


def syllables(name: str) -> list[str]:
    name = (name or "").strip()
    if not name:
        return []
    surname, given = _split(name)
    if surname in SURNAME_READINGS:
        reading = SURNAME_READINGS[surname]
        head = [reading] if len(surname) == 1 else lazy_pinyin(surname, style=Style.NORMAL)
        if len(surname) == 2:
            head = [reading]
    else:
        head = lazy_pinyin(surname, style=Style.NORMAL)
    return [s.lower() for s in head + lazy_pinyin(given, style=Style.NORMAL)]


def full(name: str) -> str:
    return "".join(syllables(name))


def initials(name: str) -> str:
    surname, _given = _split((name or "").strip())
    parts = syllables(name)
    if len(surname) == 2 and surname in SURNAME_READINGS and parts:
        # A compound surname kept as one syllable string ("moqi") still has two initials.
        reading = parts[0]
        rest = parts[1:]
        compound = "".join(p[0] for p in lazy_pinyin(surname, style=Style.NORMAL))
        return compound + "".join(p[0] for p in rest if p) if reading else ""
    return "".join(p[0] for p in parts if p)
