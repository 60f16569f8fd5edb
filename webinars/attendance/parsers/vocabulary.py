"""The one table of words the report parsers understand in other languages, with the source of each entry.

Zoom and Teams translate their exports into the interface language of whoever downloads
them: the header cells, the section titles, "Yes", the role names, the user actions and
the units of a duration ("1 ч 2 мин", "1 Std. 2 Min."). The parsers look for the English
words only; ``HEADERS`` maps each localised header (compared as ``base.header_key`` does:
lower case, spaces collapsed, no trailing colon) to the English one, ``VALUES`` does the same
for cell values, and ``DURATION_UNITS`` names the seconds of each unit word.

Every entry says where it comes from (``SOURCES``). Entries marked ``unverified`` are our
translation after the vendor's interface wording and have not been checked against a real
export in that language: when an organiser's file disagrees, correct the entry here (and
add the file, anonymised, to tests/attendance/fixtures). Zoom has no Kazakh interface;
Teams has one, so Kazakh entries exist for Teams only.
"""

from __future__ import annotations

SOURCES = {
    "en": "the vendor's English export (the layouts in tests/attendance/fixtures, from the vendors' documentation)",
    "seen": "header of real Russian Zoom participants exports, as read by public scripts found by code search (2025)",
    "unverified": "our translation after the vendor's interface wording; not yet checked against a real export",
}

# (English key the parsers use, localised spelling, language, source)
_HEADER_ROWS: list[tuple[str, str, str, str]] = [
    # --- Zoom: meeting participants report and webinar attendee report
    ("name (original name)", "имя (настоящее имя)", "ru", "seen"),
    ("join time", "время входа", "ru", "seen"),
    ("leave time", "время выхода", "ru", "seen"),
    ("user email", "адрес электронной почты пользователя", "ru", "unverified"),
    ("user email", "эл. почта пользователя", "ru", "unverified"),
    ("email", "адрес электронной почты", "ru", "unverified"),
    ("email", "электронная почта", "ru", "unverified"),
    ("duration (minutes)", "продолжительность (минуты)", "ru", "unverified"),
    ("total duration (minutes)", "общая продолжительность (минуты)", "ru", "unverified"),
    ("guest", "гость", "ru", "unverified"),
    ("in waiting room", "в зале ожидания", "ru", "unverified"),
    ("user name (original name)", "имя пользователя (настоящее имя)", "ru", "unverified"),
    ("time in session (minutes)", "время в сеансе (минуты)", "ru", "unverified"),
    ("attended", "присутствовал", "ru", "unverified"),
    ("last name", "фамилия", "ru", "unverified"),
    ("attendee details", "сведения об участниках", "ru", "unverified"),
    ("host details", "сведения об организаторе", "ru", "unverified"),
    ("panelist details", "сведения об участниках дискуссии", "ru", "unverified"),
    ("topic", "тема", "ru", "unverified"),
    ("meeting id", "идентификатор конференции", "ru", "unverified"),
    ("name (original name)", "name (ursprünglicher name)", "de", "unverified"),
    ("user email", "e-mail-adresse des benutzers", "de", "unverified"),
    ("user email", "benutzer-e-mail", "de", "unverified"),
    ("join time", "beitrittszeit", "de", "unverified"),
    ("leave time", "verlassenszeit", "de", "unverified"),
    ("duration (minutes)", "dauer (minuten)", "de", "unverified"),
    ("total duration (minutes)", "gesamtdauer (minuten)", "de", "unverified"),
    ("guest", "gast", "de", "unverified"),
    ("in waiting room", "im warteraum", "de", "unverified"),
    ("time in session (minutes)", "zeit in der sitzung (minuten)", "de", "unverified"),
    ("attended", "teilgenommen", "de", "unverified"),
    ("attendee details", "teilnehmerdetails", "de", "unverified"),
    ("host details", "host-details", "de", "unverified"),
    ("name (original name)", "nombre (nombre original)", "es", "unverified"),
    ("user email", "correo electrónico del usuario", "es", "unverified"),
    ("join time", "hora de entrada", "es", "unverified"),
    ("join time", "hora de unión", "es", "unverified"),
    ("leave time", "hora de salida", "es", "unverified"),
    ("duration (minutes)", "duración (minutos)", "es", "unverified"),
    ("total duration (minutes)", "duración total (minutos)", "es", "unverified"),
    ("guest", "invitado", "es", "unverified"),
    ("in waiting room", "en la sala de espera", "es", "unverified"),
    ("time in session (minutes)", "tiempo en la sesión (minutos)", "es", "unverified"),
    ("attended", "asistió", "es", "unverified"),
    ("attendee details", "detalles del asistente", "es", "unverified"),
    ("name (original name)", "nazwa (oryginalna nazwa)", "pl", "unverified"),
    ("user email", "adres e-mail użytkownika", "pl", "unverified"),
    ("join time", "czas dołączenia", "pl", "unverified"),
    ("leave time", "czas opuszczenia", "pl", "unverified"),
    ("duration (minutes)", "czas trwania (minuty)", "pl", "unverified"),
    ("total duration (minutes)", "łączny czas trwania (minuty)", "pl", "unverified"),
    ("guest", "gość", "pl", "unverified"),
    ("in waiting room", "w poczekalni", "pl", "unverified"),
    # --- Teams: attendance report (2021 on) and the earlier attendance list
    ("name", "имя", "ru", "unverified"),
    ("first join", "первое присоединение", "ru", "unverified"),
    ("last leave", "последний выход", "ru", "unverified"),
    ("in-meeting duration", "длительность участия в собрании", "ru", "unverified"),
    ("in-meeting duration", "продолжительность участия в собрании", "ru", "unverified"),
    ("duration", "длительность", "ru", "unverified"),
    ("duration", "продолжительность", "ru", "unverified"),
    ("participant id (upn)", "идентификатор участника (upn)", "ru", "unverified"),
    ("role", "роль", "ru", "unverified"),
    ("summary", "сводка", "ru", "unverified"),
    ("participants", "участники", "ru", "unverified"),
    ("in-meeting activities", "действия во время собрания", "ru", "unverified"),
    ("full name", "полное имя", "ru", "unverified"),
    ("user action", "действие пользователя", "ru", "unverified"),
    ("timestamp", "метка времени", "ru", "unverified"),
    ("first join", "erster beitritt", "de", "unverified"),
    ("last leave", "letztes verlassen", "de", "unverified"),
    ("in-meeting duration", "dauer in der besprechung", "de", "unverified"),
    ("duration", "dauer", "de", "unverified"),
    ("email", "e-mail", "de", "unverified"),
    ("participant id (upn)", "teilnehmer-id (upn)", "de", "unverified"),
    ("role", "rolle", "de", "unverified"),
    ("summary", "zusammenfassung", "de", "unverified"),
    ("participants", "teilnehmer", "de", "unverified"),
    ("in-meeting activities", "aktivitäten in der besprechung", "de", "unverified"),
    ("full name", "vollständiger name", "de", "unverified"),
    ("user action", "benutzeraktion", "de", "unverified"),
    ("timestamp", "zeitstempel", "de", "unverified"),
    ("name", "nombre", "es", "unverified"),
    ("first join", "primera unión", "es", "unverified"),
    ("last leave", "última salida", "es", "unverified"),
    ("in-meeting duration", "duración en la reunión", "es", "unverified"),
    ("duration", "duración", "es", "unverified"),
    ("email", "correo electrónico", "es", "unverified"),
    ("participant id (upn)", "id. de participante (upn)", "es", "unverified"),
    ("role", "rol", "es", "unverified"),
    ("summary", "resumen", "es", "unverified"),
    ("participants", "participantes", "es", "unverified"),
    ("in-meeting activities", "actividades en la reunión", "es", "unverified"),
    ("full name", "nombre completo", "es", "unverified"),
    ("user action", "acción del usuario", "es", "unverified"),
    ("timestamp", "marca de tiempo", "es", "unverified"),
    ("name", "imię i nazwisko", "pl", "unverified"),
    ("first join", "pierwsze dołączenie", "pl", "unverified"),
    ("last leave", "ostatnie opuszczenie", "pl", "unverified"),
    ("in-meeting duration", "czas trwania w spotkaniu", "pl", "unverified"),
    ("duration", "czas trwania", "pl", "unverified"),
    ("email", "adres e-mail", "pl", "unverified"),
    ("participant id (upn)", "identyfikator uczestnika (upn)", "pl", "unverified"),
    ("role", "rola", "pl", "unverified"),
    ("summary", "podsumowanie", "pl", "unverified"),
    ("participants", "uczestnicy", "pl", "unverified"),
    ("in-meeting activities", "działania w trakcie spotkania", "pl", "unverified"),
    ("user action", "akcja użytkownika", "pl", "unverified"),
    ("timestamp", "sygnatura czasowa", "pl", "unverified"),
    ("name", "аты", "kk", "unverified"),
    ("first join", "бірінші қосылу", "kk", "unverified"),
    ("last leave", "соңғы шығу", "kk", "unverified"),
    ("in-meeting duration", "жиналыстағы ұзақтығы", "kk", "unverified"),
    ("duration", "ұзақтығы", "kk", "unverified"),
    ("email", "электрондық пошта", "kk", "unverified"),
    ("role", "рөлі", "kk", "unverified"),
    ("summary", "жиынтық", "kk", "unverified"),
    ("participants", "қатысушылар", "kk", "unverified"),
    ("in-meeting activities", "жиналыстағы әрекеттер", "kk", "unverified"),
]

# Cell values: (English value the parsers use, localised spelling, language, source)
_VALUE_ROWS: list[tuple[str, str, str, str]] = [
    ("yes", "да", "ru", "unverified"),
    ("yes", "ja", "de", "unverified"),
    ("yes", "sí", "es", "unverified"),
    ("yes", "si", "es", "unverified"),
    ("yes", "tak", "pl", "unverified"),
    ("yes", "иә", "kk", "unverified"),
    ("no", "нет", "ru", "unverified"),
    ("no", "nein", "de", "unverified"),
    ("no", "nie", "pl", "unverified"),
    ("no", "жоқ", "kk", "unverified"),
    ("organizer", "организатор", "ru", "unverified"),
    ("co-organizer", "соорганизатор", "ru", "unverified"),
    ("organizer", "organisator", "de", "unverified"),
    ("co-organizer", "mitorganisator", "de", "unverified"),
    ("organizer", "organizador", "es", "unverified"),
    ("co-organizer", "coorganizador", "es", "unverified"),
    ("organizer", "organizator", "pl", "unverified"),
    ("co-organizer", "współorganizator", "pl", "unverified"),
    ("organizer", "ұйымдастырушы", "kk", "unverified"),
    ("host", "организатор конференции", "ru", "unverified"),
    ("co-host", "соорганизатор конференции", "ru", "unverified"),
    ("joined", "присоединился", "ru", "unverified"),
    ("joined", "присоединился ранее", "ru", "unverified"),
    ("left", "вышел", "ru", "unverified"),
    ("left", "покинул", "ru", "unverified"),
    ("joined", "beigetreten", "de", "unverified"),
    ("left", "verlassen", "de", "unverified"),
    ("joined", "se unió", "es", "unverified"),
    ("left", "salió", "es", "unverified"),
    ("joined", "dołączył", "pl", "unverified"),
    ("left", "opuścił", "pl", "unverified"),
]

# Duration unit words (lower case, without a trailing dot) → seconds, with language and source.
_UNIT_ROWS: list[tuple[int, tuple[str, ...], str, str]] = [
    (3600, ("h", "hr", "hrs", "hour", "hours"), "en", "en"),
    (60, ("m", "min", "mins", "minute", "minutes"), "en", "en"),
    (1, ("s", "sec", "secs", "second", "seconds"), "en", "en"),
    (3600, ("ч", "час", "часа", "часов"), "ru", "unverified"),
    (60, ("мин", "минута", "минуты", "минут"), "ru", "unverified"),
    (1, ("с", "сек", "секунда", "секунды", "секунд"), "ru", "unverified"),
    (3600, ("std", "stunde", "stunden"), "de", "unverified"),
    (60, ("minute", "minuten"), "de", "unverified"),
    (1, ("sek", "sekunde", "sekunden"), "de", "unverified"),
    (3600, ("hora", "horas"), "es", "unverified"),
    (60, ("minuto", "minutos"), "es", "unverified"),
    (1, ("seg", "segundo", "segundos"), "es", "unverified"),
    (3600, ("godz", "godzina", "godziny", "godzin"), "pl", "unverified"),
    (60, ("minuta", "minuty", "minut"), "pl", "unverified"),
    (1, ("sekunda", "sekundy", "sekund"), "pl", "unverified"),
    (3600, ("сағ", "сағат"), "kk", "unverified"),
    (60, ("мин", "минут"), "kk", "unverified"),
    (1, ("сек", "секунд"), "kk", "unverified"),
]

HEADERS: dict[str, str] = {local: english for english, local, _language, _source in _HEADER_ROWS}
VALUES: dict[str, str] = {local: english for english, local, _language, _source in _VALUE_ROWS}
DURATION_UNITS: dict[str, int] = {word: seconds for seconds, words, _language, _source in _UNIT_ROWS for word in words}
LANGUAGES = sorted({row[2] for row in _HEADER_ROWS} | {"en"})


def english_header(key: str) -> str:
    """A header key (already ``header_key``-normalised) in the English the parsers look for."""
    return HEADERS.get(key, key)


def english_value(value: str) -> str:
    """A cell value (Yes, a role, a user action) in English, lower case."""
    text = " ".join(value.strip().lower().split())
    return VALUES.get(text, text)


def entries() -> list[dict[str, str]]:
    """Every entry with its language and source, for the README and the tests."""
    rows = [{"kind": "header", "english": e, "local": loc, "language": lang, "source": SOURCES[src]} for e, loc, lang, src in _HEADER_ROWS]
    rows += [{"kind": "value", "english": e, "local": loc, "language": lang, "source": SOURCES[src]} for e, loc, lang, src in _VALUE_ROWS]
    rows += [
        {"kind": "unit", "english": f"{seconds} s", "local": w, "language": lang, "source": SOURCES[src]}
        for seconds, words, lang, src in _UNIT_ROWS
        for w in words
    ]
    return rows
