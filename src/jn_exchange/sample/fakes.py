"""Realistic Chinese names, companies, addresses and document numbers for sample packages.
Everything is drawn from a `random.Random` the caller owns, so the same seed gives the same
bytes (no set iteration, no hash order)."""

from __future__ import annotations

import datetime as dt
import random

# The 12 districts/counties of Jinan and the high-tech zone, with a few real street names each.
COUNTIES: list[tuple[str, str, str, list[str]]] = [
    # (code, name, short name used in document numbers, streets)
    ("370102", "历下区", "历下", ["泉城路", "解放路", "文化东路", "经十路", "山大路", "历山路"]),
    ("370112", "历城区", "历城", ["花园路", "二环东路", "工业北路", "山大北路", "华信路", "郭店路"]),
    ("370103", "市中区", "市中", ["经四路", "纬二路", "英雄山路", "二环南路", "舜耕路"]),
    ("370104", "槐荫区", "槐荫", ["经十西路", "张庄路", "齐州路", "腊山河西路", "西市场路"]),
    ("370105", "天桥区", "天桥", ["北园大街", "堤口路", "无影山中路", "济泺路", "标山路"]),
    ("370113", "长清区", "长清", ["峰山路", "大学路", "清河街", "长兴路"]),
    ("370114", "章丘区", "章丘", ["明水路", "汇泉路", "唐王山路", "百脉泉路"]),
    ("370115", "济阳区", "济阳", ["纬二路", "开元大街", "龙海路", "富阳街"]),
    ("370116", "莱芜区", "莱芜", ["鲁中大街", "凤城大街", "汶河大道", "花园路"]),
    ("370117", "钢城区", "钢城", ["府前大街", "钢都大街", "九龙大街"]),
    ("370124", "平阴县", "平阴", ["榆山路", "青龙路", "翠屏街"]),
    ("370126", "商河县", "商河", ["鑫源路", "商中路", "彩虹路"]),
    ("370171", "济南高新技术产业开发区", "高新", ["舜华路", "新泺大街", "工业南路", "港兴三路"]),
]
COUNTY_BY_CODE = {c[0]: c for c in COUNTIES}
# Subdistricts (街道) per county: real names, 9-digit town codes (town part invented but valid).
SUBDISTRICTS: dict[str, list[str]] = {
    "370102": ["泉城路街道", "大明湖街道", "解放路街道", "甸柳街道", "燕山街道"],
    "370112": ["山大路街道", "洪家楼街道", "东风街道", "华山街道", "王舍人街道"],
    "370103": ["大观园街道", "杆石桥街道", "四里村街道", "舜玉路街道"],
    "370104": ["振兴街街道", "中大槐树街道", "道德街街道", "西市场街道"],
    "370105": ["无影山街道", "天桥东街街道", "北村街道", "堤口路街道"],
    "370113": ["文昌街道", "崮云湖街道", "平安街道"],
    "370114": ["明水街道", "双山街道", "枣园街道"],
    "370115": ["济阳街道", "济北街道", "回河街道"],
    "370116": ["凤城街道", "张家洼街道", "高庄街道"],
    "370117": ["艾山街道", "里辛街道", "汶源街道"],
    "370124": ["榆山街道", "锦水街道"],
    "370126": ["许商街道", "玉皇庙镇"],
    "370171": ["舜华路街道", "孙村街道", "巨野河街道"],
}

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
            "贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
            "钱汤尹黎易常武乔贺赖龚文庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍韦申尤毕聂焦")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁"
         "龙林欣怡佳悦晨晓雪琳璐瑶婷倩颖子涵梓轩浩然博文思远振国建华志强海波春雨秋实立新德胜庆丰")
BRAND = ("泉鑫华泰鲁信恒通瑞丰金海宏达同创齐鲁舜耕明湖趵突千佛汇智博远嘉禾天衢盛源安和润泽中兴"
         "东岳泰山黄河鹊华龙奥汉峪雪野锦程诚达永安康健晟源弘毅")
INDUSTRIES: list[tuple[str, str, list[str]]] = [
    # (domain code, company trade, business-form suffixes)
    ("01", "食品", ["食品有限公司", "餐饮管理有限公司", "超市有限公司"]),
    ("01", "医药", ["医药连锁有限公司", "大药房有限公司"]),
    ("02", "医疗", ["口腔门诊部有限公司", "健康管理有限公司"]),
    ("03", "建材", ["矿业有限公司", "砂石有限公司"]),
    ("04", "环保", ["化工有限公司", "印染有限公司", "汽车维修有限公司"]),
    ("05", "安全", ["机械制造有限公司", "燃气有限公司", "物流有限公司"]),
    ("06", "劳务", ["人力资源有限公司", "劳务派遣有限公司", "建筑工程有限公司"]),
    ("07", "城建", ["广告有限公司", "物业管理有限公司", "建筑装饰工程有限公司"]),
    ("08", "运输", ["运输有限公司", "客运有限公司", "网约车科技有限公司"]),
    ("09", "金融", ["融资担保有限公司", "典当有限公司"]),
    ("10", "教育", ["教育咨询有限公司", "培训学校有限公司"]),
    ("11", "水务", ["水务工程有限公司", "洗车服务有限公司"]),
    ("99", "科技", ["信息科技有限公司", "商贸有限公司"]),
]
SHOP_KINDS = ["小吃店", "便利店", "水果店", "理发店", "烟酒店", "五金店", "洗车行", "面馆", "诊所", "药店"]


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) if rng.random() < 0.35 else rng.choice(GIVEN) + rng.choice(GIVEN)
    return rng.choice(SURNAMES) + given


def sex_and_birth(rng: random.Random, min_age: int = 22, max_age: int = 58, ref_year: int = 2025) -> tuple[str, dt.date]:
    year = ref_year - rng.randint(min_age, max_age)
    return rng.choice("MF"), dt.date(year, rng.randint(1, 12), rng.randint(1, 28))


def company_name(rng: random.Random, county_name: str, domain: str | None = None) -> tuple[str, str]:
    """(name, domain code). Real companies are named 济南+字号+行业+组织形式; the county is in the
    name of about a third of them."""
    options = [i for i in INDUSTRIES if domain is None or i[0] == domain] or INDUSTRIES
    dom, trade, forms = rng.choice(options)
    brand = rng.choice(BRAND) + rng.choice(BRAND)
    prefix = "济南" if rng.random() < 0.7 else "山东"
    place = county_name.replace("济南高新技术产业开发区", "高新区") if rng.random() < 0.3 else ""
    return f"{prefix}{brand}{trade}{place}{rng.choice(forms)}", dom


def shop_name(rng: random.Random, county_name: str, owner: str) -> str:
    place = county_name.replace("济南高新技术产业开发区", "高新区")
    return f"{place}{owner[0]}{rng.choice(BRAND)}{rng.choice(SHOP_KINDS)}"


def address(rng: random.Random, county_code: str) -> str:
    _, name, _, streets = COUNTY_BY_CODE[county_code]
    return f"济南市{name}{rng.choice(streets)}{rng.randint(1, 399)}号"


def mobile(rng: random.Random) -> str:
    return "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9))


def doc_no(prefix: str, year: int, n: int) -> str:
    return f"{prefix}〔{year}〕{n}号"
