"""The performance pages, one module per subdomain: `evaluation` (the year table, a
member's ledger, adjustments), `meetings` (and attendance), `rotation` (the 列席
batches), `duty_reports`, `study`; `base` holds what they share. Lists need the model's
view permission; detail pages start from `for_user()`, so a member opens the records of
their own ledger and nothing else (another member's record is a 404)."""
