"""Showing, printing and saving the PDFs the app makes (day sheets now; handouts and notes later).

Qt's own PDF module is not in the Essentials wheel, so pypdfium2 turns each page into an image:
at screen resolution for the preview, at the printer's for paper. The bytes a person saves are
always the service's own PDF, never a re-rendering.
"""
