"""The CSV column mapping: which column of the export holds the conversation id, the time, who
wrote and the text, and which words in the author column mean visitor, bot or agent.

A form, not a wizard: the four pickers are filled from the file's header and start on the
importer's guess (`guess_mapping`), so a common export needs no change at all.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLineEdit, QWidget

from builder.importers.csv_mapped import AGENT_ROLES, BOT_ROLES, VISITOR_ROLES, CsvMapping, csv_header, guess_mapping

FIELDS = (("conversation", "Conversation id"), ("at", "Time"), ("role", "Who wrote"), ("text", "Message text"))


class CsvMappingPanel(QGroupBox):
    """Column pickers and role words; `mapping()` is what the user chose."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("CSV columns", parent)
        self.setObjectName("csvMapping")
        form = QFormLayout(self)
        self.columns: dict[str, QComboBox] = {}
        for key, label in FIELDS:
            combo = QComboBox(self)
            combo.setAccessibleName(f"Column: {label}")
            self.columns[key] = combo
            form.addRow(f"{label}:", combo)
        self.roles: dict[str, QLineEdit] = {}
        for key, label, words in (("visitor", "Visitor words", VISITOR_ROLES), ("bot", "Bot words", BOT_ROLES),
                                  ("agent", "Agent words", AGENT_ROLES)):
            edit = QLineEdit(", ".join(words), self)
            edit.setAccessibleName(label)
            edit.setToolTip("Words in the 'who wrote' column that mean this author, separated by commas (any case)")
            self.roles[key] = edit
            form.addRow(f"{label}:", edit)

    def load_header(self, path: Path) -> None:
        """Offer the file's columns, starting on the best guess."""
        header = csv_header(path)
        guess = guess_mapping(header)
        for key, combo in self.columns.items():
            combo.clear()
            combo.addItems(header)
            index = combo.findText(getattr(guess, key))
            combo.setCurrentIndex(max(0, index))

    def mapping(self) -> CsvMapping:
        def words(key: str) -> tuple[str, ...]:
            return tuple(w.strip() for w in self.roles[key].text().split(",") if w.strip())

        return CsvMapping(conversation=self.columns["conversation"].currentText(),
                          at=self.columns["at"].currentText(), role=self.columns["role"].currentText(),
                          text=self.columns["text"].currentText(), visitor_roles=words("visitor"),
                          bot_roles=words("bot"), agent_roles=words("agent"))
