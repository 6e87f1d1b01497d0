"""The editors' pages of a library copy: notice, review, sections, report."""
