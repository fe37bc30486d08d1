"""The admin's 导入文章 page: paste or upload a reprinted page, review, save a draft."""

import bisect
import re
from html import escape

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.validators import URLValidator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .ingest import uploads
from .ingest.importer import article_import, needs_check, preview_import
from .models import Article, Event, Organisation, Place, Topic
from .models.base import validate_sane_date

#: A link the importer takes: http or https (the cleaner takes no other from a page).
WEB_ADDRESS = URLValidator(schemes=["http", "https"])

#: What the editor may change on the review page, passed on to ``article_import``.
OVERRIDES = (
    "title",
    "summary",
    "source",
    "source_url",
    "author",
    "source_editor",
    "original_title",
    "cover_credit",
    "place",
    "event",
    "organisations",
    "topics",
)


class ImportSourceForm(forms.Form):
    """Step 1: the raw page."""

    text = forms.CharField(
        label=_("Text or HTML of the page"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 80}),
        strip=False,
    )
    file = forms.FileField(
        label=_("…or a .txt / .html file"),
        required=False,
        help_text=_("UTF-8, GBK, Big5 or Shift-JIS, at most 2 MB."),
    )
    source_url = forms.URLField(
        label=_("Original link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[WEB_ADDRESS],
        help_text=_("Where the story was first published, if you know it."),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if not uploads.accepted(upload.name):
            raise forms.ValidationError(_("Upload a .txt or .html file."), code="suffix")
        if upload.size > uploads.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."), code="size")
        return upload

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        data["encoding"], data["controls_removed"] = "", 0
        if upload:
            try:
                read = uploads.read_upload(upload.read())
            except uploads.UndecodableUpload:
                raise forms.ValidationError(
                    _("The file is neither UTF-8 nor GBK text."), code="encoding"
                ) from None
            data["text"], data["is_html"] = read.text, uploads.is_html(upload.name)
            data["encoding"], data["controls_removed"] = read.encoding, read.controls_removed
        else:
            data["is_html"] = None
        if not (data.get("text") or "").strip() and not self.errors:
            raise forms.ValidationError(_("Paste the text of a page or choose a file."))
        return data


class ImportReviewForm(forms.Form):
    """Step 2: the editor's decisions about the cleaned draft."""

    # Hidden: what the first step read. Their errors are shown above the form
    # (_form_rows.html), named by these labels.
    raw = forms.CharField(
        label=_("Text of the page"), widget=forms.HiddenInput, strip=False, max_length=2_500_000
    )
    is_html = forms.NullBooleanField(
        label=_("Read as HTML"), widget=forms.HiddenInput, required=False
    )
    encoding = forms.ChoiceField(
        label=_("Encoding of the file"),
        widget=forms.HiddenInput,
        required=False,
        choices=[("", ""), ("UTF-8", "UTF-8")] + [(n, n) for n, _l in uploads.DETECTED.values()],
    )
    controls_removed = forms.IntegerField(
        label=_("Control characters removed"),
        widget=forms.HiddenInput,
        required=False,
        min_value=0,
        max_value=uploads.MAX_UPLOAD_BYTES,
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
    )
    source = forms.CharField(label=_("Source"), required=False, max_length=100)
    source_url = forms.URLField(
        label=_("Original link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[WEB_ADDRESS],
    )
    # As on the story's own page: label, help text and length from the model.
    author = Article._meta.get_field("author").formfield()
    source_editor = Article._meta.get_field("source_editor").formfield()
    original_title = Article._meta.get_field("original_title").formfield()
    published_at = forms.DateTimeField(
        label=_("Publication time"),
        required=False,
        validators=[validate_sane_date],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("The story is saved as a draft whatever the time."),
    )
    cover_credit = forms.CharField(label=_("Image credit"), required=False, max_length=200)
    place = forms.ModelChoiceField(label=_("Place"), queryset=Place.objects.all(), required=False)
    event = forms.ModelChoiceField(label=_("Event"), queryset=Event.objects.all(), required=False)
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations"),
        queryset=Organisation.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, suggested_organisations=(), suggested_places=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # Offer the organisations the text names; the rest stay one search away on
            # the story's own page after saving.
            ids = [o.pk for o in suggested_organisations]
            self.fields["organisations"].queryset = Organisation.objects.filter(pk__in=ids)
        if suggested_places:
            # Every place the text names comes first, so the editor sees them all
            # (临海市 and 杜桥镇 …) and picks the story's main one.
            mentioned = {p.pk for p in suggested_places}
            self.fields["place"].choices = [
                ("", "---------"),
                (gettext("Named in the text"), [(p.pk, p.name) for p in suggested_places]),
                (
                    gettext("All places"),
                    [(p.pk, p.name) for p in Place.objects.all() if p.pk not in mentioned],
                ),
            ]


def review_initial(preview, raw, is_html, encoding="", controls_removed=0):
    """The review form as the cleaner fills it in; the link given with the page, if
    usable, comes before one found in it (``preview.source_url``)."""
    cleaned, s = preview.cleaned, preview.suggestions
    published_at = None
    if cleaned.published_on:
        published_at = f"{cleaned.published_on:%Y-%m-%d}T09:00"
    return {
        "raw": raw,
        "is_html": is_html,
        "encoding": encoding,
        "controls_removed": controls_removed,
        "title": cleaned.title,
        "source": cleaned.source,
        "source_url": preview.source_url or cleaned.source_url,
        "author": cleaned.author,
        "source_editor": cleaned.editor_name,
        "original_title": cleaned.original_title,
        "published_at": published_at,
        "cover_credit": cleaned.credit,
        "place": s.place.pk if s.place else None,
        "event": s.event.pk if s.event else None,
        "organisations": [o.pk for o in s.organisations],
        "topics": [t.pk for t in s.topics],
    }


def marked_original(preview):
    """The original text with every removal struck through, for the side-by-side view.

    A plain text's removals are found at their positions; an HTML page's (whose
    positions point into the text taken from its tags) by searching the original,
    within a budget of a few times its length, so that a page of 100,000 removals
    costs no more to show than to clean (removals beyond the budget are not struck).
    """
    cleaned = preview.cleaned
    text = cleaned.original
    to_original = None if cleaned.is_html else _original_offsets(text)
    budget = MARK_SEARCH_BUDGET * len(text) + 100_000
    pieces, cursor = [], 0
    for removal in cleaned.removals:
        if not removal.text:
            continue
        start = -1
        if to_original is not None and removal.position is not None:
            at = to_original(removal.position)
            if at >= cursor and text.startswith(removal.text, at):
                start = at
        if start == -1 and budget > 0:
            start, spent = _search(text, removal, cursor)
            budget -= spent
        if start == -1:
            continue
        kind = escape(removal.kind)
        pieces.append(escape(text[cursor:start]))
        pieces.append(
            f'<del class="removed removed-{kind}" title="{kind}">{escape(removal.text)}</del>'
        )
        cursor = start + len(removal.text)
    pieces.append(escape(text[cursor:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of text is escaped


#: How many times its length the original may be searched for removals to strike.
MARK_SEARCH_BUDGET = 8


def _search(text, removal, cursor):
    """Where ``removal`` is in ``text`` after ``cursor`` (-1: nowhere), found by its
    context and text, else its text alone; and how many characters that scanned."""
    spent = 0
    if removal.context:
        at = text.find(removal.context + removal.text, cursor)
        spent += (at if at != -1 else len(text)) - cursor
        if at != -1:
            return at + len(removal.context), spent
    start = text.find(removal.text, cursor)
    spent += (start if start != -1 else len(text)) - cursor
    return start, spent


def _original_offsets(text):
    """Offsets in the cleaner's source text (newlines made "\\n") to offsets in ``text``."""
    pairs, shift = [], 0
    for m in re.finditer("\r\n", text):
        pairs.append(m.start() - shift)  # where that newline is in the source text
        shift += 1
    return lambda position: position + bisect.bisect_left(pairs, position)


def import_view(model_admin, request):
    """GET: the paste form. POST step=preview: the review page. POST step=save: the draft."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": gettext("Import a story"),
        "has_view_permission": True,
    }
    step = request.POST.get("step")

    if request.method == "POST" and step == "save":
        review = ImportReviewForm(request.POST)
        if review.is_valid():
            return _save(request, review.cleaned_data)
        # Shown again with what was posted, every error named (_form_rows.html).
        data = review.cleaned_data
        preview = preview_import(
            text=request.POST.get("raw", ""),
            is_html=data.get("is_html"),
            source_url=data.get("source_url") or "",
            extra_flags=uploads.upload_flags(
                data.get("encoding") or "", data.get("controls_removed") or 0
            ),
        )
        return TemplateResponse(
            request,
            "admin/articles/article/import_review.html",
            {**context, "form": review, "preview": preview, "original": marked_original(preview)},
            status=400,
        )

    if request.method == "POST":
        source = ImportSourceForm(request.POST, request.FILES)
        if source.is_valid():
            data = source.cleaned_data
            preview = preview_import(
                text=data["text"],
                is_html=data["is_html"],
                source_url=data["source_url"],
                extra_flags=uploads.upload_flags(data["encoding"], data["controls_removed"]),
            )
            review = ImportReviewForm(
                initial=review_initial(
                    preview,
                    data["text"],
                    data["is_html"],
                    data["encoding"],
                    data["controls_removed"],
                ),
                suggested_organisations=preview.suggestions.organisations,
                suggested_places=preview.suggestions.places,
            )
            return TemplateResponse(
                request,
                "admin/articles/article/import_review.html",
                {
                    **context,
                    "form": review,
                    "preview": preview,
                    "original": marked_original(preview),
                },
            )
        return TemplateResponse(
            request, "admin/articles/article/import.html", {**context, "form": source}, status=400
        )

    return TemplateResponse(
        request, "admin/articles/article/import.html", {**context, "form": ImportSourceForm()}
    )


def _save(request, data):
    """Save the reviewed draft; a page imported before is named and linked instead."""
    outcome = article_import(
        text=data["raw"],
        is_html=data["is_html"],
        editor=request.user,
        source_url=data["source_url"],
        overrides={key: data[key] for key in OVERRIDES}
        | ({"published_at": data["published_at"]} if data["published_at"] else {}),
        extra_flags=uploads.upload_flags(data["encoding"] or "", data["controls_removed"] or 0),
    )
    url = reverse("admin:articles_article_change", args=[outcome.article.pk])
    if outcome.created:
        messages.success(
            request,
            gettext("Imported as a draft. Check it, then publish.")
            + (
                " " + gettext("The importer flagged passages to check.")
                if needs_check(outcome.flags)
                else ""
            ),
        )
    else:
        story = format_html('<a href="{}">{}</a>', url, outcome.article.title)
        messages.warning(
            request,
            format_html(
                gettext("This page was already imported as {story}; nothing was changed."),
                story=story,
            ),
        )
    return redirect(url)
