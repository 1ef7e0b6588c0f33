"""Reports: snapshot figures -> template context -> reports/templates."""
