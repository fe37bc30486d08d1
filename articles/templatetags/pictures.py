"""The pictures of the reader pages: renditions in ``<picture>``, never the upload.

Rendered in Python like the list items (templatetags/portal.py): a list draws twenty
thumbnails. Addresses come from ``articles.images.Picture``, which asks neither the
storage nor the database. Change the markup here and in static/css/site.css together.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..images import cover_picture, logo_picture

register = template.Library()

#: The story page's picture is at most 720 px wide (45rem), else the card's width.
PAGE_SIZES = "(min-width: 50rem) 720px, calc(100vw - 2.5rem)"
#: The first lead story on the front page spans the main column.
LEAD_SIZES = "(min-width: 72rem) 720px, (min-width: 50rem) 62vw, calc(100vw - 4.5rem)"


def _attrs(**attrs):
    return "".join(f' {name.replace("_", "-")}="{escape(value)}"' for name, value in attrs.items())


def thumbnail_html(article, href=None):
    """A story's 3:2 list thumbnail (240 px, 480 px on sharp screens), WebP with a JPEG
    fallback; "" without a cover. Lazy, and sized so the list does not shift as it loads.
    The picture links to the story too, out of the tab order (the title is the link);
    ``href`` is the story's escaped address, when the caller has it."""
    picture = cover_picture(article)
    if picture is None:
        return ""
    width, height = picture.size("list-240")
    # One escaped folder address; the files' names are fixed ASCII (a list draws twenty).
    folder = escape(picture.folder_url)
    sources = ""
    if picture.has("WEBP"):
        small, large = picture.file_name("list-240", "WEBP"), picture.file_name("list-480", "WEBP")
        sources = f'<source type="image/webp" srcset="{folder}{small} 1x, {folder}{large} 2x">'
    small, large = picture.file_name("list-240"), picture.file_name("list-480")
    img = (
        f'<img src="{folder}{small}" srcset="{folder}{small} 1x, {folder}{large} 2x"'
        f' width="{width}" height="{height}" alt="{escape(article.cover_alt)}"'
        ' loading="lazy" decoding="async">'
    )
    href = href or escape(article.get_absolute_url())
    return (
        f'<a class="article-item-thumb" href="{href}" tabindex="-1">'
        f"<picture>{sources}{img}</picture></a>"
    )


def picture_html(article, sizes=PAGE_SIZES):
    """A story's cover at 720 and 1,440 px for its page: WebP sources with a JPEG
    fallback, ``srcset``/``sizes``, width and height against layout shift; "" without a
    cover."""
    picture = cover_picture(article)
    if picture is None:
        return ""
    names = ("page-720", "page-1440")
    width, height = picture.size("page-720")
    sources = ""
    if picture.has("WEBP"):
        sources = (
            f'<source type="image/webp"{_attrs(srcset=picture.srcset(names, "WEBP"), sizes=sizes)}>'
        )
    img = (
        f"<img{_attrs(src=picture.url('page-720'), srcset=picture.srcset(names), sizes=sizes)}"
        f"{_attrs(**({'width': width, 'height': height} if width else {}))}"
        f"{_attrs(alt=article.cover_alt)}"
        ' decoding="async">'
    )
    return f"<picture>{sources}{img}</picture>"


@register.simple_tag
def story_picture(article):
    """``{% story_picture article %}``: the story page's ``<picture>``."""
    return mark_safe(picture_html(article))  # noqa: S308


@register.simple_tag
def lead_picture(article, first=False):
    """A front-page lead story's picture: the first one large, the others thumbnails."""
    if first:
        return mark_safe(picture_html(article, LEAD_SIZES))  # noqa: S308
    return mark_safe(thumbnail_html(article))  # noqa: S308


@register.simple_tag
def organisation_logo(organisation, alt):
    """An organisation's logo fitted into a 96 px square (192 px on sharp screens; the
    CSS keeps its shape); "" without one."""
    picture = logo_picture(organisation)
    if picture is None:
        return ""
    small, large = picture.url("logo-96", "PNG"), picture.url("logo-192", "PNG")
    return mark_safe(  # noqa: S308
        f'<img class="logo" src="{escape(small)}" srcset="{escape(small)} 1x, {escape(large)} 2x"'
        f'{_attrs(width=96, height=96, alt=alt)} decoding="async">'
    )
