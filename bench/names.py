"""Chinese names for the synthetic organisation tree (fictional places, realistic patterns)."""

from __future__ import annotations

import random

from faker import Faker

# Characters for fictional two-character place names (云江市, 青山县, 临泉镇 ...).
PLACE_HEADS = "云青临安平永宁清长南东西北丰华金玉白石龙凤桂松梅兰泉湖河山阳新高德兴太怀汉泰"
PLACE_TAILS = "江州阳山川平安宁源城林海德兴丰泽溪河湖原口亭桥台坪岭浦"

CN_DIGITS = "零一二三四五六七八九"

PRIVATE_SCHOOL_BRANDS = [
    "育才",
    "博文",
    "启明",
    "英才",
    "明德",
    "新星",
    "阳光",
    "华英",
    "培德",
    "致远",
    "蓝天",
    "树人",
]

ORGANS = [
    "委办公室",
    "人民政府办公室",
    "财政局",
    "人力资源和社会保障局",
    "住房和城乡建设局",
    "交通运输局",
    "卫生健康局",
    "市场监督管理局",
    "税务局",
    "自然资源局",
    "人民法院",
    "人民检察院",
    "公安局",
    "农业农村局",
    "文化和旅游局",
    "应急管理局",
    "民政局",
    "统计局",
    "水利局",
    "生态环境局",
]
INSTITUTIONS = [
    "人民医院",
    "中医院",
    "妇幼保健院",
    "疾病预防控制中心",
    "图书馆",
    "融媒体中心",
    "文化馆",
    "公共资源交易中心",
    "不动产登记中心",
    "社会福利院",
]
INDUSTRIES = [
    "机械制造",
    "纺织",
    "食品",
    "建筑工程",
    "物流",
    "电子科技",
    "医药",
    "农业发展",
    "商贸",
    "化工",
    "新材料",
    "汽车配件",
    "服装",
    "家具",
    "印务",
    "环保科技",
    "物业管理",
    "餐饮管理",
    "酒店管理",
    "水泥",
]

SCHOOL_GROUPS = [
    "语文教研组",
    "数学教研组",
    "英语教研组",
    "理科综合组",
    "文科综合组",
    "体艺组",
    "行政后勤",
    "退休教师",
    "一年级组",
    "二年级组",
    "三年级组",
    "毕业年级组",
]
KINDERGARTEN_GROUPS = ["大班组", "中班组", "小班组", "保育后勤"]
ORGAN_GROUPS = ["办公室", "业务一科", "业务二科", "综合科", "后勤服务", "退休职工"]
HOSPITAL_GROUPS = ["内科", "外科", "护理部", "医技科室", "行政后勤", "门诊部", "急诊科"]
ENTERPRISE_GROUPS = [
    "一车间",
    "二车间",
    "三车间",
    "生产部",
    "销售部",
    "技术部",
    "行政部",
    "质检部",
    "仓储物流",
    "财务部",
]


def cn_number(n: int) -> str:
    """1..99 in Chinese numerals: 3 -> 三, 10 -> 十, 21 -> 二十一."""
    if not 0 < n < 100:
        return str(n)
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else CN_DIGITS[tens]}十{CN_DIGITS[ones] if ones else ''}"


class PlaceNames:
    """Hands out fictional two-character place names, each used once."""

    def __init__(self, rng: random.Random) -> None:
        pairs = [h + t for h in PLACE_HEADS for t in PLACE_TAILS if h != t]
        rng.shuffle(pairs)
        self._pairs = pairs
        self._used = 0

    def take(self) -> str:
        name = self._pairs[self._used % len(self._pairs)]
        self._used += 1
        return name


class CompanyNames:
    """Company names from Faker's zh_CN brands plus an industry: 鑫博腾飞机械制造有限公司."""

    def __init__(self, rng: random.Random, seed: int) -> None:
        self._rng = rng
        self._faker = Faker("zh_CN")
        self._faker.seed_instance(seed)

    def company(self, place: str = "") -> str:
        brand = self._faker.company_prefix().removesuffix("公司")
        prefix = place if place and self._rng.random() < 0.3 else ""
        return f"{prefix}{brand}{self._rng.choice(INDUSTRIES)}有限公司"
