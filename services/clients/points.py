"""Points for the clients' progress: when a client reaches a stage, each rule of that stage credits
him and his responsible employee, once per client and rule (a client sent back and moved on again
earns nothing twice). A move taken back by its mover (the board's undo) takes its points back, and
the client earns them again when he reaches the stage for real."""

from models.clients import Client
from services import ledger
from services.ledger import rules


def credit_stage_reached(subject, result):
    """The engine's `moved` signal, for clients: a move (not an in-stage step) to a stage with rules."""
    if not isinstance(subject, Client) or result.from_stage_id == result.to_stage_id:
        return
    source = ledger.Source("client_stage", subject.id)
    for rule in rules.in_force("stage_reached", result.to_stage.code):
        ledger.credit(
            rule.code, source, client_id=subject.id, client_amount=rule.client_amount,
            employee_id=subject.responsible_id, employee_amount=rule.employee_amount, kind=rule.kind,
            again=ledger.times_taken_back(rule.code, source),
        )  # fmt: skip


def take_back_on_undo(subject, stage, values, by, left):
    """The engine's `move_undone`: the client leaves `left` for the stage he came from; the credits of
    `left`'s rules are reversed."""
    if not isinstance(subject, Client):
        return
    source = ledger.Source("client_stage", subject.id)
    for rule in rules.in_force("stage_reached", left.code):
        ledger.reverse_source(source, by=by, rule_code=rule.code)


def connect():
    from services.pipeline import signals

    signals.moved.connect(credit_stage_reached)
    signals.move_undone.connect(take_back_on_undo)
