"""Knowledge NoteLens' authors wrote from published sources, kept as data files with schemas: the treatment
knowledge base, the interaction rules and the other tables inference and the synthesizer read alike.
"""

from pathlib import Path

#: The folder of the knowledge's data files.
DATA_DIR: Path = Path(__file__).resolve().parent / "data"
