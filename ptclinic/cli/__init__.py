"""The `ptclinic` command line: starts the desktop app and runs the headless sub-commands."""
