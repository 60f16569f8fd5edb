"""The library benchmark's corpus and judged queries, generated (no third-party texts).

Fifteen museum topics, each named in the ten content languages (written for this project),
make 300 items: per topic and language a practical guide and a webinar recording, each with
a description that also names another topic ("see also"), so that every query has
distractors. The judged queries (49) ask in each language's own script, with Latin typed for
Cyrillic, Armenian and Georgian texts and Cyrillic typed for Latin ones, with inflected forms
and with one-letter typos; the relevant items of a query are those of its topic in its
target language.

``speed_corpus`` makes the large corpus of the speed benchmark from the same phrases plus
synthetic words in each script (Zipf-distributed), and an hour of captions per recording.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

LANGUAGES = ["en", "ru", "kk", "ky", "uz", "tg", "tk", "hy", "ka", "az"]

# topic -> the topic's title in each language, in LANGUAGES order.
TOPICS: dict[str, list[str]] = {
    "evacuation": [
        "Evacuation of museum collections",
        "Эвакуация музейных коллекций",
        "Мұражай коллекцияларын эвакуациялау",
        "Музей коллекцияларын эвакуациялоо",
        "Muzey kolleksiyalarini evakuatsiya qilish",
        "Эвакуатсияи коллексияҳои осорхона",
        "Muzeý kolleksiýalaryny ewakuasiýa etmek",
        "Թանգարանային հավաքածուների տարհանում",
        "მუზეუმის კოლექციების ევაკუაცია",
        "Muzey kolleksiyalarının təxliyəsi",
    ],
    "access": [
        "Accessible museums for visitors with disabilities",
        "Доступный музей для посетителей с инвалидностью",
        "Мүмкіндігі шектеулі келушілерге арналған қолжетімді мұражай",
        "Мүмкүнчүлүгү чектелген зыяратчылар үчүн жеткиликтүү музей",
        "Nogironligi bor tashrif buyuruvchilar uchun ochiq muzey",
        "Осорхонаи дастрас барои маъюбон",
        "Maýyplar üçin elýeterli muzeý",
        "Հասանելի թանգարան հաշմանդամություն ունեցող այցելուների համար",
        "ხელმისაწვდომი მუზეუმი შეზღუდული შესაძლებლობის მქონე ვიზიტორებისთვის",
        "Əlilliyi olan ziyarətçilər üçün əlçatan muzey",
    ],
    "labels": [
        "Writing museum labels",
        "Как писать музейные этикетки",
        "Мұражай жапсырмаларын жазу",
        "Музей этикеткаларын жазуу",
        "Muzey yorliqlarini yozish",
        "Навиштани тамғаҳои осорхона",
        "Muzeý etiketkalaryny ýazmak",
        "Թանգարանային պիտակների գրում",
        "მუზეუმის ეტიკეტების წერა",
        "Muzey etiketlərinin yazılması",
    ],
    "digitisation": [
        "Digitisation of museum collections",
        "Оцифровка музейных фондов",
        "Мұражай қорларын цифрландыру",
        "Музей фонддорун санариптештирүү",
        "Muzey fondlarini raqamlashtirish",
        "Рақамисозии фондҳои осорхона",
        "Muzeý gaznalaryny sanlylaşdyrmak",
        "Թանգարանային ֆոնդերի թվայնացում",
        "მუზეუმის ფონდების გაციფრულება",
        "Muzey fondlarının rəqəmsallaşdırılması",
    ],
    "travelling": [
        "Organising travelling exhibitions",
        "Организация передвижных выставок",
        "Көшпелі көрмелерді ұйымдастыру",
        "Көчмө көргөзмөлөрдү уюштуруу",
        "Koʻchma koʻrgazmalarni tashkil etish",
        "Ташкили намоишгоҳҳои сайёр",
        "Göçme sergileri guramak",
        "Շրջիկ ցուցահանդեսների կազմակերպում",
        "მოძრავი გამოფენების ორგანიზება",
        "Səyyar sərgilərin təşkili",
    ],
    "migration": [
        "Migration and diversity in museums",
        "Миграция и многообразие в музеях",
        "Мұражайлардағы көші-қон және әртүрлілік",
        "Музейлердеги миграция жана ар түрдүүлүк",
        "Muzeylarda migratsiya va xilma-xillik",
        "Муҳоҷират ва гуногунӣ дар осорхонаҳо",
        "Muzeýlerde migrasiýa we dürlülik",
        "Միգրացիան և բազմազանությունը թանգարաններում",
        "მიგრაცია და მრავალფეროვნება მუზეუმებში",
        "Muzeylərdə miqrasiya və müxtəliflik",
    ],
    "conservation": [
        "Preventive conservation of textiles",
        "Превентивная консервация текстиля",
        "Тоқыма бұйымдарын алдын ала консервациялау",
        "Текстилди алдын ала консервациялоо",
        "Toʻqimachilik buyumlarini profilaktik konservatsiya qilish",
        "Консерватсияи пешгирикунандаи матоъҳо",
        "Dokma önümleriniň öňüni alyş konserwasiýasy",
        "Տեքստիլի կանխարգելիչ պահպանում",
        "ტექსტილის პრევენციული კონსერვაცია",
        "Toxuculuq məmulatlarının profilaktik konservasiyası",
    ],
    "education": [
        "Museum education programmes for children",
        "Музейные образовательные программы для детей",
        "Балаларға арналған мұражай білім беру бағдарламалары",
        "Балдар үчүн музейдик билим берүү программалары",
        "Bolalar uchun muzey taʼlim dasturlari",
        "Барномаҳои таълимии осорхона барои кӯдакон",
        "Çagalar üçin muzeý bilim maksatnamalary",
        "Թանգարանային կրթական ծրագրեր երեխաների համար",
        "მუზეუმის საგანმანათლებლო პროგრამები ბავშვებისთვის",
        "Uşaqlar üçün muzey təhsil proqramları",
    ],
    "storage": [
        "Storage of collections in museum depositories",
        "Хранение коллекций в музейных фондохранилищах",
        "Коллекцияларды мұражай қоймаларында сақтау",
        "Коллекцияларды музей кампаларында сактоо",
        "Kolleksiyalarni muzey omborlarida saqlash",
        "Нигоҳдории коллексияҳо дар анборҳои осорхона",
        "Kolleksiýalary muzeý ammarlarynda saklamak",
        "Հավաքածուների պահպանումը թանգարանային պահոցներում",
        "კოლექციების შენახვა მუზეუმის საცავებში",
        "Kolleksiyaların muzey anbarlarında saxlanması",
    ],
    "inventory": [
        "Inventory and cataloguing of museum objects",
        "Инвентаризация и каталогизация музейных предметов",
        "Мұражай заттарын түгендеу және каталогтау",
        "Музей буюмдарын инвентаризациялоо жана каталогдоо",
        "Muzey buyumlarini inventarizatsiya qilish va kataloglash",
        "Барӯйхатгирӣ ва феҳристсозии ашёи осорхона",
        "Muzeý zatlaryny inwentarizasiýa we kataloglaşdyrmak",
        "Թանգարանային առարկաների գույքագրում և կատալոգավորում",
        "მუზეუმის ნივთების ინვენტარიზაცია და კატალოგიზაცია",
        "Muzey əşyalarının inventarlaşdırılması və kataloqlaşdırılması",
    ],
    "trafficking": [
        "Fighting illicit trafficking of cultural property",
        "Борьба с незаконным оборотом культурных ценностей",
        "Мәдени құндылықтардың заңсыз айналымына қарсы күрес",
        "Маданий баалуулуктардын мыйзамсыз жүгүртүлүшүнө каршы күрөш",
        "Madaniy boyliklarning noqonuniy aylanmasiga qarshi kurash",
        "Мубориза бар зидди муомилоти ғайриқонунии арзишҳои фарҳангӣ",
        "Medeni gymmatlyklaryň bikanun dolanyşygyna garşy göreş",
        "Մշակութային արժեքների ապօրինի շրջանառության դեմ պայքար",
        "კულტურული ფასეულობების უკანონო ბრუნვის წინააღმდეგ ბრძოლა",
        "Mədəni sərvətlərin qanunsuz dövriyyəsinə qarşı mübarizə",
    ],
    "volunteers": [
        "Working with museum volunteers",
        "Работа с волонтёрами в музее",
        "Мұражайдағы еріктілермен жұмыс",
        "Музейдеги ыктыярчылар менен иштөө",
        "Muzeyda koʻngillilar bilan ishlash",
        "Кор бо ихтиёриён дар осорхона",
        "Muzeýde meýletinçiler bilen işlemek",
        "Աշխատանք կամավորների հետ թանգարանում",
        "მუშაობა მოხალისეებთან მუზეუმში",
        "Muzeydə könüllülərlə iş",
    ],
    "audience": [
        "Visitor surveys and audience research",
        "Опросы посетителей и изучение аудитории",
        "Келушілерге сауалнама және аудиторияны зерттеу",
        "Зыяратчыларды сурамжылоо жана аудиторияны изилдөө",
        "Tashrif buyuruvchilar soʻrovi va auditoriyani oʻrganish",
        "Пурсиши боздидкунандагон ва омӯзиши аудитория",
        "Gelýänleriň soragnamasy we tomaşaçylary öwrenmek",
        "Այցելուների հարցումներ և լսարանի ուսումնասիրություն",
        "ვიზიტორების გამოკითხვა და აუდიტორიის კვლევა",
        "Ziyarətçi sorğuları və auditoriyanın öyrənilməsi",
    ],
    "photography": [
        "Photographing museum objects",
        "Фотографирование музейных предметов",
        "Мұражай заттарын суретке түсіру",
        "Музей буюмдарын сүрөткө тартуу",
        "Muzey buyumlarini suratga olish",
        "Аксбардории ашёи осорхона",
        "Muzeý zatlaryny surata düşürmek",
        "Թանգարանային առարկաների լուսանկարում",
        "მუზეუმის ნივთების ფოტოგადაღება",
        "Muzey əşyalarının fotoşəkilinin çəkilməsi",
    ],
    "climate": [
        "Microclimate control in exhibition halls",
        "Контроль микроклимата в экспозиционных залах",
        "Көрме залдарындағы микроклиматты бақылау",
        "Көргөзмө залдарындагы микроклиматты көзөмөлдөө",
        "Ekspozitsiya zallarida mikroiqlimni nazorat qilish",
        "Назорати микроиқлим дар толорҳои намоиш",
        "Sergi zallarynda mikroklimaty gözegçilikde saklamak",
        "Ցուցասրահներում միկրոկլիմայի վերահսկում",
        "მიკროკლიმატის კონტროლი საგამოფენო დარბაზებში",
        "Sərgi zallarında mikroiqlimə nəzarət",
    ],
}

# (guide description, "see also", audience sentence, recording title) per language.
TEMPLATES: dict[str, tuple[str, str, str, str]] = {
    "en": (
        "A practical guide: {p}.",
        "See also: {o}.",
        "For museum professionals of Central Asia and the South Caucasus.",
        "Webinar recording: {p}",
    ),
    "ru": (
        "Практическое руководство: {p}.",
        "См. также: {o}.",
        "Для музейных специалистов Центральной Азии и Южного Кавказа.",
        "Запись вебинара: {p}",
    ),
    "kk": (
        "Практикалық нұсқаулық: {p}.",
        "Сондай-ақ: {o}.",
        "Орталық Азия мен Оңтүстік Кавказдың мұражай мамандарына арналған.",
        "Вебинар жазбасы: {p}",
    ),
    "ky": (
        "Практикалык колдонмо: {p}.",
        "Ошондой эле: {o}.",
        "Борбордук Азия жана Түштүк Кавказдын музей адистери үчүн.",
        "Вебинардын жазуусу: {p}",
    ),
    "uz": (
        "Amaliy qoʻllanma: {p}.",
        "Shuningdek: {o}.",
        "Markaziy Osiyo va Janubiy Kavkaz muzey mutaxassislari uchun.",
        "Vebinar yozuvi: {p}",
    ),
    "tg": (
        "Дастури амалӣ: {p}.",
        "Инчунин: {o}.",
        "Барои мутахассисони осорхонаҳои Осиёи Марказӣ ва Қафқози Ҷанубӣ.",
        "Сабти вебинар: {p}",
    ),
    "tk": (
        "Amaly gollanma: {p}.",
        "Şeýle hem: {o}.",
        "Merkezi Aziýanyň we Günorta Kawkazyň muzeý hünärmenleri üçin.",
        "Webinaryň ýazgysy: {p}",
    ),
    "hy": (
        "Գործնական ուղեցույց. {p}։",
        "Տես նաև. {o}։",
        "Կենտրոնական Ասիայի և Հարավային Կովկասի թանգարանային մասնագետների համար։",
        "Վեբինարի տեսագրություն. {p}",
    ),
    "ka": (
        "პრაქტიკული სახელმძღვანელო: {p}.",
        "იხილეთ ასევე: {o}.",
        "ცენტრალური აზიისა და სამხრეთ კავკასიის მუზეუმის სპეციალისტებისთვის.",
        "ვებინარის ჩანაწერი: {p}",
    ),
    "az": (
        "Praktik bələdçi: {p}.",
        "Həmçinin bax: {o}.",
        "Mərkəzi Asiya və Cənubi Qafqazın muzey mütəxəssisləri üçün.",
        "Vebinarın yazısı: {p}",
    ),
}

SCRIPT = {
    "en": "latin",
    "uz": "latin",
    "tk": "latin",
    "az": "latin",
    "ru": "cyrillic",
    "kk": "cyrillic",
    "ky": "cyrillic",
    "tg": "cyrillic",
    "hy": "armenian",
    "ka": "georgian",
}

# (query, topic, language of the relevant items, what it tests)
QUERIES: list[tuple[str, str, str, str]] = [
    # each language in its own script (inflected forms where the language inflects)
    ("evacuation collections", "evacuation", "en", "native"),
    ("travelling exhibition", "travelling", "en", "native"),
    ("volunteer", "volunteers", "en", "native"),
    ("эвакуации коллекций", "evacuation", "ru", "native, inflected"),
    ("передвижные выставки", "travelling", "ru", "native, inflected"),
    ("волонтёры музея", "volunteers", "ru", "native, inflected"),
    ("эвакуациялау", "evacuation", "kk", "native"),
    ("көшпелі көрмелер", "travelling", "kk", "native, inflected"),
    ("еріктілер", "volunteers", "kk", "native, inflected"),
    ("эвакуациялоо", "evacuation", "ky", "native"),
    ("көчмө көргөзмө", "travelling", "ky", "native, inflected"),
    ("ыктыярчылар", "volunteers", "ky", "native"),
    ("evakuatsiya qilish", "evacuation", "uz", "native"),
    ("koʻrgazma", "travelling", "uz", "native, inflected"),
    ("koʻngillilar", "volunteers", "uz", "native"),
    ("эвакуатсия", "evacuation", "tg", "native, inflected"),
    ("намоишгоҳ", "travelling", "tg", "native, inflected"),
    ("ихтиёриён", "volunteers", "tg", "native"),
    ("ewakuasiýa", "evacuation", "tk", "native"),
    ("sergileri guramak", "travelling", "tk", "native"),
    ("meýletinçiler", "volunteers", "tk", "native"),
    ("տարհանում", "evacuation", "hy", "native"),
    ("ցուցահանդես", "travelling", "hy", "native, inflected"),
    ("կամավորներ", "volunteers", "hy", "native, inflected"),
    ("ევაკუაცია", "evacuation", "ka", "native"),
    ("გამოფენა", "travelling", "ka", "native, inflected"),
    ("მოხალისეები", "volunteers", "ka", "native, inflected"),
    ("təxliyə", "evacuation", "az", "native, inflected"),
    ("səyyar sərgilər", "travelling", "az", "native, inflected"),
    ("könüllülər", "volunteers", "az", "native, inflected"),
    ("оцифровка фондов", "digitisation", "ru", "native, inflected"),
    ("Microclimate", "climate", "en", "native"),
    ("ფოტოგადაღება", "photography", "ka", "native"),
    ("թվայնացում", "digitisation", "hy", "native"),
    # Latin typed for Cyrillic, Armenian and Georgian text
    ("evakuatsiya muzeynykh kollektsiy", "evacuation", "ru", "Latin→Cyrillic"),
    ("peredvizhnye vystavki", "travelling", "ru", "Latin→Cyrillic"),
    ("otsifrovka muzeynykh fondov", "digitisation", "ru", "Latin→Cyrillic"),
    ("rabota s volonterami", "volunteers", "ru", "Latin→Cyrillic"),
    ("koshpeli kormeler", "travelling", "kk", "Latin→Cyrillic"),
    ("tarhanum", "evacuation", "hy", "Latin→Armenian"),
    ("tsutsahandesneri", "travelling", "hy", "Latin→Armenian"),
    ("gamopena", "travelling", "ka", "Latin→Georgian"),
    ("kolektsiebis evakuatsia", "evacuation", "ka", "Latin→Georgian"),
    # Cyrillic typed for Latin text
    ("хилма-хиллик", "migration", "uz", "Cyrillic→Latin"),
    ("ракамлаштириш", "digitisation", "uz", "Cyrillic→Latin"),
    ("гурамак", "travelling", "tk", "Cyrillic→Latin"),
    # one-letter typos in long words
    ("evacuaton", "evacuation", "en", "typo"),
    ("инвентаризаця", "inventory", "ru", "typo"),
    ("sotrage depositories", "storage", "en", "typo"),
]


def items() -> Iterator[dict]:
    """The 300 items of the relevance corpus: ``{"key", "topic", "language", "kind", "title", "description"}``."""
    rng = random.Random(13)
    topics = list(TOPICS)
    for topic in topics:
        for index, language in enumerate(LANGUAGES):
            phrase = TOPICS[topic][index]
            guide, see_also, audience, recording = TEMPLATES[language]
            other = TOPICS[rng.choice([t for t in topics if t != topic])][index]
            lowered = phrase[0].lower() + phrase[1:] if SCRIPT[language] != "georgian" else phrase
            yield {
                "key": f"{topic}-{language}-guide",
                "topic": topic,
                "language": language,
                "kind": "guide",
                "title": phrase,
                "description": " ".join([guide.format(p=lowered), audience, see_also.format(o=other)]),
            }
            yield {
                "key": f"{topic}-{language}-recording",
                "topic": topic,
                "language": language,
                "kind": "recording",
                "title": recording.format(p=lowered),
                "description": " ".join([audience, see_also.format(o=TOPICS[rng.choice(topics)][index])]),
            }


# --- the large corpus of the speed benchmark ----------------------------------------------------

ALPHABETS = {
    "latin": ("bdfghklmnprstvz", "aeiou"),
    "cyrillic": ("бвгдзклмнпрстфхш", "аеиоуыэя"),
    "armenian": ("բգդզթլխծկհղմյնշպջռսվտրցփք", "աեիոէ"),
    "georgian": ("ბგდვზთკლმნპჟრსტფქღყშჩცძწჭხჯჰ", "აეიოუ"),
}


def vocabulary(language: str, size: int, rng: random.Random) -> list[str]:
    consonants, vowels = ALPHABETS[SCRIPT[language]]
    words = set()
    while len(words) < size:
        syllables = rng.randint(2, 4)
        words.add("".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(syllables)))
    return sorted(words)


def zipf_sampler(words: list[str], rng: random.Random):
    cumulative, total = [], 0.0
    for rank in range(len(words)):
        total += 1 / (rank + 1)
        cumulative.append(total)
    shuffled = words[:]
    rng.shuffle(shuffled)

    def sample(k: int) -> list[str]:
        return rng.choices(shuffled, cum_weights=cumulative, k=k)

    return sample


def speed_corpus(items_count: int, recording_hours: int, *, seed: int = 1) -> Iterator[tuple[dict, list[list] | None]]:
    """``(item fields, cues or None)``: items with 40–120 words of text; ``recording_hours`` of them,
    spread evenly (every n-th item), are recordings with an hour of captions (a cue every 5 s,
    about 12 words) — so any 10,000 items carry their share of the transcripts."""
    rng = random.Random(seed)
    every = max(1, items_count // max(1, recording_hours)) if recording_hours else 0
    samplers = {language: zipf_sampler(vocabulary(language, 8000, rng), rng) for language in LANGUAGES}
    topics = list(TOPICS)
    for number in range(items_count):
        language = LANGUAGES[number % len(LANGUAGES)]
        index = LANGUAGES.index(language)
        phrase = TOPICS[rng.choice(topics)][index]
        sample = samplers[language]
        words = sample(rng.randint(40, 120))
        fields = {
            "title": {language: f"{phrase} {' '.join(sample(3))}"},
            "description": {language: " ".join(words)},
            "languages": [language],
            "kind": "recording" if every and number % every == 0 and number // every < recording_hours else "guide",
        }
        cues = None
        if fields["kind"] == "recording":
            cues = [[t * 5.0, t * 5.0 + 4.5, " ".join(sample(12))] for t in range(720)]
        yield fields, cues
