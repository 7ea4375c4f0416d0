"""Page: 个人信用档案 / Personal credit file — a placeholder until its issue lands."""

from ui.placeholder import render_placeholder

render_placeholder("person")
