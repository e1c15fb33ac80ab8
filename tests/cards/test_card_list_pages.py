"""The cards section's lists over HTTP: the tabs and their scope, the archive's filters and keyset
pages, and the filters' selects keeping their choice. The fixtures are the cards section's
(conftest.py)."""

import re

import pytest

from tests.factories.cards import card_number, new_card, put_on, shown_number, stage_of
from tests.sql_capture import capture_sql

# --- tabs ----------------------------------------------------------------------------------------


def test_the_new_tab_is_the_default_with_instant_search_and_links(client_of, two_cards):
    page = client_of("owner").get("/admin/cards/")
    assert page.status_code == 200
    assert shown_number(2001) in page.text and shown_number(2002) in page.text
    assert "vendor/datatables/dataTables.min.js" in page.text and "js/cards.js" in page.text
    card_id = two_cards["mine"].id
    assert f'href="/admin/tasks/auto/?card={card_id}"' in page.text
    assert f"/admin/cards/edit/?id={card_id}" in page.text
    assert stage_of("linking_access").color in page.text
    assert "<script>" not in page.text  # CSP: no inline scripts


def test_each_tab_holds_its_bucket(client_of, team):
    new, working = (
        new_card(team, number=card_number(2009)),
        put_on(new_card(team, number=card_number(2010)), "work_off"),
    )
    done, old = (
        put_on(new_card(team, number=card_number(2008)), "bank_check"),
        put_on(new_card(team, number=card_number(2007)), "archived"),
    )
    owner = client_of("owner")
    for tab, card in (("new", new), ("in_work", working), ("worked_off", done), ("archive", old)):
        page = owner.get(f"/admin/cards/?tab={tab}")
        assert page.status_code == 200
        found = set(re.findall(r'data-card-id="(\d+)"', page.text))
        assert found == {str(card.id)}, tab


def test_an_agent_sees_only_his_cards_in_the_tabs(client_of, two_cards):
    page = client_of("agent").get("/admin/cards/")
    assert shown_number(2001) in page.text and shown_number(2002) not in page.text
    assert "/admin/cards/edit/" not in page.text  # no edit right: rows open the details page
    assert f"/admin/cards/details/?id={two_cards['mine'].id}" in page.text
    assert "Add a card" not in page.text


def test_the_tables_escape_what_people_typed_and_name_each_column(client_of, team, bank):
    bank.name = "<i>Bank</i>"
    odd = new_card(team, contact_name="O'Neil <script>x</script>", contact_phone='"+380"', bank=bank)
    archived = put_on(new_card(team, contact_name="Old <em>one</em>"), "archived")
    owner = client_of("owner")
    for tab, card, typed, shown in (
        ("new", odd, ("<script>x</script>", '"+380"', "<i>Bank</i>"), ("Neil &lt;script&gt;x&lt;/script&gt;", "+380&", "&lt;i&gt;Bank&lt;/i&gt;")),
        ("archive", archived, ("<em>one</em>",), ("Old &lt;em&gt;one&lt;/em&gt;",)),
    ):  # fmt: skip
        page = owner.get(f"/admin/cards/?tab={tab}")
        assert page.status_code == 200
        assert not [text for text in typed if text in page.text], tab
        assert all(text in page.text for text in shown), tab
        headings = re.findall(r"<th[^>]*>([^<]+)</th>", page.text)
        assert headings[:3] == ["Card number", "Contact name", "Phone"], tab
        assert ("Accountant" in headings) == (tab == "archive")
        assert f'data-card-id="{card.id}"' in page.text and f'href="/admin/tasks/auto/?card={card.id}"' in page.text


def test_an_unknown_tab_is_a_400(client_of):
    assert client_of("owner").get("/admin/cards/?tab=everything").status_code == 400


def test_anonymous_visitors_go_to_sign_in(client):
    response = client.get("/admin/cards/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- archive -------------------------------------------------------------------------------------


def test_archive_filters_over_http(client_of, team, bank):
    put_on(new_card(team, number=card_number(2004), contact_name="Ivan Petrenko", bank=bank), "archived")
    put_on(new_card(team, number=card_number(2005), contact_name="Olga", contact_phone="+380501234567"), "archived")
    put_on(new_card(team, number=card_number(2006), agent="agent2", manager="none"), "archived")
    owner = client_of("owner")

    def numbers(query):
        page = owner.get("/admin/cards/?tab=archive&" + query)
        assert page.status_code == 200, page.text
        return set(re.findall(r'class="card-open">([^<]+)<', page.text))

    assert numbers("") == {shown_number(2004), shown_number(2005), shown_number(2006)}
    assert numbers("number=2005") == {shown_number(2005)}  # the last four digits
    assert numbers("number=516875") == {shown_number(2004), shown_number(2005), shown_number(2006)}
    full = owner.get(f"/admin/cards/?tab=archive&number={card_number(2005)}")  # typed in full: kept out of the address
    assert full.status_code == 302 and card_number(2005) not in full.location and "2005" in full.location
    assert numbers(full.location.partition("?")[2]) == {shown_number(2005)}
    assert numbers("contact=petr") == {shown_number(2004)}
    assert numbers("contact=50123") == {shown_number(2005)}
    assert numbers(f"bank={bank.id}") == {shown_number(2004)}
    assert numbers(f"agent={team['agent2'].id}") == {shown_number(2006)}
    assert numbers(f"manager={team['manager'].id}&accountant={team['accountant'].id}") == {
        shown_number(2004),
        shown_number(2005),
    }


def test_the_archive_keeps_its_filters_chosen(client_of, team, bank):
    page = client_of("owner").get(f"/admin/cards/?tab=archive&bank={bank.id}&agent={team['agent'].id}")
    assert page.status_code == 200
    assert f'<option value="{bank.id}" selected>PercentBank</option>' in page.text
    assert f'<option value="{team["agent"].id}" selected>Andrii Agent</option>' in page.text
    assert page.text.count(" selected>") == 2


@pytest.mark.parametrize(
    "query", ["bank=abc", "agent=-3", "after=1e3", "supplier=" + "9" * 40, "number=" + "1" * 40, "contact=" + "x" * 200]
)
def test_bad_archive_filters_are_a_400_with_a_message(client_of, query):
    page = client_of("owner").get("/admin/cards/?tab=archive&" + query)
    assert page.status_code == 400
    assert "The filter was not understood" in page.text


def test_archive_pages_by_the_last_id_and_never_counts(app, client_of, team):
    made = [put_on(new_card(team), "archived").id for _ in range(53)]
    owner = client_of("owner")
    with capture_sql() as sql:
        first = owner.get("/admin/cards/?tab=archive")
        next_url = re.search(
            r'id="archive-next" rel="next" href="([^"]+)"|href="([^"]+)" id="archive-next"', first.text
        )
        assert next_url, first.text
        url = next(g for g in next_url.groups() if g).replace("&amp;", "&")
        assert f"after={sorted(made)[-50]}" in url
        second = owner.get(url)
    assert len(re.findall(r'data-card-id="', first.text)) == 50
    assert set(map(int, re.findall(r'data-card-id="(\d+)"', second.text))) == set(sorted(made)[:3])
    assert 'id="archive-next"' not in second.text and 'id="archive-first"' in second.text
    assert not any("count(" in statement for statement in sql.normalized)
