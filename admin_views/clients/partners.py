"""The referral partners (/admin/partners/): the partners a person sees, the clients each brought and
what he earned from them."""

from flask import abort, request
from flask_admin import expose
from flask_login import current_user

from admin_views.base import SecuredView, parse_id
from services.clients import operations as clients
from services.clients import partners as partner_lists


class PartnersView(SecuredView):
    permission = "clients.view"

    @expose("/")
    def index(self):
        before = parse_id(request.args.get("before")) if request.args.get("before") else None
        if request.args.get("before") and before is None:
            abort(400)
        rows, next_before = partner_lists.partners(current_user, before)
        return self.render("admin/clients/partners.html", rows=rows, next_before=next_before, paged=before is not None)

    @expose("/<id:client_id>/")
    def partner(self, client_id):
        partner = clients.visible_client(current_user, client_id)
        if partner is None or not partner.is_partner:
            abort(404)
        brought = partner_lists.brought_by(current_user, partner)
        return self.render("admin/clients/partner.html", partner=partner, brought=brought)
