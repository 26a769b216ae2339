"""The edit view: an MCP App page and the same page as a standalone report (`oir-agent view`)."""
