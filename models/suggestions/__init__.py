"""Anonymous suggestions to a leader or the administrator, and their status history."""

from models.suggestions.suggestion import Suggestion, SuggestionStatusChange

__all__ = ["Suggestion", "SuggestionStatusChange"]
