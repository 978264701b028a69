"""The consultation pages, one module per subdomain: `sessions`, `research` (topics,
projects, reports, instructions), `suggestions`, `referrals`, `departments` (with the
year statistics). What a page reads is assembled in `selectors.py`."""
