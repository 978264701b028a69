"""The consultation forms, one module per subdomain (as the views): `sessions`, `research`,
`suggestions`, `referrals`; `fields` holds what they share."""
