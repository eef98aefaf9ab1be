"""A podcast's own settings: skip keywords, skip intro/outro, speed, volume, remote images."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from podplayer.core.skiprules import SUGGESTED_RULES, PodcastPrefs, normalise_rules
from podplayer.ui.transport import SPEEDS, speed_text

_DEFAULT = "Same as other podcasts"


class PodcastPrefsDialog(QDialog):
    """Edits ``prefs`` for the podcast titled ``title``; ``prefs()`` gives the result."""

    def __init__(self, title: str, prefs: PodcastPrefs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Settings for “{title}”")
        self.setObjectName("podcastPrefsDialog")
        self._prefs = prefs

        intro = QLabel(
            "Chapters whose title contains one of these words are skipped in every episode "
            "(untick or tick a chapter by hand to override). End a word with * to match any "
            "word starting with it."
        )
        intro.setWordWrap(True)
        self.rule_list = QListWidget()
        self.rule_list.setAccessibleName("Skip keywords")
        self.rule_list.setMaximumHeight(self.fontMetrics().height() * 8)
        for rule in prefs.rules:
            self._add_item(rule)
        self.rule_edit = QLineEdit()
        self.rule_edit.setAccessibleName("New skip keyword")
        self.rule_edit.setPlaceholderText("A word such as Sponsor")
        self.rule_edit.returnPressed.connect(self.add_rule)
        add = QPushButton("&Add")
        add.setAutoDefault(False)
        add.clicked.connect(self.add_rule)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_rule)
        self.suggest_button = QPushButton("Add &suggestions")
        self.suggest_button.setAutoDefault(False)
        self.suggest_button.setToolTip(", ".join(SUGGESTED_RULES))
        self.suggest_button.clicked.connect(self.add_suggestions)
        rule_row = QHBoxLayout()
        rule_row.addWidget(self.rule_edit, 1)
        rule_row.addWidget(add)
        rule_row.addWidget(self.remove_button)
        rule_row.addWidget(self.suggest_button)

        self.intro_spin = _seconds_box("Skip intro")
        self.intro_spin.setValue(prefs.intro_ms // 1000)
        self.outro_spin = _seconds_box("Skip outro")
        self.outro_spin.setValue(prefs.outro_ms // 1000)
        self.speed_combo = QComboBox()
        self.speed_combo.setAccessibleName("Speed for this podcast")
        self.speed_combo.addItem(_DEFAULT, None)
        for rate in SPEEDS:
            self.speed_combo.addItem(speed_text(rate), rate)
        if prefs.speed is not None:
            index = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - (prefs.speed or 1.0)))
            self.speed_combo.setCurrentIndex(index + 1)
        self.volume_check = QCheckBox("&Own volume")
        self.volume_check.setAccessibleName("Use a volume of its own for this podcast")
        self.volume_slider = QSlider(Qt.Orientation.Horizontal)
        self.volume_slider.setAccessibleName("Volume for this podcast")
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setValue(prefs.volume if prefs.volume is not None else 100)
        self.volume_check.setChecked(prefs.volume is not None)
        self.volume_slider.setEnabled(prefs.volume is not None)
        self.volume_check.toggled.connect(self.volume_slider.setEnabled)
        volume_row = QHBoxLayout()
        volume_row.addWidget(self.volume_check)
        volume_row.addWidget(self.volume_slider, 1)
        self.images_check = QCheckBox("Load &pictures from the web in the show notes")
        self.images_check.setChecked(prefs.allow_images)

        form = QFormLayout()
        form.addRow("Skip &intro:", self.intro_spin)
        form.addRow("Skip ou&tro:", self.outro_spin)
        form.addRow("S&peed:", self.speed_combo)
        form.addRow("Volume:", volume_row)
        form.addRow(self.images_check)
        for spin in (self.intro_spin, self.outro_spin):
            label = form.labelForField(spin)
            if isinstance(label, QLabel):
                label.setBuddy(spin)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        caption = QLabel("<b>Skip chapters</b>")
        caption.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(caption)
        layout.addWidget(intro)
        layout.addWidget(self.rule_list)
        layout.addLayout(rule_row)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _add_item(self, rule: str) -> None:
        item = QListWidgetItem(rule)
        self.rule_list.addItem(item)

    def rules(self) -> tuple[str, ...]:
        items = (self.rule_list.item(i) for i in range(self.rule_list.count()))
        return normalise_rules(item.text() for item in items if item is not None)

    def add_rule(self, text: str | None = None) -> None:
        """Add ``text`` (the entry's text when None) to the keywords."""
        word = " ".join((text if isinstance(text, str) else self.rule_edit.text()).split())
        if word and word.casefold() not in {r.casefold() for r in self.rules()}:
            self._add_item(word)
        self.rule_edit.clear()

    def remove_rule(self) -> None:
        for item in self.rule_list.selectedItems():
            self.rule_list.takeItem(self.rule_list.row(item))

    def add_suggestions(self) -> None:
        for rule in SUGGESTED_RULES:
            self.add_rule(rule)

    def prefs(self) -> PodcastPrefs:
        """The preferences as edited (the listener's chapter ticks are kept)."""
        speed = self.speed_combo.currentData()
        return replace(
            self._prefs,
            rules=self.rules(),
            intro_ms=self.intro_spin.value() * 1000,
            outro_ms=self.outro_spin.value() * 1000,
            speed=float(speed) if isinstance(speed, int | float) else None,
            volume=self.volume_slider.value() if self.volume_check.isChecked() else None,
            allow_images=self.images_check.isChecked(),
        )


def _seconds_box(name: str) -> QSpinBox:
    box = QSpinBox()
    box.setAccessibleName(name)
    box.setRange(0, 600)
    box.setSuffix(" s")
    box.setSpecialValueText("Off")
    return box
