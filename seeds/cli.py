import click
from flask import current_app
from flask.cli import with_appcontext

from seeds.demo import DEMO_PASSWORD, PEOPLE, is_empty, load_demo
from seeds.reference import load_reference


@click.command("seed-reference")
@with_appcontext
def seed_reference_command():
    """Load roles, permissions and positions (idempotent)."""
    load_reference()
    click.echo("reference data loaded")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when there are users already.")
@with_appcontext
def seed_demo_command(if_empty):
    """Load demo users, org tree, banks and contractors (never in production)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("demo data is never loaded in production")
    load_reference()
    if is_empty():
        load_demo()
    elif not if_empty:
        raise click.ClickException("database is not empty")
    else:
        click.echo("The database already has users; demo data was not loaded again.")
    click.echo(f"Demo logins (password: {DEMO_PASSWORD}):")
    for username, full_name, role in PEOPLE:
        click.echo(f"  {username:<12} {role or 'org position':<14} {full_name}")


def init_app(app):
    app.cli.add_command(seed_reference_command)
    app.cli.add_command(seed_demo_command)
