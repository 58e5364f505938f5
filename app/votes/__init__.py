"""Voting: voter roll, ballots, casting, results; the tally engine lives in `tally/` (pure).

The blueprint is in `blueprint.py`, not here: `app.votes.tally` must import without Flask
(anyone recounting a published file needs only the standard library), and importing it runs
this file first.
"""
