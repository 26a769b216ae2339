"""`python -m oir_agent.cli` == `oir-agent`."""

from .main import main

raise SystemExit(main())
