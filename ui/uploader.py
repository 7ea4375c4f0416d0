"""Streamlit's file uploader in the user's language: its button ("Upload") and its limit line
("20MB per file • CSV, XLSX") are Streamlit's own English; a style rule hides them and writes the
translated words in their place (CSS content, allowed by the deployment's style-src)."""

from __future__ import annotations

import json

import streamlit as st

from ui.i18n import t


def translated_uploader_style(lang: str, limit_mb: int, types: str) -> None:
    """Put the uploader's words in the language; call once on a page with a file uploader."""
    button = json.dumps(t("im.uploader.button", lang), ensure_ascii=False)
    limits = json.dumps(
        t("im.uploader.limits", lang, limit=limit_mb, types=types), ensure_ascii=False
    )
    st.html(
        "<style>"
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]'
        "{display:none}"
        f'[data-testid="stFileUploaderDropzone"] button > div::after{{content:{button}}}'
        '[data-testid="stFileUploaderDropzoneInstructions"] > div{display:none}'
        f'[data-testid="stFileUploaderDropzoneInstructions"]::after{{content:{limits};'
        "font-size:0.875rem;opacity:0.7}"
        "</style>"
    )
