"""Vocabularies NoteLens reads from installed packages (ICD-10-CM, the drug dictionary, MeSH diseases) and the
condition lexicon built on them: used alike by inference (normalization, linking) and by the synthesizer.

Nothing here touches the network; every file is found inside an installed package and read once, lazily.
"""
