"""UI languages: Ukrainian by default, Russian and English on request, the user's own language once
signed in, and message catalogues that are complete (so a new untranslated string fails the suite)."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import g, request_started

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
TRANSLATED = ("uk", "ru")
ALL_LANGUAGES = ("uk", "ru", "en")
SLAVIC_PLURALS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)
# %(name)s, %s, {name}, DataTables' _TOTAL_ and HTML tags must survive translation unchanged.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|\b_[A-Z]+_\b|<[^>]+>")


def catalog(language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=language)


def entries(cat):
    return [message for message in cat if message.id]


def as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


# --- what people see -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fresh_request_state(app):
    """conftest keeps one app context open for the whole test and Flask reuses it for test-client
    requests, so `g` (where Flask-Babel caches the chosen locale and Flask-Login the user) would
    carry over from one request to the next. In production every request has its own; do the same."""

    def reset(sender, **extra):
        g.pop("_flask_babel", None)
        g.pop("_login_user", None)

    with request_started.connected_to(reset, app):
        yield


def test_login_page_is_ukrainian_by_default(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert '<html lang="uk">' in page.text
    assert "Увійти" in page.text  # "Sign in": the title and the button
    assert "Логін" in page.text  # the "Username" label
    assert "Sign in" not in page.text


def test_unsupported_browser_language_falls_back_to_ukrainian(client):
    page = client.get("/login", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert "Увійти" in page.text
    assert "Sign in" not in page.text


def test_login_page_in_russian(client):
    page = client.get("/login", headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    assert '<html lang="ru">' in page.text
    assert "Войти" in page.text
    assert "Логин" in page.text
    assert "Увійти" not in page.text
    assert "Sign in" not in page.text


def test_login_page_in_english(client):
    page = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="en">' in page.text
    assert "Sign in" in page.text
    assert "Username" in page.text
    assert "Увійти" not in page.text


def test_wrong_password_message_follows_the_language(client):
    page = client.get("/login", headers={"Accept-Language": "ru"})
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    answer = client.post(
        "/login",
        data={"username": "nobody-here", "password": "wrong-password", "csrf_token": token},
        headers={"Accept-Language": "ru"},
        follow_redirects=True,
    )
    assert "Неверный логин или пароль." in answer.text


def test_signed_in_user_sees_own_language_on_profile(make_user, login_as):
    user = make_user(role_code="agent", language="ru")
    client = login_as(user)
    # The user's saved language wins over what the browser asks for.
    page = client.get("/admin/profile/", headers={"Accept-Language": "uk"})
    assert page.status_code == 200
    assert "Мои данные" in page.text  # "My details"
    assert "Изменить пароль" in page.text  # "Change password"
    assert "Двухфакторный вход" in page.text  # "Two-factor sign-in"
    assert "Мої дані" not in page.text
    assert "My details" not in page.text


def test_signed_in_user_with_default_language_sees_ukrainian_profile(make_user, login_as):
    client = login_as(make_user(role_code="agent"))
    page = client.get("/admin/profile/", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "Мої дані" in page.text
    assert "Змінити пароль" in page.text
    assert "My details" not in page.text


# --- the catalogues ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_catalogue_exists_with_right_plural_forms(language):
    cat = catalog(language)
    assert str(cat.locale) == language
    if language in TRANSLATED:
        assert cat.num_plurals == 3
        assert cat.plural_forms == SLAVIC_PLURALS
    else:
        assert cat.num_plurals == 2


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_is_complete(language):
    cat = catalog(language)
    assert entries(cat), "empty catalogue"
    untranslated = [m.id for m in entries(cat) if not all(as_tuple(m.string))]
    fuzzy = [m.id for m in entries(cat) if m.fuzzy]
    assert not untranslated, f"untranslated in {language}: {untranslated}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_placeholders(language):
    broken = []
    for message in entries(catalog(language)):
        wanted = sorted(PLACEHOLDER.findall(as_tuple(message.id)[-1]))
        for text in as_tuple(message.string):
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                broken.append((message.id, text))
    assert not broken


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_entries_have_every_form(language):
    cat = catalog(language)
    short = [m.id for m in entries(cat) if m.pluralizable and len(as_tuple(m.string)) != cat.num_plurals]
    assert not short


def _source_messages():
    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, filename="babel.cfg")
    keywords = dict(DEFAULT_KEYWORDS, _l=None, lazy_gettext=None)
    found = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        key = message[0] if isinstance(message, tuple) else message
        if key:
            found.add((context, key))
    return found


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_in_the_code_is_in_the_catalogue(language):
    """A string marked in code or templates but missing from the catalogue would show in English.
    Fix: `make extract-messages`, translate the new entries, `make translations`."""
    known = {(m.context, as_tuple(m.id)[0]) for m in entries(catalog(language))}
    missing = sorted(key for _context, key in _source_messages() - known)
    assert not missing, f"not in translations/{language}: {missing}"


@pytest.mark.parametrize(
    ("language", "right", "wrong"),
    [
        ("uk", ["Скасувати", "записів"], ["&#34;Скасувати&#34;", '"Скасувати"', "елементи"]),
        ("ru", ["Добавить фильтр", "записей"], ["Добавить Фильтр", "элементы"]),
    ],
)
def test_flask_admins_own_glitches_are_corrected_by_our_catalogue(make_user, login_as, language, right, wrong):
    owner = make_user(role_code="owner", language=language)
    client = login_as(owner)
    pages = client.get("/admin/banks/").text + client.get("/admin/banks/new/").text
    for text in right:
        assert text in pages, text
    for text in wrong:
        assert text not in pages, text
