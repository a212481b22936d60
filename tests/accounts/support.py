"""Helpers for the people tests: the link an email carries, read from the outbox."""

import html
import re

from django.core import mail

from notifications.models import Notification
from tests.visible import words
from tests.web.conftest import errors_on as raw_errors_on

SERVICE_URL = "https://nir.example.nhs.uk"


def link_in_outbox(template, recipient):
    """The path of the newest link emailed to ``recipient``: from the outbox row while it waits
    to be sent, or from the email itself once it has gone (the row then has it removed)."""
    notification = Notification.objects.filter(template=template, recipient=recipient).latest(
        "created_at", "id"
    )
    if notification.status == "queued":
        return notification.personalisation["url"].removeprefix(SERVICE_URL)
    sent = [m for m in mail.outbox if recipient in m.to]
    return re.findall(re.escape(SERVICE_URL) + r"(/\S+)", sent[-1].body)[-1]


def errors_on(response):
    return [html.unescape(text) for text in raw_errors_on(response)]


def text_of(response):
    """The page's visible text, every run of white space one space (tests/visible.py)."""
    return words(response)


NEW_PASSWORD = "Plum-Orchard-Lantern-42"
DEAD = "This link has expired or has already been used"


def invite(client, email="new.colleague@northern.example"):
    return client.post("/organisation/members/invite", {"email": email})


def create_account(client, link, *, full_name="Grace Hopper", password=NEW_PASSWORD):
    response = client.get(link)
    if response.status_code != 302:
        return response
    return client.post(
        response["Location"],
        {"full_name": full_name, "password": password, "password_confirm": password},
    )
