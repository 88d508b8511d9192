"""Files to Articles: finding files, reading each format, cleaning, dates, boilerplate."""
