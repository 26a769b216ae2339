"""Launcher: `python server.py [options]` is `oir-agent serve [options]` (MCP server, stdio by default)."""
import sys

from oir_agent.server.transports import main

sys.exit(main())
