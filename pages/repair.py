"""Page: 异议与信用修复 / Objections and repair — a placeholder until its issue lands."""

from ui.placeholder import render_placeholder

render_placeholder("repair")
