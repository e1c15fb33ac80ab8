"""What other domains add to a subject's own page (a client's) without the subject's domain importing
them: a tab (its label, an optional badge, its context, template and script) and a section of the
subject's dossier download (a sheet of rows), each by subject type. The other domain registers them
in its admin_views init_app; the subject's page reads them here."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SubjectTab:
    code: str
    label: object
    context: object  # (subject) → dict for the template; the caller checked the subject's scope
    template: str  # included inside the subject's page
    badge: object = None  # (subject) → a number shown beside the label (0: none), or None
    before: str = "history"
    script: str = ""  # a static/ path loaded by the page when the tab is open


@dataclass(frozen=True)
class DossierSection:
    code: str
    title: object
    columns: tuple
    rows: object  # (subject) → an iterable of row tuples; the caller checked the subject's scope


_TABS = {}  # subject type → {code: SubjectTab}
_SECTIONS = {}  # subject type → {code: DossierSection}


def register_tab(subject_type, code, label, context, template, badge=None, before="history", script=""):
    _TABS.setdefault(subject_type, {})[code] = SubjectTab(code, label, context, template, badge, before, script)


def register_dossier_section(subject_type, code, title, columns, rows):
    _SECTIONS.setdefault(subject_type, {})[code] = DossierSection(code, title, tuple(columns), rows)


def tab(subject_type, code):
    return _TABS.get(subject_type, {}).get(code)


def dossier_sections(subject_type):
    return list(_SECTIONS.get(subject_type, {}).values())


def tabs_with(subject_type, own):
    """The page's own (code, label) tabs with the registered ones put in their places."""
    tabs = list(own)
    for extra in _TABS.get(subject_type, {}).values():
        codes = [code for code, _label in tabs]
        at = codes.index(extra.before) if extra.before in codes else len(tabs)
        tabs.insert(at, (extra.code, extra.label))
    return tuple(tabs)


def badges_of(subject_type, subject):
    """{tab code: its number} of the registered tabs that show one now."""
    found = {}
    for extra in _TABS.get(subject_type, {}).values():
        count = extra.badge(subject) if extra.badge is not None else 0
        if count:
            found[extra.code] = count
    return found
