"""`python -m fundbook`: the same as the `fundbook` command."""

from fundbook.cli import main

main()
