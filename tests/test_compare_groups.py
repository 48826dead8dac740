"""The fact groups' bookkeeping under random merges and swaps (a claim that leaves a group
once took the group's key with it and orphaned the rest)."""

from __future__ import annotations

import random

from rashomon.compare.claims import Claim
from rashomon.compare.matrix import _Groups


def test_groups_stay_a_partition_with_one_claim_per_article() -> None:
    rng = random.Random(1)
    for _ in range(300):
        n = rng.randint(2, 30)
        claims = [Claim(f"a{rng.randint(0, 5)}", i, "x", 0, 1, 0) for i in range(n)]
        groups = _Groups(claims)
        for _ in range(60):
            a, b = rng.sample(range(n), 2)
            ga, gb = groups.group[a], groups.group[b]
            if ga == gb:
                continue
            shared = groups.articles(ga).keys() & groups.articles(gb).keys()
            if not shared:
                groups.union(ga, gb)
            else:
                if len(groups.members[gb]) == 1:
                    ga, gb, a, b = gb, ga, b, a
                if (
                    len(groups.members[ga]) == 1
                    and len(shared) == 1
                    and len(groups.members[gb]) > 1
                ):
                    groups.swap(gb, groups.articles(gb)[next(iter(shared))], a)
            assert sorted(c for m in groups.members.values() for c in m) == list(range(n))
            for key, members in groups.members.items():
                assert all(groups.group[c] == key for c in members)
                assert len({claims[c].article for c in members}) == len(members)
