"""The report as PDF: the HTML page printed by WeasyPrint, with the patient's name and page numbers
on every page and each section on a page of its own."""

from __future__ import annotations

from typing import Any

from reminder.report import html
from reminder.report.values import Report


class PdfUnavailable(Exception):
    """WeasyPrint cannot load the pango libraries it draws text with."""


class ExternalResource(Exception):
    """The page asked for something outside itself; the report is self-contained by rule."""


def render(report: Report) -> bytes:
    """The PDF file's bytes."""
    # Imported here: WeasyPrint loads pango when imported, which only the PDF needs.
    try:
        import weasyprint
    except OSError as exc:
        raise PdfUnavailable(
            "a PDF needs the pango libraries (Debian: apt-get install libpango-1.0-0"
            f" libpangoft2-1.0-0 fonts-dejavu-core): {exc}"
        ) from None

    page = weasyprint.HTML(string=html.render(report, for_print=True), url_fetcher=_refuse)
    return page.write_pdf()


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Serve data: URLs only; any other fetch is a bug in the template, not a reason to go online."""
    if url.startswith("data:"):
        import weasyprint

        return weasyprint.default_url_fetcher(url, *args, **kwargs)
    raise ExternalResource(f"the report asked for {url!r}; it must be self-contained")
