"""Page: 部门报送进度 / Reporting progress — a placeholder until its issue lands."""

from ui.placeholder import render_placeholder

render_placeholder("reporting")
