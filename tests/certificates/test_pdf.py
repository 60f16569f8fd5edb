"""The PDF: names in every script of the region are real, extractable text; the QR code opens the verification page."""

import io

import pytest
import zxingcpp
from pypdf import PdfReader

from tests.certificates.conftest import NAMES, attend, pdf_text
from tests.factories import CertificateSignatureFactory, CertificateTemplateFactory, RegistrationFactory
from webinars.certificates import pdf, services
from webinars.certificates.models import Certificate, CertificateTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://webinars.example.org"


def issue_one(webinar, name: str) -> Certificate:
    attend(RegistrationFactory(webinar=webinar, name=name, email=f"{abs(hash(name))}@example.org"))
    services.certificates_issue(webinar=webinar)
    services.certificates_render_and_send(Certificate.objects.all(), send=False)
    return Certificate.objects.get(name_on_certificate=name)


@pytest.mark.parametrize("script", list(NAMES))
def test_name_is_extractable_text(webinar, script):
    name = NAMES[script]
    certificate = issue_one(webinar, name)
    data = certificate.pdf.read()
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    assert round(float(page.mediabox.width)) == 842 and round(float(page.mediabox.height)) == 595  # A4
    lines = pdf_text(data).splitlines()
    assert name in [line.strip() for line in lines]  # the name on a line of its own, exactly
    text = " ".join(" ".join(lines).split())
    assert "Collections of Diaspora" in text and "Коллекции диаспоры" in text  # en + ru side by side
    assert certificate.code in text
    fonts = {str(font["/BaseFont"]) for font in (page["/Resources"]["/Font"].get_object()).values()}
    assert any("DejaVuSans" in font for font in fonts)  # our own embedded fonts


def test_fonts_are_shipped_with_the_project_and_licensed():
    for file_name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif-Bold.ttf", "LICENSE"):
        assert (pdf.FONT_DIR / file_name).is_file()


def test_qr_code_in_the_pdf_opens_the_verification_page(webinar):
    certificate = issue_one(webinar, NAMES["armenian"])
    page = PdfReader(io.BytesIO(certificate.pdf.read())).pages[0]
    decoded = []
    for image in page.images:
        decoded += [result.text for result in zxingcpp.read_barcodes(image.image)]
    assert decoded == [f"https://webinars.example.org/verify/{certificate.code}/"]


def test_segno_png_decodes_to_the_same_address():
    from PIL import Image

    url = pdf.verify_url("MW-7KQ2-XD9P-4HTM-ZC3F")
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(pdf.qr_png(url))))
    assert [r.text for r in results] == ["https://webinars.example.org/verify/MW-7KQ2-XD9P-4HTM-ZC3F/"]


def test_template_wording_languages_and_signatures(webinar):
    template = CertificateTemplateFactory(
        series=webinar.series,
        languages=["ka", "en"],
        title={"ka": "სერტიფიკატი", "en": "Certificate of participation"},
        body={"en": "Programme of 90 minutes."},
    )
    CertificateSignatureFactory(template=template, name={"en": "Aigerim Sadykova"}, role={"en": "Director", "ka": "დირექტორი"})
    certificate = issue_one(webinar, NAMES["georgian"])
    text = " ".join(pdf_text(certificate.pdf.read()).split())
    assert "სერტიფიკატი" in text and "Certificate of participation" in text
    assert "Programme of 90 minutes." in text
    assert "Aigerim Sadykova" in text and "დირექტორი / Director" in text
    assert "Сертификат участника" not in text  # Russian is not printed by this design


def test_webinar_design_overrides_the_series_design(webinar):
    CertificateTemplateFactory(series=webinar.series, languages=["en"], title={"en": "Series design"})
    CertificateTemplateFactory(series=webinar.series, webinar=webinar, languages=["en"], title={"en": "Webinar design"})
    text = pdf_text(issue_one(webinar, NAMES["latin"]).pdf.read())
    assert "Webinar design" in text and "Series design" not in text


def test_long_names_and_many_webinars_still_fit(series, webinar):
    from tests.certificates.conftest import past_webinar

    certificate = Certificate(
        code="MW-0000-0000-0000-0000",
        kind="series",
        series=series,
        name_on_certificate="Ааааааааааааа Бббббббббббббббббб Вввввввввввввввввв-Гггггггггггггггг",
        webinars=[
            {"id": w.pk, "title": {"en": f"A rather long webinar title number {i} about museums"}, "date": w.start_date.isoformat()}
            for i, w in enumerate([webinar, *(past_webinar(series, d) for d in range(1, 14))])
        ],
        series_title={"en": "Museums and Migration"},
        issuer={"en": "ICOM"},
    )
    layout = pdf.build_layout(CertificateTemplate(series=series), series)
    text = " ".join(pdf_text(pdf.render(certificate, layout)).split())
    assert certificate.name_on_certificate in text
    assert "number 13 about museums" in text
