"""Page: 查询行为监测 / Query oversight — a placeholder until its issue lands."""

from ui.placeholder import render_placeholder

render_placeholder("oversight")
