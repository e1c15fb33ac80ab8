from tests.factories.platform import make_user


def test_owner_signs_in_and_sees_the_dashboard(login_as):
    owner = make_user("boss", "owner", full_name="Olena Owner")
    client = login_as(owner)
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "Olena Owner" in page.text


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/admin/staff/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
