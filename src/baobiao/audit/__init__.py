"""baobiao audit: published reports (HTML pages, Word files, PDFs, text) read, their tables
found by printed labels and mapped to a form, and checked like a data file (issue 15)."""
