"""The random order shuffles well for every seed, not just most."""

from __future__ import annotations

import random
from itertools import pairwise

from sqlalchemy import select

from app.extensions import db
from app.proposals.models import Proposal
from app.proposals.services import SEED_RANGE, random_order
from tests.factories import make_consultation, make_proposal


def test_no_seed_keeps_ids_in_or_against_their_natural_order(app):
    consultation = make_consultation("proposals")
    for _ in range(45):
        make_proposal(consultation)
    rng = random.Random(7)
    for seed in [SEED_RANGE[0], SEED_RANGE[1] - 1] + [rng.randrange(*SEED_RANGE)
                                                      for _ in range(60)]:
        ids = list(db.session.scalars(select(Proposal.id).order_by(random_order(seed),
                                                                   Proposal.id)))
        ascending = sum(1 for a, b in pairwise(ids) if b > a)
        # A shuffled list rises about half the time; a monotone one always or never.
        assert 8 < ascending < 36, (seed, ids)
