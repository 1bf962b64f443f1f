"""When a project or the index broke: what a damaged project shows and what can be restored from it
(`damage`), rebuilding a lost or damaged index from the project files (`rebuild`), and writing a
damaged project back (`restoring`)."""
