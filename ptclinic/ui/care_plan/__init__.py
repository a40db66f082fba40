"""The care-plan window: the builder for an episode's plan, and its dialogs."""
