"""The OIR engine: tensors in, tensors out. No file I/O, no model loading, no MCP."""
