"""The PDF, checked by reading it back: text in order, page furniture, tags and metadata."""

import io
import re

import pytest
from pypdf import PdfReader


@pytest.fixture(scope="module")
def pdf_bytes(pipeline, example_leaflet) -> bytes:
    return pipeline.renderer.pdf(example_leaflet)


@pytest.fixture(scope="module")
def reader(pdf_bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf_bytes))


def test_every_page_has_page_x_of_y_and_the_study_number_and_date(reader):
    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "NCT03929120" in text and "April 20, 2022" in text


def test_text_is_extractable_in_reading_order(reader):
    text = " ".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"\s+", " ", text)
    order = ["Key information", "What is this study about?", "What happens if you join?", "Who can join?",
             "What does the study measure?", "Risks and benefits", "Your choice", "Who runs the study", "Words to know"]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert "0.5 to 1 million MSC for each kilogram" in text


def test_tagged_pdf_ua_with_title_language_and_embedded_fonts(reader, pdf_bytes):
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en"
    assert reader.metadata.title.startswith("Allogeneic Bone Marrow")
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"] or "/FontFile3" in descendant["/FontDescriptor"]


def test_same_input_same_bytes(pipeline, example_leaflet, pdf_bytes):
    assert pipeline.renderer.pdf(example_leaflet) == pdf_bytes


def test_source_date_epoch_sets_the_date(pipeline, example_leaflet, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1650412800")
    first = pipeline.renderer.pdf(example_leaflet)
    assert first == pipeline.renderer.pdf(example_leaflet)
    assert PdfReader(io.BytesIO(first)).metadata["/CreationDate"].startswith("D:20220420")


def test_letter_page_size(pipeline, example_leaflet):
    reader = PdfReader(io.BytesIO(pipeline.renderer.pdf(example_leaflet, "letter")))
    box = reader.pages[0].mediabox
    assert (round(box.width), round(box.height)) == (612, 792)


@pytest.mark.parametrize("url", ["file:///etc/hostname", "http://127.0.0.1:9/x.png", "data:text/html,<b>x</b>"])
def test_pdf_engine_fetches_nothing_but_inline_images(url):
    from weasyprint.urls import URLFetchingError

    from summarizer.render import _inline_only_fetcher

    with pytest.raises(URLFetchingError):
        _inline_only_fetcher().fetch(url)


def test_pdffonts_says_every_font_is_embedded(pdf_bytes, tmp_path):
    import shutil
    import subprocess

    if not shutil.which("pdffonts"):
        pytest.skip("pdffonts (Debian package poppler-utils) is not installed; CI installs it")
    path = tmp_path / "leaflet.pdf"
    path.write_bytes(pdf_bytes)
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), rows
