"""One spreadsheet import framework for every area (members, payouts, visits, suggestions,
donations; activities and training attendance later): `kinds` (what an import reads and writes,
and the registry), `sheet` (reading with python-calamine), `workbook` (the template and the error
sheet), `jobs` (upload → preview → apply in one transaction, audited, with progress)."""
