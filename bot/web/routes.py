"""One route table with named routes."""

from pathlib import Path

from aiohttp import web

from bot.desk.booking_links import PATH as BOOKING_LINK_PATH
from bot.web.views import api, booking_links, dashboard, demo, health, slots, staff_auth, tickets
from bot.web.views import inbox, privacy

STATIC = Path(__file__).with_name("static")


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/health", health.health, name="health")
    app.router.add_get("/", demo.demo_page, name="demo")
    app.router.add_static("/static", STATIC, name="static")
    # Public one-time cancel/move links from the client's mails (own form protection).
    app.router.add_get(BOOKING_LINK_PATH + "{token}", booking_links.link_page, name="booking_link")
    app.router.add_post(BOOKING_LINK_PATH + "{token}", booking_links.link_use,
                        name="booking_link_post")
    # Staff UI (login required: bot/web/auth.py)
    app.router.add_get("/staff", dashboard.dashboard, name="staff_dashboard")
    app.router.add_get("/staff/login", staff_auth.login_form, name="staff_login")
    app.router.add_post("/staff/login", staff_auth.login, name="staff_login_post")
    app.router.add_post("/staff/logout", staff_auth.logout, name="staff_logout")
    app.router.add_get("/staff/lang/{lang}", staff_auth.switch_language, name="staff_lang")
    app.router.add_get("/staff/tickets", tickets.ticket_list, name="staff_tickets")
    app.router.add_get("/staff/tickets.csv", tickets.ticket_export, name="staff_tickets_csv")
    app.router.add_get("/staff/tickets/{reference}", tickets.ticket_detail, name="staff_ticket")
    app.router.add_post("/staff/tickets/{reference}/status", tickets.ticket_status,
                        name="staff_ticket_status")
    app.router.add_post("/staff/tickets/{reference}/notes", tickets.ticket_note,
                        name="staff_ticket_note")
    app.router.add_post("/staff/tickets/{reference}/assign", tickets.ticket_assign,
                        name="staff_ticket_assign")
    app.router.add_get("/staff/slots", slots.slot_list, name="staff_slots")
    app.router.add_post("/staff/slots", slots.slot_create, name="staff_slot_create")
    app.router.add_post("/staff/slots/{slot_id:\\d+}/delete", slots.slot_delete,
                        name="staff_slot_delete")
    app.router.add_get("/staff/audit", dashboard.audit_log, name="staff_audit")
    # Staff JSON API (contracts.md; session cookie or bearer STAFF_API_TOKEN)
    app.router.add_get("/staff/api/tickets", api.tickets, name="staff_api_tickets")
    app.router.add_get("/staff/api/tickets/{reference}", api.ticket, name="staff_api_ticket")
    # Privacy (contracts.md; admin or bearer token): a person's data by e-mail address
    app.router.add_get("/staff/privacy", privacy.privacy_page, name="staff_privacy")
    app.router.add_post("/staff/privacy/erase", privacy.privacy_erase_form, name="staff_privacy_erase")
    app.router.add_get("/staff/api/privacy/export", privacy.export, name="staff_api_privacy_export")
    app.router.add_post("/staff/api/privacy/erase", privacy.erase, name="staff_api_privacy_erase")
    # Training inbox (issue 7): review real questions, export to data/nlu
    app.router.add_get("/staff/inbox", inbox.inbox_page, name="staff_inbox")
    app.router.add_post("/staff/inbox/review", inbox.inbox_review, name="staff_inbox_review")
    app.router.add_post("/staff/inbox/export", inbox.inbox_export, name="staff_inbox_export")
    app.router.add_get("/staff/api/inbox", inbox.api_inbox, name="staff_api_inbox")
    app.router.add_post("/staff/api/inbox/review", inbox.api_inbox_review, name="staff_api_inbox_review")
