"""The scoring functions behind every sort: pure numbers, no app."""

import math
from datetime import UTC, datetime, timedelta

import pytest

from forum import ranking
from forum.ranking import DEFAULT_Z, controversy, hot, net_score, wilson_lower_bound

# Reddit's epoch for "hot", 1134028003 seconds after the Unix epoch.
REDDIT_EPOCH = datetime(2005, 12, 8, 7, 46, 43, tzinfo=UTC)
SOME_TIME = datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)


def wilson_by_counts(up: int, down: int, z: float) -> float:
    """The Wilson lower bound written over counts rather than shares, as a cross-check."""
    n = up + down
    z2 = z * z
    return (up + z2 / 2 - z * math.sqrt(up * down / n + z2 / 4)) / (n + z2)


def test_the_default_z_is_reddits_80_percent_interval():
    assert DEFAULT_Z == 1.281551565545


def test_wilson_of_ten_up_and_none_down_at_z_1_96_is_0_7225():
    assert round(wilson_lower_bound(10, 0, 1.96), 4) == 0.7225


@pytest.mark.parametrize("z", [DEFAULT_Z, 1.96])
def test_wilson_of_no_votes_is_zero(z):
    assert wilson_lower_bound(0, 0, z) == 0


def test_wilson_of_one_up_vote_at_the_default_z():
    # With up = n = 1 the bound is (1 + z²/2 - z·z/2) / (1 + z²) = 1 / (1 + z²)
    # = 1 / 2.642374...; z² = 1.642374 at z = 1.281551565545.
    assert wilson_lower_bound(1, 0) == pytest.approx(0.3784475032, abs=1e-10)
    assert wilson_lower_bound(1, 0) == pytest.approx(1 / (1 + DEFAULT_Z**2))


def test_wilson_of_an_even_split_at_the_default_z():
    # 5 up, 5 down: (5 + z²/2 - z·sqrt(25/10 + z²/4)) / (10 + z²) = 0.3122044...
    assert wilson_lower_bound(5, 5) == pytest.approx(0.3122044449, abs=1e-10)
    assert wilson_lower_bound(5, 5) == pytest.approx(wilson_by_counts(5, 5, DEFAULT_Z))


@pytest.mark.parametrize(
    ("up", "down", "z"),
    [(1, 0, 1.96), (0, 1, DEFAULT_Z), (3, 7, DEFAULT_Z), (120, 30, 1.96), (1, 1, 2.5)],
)
def test_wilson_agrees_with_the_formula_over_counts(up, down, z):
    assert wilson_lower_bound(up, down, z) == pytest.approx(wilson_by_counts(up, down, z))


def test_wilson_uses_the_default_z_when_none_is_given():
    assert wilson_lower_bound(7, 2) == wilson_lower_bound(7, 2, DEFAULT_Z)
    assert wilson_lower_bound(7, 2) != wilson_lower_bound(7, 2, 1.96)


@pytest.mark.parametrize(
    ("few", "many"),
    [((1, 0), (10, 0)), ((5, 5), (50, 50)), ((3, 1), (30, 10)), ((1, 4), (10, 40))],
)
def test_more_votes_with_the_same_share_rank_higher(few, many):
    assert wilson_lower_bound(*many) > wilson_lower_bound(*few)


def test_a_down_vote_lowers_the_bound():
    assert wilson_lower_bound(10, 1) < wilson_lower_bound(10, 0)


@pytest.mark.parametrize(("up", "down", "score"), [(0, 0, 0), (5, 0, 5), (3, 5, -2), (10, 10, 0)])
def test_net_score_is_up_minus_down(up, down, score):
    assert net_score(up, down) == score


@pytest.mark.parametrize(("up", "down"), [(0, 0), (10, 0), (0, 10), (1, 0), (0, 1)])
def test_controversy_is_zero_when_either_side_has_no_votes(up, down):
    assert controversy(up, down) == 0


def test_controversy_of_an_even_split_is_the_number_of_votes():
    assert controversy(10, 10) == 20


def test_controversy_of_ten_against_five_is_fifteen_to_the_half():
    assert controversy(10, 5) == pytest.approx(15**0.5)


@pytest.mark.parametrize(("up", "down"), [(10, 5), (3, 7), (1, 1), (100, 99)])
def test_controversy_is_symmetric_in_up_and_down(up, down):
    assert controversy(up, down) == controversy(down, up)


def test_a_more_even_split_of_the_same_votes_is_more_controversial():
    assert controversy(10, 10) > controversy(15, 5) > controversy(19, 1)


def test_hot_of_no_activity_is_just_the_time_term():
    seconds = (SOME_TIME - REDDIT_EPOCH).total_seconds()
    assert hot(0, SOME_TIME) == round(seconds / 45_000, 7)


def test_hot_at_the_epoch_is_the_order_of_magnitude_of_activity():
    assert hot(100, REDDIT_EPOCH) == 2.0
    assert hot(1000, REDDIT_EPOCH + timedelta(seconds=10 * 45_000)) == 13.0


def test_hot_pins_an_exact_value():
    # log10(5) + 1000 / 45000 = 0.69897000 + 0.02222222 = 0.7211922, rounded to 7 places.
    assert hot(5, REDDIT_EPOCH + timedelta(seconds=1000)) == 0.7211922


def test_a_later_time_ranks_higher_for_the_same_activity():
    assert hot(10, SOME_TIME + timedelta(minutes=1)) > hot(10, SOME_TIME)


def test_ten_times_the_activity_is_worth_45000_seconds():
    earlier = SOME_TIME - timedelta(seconds=45_000)
    assert hot(100, earlier) == pytest.approx(hot(10, SOME_TIME), abs=1e-6)
    assert hot(1000, SOME_TIME) - hot(100, SOME_TIME) == pytest.approx(1, abs=1e-6)


def test_more_activity_ranks_higher_at_the_same_time():
    assert hot(3, SOME_TIME) > hot(2, SOME_TIME) > hot(1, SOME_TIME)


# Camps and the cross-camp score


@pytest.mark.parametrize(
    ("lean", "votes_cast", "camp"),
    [(9, 9, None), (2, 10, "a"), (1, 10, None), (-1, 10, None), (-2, 10, "b"), (-40, 40, "b")],
)
def test_a_camp_needs_ten_votes_and_a_lean_of_two(lean, votes_cast, camp):
    assert ranking.camp(lean, votes_cast) == camp


@pytest.mark.parametrize(
    ("stance", "value", "lean"),
    [("agree", 1, 1), ("agree", -1, -1), ("disagree", 1, -1), ("disagree", -1, 1)]
    + [("example", 1, 0), (None, -1, 0)],
)
def test_a_votes_lean(stance, value, lean):
    assert ranking.vote_lean(stance, value) == lean


def test_without_votes_across_camps_the_grain_is_its_share_of_the_wilson_bound():
    w = 0.3
    assert ranking.grain(8, 2, 0, 0, 0, 0, "agree", w) == pytest.approx(
        (1 - w) * ranking.wilson_lower_bound(8, 2)
    )
    assert ranking.grain(8, 2, 4, 0, 0, 0, None, w) == ranking.wilson_lower_bound(8, 2)


def test_up_votes_from_the_other_camp_count_for_more_than_from_its_own():
    own = ranking.grain(6, 0, 0, 0, 6, 0, "disagree")
    crossed = ranking.grain(6, 0, 6, 0, 0, 0, "disagree")
    assert crossed > own
    # Down-votes from its own camp count against it across the camps; the other camp's don't.
    own_down = ranking.grain(6, 2, 3, 0, 3, 2, "disagree")
    assert own_down < ranking.grain(6, 2, 3, 2, 3, 0, "disagree")


def test_an_examples_own_camp_is_the_one_that_likes_it_more():
    assert ranking.own_camp("example", 5, 0, 1, 3) == ranking.CAMP_A
    assert ranking.own_camp("example", 0, 4, 2, 0) == ranking.CAMP_B
    assert ranking.across("example", 5, 0, 1, 3) == (1, 0)


def test_the_draws_are_the_same_for_the_same_seed_and_differ_for_another():
    candidates = [ranking.Candidate(n, n % 5, n % 3, n % 4, n % 2) for n in range(30)]
    assert ranking.by_draw(candidates, 7) == ranking.by_draw(list(reversed(candidates)), 7)
    assert ranking.by_draw(candidates, 7) != ranking.by_draw(candidates, 8)
