"""Pictures: the checks every uploaded cover and logo passes, and the resized renditions
readers get instead of the upload (docs/images.md).

Checks: ``check_picture`` reads the header and decodes the picture once, so a renamed
text file, a damaged file, an oversized or undersized picture and a decompression bomb
each get a message an editor can act on, never a 500. ``PictureCheck`` runs it as a model
validator; ``PictureField`` gives every form the same checks, before Django's own "not a
valid image" can hide a precise reason.

Renditions: specs of django-imagekit (pilkit processors, format conversion, the cache
file written to the storage), made when the picture is saved (after the commit) and never
looked for when a page is drawn: ``Picture`` works out their names and addresses from the
picture's name alone, without touching the storage.
"""

import hashlib
import logging
import warnings
from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.fields.files import FieldFile, ImageFieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from imagekit import ImageSpec
from imagekit.cachefiles import ImageCacheFile
from imagekit.cachefiles.strategies import Optimistic
from PIL import ExifTags, Image, ImageOps, features
from pilkit.processors import ResizeToFill, ResizeToFit
from pilkit.utils import img_to_fobj

logger = logging.getLogger(__name__)

# --- The checks ------------------------------------------------------------------------

#: The largest file accepted: a good photo for the web is well under this.
MAX_FILE_BYTES = 10 * 1024 * 1024
#: The most pixels accepted (40 megapixels, e.g. 7,700 × 5,200): more than any camera
#: photo a story needs, and about 160 MB once decoded. Pillow's own bomb guard stops only
#: at 179 megapixels.
MAX_PIXELS = 40_000_000
#: What Pillow reports for the formats accepted (never SVG, which can carry script).
FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}
#: EXIF orientations that turn the picture a quarter: its width is its stored height.
QUARTER_TURNS = {5, 6, 7, 8}


@dataclass(frozen=True)
class Rules:
    """The size and shape a kind of picture must have, upright (after EXIF orientation)."""

    min_width: int
    min_height: int
    #: width / height at most, and height / width at most.
    max_wide: float
    max_tall: float


RULES = {
    # 300 px: the list thumbnail (240 px) and a phone's width stay sharp; the shape
    # keeps the story page's picture and the list's 3:2 crop meaningful.
    "cover": Rules(min_width=300, min_height=150, max_wide=4, max_tall=2),
    # Logos are small and often wide word marks.
    "logo": Rules(min_width=32, min_height=32, max_wide=10, max_tall=3),
}

MESSAGES = {
    "empty": _("The file is empty (0 bytes). Choose the picture again."),
    "too_large": _(
        "The file is %(size)s; a picture may be at most %(limit)s. Save it smaller "
        "(a JPEG of about 2,000 pixels wide is plenty) and upload it again."
    ),
    "not_an_image": _(
        "This file is not a picture (perhaps a document renamed to .jpg). "
        "Upload a JPEG, PNG, WebP or GIF picture."
    ),
    "format": _("%(format)s pictures are not accepted. Upload a JPEG, PNG, WebP or GIF picture."),
    "too_many_pixels": _(
        "The picture has %(megapixels)s megapixels (%(width)d × %(height)d pixels); at most "
        "%(limit)d megapixels are accepted. Reduce it to about 2,000 pixels wide and upload "
        "it again."
    ),
    "bomb": _(
        "The picture says it has far too many pixels to be opened safely; at most "
        "%(limit)d megapixels are accepted. Reduce it and upload it again."
    ),
    "too_small": _(
        "The picture is %(width)d × %(height)d pixels; it must be at least %(min_width)d "
        "pixels wide and %(min_height)d pixels high, or it looks blurred on screens."
    ),
    "too_wide": _(
        "The picture is %(width)d × %(height)d pixels: too wide for its height. Crop it so "
        "that it is at most %(ratio)s times as wide as it is high."
    ),
    "too_tall": _(
        "The picture is %(width)d × %(height)d pixels: too tall for its width. Crop it so "
        "that it is at most %(ratio)s times as high as it is wide."
    ),
    "damaged": _(
        "The picture is damaged: it could not be read to the end. Export or save it again "
        "and upload the new file."
    ),
}


def _refuse(code, **params):
    raise ValidationError(MESSAGES[code], code=code, params=params or None)


def _limit():
    return {"limit": MAX_PIXELS // 1_000_000}


def _ratio(value):
    return f"{value:g}"


def check_picture(file, rules):
    """Check an uploaded ``file`` (an UploadedFile or any django File) against ``rules``:
    raise a ValidationError saying what is wrong, else return its upright (width, height).

    The header gives the format and size; then the picture is decoded once (a JPEG at a
    reduced scale, which still reads all of it), so a damaged file is refused here rather
    than failing later, while its renditions are made.
    """
    size = file.size
    if not size:
        _refuse("empty")
    if size > MAX_FILE_BYTES:
        _refuse("too_large", size=filesizeformat(size), limit=filesizeformat(MAX_FILE_BYTES))
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Our own limit, checked below, is lower than the size Pillow warns at.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(file)
    except Image.DecompressionBombError:
        _refuse("bomb", **_limit())
    except Exception:  # Pillow raises many kinds for what it cannot read.
        _refuse("not_an_image")
    with image:
        if image.format not in FORMATS:
            _refuse("format", format=image.format or "?")
        width, height = image.size
        if width * height > MAX_PIXELS:
            _refuse(
                "too_many_pixels",
                megapixels=f"{width * height / 1_000_000:.0f}",
                width=width,
                height=height,
                **_limit(),
            )
        if _orientation(image) in QUARTER_TURNS:
            width, height = height, width
        if width < rules.min_width or height < rules.min_height:
            _refuse(
                "too_small",
                width=width,
                height=height,
                min_width=rules.min_width,
                min_height=rules.min_height,
            )
        if width > height * rules.max_wide:
            _refuse("too_wide", width=width, height=height, ratio=_ratio(rules.max_wide))
        if height > width * rules.max_tall:
            _refuse("too_tall", width=width, height=height, ratio=_ratio(rules.max_tall))
        try:
            if image.format == "JPEG":
                image.draft(image.mode, (rules.min_width, rules.min_width))
            image.load()
        except Exception:
            _refuse("damaged")
    file.seek(0)
    return width, height


def _orientation(image):
    try:
        return image.getexif().get(ExifTags.Base.Orientation)
    except Exception:  # a broken EXIF block is not worth refusing the picture for
        return None


@deconstructible
class PictureCheck:
    """The model validator of a picture field: ``check_picture`` with the rules of ``kind``
    ("cover" or "logo"). A picture already stored passes: it was checked when it was
    uploaded, and reading it on every save would cost a download."""

    def __init__(self, kind):
        self.kind = kind

    @property
    def rules(self):
        return RULES[self.kind]

    def __call__(self, value):
        if isinstance(value, str):
            return  # a name only (the history's copy of the field): nothing uploaded
        if isinstance(value, FieldFile):
            if value._committed:
                return
            value = value.file
        if getattr(value, "checked_as_picture", None) == self.kind:
            return  # the form field checked this upload already
        check_picture(value, self.rules)

    def __eq__(self, other):
        return isinstance(other, PictureCheck) and other.kind == self.kind


validate_cover = PictureCheck("cover")
validate_logo = PictureCheck("logo")


class PictureFormField(forms.ImageField):
    """Django's ImageField, with the picture checks run first: Django answers a
    decompression bomb or a picture it cannot open with one vague message."""

    def __init__(self, *, checks=(), **kwargs):
        self.checks = list(checks)
        super().__init__(**kwargs)

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "size") and hasattr(data, "seek"):
            for check in self.checks:
                check_picture(data, check.rules)
                data.checked_as_picture = check.kind
        return super().to_python(data)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput):
            attrs["accept"] = "image/jpeg,image/png,image/webp,image/gif"
        return attrs


class UprightImageFieldFile(ImageFieldFile):
    """Width and height as readers see the picture, turned by its EXIF orientation as its
    renditions are (a phone photo is often stored on its side)."""

    def _get_image_dimensions(self):
        if not hasattr(self, "_upright_dimensions"):
            try:
                width, height = super()._get_image_dimensions()
            except OSError:
                # The upload is gone (a partial restore): the page still renders, without
                # the size, rather than failing when the story is loaded.
                width, height = None, None
            if width and height and self._quarter_turned():
                width, height = height, width
            self._upright_dimensions = (width, height)
        return self._upright_dimensions

    def delete(self, save=True):
        if hasattr(self, "_upright_dimensions"):
            del self._upright_dimensions
        super().delete(save)

    def _quarter_turned(self):
        close = self.closed
        self.open()
        position = self.tell()
        try:
            self.seek(0)
            with Image.open(self) as image:
                return _orientation(image) in QUARTER_TURNS
        except Exception:
            return False
        finally:
            if close:
                self.close()
            else:
                self.seek(position)


class PictureField(models.ImageField):
    """An ImageField whose dimensions are upright and whose form field runs the
    ``PictureCheck`` validators given to it, so every form refuses a bad picture
    with the same message."""

    attr_class = UprightImageFieldFile

    def formfield(self, **kwargs):
        checks = [v for v in self.validators if isinstance(v, PictureCheck)]
        return super().formfield(**{"form_class": PictureFormField, "checks": checks, **kwargs})


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
