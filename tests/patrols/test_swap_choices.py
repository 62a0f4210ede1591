"""The swap offer's list of teammates."""

from tipboard.extensions import db
from tipboard.patrols import shifts
from tipboard.patrols.teams import add_member


def test_a_teammate_in_two_of_my_teams_is_offered_once(client, patrol, login):
    v0, v1, _v2 = patrol["volunteers"]
    shifts.sign_up(patrol["shift"], v0)
    add_member(patrol["team_b"], v0)
    add_member(patrol["team_b"], v1)  # v1 shares both teams with v0
    db.session.commit()
    login(client, v0)
    page = client.get(f"/patrols/shifts/{patrol['shift'].id}").data.decode()
    for name in ("Volunteer A1", "Volunteer A2", "Leader A", "Volunteer B0"):
        assert page.count(f">{name}</option>") == 1, name
    assert ">Volunteer A0</option>" not in page
