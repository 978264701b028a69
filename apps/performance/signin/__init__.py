"""Sign-in by QR code for meetings and consultation sessions, and leave from the phone.

`tokens`: the signed code and its window; `services`: what a scan, a closing and a leave
decision write; `selectors`: the live screen and a member's invitations; `views`.
"""
