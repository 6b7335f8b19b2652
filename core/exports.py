"""CSV files that a spreadsheet opens as data, never as formulas (OWASP "CSV injection").

A cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return, which some spreadsheets skip
before looking for those) is run as a formula when the file is opened: a person imported with the first
name `=HYPERLINK("http://evil.example/x","Click")` would come out of an export as a live link. Such a cell
is written with a leading apostrophe, which spreadsheets show as text and do not evaluate. Plain numbers
(`-3`, `+1.5`) stay as they are: they are data, not formulas.

One mechanism for every CSV the site writes: `FormulaSafeWriter` wraps a `csv` writer, and
`SafeSpreadsheetExportMixin` makes Wagtail's spreadsheet exports (reports, listings, form submissions)
write through it. `protect_wagtail_csv_exports()` (called when the core app is ready) gives Wagtail's own
`SpreadsheetExportMixin` the same method, so the admin's built-in exports are covered as well as ours.
"""

import csv
import re

from wagtail.admin.views.mixins import Echo, SpreadsheetExportMixin

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise_cell(value):
    """The value as a spreadsheet should see it: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


class FormulaSafeWriter:
    """A `csv.writer` or `csv.DictWriter` whose rows have every formula-like cell neutralised."""

    def __init__(self, writer):
        self.writer = writer

    def writerow(self, row):
        if isinstance(row, dict):
            return self.writer.writerow({key: neutralise_cell(value) for key, value in row.items()})
        return self.writer.writerow([neutralise_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


class SafeSpreadsheetExportMixin(SpreadsheetExportMixin):
    """Wagtail's spreadsheet export, with the CSV (headings included) written through `FormulaSafeWriter`.

    The XLSX export needs nothing more: Wagtail already stores formula-like cells there as text.
    """

    def stream_csv(self, queryset):
        writer = FormulaSafeWriter(csv.DictWriter(Echo(), fieldnames=self.list_export))
        yield writer.writerow({field: self.get_heading(queryset, field) for field in self.list_export})
        for item in queryset:
            yield self.write_csv_row(writer, self.to_row_dict(item))


def protect_wagtail_csv_exports():
    """Every view built on Wagtail's SpreadsheetExportMixin (page reports, model listings, form submissions)
    writes its CSV through the safe writer."""
    SpreadsheetExportMixin.stream_csv = SafeSpreadsheetExportMixin.stream_csv
