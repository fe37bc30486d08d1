"""Pictures: the checks every uploaded cover and logo passes, and the resized renditions
readers get instead of the upload (docs/images.md).

Checks: ``check_picture`` reads the header and decodes the picture once, so a renamed
text file, a damaged file, an oversized or undersized picture and a decompression bomb
each get a message an editor can act on, never a 500. ``PictureCheck`` runs it as a model
validator; ``PictureField`` gives every form the same checks, before Django's own "not a
valid image" can hide a precise reason.

The renditions (django-imagekit specs, made after the commit, addressed without touching
the storage) are in articles/renditions.py; this module re-exports them, so
``images.cover_picture`` and the like keep working.
"""

import logging
import warnings
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile, ImageFieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image

# The renditions live in articles/renditions.py; ``images.X`` keeps naming them.
from .renditions import (  # noqa: F401
    COVER_RENDITIONS,
    LARGEST,
    LOGO_RENDITIONS,
    RENDITIONS_DIR,
    RENDITIONS_VERSION,
    WEBP,
    Picture,
    cover_picture,
    logo_image,
    logo_picture,
    make_renditions,
    make_renditions_on_commit,
    missing_renditions,
    og_image,
    rendition_name,
    renditions_folder,
    upright,
)

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
