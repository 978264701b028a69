"""The consultation pages, one module per subdomain: `sessions`, `research` (topics,
projects, reports, instructions), `suggestions`, `referrals`, `departments` (with the
year statistics), `proposals`, `opinions` and `opinion_issues` (社情民意: items, bulletins,
export, statistics). What a page reads is assembled in `selectors.py`."""
