"""Patient screens: find-as-you-type search, the chart's demographics, registration and editing."""
