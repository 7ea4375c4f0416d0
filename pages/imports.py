"""Page: 数据报送 / Data submission — a placeholder until its issue lands."""

from ui.placeholder import render_placeholder

render_placeholder("imports")
