"""The report as PDF: the HTML page printed by WeasyPrint, with the patient's name and page numbers
on every page, and symptoms, alerts and check-ins each beginning a page."""

from __future__ import annotations

from reminder.report import html
from reminder.report.values import Report


class PdfUnavailable(Exception):
    """WeasyPrint cannot load the pango libraries it draws text with."""


def render(report: Report) -> bytes:
    """The PDF file's bytes. The page may read data: URLs only (its charts): any other fetch stops
    the rendering, so a template that reached for the network would fail its tests, not go online."""
    # Imported here: WeasyPrint loads pango when imported, which only the PDF needs.
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher
    except OSError as exc:
        raise PdfUnavailable(
            "a PDF needs the pango libraries (Debian: apt-get install libpango-1.0-0"
            f" libpangoft2-1.0-0 fonts-dejavu-core): {exc}"
        ) from None
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    page = weasyprint.HTML(string=html.render(report, for_print=True), url_fetcher=fetcher)
    return page.write_pdf()
