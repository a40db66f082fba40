"""The Schedule page: the front desk's calendar, booking, moving and check-in."""
