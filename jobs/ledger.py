"""The ledger's command: `flask ledger-check` proves every kept balance equals its entries."""

import click
from flask.cli import with_appcontext

from services import ledger


@click.command("ledger-check")
@with_appcontext
def ledger_check_command():
    """Compare every kept points and bonus balance with the sum of its ledger entries."""
    wrong = ledger.mismatches()
    for (holder, holder_id, kind), (kept, real) in sorted(wrong.items(), key=str):
        click.echo(
            f"{holder} {holder_id} {kind}: kept {kept[0]} over {kept[1]} entries, ledger {real[0]} over {real[1]}"
        )
    if wrong:
        raise click.ClickException(f"{len(wrong)} balances differ from the ledger")
    click.echo("ledger balances are exact")


def init_app(app):
    app.cli.add_command(ledger_check_command)
