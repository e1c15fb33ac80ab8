"""The cards' commands: `flask rebuild-card-counts [--check]`."""

import click
from flask.cli import with_appcontext

from extensions import db
from services.cards import counts as card_counts


@click.command("rebuild-card-counts")
@click.option("--check", is_flag=True, help="Only compare the counters with a real count.")
@with_appcontext
def rebuild_card_counts_command(check):
    """Recompute the tracker's per-stage card counters from the cards."""
    if check:
        wrong = card_counts.mismatches()
        for key, (kept, real) in sorted(wrong.items(), key=str):
            click.echo(f"{key}: {kept} kept, {real} real")
        if wrong:
            raise click.ClickException(f"{len(wrong)} counters differ from the cards")
        click.echo("card counters are exact")
        return
    rows = card_counts.rebuild()
    db.session.commit()
    click.echo(f"card counters rebuilt: {rows} rows")


def init_app(app):
    app.cli.add_command(rebuild_card_counts_command)
