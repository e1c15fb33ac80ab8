"""What other domains add to a client's page without the clients domain importing them: a tab (its
label, an optional badge, its context and template) and a section of the client's dossier download
(a sheet of rows). Each is registered by the other domain's admin_views init_app."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ClientTab:
    code: str
    label: object
    context: object  # (client) → dict for the template; the caller checked the client's scope
    template: str  # included inside the client's page
    badge: object = None  # (client) → a number shown beside the label (0: none), or None
    before: str = "history"
    script: str = ""  # a static/ path loaded by the page when the tab is open


@dataclass(frozen=True)
class DossierSection:
    code: str
    title: object
    columns: tuple
    rows: object  # (client) → an iterable of row tuples; the caller checked the client's scope


TABS = {}
SECTIONS = {}


def register_client_tab(code, label, context, template, badge=None, before="history", script=""):
    TABS[code] = ClientTab(code, label, context, template, badge, before, script)


def register_dossier_section(code, title, columns, rows):
    SECTIONS[code] = DossierSection(code, title, tuple(columns), rows)


def tabs_with(own):
    """The page's own (code, label) tabs with the registered ones put in their places."""
    tabs = list(own)
    for tab in TABS.values():
        codes = [code for code, _label in tabs]
        at = codes.index(tab.before) if tab.before in codes else len(tabs)
        tabs.insert(at, (tab.code, tab.label))
    return tuple(tabs)


def badges_of(client):
    """{tab code: its number} of the registered tabs that show one now."""
    found = {}
    for tab in TABS.values():
        count = tab.badge(client) if tab.badge is not None else 0
        if count:
            found[tab.code] = count
    return found
