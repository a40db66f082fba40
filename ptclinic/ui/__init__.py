"""The PySide6 desktop interface. The only package that may import Qt."""
