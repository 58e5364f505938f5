"""Whole pages kept for visitors who are not signed in, until anything public changes.

Most visits to a city's platform are reads by people who are not signed in, and they all see
the same page. The first such visit renders it; later ones get the stored copy for as long as
nothing has changed. "Nothing has changed" is one number, the content generation, kept in the
database and raised after every commit that wrote a model that can appear on a public page
(every model, unless it sets ``__page_cache_neutral__ = True``: login sessions, notifications and
other rows only their owner sees). Each worker keeps its own copies, in memory, and reads the
generation at most every ``PAGE_CACHE_CHECK_SECONDS``; a worker that commits a change knows at
once, the others within that interval.

What is never served from here: anything for a signed-in visitor, a visit with messages waiting
to be shown, anything but a 200 HTML answer, an answer that sets its own cookies, and the views
that opt out (``unless=``). The copy keeps no visitor's CSRF token: the token is swapped for a
marker when stored and for the current visitor's token when served. The key holds the path with
its query, the language, the htmx headers and today's date (phases change at midnight).

Changes made outside the ORM (raw SQL, another program) are not seen until the entries expire,
after ``PAGE_CACHE_SECONDS``.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import BigInteger, Integer, event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from app import clock
from app.extensions import db

#: The request headers htmx sends that change what a view answers.
HTMX_HEADERS = ("HX-Request", "HX-Target", "HX-Boosted", "HX-History-Restore-Request")
#: The view's own response headers kept with the copy (the hooks add the rest on every answer).
KEPT_HEADERS = ("Content-Type", "Vary", "HX-Push-Url", "HX-Trigger")
EXTENSION_KEY = "agora.page_cache"


class ContentGeneration(db.Model):
    """One row: a number raised after every commit that changed public content."""

    __tablename__ = "content_generation"
    __page_cache_neutral__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


@dataclass
class Entry:
    generation: int
    expires: float
    body: bytes
    headers: list[tuple[str, str]]
    has_token: bool


class PageCache:
    """One app's stored pages (least recently used dropped first) and its view of the generation."""

    def __init__(self, app: Flask) -> None:
        self.seconds = float(app.config.get("PAGE_CACHE_SECONDS", 0))
        self.capacity = int(app.config.get("PAGE_CACHE_ENTRIES", 2000))
        self.check_seconds = float(app.config.get("PAGE_CACHE_CHECK_SECONDS", 1.0))
        # A marker no page can contain by chance: made fresh for each process.
        self.token_marker = f"csrf-{secrets.token_hex(16)}".encode()
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = -1
        self._checked_at = float("-inf")
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.seconds > 0 and self.capacity > 0

    # --- the generation -------------------------------------------------------------------------

    def generation(self) -> int:
        """The content generation, read from the database at most every `check_seconds`."""
        now = time.monotonic()
        if now - self._checked_at >= self.check_seconds:
            self._generation = read_generation()
            self._checked_at = now
        return self._generation

    def learn(self, generation: int) -> None:
        """This process raised the generation itself: no need to ask the database."""
        self._generation = generation
        self._checked_at = time.monotonic()

    # --- entries --------------------------------------------------------------------------------

    def get(self, key: tuple, generation: int) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.generation != generation or entry.expires <= time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: Entry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def read_generation() -> int:
    """The stored generation (0 before the first change)."""
    with db.engine.connect() as connection:
        value = connection.scalar(select(ContentGeneration.value)
                                  .where(ContentGeneration.id == 1))
    return int(value or 0)


def raise_generation() -> int:
    """Add one to the stored generation, on a connection of its own; the new value."""
    table = ContentGeneration.__table__
    for _attempt in range(3):
        try:
            with db.engine.begin() as connection:
                changed = connection.execute(
                    update(table).where(table.c.id == 1).values(value=table.c.value + 1))
                if changed.rowcount == 0:
                    connection.execute(table.insert().values(id=1, value=1))
                return int(connection.scalar(select(table.c.value).where(table.c.id == 1)))
        except IntegrityError:  # another process inserted the row first: add to it instead
            continue
    raise RuntimeError("the content generation could not be raised")


def page_cache() -> PageCache | None:
    return current_app.extensions.get(EXTENSION_KEY)


# --- which commits change public content --------------------------------------------------------

def _is_public(cls: type | None) -> bool:
    return cls is None or not getattr(cls, "__page_cache_neutral__", False)


def _after_flush(session: Session, _context) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(_is_public(type(obj)) for obj in changed):
        session.info["agora_content_changed"] = True


def _on_execute(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        mapper = state.bind_arguments.get("mapper")
        if _is_public(mapper.class_ if mapper is not None else None):
            state.session.info["agora_content_changed"] = True


def _after_commit(session: Session) -> None:
    if not session.info.pop("agora_content_changed", False):
        return
    cache = page_cache()
    generation = raise_generation()
    if cache is not None:
        cache.learn(generation)


def _after_rollback(session: Session) -> None:
    session.info.pop("agora_content_changed", None)


_listening = False


def init_app(app: Flask) -> None:
    """Give the app its page store and watch every session's commits."""
    global _listening
    app.extensions[EXTENSION_KEY] = PageCache(app)
    if not _listening:
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _on_execute)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", lambda session, _tx: _after_rollback(session))
        _listening = True


# --- serving ------------------------------------------------------------------------------------

def _cacheable_visit() -> bool:
    return (request.method in ("GET", "HEAD")
            and not current_user.is_authenticated
            and "_flashes" not in session)


def _key() -> tuple:
    from app.i18n import select_locale

    return (request.full_path, select_locale(), clock.today().isoformat(),
            *(request.headers.get(name, "") for name in HTMX_HEADERS))


def _serve(entry: Entry) -> Response:
    body = entry.body
    if entry.has_token:
        body = body.replace(page_cache().token_marker, generate_csrf().encode())
    response = Response(body, status=200)
    response.headers.clear()
    for name, value in entry.headers:
        response.headers.add(name, value)
    return response


def _store(cache: PageCache, key: tuple, response: Response, generation: int) -> None:
    if (response.status_code != 200 or response.mimetype != "text/html"
            or response.direct_passthrough or response.is_streamed
            or "Set-Cookie" in response.headers
            or current_user.is_authenticated or "_flashes" in session):
        return
    body = response.get_data()
    token = g.get("csrf_token")
    has_token = bool(token) and token.encode() in body
    if has_token:
        body = body.replace(token.encode(), cache.token_marker)
    headers = [(name, value) for name, value in response.headers.items()
               if name in KEPT_HEADERS]
    cache.put(key, Entry(generation, time.monotonic() + cache.seconds, body, headers, has_token))


def cached_for_visitors(unless: Callable[[], bool] | None = None):
    """Serve this GET view from the page store to visitors who are not signed in."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            cache = page_cache()
            if (cache is None or not cache.enabled or not _cacheable_visit()
                    or (unless is not None and unless())):
                return view(*args, **kwargs)
            key, generation = _key(), cache.generation()
            entry = cache.get(key, generation)
            if entry is not None:
                cache.hits += 1
                return _serve(entry)
            cache.misses += 1
            response = current_app.make_response(view(*args, **kwargs))
            _store(cache, key, response, generation)
            return response

        return wrapper

    return decorate
