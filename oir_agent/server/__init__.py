"""The MCP server front end: app (tools), inputs, outputs, schema, transports (stdio / HTTP)."""
