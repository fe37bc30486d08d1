"""A fingerprint of the running code: part of every cache key.

Pages, story items and the values kept under the content version (docs/caching.md) are
made by the code: its templates, views, translations and static files. A deploy that
changes any of them must not serve what the previous code made, nor unpickle values in
a shape it no longer has, even though no content changed. The fingerprint is a hash of
those files and of the pinned requirements, read once at start-up (a few milliseconds):
the same on every server running the same checkout, so servers still share the cache.
"""

import hashlib
from pathlib import Path

#: What pages are made of, relative to the project's root.
SOURCES = ("articles", "portal", "templates", "static", "locale", "requirements.txt")


def fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for name in SOURCES:
        top = root / name
        files = [top] if top.is_file() else sorted(top.rglob("*"))
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
