"""Page: 总览 / Overview — a placeholder until its issue lands."""

from ui.placeholder import render_placeholder

render_placeholder("overview")
