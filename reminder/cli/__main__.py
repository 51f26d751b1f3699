"""`python -m reminder.cli`: the same command line as the `reminder` script."""

from reminder.cli import main

main()
