"""Imports of historical clients: reading a CSV or XLSX file, mapping its columns, checking each row,
and applying the good ones all together (services/clients/imports/*)."""
