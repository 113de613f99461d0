"""`python -m ladderctl`."""

from ladderctl.cli import main

main()
