"""roles: banks are the owner's and the administrator's only; the accountant loses banks.view

The accountant was seeded with banks.view (the banks list, a bank's page and the banks export).
The customer's rule is banks for the owner and the administrator only; the accountant keeps a
card's bank and commission where his work needs them (a card's page and its transactions, the
tracker's bank filter), which do not ask for banks.view. seeds/roles.yaml only ever adds grants,
so existing databases lose them here. The
trigger of migration b1c2d3e4f507 bumps the 'access' signal: signed-in accountants lose the banks
at their next request.

Revision ID: b1c2d3e4f513
Revises: b1c2d3e4f512
Create Date: 2026-12-06 09:00:00

"""

from alembic import op

revision = "b1c2d3e4f513"
down_revision = "b1c2d3e4f512"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "DELETE FROM role_permissions"
        " WHERE role_id = (SELECT id FROM roles WHERE code = 'accountant')"
        " AND permission IN ('banks.view', 'banks.manage')"
    )


def downgrade():
    # Back to the seeded grant (banks.view); whether banks.manage was ever given is not known.
    op.execute(
        "INSERT INTO role_permissions (role_id, permission)"
        " SELECT roles.id, 'banks.view' FROM roles WHERE roles.code = 'accountant'"
        " AND NOT EXISTS (SELECT 1 FROM role_permissions"
        " WHERE role_permissions.role_id = roles.id AND role_permissions.permission = 'banks.view')"
    )
