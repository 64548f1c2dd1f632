"""Languages of the web interface: negotiation, the remembered choice, multilingual labels.

* Interface strings are gettext messages (``api/translations``, Babel catalogues ``es`` and ``en``;
  source strings are English).  The compiled ``.mo`` files are committed; if one is missing (an
  edited checkout), it is compiled from its ``.po`` at start-up.
* The language of a request: the ``idac_lang`` cookie (set by the language switch, kept a year),
  else the best match of ``Accept-Language`` among ``es`` and ``en``, else Spanish (most users are
  data officers in Latin American ministries).
* Structure labels come from the artefacts' own multilingual names (``dict[lang, text]``): the UI
  language first, then English, then Spanish, then any language, then the id.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from flask import Flask, request
from flask_babel import Babel, get_locale

log = logging.getLogger("idac.ui")

LANGUAGES = ("es", "en")
DEFAULT = "es"
COOKIE = "idac_lang"
LANGUAGE_NAMES = {"es": "Español", "en": "English"}
TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


def select_locale() -> str:
    """The request's interface language."""
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT) or DEFAULT


def current_lang() -> str:
    """The interface language of the current request (``es`` or ``en``)."""
    loc = get_locale()
    return loc.language if loc is not None and loc.language in LANGUAGES else DEFAULT


def label(names: Mapping[str, str] | None, fallback: str = "") -> str:
    """The best text of a multilingual name for the current language."""
    if not names:
        return fallback
    lang = current_lang()
    for candidate in (lang, "en", "es"):
        text = names.get(candidate)
        if text:
            return text
    for key, text in names.items():
        if key.split("-")[0] == lang and text:
            return text
    return next((t for t in names.values() if t), fallback)


def compile_missing(folder: Path = TRANSLATIONS) -> list[Path]:
    """Compile ``messages.po`` to ``messages.mo`` where the ``.mo`` is missing or older."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    done: list[Path] = []
    for po in folder.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        try:
            with po.open("rb") as src:
                catalog = read_po(src, locale=po.parents[1].name)
            with mo.open("wb") as out:
                write_mo(out, catalog)
            done.append(mo)
        except OSError:  # a read-only installation: the committed .mo files are used as they are
            log.warning("could not compile %s", po)
    return done


def init_babel(app: Flask) -> Babel:
    """Attach flask-babel with the interface's locale selector and catalogues."""
    compile_missing()
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    babel = Babel(app, locale_selector=select_locale)
    return babel
