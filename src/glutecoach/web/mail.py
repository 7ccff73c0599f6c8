"""Password reset emails, sent with the standard library's ``smtplib`` when SMTP is set up
(``Settings.smtp_host``); without it the clinician hands the one-time link over instead."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from glutecoach.settings import Settings
from glutecoach.store.accounts import RESET_HOURS


def can_email(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def send_reset_link(settings: Settings, to: str, name: str, link: str) -> None:
    """Email ``link`` to ``to``; raises ``OSError``/``smtplib.SMTPException`` when it fails."""
    message = EmailMessage()
    message["Subject"] = "Set a new glutecoach password"
    message["From"] = settings.smtp_from
    message["To"] = to
    message.set_content(
        f"Hello {name},\n\nOpen this link to choose a new glutecoach password:\n\n{link}\n\n"
        f"It works once, for {RESET_HOURS} hours. If you did not ask for it, ignore this email:"
        " your password stays as it is.\n")
    assert settings.smtp_host
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(message)
