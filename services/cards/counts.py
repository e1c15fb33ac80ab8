"""The cards' share of the engine's kept tables (services/pipeline/counts.py): the tracker's counters,
the chosen responsibles' card stage and every card task's copy of the card's people, with the
`flask rebuild-card-counts [--check]` command."""

import click
from flask.cli import with_appcontext

from models.cards.card import Card
from services.pipeline import counts


def rebuild(session=None):
    return counts.rebuild(Card, session)


def mismatches(session=None):
    return counts.mismatches(Card, session)


@click.command("rebuild-card-counts")
@click.option("--check", is_flag=True, help="Only compare the counters with a real count.")
@with_appcontext
def rebuild_card_counts_command(check):
    """Recompute the tracker's per-stage card counters from the cards."""
    if check:
        wrong = mismatches()
        for key, (kept, real) in sorted(wrong.items(), key=str):
            click.echo(f"{key}: {kept} kept, {real} real")
        if wrong:
            raise click.ClickException(f"{len(wrong)} counters differ from the cards")
        click.echo("card counters are exact")
        return
    click.echo(f"card counters rebuilt: {rebuild()} rows")


def init_app(app):
    app.cli.add_command(rebuild_card_counts_command)
