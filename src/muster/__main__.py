"""`python -m muster ...` runs the command line (for example under `-X importtime`)."""

from muster.cli import main

main()
