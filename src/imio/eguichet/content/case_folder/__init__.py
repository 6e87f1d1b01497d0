"""The cases container (Demandes)."""
