"""Page: 重点人群与重点领域覆盖 / Key professions and domains — a placeholder until its issue lands."""

from ui.placeholder import render_placeholder

render_placeholder("coverage")
