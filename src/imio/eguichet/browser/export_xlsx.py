"""``@@demandes-export-xlsx``: the dashboard's filtered cases as a spreadsheet."""

from imio.eguichet import audit
from imio.eguichet.browser.dashboard import case_query
from imio.eguichet.browser.dashboard import read_filters
from imio.eguichet.browser.dashboard import row
from imio.eguichet.browser.dashboard import search
from imio.eguichet.browser.workspace import WorkspacePage
from imio.eguichet.browser.export import COLUMNS
from imio.eguichet.browser.export import FORMULA_STARTS
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from Products.Five.browser import BrowserView
from ZPublisher.Iterators import filestream_iterator

import os
import tempfile


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_value(value):
    """A value as a cell: dates as dates, text never run as a formula."""
    if value is None:
        return None
    if hasattr(value, "ISO8601"):
        return value.asdatetime().replace(tzinfo=None)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class TemporaryFileIterator(filestream_iterator):
    """Streams a temporary file and removes it once sent."""

    def __next__(self):
        try:
            return super().__next__()
        except StopIteration:
            self.close()
            raise

    def close(self):
        super().close()
        if os.path.exists(self.name):
            os.unlink(self.name)


class XlsxExportView(WorkspacePage, BrowserView):
    """Rows written one by one (openpyxl write-only), the file streamed from disk."""

    def __call__(self):
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(self.translate("Cases"))
        header = []
        for _key, title in COLUMNS:
            cell = WriteOnlyCell(sheet, value=self.translate(title))
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        filters = read_filters(self.request)
        references = []
        for brain in search(case_query(filters)):
            references.append(brain.case_reference)
            values = row(brain)
            values["state_title"] = self.translate(values["state_title"])
            sheet.append([xlsx_value(values[key]) for key, _title in COLUMNS])
        detail = audit.export_detail("XLSX", filters, references)
        audit.record(None, "export", self.request, detail=detail)
        handle, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(handle)
        workbook.save(path)
        response = self.request.response
        response.setHeader("Content-Type", XLSX)
        response.setHeader(
            "Content-Disposition", 'attachment; filename="demandes.xlsx"'
        )
        response.setHeader("Content-Length", str(os.path.getsize(path)))
        response.setHeader("Cache-Control", "private, no-store")
        return TemporaryFileIterator(path, "rb")
