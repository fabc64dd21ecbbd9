"""The PySide6 desktop GUI of annotator. Imports the core; the core never imports it."""
