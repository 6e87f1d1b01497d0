"""1004: "Mes démarches" and the agents' "Demandes" in the personal menu."""
