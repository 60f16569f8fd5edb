"""Certificate benchmark: 1,000 personalised PDFs (issue "verifiable certificates in every script").

In a temporary site (SQLite file, media directory; ``DJANGO_SETTINGS_MODULE=config.settings.base``,
migrated), 1,000 registrations of one webinar are marked as attended, with names in Latin,
Cyrillic (Russian and Kazakh), Armenian and Georgian, and a design with an organiser logo,
a partner logo and two signatures. Measured in the same run:

* baseline: reportlab drawing one blank A4 page, 1,000 times;
* pdf: drawing the 1,000 certificates in memory (fonts registered once, the design
  prepared once, one QR code per certificate);
* issue: the whole background task: deciding who gets a certificate, storing the rows,
  drawing and storing the 1,000 PDFs and queueing the 1,000 e-mails. Target: < 30 s.

    .venv/bin/python bench/certificates.py          # prints a table
    .venv/bin/python bench/certificates.py --json   # prints the numbers as JSON

Environment: BENCH_CERTIFICATES (1000).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNT = int(os.environ.get("BENCH_CERTIFICATES", "1000"))
TARGET_SECONDS = 30.0

FIRST = {
    "latin": ["Dinara", "Aibek", "Madina", "Timur", "Zarina", "Rustam"],
    "cyrillic": ["Динара", "Айбек", "Мадина", "Тимур", "Әсел", "Нұрлан"],
    "armenian": ["Նարե", "Անահիտ", "Արամ", "Լիլիթ", "Գևորգ", "Սոնա"],
    "georgian": ["ნინო", "გიორგი", "თამარ", "ლევან", "ეკა", "დავით"],
}
LAST = {
    "latin": ["Khalikova", "Seitkali", "Nurlanovna", "Abdullaev", "Karimova", "Sadykov"],
    "cyrillic": ["Халикова", "Нұрланқызы", "Сейтқали", "Абдуллаев", "Каримова", "Жұмабаев"],
    "armenian": ["Հակոբյան", "Սարգսյան", "Պետրոսյան", "Գրիգորյան", "Մարտիրոսյան", "Ավետիսյան"],
    "georgian": ["ბერიძე", "კაპანაძე", "გელაშვილი", "ლომიძე", "ჯავახიშვილი", "მამულაშვილი"],
}


def names(count: int) -> list[str]:
    scripts = list(FIRST)
    result = []
    for i in range(count):
        script = scripts[i % len(scripts)]
        result.append(f"{FIRST[script][(i // 4) % 6]} {LAST[script][(i // 24) % 6]}")
    return result


def _png(size: tuple[int, int], colour: tuple[int, ...]) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", size, (255, 255, 255, 0))
    ImageDraw.Draw(image).ellipse((10, 10, size[0] - 10, size[1] - 10), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _setup(directory: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'db.sqlite3'}"
    os.environ["VAR_DIR"] = str(directory)
    os.environ["MEDIA_ROOT"] = str(directory / "media")
    os.environ.setdefault("SITE_URL", "https://webinars.example.org")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _populate(count: int):
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from webinars.attendance.models import AttendanceImport, Attendee
    from webinars.certificates.models import CertificateSignature, CertificateTemplate
    from webinars.programme.models import Organisation, Series, Webinar
    from webinars.registrations.models import Booking, Registration

    organiser = Organisation.objects.create(name={"en": "ICOM Kazakhstan", "ru": "ИКОМ Казахстан"}, slug="icom-kz")
    organiser.logo.save("organiser.png", ContentFile(_png((800, 300), (31, 58, 95, 255))))
    partner = Organisation.objects.create(name={"en": "UNESCO Almaty"}, slug="unesco")
    partner.logo.save("partner.png", ContentFile(_png((400, 400), (0, 114, 188, 200))))
    series = Series.objects.create(title={"en": "Museums and Migration", "ru": "Музеи и миграция"}, slug="museums", organiser=organiser)
    series.partners.add(partner)
    starts = timezone.now() - dt.timedelta(days=3)
    webinar = Webinar.objects.create(
        series=series,
        title={"en": "Collections of Diaspora", "ru": "Коллекции диаспоры"},
        slug="diaspora",
        status="published",
        start_date=starts.date(),
        starts_at=starts,
    )
    template = CertificateTemplate.objects.create(
        series=series, languages=["en", "ru"], body={"en": "90 minutes, online.", "ru": "90 минут, онлайн."}
    )
    for order, (name, role) in enumerate([("Aigerim Sadykova", "Director"), ("Levon Petrosyan", "Programme lead")]):
        signature = CertificateSignature.objects.create(template=template, name={"en": name}, role={"en": role}, order=order)
        signature.image.save("signature.png", ContentFile(_png((600, 200), (0, 0, 0, 255))))

    now = timezone.now()
    bookings = Booking.objects.bulk_create([Booking(email=f"p{i}@example.org") for i in range(count)])
    registrations = Registration.objects.bulk_create(
        [
            Registration(
                booking=booking,
                webinar=webinar,
                email=booking.email,
                name=name,
                status=Registration.Status.CONFIRMED,
                consent_privacy_at=now,
                confirmed_at=now,
            )
            for booking, name in zip(bookings, names(count), strict=True)
        ]
    )
    report = AttendanceImport.objects.create(webinar=webinar, format="zoom_webinar", file_name="report.csv", sha256="0" * 64)
    Attendee.objects.bulk_create(
        [
            Attendee(
                attendance_import=report,
                webinar=webinar,
                name=r.name,
                email=r.email,
                minutes=85,
                attended=True,
                registration_id=r.pk,
                match=Attendee.Match.EMAIL,
            )
            for r in Registration.objects.filter(webinar=webinar).only("pk", "name", "email")
        ]
    )
    return webinar, len(registrations)


def _run(count: int) -> dict:
    from webinars.certificates import pdf, selectors, services
    from webinars.certificates.models import Certificate

    webinar, registrations = _populate(count)

    started = time.perf_counter()
    for _ in range(count):
        pdf.blank_page()
    baseline = time.perf_counter() - started

    # The whole task: issue the rows, draw and store every PDF, queue every e-mail.
    started = time.perf_counter()
    stats = services.certificates_issue_and_send(webinar_id=webinar.pk)
    issue = time.perf_counter() - started

    # Drawing alone, in memory (the design prepared once, as the task does).
    certificates = list(Certificate.objects.select_related("series__organiser").order_by("pk"))
    started = time.perf_counter()
    layout = pdf.build_layout(selectors.template_for(series=webinar.series, webinar=webinar), webinar.series)
    sizes = [len(pdf.render(certificate, layout)) for certificate in certificates]
    drawing = time.perf_counter() - started

    return {
        "certificates": len(certificates),
        "registrations": registrations,
        "issued": stats,
        "baseline_blank_pages_seconds": round(baseline, 3),
        "pdf_seconds": round(drawing, 3),
        "issue_task_seconds": round(issue, 3),
        "pdf_ms_each": round(drawing / max(1, len(certificates)) * 1000, 2),
        "issue_ms_each": round(issue / max(1, len(certificates)) * 1000, 2),
        "ratio_pdf_to_blank": round(drawing / baseline, 1) if baseline else None,
        "pdf_kib_average": round(sum(sizes) / max(1, len(sizes)) / 1024, 1),
        "target_seconds": TARGET_SECONDS,
        "passed": issue < TARGET_SECONDS and len(certificates) == count,
    }


def certificates_bench(*, in_process: bool = False) -> dict:
    """Run the benchmark in a fresh temporary site and return its numbers.

    Runs in a child process unless ``in_process`` (as ``python bench/certificates.py`` does),
    so the caller's environment and Django settings (a test run, ``bench/run.py``) are left alone.
    """
    if not in_process:
        output = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--json"],
            check=False,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "VAR_DIR", "MEDIA_ROOT")},
        )
        if not output.stdout.strip():
            raise RuntimeError(f"The certificate benchmark failed:\n{output.stderr[-4000:]}")
        return json.loads(output.stdout.strip().splitlines()[-1])
    with tempfile.TemporaryDirectory(prefix="mw-bench-certificates-") as directory:
        _setup(Path(directory))
        return _run(COUNT)


def main() -> int:
    result = certificates_bench(in_process=True)
    if "--json" in sys.argv:
        print(json.dumps(result))
    else:
        print(f"Certificates: {result['certificates']} personalised PDFs (names in Latin, Cyrillic incl. Kazakh, Armenian, Georgian)")
        print(f"  baseline: 1 blank reportlab A4 page x {result['certificates']}: {result['baseline_blank_pages_seconds']:.2f} s")
        each = f"{result['pdf_ms_each']} ms each, {result['pdf_kib_average']} KiB"
        print(f"  drawing the certificates in memory:  {result['pdf_seconds']:.2f} s ({each})")
        print(
            f"  issue task (rows, PDFs stored, e-mails queued): {result['issue_task_seconds']:.2f} s "
            f"({result['issue_ms_each']} ms each; target < {result['target_seconds']:.0f} s): {'PASS' if result['passed'] else 'FAIL'}"
        )
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
