"""Page: 诚信积分 / Integrity points — a placeholder until its issue lands."""

from ui.placeholder import render_placeholder

render_placeholder("scores")
