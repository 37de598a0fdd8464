"""Languages of the public side: which one a page or an email is in, and how to switch.

The languages offered are the catalogues found in translations/ (plus English, the
source language), so a third language is one more translations/<locale>/ folder,
not code. A person's choice comes from ?lang=, then the cookie it sets, then the
browser's Accept-Language; an email is rendered in the language stored with the
person's request (`in_language`).
"""
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from urllib.parse import urlencode

from babel import Locale
from flask import Flask, current_app, has_request_context, request
from flask_babel import force_locale, get_locale, refresh

from matcher.extensions import babel

COOKIE = "matcher_lang"
SOURCE_LOCALE = "en"
# The coordinators' console is in English only, whatever language its user read the public pages in.
STAFF_PATHS = ("/console",)


def init_app(app: Flask, translations: str) -> None:
    """Bind Flask-Babel to the catalogues in `translations` and remember a chosen language in a cookie."""
    babel.init_app(app, locale_selector=select_locale, default_locale=SOURCE_LOCALE,
                   default_translation_directories=translations)
    # Forget the last request's language: an app context pushed around several requests (a CLI
    # command, a test) would otherwise keep the first one's.
    app.before_request(refresh)
    app.after_request(_remember_choice)
    app.add_template_global(language_links, "language_links")
    app.add_template_global(html_lang, "html_lang")


def available() -> list[str]:
    """Return the locale codes with a catalogue, the source language first."""
    found = sorted(str(locale) for locale in babel.list_translations())
    return [SOURCE_LOCALE] + [code for code in found if code != SOURCE_LOCALE]


def chosen_locale(value: str | None) -> str | None:
    """Return `value` if it names an offered language, else None."""
    return value if value in available() else None


def select_locale() -> str:
    """Choose the page's language: ?lang=, then the cookie, then the browser, then English."""
    if not has_request_context() or request.path.startswith(STAFF_PATHS):
        return SOURCE_LOCALE
    picked = chosen_locale(request.args.get("lang")) or chosen_locale(request.cookies.get(COOKIE))
    if picked:
        return picked
    # Accept-Language speaks in tags ("fr-CA"); the catalogues in locale codes ("fr_CA").
    tags = {code.replace("_", "-"): code for code in available()}
    best = request.accept_languages.best_match(list(tags)) or _language_only_match(tags)
    return tags.get(best, SOURCE_LOCALE) if best else SOURCE_LOCALE


def _language_only_match(tags: dict[str, str]) -> str | None:
    """Match "fr" or "fr-FR" from the browser to the first offered "fr-*" catalogue."""
    for wanted, _quality in request.accept_languages:
        language = wanted.split("-")[0].lower()
        for tag in tags:
            if tag.split("-")[0].lower() == language:
                return tag
    return None


def current() -> str:
    """Return the locale code of the page or email being rendered."""
    locale = get_locale()
    return str(locale) if locale else SOURCE_LOCALE


def html_lang() -> str:
    """Return the BCP 47 tag for <html lang>, e.g. "fr-CA"."""
    return current().replace("_", "-")


def language_links() -> list[dict]:
    """Return one link per other offered language, each named in its own language."""
    links = []
    for code in available():
        if code == current():
            continue
        arguments = {**request.args.to_dict(), "lang": code}
        url = request.path + "?" + urlencode(arguments)
        links.append({"code": code, "tag": code.replace("_", "-"), "url": url,
                      "name": own_name(code)})
    return links


def own_name(code: str) -> str:
    """Return a language's name in that language, e.g. "Français (Canada)" for fr_CA."""
    return _capitalised(Locale.parse(code).get_display_name(code) or code)


def _capitalised(name: str) -> str:
    """Return "Français (Canada)" from "français (Canada)": str.capitalize would lower the rest."""
    return name[:1].upper() + name[1:]


def _remember_choice(response):
    picked = chosen_locale(request.args.get("lang"))
    if picked and request.cookies.get(COOKIE) != picked:
        response.set_cookie(COOKIE, picked, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@contextmanager
def in_language(locale: str | None) -> Iterator[None]:
    """Render what is inside (an email) in `locale`, or English when it is not offered."""
    with force_locale(chosen_locale(locale) or SOURCE_LOCALE):
        yield


def in_stored_language(locale: str | None) -> AbstractContextManager:
    """Render a signed page in the language stored for its person, unless this very page asked for another (?lang=)."""
    if not locale or chosen_locale(request.args.get("lang")):
        return nullcontext()
    return in_language(locale)
