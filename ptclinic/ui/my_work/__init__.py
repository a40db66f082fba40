"""The therapist's "My work" page: today's visits and their notes, what is unsigned or due."""
