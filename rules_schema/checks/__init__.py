"""The semantic checks the JSON Schema cannot express: ids and references (`semantics`), condition
trees against the catalog (`conditions`), schedules and holidays (`schedule_checks`), word groups
and text options (`word_groups`)."""
