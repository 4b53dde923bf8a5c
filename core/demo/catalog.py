"""The demo platform's shops and products. Prices are integer fen; SKUs are every
combination of a product's specs, priced from a base with surcharges per value."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

# Spec values that cost more than the base price, in fen.
SURCHARGES = {"XL": 1000, "XXL": 2000, "10斤装": 3500, "礼盒装": 2000, "大号": 1500, "250g": 4000}
# Colour names drawn as the picture's background.
COLOURS = {
    "白色": "#f2f2f2",
    "黑色": "#333333",
    "红色": "#d9363e",
    "藏青": "#1d2b53",
    "灰色": "#8c8c8c",
    "卡其": "#c3a46b",
    "米白": "#efe6d2",
    "墨绿": "#2f5d3a",
    "雾蓝": "#6f8fb5",
    "粉色": "#f59ab8",
    "原木": "#b98b5e",
}


@dataclass(frozen=True)
class DemoProduct:
    title: str
    latin: str
    category: str
    subtitle: str
    description: str
    price: int
    specs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    stock: int = 50
    featured: bool = False


@dataclass(frozen=True)
class DemoShop:
    slug: str
    name: str
    latin: str
    notice: str
    code: str
    categories: tuple[str, ...]
    products: tuple[DemoProduct, ...]


def _p(title, latin, category, subtitle, price, specs=None, *, stock=50, featured=False, about=""):
    description = (
        f"<p>{about or subtitle}</p><ul><li>七天无理由退换</li><li>48 小时内发货</li></ul>"
    )
    return DemoProduct(
        title, latin, category, subtitle, description, price, specs or {}, stock, featured
    )


SIZES = ("S", "M", "L", "XL")
SHOPS: tuple[DemoShop, ...] = (
    DemoShop(
        slug="xiaocheng-wear",
        name="小城服饰",
        latin="Xiaocheng Wear",
        notice="满 99 元包邮 · 48 小时内发货",
        code="XC",
        categories=("T恤", "外套", "裤装", "配饰"),
        products=(
            _p(
                "纯棉圆领T恤",
                "Cotton tee",
                "T恤",
                "新疆长绒棉，亲肤透气",
                5900,
                {"颜色": ("白色", "黑色", "雾蓝"), "尺码": SIZES},
                featured=True,
            ),
            _p(
                "重磅落肩T恤",
                "Heavy tee",
                "T恤",
                "260g 重磅面料，不易变形",
                7900,
                {"颜色": ("米白", "墨绿"), "尺码": SIZES},
            ),
            _p(
                "亚麻短袖衬衫",
                "Linen shirt",
                "T恤",
                "夏季凉爽，水洗做旧",
                12900,
                {"颜色": ("白色", "卡其"), "尺码": ("M", "L", "XL")},
            ),
            _p(
                "防风连帽夹克",
                "Wind jacket",
                "外套",
                "轻薄防泼水，可收纳",
                19900,
                {"颜色": ("黑色", "藏青"), "尺码": SIZES},
                featured=True,
            ),
            _p(
                "摇粒绒外套",
                "Fleece",
                "外套",
                "保暖不臃肿",
                15900,
                {"颜色": ("灰色", "米白"), "尺码": ("M", "L", "XL", "XXL")},
            ),
            _p(
                "工装直筒裤",
                "Work pants",
                "裤装",
                "耐磨斜纹布，多口袋",
                13900,
                {"颜色": ("卡其", "黑色"), "尺码": SIZES},
            ),
            _p(
                "休闲运动裤",
                "Joggers",
                "裤装",
                "松紧腰，舒适百搭",
                9900,
                {"颜色": ("灰色", "藏青"), "尺码": SIZES},
                stock=3,
            ),
            _p(
                "帆布托特包",
                "Tote bag",
                "配饰",
                "加厚帆布，通勤装得下电脑",
                6900,
                {"颜色": ("米白", "黑色")},
            ),
            _p(
                "针织毛线帽",
                "Beanie",
                "配饰",
                "秋冬保暖，男女同款",
                3900,
                {"颜色": ("红色", "灰色", "藏青")},
                stock=0,
            ),
            _p(
                "纯棉中筒袜（5双装）", "Socks", "配饰", "吸汗防臭", 2990, {"颜色": ("白色", "黑色")}
            ),
        ),
    ),
    DemoShop(
        slug="shanli-farm",
        name="山里好物",
        latin="Shanli Farm",
        notice="产地直发，坏果包赔",
        code="SL",
        categories=("水果", "茶叶", "干货"),
        products=(
            _p(
                "赣南脐橙",
                "Navel orange",
                "水果",
                "果园现摘，酸甜多汁",
                3990,
                {"规格": ("5斤装", "10斤装")},
                featured=True,
            ),
            _p(
                "烟台红富士苹果",
                "Fuji apple",
                "水果",
                "脆甜，单果 80mm 以上",
                4590,
                {"规格": ("5斤装", "10斤装")},
            ),
            _p("砀山酥梨", "Pear", "水果", "皮薄汁多", 2990, {"规格": ("5斤装", "10斤装")}),
            _p(
                "四川丑橘",
                "Dekopon",
                "水果",
                "不知火，香甜化渣",
                4990,
                {"规格": ("5斤装", "10斤装")},
                stock=8,
            ),
            _p(
                "明前龙井",
                "Longjing tea",
                "茶叶",
                "2024 年新茶，豆香浓郁",
                16800,
                {"规格": ("100g", "250g")},
                featured=True,
            ),
            _p(
                "云南滇红",
                "Dianhong tea",
                "茶叶",
                "蜜香红茶，耐泡",
                8800,
                {"规格": ("100g", "250g")},
            ),
            _p(
                "武夷岩茶大红袍",
                "Da Hong Pao",
                "茶叶",
                "炭焙中火",
                12800,
                {"规格": ("100g", "250g")},
            ),
            _p("东北野生榛蘑", "Hazel mushroom", "干货", "炖鸡必备", 5900),
            _p("古田银耳", "Tremella", "干货", "胶质足，易出胶", 3600, {"规格": ("100g", "250g")}),
            _p(
                "农家土蜂蜜",
                "Honey",
                "干货",
                "百花蜜，500g 玻璃瓶",
                6800,
                {"规格": ("单瓶", "礼盒装")},
            ),
        ),
    ),
    DemoShop(
        slug="shouzuo-home",
        name="手作家居",
        latin="Shouzuo Home",
        notice="每件都是手工做的，略有差异属正常",
        code="SZ",
        categories=("杯具", "布艺", "香薰"),
        products=(
            _p(
                "粗陶马克杯",
                "Mug",
                "杯具",
                "手工拉坯，每只都不一样",
                6800,
                {"颜色": ("米白", "墨绿", "雾蓝")},
                featured=True,
            ),
            _p(
                "玻璃冷泡壶",
                "Cold brew jug",
                "杯具",
                "高硼硅玻璃，耐冷热",
                8900,
                {"尺寸": ("小号", "大号")},
            ),
            _p("竹制杯垫（4片）", "Coasters", "杯具", "天然竹材", 2900),
            _p(
                "亚麻桌布",
                "Linen tablecloth",
                "布艺",
                "水洗亚麻，越洗越软",
                12900,
                {"颜色": ("米白", "灰色"), "尺寸": ("小号", "大号")},
            ),
            _p(
                "手工刺绣抱枕",
                "Cushion",
                "布艺",
                "含枕芯，45×45cm",
                9900,
                {"颜色": ("粉色", "雾蓝", "原木")},
            ),
            _p("棉麻围裙", "Apron", "布艺", "防泼水涂层", 5900, {"颜色": ("卡其", "黑色")}),
            _p(
                "大豆蜡香薰蜡烛",
                "Candle",
                "香薰",
                "燃烧约 40 小时",
                7900,
                {"颜色": ("白色", "粉色")},
                featured=True,
            ),
            _p("无火藤条香薰", "Reed diffuser", "香薰", "150ml，持续约两个月", 8900),
            _p("檀香线香", "Incense", "香薰", "天然木粉，约 30 分钟一支", 3900, stock=0),
            _p("陶瓷香插", "Incense holder", "香薰", "配线香用", 2500, {"颜色": ("白色", "黑色")}),
        ),
    ),
)


def skus_of(shop: DemoShop, index: int, product: DemoProduct) -> list[dict[str, Any]]:
    """Every combination of the product's specs as a SKU (code, specs, price, stock)."""
    names = list(product.specs)
    combos = list(itertools.product(*product.specs.values())) if names else [()]
    skus = []
    for number, values in enumerate(combos, start=1):
        surcharge = sum(SURCHARGES.get(value, 0) for value in values)
        # Deterministic, varied stock; the last combination of a product runs out first.
        stock = product.stock if number < len(combos) or len(combos) == 1 else product.stock // 5
        skus.append(
            {
                "code": f"{shop.code}-{index:02d}-{number:02d}",
                "specs": dict(zip(names, values, strict=True)),
                "price": product.price + surcharge,
                "stock": stock,
            }
        )
    return skus
