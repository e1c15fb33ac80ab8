"""LIKE patterns of what a person typed, its wildcards taken literally (ESCAPE '\\')."""


def like_escaped(text):
    """`text` with LIKE's wildcards taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def containing(text):
    return "%" + like_escaped(text) + "%"
