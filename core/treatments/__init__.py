"""Treatment suggestions: knowledge base, patient context, ranking, safety checks."""
