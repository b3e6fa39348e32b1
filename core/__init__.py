"""NoteLens core: all product logic lives here and returns plain data (dataclasses, HTML strings); the UI lives in
app.py and pages/."""
