"""The small tables of a regional news archive, and how its stories are spread over them.

``build_world(seed)`` loads the demo content (41 places, 13 topics, 39 organisations, 6
events, 2 stories) with the ORM, adds topics, organisations and events up to about 60,
300 and 300, and returns a ``World``: plain lists of ids with cumulative weights that
``archive.make_chunk`` draws each story's place, topics, organisations and event from
(picklable, so every generating process gets the same one).

- places: Zipf-like, the industry clusters first, every level of the tree used;
- topics: Zipf, 1-4 per story; organisations: mostly in the clusters, 0-3 per story,
  most of them from the story's own province, a few very popular;
- events: over the past 5 years and the next year, a few drafts; about 5% of stories
  cover one (its place, near its date, naming one of its organisers).
"""

import itertools
import random
from dataclasses import dataclass, field
from datetime import timedelta

TOPICS = 60
ORGANISATIONS = 300
EVENTS = 300

MORE_TOPICS = """
智能眼镜 太阳镜 隐形眼镜 老花镜 眼视光 近视防控 验光配镜 镜架 树脂镜片 光学薄膜 光学仪器
精密光学 红外热成像 光纤光缆 光通信 光模块 光伏 显示技术 增强现实 车载光学 安防监控 手机镜头
机器视觉 激光加工 激光雷达 光刻 光学设计 超精密加工 标准制定 知识产权 品牌建设 跨境电商
出口贸易 招商引资 产业园区 投融资 上市公司 数字化转型 智能制造 绿色制造 职业教育 国际合作
医疗光学 天文望远镜 半导体 光学晶体 行业统计
""".split()
BRAND = "华宏新达明盛晶瑞泰兴远鑫创博源恒辉锐通正德嘉美康伟立信诚金天宇海亚凯永利"
CORE = [
    "光学",
    "光电",
    "眼镜",
    "镜片",
    "精密",
    "激光",
    "视觉",
    "晶体",
    "镀膜",
    "光纤",
    "红外",
    "镜业",
]
KINDS = [  # (kind, share, name suffixes)
    ("company", 75, ["科技有限公司", "有限公司", "股份有限公司", "集团", "制造有限公司"]),
    ("association", 6, ["行业协会", "商会", "产业联盟"]),
    ("academic", 7, ["研究院", "光电研究所", "重点实验室"]),
    ("testing", 4, ["检测中心", "质量检验所"]),
    ("government", 5, ["经信局", "科技局", "商务局", "招商局", "市场监管局"]),
    ("park", 3, ["光电产业园", "眼镜小镇", "光学产业基地"]),
]
THEMES = ["眼镜", "光学", "光电", "激光", "镜头", "智能眼镜", "精密光学", "红外", "光通信", "视光"]
MEETINGS = ["产业发展大会", "博览会", "展览会", "高峰论坛", "技术交流会", "创新大赛", "供需对接会",
            "人才招聘会", "年会", "研讨会"]  # fmt: skip


@dataclass
class World:
    """What a generating process needs to link a story; ids and cumulative weights."""

    first_id: int  # the id of the first generated story
    places: list = field(default_factory=list)  # [(id, short name)]
    place_cum: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    topic_cum: list = field(default_factory=list)
    organisations: list = field(default_factory=list)
    organisation_cum: list = field(default_factory=list)
    local: dict = field(default_factory=dict)  # place id -> (organisation ids, cum weights)
    events: list = field(default_factory=list)  # [(id, starts_on, place id, organiser ids)]
    event_cum: list = field(default_factory=list)


def zipf_cum(count, offset=1.0, power=1.0):
    return list(itertools.accumulate(1 / (rank + offset) ** power for rank in range(count)))


def short(name):
    """上饶市 -> 上饶, 浙江省 -> 浙江: what a headline calls a place."""
    for suffix in ("街道", "市", "省", "区", "县", "镇"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def build_world(seed):
    """Create the small tables (demo content first) and return the World of the stories."""
    from django.db import transaction  # noqa: PLC0415

    from articles.demo import load_demo  # noqa: PLC0415
    from articles.models import Article, Place  # noqa: PLC0415

    rng = random.Random(seed)
    load_demo()
    # Clusters first (most stories), then the rest; shuffled within each, the same per seed.
    places = list(Place.objects.order_by("path"))
    clusters = [p for p in places if p.is_cluster]
    others = [p for p in places if not p.is_cluster]
    rng.shuffle(clusters)
    rng.shuffle(others)
    places = clusters + others
    with transaction.atomic():
        topics = _topics(rng)
        organisations = _organisations(rng, places, len(clusters))
        events = _events(rng, places, organisations)

    last = Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    world = World(first_id=last + 1)
    world.places = [(p.pk, short(p.name)) for p in places]
    world.place_cum = zipf_cum(len(places), offset=1.5, power=1.1)
    world.topics = [t.pk for t in topics]
    world.topic_cum = zipf_cum(len(topics), offset=1.0, power=1.0)
    popular = organisations[:]
    rng.shuffle(popular)  # the demo's organisations are not always the most named
    world.organisations = [o.pk for o in popular]
    world.organisation_cum = zipf_cum(len(popular), offset=3.0, power=1.0)
    by_province = {}
    for rank, org in enumerate(popular):
        if org.place_id:
            province = org.place.path[:9]  # "/0000001/"
            by_province.setdefault(province, []).append((org.pk, 1 / (rank + 3)))
    for place in places:
        pairs = by_province.get(place.path[:9], [])
        cum = list(itertools.accumulate(w for _pk, w in pairs))
        world.local[place.pk] = ([pk for pk, _w in pairs], cum)
    covered = [e for e in events if e.status == "published"]
    rng.shuffle(covered)
    organisers = {}
    for event_id, org_id in _organiser_pairs():
        organisers.setdefault(event_id, []).append(org_id)
    world.events = [(e.pk, e.starts_on, e.place_id, organisers.get(e.pk, [])) for e in covered]
    world.event_cum = zipf_cum(len(covered), offset=2.0, power=0.8)
    return world


def _organiser_pairs():
    from articles.models import EventOrganiser  # noqa: PLC0415

    return EventOrganiser.objects.values_list("event_id", "organisation_id")


def _topics(rng):
    from articles.models import Topic  # noqa: PLC0415
    from articles.text import sort_key  # noqa: PLC0415

    have = list(Topic.objects.order_by("pk"))
    names = {t.name for t in have}
    # bulk_create skips save(): the pinyin sort key is filled here (docs/ordering.md).
    new = [Topic(name=n, slug=n, sort_key=sort_key(n)) for n in MORE_TOPICS if n not in names]
    Topic.objects.bulk_create(new[: max(0, TOPICS - len(have))])
    # The demo's featured topics stay on top: the common topic is a real one (眼镜).
    return sorted(Topic.objects.all(), key=lambda t: (not t.featured, rng.random()))


def _pick(rng, items, cum):
    return rng.choices(items, cum_weights=cum)[0]


def _organisations(rng, places, n_clusters):
    from articles.models import Organisation  # noqa: PLC0415
    from articles.text import sort_key  # noqa: PLC0415

    names = set(Organisation.objects.values_list("name", flat=True))
    cluster_cum = zipf_cum(n_clusters, offset=1.5, power=1.1)
    place_cum = zipf_cum(len(places), offset=1.5, power=1.1)
    kinds = [k for k, share, _s in KINDS for _ in range(share)]
    suffixes = {k: s for k, _share, s in KINDS}
    new, i = [], 0
    while len(names) < ORGANISATIONS:
        roll = rng.random()
        if roll < 0.75:
            place = _pick(rng, places[:n_clusters], cluster_cum)
        elif roll < 0.95:
            place = _pick(rng, places, place_cum)
        else:
            place = None
        kind = rng.choice(kinds)
        brand = "".join(rng.sample(BRAND, 2)) + rng.choice(CORE)
        prefix = short(place.name) if place else "中国"
        if kind == "company":
            name = f"{prefix}{brand}{rng.choice(suffixes[kind])}"
        elif kind in ("government", "park"):
            name = f"{prefix}{rng.choice(suffixes[kind])}"
        else:
            name = f"{prefix}{rng.choice(CORE)}{rng.choice(suffixes[kind])}"
        if name in names:
            continue
        names.add(name)
        i += 1
        short_name = brand if kind == "company" else ""
        new.append(
            Organisation(
                name=name,
                slug=f"bench-org-{i}",
                kind=kind,
                place=place,
                short_name=short_name,
                sort_key=sort_key(name),
            )
        )
    Organisation.objects.bulk_create(new)
    return list(Organisation.objects.select_related("place"))


def _events(rng, places, organisations):
    from django.utils import timezone  # noqa: PLC0415

    from articles.models import Event, EventOrganiser, OrganiserRole, Status  # noqa: PLC0415

    now = timezone.now()
    today = timezone.localdate()
    place_cum = zipf_cum(len(places), offset=1.5, power=1.1)
    roles = list(OrganiserRole)  # host, co-host, organiser, supporter
    hosts = [o for o in organisations if o.kind in ("association", "government", "park")]
    new, links = [], []
    for i in range(max(0, EVENTS - Event.objects.count())):
        place = _pick(rng, places, place_cum) if rng.random() < 0.95 else None
        starts = today - timedelta(days=rng.randrange(-365, 5 * 365))
        ends = starts + timedelta(days=rng.randint(1, 3)) if rng.random() < 0.35 else None
        where = short(place.name) if place else "中国"
        event = Event(
            title=f"{starts.year}{where}{rng.choice(THEMES)}{rng.choice(MEETINGS)}",
            slug=f"bench-event-{i + 1}",
            starts_on=starts,
            ends_on=ends,
            place=place,
            venue=f"{where}国际会展中心" if rng.random() < 0.6 else "",
            status=Status.DRAFT if rng.random() < 0.03 else Status.PUBLISHED,
            # Announced a month before; an event of the coming weeks, yesterday.
            published_at=now - timedelta(days=max(1, (today - starts).days + 30)),
            description=f"{where}举办的行业活动。",
        )
        new.append(event)
        local = [o for o in hosts if place and o.place_id and o.place.path.startswith(place.path)]
        chosen = rng.sample(local or hosts, 1) + rng.sample(organisations, rng.randint(0, 2))
        for order, org in enumerate(dict.fromkeys(chosen)):
            links.append((event, org, roles[min(order, 3)], order))
    Event.objects.bulk_create(new)
    EventOrganiser.objects.bulk_create(
        EventOrganiser(event=e, organisation=o, role=r, order=n) for e, o, r, n in links
    )
    return list(Event.objects.all())
