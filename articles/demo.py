"""Load the demo content: places, topics, organisations, events and the two sample stories.

Idempotent: rows are found by their slug (stories by title) and created only when
missing, so running it again never overwrites an editor's changes.
"""

import io
import json
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime
from PIL import Image, ImageDraw

from .ingest.importer import article_import
from .models import Event, EventOrganiser, Organisation, Place, Status, Topic

DEMO_DIR = Path(__file__).resolve().parent / "demo"

#: Places shown among the industry clusters on the front page.
CLUSTERS = {
    "shangrao", "shangraojingkaiqu", "taizhou", "linhai", "duqiao", "danyang", "yujiang",
    "donghugaoxinqu", "changchun", "shenzhen", "xiamen", "wenzhou", "yuyao", "fuzhou",
    "nanyang", "henggang",
}  # fmt: skip

PLACE_ALIASES = {
    "shangraojingkaiqu": ["上饶经开区", "上饶经济开发区"],
    "donghugaoxinqu": ["武汉光谷", "光谷", "东湖高新区"],
    "duqiao": ["杜桥"],
    "linhai": ["临海"],
}


#: Stories that get a drawn cover (slug: its description), so that lists show thumbnails
#: and the renditions can be seen. Not the stories that credit a supplier of pictures:
#: a drawing must not be shown under their name.
DEMO_COVERS = {
    "2025-quanguo-guangxue-yuanqijian-hangye-keji-chuangxin-yu-fazhan-jiaoliuhui": (
        "示意图：几束光线穿过一枚凸透镜后汇聚于一点（演示图片）"
    ),
}


def _drawn_cover():
    """A simple picture of light focused by a lens, drawn with Pillow (1600 × 900 JPEG)."""
    width, height = 1600, 900
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):  # night blue at the top to the brand blue at the bottom
        t = y / height
        draw.line([(0, y), (width, y)], fill=(int(7 + 4 * t), int(30 + 53 * t), int(60 + 88 * t)))
    lens_x, focus = 700, (1220, 450)
    for ray_y in range(210, 700, 70):
        draw.line([(0, ray_y), (lens_x, ray_y)], fill=(255, 214, 102), width=6)
        draw.line([(lens_x, ray_y), focus], fill=(255, 214, 102), width=6)
    draw.ellipse(
        [lens_x - 60, 150, lens_x + 60, 750], fill=(190, 225, 255), outline=(255, 255, 255), width=8
    )
    draw.ellipse([focus[0] - 26, focus[1] - 26, focus[0] + 26, focus[1] + 26], fill=(255, 244, 214))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name="demo-cover.jpg")


def _load(name):
    return json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))


def _places(nodes, parent, counts):
    for node in nodes:
        place, created = Place.objects.get_or_create(
            slug=node["slug"],
            defaults={
                "name": node["name"],
                "kind": node["kind"],
                "parent": parent,
                "is_cluster": node["slug"] in CLUSTERS,
                "aliases": "\n".join(PLACE_ALIASES.get(node["slug"], [])),
            },
        )
        counts["places"] += created
        _places(node.get("children", []), place, counts)


@transaction.atomic
def load_demo():
    """Create whatever demo rows are missing; returns how many of each were created."""
    counts = dict.fromkeys(["places", "topics", "organisations", "events", "articles"], 0)
    _places(_load("places.json"), None, counts)
    places = {p.slug: p for p in Place.objects.all()}

    for row in _load("topics.json"):
        _topic, created = Topic.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "description": row.get("description", ""),
                "featured": row.get("featured", False),
            },
        )
        counts["topics"] += created

    for row in _load("organisations.json"):
        _organisation, created = Organisation.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "short_name": row.get("short_name", ""),
                "aliases": "\n".join(row.get("aliases", [])),
                "kind": row["kind"],
                "place": places.get(row.get("place")),
                "website": row.get("website", ""),
                "description": row.get("description", ""),
            },
        )
        counts["organisations"] += created
    organisations = {o.slug: o for o in Organisation.objects.all()}

    for row in _load("events.json"):
        event, created = Event.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "title": row["title"],
                "starts_on": parse_date(row["start"][:10]),
                "ends_on": parse_date(row["end"][:10]) if row.get("end") else None,
                "place": places.get(row.get("place")),
                "venue": row.get("venue", ""),
                "description": row.get("description", ""),
                "website": row.get("website", ""),
                "status": Status.PUBLISHED,
            },
        )
        if created:
            counts["events"] += 1
            for order, organiser in enumerate(row.get("organisers", [])):
                EventOrganiser.objects.create(
                    event=event,
                    organisation=organisations[organiser["organisation"]],
                    role=organiser["role"],
                    order=order,
                )
    events = {e.slug: e for e in Event.objects.all()}

    for row in _load("articles.json"):
        # The stories come from importing the raw reprinted pages, as an editor would,
        # then get what an editor adds before publishing: summary, links, date.
        raw = (DEMO_DIR / "raw" / row["raw"]).read_text(encoding="utf-8")
        outcome = article_import(
            text=raw,
            accept_suggestions=False,
            overrides={
                "title": row["title"],
                "summary": row.get("summary", ""),
                "source": row.get("source", ""),
                "source_url": row.get("source_url", ""),
                "published_at": parse_datetime(row["published_at"]),
                "place": places.get(row.get("place")),
                "event": events.get(row.get("event")),
                "organisations": [organisations[slug] for slug in row.get("organisations", [])],
                "topics": list(Topic.objects.filter(name__in=row.get("topics", []))),
            },
        )
        if not outcome.created:
            continue  # imported before: leave the editor's version alone
        article = outcome.article
        article.slug = row.get("slug", "")
        article.featured = row.get("featured", False)
        if article.slug in DEMO_COVERS:
            article.cover = _drawn_cover()
            article.cover_alt = DEMO_COVERS[article.slug]
        article.status = Status.PUBLISHED
        article.submitted_at = None  # reviewed: out of the queue imports wait in
        article.save()
        counts["articles"] += 1
    return counts
