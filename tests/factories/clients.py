"""Factories of the clients: a client started on the training pipeline by the engine, for its
responsible employee."""

from itertools import count

from sqlalchemy import select

from extensions import db
from models.clients import CLIENTS_PIPELINE, Client
from models.pipeline import Pipeline
from services import pipeline

_names = count(1)


def clients_pipeline():
    return db.session.scalar(select(Pipeline).where(Pipeline.code == CLIENTS_PIPELINE))


def make_client(employee=None, **fields):
    """A client on the first stage of the training pipeline with its first open task (by the engine)."""
    board = clients_pipeline()
    first = board.stages[0]
    client = Client(
        full_name=fields.pop("full_name", f"Client {next(_names)}"),
        responsible_id=employee.id if employee is not None else None,
        pipeline_id=board.id,
        stage_id=first.id,
        **fields,
    )
    db.session.add(client)
    pipeline.start(client, first)
    db.session.commit()
    return client
