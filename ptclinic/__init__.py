"""PT Clinic: desktop software for outpatient physical-therapy clinics."""

__version__ = "0.1.0"
