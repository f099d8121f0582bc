"""The company's profile: who collects the data and who its data-protection officer is."""
