"""Matching quality: are attendees matched to the right registrations, and never to a wrong one?

200 registrations of people from Kazakhstan, Kyrgyzstan, Russia, Uzbekistan, Azerbaijan,
Armenia and Georgia, typed as people type them on a registration form: in Cyrillic (with
Kazakh letters), Armenian, Georgian, Azerbaijani or Uzbek Latin, or in an English
transliteration; surname first for some, with a patronymic for some. Then a meeting's
attendee list, without e-mail addresses (the hard case), where each registered person who
came appears once as they named themselves in the meeting:

* variants a person would match **without hesitation** (the recall set): the other script,
  another usual transliteration, the words reversed, a device ("(iPhone)", "- iPad"),
  emoji and decorations, an institution ("- Museum of X", "| State Museum"), capitals, a
  letter left out of a long word;
* variants a person would **hesitate** over (proposed for review is right, matched is fine
  only if it is the right registration): initial and surname, first name only, first name
  and an initial, a changed letter;
* people who must **not** be matched: unregistered relatives (same surname, another first
  name), gendered forms of a registered name (Aleksandra Ivanova for Александр Иванов,
  Viktor Lebedev for Виктория Лебедева, Ярослава for Ярослав), a different first name that
  transliterates alike (Sergey for Серік), namesakes (same first name, another surname; or
  the very same name while the registered person is also there, at the same time), and
  strangers.

Spellings are written out by hand per name (``FIRST``, ``SURNAMES``), not produced by the
matcher's own rules, so the benchmark tests the rules rather than repeating them.

Precision = right automatic name matches / all automatic name matches (target 100 %);
recall = right automatic matches among the "without hesitation" variants (target ≥ 90 %);
review size = attendees left to the organiser (proposed or unmatched).

    .venv/bin/python bench/matching.py          # prints the numbers (JSON)
"""

from __future__ import annotations

import json
import os
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_PRECISION = 1.0
TARGET_RECALL = 0.9
REGISTRATIONS = 200

# (native, [Latin spellings people use], gender, culture). Pairs across genders (Александр /
# Александра) are what the gendered namesakes are made of.
FIRST = [
    ("Александр", ["Aleksandr", "Alexander", "Alexandr"], "m", "ru"),
    ("Александра", ["Aleksandra", "Alexandra"], "f", "ru"),
    ("Виктор", ["Viktor", "Victor"], "m", "ru"),
    ("Виктория", ["Viktoriya", "Viktoria", "Victoria"], "f", "ru"),
    ("Ярослав", ["Yaroslav", "Iaroslav"], "m", "ru"),
    ("Ярослава", ["Yaroslava", "Iaroslava"], "f", "ru"),
    ("Евгений", ["Evgeniy", "Evgeny", "Yevgeniy"], "m", "ru"),
    ("Евгения", ["Evgeniya", "Evgenia", "Yevgeniya"], "f", "ru"),
    ("Сергей", ["Sergey", "Sergei"], "m", "ru"),
    ("Дмитрий", ["Dmitriy", "Dmitry", "Dmitrii"], "m", "ru"),
    ("Юлия", ["Yuliya", "Yulia", "Julia", "Iuliia"], "f", "ru"),
    ("Екатерина", ["Ekaterina", "Yekaterina"], "f", "ru"),
    ("Наталья", ["Natalya", "Natalia"], "f", "ru"),
    ("Андрей", ["Andrey", "Andrei"], "m", "ru"),
    ("Серік", ["Serik"], "m", "kz"),
    ("Нұрлан", ["Nurlan"], "m", "kz"),
    ("Ерлан", ["Erlan", "Yerlan"], "m", "kz"),
    ("Асқар", ["Askar", "Asqar"], "m", "kz"),
    ("Ғалым", ["Galym", "Ghalym"], "m", "kz"),
    ("Бауыржан", ["Bauyrzhan", "Baurzhan"], "m", "kz"),
    ("Дәурен", ["Dauren"], "m", "kz"),
    ("Әйгерім", ["Aigerim", "Aygerim"], "f", "kz"),
    ("Динара", ["Dinara"], "f", "kz"),
    ("Гүлнар", ["Gulnar"], "f", "kz"),
    ("Іңкәр", ["Inkar"], "f", "kz"),
    ("Жанар", ["Zhanar", "Janar"], "f", "kz"),
    ("Мадина", ["Madina"], "f", "kz"),
    ("Айгүл", ["Aigul", "Aygul"], "f", "kz"),
    ("Farrux", ["Farrukh", "Farukh"], "m", "uz"),
    ("Jamshid", ["Dzhamshid", "Jamshid"], "m", "uz"),
    ("Sherzod", ["Sherzod"], "m", "uz"),
    ("Baxtiyor", ["Bakhtiyor", "Bahtiyor"], "m", "uz"),
    ("Dilnoza", ["Dilnoza"], "f", "uz"),
    ("Nodira", ["Nodira"], "f", "uz"),
    ("Shahnoza", ["Shakhnoza", "Shahnoza"], "f", "uz"),
    ("Cavid", ["Javid", "Dzhavid"], "m", "az"),
    ("Elçin", ["Elchin"], "m", "az"),
    ("Rəşad", ["Rashad", "Reshad"], "m", "az"),
    ("Tural", ["Tural"], "m", "az"),
    ("Gülnarə", ["Gulnara", "Gulnare"], "f", "az"),
    ("Aysel", ["Aysel", "Aisel"], "f", "az"),
    ("Nərmin", ["Narmin", "Nermin"], "f", "az"),
    ("Leyla", ["Leyla", "Leila"], "f", "az"),
    ("Արամ", ["Aram"], "m", "am"),
    ("Տիգրան", ["Tigran"], "m", "am"),
    ("Նարեկ", ["Narek"], "m", "am"),
    ("Հովհաննես", ["Hovhannes", "Hovannes"], "m", "am"),
    ("Անահիտ", ["Anahit", "Anait"], "f", "am"),
    ("Լուսինե", ["Lusine"], "f", "am"),
    ("Գոհար", ["Gohar", "Goar"], "f", "am"),
    ("Արուսյակ", ["Arusyak", "Arusiak"], "f", "am"),
    ("Մարիամ", ["Mariam"], "f", "am"),
    ("გიორგი", ["Giorgi"], "m", "ge"),
    ("დავით", ["Davit"], "m", "ge"),
    ("ნიკა", ["Nika"], "m", "ge"),
    ("ლევან", ["Levan"], "m", "ge"),
    ("ნინო", ["Nino"], "f", "ge"),
    ("თამარ", ["Tamar"], "f", "ge"),
    ("ანა", ["Ana"], "f", "ge"),
    ("ეკა", ["Eka"], "f", "ge"),
]
# (masculine native, feminine native, [masculine Latin spellings], culture); the feminine Latin adds "a"
# (Armenian and Georgian surnames, and Ukrainian -enko, have one form).
SURNAMES = [
    ("Иванов", "Иванова", ["Ivanov"], "ru"),
    ("Лебедев", "Лебедева", ["Lebedev"], "ru"),
    ("Петренко", "Петренко", ["Petrenko"], "ru"),
    ("Щукин", "Щукина", ["Shchukin", "Shukin"], "ru"),
    ("Журавлёв", "Журавлёва", ["Zhuravlev", "Zhuravlyov"], "ru"),
    ("Кузнецов", "Кузнецова", ["Kuznetsov", "Kuznecov"], "ru"),
    ("Соколов", "Соколова", ["Sokolov"], "ru"),
    ("Хохлов", "Хохлова", ["Khokhlov", "Hohlov"], "ru"),
    ("Қасымов", "Қасымова", ["Kassymov", "Kasymov", "Qasymov"], "kz"),
    ("Халиков", "Халикова", ["Khalikov", "Halikov", "Xalikov"], "kz"),
    ("Ахметов", "Ахметова", ["Akhmetov", "Ahmetov"], "kz"),
    ("Жұмабаев", "Жұмабаева", ["Zhumabaev", "Jumabaev", "Zhumabayev"], "kz"),
    ("Оспанов", "Оспанова", ["Ospanov"], "kz"),
    ("Тоқтаров", "Тоқтарова", ["Toktarov", "Toqtarov"], "kz"),
    ("Нұрланов", "Нұрланова", ["Nurlanov"], "kz"),
    ("Yusupov", "Yusupova", ["Yusupov", "Iusupov"], "uz"),
    ("Raximov", "Raximova", ["Rakhimov", "Rahimov"], "uz"),
    ("Saidov", "Saidova", ["Saidov", "Saydov"], "uz"),
    ("Tursunov", "Tursunova", ["Tursunov"], "uz"),
    ("Xolmatov", "Xolmatova", ["Kholmatov", "Holmatov"], "uz"),
    ("Məmmədov", "Məmmədova", ["Mammadov", "Mamedov", "Memmedov"], "az"),
    ("Qasımov", "Qasımova", ["Gasimov", "Kasimov", "Gasymov"], "az"),
    ("Əliyev", "Əliyeva", ["Aliyev", "Aliev"], "az"),
    ("Quliyev", "Quliyeva", ["Guliyev", "Kuliev"], "az"),
    ("Həsənov", "Həsənova", ["Hasanov", "Hasanov"], "az"),
    ("Սարգսյան", "Սարգսյան", ["Sargsyan", "Sargsian"], "am"),
    ("Մանուկյան", "Մանուկյան", ["Manukyan", "Manukian"], "am"),
    ("Ղազարյան", "Ղազարյան", ["Ghazaryan", "Gazaryan"], "am"),
    ("Պետրոսյան", "Պետրոսյան", ["Petrosyan", "Petrosian"], "am"),
    ("Ոսկանյան", "Ոսկանյան", ["Voskanyan", "Voskanian"], "am"),
    ("Ծատուրյան", "Ծատուրյան", ["Tsaturyan", "Tsaturian"], "am"),
    ("ბერიძე", "ბერიძე", ["Beridze"], "ge"),
    ("ჭავჭავაძე", "ჭავჭავაძე", ["Chavchavadze"], "ge"),
    ("ყიფიანი", "ყიფიანი", ["Kipiani", "Qipiani"], "ge"),
    ("წერეთელი", "წერეთელი", ["Tsereteli", "Cereteli"], "ge"),
    ("ღვინიაშვილი", "ღვინიაშვილი", ["Ghviniashvili", "Gviniashvili"], "ge"),
    ("ხუციშვილი", "ხუციშვილი", ["Khutsishvili", "Xucishvili"], "ge"),
]
CULTURES = {"ru": ["ru", "kz"], "kz": ["kz", "ru"], "uz": ["uz"], "az": ["az"], "am": ["am"], "ge": ["ge"]}
PATRONYMICS = {"m": ["Ержанович", "Серикович", "Ержанұлы"], "f": ["Ержановна", "Сериковна", "Ержанқызы"]}
SIMILAR_FIRST = {"Серік": "Sergey", "Сергей": "Serik"}  # another name that transliterates alike
INSTITUTIONS = ["Museum of X", "State Museum", "Central Museum Almaty", "Erebuni Museum"]
DECORATIONS = [("🌸 ", " 🌸"), ("★ ", " ★"), ("~", "~"), ("", " 🏛️"), ("✿ ", "")]


@dataclass
class Person:
    first: int  # index into FIRST
    surname: int  # index into SURNAMES
    gender: str

    def native(self) -> tuple[str, str]:
        masculine, feminine, _latin, _culture = SURNAMES[self.surname]
        return FIRST[self.first][0], masculine if self.gender == "m" else feminine

    def latin(self, rng: random.Random, avoid: str = "") -> tuple[str, str]:
        firsts = FIRST[self.first][1]
        surnames = [
            s if self.gender == "m" or SURNAMES[self.surname][0] == SURNAMES[self.surname][1] else s + "a"
            for s in SURNAMES[self.surname][2]
        ]
        pairs = [(f, s) for f in firsts for s in surnames if f"{f} {s}" != avoid]
        return rng.choice(pairs or [(firsts[0], surnames[0])])


@dataclass
class Attendee:
    name: str
    expected: int | None  # the registration a person would link, None: nobody
    kind: str  # "obvious", "hesitant", "negative"
    variant: str
    interval: tuple[int, int]


def _people(rng: random.Random) -> list[Person]:
    people: list[Person] = []
    seen: set[tuple[int, int]] = set()
    while len(people) < REGISTRATIONS:
        first = rng.randrange(len(FIRST))
        culture = FIRST[first][3]
        surnames = [i for i, s in enumerate(SURNAMES) if s[3] in CULTURES[culture]]
        surname = rng.choice(surnames)
        if (first, surname) in seen:
            continue
        seen.add((first, surname))
        people.append(Person(first, surname, FIRST[first][2]))
    return people


def _registration_name(person: Person, rng: random.Random) -> str:
    """As typed on the form: own script mostly, a Latin spelling for some, surname first or a patronymic now and then."""
    first, surname = person.native()
    if rng.random() < 0.25:
        first, surname = person.latin(rng)
    roll = rng.random()
    if roll < 0.2:
        return f"{surname} {first}"
    if roll < 0.3 and FIRST[person.first][3] in ("ru", "kz") and not first.isascii():
        return f"{surname} {first} {rng.choice(PATRONYMICS[person.gender])}"
    return f"{first} {surname}"


def _drop_letter(word: str) -> str | None:
    if len(word) < 8:
        return None
    i = len(word) // 2
    # Not a letter of a double, nor one whose neighbours would become a double or a y-vowel pair (those read as two changes).
    if word[i] in (word[i - 1], word[i + 1]) or word[i - 1] == word[i + 1] or "y" in word[i - 1 : i + 2]:
        return None
    return word[:i] + word[i + 1 :]


def _obvious(person: Person, registered: str, rng: random.Random) -> tuple[str, str]:
    native_first, native_surname = person.native()
    first, surname = person.latin(rng, avoid=registered)
    if registered.isascii() and not (native_first + native_surname).isascii():
        first, surname = (native_first, native_surname) if rng.random() < 0.5 else (first, surname)
    kind = rng.choice(["script", "reversed", "device", "decorated", "institution", "capitals", "dropped letter", "script"])
    if kind == "reversed":
        return f"{surname} {first}", kind
    if kind == "device":
        return rng.choice([f"{first} {surname} (iPhone)", f"{first} {surname} - iPad", f"{first} {surname} (Galaxy S21)"]), kind
    if kind == "decorated":
        before, after = rng.choice(DECORATIONS)
        return f"{before}{first} {surname}{after}", kind
    if kind == "institution":
        return rng.choice([f"{first} {surname} - {rng.choice(INSTITUTIONS)}", f"{first} {surname} | {rng.choice(INSTITUTIONS)}"]), kind
    if kind == "capitals":
        return f"{first} {surname}".upper(), kind
    if kind == "dropped letter":
        first_l, surname_l = person.latin(rng)
        dropped = _drop_letter(surname_l)
        if dropped:
            return f"{first_l} {dropped}", kind
    return f"{first} {surname}", "script"


def _hesitant(person: Person, rng: random.Random) -> tuple[str, str]:
    first, surname = person.latin(rng)
    kind = rng.choice(["initial", "first name only", "surname initial", "changed letter"])
    if kind == "initial":
        return f"{first[0]}. {surname}", kind
    if kind == "first name only":
        return first, kind
    if kind == "surname initial":
        return f"{first} {surname[0]}.", kind
    i = len(surname) // 2
    return f"{first} {surname[:i]}{'o' if surname[i] != 'o' else 'e'}{surname[i + 1 :]}", kind


def build(seed: int = 2024) -> tuple[list[tuple[int, str, str, str]], list[Attendee]]:
    rng = random.Random(seed)
    people = _people(rng)
    registrations = [(pk, f"p{pk}@museum.example", _registration_name(p, rng), "confirmed") for pk, p in enumerate(people, start=1)]
    taken = {(p.first, p.surname) for p in people}
    attendees: list[Attendee] = []

    def when() -> tuple[int, int]:
        start = rng.randrange(0, 30) * 60
        return start, start + rng.randrange(20, 90) * 60

    for pk, person in enumerate(people, start=1):
        if rng.random() < 0.1:
            continue  # registered, did not come
        registered = registrations[pk - 1][2]
        if rng.random() < 0.8:
            name, variant = _obvious(person, registered, rng)
            attendees.append(Attendee(name, pk, "obvious", variant, when()))
        else:
            name, variant = _hesitant(person, rng)
            attendees.append(Attendee(name, pk, "hesitant", variant, when()))

    def unregistered(first: int, surname: int) -> bool:
        return (first, surname) not in taken and FIRST[first][2] in ("m", "f")

    negatives: list[Attendee] = []
    for person in people:
        masculine, feminine, _latin, _culture = SURNAMES[person.surname]
        native_first, _ = person.native()
        # A gendered form: the other gender's first name of the same root, the surname to match.
        partner = next(
            (i for i, f in enumerate(FIRST) if f[0] != native_first and (f[0].startswith(native_first) or native_first.startswith(f[0]))),
            None,
        )
        if partner is not None and unregistered(partner, person.surname) and rng.random() < 0.6:
            other = Person(partner, person.surname, FIRST[partner][2])
            first, surname = other.latin(rng) if rng.random() < 0.7 else other.native()
            negatives.append(Attendee(f"{first} {surname}", None, "negative", "gendered form", when()))
        if native_first in SIMILAR_FIRST:
            other_first = next(i for i, f in enumerate(FIRST) if f[1][0] == SIMILAR_FIRST[native_first])
            if unregistered(other_first, person.surname):
                first, surname = Person(other_first, person.surname, FIRST[other_first][2]).latin(rng)
                negatives.append(Attendee(f"{first} {surname}", None, "negative", "similar first name", when()))
        roll = rng.random()
        if roll < 0.12:
            relative = rng.choice([i for i, f in enumerate(FIRST) if f[3] == FIRST[person.first][3] and i != person.first])
            if unregistered(relative, person.surname):
                first, surname = Person(relative, person.surname, FIRST[relative][2]).latin(rng)
                negatives.append(Attendee(f"{first} {surname}", None, "negative", "relative", when()))
        elif roll < 0.2:
            culture = FIRST[person.first][3]
            surname_i = rng.choice([i for i, s in enumerate(SURNAMES) if s[3] in CULTURES[culture] and i != person.surname])
            if unregistered(person.first, surname_i):
                first, surname = Person(person.first, surname_i, person.gender).latin(rng)
                negatives.append(Attendee(f"{first} {surname}", None, "negative", "namesake (first name)", when()))
    # The very same name as a registered person who is there at the same time: only one can be the registration.
    present = [a for a in attendees if a.kind == "obvious" and a.variant == "script" and " " in a.name]
    for twin in rng.sample(present, 3):
        negatives.append(Attendee(twin.name, None, "negative", "namesake (same name, same time)", twin.interval))
    strangers = 0
    while strangers < 15:
        first, surname = rng.randrange(len(FIRST)), rng.randrange(len(SURNAMES))
        if unregistered(first, surname) and FIRST[first][3] in CULTURES[SURNAMES[surname][3]]:
            f, s = Person(first, surname, FIRST[first][2]).latin(rng)
            negatives.append(Attendee(f"{f} {s}", None, "negative", "stranger", when()))
            strangers += 1
    attendees += negatives
    rng.shuffle(attendees)
    return registrations, attendees


def evaluate(seed: int = 2024) -> dict:
    from webinars.attendance.matching import Query, RegistrationIndex, match_all

    registrations, attendees = build(seed)
    index = RegistrationIndex(registrations)
    names = {pk: name for pk, _email, name, _status in registrations}
    results = match_all([Query("", [a.name], intervals=[a.interval]) for a in attendees], index)
    automatic = right = obvious = obvious_right = review = 0
    wrong: list[dict] = []
    missed: dict[str, int] = {}
    for attendee, result in zip(attendees, results, strict=True):
        if attendee.kind == "obvious":
            obvious += 1
        if result.kind == "name":
            automatic += 1
            if result.registration_id == attendee.expected:
                right += 1
                obvious_right += attendee.kind == "obvious"
            else:
                wrong.append({"attendee": attendee.name, "variant": attendee.variant, "matched": names.get(result.registration_id or 0)})
        else:
            review += 1
            if attendee.kind == "obvious":
                missed[attendee.variant] = missed.get(attendee.variant, 0) + 1
    precision = right / automatic if automatic else 1.0
    recall = obvious_right / obvious if obvious else 1.0
    kinds = {k: sum(a.kind == k for a in attendees) for k in ("obvious", "hesitant", "negative")}
    return {
        "registrations": len(registrations),
        "attendees": len(attendees),
        "obvious": kinds["obvious"],
        "hesitant": kinds["hesitant"],
        "must_not_match": kinds["negative"],
        "automatic": automatic,
        "right": right,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "review": review,
        "wrong_matches": wrong,
        "obvious_sent_to_review_by_variant": missed,
        "target_precision": TARGET_PRECISION,
        "target_recall": TARGET_RECALL,
        "passed": precision >= TARGET_PRECISION and recall >= TARGET_RECALL,
    }


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    result = evaluate(int(os.environ.get("BENCH_MATCHING_SEED", "2024")))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
