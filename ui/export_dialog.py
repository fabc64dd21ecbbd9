"""The small dialog behind File > Export: which format, whose layer."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from .dialogs import ExportChoice

FORMAT_NOTES = {
    "jsonl": "native JSONL: everything, exactly (spaCy, Prodigy, Hugging Face read it)",
    "doccano": "doccano JSONL (UTF-16 offsets)",
    "prodigy": "Prodigy JSONL",
    "brat": "brat standoff: a folder of .txt and .ann files",
    "labelstudio": "Label Studio JSON",
    "conll": "CoNLL (tokens and BIO tags)",
    "spacy": "spaCy DocBin",
    "w3c": "W3C Web Annotation (JSON-LD)",
}
ALL_LAYERS = "All analysts"


class ExportDialog(QDialog):
    def __init__(self, formats: Sequence[str], layers: Sequence[str],
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self.format_box = QComboBox(self)
        self.format_box.setObjectName("exportFormat")
        for name in formats:
            self.format_box.addItem(f"{name} — {FORMAT_NOTES.get(name, name)}", name)
        self.layer_box = QComboBox(self)
        self.layer_box.setObjectName("exportLayer")
        self.layer_box.addItem(ALL_LAYERS, None)
        for name in layers:
            self.layer_box.addItem(name, name)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Format", self.format_box)
        form.addRow("Layer", self.layer_box)
        form.addRow(QLabel("What a format cannot carry is listed when the export is done.", self))
        form.addRow(buttons)

    def choice(self) -> ExportChoice:
        return ExportChoice(self.format_box.currentData(), self.layer_box.currentData())
