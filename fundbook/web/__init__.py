"""The read-only web dashboard (`fundbook serve`): the reports' pages and figures in the browser."""
