"""The intake evaluation window: its sections, autosave and crash safety, the live
interpretation, signing and addenda."""
