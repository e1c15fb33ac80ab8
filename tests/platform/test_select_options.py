"""The filters' <option>s: escaped, the chosen one selected whatever the type it is given in. The
archive keeping its filters chosen is in tests/cards/test_card_list_pages.py."""

from admin_views.select_options import select_options


def test_options_escape_labels_and_values():
    html = str(select_options([(1, "<b>Bank & Co</b>"), ('"x"', "O'Neil")]))
    assert "<b>" not in html and "&lt;b&gt;Bank &amp; Co&lt;/b&gt;" in html
    assert 'value="&quot;x&quot;"' in html and "O&#x27;Neil" in html
    assert html.count("<option ") == 2 and "selected" not in html


def test_the_chosen_option_is_selected_as_a_number_or_as_text():
    choices = [(5, "Five"), (15, "Fifteen"), (50, "Fifty")]
    for chosen in (15, "15"):
        html = str(select_options(choices, chosen))
        assert html.count(" selected") == 1 and '<option value="15" selected>Fifteen</option>' in html
    for nothing in (None, "", 1):
        assert " selected" not in str(select_options(choices, nothing))
