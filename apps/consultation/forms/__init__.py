"""The consultation forms, one module per subdomain (as the views): `sessions`, `research`,
`suggestions`, `referrals`, `proposals`, `opinions`; `fields` holds what they share."""
