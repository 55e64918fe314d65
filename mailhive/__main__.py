"""``python -m mailhive`` runs the command line."""
from mailhive.cli import main

raise SystemExit(main())
