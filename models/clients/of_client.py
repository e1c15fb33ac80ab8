"""What belongs to a client — his invoices, his documents — is seen by whoever sees him, in the
offices where the viewer works (the record's own office, `office_id`)."""

import sqlalchemy as sa


class OfClient:
    __scope_office__ = "office_id"

    @classmethod
    def scope_clause(cls, visible_ids):
        from models.clients.client import Client

        return cls.client_id.in_(sa.select(Client.id).where(Client.scope_clause(visible_ids)))

    def seen_among(self, people):
        return self.client.seen_among(people)
