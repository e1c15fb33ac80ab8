"""Export files built per user and the owner's scheduled export emails."""

from models.exports.export import ExportDelivery, ExportJob, ExportSchedule

__all__ = [
    "ExportDelivery",
    "ExportJob",
    "ExportSchedule",
]
