"""Drug-entity highlighting: NER, linking, normalization, assertion, export."""
