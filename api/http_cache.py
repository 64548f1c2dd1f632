"""HTTP caching for read endpoints: ETag/Last-Modified validators, 304s, gzip, a bounded body cache.

ETags are derived from the store generation (bumped on every structural change) plus everything that
shapes the answer (path, query, media type, languages), so revalidating costs one small read.  The
body cache is per application (``app.extensions``), bounded, and keyed by the same ETag.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from flask import Request, Response, current_app

GZIP_MIN_BYTES = 1024


class BodyCache:
    """A small thread-safe LRU of encoded answers."""

    def __init__(self, max_entries: int = 256, max_bytes: int = 64 * 1024 * 1024) -> None:
        self._data: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.max_bytes = max_bytes

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._data.get(key)
            if body is not None:
                self._data.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        if len(body) > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._data:
                return
            self._data[key] = body
            self._size += len(body)
            while len(self._data) > self.max_entries or self._size > self.max_bytes:
                _k, old = self._data.popitem(last=False)
                self._size -= len(old)


def body_cache() -> BodyCache:
    """The application's body cache."""
    cache = current_app.extensions.get("idac.body_cache")
    if cache is None:
        cache = current_app.extensions.setdefault("idac.body_cache", BodyCache())
    return cache  # type: ignore[no-any-return]


def make_etag(*parts: object) -> str:
    """A strong ETag over the parts."""
    digest = hashlib.sha1("|".join(str(p) for p in parts).encode(), usedforsecurity=False).hexdigest()[:24]
    return f'"{digest}"'


def not_modified(request: Request, etag: str, last_modified: datetime | None) -> bool:
    """True when the client's validators show its copy is current."""
    inm = request.headers.get("If-None-Match")
    if inm is not None:
        tags = [t.strip() for t in inm.split(",")]
        return "*" in tags or etag in tags or f"W/{etag}" in tags
    ims = request.headers.get("If-Modified-Since")
    if ims and last_modified is not None:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            try:
                since = datetime.fromisoformat(ims)  # lenient: ISO 8601 as some SDMX clients send
            except ValueError:
                return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        lm = last_modified if last_modified.tzinfo else last_modified.replace(tzinfo=UTC)
        return lm.replace(microsecond=0) <= since
    return False


def cached_answer(
    request: Request,
    *,
    etag: str,
    last_modified: datetime | None,
    media_type: str,
    produce: Callable[[], bytes],
    vary: str = "Accept, Accept-Encoding, Accept-Language",
) -> Response:
    """Answer 304, a cached body, or a freshly produced one; gzip when the client accepts it."""
    headers = {"ETag": etag, "Vary": vary, "Cache-Control": "no-cache"}
    if last_modified is not None:
        lm = last_modified if last_modified.tzinfo else last_modified.replace(tzinfo=UTC)
        headers["Last-Modified"] = format_datetime(lm.astimezone(UTC), usegmt=True)
    if not_modified(request, etag, last_modified):
        return Response(status=304, headers=headers)
    cache = body_cache()
    body = cache.get(etag)
    if body is None:
        body = produce()
        cache.put(etag, body)
    if len(body) >= GZIP_MIN_BYTES and "gzip" in request.headers.get("Accept-Encoding", "").lower():
        gz_key = etag + "gz"
        zipped = cache.get(gz_key)
        if zipped is None:
            zipped = gzip.compress(body, compresslevel=5, mtime=0)
            cache.put(gz_key, zipped)
        headers["Content-Encoding"] = "gzip"
        body = zipped
    resp = Response(body, status=200, headers=headers)
    resp.headers["Content-Type"] = media_type  # exact string, no charset added
    return resp
