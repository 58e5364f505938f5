"""Voting: voter roll, ballots, casting, results; the tally engine lives in `tally/` (pure)."""
