"""Factories of the clients: a client started on the training pipeline by the engine, for its
responsible employee."""

from itertools import count

from sqlalchemy import select

from extensions import db
from models.clients import CLIENTS_PIPELINE, Client, ClientResponsible
from models.pipeline import Pipeline
from services import pipeline
from tests.factories.platform import make_office, make_user, place

_names = count(1)


def clients_pipeline():
    return db.session.scalar(select(Pipeline).where(Pipeline.code == CLIENTS_PIPELINE))


def make_client(employee=None, **fields):
    """A client on the first stage of the training pipeline with its first open task (by the engine), and
    the first stretch of his responsible employee."""
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
    if employee is not None:
        db.session.add(ClientResponsible(client_id=client.id, user_id=employee.id))
    db.session.commit()
    return client


def make_clients_office():
    """An office: a supervisor with two employees, and an intern of another supervisor (a peer team);
    everyone reads English."""
    office = make_office()
    people = {
        "owner": make_user(role_code="owner", full_name="Olena Owner", language="en"),
        "supervisor": make_user(full_name="Sofia Supervisor", language="en"),
        "employee": make_user(full_name="Eva Employee", language="en"),
        "employee2": make_user(full_name="Emil Employee", language="en"),
        "peer": make_user(full_name="Petro Peer", language="en"),
        "intern": make_user(full_name="Ihor Intern", language="en"),
    }
    lead = place(people["supervisor"], office, "supervisor")
    place(people["employee"], office, "employee", boss=lead)
    place(people["employee2"], office, "employee", boss=lead)
    peer = place(people["peer"], office, "supervisor")
    place(people["intern"], office, "intern", boss=peer)
    return {**people, "office": office}
