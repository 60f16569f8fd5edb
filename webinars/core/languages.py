"""Languages of content (as opposed to the UI languages in ``settings.LANGUAGES``).

Webinars are delivered and described in the languages of Central Asia and the South
Caucasus; the UI is translated into English and Russian only, but every content field
can carry text in each of these.
"""

CONTENT_LANGUAGES: list[tuple[str, str]] = [
    ("en", "English"),
    ("ru", "Русский"),
    ("kk", "Қазақша"),
    ("ky", "Кыргызча"),
    ("uz", "Oʻzbekcha"),
    ("tg", "Тоҷикӣ"),
    ("tk", "Türkmençe"),
    ("hy", "Հայերեն"),
    ("ka", "ქართული"),
    ("az", "Azərbaycanca"),
]
CONTENT_LANGUAGE_CODES: list[str] = [code for code, _name in CONTENT_LANGUAGES]
CONTENT_LANGUAGE_NAMES: dict[str, str] = dict(CONTENT_LANGUAGES)


def language_name(code: str) -> str:
    """The language's own name (endonym), or the code when it is not one we know."""
    return CONTENT_LANGUAGE_NAMES.get(code, code)
