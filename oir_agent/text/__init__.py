"""The prompt side: prompts or instructions -> editing pairs and guided prompts (spaCy)."""
