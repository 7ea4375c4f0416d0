"""The channels a digest leaves the dashboard by, besides the inbox: e-mail over SMTP (STARTTLS
optional) and a DingTalk group robot (markdown message, optionally signed), and their settings.

Settings come from the environment, else from the `[notices]` table of `.streamlit/secrets.toml`
(the project root's; never committed). Keys (environment / secrets.toml):

    CREDIT_SMTP_HOST       smtp_host        SMTP server; no host: no e-mail
    CREDIT_SMTP_PORT       smtp_port        default 25 (587 with STARTTLS is usual)
    CREDIT_SMTP_STARTTLS   smtp_starttls    1/true to upgrade the connection with STARTTLS
    CREDIT_SMTP_USER       smtp_user        log in when given
    CREDIT_SMTP_PASSWORD   smtp_password
    CREDIT_SMTP_FROM       smtp_from        the sender address (default: the user, else
                                            credit-dashboard@localhost)
    CREDIT_DINGTALK_WEBHOOK  dingtalk_webhook  the robot's webhook URL (with its access_token)
    CREDIT_DINGTALK_SECRET   dingtalk_secret   the robot's signing secret (加签), when it has one

A send raises `SendError` with a one-line reason (never the password or the token); the caller
records it and goes on.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import smtplib
import ssl
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SECRETS = ROOT / ".streamlit" / "secrets.toml"
TIMEOUT_SECONDS = 20
ENV_KEYS = {
    "smtp_host": "CREDIT_SMTP_HOST",
    "smtp_port": "CREDIT_SMTP_PORT",
    "smtp_starttls": "CREDIT_SMTP_STARTTLS",
    "smtp_user": "CREDIT_SMTP_USER",
    "smtp_password": "CREDIT_SMTP_PASSWORD",
    "smtp_from": "CREDIT_SMTP_FROM",
    "dingtalk_webhook": "CREDIT_DINGTALK_WEBHOOK",
    "dingtalk_secret": "CREDIT_DINGTALK_SECRET",
}


class SendError(RuntimeError):
    """A send that did not go through, with its reason in one line."""


@dataclass(frozen=True)
class ChannelConfig:
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str | None = None
    dingtalk_webhook: str | None = None
    dingtalk_secret: str | None = None

    @property
    def sender(self) -> str:
        return self.smtp_from or self.smtp_user or "credit-dashboard@localhost"


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def load_config(
    env: Mapping[str, str] | None = None, secrets_file: Path | None = None
) -> ChannelConfig:
    """The settings: each key from the environment, else from secrets.toml's [notices]."""
    env = os.environ if env is None else env
    path = SECRETS if secrets_file is None else secrets_file
    table: dict[str, Any] = {}
    if path.is_file():
        try:
            table = dict(tomllib.loads(path.read_text(encoding="utf-8")).get("notices", {}))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            table = {}
    values: dict[str, Any] = {}
    for key, variable in ENV_KEYS.items():
        value = env.get(variable)
        if value in (None, ""):
            value = table.get(key)
        if value in (None, ""):
            continue
        values[key] = value
    try:
        port = int(values.get("smtp_port", 25))
    except (TypeError, ValueError):
        port = 25
    return ChannelConfig(
        smtp_host=str(values["smtp_host"]) if "smtp_host" in values else None,
        smtp_port=port,
        smtp_starttls=_flag(values.get("smtp_starttls", False)),
        smtp_user=str(values["smtp_user"]) if "smtp_user" in values else None,
        smtp_password=str(values["smtp_password"]) if "smtp_password" in values else None,
        smtp_from=str(values["smtp_from"]) if "smtp_from" in values else None,
        dingtalk_webhook=str(values["dingtalk_webhook"]) if "dingtalk_webhook" in values else None,
        dingtalk_secret=str(values["dingtalk_secret"]) if "dingtalk_secret" in values else None,
    )


def _reason(exc: BaseException) -> str:
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}"[:300]


def send_email(config: ChannelConfig, to: str, subject: str, body: str) -> None:
    """One plain-text UTF-8 message to one address; SendError when it could not be handed over."""
    if not config.smtp_host:
        raise SendError("e-mail is not configured (CREDIT_SMTP_HOST)")
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="credit-dashboard")
    message.set_content(body, charset="utf-8")
    try:
        with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
            if config.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if config.smtp_user:
                smtp.login(config.smtp_user, config.smtp_password or "")
            refused = smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise SendError(_reason(exc)) from None
    if refused:
        raise SendError(f"refused by the server: {', '.join(refused)}")


def signed_url(webhook: str, secret: str, timestamp_ms: int) -> str:
    """The webhook with DingTalk's signature: timestamp and sign = Base64(HMAC-SHA256 of
    "timestamp\\nsecret" keyed by the secret), URL-encoded."""
    text = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), text, hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    joiner = "&" if "?" in webhook else "?"
    return f"{webhook}{joiner}timestamp={timestamp_ms}&sign={sign}"


def dingtalk_payload(title: str, text: str) -> dict[str, Any]:
    return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}


def send_dingtalk(
    config: ChannelConfig, title: str, text: str, timestamp_ms: int | None = None
) -> None:
    """Post a markdown message to the robot; SendError unless DingTalk answers errcode 0."""
    if not config.dingtalk_webhook:
        raise SendError("DingTalk is not configured (CREDIT_DINGTALK_WEBHOOK)")
    url = config.dingtalk_webhook
    if config.dingtalk_secret:
        url = signed_url(url, config.dingtalk_secret, timestamp_ms or int(time.time() * 1000))
    data = json.dumps(dingtalk_payload(title, text), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            answer = json.loads(response.read().decode("utf-8") or "{}")
    except urllib.error.HTTPError as exc:
        raise SendError(f"HTTP {exc.code}") from None
    except (OSError, ValueError) as exc:
        raise SendError(_reason(exc)) from None
    if answer.get("errcode", 0) != 0:
        raise SendError(f"DingTalk errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")
