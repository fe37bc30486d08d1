"""Load the demo content: places, topics, organisations, events and the two sample stories.

Idempotent: rows are found by their slug (stories by title) and created only when
missing, so running it again never overwrites an editor's changes.
"""

import json
from pathlib import Path

from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime

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
        article.status = Status.PUBLISHED
        article.save()
        counts["articles"] += 1
    return counts
