"""French (Canada) and the machinery that makes another language a catalogue, not code (issue 16)."""
import re
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import select

from matcher import resource_dir
from matcher.extensions import db
from matcher.intake.models import SupportRequest
from matcher.intake.notices import link_token
from matcher.intake.service import issue_status_link
from matcher.mailrelay.outbound.outbox import deliver_due
from matcher.timezones import zone_words

TRANSLATIONS = resource_dir("translations")
FRENCH = TRANSLATIONS / "fr_CA" / "LC_MESSAGES"


def _french(client, path, **kwargs):
    return client.get(path, query_string={"lang": "fr_CA", **kwargs}).get_data(as_text=True)


def test_french_pages_are_marked_french_and_remember_the_choice(client):
    response = client.get("/", query_string={"lang": "fr_CA"})
    page = response.get_data(as_text=True)
    assert '<html lang="fr-CA">' in page
    assert "Du soutien par courriel de quelqu’un qui est passé par là" in page
    assert "matcher_lang=fr_CA" in response.headers["Set-Cookie"]
    again = client.get("/guidelines").get_data(as_text=True)  # no ?lang=: the cookie keeps French
    assert '<html lang="fr-CA">' in again and "Lignes directrices" in again


def test_every_public_page_offers_the_other_language_in_its_own_words(client):
    for path in ("/", "/request", "/privacy", "/accessibility", "/guidelines", "/request/safety"):
        english = client.get(path, query_string={"lang": "en"}).get_data(as_text=True)
        assert re.search(r'<a class="language" href="[^"]*lang=fr_CA"[^>]*lang="fr-CA">Français \(Canada\)</a>',
                         english), path
        french = _french(client, path)
        assert 'hreflang="en" lang="en">English</a>' in french, path


def test_the_browsers_language_chooses_french(client):
    page = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert '<html lang="fr-CA">' in page


def test_form_errors_and_choices_are_in_french(client):
    client.get("/request", query_string={"lang": "fr_CA"})
    page = client.post("/request", data={"email": "robin@@example"}).get_data(as_text=True)
    assert "Veuillez vérifier" in page
    assert "Dites-nous comment vous appeler." in page
    assert "Entrez une adresse courriel comme nom@example.com." in page
    assert "Psychose post-partum" in page and "Royaume-Uni" in page
    assert "Please" not in page.split("<main", 1)[1].split("</main>", 1)[0]


def test_crisis_page_is_in_french_with_the_regions_numbers(client):
    page = _french(client, "/request/safety", region="CA")
    assert "Veuillez obtenir de l’aide maintenant" in page
    assert "Appelez ou textez le 988" in page and 'href="tel:988"' in page


def test_a_request_sent_in_french_gets_every_email_in_french(client, valid_form, smtp_sink, app):
    client.get("/request", query_string={"lang": "fr_CA"})
    client.post("/request", data=valid_form | {"region": "CA"})
    [stored] = db.session.scalars(select(SupportRequest))
    assert stored.locale == "fr_CA"
    # A later email, sent without the person's browser (here a coordinator's reissue), is French too.
    with app.test_request_context("/console"):
        issue_status_link(stored)
    deliver_due()
    smtp_sink.wait_for(2)
    confirmation, new_link = smtp_sink.to("robin.example@example.com")
    assert confirmation["Subject"] == "Veuillez confirmer votre demande de soutien par les pairs"
    body = confirmation.get_body(preferencelist=("plain",)).get_content()
    assert body.startswith("Bonjour Robin,") and "Appelez ou textez le 988" in body
    assert '<html lang="fr-CA">' in confirmation.get_body(preferencelist=("html",)).get_content()
    assert new_link["Subject"] == "Votre nouveau lien vers votre demande de soutien par les pairs"


def test_an_english_request_keeps_english_email_whatever_the_coordinators_browser(client, valid_form, smtp_sink,
                                                                                 app):
    client.post("/request", data=valid_form)
    [stored] = db.session.scalars(select(SupportRequest))
    with app.test_request_context("/console?lang=fr_CA"):
        issue_status_link(stored)
    deliver_due()
    smtp_sink.wait_for(2)
    assert [m["Subject"] for m in smtp_sink.to("robin.example@example.com")] == [
        "Please confirm your request for peer support", "Your new link to your request for peer support"]


def test_saving_preferences_in_french_switches_the_persons_emails_to_french(client, make_request):
    me = make_request(stage="early")
    client.post(f"/status/{link_token(me, 'status')}?lang=fr_CA", data={
        "stage": "established", "language": "en", "timezone": "Europe/London"})
    assert db.session.get(SupportRequest, me.id).locale == "fr_CA"


def test_dates_and_numbers_are_written_the_french_way(client, make_request):
    me = make_request(days_waiting=20, requested_on=datetime(2026, 3, 4, 12, tzinfo=UTC))
    page = _french(client, f"/status/{link_token(me, 'status')}")
    assert "le 4 mars 2026" in page
    assert "Vous êtes sur la liste d’attente." in page


def test_time_zones_in_words_in_both_languages(app):
    winter, summer = datetime(2026, 1, 15, tzinfo=UTC), datetime(2026, 7, 15, tzinfo=UTC)
    with app.test_request_context("/"):
        assert zone_words("America/Toronto", winter, "en", gettext, ngettext) == "Toronto (5 hours behind UTC)"
        assert zone_words("Europe/London", summer, "en", gettext, ngettext) == "London (1 hour ahead of UTC)"
        assert zone_words("Europe/London", winter, "en", gettext, ngettext) == "London (same time as UTC)"
        assert zone_words("America/St_Johns", winter, "en", gettext, ngettext) == "St. John’s (3 h 30 behind UTC)"
    with app.test_request_context("/"), force_locale("fr_CA"):
        assert zone_words("America/Toronto", winter, "fr_CA", gettext, ngettext) == (
            "Toronto (5 heures de retard sur l’UTC)")


def test_every_message_is_translated_and_the_compiled_catalogue_is_current():
    with (TRANSLATIONS / "messages.pot").open("rb") as pot, (FRENCH / "messages.po").open("rb") as po, \
            (FRENCH / "messages.mo").open("rb") as mo:
        template, french, compiled = read_po(pot), read_po(po), read_mo(mo)
    wanted = {m.id if isinstance(m.id, str) else tuple(m.id) for m in template if m.id}
    for message in french:
        if message.id:
            assert message.string and all(message.string), f"untranslated: {message.id!r}"
            assert not list(message.check(french)), f"placeholders differ: {message.id!r}"
            stored = compiled[message.id].string
            assert (stored if isinstance(stored, str) else tuple(stored)) == (
                message.string if isinstance(message.string, str) else tuple(message.string)), (
                f"stale .mo for {message.id!r}")
    assert wanted <= {m.id if isinstance(m.id, str) else tuple(m.id) for m in french if m.id}


def test_templates_hold_no_untranslated_public_sentence():
    # Public pages put words through _(); a bare English sentence would stay English in French.
    templates = Path(resource_dir("templates"))
    public = [*(templates / "intake").glob("*.html"), templates / "base.html", templates / "error.html",
              *(templates / "pairing" / name for name in ("apply.html", "applied.html", "link_gone.html",
                                                          "volunteer_page.html", "confirm.html")),
              templates / "care" / "feedback.html"]
    for path in public:
        text = re.sub(r"{{.*?}}|{%.*?%}|<[^>]+>", " ", path.read_text(), flags=re.S)
        assert not re.search(r"[A-Za-z]{3,} [a-z]{2,} [a-z]{2,}", text), path.name


@pytest.fixture
def third_language(tmp_path, app_config):
    """A Spanish catalogue in its own folder, and nothing else."""
    catalog = Catalog(locale="es")
    catalog.add("Support by email from someone who has been there", "Apoyo por correo de alguien que lo ha vivido")
    folder = tmp_path / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    app_config["BABEL_TRANSLATION_DIRECTORIES"] = f"{TRANSLATIONS};{tmp_path}"
    return app_config


def test_a_third_language_is_only_a_catalogue(third_language, app):
    client = app.test_client()
    home = client.get("/").get_data(as_text=True)
    assert 'lang="es">Español</a>' in home and 'lang="fr-CA">' in home
    spanish = client.get("/?lang=es").get_data(as_text=True)
    assert '<html lang="es">' in spanish and "Apoyo por correo de alguien que lo ha vivido" in spanish


def test_mail_queued_by_any_feature_to_a_french_requester_is_french(app, make_request):
    from matcher.mailrelay.outbound.outbox import queue_template

    me = make_request(email="camille@example.org", locale="fr_CA", region="CA")
    with app.test_request_context("/console"):
        row = queue_template("crisis_reply", me.email, kind="crisis_reply", pseudonym="Camille", region="CA",
                             status_url="http://matcher.test/status/x")
        volunteer = queue_template("crisis_reply", "volunteer@example.org", kind="crisis_reply",
                                   pseudonym="Sam", region="CA", status_url="http://matcher.test/status/y")
    message = BytesParser(policy=policy.default).parsebytes(row.raw)
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert row.subject == "L’aide que vous pouvez obtenir maintenant"
    assert text.startswith("Bonjour Camille,") and "Appelez ou textez le 988" in text
    assert 'href="tel:988"' in html and "116 123" not in html  # the HTML footer is the person's region too
    assert volunteer.subject == "Help you can get now"
