"""The reverse-proxy examples in deploy/ stay in step with the code they protect: the CSP allows
exactly the inline scripts that exist (Streamlit's own and the session-cookie script), and the
security headers a deployment needs are there in both files."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
import streamlit

from ui.session_cookie import SCRIPT_SHA256, SCRIPT_TEXT, _script

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
FILES = ["nginx.conf", "Caddyfile"]


def _sha(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def _streamlit_inline_scripts() -> list[str]:
    index = Path(streamlit.__file__).parent / "static" / "index.html"
    return re.findall(r"<script>(.*?)</script>", index.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("name", FILES)
def test_the_csp_allows_exactly_the_inline_scripts_there_are(name):
    text = (DEPLOY / name).read_text(encoding="utf-8")
    policy = re.search(r'Content-Security-Policy "([^"]+)"', text).group(1)
    allowed = set(re.findall(r"'(sha256-[^']+)'", policy))
    assert allowed == {SCRIPT_SHA256, *(_sha(s) for s in _streamlit_inline_scripts())}
    assert (
        "frame-ancestors 'none'" in policy
        and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    )


@pytest.mark.parametrize("name", FILES)
def test_the_security_headers_are_set(name):
    text = (DEPLOY / name).read_text(encoding="utf-8")
    for header in ("Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy",
                   "X-Frame-Options"):  # fmt: skip
        assert header in text, header
    assert re.search(r"max-age=(\d+)", text) and int(re.search(r"max-age=(\d+)", text)[1]) >= (
        180 * 86400
    )


def test_the_cookie_script_text_is_constant_and_the_token_escaped():
    one, other = _script("abc", 60), _script('x"><script>alert(1)</script>', 0)
    assert SCRIPT_SHA256 == _sha(SCRIPT_TEXT)
    for html in (one, other):
        assert html.count("<script") == 1 and f">{SCRIPT_TEXT}</script>" in html


def test_the_server_runs_without_the_per_run_costs_of_development():
    """No file watcher and no forced collection after every run: together about 40 % of the
    server's CPU under ten users (benchmarks/load.py). Read by the server itself, not just the file."""
    from streamlit import config

    config._config_options = None  # re-read .streamlit/config.toml from the project folder
    try:
        config.get_config_options(force_reparse=True)
        assert config.get_option("server.fileWatcherType") == "none"
        assert config.get_option("runner.postScriptGC") is False
    finally:
        config.get_config_options(force_reparse=True)
