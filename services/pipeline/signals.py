"""The engine's domain events, as blinker signals a subject's domain connects to in its init_app.
Both are sent inside the move's transaction, before anything is written, with the subject as sender:

- `checking_values(subject, stage=…, values=…)`: the modal's values of the stage being left have
  passed the field checks; a receiver returns {field: message} for what its domain refuses (an amount
  it cannot book) — the move is then refused with those messages, nothing changed;
- `stage_left(subject, stage=…, values=…, by=…)`: the subject leaves `stage` with these values; a
  receiver records what its domain keeps of them (a card's transactions, the bank's answer date)."""

from blinker import Namespace

_signals = Namespace()

checking_values = _signals.signal("checking-values")
stage_left = _signals.signal("stage-left")


def refusals(subject, stage, values):
    """{field: message} of every receiver of checking_values."""
    errors = {}
    for _receiver, answer in checking_values.send(subject, stage=stage, values=values):
        errors.update(answer or {})
    return errors
