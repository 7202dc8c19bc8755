"""How Tally's pages write dates and times: "5 Jan 2027, 12:08", 24-hour, day first.

Django's English formats write "Jan. 5, 2027, 12:08 p.m.", which reads badly at the end of a
sentence ("p.m..") and sorts badly by eye in a table.
"""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1  # Monday, as the dashboard's weeks
