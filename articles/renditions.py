"""The resized copies readers get of a cover or a logo (docs/images.md): which sizes and
formats, their unguessable names (worked out from the upload's name alone, so a page
renders without asking the storage), and making them with django-imagekit after the
transaction that saved the picture commits. The checks on upload are articles/images.py."""

import hashlib
import logging
from dataclasses import dataclass
from functools import cached_property

from django.core.files.storage import default_storage
from django.db import transaction
from imagekit import ImageSpec
from imagekit.cachefiles import ImageCacheFile
from imagekit.cachefiles.strategies import Optimistic
from PIL import Image, ImageOps, features
from pilkit.processors import ResizeToFill, ResizeToFit
from pilkit.utils import img_to_fobj

logger = logging.getLogger(__name__)


# --- The renditions ----------------------------------------------------------------------

#: Renditions live here, in the same storage as the uploads.
RENDITIONS_DIR = "renditions"
#: Part of every rendition's name: raise it when a rendition below changes, then run
#: ``manage.py make_renditions`` so that every picture gets its files under the new names.
RENDITIONS_VERSION = 1
#: Pillow on some systems is built without WebP; then only the fallbacks are made.
WEBP = features.check("webp")

OPTIONS = {
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "WEBP": {"quality": 80, "method": 4},
    "PNG": {"optimize": True},
}
EXTENSIONS = {"JPEG": "jpg", "WEBP": "webp", "PNG": "png"}


@dataclass(frozen=True)
class Rendition:
    """One resized version of a picture, ``width`` wide: cropped to exactly ``width`` ×
    ``height`` (``crop``), or else fitted into them (no height: any) and never enlarged."""

    name: str
    format: str
    width: int
    height: int | None = None
    crop: bool = False

    @property
    def file_name(self):
        return f"{self.name}.{EXTENSIONS[self.format]}"

    def size_for(self, width, height):
        """Its (width, height) for an upright picture of ``width`` × ``height``; (None,
        None) when fitted and the picture's size is unknown."""
        if self.crop:
            return self.width, self.height
        if not (width and height):
            return None, None
        ratio = min(1, self.width / width, (self.height or height) / height)
        return max(1, round(width * ratio)), max(1, round(height * ratio))

    def processors(self):
        if self.crop:
            return [ResizeToFill(self.width, self.height)]
        return [ResizeToFit(self.width, self.height, upscale=False)]


def _available(*renditions):
    return tuple(r for r in renditions if r.format != "WEBP" or WEBP)


#: A story's cover: a 3:2 list thumbnail (240 px wide, 480 px for sharp screens), two
#: widths for the story page, each in WebP with a JPEG fallback, and a 1,200 px JPEG for
#: link previews (og:image).
COVER_RENDITIONS = _available(
    Rendition("list-240", "WEBP", 240, 160, crop=True),
    Rendition("list-480", "WEBP", 480, 320, crop=True),
    Rendition("list-240", "JPEG", 240, 160, crop=True),
    Rendition("list-480", "JPEG", 480, 320, crop=True),
    Rendition("page-720", "WEBP", 720),
    Rendition("page-1440", "WEBP", 1440),
    Rendition("page-720", "JPEG", 720),
    Rendition("page-1440", "JPEG", 1440),
    Rendition("og-1200", "JPEG", 1200),
)
#: An organisation's logo, fitted into 96 px (its size on the page) and 192 px; PNG keeps
#: transparency and sharp edges.
LOGO_RENDITIONS = (
    Rendition("logo-96", "PNG", 96, 96),
    Rendition("logo-192", "PNG", 192, 192),
)
#: The picture is decoded once, at no less than this on each side, for all renditions.
LARGEST = max(r.width for r in COVER_RENDITIONS + LOGO_RENDITIONS)


def renditions_folder(name):
    """Where the renditions of the stored picture ``name`` are. A one-way hash: a
    rendition's address does not lead to the upload (which may carry the camera's EXIF
    data, a location among it), and the random upload name keeps it unguessable."""
    digest = hashlib.sha256(f"{RENDITIONS_VERSION}:{name}".encode()).hexdigest()[:32]
    return f"{RENDITIONS_DIR}/{digest[:2]}/{digest}"


def rendition_name(name, rendition):
    return f"{renditions_folder(name)}/{rendition.file_name}"


class Picture:
    """The renditions of one stored picture (``name``, upright ``width`` × ``height``),
    addressed from its name alone: drawing a page asks neither the storage nor the
    database whether they exist. They are made when the picture is saved."""

    def __init__(self, name, width, height, renditions=COVER_RENDITIONS):
        self.name, self.width, self.height = name, width, height
        self.renditions = {(r.name, r.format): r for r in renditions}
        self.formats = {r.format for r in renditions}

    @cached_property
    def folder_url(self):
        # One address per picture, the files' added to it: the storage's url() parses and
        # joins URLs, which would be a third of a list item's time if done for each file.
        # Right for storages whose files are at base URL + name (files on disk, a public
        # bucket), not for signed URLs.
        return default_storage.url(f"{renditions_folder(self.name)}/")

    def url(self, name, format="JPEG"):
        return self.folder_url + self.file_name(name, format)

    def file_name(self, name, format="JPEG"):
        return self.renditions[(name, format)].file_name

    def size(self, name, format="JPEG"):
        return self.renditions[(name, format)].size_for(self.width, self.height)

    def has(self, format):
        return format in self.formats

    def srcset(self, names, format="JPEG"):
        """``url 720w, url 1440w`` over ``names``, leaving out a width that repeats (a
        picture narrower than the larger rendition is not enlarged)."""
        seen, parts = set(), []
        for name in names:
            width = self.size(name, format)[0] or self.renditions[(name, format)].width
            if width not in seen:
                seen.add(width)
                parts.append(f"{self.url(name, format)} {width}w")
        return ", ".join(parts)


def cover_picture(article):
    """The Picture of a story's cover, or None."""
    if not article.cover:
        return None
    return Picture(article.cover.name, article.cover_width, article.cover_height)


def og_image(article):
    """The path of a story's link-preview picture (og:image), or None."""
    picture = cover_picture(article)
    return picture.url("og-1200") if picture else None


def logo_picture(organisation):
    if not organisation.logo:
        return None
    return Picture(organisation.logo.name, None, None, LOGO_RENDITIONS)


def logo_image(organisation):
    """The path of an organisation's link-preview picture (its larger logo), or None."""
    picture = logo_picture(organisation)
    return picture.url("logo-192", "PNG") if picture else None


# --- Making them ---------------------------------------------------------------------------


class StorageBackend:
    """imagekit's cache-file backend without a state cache: the storage alone says what
    exists, so a restored or copied media folder never disagrees with a cache. It is asked
    only when a picture is saved and by ``make_renditions``, never while a page is drawn."""

    def generate(self, file, force=False):
        if file.storage.exists(file.name):
            if not force:
                return
            file.storage.delete(file.name)
        file._generate()

    def exists(self, file):
        return file.storage.exists(file.name)


class RenditionSpec(ImageSpec):
    """The imagekit spec of one Rendition of ``source``. ``base`` gives the picture
    decoded and upright, shared by all the renditions made in one go."""

    # Made when the picture is saved; a page assumes the files are there.
    cachefile_strategy = Optimistic
    cachefile_backend = StorageBackend()

    def __init__(self, source, rendition, base):
        self.rendition = rendition
        self.processors = rendition.processors()
        self.format = rendition.format
        self.options = OPTIONS[rendition.format]
        self.cachefile_storage = source.storage
        self._base = base
        super().__init__(source)

    @property
    def cachefile_name(self):
        return rendition_name(self.source.name, self.rendition)

    def generate(self):
        return img_to_fobj(
            _process(self._base(), self.processors), self.format, True, **self.options
        )


def _process(image, processors):
    for processor in processors:
        image = processor.process(image)
    return image


def upright(file, box=LARGEST):
    """The picture of a stored ``file``, decoded, turned by its EXIF orientation, in RGB
    (RGBA when it has transparency) and reduced to no less than ``box`` on a side: a JPEG
    is decoded at that scale directly, which makes a large photo quick to resize."""
    file.open("rb")
    try:
        with Image.open(file) as image:
            if image.format == "JPEG":
                image.draft(image.mode, (box, box))
            upright_image = ImageOps.exif_transpose(image)
    finally:
        file.close()
    if upright_image.mode not in ("RGB", "RGBA"):
        transparent = upright_image.has_transparency_data
        upright_image = upright_image.convert("RGBA" if transparent else "RGB")
    factor = min(upright_image.width // box, upright_image.height // box)
    if factor >= 2:
        upright_image = upright_image.reduce(factor)
    return upright_image


def make_renditions(file, renditions, *, force=False):
    """Write the renditions of the stored picture ``file`` that are missing (all of them
    with ``force``); returns how many were written. The picture is read back from the
    storage, once."""
    source = file.field.attr_class(file.instance, file.field, file.name)
    decoded = []

    def base():
        if not decoded:
            decoded.append(upright(source))
        return decoded[0]

    written = 0
    for rendition in renditions:
        cache_file = ImageCacheFile(RenditionSpec(source, rendition, base))
        if force or not cache_file.storage.exists(cache_file.name):
            cache_file.generate(force=True)
            written += 1
    return written


def missing_renditions(file, renditions):
    """The renditions of ``file`` the storage lacks (``make_renditions --check``)."""
    folder = renditions_folder(file.name)
    return [r for r in renditions if not file.storage.exists(f"{folder}/{r.file_name}")]


def make_renditions_on_commit(file, renditions):
    """Make the missing renditions of ``file`` once the transaction that saves it commits:
    the story is stored whatever happens to its pictures, and no lock is held while they
    are drawn. A failure is logged; ``manage.py make_renditions`` makes what is missing."""
    stored = file.field.attr_class(file.instance, file.field, file.name)

    def make():
        try:
            make_renditions(stored, renditions)
        except Exception:
            logger.exception("Could not make the renditions of %s", stored.name)

    transaction.on_commit(make)
