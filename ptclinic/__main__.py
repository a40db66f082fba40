"""`python -m ptclinic`: the same as the `ptclinic` command."""

from ptclinic.cli.main import main

raise SystemExit(main())
