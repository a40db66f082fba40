"""The exercise library: browse and search it; the clinic adds, edits and retires its own."""
