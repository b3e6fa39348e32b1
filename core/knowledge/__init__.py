"""Knowledge NoteLens' authors wrote from published sources, kept as data files with schemas: the treatment
knowledge base, the interaction rules and the other tables inference and the synthesizer read alike.

Each module reads its files through :mod:`core.knowledge.schema` (a broken row fails with the file, line and row):
:mod:`~core.knowledge.kb` the treatment knowledge base, :mod:`~core.knowledge.interactions` the interaction
rules and the ANSM bridge tables, :mod:`~core.knowledge.drug_classes` the allergy groups and class families,
:mod:`~core.knowledge.patient` the patient-context patterns; :mod:`~core.knowledge.fields` holds the field types
they share. This package is the bottom layer: of the product it imports only :mod:`core.labels` and
:mod:`core.config`.
"""

from pathlib import Path

#: The folder of the knowledge's data files.
DATA_DIR: Path = Path(__file__).resolve().parent / "data"
